/*
** html.c: the HTML report of sbpl-annotate (COVERAGE.md §4.7). One
** self-contained page: inline CSS, no script, no font, image or external
** link, so it renders from a CI artifact store or a mail attachment. It
** holds the header (profile, target, parameters and the rule-coverage
** statement of §4.2), the runs, the totals, a legend, and per reported
** file its listing with a count gutter and its rules table, then the
** rules a remap lost or found new.
**
** Each rule is counted once, in the file of its site (§4.2: FILE and LINE
** of struct sb_ann_rule), so the gutter sums are built here from those
** and not from sb_ann_lines(), which is the single-file view.
**
** A line's state must be readable without colour: every state has its
** own marker and count text in the gutter and its own border style, and
** the legend names them. All text goes through esc(): HTML-special
** characters become references, invalid UTF-8 and control characters
** become U+FFFD. The page holds no time but those of the model, so the
** same model always gives the same bytes.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate/annotate.h"
#include "common/buf.h"
#include "common/source.h"
#include "common/util.h"

#define NONE UINT32_MAX
#define MAXSAMPLES 8            /* sample arguments in one line's tooltip */

/* What the gutter shows for one line of a file. */
struct hline {
	uint32_t nrules;        /* rules counted on this line */
	uint32_t nobservable;   /* of them, not unobservable */
	uint32_t nnew;          /* of them, new after a remap */
	uint64_t count;         /* sum of their counts */
	int partial;            /* a hit rule here missed an alternative */
	uint32_t first, last;   /* model indices of the first and last rule */
};

/* A line's state; ORDER: matches the legend and the CSS classes. */
enum hstate { H_NONE, H_HIT, H_NEVER, H_UNOBS, H_NEW };

static const struct {
	const char *class;      /* CSS class of the row */
	const char *mark;       /* gutter marker, for reading without colour */
	const char *word;       /* in tables and tooltips */
	const char *legend;
} states[] = {
	{ "none", "", "", "no rule is counted on this line" },
	{ "hit", "+", "hit", "hit: the decisions of the rules counted on "
	  "the line; * when an alternative of a hit rule never matched" },
	{ "never", "!", "never hit", "never hit: observable by the counted "
	  "runs, but no access was decided by it" },
	{ "unobs", "~", "unobservable", "unobservable: no counted run could "
	  "see its operations, so it cannot be measured" },
	{ "new", "N", "new", "new: no recorded history for the rule after a "
	  "remap" },
};

static const char css[] =
	"body{font-family:sans-serif;font-size:14px;line-height:1.4;"
	"margin:1.5em;color:#1b1b1b;background:#fff}\n"
	"h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.5em}"
	"h3{font-size:1.05em}\n"
	"code{font-family:monospace}time{white-space:nowrap}\n"
	"table{border-collapse:collapse}\n"
	"th,td{padding:.15em .5em;text-align:left;vertical-align:top}\n"
	"table.grid th,table.grid td{border:1px solid #bbb}\n"
	"table.grid th{background:#eee}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".summary{font-weight:bold}\n"
	".crash{color:#a00;font-weight:bold}\n"
	"table.src{font-family:monospace;font-size:13px;border:1px solid #bbb;"
	"width:100%}\n"
	"table.src td{padding:0 .5em;white-space:pre;line-height:1.35;"
	"height:1.35em}\n"
	"td.ln{text-align:right;color:#666;border-right:1px solid #bbb}\n"
	"td.mk{text-align:center;font-weight:bold;font-family:monospace;"
	"border-left:4px solid transparent}\n"
	"td.ct{text-align:right;border-right:1px solid #bbb;min-width:4em;"
	"font-family:monospace}\n"
	"td.tx{width:100%;tab-size:8;-moz-tab-size:8}\n"
	"tr.hit td.mk,tr.hit td.ct,tr.hit td.st{background:#bfe6bf}"
	"tr.hit td.tx{background:#ebf7eb}tr.hit td.mk{border-left:4px solid "
	"#2a7d2a}\n"
	"tr.never td.mk,tr.never td.ct,tr.never td.st{background:#f3bcbc;"
	"font-weight:bold}"
	"tr.never td.tx{background:#fcebeb}tr.never td.mk{border-left:4px "
	"double #a22}\n"
	"tr.unobs td.mk,tr.unobs td.ct,tr.unobs td.st{background:#ddd}"
	"tr.unobs td.tx{"
	"background:#f3f3f3;color:#555;font-style:italic}tr.unobs td.mk{"
	"border-left:4px dotted #555}\n"
	"tr.new td.mk,tr.new td.ct,tr.new td.st{background:#bfd6f3}"
	"tr.new td.tx{"
	"background:#ebf2fc}tr.new td.mk{border-left:4px dashed #2456a0}\n"
	"table.legend td{border:1px solid #bbb}\n"
	"details summary{cursor:pointer}\n"
	"details dl{margin:.3em 0}details dt{font-weight:bold}"
	"details dd{margin-left:1.5em}\n";

