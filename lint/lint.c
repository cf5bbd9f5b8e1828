/*
** The lint driver (DESIGN.md §3, §4; LINT.md §1, §4, §7): compiles each
** input as its own unit after the preludes, runs the enabled passes,
** attributes findings in imported files to the import site, drops those in
** context, applies directives, [ignore] globs and the baseline, computes
** finding fingerprints and positions, and sorts and dedupes. The passes
** live in check_*.c; the outputs in emit_*.c.
*/
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "lint/sets.h"

const struct sb_check_info sb_lint_checks[SB_NCHECKS] = {
#define CHECK(id, name, fam, lvl, sev, pass, sum) \
	{ #id, name, #id " " name, fam, SB_LV_##lvl, sev, sum },
#include "lint/checks.def"
#undef CHECK
};

/* ORDER: enum sb_lint_level */
static const char *const levelnames[] = { "off", "note", "warning", "error" };

int
sb_lint_check_find(const char *s, size_t n)
{
	int i;

	for (i = 0; i < SB_NCHECKS; i++) {
		const struct sb_check_info *c = &sb_lint_checks[i];
		if ((strlen(c->id) == n && strncasecmp(c->id, s, n) == 0) ||
		    (strlen(c->name) == n && strncmp(c->name, s, n) == 0))
			return i;
	}
	return -1;
}

int
sb_lint_level_parse(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, levelnames[i]) == 0)
			return i;
	return -1;
}

const char *
sb_lint_level_name(enum sb_lint_level lv)
{
	return levelnames[lv];
}

const char *
sb_lint_family_name(char family)
{
	switch (family) {
	case 'E': return "error";
	case 'R': return "redundancy";
	case 'S': return "security";
	case 'A': return "assertion";
	case 'C': return "coverage";
	case 'D': return "directive";
	default: return "style";
	}
}

const char *
sb_lint_hex(uint64_t v, char buf[17])
{
	snprintf(buf, 17, "%016llx", (unsigned long long)v);
	return buf;
}

void
sb_lint_opts_init(struct sb_lint_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 0; i < SB_NCHECKS; i++)
		o->levels[i] = sb_lint_checks[i].level;
	o->fail_level = SB_LV_WARNING;
	o->max_witnesses = 3;
	o->min_runs = 1;
	o->remap = 1;           /* COVERAGE.md §2.3: --no-remap turns it off */
	o->require_reason = 1;
}

void *
sb_lint_own(struct sb_lint_opts *o, void *p)
{
	o->owned = xrealloc(o->owned, (o->nowned + 1) * sizeof *o->owned);
	o->owned[o->nowned++] = p;
	return p;
}

void *
sb_lint_realloc(struct sb_lint_opts *o, void *p, size_t n)
{
	void *q = xrealloc(p, n);
	uint32_t i;

	for (i = 0; p && i < o->nowned; i++)
		if (o->owned[i] == p) {
			o->owned[i] = q;
			return q;
		}
	return sb_lint_own(o, q);
}

