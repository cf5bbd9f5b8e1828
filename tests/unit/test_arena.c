/*
** Unit tests for common/arena.h: alignment, zero-size and large requests,
** the copying helpers, mark and reset, and that the limit is fatal.
** Each test uses the arena of a fresh context (tests/unit/fixture.h).
*/
#include <stdalign.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/fixture.h"

#include "common/arena.h"
#include "common/limits.h"

/* True when the SIZE bytes at P all hold BYTE. */
static int
filled(const void *p, size_t size, int byte)
{
	const unsigned char *u = p;
	size_t i;

	for (i = 0; i < size; i++)
		if (u[i] != (unsigned char)byte)
			return 0;
	return 1;
}

static void
arena__alloc__returns_memory_aligned_for_any_object(void **state)
{
	struct sb_ctx *ctx = *state;
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33,
		100, 1000, 4095, 20000, 70000 };
	size_t i;

	for (i = 0; i < countof(sizes); i++) {
		void *p = sb_arena_alloc(&ctx->arena, sizes[i]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0x5a, sizes[i]);
	}
}

static void
arena__zero_byte_requests__return_distinct_aligned_pointers(void **state)
{
	struct sb_ctx *ctx = *state;
	char *p = sb_arena_alloc(&ctx->arena, 0);
	char *q = sb_arena_alloc(&ctx->arena, 0);

	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
	assert_int_equal((uintptr_t)q % alignof(max_align_t), 0);
}

static void
arena__successive_allocations__do_not_overlap(void **state)
{
	struct sb_ctx *ctx = *state;
	unsigned char *p[300];
	size_t i;

	/* enough small blocks to fill several chunks */
	for (i = 0; i < countof(p); i++) {
		p[i] = sb_arena_alloc(&ctx->arena, 1 + i * 7);
		memset(p[i], (int)(i & 0xff), 1 + i * 7);
	}
	for (i = 0; i < countof(p); i++)
		assert_true(filled(p[i], 1 + i * 7, (int)(i & 0xff)));
}

static void
arena__large_allocation__is_usable_and_leaves_neighbours_intact(void **state)
{
	struct sb_ctx *ctx = *state;
	char *before = sb_arena_alloc(&ctx->arena, 100);
	char *big, *after;

	memset(before, 'b', 100);
	big = sb_arena_alloc(&ctx->arena, 1u << 20);
	memset(big, 'B', 1u << 20);
	after = sb_arena_alloc(&ctx->arena, 100);
	memset(after, 'a', 100);

	assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
	assert_true(filled(before, 100, 'b'));
	assert_true(filled(big, 1u << 20, 'B'));
	assert_true(filled(after, 100, 'a'));
	assert_true(ctx->arena.total >= (1u << 20) + 100);
}

static void
arena__first_allocation_larger_than_a_chunk__is_usable(void **state)
{
	struct sb_ctx *ctx = *state;
	char *big = sb_arena_alloc(&ctx->arena, 300000);
	char *small;

	memset(big, 'x', 300000);
	small = sb_arena_alloc(&ctx->arena, 10);
	memset(small, 'y', 10);
	assert_true(filled(big, 300000, 'x'));
	assert_true(filled(small, 10, 'y'));
}

static void
arena__many_large_allocations__are_all_kept(void **state)
{
	struct sb_ctx *ctx = *state;
	char *p[40];
	size_t i, n = 20000;  /* above a quarter of a 64 KiB chunk */

	for (i = 0; i < countof(p); i++) {
		p[i] = sb_arena_alloc(&ctx->arena, n);
		memset(p[i], (int)i, n);
		/* small ones in between share the current chunk */
		memset(sb_arena_alloc(&ctx->arena, 24), 0xee, 24);
	}
	for (i = 0; i < countof(p); i++)
		assert_true(filled(p[i], n, (int)i));
}

