/*
** Unit tests of the control socket's protocol and the kext's answers
** (kext/macos/ctl.c over registry.c; DESIGN.md §8): LOAD round trips,
** malformed requests refused whole (every truncation, each header
** field, each bound, padding, the target field), the kext's refusals
** with their status and reason (another key, target, a corrupt blob
** with sb_decode()'s own message and offset, too many profiles), paged
** COUNTERS replies equal to a tally of the evaluator's verdicts, SAMPLES
** replies, and malformed replies refused by the daemon's decoders.
*/
#include "tests/unit/kext_fixture.h"

#include "kext/eval.h"
#include "kext/macos/ctl.h"
#include "kext/macos/query_build.h"
#include "kext/macos/registry.h"

static const char prof_sb[] =
	"(version 1)\n"
	"(deny default)\n"
	"(allow file-read-data (subpath \"/usr/lib\"))\n"
	"(allow file-read-metadata)\n"
	"(deny file-write-data (subpath \"/etc\"))\n"
	"(allow network-outbound (remote tcp \"localhost:*\"))\n";

/* LOAD body offsets (ctl.h) */
enum { H = SB_CTL_HEADER, O_TARGET = H + 32, O_NRULES = H + 48,
	O_K = H + 52, O_NSLOTS = H + 54, O_BLOBLEN = H + 56, O_NMAP = H + 60,
	O_BLOB = H + 64 };

struct env {
	struct sb_unit u;
	struct kx_host host;
	struct sb_kreg reg;
	uint8_t *load;                  /* the unit's LOAD message */
	size_t loadlen;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct sb_kenv env = kx_env(&e->host);

