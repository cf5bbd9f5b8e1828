/*
** lint/sets.c: request sets over path, integer, network and opaque atoms.
** Inclusion and disjointness are decided by the automata; absent facts,
** canonical paths and opaque atoms give the three values of LINT.md §2.3.
*/
#include "tests/unit/fixture.h"

#include "common/arena.h"
#include "compiler/filter.h"
#include "compiler/regex.h"
#include "kext/target.h"
#include "lint/sets.h"

struct env {
	struct sb_arena a;
	const struct sb_target *t;
	struct sb_sets *s;
};

static int
setup(void **state)
{
	struct env *e = test_calloc(1, sizeof *e);

	sb_arena_init(&e->a);
	e->t = sb_target_default();
	e->s = sb_sets_new(e->t);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	sb_sets_free(e->s);
	sb_arena_free(&e->a);
	test_free(e);
	return 0;
}

static const struct sb_filter *
str(struct env *e, const char *filter, uint8_t pat, const char *s)
{
	struct sb_farg arg;
	struct sb_filter *f;
	int id = sb_target_filter_find(e->t, filter, strlen(filter));

	assert_true(id >= 0);
	memset(&arg, 0, sizeof arg);
	arg.kind = SB_FA_STRING;
	arg.s = s;
	arg.len = (uint32_t)strlen(s);
	f = (struct sb_filter *)sb_filter_test(&e->a, (uint16_t)id, pat, &arg,
	    (struct sb_span){ SB_NOSRC, 0, 0 });
	if (pat == SB_PAT_REGEX) {
		struct sb_regex *rx = sb_arena_alloc(&e->a, sizeof *rx);
		struct sb_rx_error err;
		assert_int_equal(sb_regex_compile(&e->a, s, strlen(s), rx, &err),
		    0);
		f->rx = rx;
	}
	sb_sets_register(e->s, f);
	return f;
}

static const struct sb_filter *
num(struct env *e, const char *filter, int64_t v, enum sb_fargkind kind,
    const char *host)
{
	struct sb_farg arg;
	const struct sb_filter *f;
	int id = sb_target_filter_find(e->t, filter, strlen(filter));

	memset(&arg, 0, sizeof arg);
	arg.kind = kind;
	arg.i = v;
	arg.s = host;
	arg.len = host ? (uint32_t)strlen(host) : 0;
	f = sb_filter_test(&e->a, (uint16_t)id, SB_PAT_NONE, &arg,
	    (struct sb_span){ SB_NOSRC, 0, 0 });
	sb_sets_register(e->s, f);
	return f;
}

static void
sets__paths__inclusion_and_disjointness_are_exact(void **state)
{
	struct env *e = *state;
	const struct sb_filter *lib = str(e, "path", SB_PAT_SUBPATH, "/usr/lib");
	const struct sb_filter *usr = str(e, "path", SB_PAT_SUBPATH, "/usr");
	const struct sb_filter *opt = str(e, "path", SB_PAT_LITERAL, "/opt");
	const struct sb_filter *dylib = str(e, "path", SB_PAT_REGEX,
	    "^/usr/lib/.*\\.dylib$");
	uint32_t a, b, c, d;

	sb_sets_seal(e->s);
	a = sb_sets_of(e->s, lib);
	b = sb_sets_of(e->s, usr);
	c = sb_sets_of(e->s, opt);
	d = sb_sets_of(e->s, dylib);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_diff(e->s, a, b), 1),
	    SB_TRI_YES);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_diff(e->s, b, a), 1),
	    SB_TRI_NO);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_and(e->s, b, c), 1),
	    SB_TRI_YES);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_diff(e->s, d, a), 1),
	    SB_TRI_YES);
	/* a request may lack a path, except on file operations */
	assert_int_equal(sb_sets_empty(e->s, sb_sets_not(e->s, b), 0),
	    SB_TRI_NO);
}