/*
** Append the N bytes at S to B as HTML text or attribute value: & < > "
** ' become references, a newline &#10;, invalid UTF-8 and control
** characters (C0 but tab and newline, DEL, C1) U+FFFD.
*/
static void
escn(struct sb_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t k;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)s[i];
		switch (c) {
		case '&': sb_buf_puts(b, "&amp;"); i++; continue;
		case '<': sb_buf_puts(b, "&lt;"); i++; continue;
		case '>': sb_buf_puts(b, "&gt;"); i++; continue;
		case '"': sb_buf_puts(b, "&quot;"); i++; continue;
		case '\'': sb_buf_puts(b, "&#39;"); i++; continue;
		case '\n': sb_buf_puts(b, "&#10;"); i++; continue;
		case '\t': sb_buf_putc(b, '\t'); i++; continue;
		}
		k = sb_utf8_seq(s + i, (uint32_t)(n - i < 4 ? n - i : 4));
		if (k == 0 || c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)) {
			sb_buf_puts(b, "\xef\xbf\xbd");
			i += k ? k : 1;
			continue;
		}
		sb_buf_put(b, s + i, k);
		i += k;
	}
}

/* Append the string S (NULL as nothing) escaped. */
static void
esc(struct sb_buf *b, const char *s)
{
	if (s)
		escn(b, s, strlen(s));
}

/* "rules hit: 41 of 118 (97 observable, 42.3%)" (§4.2) */
static void
statement(struct sb_buf *b, uint32_t hit, uint32_t rules, uint32_t obs)
{
	sb_buf_printf(b, "rules hit: %u of %u (%u observable, %.1f%%)", hit,
	    rules, obs, sb_ann_percent(hit, obs));
}

static void
when(struct sb_buf *b, int64_t ns)
{
	char t[32];

	if (!ns) {
		sb_buf_puts(b, "-");
		return;
	}
	sb_ann_iso8601(ns, t, sizeof t);
	sb_buf_printf(b, "<time>%s</time>", t);
}

static enum hstate
rulestate(const struct sb_ann_rule *r)
{
	switch (r->state) {
	case SB_ANN_HIT: return H_HIT;
	case SB_ANN_NEVER: return H_NEVER;
	case SB_ANN_UNOBSERVABLE: return H_UNOBS;
	case SB_ANN_NEW: return H_NEW;
	}
	return H_NONE;
}

/* A hit line wins; then a new rule; then an observable one never hit. */
static enum hstate
linestate(const struct hline *l)
{
	if (!l->nrules)
		return H_NONE;
	if (l->count)
		return H_HIT;
	if (l->nnew)
		return H_NEW;
	if (l->nobservable)
		return H_NEVER;
	return H_UNOBS;
}

static uint32_t
countlines(const struct sb_ann_file *f)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < f->len; i++)
		n += f->text[i] == '\n';
	if (f->len && f->text[f->len - 1] != '\n')
		n++;
	return n;
}

