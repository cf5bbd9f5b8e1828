/*
** Unit tests for the reader, parser/cst.h's sb_read(): the shapes that
** guard Debian lemon 3.40.1's table bug (empty input, "()", "(a)",
** "((()))", DESIGN.md §12.3), every datum kind with its span, the nesting
** limit, each syntax error's message and span (LANGUAGE.md §3.2, §11),
** the comment table, cpp line markers, and printing the tree back to the
** exact bytes it was read from.
*/
#include "tests/unit/fixture.h"

#include "common/buf.h"
#include "common/limits.h"
#include "parser/cst.h"

/* Read the N bytes at TEXT as "t.sb"; assert it reads with no diagnostic. */
static struct sb_cst *
read_ok_n(struct sb_ctx *ctx, const char *text, size_t n)
{
	uint32_t id = add_source_n(ctx, text, n);
	struct sb_cst *cst = sb_read(ctx, id);

	if (!cst || ctx->diag.nrecs) {
		char *out = render_diag(ctx, SB_DIAG_BRIEF);
		fail_msg("\"%s\" did not read: %s", text, out);
	}
	assert_int_equal(cst->src, id);
	return cst;
}

static struct sb_cst *
read_ok(struct sb_ctx *ctx, const char *text)
{
	return read_ok_n(ctx, text, strlen(text));
}

/*
** Read the N bytes at TEXT; assert it fails with exactly one error record
** of check "syntax", message MSG (or one starting with MSG when PREFIX is
** set), at OFF+LEN, and return that record.
*/
static const struct sb_record *
read_fails_at(struct sb_ctx *ctx, const char *text, size_t n, const char *msg,
    int prefix, uint32_t off, uint32_t len)
{
	uint32_t id = add_source_n(ctx, text, n);
	const struct sb_record *r;

	if (sb_read(ctx, id) != NULL)
		fail_msg("\"%s\" read without error", text);
	assert_int_equal(ctx->diag.nrecs, 1);
	assert_int_equal(sb_diag_count(&ctx->diag, SB_ERROR), 1);
	r = &ctx->diag.recs[0];
	assert_int_equal(r->level, SB_ERROR);
	assert_string_equal(r->check, "syntax");
	if (prefix ? strncmp(r->msg, msg, strlen(msg)) != 0 :
	    strcmp(r->msg, msg) != 0)
		fail_msg("\"%s\": message \"%s\", want %s\"%s\"", text, r->msg,
		    prefix ? "a prefix " : "", msg);
	assert_int_equal(r->span.src, id);
	if (r->span.off != off || r->span.len != len)
		fail_msg("\"%s\": span %u+%u, want %u+%u", text, r->span.off,
		    r->span.len, off, len);
	return r;
}

static const struct sb_record *
read_fails_n(struct sb_ctx *ctx, const char *text, size_t n, const char *msg,
    uint32_t off, uint32_t len)
{
	return read_fails_at(ctx, text, n, msg, 0, off, len);
}

#define READ_FAILS(text, msg, off, len) \
	read_fails_n(ctx, text, sizeof(text) - 1, msg, off, len)
/* The literal's own wording after MSG is left to lexer/literal.c. */
#define READ_FAILS_PREFIX(text, msg, off, len) \
	read_fails_at(ctx, text, sizeof(text) - 1, msg, 1, off, len)

/* Assert note I of R says MSG at OFF+LEN. */
static void
assert_note(const struct sb_record *r, uint32_t i, const char *msg,
    uint32_t off, uint32_t len)
{
	assert_true(r->nnotes > i);
	assert_string_equal(r->notes[i].msg, msg);
	assert_int_equal(r->notes[i].span.off, off);
	assert_int_equal(r->notes[i].span.len, len);
}

/* Assert node N is of KIND and spans OFF+LEN. */
static void
assert_node(const struct sb_node *n, enum sb_node_kind kind, uint32_t off,
    uint32_t len)
{
	assert_non_null(n);
	if (n->kind != kind || n->span.off != off || n->span.len != len)
		fail_msg("got %s at %u+%u, want %s at %u+%u",
		    sb_node_kindname(n->kind), n->span.off, n->span.len,
		    sb_node_kindname(kind), off, len);
}

/* Assert N is the symbol NAME at OFF (its length is NAME's). */
static void
assert_symbol(const struct sb_node *n, const char *name, uint32_t off)
{
	assert_node(n, SB_N_SYMBOL, off, (uint32_t)strlen(name));
	assert_string_equal(n->u.sym->name, name);
}

/* sb_cst_print() of CST; the caller frees the text. */
static char *
print_cst(struct sb_ctx *ctx, const struct sb_cst *cst, size_t *len, int *rc)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	assert_non_null(f);
	*rc = sb_cst_print(ctx, cst, f);
	fclose(f);
	return out;
}

/* Assert the N bytes at TEXT read and print back byte for byte. */
static void
check_round_trip_n(struct sb_ctx *ctx, const char *text, size_t n)
{
	struct sb_cst *cst = read_ok_n(ctx, text, n);
	size_t len = 0;
	int rc;
	char *out = print_cst(ctx, cst, &len, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(len, n);
	assert_memory_equal(out, text, n);
	free(out);
}

/* N copies of OPEN, then ATOM, then N copies of CLOSE. */
static char *
nested(uint32_t n, const char *open, const char *atom, const char *close)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;

	for (i = 0; i < n; i++)
		sb_buf_puts(&b, open);
	sb_buf_puts(&b, atom);
	for (i = 0; i < n; i++)
		sb_buf_puts(&b, close);
	return sb_buf_take(&b);
}

/* --- shapes that guard the lemon table bug ------------------------------ */

static void
read__empty_input__gives_no_forms(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "");

	assert_int_equal(cst->nforms, 0);
	assert_int_equal(cst->ncomments, 0);
}

static void
read__whitespace_only__gives_no_forms(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, " \n\t\r\n\x0c\n");

	assert_int_equal(cst->nforms, 0);
}