static void
arena__calloc__returns_zeroed_memory_even_when_reused(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_arena_mark m = sb_arena_mark(&ctx->arena);
	char *p = sb_arena_alloc(&ctx->arena, 256);
	char *q;

	memset(p, 0xff, 256);
	sb_arena_reset(&ctx->arena, m);
	q = sb_arena_calloc(&ctx->arena, 256);
	assert_true(filled(q, 256, 0));
}

static void
arena__strndup__copies_n_bytes_and_a_nul(void **state)
{
	struct sb_ctx *ctx = *state;
	const char *src = "file-read-data";
	char *p = sb_arena_strndup(&ctx->arena, src, 9);

	assert_ptr_not_equal(p, src);
	assert_string_equal(p, "file-read");
	assert_int_equal(p[9], 0);
}

static void
arena__strndup__of_zero_bytes_is_an_empty_string(void **state)
{
	struct sb_ctx *ctx = *state;
	char *p = sb_arena_strndup(&ctx->arena, "abc", 0);

	assert_non_null(p);
	assert_string_equal(p, "");
}

static void
arena__strndup__copies_embedded_nul_bytes(void **state)
{
	struct sb_ctx *ctx = *state;
	char *p = sb_arena_strndup(&ctx->arena, "a\0b", 3);

	assert_memory_equal(p, "a\0b\0", 4);
}

static void
arena__strndup__reads_no_further_than_n_bytes(void **state)
{
	struct sb_ctx *ctx = *state;
	char src[3] = { 'x', 'y', 'z' };        /* no NUL anywhere */
	char *p = sb_arena_strndup(&ctx->arena, src, sizeof src);

	assert_string_equal(p, "xyz");
}

static void
arena__memdup__copies_the_bytes(void **state)
{
	struct sb_ctx *ctx = *state;
	const uint32_t v[4] = { 1, 0xdeadbeef, 0, 42 };
	uint32_t *p = sb_arena_memdup(&ctx->arena, v, sizeof v);

	assert_ptr_not_equal(p, v);
	assert_memory_equal(p, v, sizeof v);
}

static void
arena__reset_to_a_mark__hands_out_the_same_memory_again(void **state)
{
	struct sb_ctx *ctx = *state;
	char *keep = sb_arena_alloc(&ctx->arena, 40);
	struct sb_arena_mark m;
	char *p, *q;

	memset(keep, 'k', 40);
	m = sb_arena_mark(&ctx->arena);
	p = sb_arena_alloc(&ctx->arena, 64);
	sb_arena_reset(&ctx->arena, m);
	q = sb_arena_alloc(&ctx->arena, 64);
	assert_ptr_equal(p, q);
	assert_true(filled(keep, 40, 'k'));
}

static void
arena__reset_to_a_mark__frees_the_chunks_made_since(void **state)
{
	struct sb_ctx *ctx = *state;
	char *keep = sb_arena_alloc(&ctx->arena, 40);
	struct sb_arena_mark m;
	size_t total, i;

	memset(keep, 'k', 40);
	m = sb_arena_mark(&ctx->arena);
	total = ctx->arena.total;
	for (i = 0; i < 1000; i++)      /* about 1 MiB in small pieces */
		memset(sb_arena_alloc(&ctx->arena, 1000), 0, 1000);
	assert_true(ctx->arena.total > total);
	sb_arena_reset(&ctx->arena, m);
	assert_int_equal(ctx->arena.total, total);
	assert_true(filled(keep, 40, 'k'));
	/* and the arena goes on working */
	memset(sb_arena_alloc(&ctx->arena, 5000), 1, 5000);
	assert_true(filled(keep, 40, 'k'));
}

static void
arena__reset_to_a_mark_of_an_empty_arena__releases_everything(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_arena a;
	struct sb_arena_mark m;
	char *p;

	(void)ctx;
	sb_arena_init(&a);
	m = sb_arena_mark(&a);
	memset(sb_arena_alloc(&a, 100), 1, 100);
	memset(sb_arena_alloc(&a, 200000), 2, 200000);
	sb_arena_reset(&a, m);
	assert_int_equal(a.total, 0);
	p = sb_arena_alloc(&a, 10);
	memset(p, 3, 10);
	sb_arena_free(&a);
}

