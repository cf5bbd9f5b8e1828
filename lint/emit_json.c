/*
** JSON output (LINT.md §5.3): one document, keys in the order shown there,
** two-space indent. Suppressed and baselined findings are always included,
** with "suppression" set.
*/
#include <string.h>

#include "common/json_write.h"
#include "lint/lint.h"

static const char *const statusname[] = { "ok", "syntax-error",
	"evaluation-error", "io-error" };

static void
pos(struct sb_jw *w, const char *key, const struct sb_lint_pos *p)
{
	sb_jw_key(w, key);
	sb_jw_obj(w);
	sb_jw_kint(w, "line", p->line);
	sb_jw_kint(w, "column", p->col);
	sb_jw_kint(w, "offset", p->off);
	sb_jw_end(w, '}');
}

/* A location object for SPAN of file F, or null. */
static void
location(struct sb_jw *w, const struct sb_lint_file *F, struct sb_span span)
{
	struct sb_source *s = sb_source_get(&F->unit.ctx.sources, span.src);
	struct sb_lint_pos a, b;
	struct sb_pos p;

	if (span.src == SB_NOSRC || !s) {
		sb_jw_null(w);
		return;
	}
	sb_source_pos(s, span.off, &p);
	a.line = p.line;
	a.col = p.cpcol;
	a.off = span.off;
	sb_jw_obj(w);
	sb_jw_kstr(w, "file", p.file);
	sb_source_pos(s, span.off + span.len, &p);
	b.line = p.line;
	b.col = p.cpcol;
	b.off = span.off + span.len;
	pos(w, "start", &a);
	pos(w, "end", &b);
	sb_jw_end(w, '}');
}

static const char *
category(const struct sb_finding *f)
{
	char fam = sb_lint_checks[f->check].family;

	if (f->level == SB_LV_NOTE)
		return "SUGGESTION";
	if (fam == 'S' || fam == 'A')
		return "SECURITY_WARNING";
	return f->level == SB_LV_ERROR ? "ERROR" : "WARNING";
}

static void
finding(struct sb_jw *w, const struct sb_lint_file *F,
    const struct sb_finding *f)
{
	const struct sb_check_info *c = &sb_lint_checks[f->check];
	char hex[17], help[64];
	uint32_t i;

	sb_jw_obj(w);
	sb_jw_kstr(w, "id", c->id);
	sb_jw_kstr(w, "name", c->name);
	sb_jw_kstr(w, "family", sb_lint_family_name(c->family));
	sb_jw_kstr(w, "level", sb_lint_level_name(f->level));
	sb_jw_kstr(w, "category", category(f));
	sb_jw_kstr(w, "message", f->msg);
	sb_jw_key(w, "location");
	location(w, F, f->span);
	sb_jw_key(w, "related");
	sb_jw_arr(w);
	for (i = 0; i < f->nnotes; i++) {
		sb_jw_obj(w);
		sb_jw_kstr(w, "message", f->notes[i].msg);
		sb_jw_key(w, "location");
		location(w, F, f->notes[i].span);
		sb_jw_end(w, '}');
	}
	sb_jw_end(w, ']');
	sb_jw_key(w, "rules");
	sb_jw_arr(w);
	for (i = 0; i < f->nrules; i++)
		sb_jw_str(w, sb_lint_hex(f->rules[i], hex));
	sb_jw_end(w, ']');
	sb_jw_key(w, "witnesses");
	sb_jw_arr(w);
	for (i = 0; i < f->nwit; i++) {
		sb_jw_obj(w);
		sb_jw_kstr(w, "operation", f->wit[i].op);
		sb_jw_kstr(w, "argument", f->wit[i].arg);
		sb_jw_key(w, "decided_by");
		if (f->wit[i].decided_by)
			sb_jw_str(w, sb_lint_hex(f->wit[i].decided_by, hex));
		else
			sb_jw_null(w);
		sb_jw_end(w, '}');
	}
	sb_jw_end(w, ']');
	sb_jw_kstr(w, "suggestion", f->suggestion);
	sb_jw_kstr(w, "fingerprint", sb_lint_hex(f->fingerprint, hex));
	sb_jw_key(w, "suppression");
	if (f->suppressed == SB_SUPP_NONE) {
		sb_jw_null(w);
	} else {
		sb_jw_obj(w);
		sb_jw_kstr(w, "kind", f->suppressed == SB_SUPP_SOURCE ?
		    "in-source" : "baseline");
		sb_jw_kstr(w, "reason", f->reason);
		sb_jw_end(w, '}');
	}
	snprintf(help, sizeof help, "sbpl-lint(1), check %s", c->id);
	sb_jw_kstr(w, "help", help);
	sb_jw_end(w, '}');
}

void
sb_lint_emit_json(const struct sb_lint *L, FILE *out,
    const struct sb_emit_opts *eo)
{
	struct sb_jw w;
	uint32_t counts[4], sup, base, i, j;
	const char *comparison = NULL;

	(void)eo;
	sb_lint_counts(L, counts, &sup, &base);
	sb_jw_init(&w);
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "format", "sbpl-lint");
	sb_jw_kint(&w, "version", 1);
	sb_jw_key(&w, "tool");
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "name", "sbpl-lint");
	sb_jw_kstr(&w, "version", SB_VERSION);
	sb_jw_end(&w, '}');
	sb_jw_key(&w, "inputs");
	sb_jw_arr(&w);
	for (i = 0; i < L->nfiles; i++) {
		sb_jw_obj(&w);
		sb_jw_kstr(&w, "file", L->files[i].path);
		sb_jw_kstr(&w, "status", statusname[L->files[i].status]);
		sb_jw_end(&w, '}');
		if (L->files[i].comparison && !comparison)
			comparison = L->files[i].comparison;
	}
	sb_jw_end(&w, ']');
	sb_jw_key(&w, "findings");
	sb_jw_arr(&w);
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++)
			finding(&w, &L->files[i], &L->files[i].f[j]);
	sb_jw_end(&w, ']');
	sb_jw_key(&w, "comparison");
	if (comparison)
		sb_jw_raw(&w, comparison);      /* already JSON */
	else
		sb_jw_null(&w);
	sb_jw_key(&w, "summary");
	sb_jw_obj(&w);
	sb_jw_kint(&w, "error", counts[SB_LV_ERROR]);
	sb_jw_kint(&w, "warning", counts[SB_LV_WARNING]);
	sb_jw_kint(&w, "note", counts[SB_LV_NOTE]);
	sb_jw_kint(&w, "suppressed", sup);
	sb_jw_kint(&w, "baselined", base);
	sb_jw_end(&w, '}');
	sb_jw_kint(&w, "exit_status", sb_lint_status(L));
	sb_jw_end(&w, '}');
	fputs(w.b.data, out);
	sb_jw_free(&w);
}