/*
** The gutter of file FI: NLINES + 1 entries (0 unused) summing the rules
** whose FILE is FI on their LINE; NEXT chains the rules of one line in
** rule order. The caller frees both with free().
*/
static struct hline *
gutter(const struct sb_ann_model *m, uint32_t fi, uint32_t nlines,
    uint32_t **next)
{
	struct hline *v = xcalloc((size_t)nlines + 1, sizeof *v);
	uint32_t i;

	*next = xcalloc(m->nrules ? m->nrules : 1, sizeof **next);
	for (i = 0; i < m->nrules; i++) {
		const struct sb_ann_rule *r = &m->rules[i];
		struct hline *l;

		(*next)[i] = NONE;
		if (r->file != fi || r->line == 0 || r->line > nlines)
			continue;
		l = &v[r->line];
		if (l->nrules)
			(*next)[l->last] = i;
		else
			l->first = i;
		l->last = i;
		l->nrules++;
		l->nobservable += r->state != SB_ANN_UNOBSERVABLE;
		l->nnew += r->state == SB_ANN_NEW;
		l->count += r->count;
		l->partial |= r->state == SB_ANN_HIT && r->partial;
	}
	return v;
}

/*
** The tooltip of an anchor line: per rule its count, state and
** per-operation breakdown, then up to MAXSAMPLES sample arguments of the
** line's rules. Plain text in T; the caller escapes it.
*/
static void
tooltip(struct sb_buf *t, const struct sb_ann_model *m,
    const struct hline *l, const uint32_t *next)
{
	uint32_t i, j, ns = 0;

	for (i = l->first; i != NONE; i = next[i]) {
		const struct sb_ann_rule *r = &m->rules[i];

		sb_buf_printf(t, "%srule %u: %s %s: %llu decided", t->len ?
		    "\n" : "", r->id, r->action, r->operations,
		    (unsigned long long)r->count);
		if (r->matched_overridden)
			sb_buf_printf(t, ", %llu overridden",
			    (unsigned long long)r->matched_overridden);
		sb_buf_printf(t, " (%s%s)", states[rulestate(r)].word,
		    r->state == SB_ANN_HIT && r->partial ?
		    ", an alternative never matched" : "");
		for (j = 0; j < r->nops_hit; j++)
			sb_buf_printf(t, "\n  %s %s: %llu", r->ops[j].operation,
			    r->ops[j].decision,
			    (unsigned long long)r->ops[j].decided);
	}
	for (i = l->first; i != NONE && ns < MAXSAMPLES; i = next[i]) {
		const struct sb_ann_rule *r = &m->rules[i];

		for (j = 0; j < r->nsamples && ns < MAXSAMPLES; j++, ns++)
			sb_buf_printf(t, "%s\n  %s", ns ? "" : "\nsamples:",
			    r->samples[j]);
	}
}

static void
head(struct sb_buf *b, const struct sb_ann_model *m)
{
	sb_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>Coverage of ");
	esc(b, m->main_file);
	sb_buf_puts(b, "</title>\n<style>\n");
	sb_buf_puts(b, css);
	sb_buf_puts(b, "</style>\n</head>\n<body>\n");
}

/* One row of the header table: TH and the escaped VALUE. */
static void
metarow(struct sb_buf *b, const char *th, const char *value, int code)
{
	sb_buf_printf(b, "<tr><th>%s</th><td>%s", th, code ? "<code>" : "");
	esc(b, value);
	sb_buf_printf(b, "%s</td></tr>\n", code ? "</code>" : "");
}

static void
header(struct sb_buf *b, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_buf_puts(b, "<header>\n<h1>Coverage of ");
	esc(b, m->main_file);
	sb_buf_puts(b, "</h1>\n<table class=\"meta\">\n");
	metarow(b, "Profile", m->key, 1);
	metarow(b, "Blob SHA-256", m->blob_sha256, 1);
	metarow(b, "Target", m->target, 0);
	sb_buf_puts(b, "<tr><th>Parameters</th><td>");
	if (!m->nparams)
		sb_buf_puts(b, "none");
	for (i = 0; i < m->nparams; i++) {
		sb_buf_puts(b, i ? "<br>\n<code>" : "<code>");
		esc(b, m->params[i].name);
		sb_buf_puts(b, "</code> = <code>");
		esc(b, m->params[i].value);
		sb_buf_puts(b, "</code>");
	}
	sb_buf_puts(b, "</td></tr>\n");
	metarow(b, "Data", m->data, 0);
	if (m->remapped)
		sb_buf_printf(b, "<tr><th>Counts</th><td>carried by "
		    "fingerprint from %u recorded version%s; %u rule%s new"
		    "</td></tr>\n", m->versions, m->versions == 1 ? "" : "s",
		    m->changed, m->changed == 1 ? "" : "s");
	metarow(b, "Tool", m->tool_version, 0);
	sb_buf_puts(b, "</table>\n<p class=\"summary\">");
	statement(b, m->total_hit, m->total_rules, m->total_observable);
	sb_buf_puts(b, "</p>\n</header>\n");
}