	kx_compile(&e->u, prof_sb);
	e->load = kx_load_msg(&e->u, 4, 64, &e->loadlen);
	assert_int_equal(sb_kreg_init(&e->reg, &env, 1000, 4), 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p;

	while ((p = e->reg.profiles))
		assert_int_equal(sb_kreg_unload(&e->reg, p->key), SB_KST_OK);
	assert_int_equal(sb_kreg_fini(&e->reg), 0);
	assert_int_equal(e->host.allocs, e->host.frees);
	free(e->load);
	sb_unit_free(&e->u);
	free(e);
	return 0;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void
kext_ctl__load__round_trips_through_encode_and_decode(void **state)
{
	struct env *e = *state;
	struct sb_ctl_msg m;
	uint32_t i;

	assert_int_equal(e->loadlen, sb_ctl_load_size((uint32_t)e->u.bloblen,
	    e->u.nnodes));
	assert_int_equal(sb_ctl_decode(e->load, e->loadlen, &m), SB_KST_OK);
	assert_int_equal(m.type, SB_CTL_LOAD);
	assert_int_equal(m.length, e->loadlen);
	assert_memory_equal(m.u.load.key, e->u.blob_sha256, 32);
	assert_string_equal(m.u.load.target, e->u.target->name);
	assert_int_equal(m.u.load.nrules, e->u.profile->nrules);
	assert_int_equal(m.u.load.k, 4);
	assert_int_equal(m.u.load.nslots, 64);
	assert_int_equal(m.u.load.bloblen, e->u.bloblen);
	assert_memory_equal(m.u.load.blob, e->u.blob, e->u.bloblen);
	assert_int_equal(m.u.load.nmap, e->u.nnodes);
	for (i = 0; i < e->u.nnodes; i++)
		assert_int_equal(rd32(m.u.load.map + 4 * i), e->u.rule_map[i]);
	/* an encoder never writes past what it is given */
	assert_int_equal(sb_ctl_encode_load(e->load, e->loadlen - 1, &m.u.load,
	    e->u.rule_map), 0);
}

/* LOAD with the byte at OFF set to V: the decoder's status. */
static int
poke(struct env *e, size_t off, uint8_t v)
{
	uint8_t *b = malloc(e->loadlen);
	struct sb_ctl_msg m;
	int st;

	memcpy(b, e->load, e->loadlen);
	b[off] = v;
	st = sb_ctl_decode(b, e->loadlen, &m);
	free(b);
	return st;
}

/* LOAD with the u32 at OFF set to V. */
static int
poke32(struct env *e, size_t off, uint32_t v)
{
	uint8_t *b = malloc(e->loadlen);
	struct sb_ctl_msg m;
	int st;

	memcpy(b, e->load, e->loadlen);
	wr32(b + off, v);
	st = sb_ctl_decode(b, e->loadlen, &m);
	free(b);
	return st;
}

static void
kext_ctl__malformed_requests__are_refused_whole(void **state)
{
	struct env *e = *state;
	uint32_t bloblen = (uint32_t)e->u.bloblen;
	size_t n, padstart = O_BLOB + bloblen;
	struct sb_ctl_msg m;
	uint8_t *b;

	/* every truncation */
	for (n = 0; n < e->loadlen; n++)
		assert_int_equal(sb_ctl_decode(e->load, n, &m),
		    SB_KST_MALFORMED);
	/* the header */
	assert_int_equal(poke(e, 0, 'X'), SB_KST_MALFORMED);
	assert_int_equal(poke(e, 4, SB_CTL_VERSION + 1), SB_KST_VERSION);
	assert_int_equal(poke(e, 6, 99), SB_KST_MALFORMED);
	assert_int_equal(poke(e, 6, SB_CTL_UNLOAD), SB_KST_MALFORMED);
	assert_int_equal(poke32(e, 8, (uint32_t)e->loadlen + 1),
	    SB_KST_MALFORMED);
	assert_int_equal(poke32(e, 8, SB_CTL_HEADER - 1), SB_KST_MALFORMED);
	assert_int_equal(poke(e, 12, 1), SB_KST_MALFORMED);
	/* the target field: empty, unterminated, junk after the name */
	assert_int_equal(poke(e, O_TARGET, 0), SB_KST_MALFORMED);
	b = malloc(e->loadlen);
	memcpy(b, e->load, e->loadlen);
	memset(b + O_TARGET, 'a', SB_CTL_TARGET);
	assert_int_equal(sb_ctl_decode(b, e->loadlen, &m), SB_KST_MALFORMED);
	free(b);
	assert_int_equal(poke(e, O_TARGET + SB_CTL_TARGET - 1, 'z'),
	    SB_KST_MALFORMED);
	/* each bound */
	assert_int_equal(poke32(e, O_NRULES, SB_CTL_MAX_RULES + 1),
	    SB_KST_MALFORMED);
	assert_int_equal(poke(e, O_K, SB_CTL_MAX_K + 1), SB_KST_MALFORMED);
	assert_int_equal(poke32(e, O_K, (rd32(e->load + O_K) & 0xffff) |
	    (SB_CTL_MAX_SLOTS + 1u) << 16), SB_KST_MALFORMED);
	assert_int_equal(poke32(e, O_BLOBLEN, 0), SB_KST_MALFORMED);
	assert_int_equal(poke32(e, O_BLOBLEN, SB_CTL_MAX_BLOB + 1),
	    SB_KST_MALFORMED);
	assert_int_equal(poke32(e, O_NMAP, SB_BIN_MAX_NODES + 1),
	    SB_KST_MALFORMED);
	/* sizes that disagree with the length */
	assert_int_equal(poke32(e, O_BLOBLEN, bloblen + 4), SB_KST_MALFORMED);
	assert_int_equal(poke32(e, O_NMAP, e->u.nnodes - 1), SB_KST_MALFORMED);
	/* padding after the blob, when there is any */
	if (padstart % 4)
		assert_int_equal(poke(e, padstart, 1), SB_KST_MALFORMED);
	/* a byte too many, with the length saying so */
	b = calloc(1, e->loadlen + 4);
	memcpy(b, e->load, e->loadlen);
	wr32(b + 8, (uint32_t)e->loadlen + 4);
	assert_int_equal(sb_ctl_decode(b, e->loadlen + 4, &m),
	    SB_KST_MALFORMED);
	free(b);
	/* the other requests: exact lengths only */
	b = calloc(1, 128);
	assert_int_equal(sb_ctl_encode_unload(b, 128, e->u.blob_sha256), 48);
	assert_int_equal(sb_ctl_decode(b, 48, &m), SB_KST_OK);
	wr32(b + 8, 47);
	assert_int_equal(sb_ctl_decode(b, 48, &m), SB_KST_MALFORMED);
	assert_int_equal(sb_ctl_encode_counters(b, 128, e->u.blob_sha256, 0,
	    9), 56);
	wr32(b + 8, 60);
	assert_int_equal(sb_ctl_decode(b, 128, &m), SB_KST_MALFORMED);
	assert_int_equal(sb_ctl_encode_status(b, 128), SB_CTL_HEADER);
	wr32(b + 8, SB_CTL_HEADER + 4);
	assert_int_equal(sb_ctl_decode(b, 128, &m), SB_KST_MALFORMED);
	free(b);
	/* the kext takes none of them and loads nothing */
	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen - 1),
	    SB_KST_MALFORMED);
	assert_int_equal(e->reg.nprofiles, 0);
}

