/*
** Unit tests for common/diag.h: records and notes are collected with
** their counts, and rendered verbatim in the GNU text form (DESIGN.md
** §10.2: "file:line:col: level: message", the source line, a caret with
** tildes under the span, then the notes) or BRIEF (the first line only).
** Colour is off unless a test is about colour.
*/
#include <unistd.h>

#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/diag.h"
#include "common/limits.h"

/* A span in source SRC. */
static struct sb_span
sp(uint32_t src, uint32_t off, uint32_t len)
{
	struct sb_span s = { src, off, len };

	return s;
}

static const struct sb_span nowhere = { SB_NOSRC, 0, 0 };

/* "PROG: " + REST, as a record without a location begins; free() it. */
static char *
progline(const char *rest)
{
	struct sb_buf b = SB_BUF_INIT;

	sb_buf_printf(&b, "%s: %s", sb_progname(), rest);
	return sb_buf_take(&b);
}

/* The source of DESIGN.md §10.2's example, as net.sb. */
static uint32_t
add_net_sb(struct sb_ctx *ctx)
{
	static const char text[] =
	    "(version 1)\n"
	    "(deny default)\n"
	    "\n"
	    "; outbound\n"
	    "(allow network-outbound\n"
	    "  (remote tcp \"*:443\"))\n"
	    "(deny network-outbound (with report))\n";

	return sb_source_add(&ctx->sources, SB_SRC_MEMORY, "net.sb", text,
	    sizeof text - 1, 1);
}

/* Offset of the first NEEDLE in source ID. */
static uint32_t
offset_of(struct sb_ctx *ctx, uint32_t id, const char *needle)
{
	const char *text = sb_source_get(&ctx->sources, id)->text;
	const char *p = strstr(text, needle);

	assert_non_null(p);
	return (uint32_t)(p - text);
}

static void
diag__new_sink__holds_no_records(void **state)
{
	struct sb_ctx *ctx = *state;

	assert_int_equal(ctx->diag.nrecs, 0);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_NOTE), 0);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_WARNING), 0);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_ERROR), 0);
	assert_rendered(ctx, SB_DIAG_TEXT, "");
}

static void
diag__record__keeps_level_check_span_and_formatted_message(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(allow file-read* (subpaht \"/\"))");
	const struct sb_record *r;

	sb_diag(&ctx->diag, SB_WARNING, "unknown-filter", sp(id, 19, 7),
	    "unknown filter '%s' (%d)", "subpaht", 7);
	assert_int_equal(ctx->diag.nrecs, 1);
	r = &ctx->diag.recs[0];
	assert_int_equal(r->level, SB_WARNING);
	assert_string_equal(r->check, "unknown-filter");
	assert_int_equal(r->span.src, id);
	assert_int_equal(r->span.off, 19);
	assert_int_equal(r->span.len, 7);
	assert_string_equal(r->msg, "unknown filter 'subpaht' (7)");
	assert_int_equal(r->nnotes, 0);
	assert_int_equal(r->fingerprint, 0);
	assert_int_equal(r->suppressed, 0);
}

static void
diag__counts__are_kept_per_level(void **state)
{
	struct sb_ctx *ctx = *state;

	sb_diag(&ctx->diag, SB_ERROR, NULL, nowhere, "one");
	sb_diag(&ctx->diag, SB_WARNING, NULL, nowhere, "two");
	sb_diag(&ctx->diag, SB_ERROR, NULL, nowhere, "three");
	sb_diag(&ctx->diag, SB_NOTE, NULL, nowhere, "four");
	sb_diag(&ctx->diag, SB_ERROR, NULL, nowhere, "five");
	assert_int_equal(sb_diag_count(&ctx->diag, SB_ERROR), 3);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_WARNING), 1);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_NOTE), 1);
	assert_int_equal(ctx->diag.nrecs, 5);
	assert_string_equal(ctx->diag.recs[4].msg, "five");
}

