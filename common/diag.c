/*
** Diagnostic records and their GNU text rendering:
**
**     net.sb:7:24: error: modifier 'report' is only valid on allow rules
**         7 | (deny network-outbound (with report))
**           |                        ^~~~~~~~~~~~~
**
** Columns are display columns independent of the locale: tabs advance to
** the next multiple of 8, a UTF-8 sequence is one column (DESIGN.md §10.2).
** The quoted line is printed with tabs expanded and unprintable bytes
** shown as '?', so the caret lines up on any terminal.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/limits.h"

/* ORDER: enum sb_level */
static const char *const levelname[] = { "note", "warning", "error" };
static const char *const levelcolor[] = { "\033[1;36m", "\033[1;35m",
	"\033[1;31m" };
#define BOLD "\033[1m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

void
sb_diag_init(struct sb_diag *d, const struct sb_sources *sources)
{
	memset(d, 0, sizeof *d);
	d->sources = sources;
}

void
sb_diag_free(struct sb_diag *d)
{
	uint32_t i, j;

	for (i = 0; i < d->nrecs; i++) {
		for (j = 0; j < d->recs[i].nnotes; j++)
			free(d->recs[i].notes[j].msg);
		free(d->recs[i].notes);
		free(d->recs[i].msg);
	}
	free(d->recs);
	memset(d, 0, sizeof *d);
}

static char *
vformat(const char *fmt, va_list ap)
{
	struct sb_buf b = SB_BUF_INIT;

	sb_buf_vprintf(&b, fmt, ap);
	return sb_buf_take(&b);
}

void
sb_diag(struct sb_diag *d, enum sb_level level, const char *check,
    struct sb_span span, const char *fmt, ...)
{
	struct sb_record *r;
	va_list ap;

	d->counts[level]++;
	if (d->nrecs >= SB_LIMIT_DIAGNOSTICS) {
		d->dropped++;
		return;
	}
	if (d->nrecs == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->recs = xrealloc(d->recs, d->cap * sizeof *d->recs);
	}
	r = &d->recs[d->nrecs++];
	memset(r, 0, sizeof *r);
	r->level = level;
	r->check = check;
	r->span = span;
	va_start(ap, fmt);
	r->msg = vformat(fmt, ap);
	va_end(ap);
}

void
sb_diag_note(struct sb_diag *d, struct sb_span span, const char *fmt, ...)
{
	struct sb_record *r;
	struct sb_note *n;
	va_list ap;

	if (d->nrecs == 0 || d->dropped)
		return;
	r = &d->recs[d->nrecs - 1];
	r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
	n = &r->notes[r->nnotes++];
	n->span = span;
	va_start(ap, fmt);
	n->msg = vformat(fmt, ap);
	va_end(ap);
}

uint32_t
sb_diag_count(const struct sb_diag *d, enum sb_level level)
{
	return d->counts[level];
}

int
sb_diag_want_color(FILE *f, enum sb_color mode)
{
	const char *nc;

	if (mode != SB_COLOR_AUTO)
		return mode == SB_COLOR_ALWAYS;
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(fileno(f));
}

int
sb_diag_parse_color(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return SB_COLOR_AUTO;
	if (strcmp(s, "always") == 0)
		return SB_COLOR_ALWAYS;
	if (strcmp(s, "never") == 0)
		return SB_COLOR_NEVER;
	return -1;
}

const char *
sb_diag_linecol(const struct sb_diag *d, uint32_t src, uint32_t off,
    char *buf, size_t size)
{
	struct sb_source *s = sb_source_get(d->sources, src);
	struct sb_pos pos;

	if (!s) {
		snprintf(buf, size, "?");
		return buf;
	}
	sb_source_pos(s, off, &pos);
	snprintf(buf, size, "%u:%u", pos.line, pos.col);
	return buf;
}

