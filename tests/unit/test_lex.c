/*
** Unit tests for lexer/lex.h and lexer/token.h against LANGUAGE.md §3.1
** and §3.2: every token kind with its exact extent, the atom rule (only
** whitespace, '(', ')' and ';' end an atom), numbers against symbols,
** sharp syntax, comments, and the TK_ILLEGAL reasons with the offending
** byte. The scanner needs no context; the fixture is shared anyway.
*/
#include "tests/unit/fixture.h"

#include "lexer/lex.h"
#include "lexer/token.h"

/* An expected token. */
struct tok {
	int code;
	uint32_t off, len;
};

/*
** Scan the N bytes at TEXT (TEXT[N] is NUL) and assert the tokens are
** exactly WANT, followed by end of file at N.
*/
static void
check_tokens(const char *text, size_t n, const struct tok *want,
    size_t nwant)
{
	struct sb_lexer l;
	struct sb_token t;
	size_t i;

	sb_lex_init(&l, text, (uint32_t)n);
	for (i = 0; i <= nwant; i++) {
		struct tok w = { TK_EOF, (uint32_t)n, 0 };
		if (i < nwant)
			w = want[i];
		t = sb_lex_next(&l);
		if (t.code != w.code || t.off != w.off || t.len != w.len)
			fail_msg("in \"%s\", token %zu: got %s at %u+%u, "
			    "want %s at %u+%u", text, i,
			    sb_token_name(t.code), t.off, t.len,
			    sb_token_name(w.code), w.off, w.len);
	}
}

#define TOKS(...) (const struct tok[]){ __VA_ARGS__ }, \
	sizeof((const struct tok[]){ __VA_ARGS__ }) / sizeof(struct tok)
/* LEX("text", {code, off, len}, ...): the tokens of a string literal. */
#define LEX(text, ...) check_tokens(text, sizeof(text) - 1, TOKS(__VA_ARGS__))
/* NOTHING("text"): only end of file. */
#define NOTHING(text) check_tokens(text, sizeof(text) - 1, NULL, 0)

/* Assert each whitespace-separated word of TEXT scans as one CODE token. */
static void
check_words(const char *text, int code)
{
	struct sb_lexer l;
	struct sb_token t;
	const char *p = text;

	sb_lex_init(&l, text, (uint32_t)strlen(text));
	for (;;) {
		size_t len;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		t = sb_lex_next(&l);
		if (t.code != code || t.off != (uint32_t)(p - text) ||
		    t.len != len)
			fail_msg("'%.*s': got %s at %u+%u, want %s", (int)len,
			    p, sb_token_name(t.code), t.off, t.len,
			    sb_token_name(code));
		p += len;
	}
	assert_int_equal(sb_lex_next(&l).code, TK_EOF);
}

/*
** Scan TEXT of N bytes up to its first TK_ILLEGAL; assert it starts at
** OFF, and that the lexer says WHY with the offending byte at BAD.
*/
static void
check_illegal(const char *text, size_t n, uint32_t off, enum sb_lex_why why,
    uint32_t bad)
{
	struct sb_lexer l;
	struct sb_token t;

	sb_lex_init(&l, text, (uint32_t)n);
	do
		t = sb_lex_next(&l);
	while (t.code != TK_ILLEGAL && t.code != TK_EOF);
	assert_int_equal(t.code, TK_ILLEGAL);
	assert_int_equal(t.off, off);
	assert_int_equal(l.why, why);
	assert_int_equal(l.bad, bad);
}

#define ILLEGAL(text, off, why, bad) \
	check_illegal(text, sizeof(text) - 1, off, why, bad)

static void
lex__empty_input__is_end_of_file(void **state)
{
	(void)state;
	NOTHING("");
}

static void
lex__end_of_file__repeats_forever(void **state)
{
	struct sb_lexer l;
	struct sb_token t;
	int i;

	(void)state;
	sb_lex_init(&l, "(a)", 3);
	for (i = 0; i < 3; i++)
		sb_lex_next(&l);
	for (i = 0; i < 5; i++) {
		t = sb_lex_next(&l);
		assert_int_equal(t.code, TK_EOF);
		assert_int_equal(t.off, 3);
		assert_int_equal(t.len, 0);
	}
}