static void
read__empty_list__is_a_list_of_nothing(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "()");
	const struct sb_node *n;

	assert_int_equal(cst->nforms, 1);
	n = cst->forms[0];
	assert_node(n, SB_N_LIST, 0, 2);
	assert_int_equal(n->u.list.n, 0);
	assert_null(n->u.list.tail);
	assert_int_equal(n->u.list.close, 1);
}

static void
read__list_of_one_symbol__holds_it(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a)");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(cst->nforms, 1);
	assert_node(n, SB_N_LIST, 0, 3);
	assert_int_equal(n->u.list.n, 1);
	assert_symbol(n->u.list.items[0], "a", 1);
	assert_int_equal(n->u.list.close, 2);
}

static void
read__nested_empty_lists__nest(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "((()))");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(cst->nforms, 1);
	assert_node(n, SB_N_LIST, 0, 6);
	assert_int_equal(n->u.list.n, 1);
	n = n->u.list.items[0];
	assert_node(n, SB_N_LIST, 1, 4);
	assert_int_equal(n->u.list.n, 1);
	n = n->u.list.items[0];
	assert_node(n, SB_N_LIST, 2, 2);
	assert_int_equal(n->u.list.n, 0);
	assert_int_equal(n->u.list.close, 3);
}

static void
read__lists_in_sequence__are_siblings(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(() (a) ((b)) ())");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(n->u.list.n, 4);
	assert_node(n->u.list.items[0], SB_N_LIST, 1, 2);
	assert_node(n->u.list.items[1], SB_N_LIST, 4, 3);
	assert_node(n->u.list.items[2], SB_N_LIST, 8, 5);
	assert_node(n->u.list.items[3], SB_N_LIST, 14, 2);
	assert_int_equal(n->u.list.close, 16);
}

/* --- datums --------------------------------------------------------------- */

static void
read__top_level_forms__come_in_order(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx,
	    "(version 1)\n(deny default)\nx \"s\" 7\n");

	assert_int_equal(cst->nforms, 5);
	assert_node(cst->forms[0], SB_N_LIST, 0, 11);
	assert_node(cst->forms[1], SB_N_LIST, 12, 14);
	assert_symbol(cst->forms[2], "x", 27);
	assert_node(cst->forms[3], SB_N_STRING, 29, 3);
	assert_node(cst->forms[4], SB_N_NUMBER, 33, 1);
}

static void
read__rule__has_exact_spans_for_every_datum(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx,
	    "(allow file-read* (subpath \"/usr\"))");
	const struct sb_node *n = cst->forms[0], *f;

	assert_node(n, SB_N_LIST, 0, 35);
	assert_int_equal(n->u.list.n, 3);
	assert_symbol(n->u.list.items[0], "allow", 1);
	assert_symbol(n->u.list.items[1], "file-read*", 7);
	f = n->u.list.items[2];
	assert_node(f, SB_N_LIST, 18, 16);
	assert_symbol(f->u.list.items[0], "subpath", 19);
	assert_node(f->u.list.items[1], SB_N_STRING, 27, 6);
	assert_string_equal(f->u.list.items[1]->u.str.s, "/usr");
	assert_int_equal(f->u.list.close, 33);
	assert_int_equal(n->u.list.close, 34);
}

static void
read__same_name__is_the_same_interned_symbol(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(allow allow Allow)");
	struct sb_node **it = cst->forms[0]->u.list.items;

	assert_ptr_equal(it[0]->u.sym, it[1]->u.sym);
	assert_ptr_not_equal(it[0]->u.sym, it[2]->u.sym);
	assert_ptr_equal(it[0]->u.sym, sb_intern_find(&ctx->syms, "allow", 5));
}

static void
read__atoms_with_quote_characters__are_symbols(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "R\"\"(a foo'bar [x]) file-read* .a");
	const struct sb_node *l;

	/* LANGUAGE.md §3.3: the Nix wrapper reads as a symbol and a list */
	assert_int_equal(cst->nforms, 4);
	assert_symbol(cst->forms[0], "R\"\"", 0);
	l = cst->forms[1];
	assert_node(l, SB_N_LIST, 3, 15);
	assert_symbol(l->u.list.items[0], "a", 4);
	assert_symbol(l->u.list.items[1], "foo'bar", 6);
	assert_symbol(l->u.list.items[2], "[x]", 14);
	assert_symbol(cst->forms[2], "file-read*", 19);
	assert_symbol(cst->forms[3], ".a", 30);
}

static void
read__strings__are_unescaped(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx,
	    "\"a\\nb\" #\"^/a\\.b$\" \"\\.\" \"x\\x41\\101\"");
	const struct sb_node *n;

	n = cst->forms[0];
	assert_node(n, SB_N_STRING, 0, 6);
	assert_int_equal(n->u.str.len, 3);
	assert_string_equal(n->u.str.s, "a\nb");
	assert_int_equal(n->u.str.raw, 0);
	n = cst->forms[1];
	assert_node(n, SB_N_STRING, 7, 10);
	assert_string_equal(n->u.str.s, "^/a\\.b$");
	assert_int_equal(n->u.str.raw, 1);
	n = cst->forms[2];
	assert_string_equal(n->u.str.s, ".");
	n = cst->forms[3];
	assert_string_equal(n->u.str.s, "xAA");
}

static void
read__string_with_an_escaped_nul__keeps_its_length(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "\"a\\x00b\"");

	assert_int_equal(cst->forms[0]->u.str.len, 3);
	assert_memory_equal(cst->forms[0]->u.str.s, "a\0b", 4);
}

