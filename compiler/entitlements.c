/*
** --entitlements FILE (LANGUAGE.md §7.5): an XML property list of
** entitlements, or an app's Container.plist, whose entitlements are then
** the "Entitlements" dictionary (or SandboxProfileDataValidationInfo's
** SandboxProfileDataValidationEntitlementsKey). Bound as *entitlements*,
** an association list (dictionary → alist, array → list, boolean →
** #t/#f), for App Sandbox-style profiles; the dictionary is also kept on
** the profile so queries can answer the run-time entitlement filters.
*/
#include <errno.h>
#include <string.h>

#include "common/xml.h"
#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/primitives.h"
#include "compiler/profile.h"

static struct sb_value *
tovalue(struct sb_eval *e, const struct sb_plist *p, struct sb_span at)
{
	struct sb_value *r = e->nil, **link = &r;
	uint32_t i;

	switch (p->kind) {
	case SB_PL_DICT:
	case SB_PL_ARRAY:
		for (i = 0; i < p->n; i++) {
			struct sb_value *v = tovalue(e, p->v[i], at);
			if (p->kind == SB_PL_DICT)
				v = sb_value_cons(e->a, sb_value_string(e->a,
				    p->keys[i], (uint32_t)strlen(p->keys[i]),
				    at), v, at);
			*link = sb_value_cons(e->a, v, e->nil, at);
			link = &(*link)->u.pair.cdr;
		}
		return r;
	case SB_PL_BOOL:
		return sb_value_bool(e->a, (int)p->i, at);
	case SB_PL_INT:
		return sb_value_int(e->a, p->i, at);
	default:
		return sb_value_string(e->a, p->s, (uint32_t)strlen(p->s), at);
	}
}

/* Byte offset of LINE:COL in source S (both 1-based; clamped). */
static uint32_t
offsetof_linecol(const struct sb_source *s, uint32_t line, uint32_t col)
{
	uint32_t off = 0, l = 1;

	while (l < line && off < s->len)
		if (s->text[off++] == '\n')
			l++;
	while (col > 1 && off < s->len && s->text[off] != '\n') {
		off++;
		col--;
	}
	return off;
}

int
sb_entitlements_load(struct sb_eval *e)
{
	const char *path = e->opts->entitlements;
	struct sb_xml_error err;
	const struct sb_plist *root, *ents, *info;
	struct sb_source *s;
	struct sb_span at;
	int64_t src;

	if (!path)
		return 0;
	src = sb_source_read(&e->ctx->sources, path, NULL);
	if (src < 0) {
		at.src = SB_NOSRC;
		at.off = at.len = 0;
		sb_eval_error(e, at, "cannot read entitlements '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	s = sb_source_get(&e->ctx->sources, (uint32_t)src);
	at.src = (uint32_t)src;
	at.off = 0;
	at.len = 0;
	if (!(root = sb_plist_parse(e->a, s->text, s->len, &err))) {
		at.off = offsetof_linecol(s, err.line ? err.line : 1, err.col);
		sb_eval_error(e, at, "invalid entitlements: %s", err.msg);
		return -1;
	}
	ents = root;
	if (sb_plist_get(root, "Entitlements"))
		ents = sb_plist_get(root, "Entitlements");
	else if ((info = sb_plist_get(root,
	    "SandboxProfileDataValidationInfo")) && sb_plist_get(info,
	    "SandboxProfileDataValidationEntitlementsKey"))
		ents = sb_plist_get(info,
		    "SandboxProfileDataValidationEntitlementsKey");
	if (ents->kind != SB_PL_DICT) {
		at.off = offsetof_linecol(s, ents->line, 1);
		sb_eval_error(e, at, "invalid entitlements: expected a "
		    "dictionary of entitlements");
		return -1;
	}
	e->profile->entitlements = ents;
	sb_env_global(e, "*entitlements*", tovalue(e, ents, at));
	return 0;
}
