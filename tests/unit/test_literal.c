/*
** Unit tests for lexer/literal.h against LANGUAGE.md §3.1 and §3.2: string
** escapes (\n \t \r \" \\, \xHH with exactly two hex digits, \oo and \ooo,
** any other escaped character for itself), raw strings, numbers in
** decimal and #x #o #b #d, and #\ characters. Errors name the exact bytes
** inside the token that are wrong.
*/
#include <math.h>

#include "tests/unit/fixture.h"

#include "lexer/literal.h"

/* The value of string token TOK; its length in *LEN. Fails the test on -1. */
static const char *
str_n(struct sb_ctx *ctx, const char *tok, size_t n, uint32_t *len)
{
	struct sb_lit_error err;
	const char *out = NULL;

	if (sb_lit_string(tok, (uint32_t)n, &ctx->arena, &out, len, &err) != 0)
		fail_msg("%s: unexpected error at %u+%u: %s", tok, err.off,
		    err.len, err.msg);
	assert_non_null(out);
	assert_int_equal(out[*len], 0);
	return out;
}

/* Assert string token TOK unescapes to the WANTLEN bytes at WANT. */
static void
check_string(struct sb_ctx *ctx, const char *tok, size_t n,
    const char *want, size_t wantlen)
{
	uint32_t len;
	const char *out = str_n(ctx, tok, n, &len);

	if (len != wantlen || memcmp(out, want, wantlen) != 0)
		fail_msg("%s: got %u bytes \"%s\", want %zu", tok, len, out,
		    wantlen);
}

#define STR(tok, want) \
	check_string(ctx, tok, sizeof(tok) - 1, want, sizeof(want) - 1)

/* Assert string token TOK fails at OFF+LEN with a message starting PREFIX. */
static void
check_string_error(struct sb_ctx *ctx, const char *tok, size_t n,
    uint32_t off, uint32_t len, const char *prefix)
{
	struct sb_lit_error err;
	const char *out = NULL;
	uint32_t outlen = 0;

	if (sb_lit_string(tok, (uint32_t)n, &ctx->arena, &out, &outlen,
	    &err) == 0)
		fail_msg("%s: read without error", tok);
	assert_non_null(err.msg);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("%s: message \"%s\"", tok, err.msg);
	assert_int_equal(err.off, off);
	assert_int_equal(err.len, len);
}

#define STR_ERROR(tok, off, len, prefix) \
	check_string_error(ctx, tok, sizeof(tok) - 1, off, len, prefix)

/* The number token TOK; fails the test on -1. */
static struct sb_number
num(const char *tok)
{
	struct sb_lit_error err;
	struct sb_number v;

	memset(&v, 0, sizeof v);
	if (sb_lit_number(tok, (uint32_t)strlen(tok), &v, &err) != 0)
		fail_msg("%s: unexpected error at %u+%u: %s", tok, err.off,
		    err.len, err.msg);
	return v;
}

static void
check_int(const char *tok, int64_t want)
{
	struct sb_number v = num(tok);

	if (!v.isint || v.i != want || v.d != (double)want)
		fail_msg("%s: got isint %d i %lld d %g, want integer %lld",
		    tok, v.isint, (long long)v.i, v.d, (long long)want);
}

static void
check_real(const char *tok, double want)
{
	struct sb_number v = num(tok);

	if (v.isint || fabs(v.d - want) > fabs(want) * 1e-15)
		fail_msg("%s: got isint %d d %.17g, want real %.17g", tok,
		    v.isint, v.d, want);
}

/*
** Assert number token TOK fails at OFF+LEN with a message saying WHAT; the
** rest of the wording (quoting the token) is literal.c's.
*/
static void
check_number_error(const char *tok, uint32_t off, uint32_t len,
    const char *what)
{
	struct sb_lit_error err;
	struct sb_number v;

	if (sb_lit_number(tok, (uint32_t)strlen(tok), &v, &err) == 0)
		fail_msg("%s: read without error", tok);
	if (!strstr(err.msg, what))
		fail_msg("%s: message \"%s\"", tok, err.msg);
	assert_int_equal(err.off, off);
	assert_int_equal(err.len, len);
}

/* Assert character token TOK of N bytes is code point WANT. */
static void
check_char_n(const char *tok, size_t n, uint32_t want)
{
	struct sb_lit_error err;
	uint32_t cp = 0xffffffff;

	if (sb_lit_char(tok, (uint32_t)n, &cp, &err) != 0)
		fail_msg("%s: unexpected error: %s", tok, err.msg);
	if (cp != want)
		fail_msg("%s: got U+%04X, want U+%04X", tok, cp, want);
}

#define CHR(tok, want) check_char_n(tok, sizeof(tok) - 1, want)

static void
lit_string__plain_body__is_copied_without_the_quotes(void **state)
{
	struct sb_ctx *ctx = *state;

	STR("\"/usr/lib\"", "/usr/lib");
	STR("\"\"", "");
	STR("\"a b\nc\"", "a b\nc");
	STR("\"caf\xc3\xa9 (;)\"", "caf\xc3\xa9 (;)");
}