static void
read__numbers__have_their_values(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(12 -1 1.5 #x1F #o0004 #b101 2e3)");
	struct sb_node **it = cst->forms[0]->u.list.items;

	assert_int_equal(cst->forms[0]->u.list.n, 7);
	assert_node(it[0], SB_N_NUMBER, 1, 2);
	assert_true(it[0]->u.num.isint);
	assert_int_equal(it[0]->u.num.i, 12);
	assert_int_equal(it[1]->u.num.i, -1);
	assert_false(it[2]->u.num.isint);
	assert_true(it[2]->u.num.d == 1.5);
	assert_int_equal(it[3]->u.num.i, 31);
	assert_int_equal(it[4]->u.num.i, 4);
	assert_int_equal(it[5]->u.num.i, 5);
	assert_true(it[6]->u.num.d == 2000.0);
}

static void
read__booleans__are_true_and_false(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "#t #f");

	assert_node(cst->forms[0], SB_N_BOOL, 0, 2);
	assert_int_equal(cst->forms[0]->u.boolean, 1);
	assert_node(cst->forms[1], SB_N_BOOL, 3, 2);
	assert_int_equal(cst->forms[1]->u.boolean, 0);
}

static void
read__characters__are_code_points(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(#\\a #\\space #\\/ #\\x41 #\\))");
	struct sb_node **it = cst->forms[0]->u.list.items;

	assert_int_equal(cst->forms[0]->u.list.n, 5);
	assert_node(it[0], SB_N_CHAR, 1, 3);
	assert_int_equal(it[0]->u.ch, 'a');
	assert_node(it[1], SB_N_CHAR, 5, 7);
	assert_int_equal(it[1]->u.ch, ' ');
	assert_int_equal(it[2]->u.ch, '/');
	assert_int_equal(it[3]->u.ch, 'A');
	assert_node(it[4], SB_N_CHAR, 23, 3);
	assert_int_equal(it[4]->u.ch, ')');
	assert_int_equal(cst->forms[0]->u.list.close, 26);
}

static void
read__dotted_list__has_items_and_a_tail(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a . b) (define (f x . rest) x)");
	const struct sb_node *n = cst->forms[0], *g;

	assert_node(n, SB_N_LIST, 0, 7);
	assert_int_equal(n->u.list.n, 1);
	assert_symbol(n->u.list.items[0], "a", 1);
	assert_symbol(n->u.list.tail, "b", 5);
	assert_int_equal(n->u.list.dot, 3);
	assert_int_equal(n->u.list.close, 6);
	g = cst->forms[1]->u.list.items[1];
	assert_node(g, SB_N_LIST, 16, 12);
	assert_int_equal(g->u.list.n, 2);
	assert_symbol(g->u.list.tail, "rest", 23);
	assert_int_equal(g->u.list.dot, 21);
}

static void
read__dotted_list__tail_may_be_a_list(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a .\n(b c))");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(n->u.list.n, 1);
	assert_node(n->u.list.tail, SB_N_LIST, 5, 5);
	assert_int_equal(n->u.list.close, 10);
}

static void
read__dotted_list__tail_may_be_quoted_and_followed_by_a_comment(
    void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a . 'b ; c\n)");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(n->u.list.n, 1);
	assert_node(n->u.list.tail, SB_N_QUOTE, 5, 2);
	assert_int_equal(n->u.list.close, 12);
	assert_int_equal(cst->ncomments, 1);
}

static void
read__dot_joined_to_an_atom__is_part_of_a_symbol(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a .b ...)");
	const struct sb_node *n = cst->forms[0];

	assert_int_equal(n->u.list.n, 3);
	assert_null(n->u.list.tail);
	assert_symbol(n->u.list.items[1], ".b", 3);
	assert_symbol(n->u.list.items[2], "...", 6);
}

static void
read__quote_forms__wrap_the_next_datum(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "'x `(a ,b ,@c) ' y");
	const struct sb_node *q = cst->forms[0], *l;

	assert_int_equal(cst->nforms, 3);
	assert_node(q, SB_N_QUOTE, 0, 2);
	assert_symbol(q->u.quoted, "x", 1);
	q = cst->forms[1];
	assert_node(q, SB_N_QUASI, 3, 11);
	l = q->u.quoted;
	assert_node(l, SB_N_LIST, 4, 10);
	assert_node(l->u.list.items[1], SB_N_UNQUOTE, 7, 2);
	assert_symbol(l->u.list.items[1]->u.quoted, "b", 8);
	assert_node(l->u.list.items[2], SB_N_SPLICE, 10, 3);
	assert_symbol(l->u.list.items[2]->u.quoted, "c", 12);
	/* the span runs from the prefix through the datum */
	assert_node(cst->forms[2], SB_N_QUOTE, 15, 3);
}

static void
read__nested_quotes__nest(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(''x ',())");
	struct sb_node **it = cst->forms[0]->u.list.items;

	assert_int_equal(cst->forms[0]->u.list.n, 2);
	assert_node(it[0], SB_N_QUOTE, 1, 3);
	assert_node(it[0]->u.quoted, SB_N_QUOTE, 2, 2);
	assert_node(it[1], SB_N_QUOTE, 5, 4);
	assert_node(it[1]->u.quoted, SB_N_UNQUOTE, 6, 3);
	assert_node(it[1]->u.quoted->u.quoted, SB_N_LIST, 7, 2);
}

static void
read__vectors__are_read(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "#(a 1) #() (#(#()))");
	const struct sb_node *v = cst->forms[0];

	assert_node(v, SB_N_VECTOR, 0, 6);
	assert_int_equal(v->u.list.n, 2);
	assert_symbol(v->u.list.items[0], "a", 2);
	assert_int_equal(v->u.list.close, 5);
	assert_node(cst->forms[1], SB_N_VECTOR, 7, 3);
	assert_int_equal(cst->forms[1]->u.list.n, 0);
	v = cst->forms[2]->u.list.items[0];
	assert_node(v, SB_N_VECTOR, 12, 6);
	assert_node(v->u.list.items[0], SB_N_VECTOR, 14, 3);
}

/* --- comments and line markers -------------------------------------------- */