static void
kext_ctl__refused_loads__say_why(void **state)
{
	struct env *e = *state;
	uint8_t *b = malloc(e->loadlen), st[256];
	struct sb_ctl_status s;
	struct sb_decode_opts o;
	struct sb_decode_error de;
	struct sb_bin bin;
	uint32_t *map = malloc(e->u.nnodes * 4);
	size_t len, off;
	struct sb_ctl_msg m;

	/* the key is not the blob's hash */
	memcpy(b, e->load, e->loadlen);
	b[H] ^= 1;
	assert_int_equal(sb_ctl_serve_set(&e->reg, b, e->loadlen),
	    SB_KST_HASH);
	/* a target the kext does not know */
	memcpy(b, e->load, e->loadlen);
	memcpy(b + O_TARGET, "macos99", 8);
	assert_int_equal(sb_ctl_serve_set(&e->reg, b, e->loadlen),
	    SB_KST_TARGET);
	/* a rule map naming a rule past nrules: sb_decode()'s own reason */
	memcpy(b, e->load, e->loadlen);
	assert_int_equal(sb_ctl_decode(b, e->loadlen, &m), SB_KST_OK);
	off = (size_t)(m.u.load.map - b);
	wr32(b + off, e->u.profile->nrules + 1);
	memcpy(map, e->u.rule_map, e->u.nnodes * 4);
	map[0] = e->u.profile->nrules + 1;
	memset(&o, 0, sizeof o);
	o.target = e->u.target;
	o.rule_map = map;
	o.rule_map_len = e->u.nnodes;
	o.nrules = e->u.profile->nrules;
	assert_int_equal(sb_decode(&bin, e->u.blob, e->u.bloblen, &o, &de), -1);
	assert_int_equal(sb_ctl_serve_set(&e->reg, b, e->loadlen),
	    SB_KST_BLOB);
	assert_int_equal(sb_ctl_encode_status(st, sizeof st), SB_CTL_HEADER);
	assert_int_equal(sb_ctl_serve_get(&e->reg, st, sizeof st, &len),
	    SB_KST_OK);
	assert_int_equal(sb_ctl_decode_status(st, len, &s), SB_KST_OK);
	assert_int_equal(s.last, SB_KST_BLOB);
	assert_int_equal(s.code, de.code);
	assert_int_equal(s.offset, de.offset);
	assert_string_equal(s.msg, de.msg);
	assert_int_equal(s.profiles, 0);
	/* nothing loaded: unload and reads have no such profile */
	assert_int_equal(sb_ctl_encode_unload(st, sizeof st, e->u.blob_sha256),
	    48);
	assert_int_equal(sb_ctl_serve_set(&e->reg, st, 48), SB_KST_NOTFOUND);
	assert_int_equal(sb_ctl_encode_counters(st, sizeof st,
	    e->u.blob_sha256, 0, 10), 56);
	assert_int_equal(sb_ctl_serve_get(&e->reg, st, sizeof st, &len),
	    SB_KST_NOTFOUND);
	assert_int_equal(len, SB_CTL_HEADER);
	assert_int_equal(rd32(st + 12), SB_KST_NOTFOUND);
	/* only the registry's own two tables are still allocated */
	assert_int_equal(e->host.allocs, e->host.frees + 2);
	free(map);
	free(b);
}