void
sb_lint_opts_free(struct sb_lint_opts *o)
{
	uint32_t i;

	for (i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	free(o->owned);
	o->owned = NULL;
	o->nowned = 0;
}

enum sb_lint_level
sb_lint_level(const struct sb_lint *L, enum sb_check_id c)
{
	return L->o->levels[c];
}

/* --- attribution (LINT.md §1) ------------------------------------------ */

static int
iscontext(const struct sb_lint_file *F, uint32_t src)
{
	return src < F->ncontext_src && F->context_src[src];
}

int
sb_lint_in_target(const struct sb_lint *L, uint32_t src)
{
	const struct sb_lint_file *F = L->cur;
	uint32_t guard = 0;

	while (src != F->main_src && guard++ < 64) {
		if (src >= F->nimport_site ||
		    F->import_site[src].src == SB_NOSRC)
			return 0;
		src = F->import_site[src].src;
	}
	return src == F->main_src;
}

struct sb_span
sb_lint_attribute(const struct sb_lint *L, struct sb_span span)
{
	const struct sb_lint_file *F = L->cur;
	struct sb_span none = { SB_NOSRC, 0, 0 };
	uint32_t guard = 0;

	if (span.src == SB_NOSRC || span.src == F->main_src)
		return span;
	if (iscontext(F, span.src) || !sb_lint_in_target(L, span.src))
		return none;
	if (L->o->lint_imports)
		return span;
	while (span.src != F->main_src && guard++ < 64)
		span = F->import_site[span.src];
	return span;
}

/* Where each source was imported from, read off the rules' frames. */
static void
importsites(struct sb_lint_file *F)
{
	const struct sb_profile *p = F->unit.profile;
	uint32_t n = F->unit.ctx.sources.n, i;

	F->nimport_site = n;
	F->import_site = xmalloc((n ? n : 1) * sizeof *F->import_site);
	for (i = 0; i < n; i++)
		F->import_site[i] = (struct sb_span){ SB_NOSRC, 0, 0 };
	if (!p)
		return;
	for (i = 0; i < p->nrules; i++) {
		const struct sb_frame *fr;
		uint32_t prev = p->rules[i]->site.src;
		for (fr = p->rules[i]->frames; fr; fr = fr->up) {
			if (fr->span.src == SB_NOSRC)
				continue;
			if (fr->kind == SB_FRAME_IMPORT && prev < n &&
			    prev != fr->span.src &&
			    F->import_site[prev].src == SB_NOSRC)
				F->import_site[prev] = fr->span;
			prev = fr->span.src;
		}
	}
}

/* --- reporting ------------------------------------------------------- */

static char *
vfmt(const char *fmt, va_list ap)
{
	struct sb_buf b = SB_BUF_INIT;

	sb_buf_vprintf(&b, fmt, ap);
	return sb_buf_take(&b);
}

struct sb_finding *
sb_lint_report(struct sb_lint *L, enum sb_check_id check, struct sb_span span,
    const char *fmt, ...)
{
	struct sb_lint_file *F = L->cur;
	struct sb_span at;
	struct sb_finding *f;
	va_list ap;

	if (L->o->levels[check] == SB_LV_OFF)
		return NULL;
	at = sb_lint_attribute(L, span);
	if (at.src == SB_NOSRC && span.src != SB_NOSRC)
		return NULL;
	if (F->nf == F->capf) {
		F->capf = F->capf ? 2 * F->capf : 16;
		F->f = xrealloc(F->f, F->capf * sizeof *F->f);
	}
	f = &F->f[F->nf++];
	memset(f, 0, sizeof *f);
	f->check = check;
	f->level = L->o->levels[check];
	f->span = at;
	f->seq = L->seq++;
	f->input = L->curindex;
	va_start(ap, fmt);
	f->msg = vfmt(fmt, ap);
	va_end(ap);
	if (at.src != span.src || at.off != span.off) {
		struct sb_source *s = sb_source_get(&F->unit.ctx.sources,
		    span.src);
		sb_lint_note(L, f, span, "written here, in imported file '%s'",
		    s ? s->path : "?");
	} else if (span.src != F->main_src && span.src != SB_NOSRC &&
	    span.src < F->nimport_site &&
	    F->import_site[span.src].src != SB_NOSRC) {
		/* --lint-imports: say where the file came in */
		sb_lint_note(L, f, F->import_site[span.src],
		    "in file imported from here");
		f->notes[f->nnotes - 1].oneline = 1;
	}
	return f;
}

struct sb_finding *
sb_lint_report_raw(struct sb_lint *L, enum sb_check_id check,
    struct sb_span span, const char *msg)
{
	struct sb_lint_file *F = L->cur;
	struct sb_finding *f;

	if (L->o->levels[check] == SB_LV_OFF)
		return NULL;
	if (F->nf == F->capf) {
		F->capf = F->capf ? 2 * F->capf : 16;
		F->f = xrealloc(F->f, F->capf * sizeof *F->f);
	}
	f = &F->f[F->nf++];
	memset(f, 0, sizeof *f);
	f->check = check;
	f->level = L->o->levels[check];
	f->span = span;
	f->seq = L->seq++;
	f->input = L->curindex;
	f->msg = xstrdup(msg);
	return f;
}

int
sb_lint_rule_has(const struct sb_lint *L, uint32_t id, enum sb_check_id c)
{
	return L->r_reported && (L->r_reported[id] >> c) & 1;
}

void
sb_lint_rule_mark(struct sb_lint *L, uint32_t id, enum sb_check_id c)
{
	if (!L->r_reported) {
		uint32_t n = L->cur->unit.profile ?
		    L->cur->unit.profile->nrules + 1 : 1;
		L->r_reported = xcalloc(n, sizeof *L->r_reported);
	}
	L->r_reported[id] |= (uint64_t)1 << c;
}

int
sb_lint_rule_in_target(const struct sb_lint *L, const struct sb_rule *r)
{
	return sb_lint_attribute(L, r->site).src != SB_NOSRC;
}

/* Temporary files made for --fragment and assertion preludes. */
static char *temps[16];
static char *temptexts[16];
static uint32_t ntemps;

static void
removetemps(void)
{
	uint32_t i;

	for (i = 0; i < ntemps; i++) {
		remove(temps[i]);
		free(temps[i]);
		free(temptexts[i]);
	}
	ntemps = 0;
}

const char *
sb_lint_tempfile(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	FILE *f;
	uint32_t i;
	int fd;

	for (i = 0; i < ntemps; i++)
		if (strcmp(temptexts[i], text) == 0)
			return temps[i];
	if (ntemps == countof(temps))
		return NULL;
	snprintf(path, sizeof path, "%s/sbpl-lint-XXXXXX.sb",
	    dir && *dir ? dir : "/tmp");
	fd = mkstemps(path, 3);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "%s: cannot create a temporary file: %s\n",
		    sb_progname(), strerror(errno));
		return NULL;
	}
	fputs(text, f);
	fclose(f);
	if (ntemps == 0)
		atexit(removetemps);
	temptexts[ntemps] = xstrdup(text);
	temps[ntemps++] = xstrdup(path);
	return temps[ntemps - 1];
}