static void
lex__whitespace__separates_tokens_and_is_never_returned(void **state)
{
	(void)state;
	NOTHING(" \t\n\r\x0b\x0c");
	LEX(" \t\n\r(a\tb\nc\rd) ",
	    { TK_LP, 4, 1 }, { TK_SYMBOL, 5, 1 }, { TK_SYMBOL, 7, 1 },
	    { TK_SYMBOL, 9, 1 }, { TK_SYMBOL, 11, 1 }, { TK_RP, 12, 1 });
}

static void
lex__form_feed_and_vertical_tab__do_not_end_an_atom(void **state)
{
	(void)state;
	LEX("\x0c a\x0b" "b\x0c" "c \x0b", { TK_SYMBOL, 2, 5 });
}

static void
lex__crlf__separates_tokens(void **state)
{
	(void)state;
	LEX("(a)\r\n(b)\r\n",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 1 }, { TK_RP, 2, 1 },
	    { TK_LP, 5, 1 }, { TK_SYMBOL, 6, 1 }, { TK_RP, 7, 1 });
}

static void
lex__parentheses__are_lp_and_rp(void **state)
{
	(void)state;
	LEX("(())",
	    { TK_LP, 0, 1 }, { TK_LP, 1, 1 }, { TK_RP, 2, 1 },
	    { TK_RP, 3, 1 });
}

static void
lex__brackets_braces_and_bar__are_symbol_characters(void **state)
{
	(void)state;
	check_words("[a] {b} |c| a|b [ ] { } |", TK_SYMBOL);
	LEX("(a|b)", { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 3 }, { TK_RP, 4, 1 });
}

static void
lex__quote_forms__are_tokens_of_their_own(void **state)
{
	(void)state;
	LEX("'a `b ,c ,@d",
	    { TK_QUOTE, 0, 1 }, { TK_SYMBOL, 1, 1 },
	    { TK_QUASI, 3, 1 }, { TK_SYMBOL, 4, 1 },
	    { TK_UNQUOTE, 6, 1 }, { TK_SYMBOL, 7, 1 },
	    { TK_SPLICE, 9, 2 }, { TK_SYMBOL, 11, 1 });
	LEX("'(a) ,@(b)",
	    { TK_QUOTE, 0, 1 }, { TK_LP, 1, 1 }, { TK_SYMBOL, 2, 1 },
	    { TK_RP, 3, 1 }, { TK_SPLICE, 5, 2 }, { TK_LP, 7, 1 },
	    { TK_SYMBOL, 8, 1 }, { TK_RP, 9, 1 });
	LEX("''x", { TK_QUOTE, 0, 1 }, { TK_QUOTE, 1, 1 },
	    { TK_SYMBOL, 2, 1 });
}

static void
lex__sharp_paren__opens_a_vector(void **state)
{
	(void)state;
	LEX("#(a #())",
	    { TK_VECOPEN, 0, 2 }, { TK_SYMBOL, 2, 1 }, { TK_VECOPEN, 4, 2 },
	    { TK_RP, 6, 1 }, { TK_RP, 7, 1 });
}

static void
lex__atom__runs_to_whitespace_parenthesis_or_semicolon(void **state)
{
	(void)state;
	LEX("file-read*) a;b\n(c(d",
	    { TK_SYMBOL, 0, 10 }, { TK_RP, 10, 1 }, { TK_SYMBOL, 12, 1 },
	    { TK_COMMENT, 13, 2 }, { TK_LP, 16, 1 }, { TK_SYMBOL, 17, 1 },
	    { TK_LP, 18, 1 }, { TK_SYMBOL, 19, 1 });
}

static void
lex__quotes_inside_an_atom__do_not_end_it(void **state)
{
	(void)state;
	/* the Nix wrapper: R"" is one symbol, then the list opens */
	LEX("R\"\"(", { TK_SYMBOL, 0, 3 }, { TK_LP, 3, 1 });
	LEX(")\"\"", { TK_RP, 0, 1 }, { TK_STRING, 1, 2 });
	check_words("foo'bar a\"b\" x`y a,b a,@b a#b a#|b", TK_SYMBOL);
}