static void
kext_ctl__loads__are_keyed_and_bounded(void **state)
{
	struct env *e = *state;
	struct sb_kenv env = kx_env(&e->host);
	struct sb_kreg r;
	uint8_t *b = malloc(e->loadlen);
	unsigned i;

	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen),
	    SB_KST_OK);
	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen),
	    SB_KST_OK);
	assert_int_equal(e->reg.nprofiles, 1);
	assert_int_equal(e->reg.profiles->refs, 1);
	/* without a hash the key is taken as given: one profile per key */
	env.sha256 = NULL;
	assert_int_equal(sb_kreg_init(&r, &env, 10, 0), 0);
	memcpy(b, e->load, e->loadlen);
	for (i = 0; i <= SB_KREG_MAX_PROFILES; i++) {
		b[H] = (uint8_t)i;
		assert_int_equal(sb_ctl_serve_set(&r, b, e->loadlen),
		    i < SB_KREG_MAX_PROFILES ? SB_KST_OK : SB_KST_LIMIT);
	}
	assert_int_equal(r.nprofiles, SB_KREG_MAX_PROFILES);
	assert_int_equal(sb_kreg_fini(&r), -1);
	for (i = 0; i < SB_KREG_MAX_PROFILES; i++) {
		b[H] = (uint8_t)i;
		assert_int_equal(sb_kreg_unload(&r, b + H), SB_KST_OK);
		assert_int_equal(sb_kreg_unload(&r, b + H), SB_KST_NOTFOUND);
	}
	assert_int_equal(sb_kreg_fini(&r), 0);
	free(b);
}

/* Access I of a fixed mix, built by the query builder into W. */
static void
access_of(const struct sb_qb *qb, unsigned i, struct sb_kwork *w)
{
	static const char *const paths[] = { "/usr/lib/a", "/etc/hosts",
		"/tmp/x", "/usr/lib/b/c" };
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	static const unsigned hooks[] = { SB_HOOK_vnode_check_open,
		SB_HOOK_vnode_check_stat, SB_HOOK_vnode_check_truncate,
		SB_HOOK_socket_check_connect };

	memset(&w->args, 0, sizeof w->args);
	w->args.path = paths[i % 4];
	w->args.pathlen = (uint32_t)strlen(w->args.path);
	w->args.vtype = SB_QB_VREG;
	if (hooks[(i / 4) % 4] == SB_HOOK_socket_check_connect)
		sb_qb_set_inet(&w->args, SB_QB_AF_INET, SB_QB_TP_TCP, lo,
		    (int32_t)(i % 1000));
	assert_int_equal(sb_qb_build(qb, hooks[(i / 4) % 4], 0, &w->args,
	    &w->q), 0);
}

/* Tally of cells by (rule, op, deny): a small linear table. */
struct tally {
	struct sb_kcell c[64];
	uint32_t n;
};

static void
tally_add(struct tally *t, uint32_t rule, uint16_t op, uint8_t deny,
    uint64_t count)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (t->c[i].rule == rule && t->c[i].op == op &&
		    t->c[i].deny == deny) {
			t->c[i].count += count;
			return;
		}
	assert_true(t->n < 64);
	t->c[t->n].rule = rule;
	t->c[t->n].op = op;
	t->c[t->n].deny = deny;
	t->c[t->n++].count = count;
}