static void
diag__notes__attach_to_the_last_record_in_order(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(import \"a.sb\")\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 0, 1), "first");
	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1, 6), "second");
	sb_diag_note(&ctx->diag, sp(id, 8, 6), "note %d", 1);
	sb_diag_note(&ctx->diag, nowhere, "note %d", 2);
	assert_int_equal(ctx->diag.recs[0].nnotes, 0);
	assert_int_equal(ctx->diag.recs[1].nnotes, 2);
	assert_string_equal(ctx->diag.recs[1].notes[0].msg, "note 1");
	assert_int_equal(ctx->diag.recs[1].notes[0].span.off, 8);
	assert_string_equal(ctx->diag.recs[1].notes[1].msg, "note 2");
	assert_int_equal(ctx->diag.recs[1].notes[1].span.src, SB_NOSRC);
	/* notes are part of a record, not records of level note */
	assert_int_equal(sb_diag_count(&ctx->diag, SB_NOTE), 0);
}

static void
diag__note_before_any_record__is_dropped(void **state)
{
	struct sb_ctx *ctx = *state;

	sb_diag_note(&ctx->diag, nowhere, "orphan");
	assert_int_equal(ctx->diag.nrecs, 0);
	assert_rendered(ctx, SB_DIAG_TEXT, "");
}

static void
diag__text__shows_the_line_and_a_caret_with_tildes_under_the_span(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_net_sb(ctx);

	sb_diag(&ctx->diag, SB_ERROR, NULL,
	    sp(id, offset_of(ctx, id, "(with report)"), 13),
	    "modifier '%s' is only valid on allow rules", "report");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "net.sb:7:24: error: modifier 'report' is only valid on allow "
	    "rules\n"
	    "    7 | (deny network-outbound (with report))\n"
	    "      |                        ^~~~~~~~~~~~~\n");
}

static void
diag__text__point_span_gets_a_lone_caret(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a b)\n");

	sb_diag(&ctx->diag, SB_WARNING, NULL, sp(id, 3, 0), "here");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:4: warning: here\n"
	    "    1 | (a b)\n"
	    "      |    ^\n");
}

static void
diag__text__one_byte_span_gets_a_lone_caret(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a b))\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 5, 1), "unexpected ')'");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:6: error: unexpected ')'\n"
	    "    1 | (a b))\n"
	    "      |      ^\n");
}

static void
diag__text__notes_follow_with_their_own_excerpts(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t main_id = sb_source_add(&ctx->sources, SB_SRC_MEMORY,
	    "main.sb", "(version 1)\n(import \"net.sb\")\n", 31, 1);
	uint32_t id = add_net_sb(ctx);

	sb_diag(&ctx->diag, SB_ERROR, NULL,
	    sp(id, offset_of(ctx, id, "(with report)"), 13),
	    "modifier '%s' is only valid on allow rules", "report");
	sb_diag_note(&ctx->diag, sp(main_id, 12, 17),
	    "in file imported from here");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "net.sb:7:24: error: modifier 'report' is only valid on allow "
	    "rules\n"
	    "    7 | (deny network-outbound (with report))\n"
	    "      |                        ^~~~~~~~~~~~~\n"
	    "main.sb:2:1: note: in file imported from here\n"
	    "    2 | (import \"net.sb\")\n"
	    "      | ^~~~~~~~~~~~~~~~~\n");
}

static void
diag__text__tab_before_the_span_is_expanded_and_the_caret_lines_up(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(allow\n\tfile-read*\tx)\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 8, 10), "bad");
	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 19, 1), "bad");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:2:9: error: bad\n"
	    "    2 |         file-read*      x)\n"
	    "      |         ^~~~~~~~~~\n"
	    "t.sb:2:25: error: bad\n"
	    "    2 |         file-read*      x)\n"
	    "      |                         ^\n");
}

static void
diag__text__tab_inside_the_span_widens_the_tildes(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "ab\tcd\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1, 3), "bad");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:2: error: bad\n"
	    "    1 | ab      cd\n"
	    "      |  ^~~~~~~~\n");
}

static void
diag__text__utf8_counts_one_column_before_and_inside_the_span(void **state)
{
	struct sb_ctx *ctx = *state;
	/* (literal "/été") x */
	uint32_t id = add_source(ctx,
	    "(literal \"/\xc3\xa9t\xc3\xa9\") x\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 9, 8), "string");
	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 19, 1), "after");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:10: error: string\n"
	    "    1 | (literal \"/\xc3\xa9t\xc3\xa9\") x\n"
	    "      |          ^~~~~~\n"
	    "t.sb:1:18: error: after\n"
	    "    1 | (literal \"/\xc3\xa9t\xc3\xa9\") x\n"
	    "      |                  ^\n");
}