void
sb_lint_note(struct sb_lint *L, struct sb_finding *f, struct sb_span span,
    const char *fmt, ...)
{
	struct sb_lint_note *n;
	va_list ap;

	(void)L;
	if (!f)
		return;
	f->notes = xrealloc(f->notes, (f->nnotes + 1) * sizeof *f->notes);
	n = &f->notes[f->nnotes++];
	n->span = span;
	n->oneline = 0;
	va_start(ap, fmt);
	n->msg = vfmt(fmt, ap);
	va_end(ap);
}

void
sb_lint_about(struct sb_finding *f, const struct sb_rule *rule)
{
	if (!f || !rule)
		return;
	f->rules = xrealloc(f->rules, (f->nrules + 1) * sizeof *f->rules);
	f->rules[f->nrules++] = rule->fingerprint;
}

void
sb_lint_disc(struct sb_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	free(f->disc);
	va_start(ap, fmt);
	f->disc = vfmt(fmt, ap);
	va_end(ap);
}

void
sb_lint_witness(struct sb_finding *f, const char *op, const char *arg,
    uint64_t decided_by)
{
	struct sb_lint_witness *w;

	if (!f)
		return;
	f->wit = xrealloc(f->wit, (f->nwit + 1) * sizeof *f->wit);
	w = &f->wit[f->nwit++];
	w->op = xstrdup(op);
	w->arg = arg ? xstrdup(arg) : NULL;
	w->decided_by = decided_by;
}

void
sb_lint_set_level(struct sb_lint *L, struct sb_finding *f,
    enum sb_lint_level lv)
{
	(void)L;
	if (f && lv < f->level)
		f->level = lv;
}

/* --- finishing a file ------------------------------------------------ */

static void
freefinding(struct sb_finding *f)
{
	uint32_t i;

	free(f->msg);
	for (i = 0; i < f->nnotes; i++)
		free(f->notes[i].msg);
	free(f->notes);
	free(f->rules);
	for (i = 0; i < f->nwit; i++) {
		free(f->wit[i].op);
		free(f->wit[i].arg);
	}
	free(f->wit);
	free(f->suggestion);
	free(f->subject);
	free(f->disc);
	free(f->reason);
}

