/*
** Unit tests of the kext's counter table and sample ring
** (kext/macos/counters.c, DESIGN.md §8): sizing and set-up, counting by
** rule, operation and decision with what falls outside the table, paged
** reads, the per-rule sample quota, a full ring giving the quota back,
** a reader that runs out of room, truncated samples, and counts made by
** several threads at once adding up exactly.
*/
#include <pthread.h>

#include "tests/unit/kext_fixture.h"

#include "kext/macos/counters.h"

enum { NRULES = 5, NSLOTS = 4, K = 2 };

static const uint16_t cols[] = { 22, 32, 145 };       /* any distinct slots */

struct env {
	struct sb_kcounters c;
	void *mem;
	size_t size;
};

static int
setup_k(void **state, uint32_t k, uint32_t nslots)
{
	struct env *e = test_calloc(1, sizeof *e);

	e->size = sb_kcounters_bytes(NRULES, 3, nslots, SIZE_MAX);
	assert_true(e->size > 0);
	e->mem = test_malloc(e->size);
	assert_int_equal(sb_kcounters_init(&e->c, e->mem, e->size, NRULES,
	    cols, 3, k, nslots), 0);
	*state = e;
	return 0;
}

static int
setup(void **state)
{
	return setup_k(state, K, NSLOTS);
}

static int
teardown(void **state)
{
	struct env *e = *state;

	test_free(e->mem);
	test_free(e);
	return 0;
}

static struct sb_verdict
verdict(uint32_t rule, int deny)
{
	struct sb_verdict v;

	memset(&v, 0, sizeof v);
	v.rule = rule;
	v.deny = (uint8_t)deny;
	return v;
}

static void
count(struct sb_kcounters *c, uint16_t op, uint32_t rule, int deny,
    unsigned times)
{
	struct sb_verdict v = verdict(rule, deny);

	while (times--)
		sb_kcounters_count(c, op, &v);
}

static void
kext_counters__bytes__are_the_table_the_quotas_and_the_ring(void **state)
{
	size_t n = sb_kcounters_bytes(NRULES, 3, NSLOTS, SIZE_MAX);
	size_t quotas = ((NRULES + 1) * 4 + 7) / 8 * 8;
	struct sb_kcounters c;
	uint64_t mem[8];
	uint16_t twice[2] = { 7, 7 };

	(void)state;
	assert_int_equal(n, (NRULES + 1) * 3 * 2 * sizeof(uint64_t) + quotas +
	    NSLOTS * sizeof(struct sb_kslot));
	assert_int_equal(sb_kcounters_bytes(NRULES, 3, NSLOTS, n - 1), 0);
	assert_int_equal(sb_kcounters_bytes(NRULES, 0, NSLOTS, SIZE_MAX), 0);
	assert_int_equal(sb_kcounters_bytes(UINT32_MAX, 64, 0, SIZE_MAX), 0);
	/* too little memory, a repeated column, a slot out of range */
	assert_int_equal(sb_kcounters_init(&c, mem, sizeof mem, NRULES, cols,
	    3, K, NSLOTS), -1);
	assert_int_equal(sb_kcounters_init(&c, mem, sizeof mem, 0, twice, 2, 0,
	    0), -1);
	twice[1] = SB_KCOUNTERS_MAX_SLOTS;
	assert_int_equal(sb_kcounters_init(&c, mem, sizeof mem, 0, twice, 2, 0,
	    0), -1);
	twice[1] = 8;
	assert_int_equal(sb_kcounters_init(&c, mem, sizeof mem, 0, twice, 2, 0,
	    0), 0);
	assert_int_equal(sb_kcounters_size(&c), 1 * 2 * 2);
}

/* Every non-zero counter, read in pages of PAGE. */
static uint32_t
read_all(const struct sb_kcounters *c, uint32_t page, struct sb_kcell *out,
    uint32_t max)
{
	uint32_t start = 0, next, n = 0, got;

	do {
		assert_true(n + page <= max);
		got = sb_kcounters_read(c, start, out + n, page, &next);
		assert_true(got <= page);
		assert_true(next > start || next == sb_kcounters_size(c));
		n += got;
		start = next;
	} while (next < sb_kcounters_size(c));
	return n;
}