static void
read__comments__are_kept_in_a_table_in_source_order(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx,
	    "#!/usr/bin/sandbox-exec -f\n"             /* 0..26 */
	    "; head\n"                                 /* 27..33 */
	    "(allow x ; sbpl-lint: disable=foo\n"      /* 34; ; at 43 */
	    "  y);;tail");                             /* ;; at 72 */
	const struct sb_comment *c = cst->comments;

	assert_int_equal(cst->nforms, 1);
	assert_int_equal(cst->ncomments, 4);
	assert_int_equal(c[0].off, 0);
	assert_int_equal(c[0].len, 26);
	assert_int_equal(c[1].off, 27);
	assert_int_equal(c[1].len, 6);
	assert_int_equal(c[2].off, 43);
	assert_int_equal(c[2].len, 24);
	assert_int_equal(c[3].off, 72);
	assert_int_equal(c[3].len, 6);
	assert_int_equal(cst->forms[0]->u.list.n, 3);
}

static void
read__comments_only__give_no_forms(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, ";; nothing\n; here");

	assert_int_equal(cst->nforms, 0);
	assert_int_equal(cst->ncomments, 2);
}

static void
read__many_comments__are_all_kept(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_buf b = SB_BUF_INIT;
	struct sb_cst *cst;
	uint32_t i;

	for (i = 0; i < 300; i++)
		sb_buf_printf(&b, "; %u\n(x%u)\n", i, i);
	cst = read_ok_n(ctx, b.data, b.len);
	assert_int_equal(cst->nforms, 300);
	assert_int_equal(cst->ncomments, 300);
	for (i = 1; i < 300; i++)
		assert_true(cst->comments[i].off > cst->comments[i - 1].off);
	assert_symbol(cst->forms[299]->u.list.items[0], "x299",
	    cst->forms[299]->span.off + 1);
	sb_buf_free(&b);
}

static void
read__cpp_line_markers__move_positions_to_the_original_file(void **state)
{
	struct sb_ctx *ctx = *state;
	static const char text[] =
	    "# 1 \"w.sb.in\"\n"
	    "(version 1)\n"
	    "# 7 \"w.sb.in\" 2\n"
	    "(allow x)\n"
	    "(deny y))\n";
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_CPP, "w.sb.in",
	    text, sizeof text - 1, 1);

	assert_null(sb_read(ctx, id));
	assert_rendered(ctx, SB_DIAG_BRIEF,
	    "w.sb.in:8:9: error: unexpected ')' with no open '('\n");
}

static void
read__cpp_source__reads_and_prints_back(void **state)
{
	struct sb_ctx *ctx = *state;
	static const char text[] =
	    "# 1 \"p.sb.in\"\n"
	    "(version 1)\n"
	    "# 1 \"<built-in>\" 1\n"
	    "# 12 \"p.sb.in\" 2\n"
	    "(allow\n"
	    "# 20 \"p.sb.in\"\n"
	    " file-read*)\n";
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_CPP, "p.sb.in",
	    text, sizeof text - 1, 1);
	struct sb_cst *cst = sb_read(ctx, id);
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	size_t len = 0;
	int rc;
	char *out;
	struct sb_pos pos;

	assert_non_null(cst);
	assert_int_equal(cst->nforms, 2);
	assert_int_equal(cst->ncomments, 0);
	sb_source_pos(s, cst->forms[1]->span.off, &pos);
	assert_string_equal(pos.file, "p.sb.in");
	assert_int_equal(pos.line, 12);
	sb_source_pos(s, cst->forms[1]->u.list.items[1]->span.off, &pos);
	assert_int_equal(pos.line, 20);
	assert_int_equal(pos.col, 2);
	out = print_cst(ctx, cst, &len, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(len, sizeof text - 1);
	assert_memory_equal(out, text, len);
	free(out);
}

/* --- nesting limit --------------------------------------------------------- */

static void
read__nesting_of_511_lists__reads(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(SB_LIMIT_NESTING - 1, "(", "", ")");
	struct sb_cst *cst = read_ok(ctx, text);

	assert_int_equal(cst->nforms, 1);
	free(text);
}

static void
read__nesting_of_512_lists__reads(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(SB_LIMIT_NESTING, "(", "x", ")");
	struct sb_cst *cst = read_ok(ctx, text);
	const struct sb_node *n = cst->forms[0];
	uint32_t depth = 0;

	while (n->kind == SB_N_LIST) {
		depth++;
		assert_int_equal(n->u.list.n, 1);
		n = n->u.list.items[0];
	}
	assert_int_equal(depth, SB_LIMIT_NESTING);
	assert_symbol(n, "x", SB_LIMIT_NESTING);
	free(text);
}

static void
read__nesting_of_513_lists__is_an_error_at_the_513th(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(SB_LIMIT_NESTING + 1, "(", "", ")");

	read_fails_n(ctx, text, strlen(text),
	    "nesting deeper than 512 levels", SB_LIMIT_NESTING, 1);
	free(text);
}

static void
read__nesting_of_512_dotted_lists__reads(void **state)
{
	struct sb_ctx *ctx = *state;
	/* the engine's deepest stack: LP data DOT at every level */
	char *text = nested(SB_LIMIT_NESTING, "(a . ", "b", ")");
	struct sb_cst *cst = read_ok(ctx, text);
	const struct sb_node *n = cst->forms[0];
	uint32_t depth = 0;

	while (n->kind == SB_N_LIST) {
		depth++;
		n = n->u.list.tail;
	}
	assert_int_equal(depth, SB_LIMIT_NESTING);
	assert_symbol(n, "b", 5 * SB_LIMIT_NESTING);
	free(text);
}

static void
read__nesting_of_512_quotes_and_lists__reads(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(SB_LIMIT_NESTING / 2, "'(a ", "b", ")");
	struct sb_cst *cst = read_ok(ctx, text);

	assert_node(cst->forms[0], SB_N_QUOTE, 0, (uint32_t)strlen(text));
	free(text);
}

static void
read__nesting_of_513_quotes__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;
	char *ok = nested(SB_LIMIT_NESTING, "'", "x", "");
	char *bad = nested(SB_LIMIT_NESTING + 1, "'", "x", "");

	read_ok(ctx, ok);
	sb_ctx_free(ctx);
	sb_ctx_init(ctx);
	read_fails_n(ctx, bad, strlen(bad), "nesting deeper than 512 levels",
	    SB_LIMIT_NESTING, 1);
	free(ok);
	free(bad);
}