static void
lit_string__value_lives_in_the_arena_apart_from_the_token(void **state)
{
	struct sb_ctx *ctx = *state;
	char tok[] = "\"abc\"";
	uint32_t len;
	const char *out = str_n(ctx, tok, sizeof tok - 1, &len);

	assert_ptr_not_equal(out, tok + 1);
	memset(tok, 'x', sizeof tok - 1);
	assert_string_equal(out, "abc");
}

static void
lit_string__named_escapes__stand_for_their_characters(void **state)
{
	struct sb_ctx *ctx = *state;

	STR("\"a\\nb\"", "a\nb");
	STR("\"\\t\"", "\t");
	STR("\"\\r\\n\"", "\r\n");
	STR("\"say \\\"hi\\\"\"", "say \"hi\"");
	STR("\"C:\\\\dir\"", "C:\\dir");
	STR("\"\\\\\\\\\"", "\\\\");
}

static void
lit_string__hex_escape__takes_exactly_two_hex_digits(void **state)
{
	struct sb_ctx *ctx = *state;

	STR("\"\\x41\"", "A");
	STR("\"\\x4a\\x4A\"", "JJ");
	STR("\"\\x411\"", "A1");
	STR("\"\\xff\"", "\xff");
	STR("\"a\\x00b\"", "a\0b");
}

static void
lit_string__octal_escape__takes_two_or_three_digits(void **state)
{
	struct sb_ctx *ctx = *state;

	STR("\"\\101\"", "A");
	STR("\"\\12\"", "\n");
	STR("\"\\12x\"", "\nx");
	STR("\"\\0123\"", "\n3");
	STR("\"\\377\"", "\xff");
	STR("\"\\00\"", "\0");
	STR("\"\\1018\"", "A8");
}

static void
lit_string__other_escaped_characters__stand_for_themselves(void **state)
{
	struct sb_ctx *ctx = *state;

	/* LANGUAGE.md §3.1: "\." reads as "."; the backslash is dropped */
	STR("\"\\.\"", ".");
	STR("\"^/a\\.b$\"", "^/a.b$");
	STR("\"\\a\\b\\f\\v\\e\"", "abfve");
	STR("\"\\/\\(\\)\\;\\'\"", "/();'");
	STR("\"\\8\\9\"", "89");
	STR("\"\\ \"", " ");
	STR("\"\\\xc3\xa9\"", "\xc3\xa9");
	STR("\"\\\n\"", "\n");
}

static void
lit_string__hex_escape_without_two_hex_digits__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;

	/* the range covers the backslash up to the first bad byte */
	STR_ERROR("\"a\\xZ1\"", 2, 2, "invalid escape in string");
	STR_ERROR("\"a\\x4Z\"", 2, 3, "invalid escape in string");
	STR_ERROR("\"\\x4\"", 1, 3, "invalid escape in string");
	STR_ERROR("\"\\x\"", 1, 2, "invalid escape in string");
	STR_ERROR("\"ok\\x g\"", 3, 2, "invalid escape in string");
}

static void
lit_string__one_digit_octal_escape__is_an_error(void **state)
{
	struct sb_ctx *ctx = *state;

	/* LANGUAGE.md §3.2: "\0a" and "\7"" */
	STR_ERROR("\"\\0a\"", 1, 2, "invalid escape in string");
	STR_ERROR("\"\\7\"", 1, 2, "invalid escape in string");
	STR_ERROR("\"abc\\1\"", 4, 2, "invalid escape in string");
	STR_ERROR("\"\\19\"", 1, 2, "invalid escape in string");
}

static void
lit_string__error_messages__are_lower_case_without_a_full_stop(
    void **state)
{
	struct sb_ctx *ctx = *state;
	static const char *const bad[] = { "\"\\xZZ\"", "\"\\0a\"" };
	size_t i;

	for (i = 0; i < countof(bad); i++) {
		struct sb_lit_error err;
		const char *out;
		uint32_t len;

		assert_int_equal(sb_lit_string(bad[i], (uint32_t)strlen(bad[i]),
		    &ctx->arena, &out, &len, &err), -1);
		assert_true(err.msg[0] >= 'a' && err.msg[0] <= 'z');
		assert_int_not_equal(err.msg[strlen(err.msg) - 1], '.');
	}
}

static void
lit_string__raw_string__is_copied_without_escape_processing(void **state)
{
	struct sb_ctx *ctx = *state;

	STR("#\"^/a\\.b$\"", "^/a\\.b$");
	STR("#\"\"", "");
	STR("#\"\\x41\\n\"", "\\x41\\n");
	STR("#\"\\\"", "\\");
	STR("#\"a\nb\"", "a\nb");
}

static void
lit_number__decimal_integers(void **state)
{
	(void)state;
	check_int("0", 0);
	check_int("12", 12);
	check_int("-1", -1);
	check_int("+5", 5);
	check_int("-0", 0);
	check_int("007", 7);
	check_int("1000000", 1000000);
}