/*
** The position to show for SPAN. A point at the very end of a file that
** ends in a newline is shown at the end of the last line, not on the
** empty line after it.
*/
static struct sb_source *
locate(const struct sb_diag *d, struct sb_span span, struct sb_pos *pos)
{
	struct sb_source *s;
	uint32_t off = span.off;

	if (span.src == SB_NOSRC || !(s = sb_source_get(d->sources, span.src)))
		return NULL;
	if (off >= s->len && s->len > 0 && s->text[s->len - 1] == '\n')
		off = s->len - 1;
	sb_source_pos(s, off, pos);
	return s;
}

/* Print the line's text with tabs expanded and unprintables as '?'. */
static void
putline(FILE *f, const char *p, uint32_t n)
{
	uint32_t i = 0, col = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\t') {
			do
				fputc(' ', f);
			while (++col % 8);
			i++;
			continue;
		}
		k = sb_utf8_seq(p + i, n - i);
		if (k == 0 || c < 0x20 || c == 0x7f) {
			fputc('?', f);
			k = k ? k : 1;
		} else {
			fwrite(p + i, 1, k, f);
		}
		i += k;
		col++;
	}
}

static void
excerpt(FILE *f, struct sb_source *s, const struct sb_pos *pos,
    struct sb_span span, int color)
{
	const char *line = s->text + pos->line_off;
	uint32_t start = span.off < pos->line_off ? 0 : span.off - pos->line_off;
	uint32_t end, width, i;

	if (start > pos->line_len)
		start = pos->line_len;
	end = span.off + span.len - pos->line_off;
	if (span.off + span.len < pos->line_off || end > pos->line_len)
		end = pos->line_len;
	if (end < start)
		end = start;
	fprintf(f, "%5u | ", pos->line);
	putline(f, line, pos->line_len);
	fputc('\n', f);
	fprintf(f, "      | ");
	width = sb_display_width(line, start, 0);
	for (i = 0; i < width; i++)
		fputc(' ', f);
	width = sb_display_width(line + start, end - start, width);
	if (color)
		fputs(GREEN, f);
	fputc('^', f);
	for (i = 1; i < width; i++)
		fputc('~', f);
	if (color)
		fputs(RESET, f);
	fputc('\n', f);
}

static void
head(const struct sb_diag *d, FILE *f, enum sb_level level, struct sb_span span,
    const char *msg, const char *check, int color, struct sb_pos *pos,
    struct sb_source **srcp)
{
	struct sb_source *s = locate(d, span, pos);

	if (color)
		fputs(BOLD, f);
	if (s)
		fprintf(f, "%s:%u:%u: ", pos->file, pos->line, pos->col);
	else
		fprintf(f, "%s: ", sb_progname());
	if (color)
		fprintf(f, "%s%s:" RESET BOLD " %s" RESET, levelcolor[level],
		    levelname[level], msg);
	else
		fprintf(f, "%s: %s", levelname[level], msg);
	if (check && d->show_checks)
		fprintf(f, " [%s]", check);
	fputc('\n', f);
	*srcp = s;
}

void
sb_diag_render_record(const struct sb_diag *d, const struct sb_record *r,
    FILE *f, enum sb_diag_style style, int color)
{
	struct sb_source *s;
	struct sb_pos pos;
	uint32_t i;

	head(d, f, r->level, r->span, r->msg, r->check, color, &pos, &s);
	if (style == SB_DIAG_BRIEF)
		return;
	if (s)
		excerpt(f, s, &pos, r->span, color);
	for (i = 0; i < r->nnotes; i++) {
		const struct sb_note *n = &r->notes[i];
		head(d, f, SB_NOTE, n->span, n->msg, NULL, color, &pos, &s);
		if (s)
			excerpt(f, s, &pos, n->span, color);
	}
}

void
sb_diag_render(const struct sb_diag *d, FILE *f, enum sb_diag_style style,
    int color)
{
	uint32_t i;

	for (i = 0; i < d->nrecs; i++)
		if (!d->recs[i].suppressed)
			sb_diag_render_record(d, &d->recs[i], f, style, color);
	if (d->dropped)
		fprintf(f, "%s: note: %u further diagnostics not shown\n",
		    sb_progname(), d->dropped);
}