static void
read__nesting_of_100000_lists__is_an_error_not_a_crash(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(100000, "(", "", ")");

	read_fails_n(ctx, text, strlen(text),
	    "nesting deeper than 512 levels", SB_LIMIT_NESTING, 1);
	free(text);
}

static void
read__nesting_is_counted_per_path_not_per_file(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_buf b = SB_BUF_INIT;
	char *deep = nested(SB_LIMIT_NESTING - 1, "(", "", ")");
	uint32_t i;

	/* many deep siblings inside one list: each path is 512 deep */
	sb_buf_putc(&b, '(');
	for (i = 0; i < 4; i++)
		sb_buf_puts(&b, deep);
	sb_buf_putc(&b, ')');
	read_ok_n(ctx, b.data, b.len);
	sb_buf_free(&b);
	free(deep);
}

/* --- syntax errors ---------------------------------------------------------- */

static void
read__unclosed_list__points_at_end_of_file_and_the_opener(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(version 1)\n(allow x\n",
	    "expected ')' to close '(' at 2:1 before end of file", 21, 0);

	assert_int_equal(r->nnotes, 1);
	assert_note(r, 0, "'(' opened here", 12, 1);
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:2:9: error: expected ')' to close '(' at 2:1 before end "
	    "of file\n"
	    "    2 | (allow x\n"
	    "      |         ^\n"
	    "t.sb:2:1: note: '(' opened here\n"
	    "    2 | (allow x\n"
	    "      | ^\n");
}

static void
read__lone_open_parenthesis__is_unclosed(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(",
	    "expected ')' to close '(' at 1:1 before end of file", 1, 0);

	assert_note(r, 0, "'(' opened here", 0, 1);
}

static void
read__unclosed_vector__underlines_its_opener(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("x #(a",
	    "expected ')' to close '#(' at 1:3 before end of file", 5, 0);

	assert_note(r, 0, "'#(' opened here", 2, 2);
}

static void
read__unclosed_lists__report_innermost_and_outermost(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS(
	    "(version 1)\n(allow a\n  (b (c)\n  (d\n",
	    "3 unclosed '(' at end of file: innermost at 4:3, outermost at 2:1",
	    35, 0);

	assert_int_equal(r->nnotes, 2);
	assert_note(r, 0, "innermost '(' opened here", 32, 1);
	assert_note(r, 1, "outermost '(' opened here", 12, 1);
}

static void
read__unclosed_list_after_a_string_with_parentheses__names_the_string(
    void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS(
	    "(a\n (b \"x)\n)\n\" c)\n",
	    "expected ')' to close '(' at 1:1 before end of file", 18, 0);

	assert_int_equal(r->nnotes, 2);
	assert_note(r, 0, "'(' opened here", 0, 1);
	assert_note(r, 1, "the string opened at 2:5 only closes at 4:1 and "
	    "swallows the ')' inside it", 7, 1);
}

static void
read__corpus_invalid_profile__is_reported_as_in_the_acceptance_table(
    void **state)
{
	struct sb_ctx *ctx = *state;
	/* LANGUAGE.md §13.2, examples__invalid-profile.sb cut down */
	static const char text[] =
	    "(version 1)\n"                             /* 1 */
	    "\n"
	    "; This profile has intentional errors for testing\n"
	    "\n"
	    "; Missing closing paren\n"
	    "(debug deny\n"                             /* 6 */
	    "\n"
	    "(allow file-read-data\n"                   /* 8 */
	    "  (unknown-filter \"/path\"))\n"
	    "\n"
	    "(allow mach-lookup\n"                      /* 11 */
	    "  (global-name \"com.apple.test))\n"       /* 12 */
	    "\n"
	    "(version 2)\n"
	    "(import \"unclosed.sb\n"                   /* 15 */
	    "\n"
	    "(deny default)\n";                         /* 17 */

	read_fails_n(ctx, text, sizeof text - 1,
	    "3 unclosed '(' at end of file: innermost at 12:3, outermost at "
	    "6:1", sizeof text - 1, 0);
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:17:15: error: 3 unclosed '(' at end of file: innermost at "
	    "12:3, outermost at 6:1\n"
	    "   17 | (deny default)\n"
	    "      |               ^\n"
	    "t.sb:12:3: note: innermost '(' opened here\n"
	    "   12 |   (global-name \"com.apple.test))\n"
	    "      |   ^\n"
	    "t.sb:6:1: note: outermost '(' opened here\n"
	    "    6 | (debug deny\n"
	    "      | ^\n"
	    "t.sb:12:16: note: the string opened at 12:16 only closes at "
	    "15:9 and swallows the ')' inside it\n"
	    "   12 |   (global-name \"com.apple.test))\n"
	    "      |                ^\n");
}

static void
read__stray_close_parenthesis__is_unexpected(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS(")", "unexpected ')' with no open '('", 0, 1);
}

static void
read__extra_close_parenthesis__is_unexpected_at_its_offset(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(allow x))\n(deny y)", "unexpected ')' with no open '('",
	    9, 1);
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:1:10: error: unexpected ')' with no open '('\n"
	    "    1 | (allow x))\n"
	    "      |          ^\n");
}

static void
read__only_the_first_syntax_error__is_reported(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS(") ) #| (", "unexpected ')' with no open '('", 0, 1);
}

static void
read__dot_before_any_datum__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(. a)", "unexpected '.': a datum must come before the '.' "
	    "of a dotted list", 1, 1);
}

static void
read__dot_without_a_tail__is_an_error_at_the_close(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(a . )",
	    "expected a datum after '.'", 5, 1);

	assert_note(r, 0, "the '.' is here", 3, 1);
}

static void
read__two_datums_after_the_dot__is_an_error_at_the_second(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("\n(a . b c)",
	    "expected ')' after the datum that follows '.' (the list opened "
	    "at 2:1)", 8, 1);

	assert_note(r, 0, "the '.' is here", 4, 1);
}