static void
lex__corpus_symbols__are_symbols(void **state)
{
	(void)state;
	check_words("file-read* %finalize param-true? AF_INET REGULAR-FILE "
	    "SYS_write @invalid @sysconfdir@ ${HOME} a->b * +inf.0 "
	    "com.apple.WebKit.GPU iokit-get-properties", TK_SYMBOL);
}

static void
lex__utf8_inside_an_atom__belongs_to_the_symbol(void **state)
{
	(void)state;
	LEX("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80!",
	    { TK_SYMBOL, 0, 5 }, { TK_SYMBOL, 6, 3 }, { TK_SYMBOL, 10, 5 });
}

static void
lex__lone_dot__is_the_dot_of_a_pair(void **state)
{
	(void)state;
	LEX("(a . b)",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 1 }, { TK_DOT, 3, 1 },
	    { TK_SYMBOL, 5, 1 }, { TK_RP, 6, 1 });
	LEX("(f .\trest)\n(g .\nh)",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 1 }, { TK_DOT, 3, 1 },
	    { TK_SYMBOL, 5, 4 }, { TK_RP, 9, 1 },
	    { TK_LP, 11, 1 }, { TK_SYMBOL, 12, 1 }, { TK_DOT, 14, 1 },
	    { TK_SYMBOL, 16, 1 }, { TK_RP, 17, 1 });
}

static void
lex__dot_not_followed_by_space_tab_or_newline__is_a_symbol(void **state)
{
	/* LANGUAGE.md §3.1: the dot of a pair is '.' followed by space, tab
	** or newline; otherwise '.' is an atom like any other (Apple's
	** reader reads "(a .)" as a list of two symbols) */
	(void)state;
	LEX("(a .)", { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 1 },
	    { TK_SYMBOL, 3, 1 }, { TK_RP, 4, 1 });
	LEX(".;c", { TK_SYMBOL, 0, 1 }, { TK_COMMENT, 1, 2 });
}

static void
lex__dots_within_an_atom__make_a_symbol(void **state)
{
	(void)state;
	check_words(".. ... .a a. a.b .- +. -. .e3", TK_SYMBOL);
}

static void
lex__digits_with_sign_point_and_exponent__are_numbers(void **state)
{
	(void)state;
	check_words("0 12 -1 +5 1.5 -0.5 .5 5. 2e3 1.5e3 1e-3 1E+2 -2.5E-10 "
	    "007 0004", TK_NUMBER);
}

static void
lex__other_atoms_starting_like_numbers__are_symbols(void **state)
{
	(void)state;
	check_words("1+ - + ... 1a 1e 1e+ 1e3.5 1.2.3 e3 --1 +-1 1-2 12ab "
	    "1/2 0x1F 2nd 1..2", TK_SYMBOL);
}

static void
lex__sharp_t_and_sharp_f__are_booleans(void **state)
{
	(void)state;
	LEX("#t #f (#t)",
	    { TK_BOOL, 0, 2 }, { TK_BOOL, 3, 2 }, { TK_LP, 6, 1 },
	    { TK_BOOL, 7, 2 }, { TK_RP, 9, 1 });
}

static void
lex__sharp_true_and_sharp_false__are_undefined_sharp_expressions(
    void **state)
{
	(void)state;
	LEX("#true", { TK_ILLEGAL, 0, 5 });
	ILLEGAL("#true", 0, SB_LEX_SHARP, 0);
	ILLEGAL("(a #false)", 3, SB_LEX_SHARP, 3);
	ILLEGAL("#tx", 0, SB_LEX_SHARP, 0);
}

static void
lex__string__is_one_token_with_its_quotes(void **state)
{
	(void)state;
	LEX("\"/tmp\" \"\"",
	    { TK_STRING, 0, 6 }, { TK_STRING, 7, 2 });
	LEX("(literal \"a b\")",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 7 }, { TK_STRING, 9, 5 },
	    { TK_RP, 14, 1 });
}

