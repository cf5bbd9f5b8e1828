/*
** Style and portability (LINT.md §3.8), off by default: ordering (T1),
** shorter equivalent forms with a replacement text (T2), retired names
** (T3), denies without a message (T4), forms with no effect (T5). T6
** needs a second compilable target, which this build does not have:
** --also-target accepts only the default target, so T6 has nothing to say.
*/
#include <string.h>

#include "common/buf.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "parser/cst.h"

/* LANGUAGE.md §8.4: names written where a current one exists. */
static const struct {
	const char *old, *now;
} retired[] = {
	{ "process-exec", "process-exec*" },
	{ "iokit-open", "iokit-open*" },
	{ "ipc-posix-shm", "ipc-posix-shm*" },
	{ "ipc-posix-sem", "ipc-posix-sem*" },
	{ "ipc-posix-shm-read*", "ipc-posix-shm-read-data" },
	{ "file-write-mount", "file-mount" },
	{ "file-write-unmount", "file-unmount" },
	{ "file-write-umount", "file-unmount" },
	{ "file-unlink", "file-write-unlink" },
	{ "file-fsctl", "system-fsctl" },
	{ "system-misc", "system*" },
	{ "time-set", "system-set-time" },
	{ "managed-preference*", "managed-preference-read" },
	{ "file-issue-extension*", "file-issue-extension" },
	{ "process-codesigning-status*", "process-legacy-codesigning-status*" },
};

static int
head(const struct sb_node *n, const char *name)
{
	return n->kind == SB_N_LIST && n->u.list.n > 0 &&
	    n->u.list.items[0]->kind == SB_N_SYMBOL &&
	    strcmp(n->u.list.items[0]->u.sym->name, name) == 0;
}

static void
text(const struct sb_source *s, struct sb_span span, struct sb_buf *b)
{
	b->len = 0;
	sb_buf_put(b, s->text + span.off, span.len);
	if (b->data)
		b->data[b->len] = 0;
}

static void
walk(struct sb_lint *L, const struct sb_source *s, const struct sb_node *n)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_finding *f;
	uint32_t i, k;

	if (n->kind >= SB_N_QUOTE && n->kind != SB_N_UNQUOTE &&
	    n->kind != SB_N_SPLICE)
		return;         /* quoted data is not code */
	if (n->kind != SB_N_LIST)
		return;
	if (head(n, "allow") || head(n, "deny"))
		for (i = 1; i < n->u.list.n; i++) {
			const struct sb_node *a = n->u.list.items[i];
			if (a->kind != SB_N_SYMBOL)
				continue;
			for (k = 0; k < countof(retired); k++)
				if (strcmp(a->u.sym->name, retired[k].old) == 0) {
					f = sb_lint_report(L, SB_CHK_T3, a->span,
					    "'%s' is a retired name; write '%s'",
					    retired[k].old, retired[k].now);
					if (f)
						f->suggestion = xstrdup(
						    retired[k].now);
				}
		}
	if ((head(n, "require-any") || head(n, "require-all")) &&
	    n->u.list.n == 2) {
		text(s, n->u.list.items[1]->span, &b);
		f = sb_lint_report(L, SB_CHK_T2, n->span, "'%s' of one filter "
		    "is that filter", n->u.list.items[0]->u.sym->name);
		if (f)
			f->suggestion = xstrdup(b.data);
	}
	if (head(n, "require-not") && n->u.list.n == 2 &&
	    head(n->u.list.items[1], "require-not") &&
	    n->u.list.items[1]->u.list.n == 2) {
		text(s, n->u.list.items[1]->u.list.items[1]->span, &b);
		f = sb_lint_report(L, SB_CHK_T2, n->span, "double negation");
		if (f)
			f->suggestion = xstrdup(b.data);
	}
	for (i = 1; (head(n, "require-any") || head(n, "require-all")) &&
	    i < n->u.list.n; i++)
		if (head(n->u.list.items[i], n->u.list.items[0]->u.sym->name))
			sb_lint_report(L, SB_CHK_T2, n->u.list.items[i]->span,
			    "nested '%s' inside '%s': its filters can stand in "
			    "the outer one", n->u.list.items[0]->u.sym->name,
			    n->u.list.items[0]->u.sym->name);
	if (head(n, "debug") || head(n, "eliminate-duplicate-rules") ||
	    head(n, "record"))
		sb_lint_report(L, SB_CHK_T5, n->span, "'%s' has no effect",
		    n->u.list.items[0]->u.sym->name);
	for (i = 0; i < n->u.list.n; i++)
		walk(L, s, n->u.list.items[i]);
	sb_buf_free(&b);
}

