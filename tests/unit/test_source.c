/*
** Unit tests for common/source.h: adding and reading sources, and turning
** a byte offset into a line, a display column (tabs to the next multiple
** of 8, a UTF-8 sequence as one column) and a code-point column, with CRLF
** lines, the end of file and cpp line markers (DESIGN.md §2.1, §10.2).
*/
#include <errno.h>
#include <unistd.h>

#include "tests/unit/fixture.h"

#include "common/limits.h"
#include "common/buf.h"
#include "common/source.h"

/* The position of OFF in the source "t.sb" holding TEXT. */
static struct sb_pos
pos_of(struct sb_ctx *ctx, const char *text, uint32_t off)
{
	uint32_t id = add_source(ctx, text);
	struct sb_pos pos;

	sb_source_pos(sb_source_get(&ctx->sources, id), off, &pos);
	return pos;
}

/* Assert POS is LINE, display column COL and code-point column CPCOL. */
static void
assert_pos(struct sb_pos pos, uint32_t line, uint32_t col, uint32_t cpcol)
{
	assert_int_equal(pos.line, line);
	assert_int_equal(pos.col, col);
	assert_int_equal(pos.cpcol, cpcol);
}

/* Write LEN bytes of TEXT to a new temporary file; its path in PATH. */
static void
tempfile(char *path, const char *text, size_t len)
{
	int fd;

	strcpy(path, "/tmp/sbpl-test-source-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* A sparse temporary file of SIZE zero bytes; its path in PATH. */
static void
bigfile(char *path, off_t size)
{
	int fd;

	strcpy(path, "/tmp/sbpl-test-source-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

static void
source__add__copies_the_text_and_ends_it_with_a_nul(void **state)
{
	struct sb_ctx *ctx = *state;
	char text[] = "(version 1)XYZ";
	uint32_t id = add_source_n(ctx, text, 11);
	struct sb_source *s = sb_source_get(&ctx->sources, id);

	assert_non_null(s);
	assert_int_equal(s->id, id);
	assert_int_equal(s->kind, SB_SRC_MEMORY);
	assert_string_equal(s->path, "t.sb");
	assert_ptr_not_equal(s->text, text);
	assert_int_equal(s->len, 11);
	assert_string_equal(s->text, "(version 1)");
	memset(text, 0, sizeof text);
	assert_string_equal(s->text, "(version 1)");
}

static void
source__add_without_copy__uses_the_callers_bytes(void **state)
{
	struct sb_ctx *ctx = *state;
	static const char text[] = "(deny default)";
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_EMBEDDED,
	    "system.sb", text, sizeof text - 1, 0);
	struct sb_source *s = sb_source_get(&ctx->sources, id);

	assert_ptr_equal(s->text, text);
	assert_int_equal(s->kind, SB_SRC_EMBEDDED);
	assert_string_equal(s->path, "system.sb");
}

static void
source__ids__count_up_from_zero(void **state)
{
	struct sb_ctx *ctx = *state;

	assert_int_equal(add_source(ctx, "a"), 0);
	assert_int_equal(add_source(ctx, "b"), 1);
	assert_int_equal(add_source(ctx, "c"), 2);
	assert_string_equal(sb_source_get(&ctx->sources, 1)->text, "b");
	assert_int_equal(ctx->sources.n, 3);
}

static void
source__get__returns_null_for_an_unknown_id(void **state)
{
	struct sb_ctx *ctx = *state;

	assert_null(sb_source_get(&ctx->sources, 0));
	add_source(ctx, "x");
	assert_null(sb_source_get(&ctx->sources, 1));
	assert_null(sb_source_get(&ctx->sources, SB_NOSRC));
}

static void
source__read__reads_the_whole_file(void **state)
{
	struct sb_ctx *ctx = *state;
	static const char text[] = "(version 1)\n(allow default)\n";
	char path[64];
	int64_t id;
	struct sb_source *s;

	tempfile(path, text, sizeof text - 1);
	id = sb_source_read(&ctx->sources, path, NULL);
	unlink(path);
	assert_true(id >= 0);
	s = sb_source_get(&ctx->sources, (uint32_t)id);
	assert_int_equal(s->kind, SB_SRC_FILE);
	assert_string_equal(s->path, path);
	assert_int_equal(s->len, sizeof text - 1);
	assert_memory_equal(s->text, text, sizeof text);  /* and the NUL */
}

static void
source__read__shows_the_name_it_is_given(void **state)
{
	struct sb_ctx *ctx = *state;
	char path[64];
	int64_t id;

	tempfile(path, "x", 1);
	id = sb_source_read(&ctx->sources, path, "profile.sb");
	unlink(path);
	assert_true(id >= 0);
	assert_string_equal(sb_source_get(&ctx->sources, (uint32_t)id)->path,
	    "profile.sb");
}

static void
source__read_of_an_empty_file__gives_an_empty_terminated_text(void **state)
{
	struct sb_ctx *ctx = *state;
	char path[64];
	int64_t id;
	struct sb_source *s;

	tempfile(path, "", 0);
	id = sb_source_read(&ctx->sources, path, NULL);
	unlink(path);
	assert_true(id >= 0);
	s = sb_source_get(&ctx->sources, (uint32_t)id);
	assert_int_equal(s->len, 0);
	assert_int_equal(s->text[0], 0);
}

static void
source__read_of_a_missing_file__fails_with_errno(void **state)
{
	struct sb_ctx *ctx = *state;

	errno = 0;
	assert_int_equal(sb_source_read(&ctx->sources,
	    "/nonexistent/sbpl/test.sb", NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(ctx->sources.n, 0);
}

static void
source__read_of_a_file_at_the_size_limit__succeeds(void **state)
{
	struct sb_ctx *ctx = *state;
	char path[64];
	int64_t id;

	bigfile(path, SB_LIMIT_SOURCE_BYTES);
	id = sb_source_read(&ctx->sources, path, NULL);
	unlink(path);
	assert_true(id >= 0);
	assert_int_equal(sb_source_get(&ctx->sources, (uint32_t)id)->len,
	    SB_LIMIT_SOURCE_BYTES);
}

static void
source__read_of_a_file_past_the_size_limit__fails_with_efbig(void **state)
{
	struct sb_ctx *ctx = *state;
	char path[64];
	int64_t id;

	bigfile(path, (off_t)SB_LIMIT_SOURCE_BYTES + 1);
	errno = 0;
	id = sb_source_read(&ctx->sources, path, NULL);
	unlink(path);
	assert_int_equal(id, -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(ctx->sources.n, 0);
}

static void
source__pos__first_byte_is_line_one_column_one(void **state)
{
	struct sb_pos pos = pos_of(*state, "(version 1)\n", 0);

	assert_pos(pos, 1, 1, 1);
	assert_string_equal(pos.file, "t.sb");
	assert_int_equal(pos.line_off, 0);
	assert_int_equal(pos.line_len, 11);
}

static void
source__pos__counts_lines_and_columns_after_newlines(void **state)
{
	struct sb_ctx *ctx = *state;
	const char *text = "(version 1)\n(deny default)\n\n(allow x)";
	uint32_t id = add_source(ctx, text);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;

	sb_source_pos(s, 12, &pos);             /* '(' of (deny */
	assert_pos(pos, 2, 1, 1);
	sb_source_pos(s, 18, &pos);             /* 'd' of default */
	assert_pos(pos, 2, 7, 7);
	assert_int_equal(pos.line_off, 12);
	assert_int_equal(pos.line_len, 14);
	sb_source_pos(s, 26, &pos);             /* the newline ending it */
	assert_pos(pos, 2, 15, 15);
	sb_source_pos(s, 27, &pos);             /* the empty line */
	assert_pos(pos, 3, 1, 1);
	assert_int_equal(pos.line_len, 0);
	sb_source_pos(s, 29, &pos);             /* 'a' of allow */
	assert_pos(pos, 4, 2, 2);
}

static void
source__pos__end_of_file_without_a_final_newline_ends_the_line(void **state)
{
	struct sb_pos pos = pos_of(*state, "(a)\n(b)", 7);

	assert_pos(pos, 2, 4, 4);
	assert_int_equal(pos.line_off, 4);
	assert_int_equal(pos.line_len, 3);
}

static void
source__pos__end_of_file_after_a_final_newline_is_an_empty_line(void **state)
{
	struct sb_pos pos = pos_of(*state, "(a)\n(b)\n", 8);

	assert_pos(pos, 3, 1, 1);
	assert_int_equal(pos.line_off, 8);
	assert_int_equal(pos.line_len, 0);
}

static void
source__pos__end_of_an_empty_source_is_line_one_column_one(void **state)
{
	struct sb_pos pos = pos_of(*state, "", 0);

	assert_pos(pos, 1, 1, 1);
	assert_int_equal(pos.line_len, 0);
}

static void
source__pos__tab_advances_to_the_next_multiple_of_eight(void **state)
{
	struct sb_ctx *ctx = *state;
	const char *text = "\tx\nab\tx\n12345678\tx\n1234567\tx";
	uint32_t id = add_source(ctx, text);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;

	sb_source_pos(s, 1, &pos);              /* x after a leading tab */
	assert_pos(pos, 1, 9, 2);
	sb_source_pos(s, 6, &pos);              /* ab<tab>x */
	assert_pos(pos, 2, 9, 4);
	sb_source_pos(s, 17, &pos);             /* 8 columns, then a tab */
	assert_pos(pos, 3, 17, 10);
	sb_source_pos(s, 27, &pos);             /* 7 columns, then a tab */
	assert_pos(pos, 4, 9, 9);
}

static void
source__pos__utf8_sequence_counts_as_one_column(void **state)
{
	struct sb_ctx *ctx = *state;
	/* e-acute (2 bytes), euro (3 bytes), an emoji (4 bytes) */
	const char *text = ";\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x";
	uint32_t id = add_source(ctx, text);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;

	sb_source_pos(s, 3, &pos);              /* the euro sign */
	assert_pos(pos, 1, 3, 3);
	sb_source_pos(s, 6, &pos);              /* the emoji */
	assert_pos(pos, 1, 4, 4);
	sb_source_pos(s, 10, &pos);             /* x */
	assert_pos(pos, 1, 5, 5);
}

static void
source__pos__utf8_and_tabs_together(void **state)
{
	/* ";é<tab>x": é is one column, so the tab goes from 3 to 8 */
	struct sb_pos pos = pos_of(*state, ";\xc3\xa9\tx", 4);

	assert_pos(pos, 1, 9, 4);
}

static void
source__pos__each_invalid_utf8_byte_counts_as_one_column(void **state)
{
	/* a lone continuation byte, 0xff, a truncated 3-byte sequence */
	struct sb_pos pos = pos_of(*state, "\x80\xff\xe2\x82x", 5);

	assert_pos(pos, 1, 6, 6);
}

static void
source__pos__crlf_line_excludes_the_cr_from_its_length(void **state)
{
	struct sb_ctx *ctx = *state;
	const char *text = "(a b)\r\n(c)\r\n";
	uint32_t id = add_source(ctx, text);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;

	sb_source_pos(s, 3, &pos);
	assert_pos(pos, 1, 4, 4);
	assert_int_equal(pos.line_off, 0);
	assert_int_equal(pos.line_len, 5);
	sb_source_pos(s, 8, &pos);              /* 'c' */
	assert_pos(pos, 2, 2, 2);
	assert_int_equal(pos.line_off, 7);
	assert_int_equal(pos.line_len, 3);
	sb_source_pos(s, 12, &pos);             /* end of file */
	assert_pos(pos, 3, 1, 1);
}

static void
source__pos__last_crlf_line_without_a_newline_excludes_the_cr(void **state)
{
	struct sb_pos pos = pos_of(*state, "(a)\r\n(b)\r", 7);

	assert_pos(pos, 2, 3, 3);
	assert_int_equal(pos.line_off, 5);
	assert_int_equal(pos.line_len, 3);
}

static void
source__pos__answers_in_any_order(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "a\nb\nc\nd\ne\n");
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;
	static const uint32_t offs[] = { 8, 0, 6, 2, 4, 10, 1 };
	static const uint32_t lines[] = { 5, 1, 4, 2, 3, 6, 1 };
	size_t i;

	for (i = 0; i < countof(offs); i++) {
		sb_source_pos(s, offs[i], &pos);
		assert_int_equal(pos.line, lines[i]);
	}
}

static void
source__mark__maps_lines_after_it_to_the_original_file(void **state)
{
	struct sb_ctx *ctx = *state;
	/* what the lexer sees in cpp mode, markers included */
	const char *text =
	    "# 1 \"w.sb.in\"\n"        /* 0 */
	    "(version 1)\n"            /* 14 */
	    "(allow x)\n"              /* 26 */
	    "# 40 \"w.sb.in\"\n"       /* 36 */
	    "(deny y)\n"               /* 51 */
	    "# 3 \"common.sb\"\n"      /* 60 */
	    "  (z)\n";                 /* 76 */
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_CPP, "w.i", text,
	    strlen(text), 1);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_pos pos;

	sb_source_mark(s, 14, 1, "w.sb.in", 7);
	sb_source_mark(s, 51, 40, "w.sb.in", 7);
	sb_source_mark(s, 76, 3, "common.sb", 9);

	sb_source_pos(s, 0, &pos);              /* before any marker */
	assert_string_equal(pos.file, "w.i");
	assert_int_equal(pos.line, 1);
	sb_source_pos(s, 14, &pos);
	assert_string_equal(pos.file, "w.sb.in");
	assert_pos(pos, 1, 1, 1);
	sb_source_pos(s, 33, &pos);             /* 'x' on the next line */
	assert_string_equal(pos.file, "w.sb.in");
	assert_pos(pos, 2, 8, 8);
	sb_source_pos(s, 57, &pos);             /* 'y' */
	assert_string_equal(pos.file, "w.sb.in");
	assert_pos(pos, 40, 7, 7);
	sb_source_pos(s, 79, &pos);             /* 'z' */
	assert_string_equal(pos.file, "common.sb");
	assert_pos(pos, 3, 4, 4);
	/* the source's own line still tells where to find the text */
	assert_int_equal(pos.line_off, 76);
	assert_int_equal(pos.line_len, 5);
}

static void
source__mark__copies_exactly_filelen_bytes_of_the_name(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_CPP, "w.i",
	    "(a)\n(b)\n", 8, 1);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	char name[] = "orig.sb.in\" 1 3";
	struct sb_pos pos;

	sb_source_mark(s, 4, 12, name, 10);
	memset(name, 'x', sizeof name - 1);
	sb_source_pos(s, 5, &pos);
	assert_string_equal(pos.file, "orig.sb.in");
	assert_pos(pos, 12, 2, 2);
}

static void
source__many_marks__are_all_honoured(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_buf b = SB_BUF_INIT;
	struct sb_source *s;
	struct sb_pos pos;
	char name[16];
	uint32_t id, i;

	for (i = 0; i < 100; i++)
		sb_buf_puts(&b, "(x)\n");
	id = sb_source_add(&ctx->sources, SB_SRC_CPP, "w.i", b.data, b.len,
	    1);
	sb_buf_free(&b);
	s = sb_source_get(&ctx->sources, id);
	for (i = 0; i < 100; i += 2) {
		int n = snprintf(name, sizeof name, "f%u.sb", i);
		sb_source_mark(s, i * 4, 1000 + i, name, (size_t)n);
	}
	for (i = 0; i < 100; i++) {
		sb_source_pos(s, i * 4 + 1, &pos);
		snprintf(name, sizeof name, "f%u.sb", i - i % 2);
		assert_string_equal(pos.file, name);
		assert_int_equal(pos.line, 1000 + i);
		assert_int_equal(pos.col, 2);
	}
}

static void
utf8_seq__accepts_well_formed_sequences(void **state)
{
	(void)state;
	assert_int_equal(sb_utf8_seq("a", 1), 1);
	assert_int_equal(sb_utf8_seq("\x7f", 1), 1);
	assert_int_equal(sb_utf8_seq("\xc2\x80", 2), 2);
	assert_int_equal(sb_utf8_seq("\xdf\xbf", 2), 2);
	assert_int_equal(sb_utf8_seq("\xe0\xa0\x80", 3), 3);
	assert_int_equal(sb_utf8_seq("\xef\xbf\xbf", 3), 3);
	assert_int_equal(sb_utf8_seq("\xf0\x90\x80\x80", 4), 4);
	assert_int_equal(sb_utf8_seq("\xf4\x8f\xbf\xbf", 4), 4);
	/* only the first sequence counts */
	assert_int_equal(sb_utf8_seq("\xc3\xa9\xc3\xa9", 4), 2);
}

static void
utf8_seq__rejects_ill_formed_sequences(void **state)
{
	(void)state;
	assert_int_equal(sb_utf8_seq("", 0), 0);
	assert_int_equal(sb_utf8_seq("\x80", 1), 0);             /* continuation */
	assert_int_equal(sb_utf8_seq("\xc0\x80", 2), 0);         /* overlong */
	assert_int_equal(sb_utf8_seq("\xc1\xbf", 2), 0);         /* overlong */
	assert_int_equal(sb_utf8_seq("\xe0\x80\x80", 3), 0);     /* overlong */
	assert_int_equal(sb_utf8_seq("\xf0\x80\x80\x80", 4), 0); /* overlong */
	assert_int_equal(sb_utf8_seq("\xed\xa0\x80", 3), 0);     /* surrogate */
	assert_int_equal(sb_utf8_seq("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
	assert_int_equal(sb_utf8_seq("\xf5\x80\x80\x80", 4), 0);
	assert_int_equal(sb_utf8_seq("\xff", 1), 0);
	assert_int_equal(sb_utf8_seq("\xc3x", 2), 0);            /* bad tail */
	assert_int_equal(sb_utf8_seq("\xe2\x82", 2), 0);         /* truncated */
	assert_int_equal(sb_utf8_seq("\xc3\xa9", 1), 0);         /* past N */
}

static void
display_width__expands_tabs_from_the_starting_column(void **state)
{
	(void)state;
	assert_int_equal(sb_display_width("a\tb", 3, 0), 9);
	assert_int_equal(sb_display_width("a\tb", 3, 3), 6);  /* 3 -> 4 -> 8 -> 9 */
	assert_int_equal(sb_display_width("\t", 1, 7), 1);
	assert_int_equal(sb_display_width("\t", 1, 8), 8);
	assert_int_equal(sb_display_width("", 0, 5), 0);
}

static void
display_width__counts_a_utf8_sequence_as_one_column(void **state)
{
	(void)state;
	assert_int_equal(sb_display_width("\xc3\xa9t\xc3\xa9", 5, 0), 3);
	assert_int_equal(sb_display_width("\xf0\x9f\x98\x80", 4, 0), 1);
	assert_int_equal(sb_display_width("\xff\xfe", 2, 0), 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(source__add__copies_the_text_and_ends_it_with_a_nul),
		T(source__add_without_copy__uses_the_callers_bytes),
		T(source__ids__count_up_from_zero),
		T(source__get__returns_null_for_an_unknown_id),
		T(source__read__reads_the_whole_file),
		T(source__read__shows_the_name_it_is_given),
		T(source__read_of_an_empty_file__gives_an_empty_terminated_text),
		T(source__read_of_a_missing_file__fails_with_errno),
		T(source__read_of_a_file_at_the_size_limit__succeeds),
		T(source__read_of_a_file_past_the_size_limit__fails_with_efbig),
		T(source__pos__first_byte_is_line_one_column_one),
		T(source__pos__counts_lines_and_columns_after_newlines),
		T(source__pos__end_of_file_without_a_final_newline_ends_the_line),
		T(source__pos__end_of_file_after_a_final_newline_is_an_empty_line),
		T(source__pos__end_of_an_empty_source_is_line_one_column_one),
		T(source__pos__tab_advances_to_the_next_multiple_of_eight),
		T(source__pos__utf8_sequence_counts_as_one_column),
		T(source__pos__utf8_and_tabs_together),
		T(source__pos__each_invalid_utf8_byte_counts_as_one_column),
		T(source__pos__crlf_line_excludes_the_cr_from_its_length),
		T(source__pos__last_crlf_line_without_a_newline_excludes_the_cr),
		T(source__pos__answers_in_any_order),
		T(source__mark__maps_lines_after_it_to_the_original_file),
		T(source__mark__copies_exactly_filelen_bytes_of_the_name),
		T(source__many_marks__are_all_honoured),
		T(utf8_seq__accepts_well_formed_sequences),
		T(utf8_seq__rejects_ill_formed_sequences),
		T(display_width__expands_tabs_from_the_starting_column),
		T(display_width__counts_a_utf8_sequence_as_one_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
