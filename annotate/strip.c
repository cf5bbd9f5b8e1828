/*
** strip.c: recognising annotated files and giving back the original bytes
** (COVERAGE.md §3.3, §3.4). Annotated SBPL is the source with " ;@cov …"
** appended to counted lines and a ";@cov-file …" trailer line; gcov text
** is a 16-column prefix on every line plus line-0 headers and detail lines.
*/
#include <string.h>

#include "annotate/strip.h"

#define MARK " ;@cov "
#define MARKLEN 7
#define TRAILER ";@cov-file "

/* The start of the last line of TEXT (ignoring one final newline). */
static size_t
lastline(const char *text, size_t len)
{
	size_t e = len && text[len - 1] == '\n' ? len - 1 : len;

	while (e > 0 && text[e - 1] != '\n')
		e--;
	return e;
}

/* Whether the line at P (up to END) matches ^ *-: *0: (a gcov header). */
static int
gcovheader(const char *p, const char *end, int source)
{
	while (p < end && *p == ' ')
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != ':')
		return 0;
	p += 2;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 2 || p[0] != '0' || p[1] != ':')
		return 0;
	p += 2;
	return !source || ((size_t)(end - p) >= 7 && memcmp(p, "Source:", 7) == 0);
}

enum sb_ann_kind
sb_ann_kind_of(const char *text, size_t len)
{
	size_t l = lastline(text, len);
	const char *nl = memchr(text, '\n', len);

	if (len - l >= sizeof TRAILER - 1 &&
	    memcmp(text + l, TRAILER, sizeof TRAILER - 1) == 0)
		return SB_ANN_KIND_SBPL;
	if (len && gcovheader(text, nl ? nl : text + len, 1))
		return SB_ANN_KIND_GCOV;
	return SB_ANN_KIND_PLAIN;
}

/* The first MARK in [P, END), or NULL. */
static const char *
findmark(const char *p, const char *end)
{
	while (end - p >= MARKLEN) {
		const char *q = memchr(p, ' ', (size_t)(end - p - MARKLEN + 1));
		if (!q)
			return NULL;
		if (memcmp(q, MARK, MARKLEN) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

int
sb_ann_reserved(const char *text, size_t len, uint32_t *line, uint32_t *col)
{
	const char *p = text, *end = text + len;
	uint32_t n = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *m = findmark(p, e);
		if (m) {
			*line = n;
			*col = (uint32_t)(m - p) + 2;   /* the ';' */
			return 1;
		}
		p = nl ? nl + 1 : end;
		n++;
	}
	return 0;
}

static int
stripsbpl(const char *text, size_t len, struct sb_buf *out)
{
	size_t l = lastline(text, len), i;
	const char *p = text, *end = text + l;
	const char *eol = NULL;

	/* the trailer's eol=0 says the original had no final newline */
	for (i = l; i + 5 < len; i++)
		if (memcmp(text + i, " eol=", 5) == 0)
			eol = text + i + 5;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *m = findmark(p, e);
		const char *cut = e;
		if (e > p && e[-1] == '\r')
			cut = e - 1;
		sb_buf_put(out, p, (size_t)((m ? m : cut) - p));
		if (m && cut < e)
			sb_buf_putc(out, '\r');
		if (nl)
			sb_buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (eol && *eol == '0' && out->len && out->data[out->len - 1] == '\n')
		out->len--;
	return 0;
}

static int
stripgcov(const char *text, size_t len, struct sb_buf *out)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *c1, *c2;
		if (gcovheader(p, e, 0) ||
		    ((size_t)(e - p) >= 7 && memcmp(p, "branch ", 7) == 0) ||
		    ((size_t)(e - p) >= 5 && memcmp(p, "call ", 5) == 0) ||
		    ((size_t)(e - p) >= 9 && memcmp(p, "function ", 9) == 0)) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (!(c1 = memchr(p, ':', (size_t)(e - p))) ||
		    !(c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1))))
			return -1;
		sb_buf_put(out, c2 + 1, (size_t)(e - c2 - 1));
		if (nl)
			sb_buf_putc(out, '\n');
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int
sb_ann_strip(const char *text, size_t len, struct sb_buf *out)
{
	switch (sb_ann_kind_of(text, len)) {
	case SB_ANN_KIND_SBPL:
		return stripsbpl(text, len, out);
	case SB_ANN_KIND_GCOV:
		return stripgcov(text, len, out);
	default:
		return -1;
	}
}