static int
ondefault(const struct sb_rule *r)
{
	uint32_t i;

	for (i = 0; i < r->nops; i++)
		if (r->ops[i] == 0)
			return 1;
	return 0;
}

static void
ordering(struct sb_lint *L, const struct sb_cst *cst)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_rule *firstrule = NULL;
	uint32_t i;

	for (i = 1; i < cst->nforms; i++)
		if (head(cst->forms[i], "version") && !head(cst->forms[0],
		    "version"))
			sb_lint_report(L, SB_CHK_T1, cst->forms[i]->span,
			    "'(version …)' is not the first form");
	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		if (r->site.src != L->cur->main_src)
			continue;
		if (!firstrule)
			firstrule = r;
		if (ondefault(r) && r != firstrule) {
			sb_lint_report(L, SB_CHK_T1, r->site, "the default rule "
			    "is not the first rule");
			break;
		}
	}
}

static int
sameops(const struct sb_rule *a, const struct sb_rule *b)
{
	return a->nops == b->nops && memcmp(a->ops, b->ops, a->nops *
	    sizeof *a->ops) == 0;
}

/* Adjacent rules with the same decision and operations merge. */
static void
merges(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	uint32_t i;

	for (i = 1; i < p->nrules; i++) {
		const struct sb_rule *a = p->rules[i - 1], *b = p->rules[i];
		struct sb_finding *f;
		if (a->site.src != L->cur->main_src || b->site.src !=
		    L->cur->main_src || a->site.off == b->site.off ||
		    a->action != b->action || !sameops(a, b) || a->mods.n ||
		    b->mods.n || !a->filter || !b->filter)
			continue;
		f = sb_lint_report(L, SB_CHK_T2, b->site, "this rule and the "
		    "one before it have the same decision and operations; "
		    "one rule with both filters says it once");
		sb_lint_about(f, b);
		sb_lint_note(L, f, a->site, "merge with this rule");
	}
}

static void
untagged(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	int msg = sb_target_modifier_find(p->target, "message", 7);
	uint32_t i, k;

	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		int tagged = 0;
		if (r->action != SB_DENY || r->site.src != L->cur->main_src)
			continue;
		for (k = 0; k < r->mods.n; k++)
			tagged |= r->mods.v[k].id == msg;
		if (!tagged)
			sb_lint_about(sb_lint_report(L, SB_CHK_T4, r->site,
			    "deny without '(with message …)'"), r);
	}
}

void
sb_lint_check_style(struct sb_lint *L)
{
	const struct sb_unit *u = &L->cur->unit;
	const struct sb_cst *cst = u->files[u->nfiles - 1];
	const struct sb_source *s = sb_source_get(&u->ctx.sources, cst->src);
	uint32_t i;
	int any = 0;

	for (i = SB_CHK_T1; i <= SB_CHK_T6; i++)
		any |= sb_lint_level(L, (enum sb_check_id)i) != SB_LV_OFF;
	if (!any)
		return;
	for (i = 0; i < cst->nforms; i++)
		walk(L, s, cst->forms[i]);
	ordering(L, cst);
	merges(L);
	untagged(L);
}