static void
runrow(struct sb_buf *b, const struct sb_ann_run *r)
{
	uint32_t j;

	sb_buf_printf(b, "<tr><td class=\"num\">%lld</td><td>",
	    (long long)r->id);
	esc(b, r->label);
	sb_buf_puts(b, "</td><td>");
	esc(b, r->source);
	sb_buf_puts(b, "</td><td>");
	esc(b, r->status);
	if (r->partial_reasons && *r->partial_reasons) {
		sb_buf_puts(b, " (");
		esc(b, r->partial_reasons);
		sb_buf_puts(b, ")");
	}
	sb_buf_puts(b, r->crashed ?
	    "</td><td class=\"crash\">yes: crashed" : "</td><td>no");
	sb_buf_puts(b, "</td><td>");
	when(b, r->started_at);
	sb_buf_puts(b, "</td><td>");
	when(b, r->ended_at);
	sb_buf_printf(b, "</td><td class=\"num\">%llu</td>"
	    "<td class=\"num\">%llu</td><td>",
	    (unsigned long long)r->accesses,
	    (unsigned long long)r->inconsistent);
	for (j = 0; j < r->nobservable; j++) {
		sb_buf_puts(b, j ? " " : "");
		esc(b, r->observable[j]);
	}
	sb_buf_puts(b, "</td></tr>\n");
}

