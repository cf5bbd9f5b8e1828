/*
** libFuzzer entry for the mirror kext's control protocol
** (kext/macos/ctl.c, registry.c; DESIGN.md §8): any bytes, taken as what
** the kext is sent (LOAD or UNLOAD by setsockopt, a read by getsockopt,
** an exec's argument area), and as what the daemon reads back (COUNTERS,
** SAMPLES and STATUS replies). Nothing may fault; a reply the kext
** writes must fit its buffer and decode; a decoded reply must iterate
** exactly as its counts say; every profile loaded must be freed again.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kext/macos/ctl.h"
#include "kext/macos/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct host {
	long live;                      /* allocations not yet freed */
};

static void *
halloc(void *ctx, size_t n)
{
	((struct host *)ctx)->live++;
	return calloc(1, n ? n : 1);
}

static void
hfree(void *ctx, void *p, size_t n)
{
	(void)n;
	((struct host *)ctx)->live--;
	free(p);
}

/* Serve request REQ (LEN bytes) in a buffer of CAP; the reply must decode. */
static void
ask(struct sb_kreg *r, const void *req, size_t len, size_t cap)
{
	uint8_t *buf = calloc(1, cap);
	struct sb_ctl_counters c;
	struct sb_ctl_samples s;
	struct sb_ctl_status st;
	struct sb_ksample k;
	struct sb_kcell cell;
	size_t out, pos = 0;
	uint32_t i;
	int rc;

	memcpy(buf, req, len < cap ? len : cap);
	rc = sb_ctl_serve_get(r, buf, cap, &out);
	if (out > cap || (rc == SB_KST_OK && out < SB_CTL_HEADER))
		abort();
	if (rc == SB_KST_OK && sb_ctl_decode_counters(buf, out, &c) !=
	    SB_KST_OK && sb_ctl_decode_samples(buf, out, &s) != SB_KST_OK &&
	    sb_ctl_decode_status(buf, out, &st) != SB_KST_OK)
		abort();
	if (rc == SB_KST_OK && sb_ctl_decode_counters(buf, out, &c) ==
	    SB_KST_OK)
		for (i = 0; i < c.ncells; i++)
			sb_ctl_cell(&c, i, &cell);
	if (rc == SB_KST_OK && sb_ctl_decode_samples(buf, out, &s) ==
	    SB_KST_OK) {
		for (i = 0; sb_ctl_sample(&s, &pos, &k) == 0; i++)
			;
		if (i != s.nsamples)
			abort();
	}
	free(buf);
}

/* The bytes as replies the daemon decodes. */
static void
replies(const uint8_t *data, size_t size)
{
	struct sb_ctl_counters c;
	struct sb_ctl_samples s;
	struct sb_ctl_status st;
	struct sb_ksample k;
	struct sb_kcell cell;
	size_t pos = 0;
	uint32_t i;

	if (sb_ctl_decode_counters(data, size, &c) == SB_KST_OK)
		for (i = 0; i < c.ncells; i++) {
			sb_ctl_cell(&c, i, &cell);
			if (cell.rule > c.nrules || cell.deny > 1)
				abort();
		}
	if (sb_ctl_decode_samples(data, size, &s) == SB_KST_OK) {
		for (i = 0; sb_ctl_sample(&s, &pos, &k) == 0; i++)
			if (k.nfacts > SB_KSAMPLE_FACTS ||
			    k.textlen > SB_KSAMPLE_TEXT)
				abort();
		if (i != s.nsamples)
			abort();
	}
	if (sb_ctl_decode_status(data, size, &st) == SB_KST_OK &&
	    memchr(st.msg, 0, sizeof st.msg) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host h = { 0 };
	struct sb_kenv env;
	struct sb_kreg r;
	struct sb_kprof *p;
	uint8_t req[64];
	const char *val;
	uint32_t vlen;
	size_t n;

	if (size > (1u << 20))
		return 0;
	replies(data, size);
	if (sb_kenv_find(data, size, SB_KENV_NAME, &val, &vlen) &&
	    (val < (const char *)data || val + vlen > (const char *)data +
	    size))
		abort();

	memset(&env, 0, sizeof env);
	env.alloc = halloc;
	env.free = hfree;
	env.ctx = &h;           /* no hash: the blob itself gets validated */
	if (sb_kreg_init(&r, &env, 64, 2) != 0)
		abort();
	sb_ctl_serve_set(&r, data, size);
	ask(&r, data, size, size + 64);
	ask(&r, data, size, SB_CTL_HEADER + 8);
	/* a profile that loaded: label a process, count, read it all back */
	if ((p = r.profiles)) {
		if (sb_kreg_exec(&r, 3, 3, data, size) == 1 &&
		    sb_kreg_proc(&r, 3, 3) == NULL)
			abort();
		sb_kreg_fork(&r, 3, 3, 4, 4);
		if (p->qb.ncolumns) {
			struct sb_kwork *w = sb_kreg_work_get(&r);
			memset(&w->q, 0, sizeof w->q);
			w->q.op = p->qb.columns[0];
			w->q.nfacts = 1;
			w->q.facts[0].filter = p->qb.f_path;
			w->q.facts[0].kind = SB_FACT_STRING;
			w->q.facts[0].s = (const char *)data;
			w->q.facts[0].len = (uint32_t)(size < 64 ? size : 64);
			sb_kprof_check(p, w, 3, 1);
			sb_kreg_work_put(&r, w);
		}
		n = sb_ctl_encode_counters(req, sizeof req, p->key, 0, 1000);
		ask(&r, req, n, 4096);
		ask(&r, req, n, sb_ctl_counters_size(0));
		n = sb_ctl_encode_samples(req, sizeof req, p->key, 1000);
		ask(&r, req, n, 1 << 16);
		n = sb_ctl_encode_status(req, sizeof req);
		ask(&r, req, n, 256);
		sb_kreg_exit(&r, 3, 3);
		sb_kreg_exit(&r, 4, 4);
	}
	while ((p = r.profiles))
		if (sb_kreg_unload(&r, p->key) != SB_KST_OK)
			abort();
	if (sb_kreg_fini(&r) != 0 || h.live != 0)
		abort();
	return 0;
}
