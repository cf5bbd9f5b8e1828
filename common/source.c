/*
** The source table. Owns file buffers and paths; knows nothing about the
** language beyond newlines, tabs and UTF-8 column counting (DESIGN.md §10.2).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/source.h"
#include "common/util.h"

void
sb_sources_init(struct sb_sources *t)
{
	t->v = NULL;
	t->n = 0;
}

void
sb_sources_free(struct sb_sources *t)
{
	uint32_t i, j;

	for (i = 0; i < t->n; i++) {
		struct sb_source *s = t->v[i];
		if (s->owns_text)
			free((char *)s->text);
		for (j = 0; j < s->nmarks; j++)
			free((char *)s->marks[j].file);
		free(s->marks);
		free(s->lines);
		free(s->path);
		free(s);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static uint32_t
add(struct sb_sources *t, enum sb_source_kind kind, const char *path,
    const char *text, size_t len, int owns)
{
	struct sb_source *s = xcalloc(1, sizeof *s);

	s->id = t->n;
	s->kind = kind;
	s->path = xstrdup(path);
	s->text = text;
	s->len = (uint32_t)len;
	s->owns_text = owns;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n++] = s;
	return s->id;
}

uint32_t
sb_source_add(struct sb_sources *t, enum sb_source_kind kind,
    const char *path, const char *text, size_t len, int copy)
{
	char *p;

	if (!copy)
		return add(t, kind, path, text, len, 0);
	p = xmalloc(len + 1);
	memcpy(p, text, len);
	p[len] = 0;
	return add(t, kind, path, p, len, 1);
}

int64_t
sb_source_read(struct sb_sources *t, const char *path, const char *shown)
{
	FILE *f;
	char *p = NULL;
	size_t len = 0, cap = 0, n;
	int isstdin = strcmp(path, "-") == 0;

	f = isstdin ? stdin : fopen(path, "rb");
	if (!f)
		return -1;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			p = xrealloc(p, cap + 1);
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
		if (len > SB_LIMIT_SOURCE_BYTES) {
			free(p);
			if (!isstdin)
				fclose(f);
			errno = EFBIG;
			return -1;
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno;
		free(p);
		if (!isstdin)
			fclose(f);
		errno = err ? err : EIO;
		return -1;
	}
	if (!isstdin)
		fclose(f);
	p = xrealloc(p, len + 1);
	p[len] = 0;
	return add(t, isstdin ? SB_SRC_STDIN : SB_SRC_FILE,
	    shown ? shown : isstdin ? "<stdin>" : path, p, len, 1);
}

struct sb_source *
sb_source_get(const struct sb_sources *t, uint32_t id)
{
	return id < t->n ? t->v[id] : NULL;
}

void
sb_source_mark(struct sb_source *s, uint32_t off, uint32_t line,
    const char *file, size_t filelen)
{
	struct sb_linemark *m;
	char *f;

	if (s->nmarks == s->capmarks) {
		s->capmarks = s->capmarks ? s->capmarks * 2 : 16;
		s->marks = xrealloc(s->marks, s->capmarks * sizeof *s->marks);
	}
	f = xmalloc(filelen + 1);
	memcpy(f, file, filelen);
	f[filelen] = 0;
	m = &s->marks[s->nmarks++];
	m->off = off;
	m->line = line;
	m->file = f;
}

static void
buildlines(struct sb_source *s)
{
	uint32_t n = 1, i, cap;
	const char *p;

	for (p = s->text; (p = memchr(p, '\n', s->len - (p - s->text))); p++)
		n++;
	cap = n;
	s->lines = xmalloc(cap * sizeof *s->lines);
	s->lines[0] = 0;
	n = 1;
	for (i = 0; i < s->len; i++)
		if (s->text[i] == '\n')
			s->lines[n++] = i + 1;
	s->nlines = n;
}

/* Index of the line holding OFF: the last line start <= OFF. */
static uint32_t
lineindex(const struct sb_source *s, uint32_t off)
{
	uint32_t lo = 0, hi = s->nlines;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint32_t
sb_utf8_seq(const char *s, uint32_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
** Walk N bytes: each tab moves to the next multiple of 8 (when TABS is
** set), each valid UTF-8 sequence and each other byte is one column.
*/
static uint32_t
width(const char *p, uint32_t n, uint32_t startcol, int tabs)
{
	uint32_t col = startcol, i = 0, k;

	while (i < n) {
		if (p[i] == '\t' && tabs) {
			col = (col / 8 + 1) * 8;
			i++;
			continue;
		}
		k = sb_utf8_seq(p + i, n - i);
		i += k ? k : 1;
		col++;
	}
	return col - startcol;
}

uint32_t
sb_display_width(const char *p, uint32_t n, uint32_t startcol)
{
	return width(p, n, startcol, 1);
}

void
sb_source_pos(struct sb_source *s, uint32_t off, struct sb_pos *pos)
{
	uint32_t li, start, end, lo, hi;

	if (!s->lines)
		buildlines(s);
	if (off > s->len)
		off = s->len;
	li = lineindex(s, off);
	start = s->lines[li];
	end = li + 1 < s->nlines ? s->lines[li + 1] - 1 : s->len;
	if (end > start && s->text[end - 1] == '\r')
		end--;
	pos->file = s->path;
	pos->line = li + 1;
	pos->col = sb_display_width(s->text + start, off - start, 0) + 1;
	pos->cpcol = width(s->text + start, off - start, 0, 0) + 1;
	pos->line_off = start;
	pos->line_len = end > start ? end - start : 0;
	if (s->nmarks == 0 || off < s->marks[0].off)
		return;
	/* cpp mode: the last marker at or before OFF says where we are */
	lo = 0;
	hi = s->nmarks;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->marks[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	pos->file = s->marks[lo].file;
	pos->line = s->marks[lo].line +
	    (li - lineindex(s, s->marks[lo].off));
}