static void
kext_counters__counts__come_back_by_rule_operation_and_decision(void **state)
{
	struct env *e = *state;
	struct sb_kcell cells[64];
	struct sb_verdict v = verdict(NRULES + 1, 0);
	uint32_t n, i;

	count(&e->c, cols[0], 1, 0, 3);
	count(&e->c, cols[0], 1, 1, 2);
	count(&e->c, cols[2], 0, 1, 7);
	count(&e->c, cols[1], NRULES, 0, 1);
	/* outside the table: a slot without a column, a rule past nrules */
	count(&e->c, 23, 1, 0, 4);
	sb_kcounters_count(&e->c, cols[0], &v);
	assert_int_equal(e->c.evals, 3 + 2 + 7 + 1 + 4 + 1);
	assert_int_equal(e->c.unmapped, 4 + 1);

	for (i = 1; i <= 4; i++) {
		n = read_all(&e->c, i, cells, 64);
		assert_int_equal(n, 4);
		/* rule-major, then column order, then allow before deny */
		assert_int_equal(cells[0].rule, 0);
		assert_int_equal(cells[0].op, cols[2]);
		assert_int_equal(cells[0].deny, 1);
		assert_int_equal(cells[0].count, 7);
		assert_int_equal(cells[1].rule, 1);
		assert_int_equal(cells[1].op, cols[0]);
		assert_int_equal(cells[1].deny, 0);
		assert_int_equal(cells[1].count, 3);
		assert_int_equal(cells[2].deny, 1);
		assert_int_equal(cells[2].count, 2);
		assert_int_equal(cells[3].rule, NRULES);
		assert_int_equal(cells[3].op, cols[1]);
		assert_int_equal(cells[3].count, 1);
	}
}

/* A query with a path and an integer fact. */
static struct sb_query
query(uint16_t op, const char *path)
{
	struct sb_query q;

	memset(&q, 0, sizeof q);
	q.op = op;
	q.nfacts = 2;
	q.facts[0].filter = 1;
	q.facts[0].kind = SB_FACT_STRING;
	q.facts[0].s = path;
	q.facts[0].len = (uint32_t)strlen(path);
	q.facts[1].filter = 0x1d;
	q.facts[1].kind = SB_FACT_INT;
	q.facts[1].i = 2;
	return q;
}

struct taken {
	struct sb_ksample s[16];
	uint32_t n, room;
};

static int
take(void *ctx, const struct sb_ksample *s)
{
	struct taken *t = ctx;

	if (t->n == t->room)
		return -1;
	t->s[t->n++] = *s;
	return 0;
}

static void
kext_counters__samples__keep_k_per_rule_with_their_facts(void **state)
{
	struct env *e = *state;
	static const char *const paths[] = { "/a", "/bb", "/ccc" };
	struct sb_verdict v = verdict(3, 1);
	struct sb_query q;
	struct taken t = { .room = 16 };
	uint32_t i;

	for (i = 0; i < 3; i++) {
		q = query(cols[1], paths[i]);
		assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 100 + (int)i,
		    1000 + i), i < K);
	}
	assert_false(sb_kcounters_want(&e->c, 3));
	assert_true(sb_kcounters_want(&e->c, 4));
	assert_false(sb_kcounters_want(&e->c, NRULES + 1));
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), K);
	for (i = 0; i < t.n; i++) {
		const struct sb_ksample *s = &t.s[i];
		uint32_t k = (uint32_t)s->seq;  /* seq follows sampling order */
		assert_true(k < K);
		assert_int_equal(s->pid, 100 + (int)k);
		assert_int_equal(s->ts, 1000 + k);
		assert_int_equal(s->rule, 3);
		assert_int_equal(s->op, cols[1]);
		assert_int_equal(s->deny, 1);
		assert_int_equal(s->flags, 0);
		assert_int_equal(s->nfacts, 2);
		assert_int_equal(s->facts[0].filter, 1);
		assert_int_equal(s->facts[0].len, strlen(paths[k]));
		assert_memory_equal(s->text + s->facts[0].off, paths[k],
		    strlen(paths[k]));
		assert_int_equal(s->facts[1].kind, SB_FACT_INT);
		assert_int_equal(s->facts[1].i, 2);
	}
	/* taken slots are free again; the quota stays used */
	t.n = 0;
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), 0);
	q = query(cols[1], "/d");
	assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 0);
}

static void
kext_counters__a_full_ring__drops_and_gives_the_quota_back(void **state)
{
	struct env *e = *state;
	struct sb_query q = query(cols[0], "/x");
	struct taken t = { .room = 1 };
	struct sb_verdict v;
	uint32_t r;

	/* one sample of each of NSLOTS rules fills the ring */
	for (r = 0; r < NSLOTS; r++) {
		v = verdict(r, 0);
		assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 1);
	}
	v = verdict(NSLOTS, 0);
	assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 0);
	assert_int_equal(e->c.dropped, 1);
	assert_true(sb_kcounters_want(&e->c, NSLOTS));
	/* a reader with room for one frees one slot and stops */
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), 1);
	assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 1);
	t.n = 0;
	t.room = 16;
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), NSLOTS);
}