static void
lex__string__escaped_quote_and_backslash_do_not_end_it(void **state)
{
	(void)state;
	LEX("\"a\\\"b\" \"\\\\\" \"\\.\"",
	    { TK_STRING, 0, 6 }, { TK_STRING, 7, 4 }, { TK_STRING, 12, 4 });
}

static void
lex__string__holds_parentheses_semicolons_newlines_and_utf8(void **state)
{
	(void)state;
	LEX("\"(;\xc3\xa9)\n#|x\" a",
	    { TK_STRING, 0, 11 }, { TK_SYMBOL, 12, 1 });
	LEX("\"a\\\xc3\xa9\"", { TK_STRING, 0, 6 });
}

static void
lex__string__allows_control_characters(void **state)
{
	(void)state;
	LEX("\"a\x01\tb\x1b\x7f\"", { TK_STRING, 0, 8 });
}

static void
lex__raw_string__ends_at_the_next_double_quote(void **state)
{
	(void)state;
	LEX("#\"^/a\\.b$\" #\"\\\"", { TK_RAWSTRING, 0, 10 },
	    { TK_RAWSTRING, 11, 4 });
	LEX("(regex #\"a\nb\")",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 5 }, { TK_RAWSTRING, 7, 6 },
	    { TK_RP, 13, 1 });
}

static void
lex__sharp_backslash__is_a_character(void **state)
{
	(void)state;
	check_words("#\\a #\\space #\\newline #\\tab #\\/ #\\x41 #\\\xc3\xa9 "
	    "#\\A", TK_CHAR);
	LEX("(#\\) #\\( #\\;)",
	    { TK_LP, 0, 1 }, { TK_CHAR, 1, 3 }, { TK_CHAR, 5, 3 },
	    { TK_CHAR, 9, 3 }, { TK_RP, 12, 1 });
}

static void
lex__sharp_radix_prefixes__are_numbers(void **state)
{
	(void)state;
	check_words("#x1F #X1f #o0004 #O7 #b101 #B0 #d12 #D-3 #xZZ", TK_NUMBER);
	LEX("(#x1F)", { TK_LP, 0, 1 }, { TK_NUMBER, 1, 4 }, { TK_RP, 5, 1 });
}

static void
lex__sharp_radix_without_digits__is_undefined(void **state)
{
	(void)state;
	LEX("#x", { TK_ILLEGAL, 0, 2 });
	ILLEGAL("#x", 0, SB_LEX_SHARP, 0);
	ILLEGAL("(#b)", 1, SB_LEX_SHARP, 1);
}

static void
lex__semicolon__comments_to_the_end_of_the_line(void **state)
{
	(void)state;
	LEX("; hi (a)\n(a) ; end",
	    { TK_COMMENT, 0, 8 }, { TK_LP, 9, 1 }, { TK_SYMBOL, 10, 1 },
	    { TK_RP, 11, 1 }, { TK_COMMENT, 13, 5 });
	LEX(";\n;;\n", { TK_COMMENT, 0, 1 }, { TK_COMMENT, 2, 2 });
}

static void
lex__comment_on_a_crlf_line__ends_before_the_cr(void **state)
{
	(void)state;
	LEX("; a\r\n(b) ;c\r\n#!x\r\n",
	    { TK_COMMENT, 0, 3 }, { TK_LP, 5, 1 }, { TK_SYMBOL, 6, 1 },
	    { TK_RP, 7, 1 }, { TK_COMMENT, 9, 2 }, { TK_COMMENT, 13, 3 });
	/* a CR not followed by a newline stays in the comment */
	LEX(";a\rb\n", { TK_COMMENT, 0, 4 });
}

static void
lex__comment__holds_utf8(void **state)
{
	(void)state;
	LEX("; caf\xc3\xa9 \xe2\x9c\x93\n(a)",
	    { TK_COMMENT, 0, 11 }, { TK_LP, 12, 1 }, { TK_SYMBOL, 13, 1 },
	    { TK_RP, 14, 1 });
}