static void
sets__canonical__a_tmp_subpath_matches_nothing(void **state)
{
	struct env *e = *state;
	const struct sb_filter *tmp = str(e, "path", SB_PAT_SUBPATH, "/tmp/x");
	const struct sb_filter *ptmp = str(e, "path", SB_PAT_SUBPATH,
	    "/private/tmp/x");

	sb_sets_seal(e->s);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_of(e->s, tmp), 1),
	    SB_TRI_YES);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_of(e->s, ptmp), 1),
	    SB_TRI_NO);
}

static void
sets__witness__is_a_shortest_request(void **state)
{
	struct env *e = *state;
	const struct sb_filter *usr = str(e, "path", SB_PAT_SUBPATH, "/usr");
	const struct sb_filter *lit = str(e, "path", SB_PAT_LITERAL, "/usr");
	struct sb_req w;

	sb_sets_seal(e->s);
	assert_int_equal(sb_sets_exists(e->s, sb_sets_diff(e->s,
	    sb_sets_of(e->s, usr), sb_sets_of(e->s, lit)), 1, &w), SB_TRI_YES);
	assert_int_equal(w.nfacts, 1);
	assert_int_equal(w.facts[0].len, 6);
	assert_memory_equal(w.facts[0].s, "/usr/", 5);
	sb_req_free(&w);
}

static void
sets__opaque__claims_hold_for_every_valuation(void **state)
{
	struct env *e = *state;
	const struct sb_filter *ext = str(e, "extension", SB_PAT_LITERAL,
	    "com.apple.app-sandbox.read");
	const struct sb_filter *usr = str(e, "path", SB_PAT_SUBPATH, "/usr");
	uint32_t x, u, both;
	struct sb_buf b = SB_BUF_INIT;

	sb_sets_seal(e->s);
	x = sb_sets_of(e->s, ext);
	u = sb_sets_of(e->s, usr);
	both = sb_sets_and(e->s, x, u);
	/* some valuation has a request, but not every one */
	assert_int_equal(sb_sets_empty(e->s, both, 1), SB_TRI_NO);
	assert_int_equal(sb_sets_exists(e->s, both, 1, NULL), SB_TRI_NO);
	assert_int_equal(sb_sets_exists(e->s, sb_sets_or(e->s, both,
	    sb_sets_diff(e->s, u, x)), 1, NULL), SB_TRI_YES);
	assert_true(sb_sets_has_opaque(e->s, both));
	sb_sets_opaque_names(e->s, both, &b);
	assert_string_equal(b.data,
	    "'(extension \"com.apple.app-sandbox.read\")'");
	sb_buf_free(&b);
}

static void
sets__integers_and_networks__are_finite_theories(void **state)
{
	struct env *e = *state;
	const struct sb_filter *reg = num(e, "vnode-type", 1, SB_FA_INT, NULL);
	const struct sb_filter *dir = num(e, "vnode-type", 2, SB_FA_INT, NULL);
	const struct sb_filter *any = num(e, "remote", 7, SB_FA_NETWORK,
	    "*:443");
	const struct sb_filter *loc = num(e, "remote", 7, SB_FA_NETWORK,
	    "localhost:443");
	uint32_t r, d, a, l;

	sb_sets_seal(e->s);
	r = sb_sets_of(e->s, reg);
	d = sb_sets_of(e->s, dir);
	a = sb_sets_of(e->s, any);
	l = sb_sets_of(e->s, loc);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_and(e->s, r, d), 0),
	    SB_TRI_YES);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_diff(e->s, l, a), 0),
	    SB_TRI_YES);
	assert_int_equal(sb_sets_empty(e->s, sb_sets_diff(e->s, a, l), 0),
	    SB_TRI_NO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    sets__paths__inclusion_and_disjointness_are_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    sets__canonical__a_tmp_subpath_matches_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    sets__witness__is_a_shortest_request, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sets__opaque__claims_hold_for_every_valuation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    sets__integers_and_networks__are_finite_theories, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
