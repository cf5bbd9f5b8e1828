/*
** Literal decoding. The scanner has already found each token's extent;
** this file checks what is inside and says exactly which bytes are wrong.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/source.h"
#include "lexer/literal.h"

/* The largest magnitude a number literal may have, in every radix. */
#define NUMBER_MAX ((INT64_C(1) << 62) - 1)

static int
fail(struct sb_lit_error *err, uint32_t off, uint32_t len, const char *fmt,
    ...)
{
	va_list ap;

	err->off = off;
	err->len = len;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* "'TEXT'" of a token for messages, cut at a character boundary. */
static const char *
subject(const char *p, uint32_t n, char *buf, size_t size)
{
	uint32_t k = 0, m;

	while (k < n && k < 40) {
		m = sb_utf8_seq(p + k, n - k);
		k += m ? m : 1;
	}
	snprintf(buf, size, "%.*s%s", (int)k, p, k < n ? "..." : "");
	return buf;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
isoct(int c)
{
	return c >= '0' && c <= '7';
}

/*
** string escapes: \n \t \r \" \\, \xHH (exactly two hex digits), \oo or
** \ooo (two or three octal digits), and any other character for itself.
*/
int
sb_lit_string(const char *p, uint32_t n, struct sb_arena *a,
    const char **out, uint32_t *outlen, struct sb_lit_error *err)
{
	uint32_t i, end = n - 1, k = 0;
	char *v;

	if (p[0] == '#') {
		*out = sb_arena_strndup(a, p + 2, n - 3);
		*outlen = n - 3;
		return 0;
	}
	v = sb_arena_alloc(a, n);
	for (i = 1; i < end; i++) {
		int h1, h2, val;
		uint32_t j;

		if (p[i] != '\\') {
			v[k++] = p[i];
			continue;
		}
		switch (p[i + 1]) {
		case 'n': v[k++] = '\n'; i++; continue;
		case 't': v[k++] = '\t'; i++; continue;
		case 'r': v[k++] = '\r'; i++; continue;
		case 'x':
			h1 = i + 2 < end ? hexval((unsigned char)p[i + 2]) : -1;
			h2 = i + 3 < end ? hexval((unsigned char)p[i + 3]) : -1;
			if (h1 < 0 || h2 < 0)
				return fail(err, i, h1 < 0 ? 2 : 3,
				    "invalid escape in string: '\\x' needs "
				    "two hex digits");
			v[k++] = (char)(h1 * 16 + h2);
			i += 3;
			continue;
		}
		if (!isoct((unsigned char)p[i + 1])) {
			/* any other escaped character stands for itself */
			uint32_t m = sb_utf8_seq(p + i + 1, end - i - 1);
			m = m ? m : 1;
			memcpy(v + k, p + i + 1, m);
			k += m;
			i += m;
			continue;
		}
		for (j = i + 1, val = 0; j < end && j < i + 4 &&
		    isoct((unsigned char)p[j]); j++)
			val = val * 8 + (p[j] - '0');
		if (j - i - 1 < 2)
			return fail(err, i, 2, "invalid escape in string: "
			    "'\\%c' needs two or three octal digits", p[i + 1]);
		if (val > 255)
			return fail(err, i, j - i, "invalid escape in string: "
			    "'%.*s' is above '\\377'", (int)(j - i), p + i);
		v[k++] = (char)val;
		i = j - 1;
	}
	v[k] = 0;
	*out = v;
	*outlen = k;
	return 0;
}

static int
radixnumber(const char *p, uint32_t n, struct sb_number *out,
    struct sb_lit_error *err)
{
	const char *kind;
	char buf[64];
	int base, neg = 0;
	uint32_t i = 2, m;
	uint64_t v = 0;

	switch (p[1]) {
	case 'x': case 'X': base = 16; kind = "hexadecimal"; break;
	case 'o': case 'O': base = 8; kind = "octal"; break;
	case 'b': case 'B': base = 2; kind = "binary"; break;
	default: base = 10; kind = "decimal"; break;
	}
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	if (i == n)
		return fail(err, 0, n, "invalid number '%s': no digits",
		    subject(p, n, buf, sizeof buf));
	for (; i < n; i++) {
		int d = hexval((unsigned char)p[i]);
		if (d < 0 || d >= base) {
			m = sb_utf8_seq(p + i, n - i);
			return fail(err, i, m ? m : 1, "invalid digit '%.*s' "
			    "in %s number '%s'", (int)(m ? m : 1), p + i, kind,
			    subject(p, n, buf, sizeof buf));
		}
		if (v > ((uint64_t)NUMBER_MAX - (uint64_t)d) / (uint64_t)base)
			return fail(err, 0, n, "number '%s' out of range",
			    subject(p, n, buf, sizeof buf));
		v = v * (uint64_t)base + (uint64_t)d;
	}
	out->isint = 1;
	out->i = neg ? -(int64_t)v : (int64_t)v;
	out->d = (double)out->i;
	return 0;
}

int
sb_lit_number(const char *p, uint32_t n, struct sb_number *out,
    struct sb_lit_error *err)
{
	char *tmp, *end, buf[64];
	int r = 0;

	if (p[0] == '#')
		return radixnumber(p, n, out, err);
	tmp = malloc(n + 1);
	if (!tmp)
		return fail(err, 0, n, "out of memory");
	memcpy(tmp, p, n);
	tmp[n] = 0;
	errno = 0;
	if (!memchr(p, '.', n) && !memchr(p, 'e', n) && !memchr(p, 'E', n)) {
		long long v = strtoll(tmp, &end, 10);
		if (errno == ERANGE || v > NUMBER_MAX || v < -NUMBER_MAX)
			r = fail(err, 0, n, "number '%s' out of range",
			    subject(p, n, buf, sizeof buf));
		out->isint = 1;
		out->i = v;
		out->d = (double)v;
	} else {
		out->d = strtod(tmp, &end);
		if ((errno == ERANGE && out->d != 0) || !isfinite(out->d))
			r = fail(err, 0, n, "number '%s' out of range",
			    subject(p, n, buf, sizeof buf));
		out->isint = 0;
		out->i = 0;
	}
	free(tmp);
	return r;
}

static const struct {
	const char *name;
	uint32_t cp;
} charnames[] = {
	{ "space", ' ' }, { "newline", '\n' }, { "return", '\r' },
	{ "tab", '\t' }, { "nul", 0 }, { "linefeed", '\n' },
};

int
sb_lit_char(const char *p, uint32_t n, uint32_t *cp,
    struct sb_lit_error *err)
{
	uint32_t m = sb_utf8_seq(p + 2, n - 2), i;
	const unsigned char *u = (const unsigned char *)p + 2;
	int h1, h2;

	if (m == n - 2) {
		if (m == 1) {
			*cp = u[0];
			return 0;
		}
		*cp = u[0] & (0xff >> (m + 1));
		for (i = 1; i < m; i++)
			*cp = *cp << 6 | (u[i] & 0x3f);
		return 0;
	}
	if (n == 5 && (p[2] == 'x' || p[2] == 'X') &&
	    (h1 = hexval(u[1])) >= 0 && (h2 = hexval(u[2])) >= 0) {
		*cp = (uint32_t)(h1 * 16 + h2);
		return 0;
	}
	for (i = 0; i < sizeof charnames / sizeof charnames[0]; i++)
		if (strlen(charnames[i].name) == n - 2 &&
		    memcmp(charnames[i].name, p + 2, n - 2) == 0) {
			*cp = charnames[i].cp;
			return 0;
		}
	{
		char buf[64];
		return fail(err, 0, n, "unknown character name '%s'",
		    subject(p, n, buf, sizeof buf));
	}
}