static void
lex__sharp_bang__comments_to_the_end_of_the_line(void **state)
{
	(void)state;
	LEX("#!/usr/bin/sandbox-exec -f\n(a)",
	    { TK_COMMENT, 0, 26 }, { TK_LP, 27, 1 }, { TK_SYMBOL, 28, 1 },
	    { TK_RP, 29, 1 });
}

static void
lex__block_and_datum_comments__are_undefined_sharp_expressions(
    void **state)
{
	(void)state;
	LEX("#|", { TK_ILLEGAL, 0, 2 });
	ILLEGAL("#| x |#", 0, SB_LEX_SHARP, 0);
	LEX("#;", { TK_ILLEGAL, 0, 2 });
	ILLEGAL("(a #;(b))", 3, SB_LEX_SHARP, 3);
}

static void
lex__sharp_with_anything_else__is_undefined(void **state)
{
	(void)state;
	LEX("#", { TK_ILLEGAL, 0, 1 });
	LEX("#if", { TK_ILLEGAL, 0, 3 });
	ILLEGAL("#include \"x\"", 0, SB_LEX_SHARP, 0);
	ILLEGAL("#@x", 0, SB_LEX_SHARP, 0);
	ILLEGAL("(a #)", 3, SB_LEX_SHARP, 3);
	ILLEGAL("#\\ ", 0, SB_LEX_SHARP, 0);
	ILLEGAL("# x", 0, SB_LEX_SHARP, 0);
}

static void
lex__cpp_line_marker__is_one_token_to_the_end_of_the_line(void **state)
{
	(void)state;
	LEX("# 12 \"w.sb.in\" 1 3\n(a)",
	    { TK_LINEMARK, 0, 18 }, { TK_LP, 19, 1 }, { TK_SYMBOL, 20, 1 },
	    { TK_RP, 21, 1 });
	LEX("#  7\n", { TK_LINEMARK, 0, 4 });
}

static void
lex__nul_byte__is_illegal(void **state)
{
	(void)state;
	LEX("a\0b", { TK_SYMBOL, 0, 1 }, { TK_ILLEGAL, 1, 1 },
	    { TK_SYMBOL, 2, 1 });
	ILLEGAL("a\0b", 1, SB_LEX_NUL, 1);
	ILLEGAL("\0", 0, SB_LEX_NUL, 0);
	ILLEGAL("(\0)", 1, SB_LEX_NUL, 1);
}

static void
lex__nul_byte_inside_a_string__is_reported_at_its_offset(void **state)
{
	(void)state;
	ILLEGAL("(a \"b\0c\")", 3, SB_LEX_NUL, 5);
	ILLEGAL("\"\\\0\"", 0, SB_LEX_NUL, 2);
	ILLEGAL("#\"a\0\"", 0, SB_LEX_NUL, 3);
}

static void
lex__nul_byte_in_a_comment__ends_it_and_is_illegal(void **state)
{
	(void)state;
	LEX(";a\0b\n", { TK_COMMENT, 0, 2 }, { TK_ILLEGAL, 2, 1 },
	    { TK_SYMBOL, 3, 1 });
	ILLEGAL(";a\0b\n", 2, SB_LEX_NUL, 2);
}

static void
lex__invalid_utf8__is_illegal_at_the_first_bad_byte(void **state)
{
	(void)state;
	ILLEGAL("\xff", 0, SB_LEX_BAD_UTF8, 0);
	ILLEGAL("\x80", 0, SB_LEX_BAD_UTF8, 0);
	ILLEGAL("ab\xff" "cd", 2, SB_LEX_BAD_UTF8, 2);
	ILLEGAL("(\xc0\x80)", 1, SB_LEX_BAD_UTF8, 1);          /* overlong */
	ILLEGAL("\xed\xa0\x80", 0, SB_LEX_BAD_UTF8, 0);        /* surrogate */
	ILLEGAL("\xf4\x90\x80\x80", 0, SB_LEX_BAD_UTF8, 0);    /* > U+10FFFF */
	ILLEGAL("a \xc3", 2, SB_LEX_BAD_UTF8, 2);              /* truncated */
}