static void
kext_ctl__counters_replies__add_up_to_the_verdicts(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p;
	struct sb_kwork *w;
	struct tally want = { .n = 0 }, got = { .n = 0 };
	struct sb_ctl_counters r;
	uint8_t buf[SB_CTL_HEADER + 96 + 2 * SB_CTL_CELL];
	uint32_t i, start = 0, pages = 0;
	size_t len;

	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen),
	    SB_KST_OK);
	p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	assert_non_null(p);
	for (i = 0; i < 200; i++) {
		struct sb_verdict v;
		assert_non_null(w = sb_kreg_work_get(&e->reg));
		access_of(&p->qb, i, w);
		/* the expectation: the evaluator's own verdict, tallied */
		assert_int_equal(sb_eval(&p->bin, &w->q, &w->scratch, &v),
		    SB_EVAL_OK);
		tally_add(&want, v.rule, w->q.op, v.deny, 1);
		assert_int_equal(sb_kprof_check(p, w, 42, i), 0);
		sb_kreg_work_put(&e->reg, w);
	}
	/* a buffer with room for two cells: the reply is paged */
	do {
		assert_int_equal(sb_ctl_encode_counters(buf, sizeof buf,
		    e->u.blob_sha256, start, UINT32_MAX), 56);
		assert_int_equal(sb_ctl_serve_get(&e->reg, buf, sizeof buf,
		    &len), SB_KST_OK);
		assert_int_equal(sb_ctl_decode_counters(buf, len, &r),
		    SB_KST_OK);
		assert_int_equal(r.status, SB_KST_OK);
		assert_memory_equal(r.key, e->u.blob_sha256, 32);
		assert_true(r.ncells <= 2);
		assert_int_equal(r.evals, 200);
		assert_int_equal(r.nrules, e->u.profile->nrules);
		for (i = 0; i < r.ncells; i++) {
			struct sb_kcell c;
			sb_ctl_cell(&r, i, &c);
			tally_add(&got, c.rule, c.op, c.deny, c.count);
		}
		start = r.next;
		pages++;
	} while (r.next < r.size);
	assert_true(pages >= (want.n + 1) / 2);
	assert_int_equal(got.n, want.n);
	for (i = 0; i < want.n; i++) {
		uint32_t k;
		for (k = 0; k < got.n; k++)
			if (got.c[k].rule == want.c[i].rule &&
			    got.c[k].op == want.c[i].op &&
			    got.c[k].deny == want.c[i].deny)
				break;
		assert_true(k < got.n);
		assert_int_equal(got.c[k].count, want.c[i].count);
	}
}

static void
kext_ctl__a_load_without_a_rule_map__counts_under_rule_0(void **state)
{
	struct env *e = *state;
	struct sb_ctl_load m;
	struct sb_kprof *p;
	struct sb_kwork *w;
	struct sb_kcell cells[8];
	uint8_t *b = malloc(e->loadlen);
	size_t len;
	uint32_t i, n, next;

	memset(&m, 0, sizeof m);
	memcpy(m.key, e->u.blob_sha256, 32);
	snprintf(m.target, sizeof m.target, "%s", e->u.target->name);
	m.nrules = e->u.profile->nrules;
	m.blob = e->u.blob;
	m.bloblen = (uint32_t)e->u.bloblen;
	len = sb_ctl_encode_load(b, e->loadlen, &m, NULL);
	assert_int_equal(len, sb_ctl_load_size(m.bloblen, 0));
	assert_int_equal(sb_ctl_serve_set(&e->reg, b, len), SB_KST_OK);
	p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	for (i = 0; i < 8; i++) {
		w = sb_kreg_work_get(&e->reg);
		access_of(&p->qb, i, w);
		assert_int_equal(sb_kprof_check(p, w, 1, i), 0);
		sb_kreg_work_put(&e->reg, w);
	}
	n = sb_kcounters_read(&p->counters, 0, cells, 8, &next);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_equal(cells[i].rule, 0);
	free(b);
}

