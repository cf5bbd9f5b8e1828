/*
** The pattern writer (FORMAT.md §8.3). Shapes, with LIT(S) split into
** pieces of at most 320 bytes and ${NAME} turned into VAR(i) GUARD:
**
**   literal S   LIT(S) GUARD EOS GUARD SUCCESS
**   prefix S    LIT(S) GUARD SUCCESS
**   subpath S   LIT(S) GUARD LIT("/") JNE+1 SUCCESS EOS GUARD SUCCESS
**
** A subpath argument ending in '/' (including "/" itself) is written as a
** prefix: the canonical tail would demand a second slash. compiler/match.c
** gives subpath the same meaning, so the two evaluators agree.
*/
#include <string.h>

#include "compiler/filter.h"
#include "compiler/pattern.h"

enum {
	OP_EOS = 0x00, OP_VAR_LONG = 0x01, OP_LIT_LONG = 0x04, OP_SUCCESS = 0x0a,
	OP_GUARD = 0x0f, OP_VAR = 0x10, OP_LIT = 0x40, OP_JNE = 0x80
};

#define MAX_PROGRAM 0xffff

static void
lit(struct sb_buf *b, const char *s, size_t n)
{
	while (n > 0) {
		size_t k = n > 320 ? 320 : n;
		if (k <= 64)
			sb_buf_putc(b, OP_LIT + (int)(k - 1));
		else {
			sb_buf_putc(b, OP_LIT_LONG);
			sb_buf_putc(b, (int)(k - 65));
		}
		sb_buf_put(b, s, k);
		sb_buf_putc(b, OP_GUARD);
		s += k;
		n -= k;
	}
}

int
sb_pattern_has_var(const char *s, size_t len)
{
	const char *p = memchr(s, '$', len);

	while (p && p + 1 < s + len) {
		if (p[1] == '{' && memchr(p, '}', (size_t)(s + len - p)))
			return 1;
		p = memchr(p + 1, '$', (size_t)(s + len - p - 1));
	}
	return 0;
}

/* The test part: literals and variables, each followed by GUARD. */
static int
body(struct sb_buf *b, const char *s, size_t len, sb_pattern_var_fn var,
    void *ctx, const char **why)
{
	size_t i = 0, start = 0;
	int v;

	while (i < len) {
		const char *close;
		if (!(s[i] == '$' && i + 1 < len && s[i + 1] == '{' &&
		    (close = memchr(s + i, '}', len - i)))) {
			i++;
			continue;
		}
		lit(b, s + start, i - start);
		v = var ? var(ctx, s + i + 2, (size_t)(close - s - i - 2)) : -1;
		if (v < 0) {
			*why = "too many variables in patterns";
			return -1;
		}
		if (v < 16)
			sb_buf_putc(b, OP_VAR + v);
		else {
			sb_buf_putc(b, OP_VAR_LONG);
			sb_buf_put_u16le(b, (uint16_t)v);
		}
		sb_buf_putc(b, OP_GUARD);
		i = start = (size_t)(close - s) + 1;
	}
	lit(b, s + start, len - start);
	return 0;
}

int
sb_pattern_item(struct sb_buf *out, uint8_t pat, const char *s, size_t len,
    sb_pattern_var_fn var, void *ctx, const char **why)
{
	struct sb_buf b = SB_BUF_INIT;
	int r;

	if (pat == SB_PAT_SUBPATH && len > 0 && s[len - 1] == '/')
		pat = SB_PAT_PREFIX;
	if ((r = body(&b, s, len, var, ctx, why)) == 0) {
		switch (pat) {
		case SB_PAT_PREFIX:
			sb_buf_putc(&b, OP_SUCCESS);
			break;
		case SB_PAT_SUBPATH:
			/* LIT("/") JNE+1 SUCCESS EOS GUARD SUCCESS */
			sb_buf_putc(&b, OP_LIT);
			sb_buf_putc(&b, '/');
			sb_buf_putc(&b, OP_JNE);
			sb_buf_putc(&b, OP_SUCCESS);
			sb_buf_putc(&b, OP_EOS);
			sb_buf_putc(&b, OP_GUARD);
			sb_buf_putc(&b, OP_SUCCESS);
			break;
		default:
			sb_buf_putc(&b, OP_EOS);
			sb_buf_putc(&b, OP_GUARD);
			sb_buf_putc(&b, OP_SUCCESS);
			break;
		}
		if (b.len > MAX_PROGRAM) {
			*why = "pattern longer than 65,535 bytes";
			r = -1;
		} else {
			sb_buf_put_u16le(out, (uint16_t)b.len);
			sb_buf_put(out, b.data, b.len);
		}
	}
	sb_buf_free(&b);
	return r;
}