static void
read__second_dot__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(a . b . c)",
	    "unexpected second '.' in a list", 7, 1);

	assert_note(r, 0, "the first '.' is here", 3, 1);
}

static void
read__dot_outside_a_list__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("a . b", "unexpected '.' outside a list", 2, 1);
}

static void
read__dot_in_a_vector__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = add_source(ctx, "#(a . b)");

	assert_null(sb_read(ctx, id));
	assert_int_equal(ctx->diag.nrecs, 1);
	assert_string_equal(ctx->diag.recs[0].msg,
	    "unexpected '.' in a vector: only lists can be dotted");
	assert_int_equal(ctx->diag.recs[0].span.off, 4);
	assert_int_equal(ctx->diag.recs[0].span.len, 1);
}

static void
read__quote_before_a_close__is_an_error_pointing_at_the_quote(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(a ,@)",
	    "expected a datum after ',@'", 5, 1);

	assert_note(r, 0, "',@' is here", 3, 2);
}

static void
read__quote_before_a_dot__is_an_error_pointing_at_the_quote(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(a ' . b)",
	    "expected a datum after '''", 5, 1);

	assert_note(r, 0, "''' is here", 3, 1);
}

static void
read__quote_at_end_of_file__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;
	const struct sb_record *r = READ_FAILS("(a) '",
	    "expected a datum after ''' before end of file", 5, 0);

	assert_note(r, 0, "''' is here", 4, 1);
}

static void
read__unterminated_string__reports_the_opening_quote(void **state)
{
	struct sb_ctx *ctx = *state;

	/* LANGUAGE.md §13.2: opened at 2:32, end of file on line 3 */
	READ_FAILS("(version 1)\n(allow file-read-data (literal \"/unclosed\n",
	    "unterminated string: end of file reached on line 3 without a "
	    "closing '\"'", 43, 1);
	assert_rendered(ctx, SB_DIAG_TEXT,
	    "t.sb:2:32: error: unterminated string: end of file reached on "
	    "line 3 without a closing '\"'\n"
	    "    2 | (allow file-read-data (literal \"/unclosed\n"
	    "      |                                ^\n");
}

static void
read__unterminated_raw_string__underlines_the_sharp_and_quote(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(regex #\"^/a", "unterminated string: end of file reached "
	    "on line 1 without a closing '\"'", 7, 2);
}

static void
read__block_comment__is_an_undefined_sharp_expression_with_a_hint(
    void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a)\n#| old |#", "undefined sharp expression '#|': SBPL "
	    "has only ';' comments", 4, 2);
}

static void
read__datum_comment__is_an_undefined_sharp_expression_with_a_hint(
    void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a #;(b))", "undefined sharp expression '#;': SBPL has "
	    "only ';' comments", 3, 2);
}

static void
read__sharp_true__is_an_undefined_sharp_expression_with_a_hint(
    void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(if #true 1)", "undefined sharp expression '#true': "
	    "booleans are written #t and #f", 4, 5);
}

static void
read__cpp_directive__is_an_undefined_sharp_expression_with_a_hint(
    void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(version 1)\n#if PLATFORM(MAC)\n(a)\n#endif\n",
	    "undefined sharp expression '#if': this looks like C "
	    "preprocessor input; compile with --cpp", 12, 3);
}

static void
read__other_sharp_syntax__is_an_undefined_sharp_expression(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a #@b)", "undefined sharp expression '#@b'", 3, 3);
}

static void
read__long_sharp_expression__is_quoted_without_splitting_a_character(
    void **state)
{
	struct sb_ctx *ctx = *state;
	/* '#', 22 letters, then a two-byte e-acute straddling byte 24 */
	uint32_t id = add_source(ctx,
	    "#aaaaaaaaaaaaaaaaaaaaaa\xc3\xa9" "aaaa");
	const char *msg;
	uint32_t i, k, n;

	assert_null(sb_read(ctx, id));
	assert_int_equal(ctx->diag.nrecs, 1);
	assert_int_equal(ctx->diag.recs[0].span.off, 0);
	assert_int_equal(ctx->diag.recs[0].span.len, 29);
	msg = ctx->diag.recs[0].msg;
	assert_int_equal(strncmp(msg, "undefined sharp expression '#aaaa", 33),
	    0);
	/* the message stays valid UTF-8 */
	n = (uint32_t)strlen(msg);
	for (i = 0; i < n; i += k) {
		k = sb_utf8_seq(msg + i, n - i);
		if (k == 0)
			fail_msg("invalid UTF-8 at byte %u of \"%s\"", i, msg);
	}
}

static void
read__lone_sharp__is_an_undefined_sharp_expression(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a #)", "undefined sharp expression '#'", 3, 1);
}

static void
read__line_marker_outside_cpp_mode__is_an_undefined_sharp_expression(
    void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("# 1 \"x.sb\"\n(a)", "undefined sharp expression '#': this "
	    "looks like C preprocessor output; compile with --cpp", 0, 1);
}

static void
read__line_marker_inside_a_line__is_an_undefined_sharp_expression(
    void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t id = sb_source_add(&ctx->sources, SB_SRC_CPP, "w.sb.in",
	    "(a # 1 \"x.sb\"\n)", 16, 1);

	assert_null(sb_read(ctx, id));
	assert_int_equal(ctx->diag.nrecs, 1);
	assert_string_equal(ctx->diag.recs[0].msg,
	    "undefined sharp expression '#'");
	assert_int_equal(ctx->diag.recs[0].span.off, 3);
	assert_int_equal(ctx->diag.recs[0].span.len, 1);
}

static void
read__nul_byte__is_an_error_at_its_offset(void **state)
{
	struct sb_ctx *ctx = *state;

	read_fails_n(ctx, "(a\0)", 4, "NUL byte in source", 2, 1);
}

static void
read__nul_byte_in_a_string__says_so(void **state)
{
	struct sb_ctx *ctx = *state;

	read_fails_n(ctx, "(a \"b\0\")", 8, "NUL byte inside a string", 5, 1);
}