static void
lex__invalid_utf8_inside_a_string__is_reported_at_its_offset(void **state)
{
	(void)state;
	ILLEGAL("\"a\xff\"", 0, SB_LEX_BAD_UTF8, 2);
	ILLEGAL("(x \"ab\xe2\x82\")", 3, SB_LEX_BAD_UTF8, 6);
	ILLEGAL("\"\\\xff\"", 0, SB_LEX_BAD_UTF8, 2);
	ILLEGAL("#\"\xc0\xaf\"", 0, SB_LEX_BAD_UTF8, 2);
}

static void
lex__unterminated_string__reports_the_opening_quote(void **state)
{
	(void)state;
	LEX("(a \"bc)\n", { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 1 },
	    { TK_ILLEGAL, 3, 5 });
	ILLEGAL("(a \"bc)\n", 3, SB_LEX_UNTERMINATED_STRING, 8);
	ILLEGAL("\"", 0, SB_LEX_UNTERMINATED_STRING, 1);
}

static void
lex__string_ending_in_a_backslash__is_unterminated(void **state)
{
	(void)state;
	ILLEGAL("\"abc\\", 0, SB_LEX_UNTERMINATED_STRING, 5);
	ILLEGAL("\"abc\\\"", 0, SB_LEX_UNTERMINATED_STRING, 6);
}

static void
lex__unterminated_raw_string__reports_the_opening_sharp(void **state)
{
	(void)state;
	LEX("x #\"abc\\\n", { TK_SYMBOL, 0, 1 }, { TK_ILLEGAL, 2, 7 });
	ILLEGAL("x #\"abc\\\n", 2, SB_LEX_UNTERMINATED_RAW, 9);
}

static void
lex__control_characters_outside_strings__are_illegal(void **state)
{
	(void)state;
	ILLEGAL("\x01", 0, SB_LEX_CONTROL, 0);
	ILLEGAL("a\x02", 1, SB_LEX_CONTROL, 1);
	ILLEGAL("(\x1b)", 1, SB_LEX_CONTROL, 1);
	ILLEGAL("\x7f", 0, SB_LEX_CONTROL, 0);
	LEX("a\x1f" "b", { TK_SYMBOL, 0, 1 }, { TK_ILLEGAL, 1, 1 },
	    { TK_SYMBOL, 2, 1 });
}

static void
lex__tokens_of_a_realistic_profile__have_exact_extents(void **state)
{
	(void)state;
	LEX("(version 1)\n"
	    "(allow file-read* (subpath \"/usr\") (regex #\"^/tmp\"))\n",
	    { TK_LP, 0, 1 }, { TK_SYMBOL, 1, 7 }, { TK_NUMBER, 9, 1 },
	    { TK_RP, 10, 1 },
	    { TK_LP, 12, 1 }, { TK_SYMBOL, 13, 5 }, { TK_SYMBOL, 19, 10 },
	    { TK_LP, 30, 1 }, { TK_SYMBOL, 31, 7 }, { TK_STRING, 39, 6 },
	    { TK_RP, 45, 1 }, { TK_LP, 47, 1 }, { TK_SYMBOL, 48, 5 },
	    { TK_RAWSTRING, 54, 8 }, { TK_RP, 62, 1 }, { TK_RP, 63, 1 });
}

static void
token_name__names_every_code(void **state)
{
	(void)state;
	assert_string_equal(sb_token_name(TK_EOF), "end of file");
	assert_string_equal(sb_token_name(TK_LP), "(");
	assert_string_equal(sb_token_name(TK_RP), ")");
	assert_string_equal(sb_token_name(TK_DOT), ".");
	assert_string_equal(sb_token_name(TK_VECOPEN), "#(");
	assert_string_equal(sb_token_name(TK_QUOTE), "'");
	assert_string_equal(sb_token_name(TK_QUASI), "`");
	assert_string_equal(sb_token_name(TK_UNQUOTE), ",");
	assert_string_equal(sb_token_name(TK_SPLICE), ",@");
	assert_string_equal(sb_token_name(TK_SYMBOL), "symbol");
	assert_string_equal(sb_token_name(TK_STRING), "string");
	assert_string_equal(sb_token_name(TK_RAWSTRING), "raw-string");
	assert_string_equal(sb_token_name(TK_NUMBER), "number");
	assert_string_equal(sb_token_name(TK_BOOL), "boolean");
	assert_string_equal(sb_token_name(TK_CHAR), "character");
	assert_string_equal(sb_token_name(TK_COMMENT), "comment");
	assert_string_equal(sb_token_name(TK_LINEMARK), "line-marker");
	assert_string_equal(sb_token_name(TK_ILLEGAL), "illegal");
	assert_string_equal(sb_token_name(999), "?");
}