static void
arena__nested_marks__reset_in_turn(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_arena_mark outer, inner;
	char *a, *b, *c;

	/* a chunk made before both marks, so neither reset frees it */
	memset(sb_arena_alloc(&ctx->arena, 8), 0, 8);
	outer = sb_arena_mark(&ctx->arena);
	a = sb_arena_alloc(&ctx->arena, 32);
	inner = sb_arena_mark(&ctx->arena);
	b = sb_arena_alloc(&ctx->arena, 32);
	sb_arena_reset(&ctx->arena, inner);
	c = sb_arena_alloc(&ctx->arena, 32);
	assert_ptr_equal(b, c);
	sb_arena_reset(&ctx->arena, outer);
	c = sb_arena_alloc(&ctx->arena, 32);
	assert_ptr_equal(a, c);
}

static void
arena__free__releases_every_chunk(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_arena a;

	(void)ctx;
	sb_arena_init(&a);
	assert_int_equal(a.limit, SB_LIMIT_ARENA_BYTES);
	memset(sb_arena_alloc(&a, 70000), 1, 70000);
	memset(sb_arena_alloc(&a, 100), 1, 100);
	assert_true(a.total > 0);
	sb_arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

/*
** Run FN in a child process; assert it exits with status 2 (sb_fatal)
** and that its standard error contains WANT.
*/
static void
assert_fatal(void (*fn)(size_t), size_t arg, const char *want)
{
	int fd[2], status;
	char err[512];
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 2);
		fn(arg);
		_exit(0);       /* not fatal after all */
	}
	close(fd[1]);
	while (n < sizeof err - 1 &&
	    (k = read(fd[0], err + n, sizeof err - 1 - n)) > 0)
		n += (size_t)k;
	err[n] = 0;
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, want));
}

/* In a child: an arena limited to 100,000 bytes asked for N. */
static void
alloc_past_limit(size_t n)
{
	static struct sb_arena a;

	sb_arena_init(&a);
	a.limit = 100000;
	sb_arena_alloc(&a, n);
}

static void
arena__request_past_the_limit__is_fatal(void **state)
{
	(void)state;
	assert_fatal(alloc_past_limit, 200000,
	    "arena limit of 100000 bytes exceeded");
}

static void
arena__request_near_size_max__is_fatal_rather_than_wrapping(void **state)
{
	/* rounding SIZE_MAX up to the alignment must not wrap to 0 bytes */
	(void)state;
	assert_fatal(alloc_past_limit, SIZE_MAX - 3, "arena");
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(arena__alloc__returns_memory_aligned_for_any_object),
		T(arena__zero_byte_requests__return_distinct_aligned_pointers),
		T(arena__successive_allocations__do_not_overlap),
		T(arena__large_allocation__is_usable_and_leaves_neighbours_intact),
		T(arena__first_allocation_larger_than_a_chunk__is_usable),
		T(arena__many_large_allocations__are_all_kept),
		T(arena__calloc__returns_zeroed_memory_even_when_reused),
		T(arena__strndup__copies_n_bytes_and_a_nul),
		T(arena__strndup__of_zero_bytes_is_an_empty_string),
		T(arena__strndup__copies_embedded_nul_bytes),
		T(arena__strndup__reads_no_further_than_n_bytes),
		T(arena__memdup__copies_the_bytes),
		T(arena__reset_to_a_mark__hands_out_the_same_memory_again),
		T(arena__reset_to_a_mark__frees_the_chunks_made_since),
		T(arena__reset_to_a_mark_of_an_empty_arena__releases_everything),
		T(arena__nested_marks__reset_in_turn),
		T(arena__free__releases_every_chunk),
		T(arena__request_past_the_limit__is_fatal),
		T(arena__request_near_size_max__is_fatal_rather_than_wrapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
