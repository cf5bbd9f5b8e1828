/*
** Unit tests for common/intern.h: one symbol per distinct name, so that
** symbols compare by pointer; names copied into the arena; lookups that
** do not create; and growth of the table past many symbols.
*/
#include "tests/unit/fixture.h"

#include "common/hash.h"
#include "common/intern.h"

static void
intern__same_name__returns_the_same_symbol(void **state)
{
	struct sb_ctx *ctx = *state;
	char copy[] = "file-read*";
	struct sb_sym *a = sb_intern(&ctx->syms, "file-read*", 10);
	struct sb_sym *b = sb_intern(&ctx->syms, copy, strlen(copy));

	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(ctx->syms.n, 1);
}

static void
intern__different_names__return_different_symbols(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *a = sb_intern(&ctx->syms, "file-read", 9);
	struct sb_sym *b = sb_intern(&ctx->syms, "file-read*", 10);
	struct sb_sym *c = sb_intern(&ctx->syms, "File-read", 9);

	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a, c);     /* symbols are case-sensitive */
	assert_ptr_not_equal(b, c);
	assert_int_equal(ctx->syms.n, 3);
}

static void
intern__name__is_a_terminated_copy_of_exactly_n_bytes(void **state)
{
	struct sb_ctx *ctx = *state;
	char text[] = "(allow file-read-data)";
	struct sb_sym *y = sb_intern(&ctx->syms, text + 7, 14);

	assert_ptr_not_equal(y->name, text + 7);
	assert_string_equal(y->name, "file-read-data");
	assert_int_equal(y->len, 14);
	/* the copy does not depend on the caller's buffer */
	memset(text, 'x', sizeof text - 1);
	assert_string_equal(y->name, "file-read-data");
	assert_ptr_equal(sb_intern(&ctx->syms, "file-read-data", 14), y);
}

static void
intern__new_symbol__has_its_hash_and_no_global_binding(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *y = sb_intern(&ctx->syms, "deny", 4);

	assert_int_equal(y->hash, sb_hash_bytes("deny", 4, 0));
	assert_null(y->global);
}

static void
intern__global_binding__belongs_to_the_one_symbol(void **state)
{
	struct sb_ctx *ctx = *state;
	int value;
	struct sb_sym *y = sb_intern(&ctx->syms, "HOME_DIR", 8);

	y->global = &value;
	assert_ptr_equal(sb_intern(&ctx->syms, "HOME_DIR", 8)->global, &value);
}

static void
intern__empty_name__is_a_symbol_of_its_own(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *e = sb_intern(&ctx->syms, "", 0);

	assert_non_null(e);
	assert_string_equal(e->name, "");
	assert_int_equal(e->len, 0);
	assert_ptr_equal(sb_intern(&ctx->syms, "x", 0), e);
	assert_ptr_not_equal(sb_intern(&ctx->syms, "x", 1), e);
}

static void
intern__names_differing_after_a_nul_byte__are_different(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *a = sb_intern(&ctx->syms, "a\0b", 3);
	struct sb_sym *b = sb_intern(&ctx->syms, "a\0c", 3);
	struct sb_sym *c = sb_intern(&ctx->syms, "a", 1);

	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_int_equal(a->len, 3);
	assert_memory_equal(a->name, "a\0b\0", 4);
}

static void
intern__find__returns_null_for_a_name_never_interned(void **state)
{
	struct sb_ctx *ctx = *state;

	assert_null(sb_intern_find(&ctx->syms, "allow", 5));
	sb_intern(&ctx->syms, "allow", 5);
	assert_null(sb_intern_find(&ctx->syms, "allo", 4));
	assert_null(sb_intern_find(&ctx->syms, "allowed", 7));
	/* a lookup makes nothing */
	assert_int_equal(ctx->syms.n, 1);
	assert_null(sb_intern_find(&ctx->syms, "allo", 4));
}

static void
intern__find__returns_the_interned_symbol(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *y = sb_intern(&ctx->syms, "subpath", 7);

	assert_ptr_equal(sb_intern_find(&ctx->syms, "subpath", 7), y);
	assert_ptr_equal(sb_intern_find(&ctx->syms, "subpath!", 7), y);
}

static void
intern__growth_past_many_symbols__keeps_each_name_unique(void **state)
{
	struct sb_ctx *ctx = *state;
	enum { N = 50000 };
	struct sb_sym **syms = malloc(N * sizeof *syms);
	char name[32];
	uint32_t i;
	int n;

	assert_non_null(syms);
	for (i = 0; i < N; i++) {
		n = snprintf(name, sizeof name, "sym-%u", i);
		syms[i] = sb_intern(&ctx->syms, name, (size_t)n);
		assert_string_equal(syms[i]->name, name);
	}
	assert_int_equal(ctx->syms.n, N);
	/* the table grew and stayed a power of two with room to probe */
	assert_true(ctx->syms.cap > N);
	assert_int_equal(ctx->syms.cap & (ctx->syms.cap - 1), 0);
	for (i = 0; i < N; i++) {
		n = snprintf(name, sizeof name, "sym-%u", i);
		assert_ptr_equal(sb_intern(&ctx->syms, name, (size_t)n),
		    syms[i]);
		assert_ptr_equal(sb_intern_find(&ctx->syms, name, (size_t)n),
		    syms[i]);
	}
	assert_int_equal(ctx->syms.n, N);
	assert_null(sb_intern_find(&ctx->syms, "sym-50000", 9));
	free(syms);
}

static void
intern__symbols_made_before_growth__keep_their_names(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_sym *first = sb_intern(&ctx->syms, "version", 7);
	char name[16];
	int i, n;

	for (i = 0; i < 5000; i++) {
		n = snprintf(name, sizeof name, "%d", i);
		sb_intern(&ctx->syms, name, (size_t)n);
	}
	assert_string_equal(first->name, "version");
	assert_ptr_equal(sb_intern(&ctx->syms, "version", 7), first);
}

static void
intern__separate_tables__do_not_share_symbols(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_intern other;
	struct sb_sym *a, *b;

	sb_intern_init(&other, &ctx->arena);
	a = sb_intern(&ctx->syms, "import", 6);
	b = sb_intern(&other, "import", 6);
	assert_ptr_not_equal(a, b);
	assert_null(sb_intern_find(&other, "deny", 4));
	sb_intern_free(&other);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(intern__same_name__returns_the_same_symbol),
		T(intern__different_names__return_different_symbols),
		T(intern__name__is_a_terminated_copy_of_exactly_n_bytes),
		T(intern__new_symbol__has_its_hash_and_no_global_binding),
		T(intern__global_binding__belongs_to_the_one_symbol),
		T(intern__empty_name__is_a_symbol_of_its_own),
		T(intern__names_differing_after_a_nul_byte__are_different),
		T(intern__find__returns_null_for_a_name_never_interned),
		T(intern__find__returns_the_interned_symbol),
		T(intern__growth_past_many_symbols__keeps_each_name_unique),
		T(intern__symbols_made_before_growth__keep_their_names),
		T(intern__separate_tables__do_not_share_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