static void
read__invalid_utf8__is_an_error_naming_the_byte(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a \"\xc3\x28\")", "invalid UTF-8 byte 0xC3: source files "
	    "must be UTF-8", 4, 1);
}

static void
read__control_character__is_an_error_naming_it(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(a \x1b)", "invalid character 0x1B", 3, 1);
}

static void
read__bad_hex_escape__is_an_error_at_the_escape(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS("(literal \"a\\x4\")", "invalid escape in string: '\\x' "
	    "needs two hex digits", 11, 3);
}

static void
read__one_digit_octal_escape__is_an_error_at_the_escape(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS_PREFIX("(x \"\\0a\")", "invalid escape in string", 4, 2);
}

static void
read__bad_radix_digit__is_an_error_at_the_digit(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS_PREFIX("(a #xZZ)", "invalid digit", 5, 1);
}

static void
read__unknown_character_name__is_an_error_over_the_token(void **state)
{
	struct sb_ctx *ctx = *state;

	READ_FAILS_PREFIX("(a #\\bogus)", "unknown character name", 3, 7);
}

static void
read__token_longer_than_the_limit__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;
	size_t n = SB_LIMIT_TOKEN_BYTES + 1;
	char *text = malloc(n + 3);

	assert_non_null(text);
	text[0] = '(';
	memset(text + 1, 'a', n);
	text[n + 1] = ')';
	text[n + 2] = 0;
	read_fails_n(ctx, text, n + 2,
	    "token longer than the limit of 1048576 bytes", 1, 1);
	free(text);
}

static void
read__token_at_the_limit__reads(void **state)
{
	struct sb_ctx *ctx = *state;
	size_t n = SB_LIMIT_TOKEN_BYTES;
	char *text = malloc(n + 1);
	struct sb_cst *cst;

	assert_non_null(text);
	text[0] = '"';
	memset(text + 1, 's', n - 2);
	text[n - 1] = '"';
	text[n] = 0;
	cst = read_ok_n(ctx, text, n);
	assert_int_equal(cst->forms[0]->u.str.len, n - 2);
	free(text);
}

static void
read__failure__leaves_the_context_usable(void **state)
{
	struct sb_ctx *ctx = *state;
	uint32_t bad = add_source(ctx, "(a");
	uint32_t good = add_source(ctx, "(b)");
	struct sb_cst *cst;

	assert_null(sb_read(ctx, bad));
	cst = sb_read(ctx, good);
	assert_non_null(cst);
	assert_int_equal(cst->src, good);
	assert_symbol(cst->forms[0]->u.list.items[0], "b", 1);
	assert_int_equal(ctx->diag.nrecs, 1);
}

/* --- printing ----------------------------------------------------------------- */

static void
read__print__gives_back_the_bytes_of_a_realistic_profile(void **state)
{
	struct sb_ctx *ctx = *state;
	static const char text[] =
	    "#!/usr/bin/sandbox-exec -f\n"
	    ";; a profile\n"
	    "(version 1)\n"
	    "(deny default)\t; tab before the comment\n"
	    "(define (home-subpath . parts)\n"
	    "\t(subpath (apply string-append (param \"HOME\") parts)))\n"
	    "(allow file-read*\n"
	    "  (regex #\"^/usr/lib/.*\\.dylib$\")\n"
	    "  (literal \"/etc/\\x41\\101\\.\\\"q\\\"\")\n"
	    "  (home-subpath \"/Library\"))\n"
	    "(allow sysctl-read (sysctl-name-prefix \"kern.\"))\n"
	    "(if (param-true? \"X\") `(a ,b ,@c) '(d . e))\n"
	    "#(1 -2 3.5 #x1F #t #f #\\a #\\space)\n"
	    "R\"\"(foo'bar)\r\n"
	    "; caf\xc3\xa9 \xe2\x9c\x93\n"
	    "\x0c\x0b  ";

	check_round_trip_n(ctx, text, sizeof text - 1);
}

static void
read__print__of_empty_input_is_empty(void **state)
{
	struct sb_ctx *ctx = *state;

	check_round_trip_n(ctx, "", 0);
	check_round_trip_n(ctx, "\n\n ; x\n", 7);
}

static void
read__print__keeps_a_missing_final_newline(void **state)
{
	struct sb_ctx *ctx = *state;

	check_round_trip_n(ctx, "(a)", 3);
	check_round_trip_n(ctx, "(a) ;c", 6);
}

static void
read__print__keeps_spacing_inside_lists_and_around_dots(void **state)
{
	struct sb_ctx *ctx = *state;

	check_round_trip_n(ctx, "(  a\t.\n\n b  )", 13);
	check_round_trip_n(ctx, "( ' x ,@ y ` z )", 16);
	check_round_trip_n(ctx, "#(  )", 5);
}

static void
read__print__of_deep_nesting_is_exact(void **state)
{
	struct sb_ctx *ctx = *state;
	char *text = nested(SB_LIMIT_NESTING, "( a . ", "b", " )");

	check_round_trip_n(ctx, text, strlen(text));
	free(text);
}

static void
read__dump__shows_each_node_with_its_range(void **state)
{
	struct sb_ctx *ctx = *state;
	struct sb_cst *cst = read_ok(ctx, "(a \"b\\n\" 1 . #t) ; c\n'x");
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	sb_cst_dump(ctx, cst, f);
	fclose(f);
	assert_string_equal(out,
	    "list 1:1-1:16\n"
	    "  symbol 1:2-1:2 a\n"
	    "  string 1:4-1:8 \"b\\n\"\n"
	    "  number 1:10-1:10 1\n"
	    "  . 1:12\n"
	    "  boolean 1:14-1:15 #t\n"
	    "quote 2:1-2:2\n"
	    "  symbol 2:2-2:2 x\n"
	    "comment 1:18-1:20 \"; c\"\n");
	free(out);
}