static void
kext_ctl__samples_replies__carry_what_the_hooks_saw(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p;
	struct sb_kwork *w;
	struct sb_ctl_samples r;
	struct sb_ksample s;
	uint8_t *buf = malloc(1 << 16);
	uint32_t i, n = 0, seen = 0;
	size_t len, pos;
	int outbound = sb_target_op_find(e->u.target, "network-outbound", 16);
	int remote = sb_target_filter_find(e->u.target, "remote", 6);
	int path = sb_target_filter_find(e->u.target, "path", 4);

	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen),
	    SB_KST_OK);
	p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	for (i = 0; i < 16; i++) {
		w = sb_kreg_work_get(&e->reg);
		access_of(&p->qb, i, w);
		sb_kprof_check(p, w, 7, 1000 + i);
		sb_kreg_work_put(&e->reg, w);
	}
	/* one at a time, then the rest */
	for (;;) {
		assert_int_equal(sb_ctl_encode_samples(buf, 1 << 16,
		    e->u.blob_sha256, n == 0 ? 1 : 100), 52);
		assert_int_equal(sb_ctl_serve_get(&e->reg, buf, 1 << 16, &len),
		    SB_KST_OK);
		assert_int_equal(sb_ctl_decode_samples(buf, len, &r),
		    SB_KST_OK);
		if (n++ == 0)
			assert_int_equal(r.nsamples, 1);
		if (r.nsamples == 0)
			break;
		for (pos = 0, i = 0; i < r.nsamples; i++) {
			assert_int_equal(sb_ctl_sample(&r, &pos, &s), 0);
			assert_int_equal(s.pid, 7);
			assert_true(s.ts >= 1000 && s.ts < 1016);
			assert_int_equal(s.facts[0].filter, s.op == outbound ?
			    remote : path);
			seen++;
		}
		assert_int_equal(sb_ctl_sample(&r, &pos, &s), -1);
	}
	/* at most K per rule, and each rule that decided something gave one */
	assert_true(seen > 0);
	assert_true(seen <= 4 * (e->u.profile->nrules + 1));
	free(buf);
}

