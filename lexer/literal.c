/*
** Literal decoding. The scanner has already found each token's extent;
** this file checks what is inside and says exactly which bytes are wrong.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/source.h"
#include "lexer/literal.h"

static int
fail(struct sb_lit_error *err, uint32_t off, uint32_t len, const char *msg)
{
	err->off = off;
	err->len = len;
	err->msg = msg;
	return -1;
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
			return fail(err, i, 2, "invalid escape in string: an "
			    "octal escape needs two or three digits");
		if (val > 255)
			return fail(err, i, j - i, "invalid escape in string: "
			    "octal escape above \\377");
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
	int base, neg = 0;
	uint32_t i = 2;
	uint64_t v = 0;

	switch (p[1]) {
	case 'x': case 'X': base = 16; break;
	case 'o': case 'O': base = 8; break;
	case 'b': case 'B': base = 2; break;
	default: base = 10; break;
	}
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	if (i == n)
		return fail(err, 0, n, "invalid number: no digits");
	for (; i < n; i++) {
		int d = hexval((unsigned char)p[i]);
		if (d < 0 || d >= base)
			return fail(err, i, 1, "invalid digit in number");
		if (v > (UINT64_C(1) << 62) / (uint64_t)base)
			return fail(err, 0, n, "number out of range");
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
	char tmp[64], *end;

	if (p[0] == '#')
		return radixnumber(p, n, out, err);
	if (n >= sizeof tmp)
		return fail(err, 0, n, "number out of range");
	memcpy(tmp, p, n);
	tmp[n] = 0;
	errno = 0;
	if (!memchr(p, '.', n) && !memchr(p, 'e', n) && !memchr(p, 'E', n)) {
		long long v = strtoll(tmp, &end, 10);
		if (errno == ERANGE || v > INT64_MAX / 4 || v < INT64_MIN / 4)
			return fail(err, 0, n, "number out of range");
		out->isint = 1;
		out->i = v;
		out->d = (double)v;
		return 0;
	}
	out->d = strtod(tmp, &end);
	if (errno == ERANGE || !isfinite(out->d))
		return fail(err, 0, n, "number out of range");
	out->isint = 0;
	out->i = 0;
	return 0;
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
	return fail(err, 0, n, "unknown character name");
}