static void
kext_counters__long_facts__are_cut_and_flagged(void **state)
{
	struct env *e = *state;
	static char big[SB_KSAMPLE_TEXT + 10];
	struct sb_query q = query(cols[0], "/short");
	struct sb_verdict v = verdict(1, 0);
	struct taken t = { .room = 16 };
	uint32_t i;

	memset(big, 'x', sizeof big - 1);
	q.facts[1] = q.facts[0];
	q.facts[1].s = big;
	q.facts[1].len = (uint32_t)strlen(big);
	q.nfacts = 2;
	v.missing = 1;
	assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 1);
	/* more facts than a sample keeps */
	q = query(cols[0], "/f");
	for (i = 1; i < SB_KSAMPLE_FACTS + 2; i++)
		q.facts[i] = q.facts[0];
	q.nfacts = SB_KSAMPLE_FACTS + 2;
	v = verdict(2, 0);
	assert_int_equal(sb_kcounters_sample(&e->c, &q, &v, 1, 1), 1);
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), 2);
	for (i = 0; i < 2; i++) {
		const struct sb_ksample *s = &t.s[i];
		assert_true(s->flags & SB_KSAMPLE_TRUNCATED);
		if (s->rule == 1) {
			assert_true(s->flags & SB_KSAMPLE_MISSING);
			assert_int_equal(s->nfacts, 1);
			assert_int_equal(s->textlen, strlen("/short"));
		} else {
			assert_int_equal(s->nfacts, SB_KSAMPLE_FACTS);
			assert_int_equal(s->textlen, SB_KSAMPLE_FACTS * 2);
		}
	}
}

/* --- threads ---------------------------------------------------------------- */

enum { THREADS = 4, PER_THREAD = 50000 };

struct worker {
	struct sb_kcounters *c;
	unsigned id;
	unsigned kept;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct sb_query q = query(cols[w->id % 3], "/t");
	unsigned i;

	for (i = 0; i < PER_THREAD; i++) {
		struct sb_verdict v = verdict(i % (NRULES + 1), (int)(i & 1));
		sb_kcounters_count(w->c, q.op, &v);
		if (sb_kcounters_want(w->c, v.rule))
			w->kept += (unsigned)sb_kcounters_sample(w->c, &q, &v,
			    (int)w->id, i);
	}
	return NULL;
}

static void
kext_counters__concurrent_counts__add_up_exactly(void **state)
{
	struct env *e;
	pthread_t th[THREADS];
	struct worker w[THREADS];
	struct sb_kcell cells[64];
	struct taken t = { .room = 16 };
	uint64_t sum = 0, want;
	uint32_t n, i, kept = 0;

	setup_k(state, 1, 16);
	e = *state;
	for (i = 0; i < THREADS; i++) {
		w[i].c = &e->c;
		w[i].id = i;
		w[i].kept = 0;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		kept += w[i].kept;
	}
	n = read_all(&e->c, 64, cells, 64);
	for (i = 0; i < n; i++)
		sum += cells[i].count;
	assert_int_equal(sum, (uint64_t)THREADS * PER_THREAD);
	assert_int_equal(e->c.evals, (uint64_t)THREADS * PER_THREAD);
	/* each cell: the threads on its column, each count of i hitting it */
	for (i = 0; i < n; i++) {
		unsigned threads = 0, r = cells[i].rule, k;
		for (k = 0; k < THREADS; k++)
			threads += cols[k % 3] == cells[i].op;
		want = 0;
		for (k = 0; k < PER_THREAD; k++)
			want += k % (NRULES + 1) == r && (k & 1) ==
			    cells[i].deny;
		assert_int_equal(cells[i].count, want * threads);
	}
	/* K = 1: one sample per rule, whichever thread won it */
	assert_int_equal(kept, NRULES + 1);
	assert_int_equal(sb_kcounters_take(&e->c, take, &t), NRULES + 1);
	teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kext_counters__bytes__are_the_table_the_quotas_and_the_ring),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(kext_counters__counts__come_back_by_rule_operation_and_decision),
		T(kext_counters__samples__keep_k_per_rule_with_their_facts),
		T(kext_counters__a_full_ring__drops_and_gives_the_quota_back),
		T(kext_counters__long_facts__are_cut_and_flagged),
#undef T
		cmocka_unit_test(kext_counters__concurrent_counts__add_up_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