static void
diag__text__unprintable_bytes_in_the_line_show_as_question_marks(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a\x01 \xff b)\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 6, 1), "b");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:7: error: b\n"
	    "    1 | (a? ? b)\n"
	    "      |       ^\n");
}

static void
diag__text__span_over_several_lines_is_underlined_to_the_end_of_the_first(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a \"bc\nde\" f)\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 3, 8), "string");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:4: error: string\n"
	    "    1 | (a \"bc\n"
	    "      |    ^~~\n");
}

static void
diag__text__crlf_line_is_shown_without_its_cr(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(version 1)\r\n(deny x)\r\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 19, 1), "x");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:2:7: error: x\n"
	    "    2 | (deny x)\n"
	    "      |       ^\n");
}

static void
diag__text__point_at_end_of_a_file_ending_in_newline_shows_the_last_line(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(version 1)\n(allow x\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 21, 0), "eof");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:2:9: error: eof\n"
	    "    2 | (allow x\n"
	    "      |         ^\n");
}

static void
diag__text__point_at_end_of_a_file_without_newline_follows_the_text(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(allow x");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 8, 0), "eof");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:9: error: eof\n"
	    "    1 | (allow x\n"
	    "      |         ^\n");
}

static void
diag__text__empty_source_shows_an_empty_line(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "");

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 0, 0), "no version");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:1: error: no version\n"
	    "    1 | \n"
	    "      | ^\n");
}

static void
diag__text__record_without_location_names_the_program(void **state)
{
	struct sb_ctx *ctx = *state;
	char *want = progline("error: no input files\n");

	sb_diag(&ctx->diag, SB_ERROR, NULL, nowhere, "no input files");
	assert_rendered(ctx, SB_DIAG_TEXT, want);
	free(want);
}

static void
diag__text__note_without_location_has_no_excerpt(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(x)\n");
	struct sb_buf want = SB_BUF_INIT;

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1, 1), "unbound variable x");
	sb_diag_note(&ctx->diag, nowhere, "parameter X is not set");
	sb_buf_puts(&want,
	    "t.sb:1:2: error: unbound variable x\n"
	    "    1 | (x)\n"
	    "      |  ^\n");
	sb_buf_printf(&want, "%s: note: parameter X is not set\n",
	    sb_progname());
	assert_rendered(ctx, SB_DIAG_TEXT, want.data);
	sb_buf_free(&want);
}

static void
diag__text__span_in_an_unknown_source_is_rendered_without_location(
    void **state)
{
	struct sb_ctx *ctx = *state;
	char *want = progline("warning: lost\n");

	sb_diag(&ctx->diag, SB_WARNING, NULL, sp(7, 0, 1), "lost");
	assert_rendered(ctx, SB_DIAG_TEXT, want);
	free(want);
}

static void
diag__text__line_numbers_are_right_aligned_in_five_columns(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t id, i;

	for (i = 0; i < 1233; i++)
		sb_buf_putc(&b, '\n');
	sb_buf_puts(&b, "(x)\n");
	id = add_source_n(ctx, b.data, b.len);
	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1234, 1), "x");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1234:2: error: x\n"
	    " 1234 | (x)\n"
	    "      |  ^\n");
	sb_buf_free(&b);
}

static void
diag__brief__prints_only_the_first_line_of_each_record(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_net_sb(ctx);
	char *noloc = progline("warning: whole input\n");
	struct sb_buf want = SB_BUF_INIT;

	sb_diag(&ctx->diag, SB_ERROR, NULL,
	    sp(id, offset_of(ctx, id, "(with report)"), 13),
	    "modifier 'report' is only valid on allow rules");
	sb_diag_note(&ctx->diag, sp(id, 0, 11), "not shown");
	sb_diag(&ctx->diag, SB_WARNING, NULL, nowhere, "whole input");
	sb_diag(&ctx->diag, SB_NOTE, NULL, sp(id, 12, 5), "a note record");
	sb_buf_puts(&want, "net.sb:7:24: error: modifier 'report' is only "
	    "valid on allow rules\n");
	sb_buf_puts(&want, noloc);
	sb_buf_puts(&want, "net.sb:2:1: note: a note record\n");
	assert_rendered(ctx, SB_DIAG_BRIEF, want.data);
	sb_buf_free(&want);
	free(noloc);
}

