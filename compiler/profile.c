/*
** The rule list, its --report-all pass, and the --dump=rules printer.
*/
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "kext/target.h"

void
sb_profile_add(struct sb_profile *p, struct sb_rule *rule)
{
	if (p->nrules == p->caprules) {
		p->caprules = p->caprules ? p->caprules * 2 : 64;
		p->rules = xrealloc(p->rules, p->caprules * sizeof *p->rules);
	}
	p->rules[p->nrules++] = rule;
	rule->id = p->nrules;
}

static int
byname(const void *pa, const void *pb, const struct sb_target *t)
{
	uint16_t a = *(const uint16_t *)pa, b = *(const uint16_t *)pb;

	return strcmp(t->ops[a].name, t->ops[b].name);
}

static void
putmodarg(struct sb_buf *b, const struct sb_farg *arg)
{
	uint32_t i;

	switch (arg->kind) {
	case SB_FA_STRING:
		sb_buf_puts(b, " \"");
		for (i = 0; i < arg->len; i++) {
			if (arg->s[i] == '"' || arg->s[i] == '\\')
				sb_buf_putc(b, '\\');
			sb_buf_putc(b, arg->s[i]);
		}
		sb_buf_putc(b, '"');
		break;
	case SB_FA_BLOCK:
		sb_buf_printf(b, " %s", arg->s);
		break;
	case SB_FA_INT:
		if (arg->cname)
			sb_buf_printf(b, " %s", arg->cname);
		else
			sb_buf_printf(b, " %lld", (long long)arg->i);
		break;
	default:
		break;
	}
}

/*
** (allow file-read* file-write* (require-any …) (with report)):
** operations sorted by name, the canonical filter, the modifiers in id
** order; a report added by --report-all is left out (DESIGN.md §5).
*/
void
sb_rule_text(struct sb_buf *b, const struct sb_target *t,
    const struct sb_rule *r)
{
	uint16_t ops[64], *sorted = ops;
	uint32_t i, j;

	if (r->nops > 64)
		sorted = xmalloc(r->nops * sizeof *sorted);
	memcpy(sorted, r->ops, r->nops * sizeof *sorted);
	/* insertion sort: rules name few operations */
	for (i = 1; i < r->nops; i++)
		for (j = i; j > 0 && byname(&sorted[j - 1], &sorted[j], t) > 0;
		    j--) {
			uint16_t x = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = x;
		}
	sb_buf_puts(b, r->action == SB_ALLOW ? "(allow" : "(deny");
	for (i = 0; i < r->nops; i++)
		sb_buf_printf(b, " %s", t->ops[sorted[i]].name);
	if (sorted != ops)
		free(sorted);
	if (r->filter) {
		sb_buf_putc(b, ' ');
		sb_filter_text(b, t, r->filter);
	}
	for (i = 0; i < r->mods.n; i++) {
		const struct sb_mod *m = &r->mods.v[i];
		if (m->added)
			continue;
		sb_buf_printf(b, " (with %s", t->modifiers[m->id].name);
		putmodarg(b, &m->arg);
		sb_buf_putc(b, ')');
	}
	sb_buf_putc(b, ')');
}

void
sb_profile_report_all(struct sb_arena *a, struct sb_profile *p)
{
	int report = sb_target_modifier_find(p->target, "report", 6);
	uint32_t i, j;

	if (report < 0)
		return;
	for (i = 0; i < p->nrules; i++) {
		struct sb_rule *r = p->rules[i];
		struct sb_mod *v;
		if (r->action != SB_ALLOW)
			continue;
		for (j = 0; j < r->mods.n && r->mods.v[j].id != report; j++)
			;
		if (j < r->mods.n)
			continue;
		v = sb_arena_alloc(a, (r->mods.n + 1) * sizeof *v);
		memcpy(v, r->mods.v, r->mods.n * sizeof *v);
		memset(&v[r->mods.n], 0, sizeof *v);
		v[r->mods.n].id = (uint16_t)report;
		v[r->mods.n].added = 1;
		/* keep id order */
		for (j = r->mods.n; j > 0 && v[j - 1].id > v[j].id; j--) {
			struct sb_mod x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
		r->mods.v = v;
		r->mods.n++;
	}
}

static void
putspan(struct sb_ctx *ctx, struct sb_span sp, FILE *f)
{
	struct sb_source *s = sb_source_get(&ctx->sources, sp.src);
	struct sb_pos pos;

	if (!s) {
		fputs("-", f);
		return;
	}
	sb_source_pos(s, sp.off, &pos);
	fprintf(f, "%s:%u:%u", pos.file, pos.line, pos.col);
}

void
sb_profile_dump(struct sb_ctx *ctx, const struct sb_profile *p, FILE *f)
{
	const struct sb_target *t = p->target;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i, j;

	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		b.len = 0;
		sb_rule_text(&b, t, r);
		fprintf(f, "rule %u %016llx ", r->id,
		    (unsigned long long)r->fingerprint);
		putspan(ctx, r->site, f);
		fprintf(f, "%s%s\n  %s\n", *r->origin ? " origin " : "",
		    r->origin, b.data);
		for (j = 0; j < r->mods.n; j++)
			if (r->mods.v[j].added)
				fprintf(f, "  + (with %s) from --report-all\n",
				    t->modifiers[r->mods.v[j].id].name);
	}
	if (p->trace)
		fprintf(f, "trace \"%s\"\n", p->trace);
	if (!p->ops)
		goto out;
	/*
	** An operation whose list and implicit decision equal its parent's
	** is left out: it decides exactly as the parent does.
	*/
	for (i = 0; i < t->op_count; i++) {
		const struct sb_oplist *l = &p->ops[i];
		uint16_t up = t->ops[i].parent;
		const struct sb_oplist *pl = up < t->op_count ? &p->ops[up] :
		    NULL;
		if (pl && pl->n == l->n && pl->implicit == l->implicit &&
		    pl->terminal == l->terminal &&
		    memcmp(pl->rules, l->rules, l->n * sizeof *l->rules) == 0)
			continue;
		if (!pl && i != 0 && l->n == 0 && !l->terminal)
			continue;
		fprintf(f, "op %s:", t->ops[i].name);
		for (j = 0; j < l->n; j++)
			fprintf(f, " %u", l->rules[j]);
		fprintf(f, " | %s%s\n", l->implicit == SB_ALLOW ? "allow" :
		    "deny", l->terminal ? " (terminal)" : "");
	}
out:
	sb_buf_free(&b);
}