static void
setpos(struct sb_lint_file *F, struct sb_finding *f)
{
	struct sb_source *s = sb_source_get(&F->unit.ctx.sources, f->span.src);
	struct sb_pos p;

	f->file = F->path;
	if (f->span.src == SB_NOSRC || !s)
		return;
	f->file = s->path;
	sb_source_pos(s, f->span.off, &p);
	f->start.line = p.line;
	f->start.col = p.cpcol;
	f->start.dcol = p.col;
	f->start.off = f->span.off;
	if (p.file)
		f->file = p.file;
	sb_source_pos(s, f->span.off + f->span.len, &p);
	f->end.line = p.line;
	f->end.col = p.cpcol;
	f->end.dcol = p.col;
	f->end.off = f->span.off + f->span.len;
	f->haspos = 1;
}

static int
cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The subject of a finding without rules: the primary text, collapsed. */
static void
subject(struct sb_lint_file *F, struct sb_finding *f, struct sb_buf *b)
{
	struct sb_source *s = sb_source_get(&F->unit.ctx.sources, f->span.src);
	const char *origin = "";
	uint32_t i;
	int space = 0;

	if (f->span.src != F->main_src && s)
		origin = s->path;
	sb_buf_puts(b, origin);
	sb_buf_putc(b, 0);
	if (f->subject) {
		sb_buf_puts(b, f->subject);
		return;
	}
	if (!s)
		return;
	for (i = 0; i < f->span.len && f->span.off + i < s->len; i++) {
		char c = s->text[f->span.off + i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && b->len && b->data[b->len - 1] != 0)
			sb_buf_putc(b, ' ');
		space = 0;
		sb_buf_putc(b, c);
	}
}

/*
** LINT.md §4: SHA-256("sbpl-lint" 0 id 0 subject 0 discriminator), the
** subject being the sorted rule fingerprints, or the origin and text of
** the primary datum with its ordinal among identical subjects.
*/
static void
fingerprints(struct sb_lint_file *F)
{
	struct sb_buf b = SB_BUF_INIT;
	uint8_t md[SB_SHA256_SIZE];
	uint64_t *keys = xcalloc(F->nf ? F->nf : 1, sizeof *keys);
	char hex[17];
	uint32_t i, j, k;

	for (i = 0; i < F->nf; i++) {
		struct sb_finding *f = &F->f[i];
		uint64_t key = 0;
		b.len = 0;
		sb_buf_puts(&b, "sbpl-lint");
		sb_buf_putc(&b, 0);
		sb_buf_puts(&b, sb_lint_checks[f->check].id);
		sb_buf_putc(&b, 0);
		if (f->nrules) {
			qsort(f->rules, f->nrules, sizeof *f->rules, cmpu64);
			for (j = 0; j < f->nrules; j++)
				sb_buf_printf(&b, "%s%s", j ? "," : "",
				    sb_lint_hex(f->rules[j], hex));
		} else {
			size_t mark = b.len;
			uint32_t ord = 0;
			subject(F, f, &b);
			sb_sha256(b.data + mark, b.len - mark, md);
			for (k = 0; k < 8; k++)
				key = key << 8 | md[k];
			keys[i] = key ^ f->check;
			for (j = 0; j < i; j++)
				if (keys[j] == keys[i] && F->f[j].nrules == 0)
					ord++;
			sb_buf_putc(&b, 0);
			sb_buf_printf(&b, "%u", ord);
		}
		sb_buf_putc(&b, 0);
		if (f->disc)
			sb_buf_puts(&b, f->disc);
		sb_sha256(b.data, b.len, md);
		f->fingerprint = 0;
		for (k = 0; k < 8; k++)
			f->fingerprint = f->fingerprint << 8 | md[k];
	}
	free(keys);
	sb_buf_free(&b);
}

static const struct sb_lint_file *sortfile;

/* The offset in the main file a finding sorts at: imports at their line. */
static void
sortkey(const struct sb_lint_file *F, const struct sb_finding *f,
    uint32_t *main_off, uint32_t *own)
{
	struct sb_span s = f->span;
	uint32_t guard = 0;

	*own = s.off;
	while (s.src != SB_NOSRC && s.src != F->main_src &&
	    s.src < F->nimport_site && guard++ < 64)
		s = F->import_site[s.src];
	*main_off = s.src == F->main_src ? s.off : (s.src == SB_NOSRC ? 0 :
	    UINT32_MAX);
}