static void
runs(struct sb_buf *b, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_buf_printf(b, "<section id=\"runs\">\n<h2>Runs</h2>\n<p>Runs "
	    "counted: %u (%u when a tail-import chain counts as one)</p>\n",
	    m->nruns, m->chains);
	if (m->nruns) {
		sb_buf_puts(b, "<table class=\"grid runs\">\n<thead><tr>"
		    "<th>Run</th><th>Label</th><th>Source</th><th>Status</th>"
		    "<th>Crashed</th><th>Started</th><th>Ended</th>"
		    "<th>Accesses</th><th>Inconsistent</th>"
		    "<th>Observable operations</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < m->nruns; i++)
			runrow(b, &m->runs[i]);
		sb_buf_puts(b, "</tbody>\n</table>\n");
	}
	sb_buf_puts(b, "</section>\n");
}

static void
totalrow(struct sb_buf *b, uint32_t rules, uint32_t obs, uint32_t hit)
{
	sb_buf_printf(b, "<td class=\"num\">%u</td><td class=\"num\">%u</td>"
	    "<td class=\"num\">%u</td><td class=\"num\">%.1f%%</td></tr>\n",
	    rules, obs, hit, sb_ann_percent(hit, obs));
}

static void
totals(struct sb_buf *b, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_buf_puts(b, "<section id=\"totals\">\n<h2>Totals</h2>\n"
	    "<table class=\"grid totals\">\n<thead><tr><th>File</th>"
	    "<th>Rules</th><th>Observable</th><th>Hit</th><th>Coverage</th>"
	    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < m->nfiles; i++) {
		const struct sb_ann_file *f = &m->files[i];

		if (!f->reported)
			continue;
		sb_buf_printf(b, "<tr><td><a href=\"#f%u\">", i);
		esc(b, f->path);
		sb_buf_puts(b, "</a></td>");
		totalrow(b, f->rules, f->observable, f->hit);
	}
	sb_buf_puts(b, "<tr class=\"summary\"><td>total</td>");
	totalrow(b, m->total_rules, m->total_observable, m->total_hit);
	sb_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* The legend shows each state as the listing does, marker and all. */
static void
legend(struct sb_buf *b)
{
	static const char *const sample[] = { "", "12", "#####", "n/o",
	    "new" };
	size_t i;

	sb_buf_puts(b, "<section id=\"legend\">\n<h2>Legend</h2>\n"
	    "<table class=\"src legend\">\n");
	for (i = 0; i < countof(states); i++)
		sb_buf_printf(b, "<tr class=\"%s\"><td class=\"mk\">%s</td>"
		    "<td class=\"ct\">%s</td><td class=\"tx\">%s</td></tr>\n",
		    states[i].class, states[i].mark, sample[i],
		    states[i].legend);
	sb_buf_puts(b, "</table>\n</section>\n");
}

/* The count text of a line in the gutter. */
static void
count(struct sb_buf *b, const struct hline *l, enum hstate s)
{
	switch (s) {
	case H_NONE: break;
	case H_HIT:
		sb_buf_printf(b, "%llu%s", (unsigned long long)l->count,
		    l->partial ? "*" : "");
		break;
	case H_NEVER: sb_buf_puts(b, "#####"); break;
	case H_UNOBS: sb_buf_puts(b, "n/o"); break;
	case H_NEW: sb_buf_puts(b, "new"); break;
	}
}

/* One listing row; line N of file FI is the bytes at P (LEN, no '\n'). */
static void
row(struct sb_buf *b, const struct sb_ann_model *m, uint32_t fi,
    uint32_t n, const char *p, size_t len, const struct hline *l,
    const uint32_t *next, struct sb_buf *tip)
{
	enum hstate s = linestate(l);

	sb_buf_printf(b, "<tr class=\"%s\" id=\"f%u-L%u\"", states[s].class,
	    fi, n);
	if (s != H_NONE) {
		tip->len = 0;
		tooltip(tip, m, l, next);
		sb_buf_puts(b, " title=\"");
		escn(b, tip->data, tip->len);
		sb_buf_putc(b, '"');
	}
	sb_buf_printf(b, "><td class=\"ln\">%u</td><td class=\"mk\">%s</td>"
	    "<td class=\"ct\">", n, states[s].mark);
	count(b, l, s);
	sb_buf_puts(b, "</td><td class=\"tx\">");
	if (len && p[len - 1] == '\r')  /* CRLF source */
		len--;
	escn(b, p, len);
	sb_buf_puts(b, "</td></tr>\n");
}

static void
listing(struct sb_buf *b, const struct sb_ann_model *m, uint32_t fi,
    const struct hline *v, uint32_t nlines, const uint32_t *next)
{
	const struct sb_ann_file *f = &m->files[fi];
	struct sb_buf tip = SB_BUF_INIT;
	const char *p = f->text, *end = f->text + f->len, *nl;
	uint32_t n;

	sb_buf_puts(b, "<table class=\"src\">\n");
	for (n = 1; n <= nlines; n++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		row(b, m, fi, n, p, (size_t)(nl - p), &v[n], next, &tip);
		p = nl < end ? nl + 1 : end;
	}
	sb_buf_puts(b, "</table>\n");
	sb_buf_free(&tip);
}

static void
span(struct sb_buf *b, const struct sb_ann_span *s)
{
	if (s->line)
		sb_buf_printf(b, "%u:%u-%u:%u", s->line, s->col, s->end_line,
		    s->end_col);
	else
		sb_buf_puts(b, "at its anchor");
}

/* The <details> of one rule: everything the row has no room for. */
static void
detail(struct sb_buf *b, const struct sb_ann_rule *r)
{
	uint32_t i;

	sb_buf_puts(b, "<details><summary>more</summary>\n<dl>\n"
	    "<dt>Fingerprint</dt><dd><code>");
	esc(b, r->fingerprint);
	sb_buf_puts(b, "</code></dd>\n<dt>Canonical</dt><dd><code>");
	esc(b, r->canonical);
	sb_buf_puts(b, "</code></dd>\n<dt>Site</dt><dd>");
	span(b, &r->span);
	sb_buf_printf(b, "</dd>\n<dt>Decided</dt><dd>%llu exact, %llu "
	    "approximate, %llu ambiguous</dd>\n",
	    (unsigned long long)r->decided,
	    (unsigned long long)r->decided_approx,
	    (unsigned long long)r->decided_ambiguous);
	if (r->nops_hit) {
		sb_buf_puts(b, "<dt>By operation</dt>");
		for (i = 0; i < r->nops_hit; i++) {
			sb_buf_puts(b, "<dd>");
			esc(b, r->ops[i].operation);
			sb_buf_puts(b, " ");
			esc(b, r->ops[i].decision);
			sb_buf_printf(b, ": %llu decided, %llu overridden</dd>",
			    (unsigned long long)r->ops[i].decided,
			    (unsigned long long)r->ops[i].matched_overridden);
		}
		sb_buf_puts(b, "\n");
	}
	if (r->narms) {
		sb_buf_puts(b, "<dt>Alternatives</dt>");
		for (i = 0; i < r->narms; i++) {
			sb_buf_printf(b, "<dd>%u. ", i + 1);
			span(b, &r->arms[i].span);
			sb_buf_printf(b, ": %llu matched%s</dd>",
			    (unsigned long long)r->arms[i].matched,
			    r->arms[i].matched ? "" : " (never)");
		}
		sb_buf_puts(b, "\n");
	}
	if (r->nsamples) {
		sb_buf_puts(b, "<dt>Samples</dt>");
		for (i = 0; i < r->nsamples; i++) {
			sb_buf_puts(b, "<dd><code>");
			esc(b, r->samples[i]);
			sb_buf_puts(b, "</code></dd>");
		}
		sb_buf_puts(b, "\n");
	}
	sb_buf_puts(b, "</dl>\n</details>");
}

static void
rulerow(struct sb_buf *b, uint32_t fi, const struct sb_ann_rule *r)
{
	enum hstate s = rulestate(r);

	sb_buf_printf(b, "<tr class=\"%s\" id=\"rule-%u\"><td class=\"num\">"
	    "%u</td><td class=\"num\"><a href=\"#f%u-L%u\">%u</a></td>"
	    "<td class=\"st\">%s %s</td><td>", states[s].class, r->id, r->id,
	    fi, r->line, r->line, states[s].mark, states[s].word);
	esc(b, r->action);
	sb_buf_puts(b, "</td><td>");
	esc(b, r->operations);
	sb_buf_printf(b, "</td><td class=\"num\">%llu%s</td>"
	    "<td class=\"num\">%llu</td><td>", (unsigned long long)r->count,
	    r->state == SB_ANN_HIT && r->partial ? "*" : "",
	    (unsigned long long)r->matched_overridden);
	when(b, r->first_ns);
	sb_buf_puts(b, "</td><td>");
	when(b, r->last_ns);
	sb_buf_puts(b, "</td><td>");
	detail(b, r);
	sb_buf_puts(b, "</td></tr>\n");
}

static const char rulehead[] =
	"<thead><tr><th>Rule</th><th>Line</th><th>State</th><th>Action</th>"
	"<th>Operations</th><th>Decided</th><th>Overridden</th>"
	"<th>First seen</th><th>Last seen</th><th>Detail</th></tr></thead>\n";

static void
rules(struct sb_buf *b, const struct sb_ann_model *m, uint32_t fi)
{
	uint32_t i;

	sb_buf_puts(b, "<h3>Rules</h3>\n<table class=\"grid rules\">\n");
	sb_buf_puts(b, rulehead);
	sb_buf_puts(b, "<tbody>\n");
	for (i = 0; i < m->nrules; i++)
		if (m->rules[i].file == fi)
			rulerow(b, fi, &m->rules[i]);
	sb_buf_puts(b, "</tbody>\n</table>\n");
}

static void
file(struct sb_buf *b, const struct sb_ann_model *m, uint32_t fi)
{
	const struct sb_ann_file *f = &m->files[fi];
	uint32_t nlines = countlines(f), *next;
	struct hline *v = gutter(m, fi, nlines, &next);

	sb_buf_printf(b, "<section class=\"file\" id=\"f%u\">\n<h2>", fi);
	esc(b, f->path);
	sb_buf_puts(b, "</h2>\n<p>");
	if (f->is_main)
		sb_buf_puts(b, "main file");
	else if (f->is_library)
		sb_buf_puts(b, "library file");
	else
		sb_buf_puts(b, "imported file");
	if (f->origin && *f->origin) {
		sb_buf_puts(b, " <code>");
		esc(b, f->origin);
		sb_buf_puts(b, "</code>");
	}
	sb_buf_puts(b, ", SHA-256 <code>");
	esc(b, f->sha256);
	sb_buf_puts(b, "</code></p>\n<p class=\"summary\">");
	statement(b, f->hit, f->rules, f->observable);
	sb_buf_puts(b, "</p>\n");
	listing(b, m, fi, v, nlines, next);
	rules(b, m, fi);
	sb_buf_puts(b, "</section>\n");
	free(v);
	free(next);
}

static void
lostrow(struct sb_buf *b, const struct sb_ann_lost *l)
{
	sb_buf_puts(b, "<tr><td><code>");
	esc(b, l->fingerprint);
	sb_buf_puts(b, "</code></td><td>");
	esc(b, l->action);
	sb_buf_puts(b, "</td><td>");
	esc(b, l->operations);
	sb_buf_puts(b, "</td><td>");
	esc(b, l->origin && *l->origin ? l->origin : "main file");
	sb_buf_printf(b, "</td><td class=\"num\">%u</td><td class=\"num\">"
	    "%llu</td><td class=\"num\">%llu</td><td><code>", l->line,
	    (unsigned long long)l->decided,
	    (unsigned long long)l->matched_overridden);
	esc(b, l->canonical);
	sb_buf_puts(b, "</code></td></tr>\n");
}

static void
lost(struct sb_buf *b, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_buf_puts(b, "<section id=\"lost\">\n<h2>Lost rules</h2>\n<p>"
	    "Recorded rules the profile no longer has; their counts are in "
	    "no total.</p>\n");
	if (!m->nlost) {
		sb_buf_puts(b, "<p>None.</p>\n</section>\n");
		return;
	}
	sb_buf_puts(b, "<table class=\"grid lost\">\n<thead><tr>"
	    "<th>Fingerprint</th><th>Action</th><th>Operations</th>"
	    "<th>Origin</th><th>Line</th><th>Decided</th><th>Overridden</th>"
	    "<th>Rule</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < m->nlost; i++)
		lostrow(b, &m->lost[i]);
	sb_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void
fresh(struct sb_buf *b, const struct sb_ann_model *m)
{
	uint32_t i, n = 0;

	sb_buf_puts(b, "<section id=\"new\">\n<h2>New rules</h2>\n<p>"
	    "Rules with no recorded history.</p>\n");
	for (i = 0; i < m->nrules; i++) {
		const struct sb_ann_rule *r = &m->rules[i];

		if (r->state != SB_ANN_NEW)
			continue;
		if (!n++)
			sb_buf_puts(b, "<table class=\"grid new\">\n<thead><tr>"
			    "<th>Rule</th><th>File</th><th>Line</th>"
			    "<th>Action</th><th>Operations</th>"
			    "<th>Fingerprint</th></tr></thead>\n<tbody>\n");
		sb_buf_printf(b, "<tr><td class=\"num\"><a href=\"#rule-%u\">"
		    "%u</a></td><td>", r->id, r->id);
		if (r->file != SB_ANN_NOFILE)
			esc(b, m->files[r->file].path);
		sb_buf_printf(b, "</td><td class=\"num\">%u</td><td>",
		    r->line);
		esc(b, r->action);
		sb_buf_puts(b, "</td><td>");
		esc(b, r->operations);
		sb_buf_puts(b, "</td><td><code>");
		esc(b, r->fingerprint);
		sb_buf_puts(b, "</code></td></tr>\n");
	}
	sb_buf_puts(b, n ? "</tbody>\n</table>\n</section>\n" :
	    "<p>None.</p>\n</section>\n");
}

/*
** Write the HTML report of M to OUT (COVERAGE.md §4.7). Returns 0, or -1
** when writing failed. O is not read: HTML has no options of its own.
** Allocates only while writing and frees it all before returning.
*/
int
sb_ann_emit_html(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i, nnew = 0;
	int rc;

	(void)o;
	for (i = 0; i < m->nrules; i++)
		nnew += m->rules[i].state == SB_ANN_NEW;
	head(&b, m);
	header(&b, m);
	runs(&b, m);
	totals(&b, m);
	legend(&b);
	for (i = 0; i < m->nfiles; i++)
		if (m->files[i].reported)
			file(&b, m, i);
	if (m->remapped || m->nlost || nnew) {
		lost(&b, m);
		fresh(&b, m);
	}
	sb_buf_puts(&b, "</body>\n</html>\n");
	rc = fwrite(b.data, 1, b.len, out) == b.len && fflush(out) == 0 ?
	    0 : -1;
	sb_buf_free(&b);
	return rc;
}