static void
kext_ctl__malformed_replies__are_refused(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p;
	struct sb_kwork *w;
	uint8_t good[4096], b[4096];
	struct sb_ctl_counters c;
	struct sb_ctl_samples s;
	struct sb_ctl_status st;
	size_t len, slen, n, first;

	assert_int_equal(sb_ctl_serve_set(&e->reg, e->load, e->loadlen),
	    SB_KST_OK);
	p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	w = sb_kreg_work_get(&e->reg);
	access_of(&p->qb, 0, w);
	sb_kprof_check(p, w, 1, 1);
	sb_kreg_work_put(&e->reg, w);

	sb_ctl_encode_counters(good, sizeof good, e->u.blob_sha256, 0, 100);
	assert_int_equal(sb_ctl_serve_get(&e->reg, good, sizeof good, &len),
	    SB_KST_OK);
	assert_int_equal(sb_ctl_decode_counters(good, len, &c), SB_KST_OK);
	assert_int_equal(c.ncells, 1);
	first = SB_CTL_HEADER + 96;
	for (n = 0; n < len; n++)
		assert_int_not_equal(sb_ctl_decode_counters(good, n, &c),
		    SB_KST_OK);
	memcpy(b, good, len);
	wr32(b + SB_CTL_HEADER + 52, 2);                /* ncells */
	assert_int_equal(sb_ctl_decode_counters(b, len, &c), SB_KST_MALFORMED);
	memcpy(b, good, len);
	b[first + 6] = 2;                               /* deny */
	assert_int_equal(sb_ctl_decode_counters(b, len, &c), SB_KST_MALFORMED);
	memcpy(b, good, len);
	b[first + 7] = 1;                               /* padding */
	assert_int_equal(sb_ctl_decode_counters(b, len, &c), SB_KST_MALFORMED);
	memcpy(b, good, len);
	wr32(b + first, e->u.profile->nrules + 1);      /* rule */
	assert_int_equal(sb_ctl_decode_counters(b, len, &c), SB_KST_MALFORMED);
	memcpy(b, good, len);
	b[6] = SB_CTL_SAMPLES;                          /* another reply */
	assert_int_equal(sb_ctl_decode_counters(b, len, &c), SB_KST_MALFORMED);

	sb_ctl_encode_samples(good, sizeof good, e->u.blob_sha256, 10);
	assert_int_equal(sb_ctl_serve_get(&e->reg, good, sizeof good, &slen),
	    SB_KST_OK);
	assert_int_equal(sb_ctl_decode_samples(good, slen, &s), SB_KST_OK);
	assert_int_equal(s.nsamples, 1);
	first = SB_CTL_HEADER + 40;
	for (n = 0; n < slen; n++)
		assert_int_not_equal(sb_ctl_decode_samples(good, n, &s),
		    SB_KST_OK);
	memcpy(b, good, slen);
	b[first + 28] = SB_KSAMPLE_FACTS + 1;           /* nfacts */
	assert_int_equal(sb_ctl_decode_samples(b, slen, &s), SB_KST_MALFORMED);
	memcpy(b, good, slen);
	b[first + 32 + 1] = 9;                          /* fact kind */
	assert_int_equal(sb_ctl_decode_samples(b, slen, &s), SB_KST_MALFORMED);
	memcpy(b, good, slen);
	b[first + 32 + 4] = 0xff;                       /* fact length */
	assert_int_equal(sb_ctl_decode_samples(b, slen, &s), SB_KST_MALFORMED);
	memcpy(b, good, slen);
	b[first + 26] = 2;                              /* deny */
	assert_int_equal(sb_ctl_decode_samples(b, slen, &s), SB_KST_MALFORMED);
	memcpy(b, good, slen);
	wr32(b + SB_CTL_HEADER + 32, 2);                /* nsamples */
	assert_int_equal(sb_ctl_decode_samples(b, slen, &s), SB_KST_MALFORMED);
	/* the sample's padding, when its text leaves some */
	n = 32 + 16 * (size_t)good[first + 28] + (size_t)(good[first + 30] |
	    good[first + 31] << 8);
	if (n % 8) {
		memcpy(b, good, slen);
		b[first + n] = 1;
		assert_int_equal(sb_ctl_decode_samples(b, slen, &s),
		    SB_KST_MALFORMED);
	}

	sb_ctl_encode_status(good, sizeof good);
	assert_int_equal(sb_ctl_serve_get(&e->reg, good, sizeof good, &len),
	    SB_KST_OK);
	assert_int_equal(sb_ctl_decode_status(good, len, &st), SB_KST_OK);
	assert_string_equal(st.msg, sb_kstatus_text(SB_KST_OK));
	memcpy(b, good, len);
	memset(b + SB_CTL_HEADER + 24, 'm', SB_CTL_MSG);        /* no NUL */
	assert_int_equal(sb_ctl_decode_status(b, len, &st), SB_KST_MALFORMED);
	/* too small a buffer gets a bare SPACE header */
	sb_ctl_encode_status(b, sizeof b);
	assert_int_equal(sb_ctl_serve_get(&e->reg, b, SB_CTL_HEADER + 8,
	    &len), SB_KST_SPACE);
	assert_int_equal(len, SB_CTL_HEADER);
	assert_int_equal(sb_ctl_decode_status(b, len, &st), SB_KST_OK);
	assert_int_equal(st.status, SB_KST_SPACE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(kext_ctl__load__round_trips_through_encode_and_decode),
		T(kext_ctl__malformed_requests__are_refused_whole),
		T(kext_ctl__refused_loads__say_why),
		T(kext_ctl__loads__are_keyed_and_bounded),
		T(kext_ctl__counters_replies__add_up_to_the_verdicts),
		T(kext_ctl__a_load_without_a_rule_map__counts_under_rule_0),
		T(kext_ctl__samples_replies__carry_what_the_hooks_saw),
		T(kext_ctl__malformed_replies__are_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