static void
lit_number__reals_with_point_or_exponent(void **state)
{
	(void)state;
	check_real("1.5", 1.5);
	check_real("-0.5", -0.5);
	check_real(".5", 0.5);
	check_real("5.", 5.0);
	check_real("2e3", 2000.0);
	check_real("1.5e3", 1500.0);
	check_real("1E+2", 100.0);
	check_real("1e-3", 0.001);
	check_real("-2.5E-1", -0.25);
}

static void
lit_number__radix_prefixes(void **state)
{
	(void)state;
	check_int("#x1F", 31);
	check_int("#X1f", 31);
	check_int("#xff", 255);
	check_int("#o0004", 4);
	check_int("#O17", 15);
	check_int("#b101", 5);
	check_int("#B0", 0);
	check_int("#d12", 12);
	check_int("#D0012", 12);
	check_int("#x-1F", -31);
	check_int("#b+11", 3);
}

static void
lit_number__digit_outside_the_radix__is_an_error_at_that_digit(
    void **state)
{
	(void)state;
	check_number_error("#xZZ", 2, 1, "invalid digit");
	check_number_error("#b102", 4, 1, "invalid digit");
	check_number_error("#o8", 2, 1, "invalid digit");
	check_number_error("#d1a", 3, 1, "invalid digit");
	check_number_error("#x1.5", 3, 1, "invalid digit");
}

static void
lit_number__radix_prefix_without_digits__is_an_error(void **state)
{
	(void)state;
	check_number_error("#x", 0, 2, "no digits");
	check_number_error("#b-", 0, 3, "no digits");
}

static void
lit_number__values_too_large__are_errors_not_wrapped(void **state)
{
	(void)state;
	check_number_error("99999999999999999999", 0, 20,
	    "out of range");
	check_number_error("#xFFFFFFFFFFFFFFFFF", 0, 19, "out of range");
	check_number_error("1e400", 0, 5, "out of range");
}

static void
lit_char__single_character_stands_for_itself(void **state)
{
	(void)state;
	CHR("#\\a", 'a');
	CHR("#\\A", 'A');
	CHR("#\\/", '/');
	CHR("#\\(", '(');
	CHR("#\\)", ')');
	CHR("#\\x", 'x');
	CHR("#\\s", 's');
}

static void
lit_char__names_stand_for_their_characters(void **state)
{
	(void)state;
	CHR("#\\space", ' ');
	CHR("#\\newline", '\n');
	CHR("#\\return", '\r');
	CHR("#\\tab", '\t');
}

static void
lit_char__hex_form__takes_two_hex_digits(void **state)
{
	(void)state;
	CHR("#\\x41", 0x41);
	CHR("#\\x2f", '/');
	CHR("#\\x00", 0);
}

static void
lit_char__utf8_character__is_its_code_point(void **state)
{
	(void)state;
	CHR("#\\\xc3\xa9", 0xe9);
	CHR("#\\\xe2\x82\xac", 0x20ac);
	CHR("#\\\xf0\x9f\x98\x80", 0x1f600);
}

static void
lit_char__unknown_name__is_an_error_over_the_whole_token(void **state)
{
	static const char *const bad[] = { "#\\bogus", "#\\spaces", "#\\xZZ",
		"#\\x4", "#\\ab" };
	size_t i;

	(void)state;
	for (i = 0; i < countof(bad); i++) {
		struct sb_lit_error err;
		uint32_t cp;
		uint32_t n = (uint32_t)strlen(bad[i]);

		if (sb_lit_char(bad[i], n, &cp, &err) == 0)
			fail_msg("%s: read as U+%04X", bad[i], cp);
		if (strncmp(err.msg, "unknown character name", 22) != 0)
			fail_msg("%s: message \"%s\"", bad[i], err.msg);
		assert_int_equal(err.off, 0);
		assert_int_equal(err.len, n);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(lit_string__plain_body__is_copied_without_the_quotes),
		T(lit_string__value_lives_in_the_arena_apart_from_the_token),
		T(lit_string__named_escapes__stand_for_their_characters),
		T(lit_string__hex_escape__takes_exactly_two_hex_digits),
		T(lit_string__octal_escape__takes_two_or_three_digits),
		T(lit_string__other_escaped_characters__stand_for_themselves),
		T(lit_string__hex_escape_without_two_hex_digits__is_an_error),
		T(lit_string__one_digit_octal_escape__is_an_error),
		T(lit_string__error_messages__are_lower_case_without_a_full_stop),
		T(lit_string__raw_string__is_copied_without_escape_processing),
		T(lit_number__decimal_integers),
		T(lit_number__reals_with_point_or_exponent),
		T(lit_number__radix_prefixes),
		T(lit_number__digit_outside_the_radix__is_an_error_at_that_digit),
		T(lit_number__radix_prefix_without_digits__is_an_error),
		T(lit_number__values_too_large__are_errors_not_wrapped),
		T(lit_char__single_character_stands_for_itself),
		T(lit_char__names_stand_for_their_characters),
		T(lit_char__hex_form__takes_two_hex_digits),
		T(lit_char__utf8_character__is_its_code_point),
		T(lit_char__unknown_name__is_an_error_over_the_whole_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