static void
diag__check_name__is_appended_only_when_asked(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(debug deny)\n");

	sb_diag(&ctx->diag, SB_WARNING, "debug-no-effect", sp(id, 1, 5),
	    "debug has no effect");
	assert_rendered(ctx, SB_DIAG_BRIEF,
	    "t.sb:1:2: warning: debug has no effect\n");
	ctx->diag.show_checks = 1;
	assert_rendered(ctx, SB_DIAG_BRIEF,
	    "t.sb:1:2: warning: debug has no effect [debug-no-effect]\n");
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:2: warning: debug has no effect [debug-no-effect]\n"
	    "    1 | (debug deny)\n"
	    "      |  ^~~~~\n");
}

static void
diag__suppressed_records__are_not_rendered(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a)\n");

	sb_diag(&ctx->diag, SB_WARNING, NULL, sp(id, 1, 1), "hidden");
	sb_diag(&ctx->diag, SB_WARNING, NULL, sp(id, 0, 1), "shown");
	ctx->diag.recs[0].suppressed = 1;
	assert_rendered(ctx, SB_DIAG_BRIEF, "t.sb:1:1: warning: shown\n");
}

static void
diag__render_record__renders_one_record(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a)\n");
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 0, 1), "first");
	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1, 1), "second");
	f = open_memstream(&out, &len);
	sb_diag_render_record(&ctx->diag, &ctx->diag.recs[1], f,
	    SB_DIAG_BRIEF, 0);
	fclose(f);
	assert_string_equal(out, "t.sb:1:2: error: second\n");
	free(out);
}

static void
diag__colour_off__writes_no_escape_sequences_and_on_writes_them(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a)\n");
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	sb_diag(&ctx->diag, SB_ERROR, NULL, sp(id, 1, 1), "bad");
	sb_diag_note(&ctx->diag, sp(id, 0, 1), "here");
	out = render_diag(ctx, SB_DIAG_TEXT);
	assert_null(strchr(out, '\033'));
	free(out);

	out = NULL;
	f = open_memstream(&out, &len);
	sb_diag_render(&ctx->diag, f, SB_DIAG_TEXT, 1);
	fclose(f);
	assert_non_null(strstr(out, "\033["));
	assert_non_null(strstr(out, "error:"));
	assert_non_null(strstr(out, "bad"));
	assert_non_null(strstr(out, "    1 | (a)\n"));
	free(out);
}

static void
diag__parse_color__accepts_auto_always_and_never_only(void **state)
{
	(void)state;
	assert_int_equal(sb_diag_parse_color("auto"), SB_COLOR_AUTO);
	assert_int_equal(sb_diag_parse_color("always"), SB_COLOR_ALWAYS);
	assert_int_equal(sb_diag_parse_color("never"), SB_COLOR_NEVER);
	assert_int_equal(sb_diag_parse_color("yes"), -1);
	assert_int_equal(sb_diag_parse_color(""), -1);
	assert_int_equal(sb_diag_parse_color("Always"), -1);
}

static void
diag__want_color__follows_the_mode_and_the_stream(void **state)
{
	FILE *f = tmpfile();
	char *old = getenv("NO_COLOR") ? strdup(getenv("NO_COLOR")) : NULL;

	(void)state;
	assert_non_null(f);
	assert_int_equal(sb_diag_want_color(f, SB_COLOR_ALWAYS), 1);
	assert_int_equal(sb_diag_want_color(f, SB_COLOR_NEVER), 0);
	unsetenv("NO_COLOR");
	/* auto: a file is not a terminal */
	assert_int_equal(sb_diag_want_color(f, SB_COLOR_AUTO), 0);
	/* NO_COLOR does not override an explicit always */
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(sb_diag_want_color(f, SB_COLOR_ALWAYS), 1);
	assert_int_equal(sb_diag_want_color(f, SB_COLOR_AUTO), 0);
	if (old)
		setenv("NO_COLOR", old, 1);
	else
		unsetenv("NO_COLOR");
	free(old);
	fclose(f);
}