static void
token_codes__outside_the_grammar_sit_above_lemons_range(void **state)
{
	(void)state;
	assert_int_equal(TK_EOF, 0);
	assert_true(TK_COMMENT > TK_CHAR && TK_COMMENT > TK_RAWSTRING);
	assert_true(TK_LINEMARK > TK_CHAR);
	assert_true(TK_ILLEGAL > TK_CHAR);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(lex__empty_input__is_end_of_file),
		T(lex__end_of_file__repeats_forever),
		T(lex__whitespace__separates_tokens_and_is_never_returned),
		T(lex__form_feed_and_vertical_tab__do_not_end_an_atom),
		T(lex__crlf__separates_tokens),
		T(lex__parentheses__are_lp_and_rp),
		T(lex__brackets_braces_and_bar__are_symbol_characters),
		T(lex__quote_forms__are_tokens_of_their_own),
		T(lex__sharp_paren__opens_a_vector),
		T(lex__atom__runs_to_whitespace_parenthesis_or_semicolon),
		T(lex__quotes_inside_an_atom__do_not_end_it),
		T(lex__corpus_symbols__are_symbols),
		T(lex__utf8_inside_an_atom__belongs_to_the_symbol),
		T(lex__lone_dot__is_the_dot_of_a_pair),
		T(lex__dot_not_followed_by_space_tab_or_newline__is_a_symbol),
		T(lex__dots_within_an_atom__make_a_symbol),
		T(lex__digits_with_sign_point_and_exponent__are_numbers),
		T(lex__other_atoms_starting_like_numbers__are_symbols),
		T(lex__sharp_t_and_sharp_f__are_booleans),
		T(lex__sharp_true_and_sharp_false__are_undefined_sharp_expressions),
		T(lex__string__is_one_token_with_its_quotes),
		T(lex__string__escaped_quote_and_backslash_do_not_end_it),
		T(lex__string__holds_parentheses_semicolons_newlines_and_utf8),
		T(lex__string__allows_control_characters),
		T(lex__raw_string__ends_at_the_next_double_quote),
		T(lex__sharp_backslash__is_a_character),
		T(lex__sharp_radix_prefixes__are_numbers),
		T(lex__sharp_radix_without_digits__is_undefined),
		T(lex__semicolon__comments_to_the_end_of_the_line),
		T(lex__comment_on_a_crlf_line__ends_before_the_cr),
		T(lex__comment__holds_utf8),
		T(lex__sharp_bang__comments_to_the_end_of_the_line),
		T(lex__block_and_datum_comments__are_undefined_sharp_expressions),
		T(lex__sharp_with_anything_else__is_undefined),
		T(lex__cpp_line_marker__is_one_token_to_the_end_of_the_line),
		T(lex__nul_byte__is_illegal),
		T(lex__nul_byte_inside_a_string__is_reported_at_its_offset),
		T(lex__nul_byte_in_a_comment__ends_it_and_is_illegal),
		T(lex__invalid_utf8__is_illegal_at_the_first_bad_byte),
		T(lex__invalid_utf8_inside_a_string__is_reported_at_its_offset),
		T(lex__unterminated_string__reports_the_opening_quote),
		T(lex__string_ending_in_a_backslash__is_unterminated),
		T(lex__unterminated_raw_string__reports_the_opening_sharp),
		T(lex__control_characters_outside_strings__are_illegal),
		T(lex__tokens_of_a_realistic_profile__have_exact_extents),
		T(token_name__names_every_code),
		T(token_codes__outside_the_grammar_sit_above_lemons_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
