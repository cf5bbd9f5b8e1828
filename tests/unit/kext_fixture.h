/*
** What the tests of kext/macos/ share (tests/unit/test_kext_*.c): a
** profile compiled from text to a blob and decoded with its rule map,
** the host environment of the registry, counting what it allocates and
** frees (so a profile that is never freed fails the test: cmocka's own
** leak check ends with each test, before teardown unloads), and finding a rule of
** the compiled profile by its operation, so expectations come from the
** profile text rather than from numbers typed into the test.
** Header-only, static functions, like tests/unit/fixture.h.
*/
#ifndef SB_TESTS_UNIT_KEXT_FIXTURE_H
#define SB_TESTS_UNIT_KEXT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/sha256.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "kext/bin.h"
#include "kext/macos/registry.h"

/* Compile TEXT (written to a temporary file) to a blob into U. */
static inline void
kx_compile(struct sb_unit *u, const char *text)
{
	const char *t = getenv("TMPDIR");
	char path[4096];
	const char *in[1];
	struct sb_options o;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/sbplkextXXXXXX", t && *t ? t : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	memset(&o, 0, sizeof o);
	in[0] = path;
	if (sb_compile(u, &o, in, 1, SB_STAGE_EMIT) < 0) {
		sb_diag_render(&u->ctx.diag, stderr, SB_DIAG_TEXT, 0);
		unlink(path);
		fail_msg("the test profile does not compile");
	}
	unlink(path);
}

/* Decode U's blob with its rule map into *BIN. */
static inline void
kx_decode(struct sb_bin *bin, const struct sb_unit *u)
{
	struct sb_decode_opts o;
	struct sb_decode_error e;

	memset(&o, 0, sizeof o);
	o.target = u->target;
	o.rule_map = u->rule_map;
	o.rule_map_len = u->nnodes;
	o.nrules = u->profile->nrules;
	if (sb_decode(bin, u->blob, u->bloblen, &o, &e) != 0)
		fail_msg("the test blob does not decode: %s", e.msg);
}

/*
** The id of the one rule of U with ACTION that names operation OPNAME
** (the test profiles give each operation one such rule).
*/
static inline uint32_t
kx_rule(const struct sb_unit *u, const char *opname, enum sb_action action)
{
	int op = sb_target_op_find(u->target, opname, strlen(opname));
	uint32_t i, k, found = 0;

	assert_true(op >= 0);
	for (i = 0; i < u->profile->nrules; i++) {
		const struct sb_rule *r = u->profile->rules[i];
		for (k = 0; k < r->nops; k++)
			if (r->ops[k] == op && r->action == action) {
				assert_int_equal(found, 0);
				found = r->id;
			}
	}
	assert_true(found != 0);
	return found;
}

/* --- the registry's host ---------------------------------------------------- */

struct kx_host {
	int locked;                     /* the lock is held */
	uint64_t allocs, frees;
};

static inline void *
kx_alloc(void *ctx, size_t n)
{
	((struct kx_host *)ctx)->allocs++;
	return calloc(1, n);
}

static inline void
kx_free(void *ctx, void *p, size_t n)
{
	(void)n;
	((struct kx_host *)ctx)->frees++;
	free(p);
}

static inline void
kx_lock(void *ctx)
{
	struct kx_host *h = ctx;

	assert_int_equal(h->locked, 0);
	h->locked = 1;
}

static inline void
kx_unlock(void *ctx)
{
	struct kx_host *h = ctx;

	assert_int_equal(h->locked, 1);
	h->locked = 0;
}

static inline void
kx_sha256(void *ctx, const void *p, size_t n, uint8_t out[32])
{
	(void)ctx;
	sb_sha256(p, n, out);
}

/* An environment for H: a counted allocator, a checked lock, SHA-256. */
static inline struct sb_kenv
kx_env(struct kx_host *h)
{
	struct sb_kenv e;

	memset(&e, 0, sizeof e);
	e.alloc = kx_alloc;
	e.free = kx_free;
	e.lock = kx_lock;
	e.unlock = kx_unlock;
	e.sha256 = kx_sha256;
	e.ctx = h;
	return e;
}

/* The LOAD of U as the daemon sends it, in a buffer to free(); *LEN its size. */
static inline uint8_t *
kx_load_msg(const struct sb_unit *u, uint16_t k, uint16_t nslots, size_t *len)
{
	struct sb_ctl_load m;
	uint8_t *buf;

	memset(&m, 0, sizeof m);
	memcpy(m.key, u->blob_sha256, 32);
	snprintf(m.target, sizeof m.target, "%s", u->target->name);
	m.nrules = u->profile->nrules;
	m.k = k;
	m.nslots = nslots;
	m.blob = u->blob;
	m.bloblen = (uint32_t)u->bloblen;
	m.nmap = u->nnodes;
	*len = sb_ctl_load_size(m.bloblen, m.nmap);
	buf = malloc(*len);
	assert_int_equal(sb_ctl_encode_load(buf, *len, &m, u->rule_map), *len);
	return buf;
}

#endif