static void
diag__linecol__formats_line_and_display_column(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "(a\n\t(b))\n");
	char buf[32];

	assert_string_equal(sb_diag_linecol(&ctx->diag, id, 0, buf,
	    sizeof buf), "1:1");
	assert_string_equal(sb_diag_linecol(&ctx->diag, id, 4, buf,
	    sizeof buf), "2:9");
	assert_string_equal(sb_diag_linecol(&ctx->diag, id, 9, buf,
	    sizeof buf), "3:1");
	assert_string_equal(sb_diag_linecol(&ctx->diag, 99, 0, buf,
	    sizeof buf), "?");
}

static void
diag__records_past_the_limit__are_counted_and_summarised(void **state)
{
	struct sb_ctx *ctx = *state;
	char *out, *want, *tail;
	uint32_t i;

	for (i = 0; i < SB_LIMIT_DIAGNOSTICS + 5; i++)
		sb_diag(&ctx->diag, SB_WARNING, NULL, nowhere, "w%u", i);
	sb_diag_note(&ctx->diag, nowhere, "lost with its record");
	assert_int_equal(ctx->diag.nrecs, SB_LIMIT_DIAGNOSTICS);
	assert_int_equal(ctx->diag.dropped, 5);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_WARNING),
	    SB_LIMIT_DIAGNOSTICS + 5);
	assert_int_equal(ctx->diag.recs[SB_LIMIT_DIAGNOSTICS - 1].nnotes, 0);
	out = render_diag(ctx, SB_DIAG_BRIEF);
	want = progline("note: 5 further diagnostics not shown\n");
	tail = out + strlen(out) - strlen(want);
	assert_string_equal(tail, want);
	free(want);
	free(out);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(diag__new_sink__holds_no_records),
		T(diag__record__keeps_level_check_span_and_formatted_message),
		T(diag__counts__are_kept_per_level),
		T(diag__notes__attach_to_the_last_record_in_order),
		T(diag__note_before_any_record__is_dropped),
		T(diag__text__shows_the_line_and_a_caret_with_tildes_under_the_span),
		T(diag__text__point_span_gets_a_lone_caret),
		T(diag__text__one_byte_span_gets_a_lone_caret),
		T(diag__text__notes_follow_with_their_own_excerpts),
		T(diag__text__tab_before_the_span_is_expanded_and_the_caret_lines_up),
		T(diag__text__tab_inside_the_span_widens_the_tildes),
		T(diag__text__utf8_counts_one_column_before_and_inside_the_span),
		T(diag__text__unprintable_bytes_in_the_line_show_as_question_marks),
		T(diag__text__span_over_several_lines_is_underlined_to_the_end_of_the_first),
		T(diag__text__crlf_line_is_shown_without_its_cr),
		T(diag__text__point_at_end_of_a_file_ending_in_newline_shows_the_last_line),
		T(diag__text__point_at_end_of_a_file_without_newline_follows_the_text),
		T(diag__text__empty_source_shows_an_empty_line),
		T(diag__text__record_without_location_names_the_program),
		T(diag__text__note_without_location_has_no_excerpt),
		T(diag__text__span_in_an_unknown_source_is_rendered_without_location),
		T(diag__text__line_numbers_are_right_aligned_in_five_columns),
		T(diag__brief__prints_only_the_first_line_of_each_record),
		T(diag__check_name__is_appended_only_when_asked),
		T(diag__suppressed_records__are_not_rendered),
		T(diag__render_record__renders_one_record),
		T(diag__colour_off__writes_no_escape_sequences_and_on_writes_them),
		T(diag__parse_color__accepts_auto_always_and_never_only),
		T(diag__want_color__follows_the_mode_and_the_stream),
		T(diag__linecol__formats_line_and_display_column),
		T(diag__records_past_the_limit__are_counted_and_summarised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