static int
byposition(const void *pa, const void *pb)
{
	const struct sb_finding *a = pa, *b = pb;
	uint32_t am, ao, bm, bo;

	sortkey(sortfile, a, &am, &ao);
	sortkey(sortfile, b, &bm, &bo);
	if ((a->span.src == SB_NOSRC) != (b->span.src == SB_NOSRC))
		return a->span.src == SB_NOSRC ? -1 : 1;
	if (am != bm)
		return am < bm ? -1 : 1;
	if (a->span.src != b->span.src)
		return a->span.src == sortfile->main_src ? -1 :
		    b->span.src == sortfile->main_src ? 1 :
		    (a->span.src < b->span.src ? -1 : 1);
	if (ao != bo)
		return ao < bo ? -1 : 1;
	if (a->check != b->check)
		return a->check < b->check ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
sortdedupe(struct sb_lint_file *F)
{
	uint32_t i, j;

	sortfile = F;
	if (F->nf > 1)
		qsort(F->f, F->nf, sizeof *F->f, byposition);
	for (i = j = 0; i < F->nf; i++) {
		struct sb_finding *f = &F->f[i];
		if (j > 0) {
			struct sb_finding *g = &F->f[j - 1];
			if (g->check == f->check && g->span.src == f->span.src &&
			    g->span.off == f->span.off &&
			    g->span.len == f->span.len &&
			    strcmp(g->msg, f->msg) == 0) {
				freefinding(f);
				continue;
			}
		}
		F->f[j++] = *f;
	}
	F->nf = j;
}

/* [ignore] globs (LINT.md §7.3): findings in matching files are dropped. */
static void
ignores(struct sb_lint *L, struct sb_lint_file *F)
{
	uint32_t i, j, k;

	if (!L->o->nignores)
		return;
	for (i = j = 0; i < F->nf; i++) {
		struct sb_finding *f = &F->f[i];
		int drop = 0;
		for (k = 0; k < L->o->nignores && !drop; k++) {
			const struct sb_ignore *ig = &L->o->ignores[k];
			char path[4096];
			const char *file = f->file ? f->file : F->path;
			if (ig->check >= 0 && (enum sb_check_id)ig->check !=
			    f->check)
				continue;
			if (fnmatch(ig->glob, file, 0) == 0)
				drop = 1;
			snprintf(path, sizeof path, "%s/%s", ig->dir, ig->glob);
			if (fnmatch(path, file, 0) == 0)
				drop = 1;
		}
		if (drop) {
			freefinding(f);
			continue;
		}
		F->f[j++] = *f;
	}
	F->nf = j;
}

/* --- one file ------------------------------------------------------- */

static void
markcontext(struct sb_lint_file *F)
{
	uint32_t n = F->unit.ctx.sources.n, i;

	F->ncontext_src = n;
	F->context_src = xcalloc(n ? n : 1, 1);
	for (i = 0; i + 1 < F->unit.nfiles; i++)
		if (F->unit.files[i]->src < n)
			F->context_src[F->unit.files[i]->src] = 1;
	if (F->unit.nfiles)
		F->main_src = F->unit.files[F->unit.nfiles - 1]->src;
	else
		F->main_src = n ? n - 1 : SB_NOSRC;
}

/* Find the main source when reading failed before its CST existed. */
static void
guessmain(struct sb_lint_file *F)
{
	const struct sb_sources *t = &F->unit.ctx.sources;
	uint32_t i;

	for (i = t->n; i-- > 0;)
		if (t->v[i]->kind != SB_SRC_EMBEDDED) {
			F->main_src = i;
			return;
		}
}

static int
lintone(struct sb_lint *L, uint32_t index, const char *path)
{
	struct sb_lint_file *F = &L->files[index];
	const char **inputs = xmalloc((L->o->npreludes + 2) * sizeof *inputs);
	uint32_t n = 0;
	int r = 0;

	F->path = path;
	if (L->o->fragment) {
		/* a fragment runs after a (version 1) it does not write */
		const char *v = sb_lint_tempfile("(version 1)\n");
		if (!v) {
			free(inputs);
			return -1;
		}
		inputs[n++] = v;
	}
	if (L->o->npreludes)
		memcpy(inputs + n, L->o->preludes, L->o->npreludes *
		    sizeof *inputs);
	n += L->o->npreludes;
	inputs[n++] = path;
	L->cur = F;
	L->curindex = index;
	if (sb_compile(&F->unit, &L->o->co, inputs, n, SB_STAGE_EMIT) < 0) {
		F->status = F->unit.io_error ? SB_IN_IO :
		    F->unit.nfiles < n ? SB_IN_SYNTAX : SB_IN_EVAL;
	}
	if (F->unit.internal_error) {
		sb_diag_render(&F->unit.ctx.diag, stderr, SB_DIAG_TEXT, 0);
		free(inputs);
		F->compiled = 1;
		return -1;
	}
	F->compiled = 1;
	free(inputs);
	if (F->status == SB_IN_IO)
		return -1;
	markcontext(F);
	if (F->unit.nfiles < n)
		guessmain(F);
	importsites(F);
	sb_lint_directives_read(L);
	sb_lint_check_templates(L);
	sb_lint_adopt(L);
	if (F->unit.profile && F->unit.profile->nrules > SB_LINT_MAX_RULES)
		F->toobig = F->unit.profile->nrules;
	if (F->unit.profile) {
		if (!F->toobig && !(L->sets = sb_lint_sets_prepare(L))) {
			r = -1;
			goto out;
		}
		sb_lint_check_semantic(L);
		sb_lint_check_rules(L);
		sb_lint_check_security(L);
		if (sb_lint_check_assert(L) < 0)
			r = -1;
		if (r == 0 && sb_lint_check_coverage(L) < 0)
			r = -1;
		sb_lint_check_style(L);
	}
out:
	if (L->sets)
		sb_sets_free(L->sets);
	L->sets = NULL;
	sb_lint_assert_free(L);
	sb_lint_security_free(L);
	free(L->r_reported);
	L->r_reported = NULL;
	return r;
}

static void
finish(struct sb_lint *L, struct sb_lint_file *F)
{
	uint32_t i;

	L->cur = F;
	L->curindex = (uint32_t)(F - L->files);
	sb_lint_directives_apply(L);
	for (i = 0; i < F->nf; i++)
		setpos(F, &F->f[i]);
	ignores(L, F);
	sortdedupe(F);
	fingerprints(F);
}

int
sb_lint_run(struct sb_lint *L, struct sb_lint_opts *o,
    const char *const *paths, uint32_t npaths)
{
	uint32_t i;
	int r = 0;

	memset(L, 0, sizeof *L);
	L->o = o;
	L->files = xcalloc(npaths ? npaths : 1, sizeof *L->files);
	L->nfiles = npaths;
	for (i = 0; i < npaths && r == 0; i++)
		if (lintone(L, i, paths[i]) < 0)
			r = -1;
	for (i = 0; i < npaths; i++)
		if (L->files[i].compiled)
			finish(L, &L->files[i]);
	return r;
}

void
sb_lint_free(struct sb_lint *L)
{
	uint32_t i, j;

	for (i = 0; i < L->nfiles; i++) {
		struct sb_lint_file *F = &L->files[i];
		for (j = 0; j < F->nf; j++)
			freefinding(&F->f[j]);
		free(F->f);
		free(F->dirs);
		free(F->context_src);
		free(F->import_site);
		free(F->comparison);
		free(F->comparison_text);
		if (F->compiled)
			sb_unit_free(&F->unit);
	}
	free(L->files);
	memset(L, 0, sizeof *L);
}

void
sb_lint_counts(const struct sb_lint *L, uint32_t counts[4],
    uint32_t *suppressed, uint32_t *baselined)
{
	uint32_t i, j;

	memset(counts, 0, 4 * sizeof *counts);
	*suppressed = *baselined = 0;
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			const struct sb_finding *f = &L->files[i].f[j];
			if (f->suppressed == SB_SUPP_SOURCE)
				(*suppressed)++;
			else if (f->suppressed == SB_SUPP_BASELINE)
				(*baselined)++;
			else
				counts[f->level]++;
		}
}

int
sb_lint_status(const struct sb_lint *L)
{
	uint32_t i, j;

	if (L->o->fail_level == SB_LV_OFF)
		return 0;
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			const struct sb_finding *f = &L->files[i].f[j];
			if (!f->suppressed && f->level >= L->o->fail_level)
				return 1;
		}
	return 0;
}
