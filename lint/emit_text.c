/*
** Text and brief output (LINT.md §5.1, §5.2), through common/diag.c: each
** finding becomes one record with the check's label, its notes become the
** record's notes (with excerpts), and provenance notes are one line each.
** Also --list-checks.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json_write.h"
#include "lint/lint.h"

/* ORDER: enum sb_lint_level → enum sb_level */
static const enum sb_level tolevel[] = { SB_NOTE, SB_NOTE, SB_WARNING,
	SB_ERROR };

static void
one(const struct sb_lint_file *F, const struct sb_finding *f, FILE *out,
    enum sb_diag_style style, int color)
{
	struct sb_diag d;
	struct sb_record r;
	struct sb_note *notes = xcalloc(f->nnotes + 1, sizeof *notes);
	struct sb_buf msg = SB_BUF_INIT;
	uint32_t i, n = 0;

	sb_diag_init(&d, &F->unit.ctx.sources);
	d.show_checks = 1;
	memset(&r, 0, sizeof r);
	r.level = tolevel[f->level];
	r.check = sb_lint_checks[f->check].label;
	r.span = f->span;
	sb_buf_puts(&msg, f->msg);
	if (f->suppressed == SB_SUPP_SOURCE)
		sb_buf_printf(&msg, " (suppressed: %s)", f->reason ? f->reason :
		    "");
	else if (f->suppressed == SB_SUPP_BASELINE)
		sb_buf_puts(&msg, " (in baseline)");
	r.msg = msg.data;
	for (i = 0; i < f->nnotes; i++)
		if (!f->notes[i].oneline) {
			notes[n].span = f->notes[i].span;
			notes[n++].msg = f->notes[i].msg;
		}
	r.notes = notes;
	r.nnotes = n;
	sb_diag_render_record(&d, &r, out, style, color);
	for (i = 0; style == SB_DIAG_TEXT && i < f->nnotes; i++) {
		const struct sb_lint_note *no = &f->notes[i];
		struct sb_source *s;
		struct sb_pos p;
		if (!no->oneline)
			continue;
		s = sb_source_get(&F->unit.ctx.sources, no->span.src);
		if (!s)
			continue;
		sb_source_pos(s, no->span.off, &p);
		fprintf(out, "%s:%u:%u: note: %s\n", p.file, p.line, p.col,
		    no->msg);
	}
	free(notes);
	sb_buf_free(&msg);
}

char *
sb_lint_render(const struct sb_lint *L, const struct sb_lint_file *F,
    const struct sb_finding *f, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	(void)L;
	one(F, f, m, SB_DIAG_TEXT, color);
	fclose(m);
	return buf;
}

void
sb_lint_emit_text(const struct sb_lint *L, FILE *out,
    const struct sb_emit_opts *eo)
{
	uint32_t i, j;

	for (i = 0; i < L->nfiles; i++) {
		const struct sb_lint_file *F = &L->files[i];
		for (j = 0; j < F->nf; j++) {
			const struct sb_finding *f = &F->f[j];
			if (f->suppressed && !eo->show_suppressed)
				continue;
			one(F, f, out, eo->brief ? SB_DIAG_BRIEF : SB_DIAG_TEXT,
			    eo->color);
		}
	}
}

void
sb_lint_list_checks(const struct sb_lint_opts *o, FILE *out, int json)
{
	struct sb_jw w;
	int i;

	if (!json) {
		for (i = 0; i < SB_NCHECKS; i++) {
			const struct sb_check_info *c = &sb_lint_checks[i];
			fprintf(out, "%s\t%s\t%s\t%s\t%s\n", c->id, c->name,
			    sb_lint_level_name(c->level),
			    sb_lint_level_name(o->levels[i]), c->summary);
		}
		return;
	}
	sb_jw_init(&w);
	sb_jw_arr(&w);
	for (i = 0; i < SB_NCHECKS; i++) {
		const struct sb_check_info *c = &sb_lint_checks[i];
		sb_jw_obj(&w);
		sb_jw_kstr(&w, "id", c->id);
		sb_jw_kstr(&w, "name", c->name);
		sb_jw_kstr(&w, "family", sb_lint_family_name(c->family));
		sb_jw_kstr(&w, "default_level", sb_lint_level_name(c->level));
		sb_jw_kstr(&w, "level", sb_lint_level_name(o->levels[i]));
		sb_jw_key(&w, "security_severity");
		sb_jw_str(&w, c->severity);
		sb_jw_kstr(&w, "summary", c->summary);
		sb_jw_end(&w, '}');
	}
	sb_jw_end(&w, ']');
	fputs(w.b.data, out);
	sb_jw_free(&w);
}