static void
node_kindname__names_every_kind(void **state)
{
	(void)state;
	assert_string_equal(sb_node_kindname(SB_N_LIST), "list");
	assert_string_equal(sb_node_kindname(SB_N_VECTOR), "vector");
	assert_string_equal(sb_node_kindname(SB_N_SYMBOL), "symbol");
	assert_string_equal(sb_node_kindname(SB_N_STRING), "string");
	assert_string_equal(sb_node_kindname(SB_N_NUMBER), "number");
	assert_string_equal(sb_node_kindname(SB_N_BOOL), "boolean");
	assert_string_equal(sb_node_kindname(SB_N_CHAR), "char");
	assert_string_equal(sb_node_kindname(SB_N_QUOTE), "quote");
	assert_string_equal(sb_node_kindname(SB_N_QUASI), "quasiquote");
	assert_string_equal(sb_node_kindname(SB_N_UNQUOTE), "unquote");
	assert_string_equal(sb_node_kindname(SB_N_SPLICE), "unquote-splicing");
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(read__empty_input__gives_no_forms),
		T(read__whitespace_only__gives_no_forms),
		T(read__empty_list__is_a_list_of_nothing),
		T(read__list_of_one_symbol__holds_it),
		T(read__nested_empty_lists__nest),
		T(read__lists_in_sequence__are_siblings),
		T(read__top_level_forms__come_in_order),
		T(read__rule__has_exact_spans_for_every_datum),
		T(read__same_name__is_the_same_interned_symbol),
		T(read__atoms_with_quote_characters__are_symbols),
		T(read__strings__are_unescaped),
		T(read__string_with_an_escaped_nul__keeps_its_length),
		T(read__numbers__have_their_values),
		T(read__booleans__are_true_and_false),
		T(read__characters__are_code_points),
		T(read__dotted_list__has_items_and_a_tail),
		T(read__dotted_list__tail_may_be_a_list),
		T(read__dotted_list__tail_may_be_quoted_and_followed_by_a_comment),
		T(read__dot_joined_to_an_atom__is_part_of_a_symbol),
		T(read__quote_forms__wrap_the_next_datum),
		T(read__nested_quotes__nest),
		T(read__vectors__are_read),
		T(read__comments__are_kept_in_a_table_in_source_order),
		T(read__comments_only__give_no_forms),
		T(read__many_comments__are_all_kept),
		T(read__cpp_line_markers__move_positions_to_the_original_file),
		T(read__cpp_source__reads_and_prints_back),
		T(read__nesting_of_511_lists__reads),
		T(read__nesting_of_512_lists__reads),
		T(read__nesting_of_513_lists__is_an_error_at_the_513th),
		T(read__nesting_of_512_dotted_lists__reads),
		T(read__nesting_of_512_quotes_and_lists__reads),
		T(read__nesting_of_513_quotes__is_an_error),
		T(read__nesting_of_100000_lists__is_an_error_not_a_crash),
		T(read__nesting_is_counted_per_path_not_per_file),
		T(read__unclosed_list__points_at_end_of_file_and_the_opener),
		T(read__lone_open_parenthesis__is_unclosed),
		T(read__unclosed_vector__underlines_its_opener),
		T(read__unclosed_lists__report_innermost_and_outermost),
		T(read__unclosed_list_after_a_string_with_parentheses__names_the_string),
		T(read__corpus_invalid_profile__is_reported_as_in_the_acceptance_table),
		T(read__stray_close_parenthesis__is_unexpected),
		T(read__extra_close_parenthesis__is_unexpected_at_its_offset),
		T(read__only_the_first_syntax_error__is_reported),
		T(read__dot_before_any_datum__is_an_error),
		T(read__dot_without_a_tail__is_an_error_at_the_close),
		T(read__two_datums_after_the_dot__is_an_error_at_the_second),
		T(read__second_dot__is_an_error),
		T(read__dot_outside_a_list__is_an_error),
		T(read__dot_in_a_vector__is_an_error),
		T(read__quote_before_a_close__is_an_error_pointing_at_the_quote),
		T(read__quote_before_a_dot__is_an_error_pointing_at_the_quote),
		T(read__quote_at_end_of_file__is_an_error),
		T(read__unterminated_string__reports_the_opening_quote),
		T(read__unterminated_raw_string__underlines_the_sharp_and_quote),
		T(read__block_comment__is_an_undefined_sharp_expression_with_a_hint),
		T(read__datum_comment__is_an_undefined_sharp_expression_with_a_hint),
		T(read__sharp_true__is_an_undefined_sharp_expression_with_a_hint),
		T(read__cpp_directive__is_an_undefined_sharp_expression_with_a_hint),
		T(read__other_sharp_syntax__is_an_undefined_sharp_expression),
		T(read__long_sharp_expression__is_quoted_without_splitting_a_character),
		T(read__lone_sharp__is_an_undefined_sharp_expression),
		T(read__line_marker_outside_cpp_mode__is_an_undefined_sharp_expression),
		T(read__line_marker_inside_a_line__is_an_undefined_sharp_expression),
		T(read__nul_byte__is_an_error_at_its_offset),
		T(read__nul_byte_in_a_string__says_so),
		T(read__invalid_utf8__is_an_error_naming_the_byte),
		T(read__control_character__is_an_error_naming_it),
		T(read__bad_hex_escape__is_an_error_at_the_escape),
		T(read__one_digit_octal_escape__is_an_error_at_the_escape),
		T(read__bad_radix_digit__is_an_error_at_the_digit),
		T(read__unknown_character_name__is_an_error_over_the_token),
		T(read__token_longer_than_the_limit__is_an_error),
		T(read__token_at_the_limit__reads),
		T(read__failure__leaves_the_context_usable),
		T(read__print__gives_back_the_bytes_of_a_realistic_profile),
		T(read__print__of_empty_input_is_empty),
		T(read__print__keeps_a_missing_final_newline),
		T(read__print__keeps_spacing_inside_lists_and_around_dots),
		T(read__print__of_deep_nesting_is_exact),
		T(read__dump__shows_each_node_with_its_range),
		T(node_kindname__names_every_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
