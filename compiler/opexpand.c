/*
** Per-operation ordered rule lists (DESIGN.md §2.4): for each op-table
** slot, every rule whose operations include the slot or one of its
** ancestors in the target's tree, in emission order, and the decision
** when none matches: a terminal operation's fixed decision, otherwise
** allow, the built-in default of a profile with no default rule
** (LANGUAGE.md §6.1-6.3). (deny default) is an ordinary rule on the root.
*/
#include "compiler/profile.h"
#include "kext/target.h"

void
sb_profile_expand(struct sb_arena *a, struct sb_profile *p)
{
	const struct sb_target *t = p->target;
	uint32_t slot, i, j, n;

	p->ops = sb_arena_calloc(a, t->op_count * sizeof *p->ops);
	for (slot = 0; slot < t->op_count; slot++) {
		struct sb_oplist *l = &p->ops[slot];
		uint16_t flags = t->ops[slot].flags;

		for (n = i = 0; i < p->nrules; i++)
			for (j = 0; j < p->rules[i]->nops; j++)
				if (sb_target_op_within(t, slot,
				    p->rules[i]->ops[j])) {
					n++;
					break;
				}
		l->rules = sb_arena_alloc(a, (n ? n : 1) * sizeof *l->rules);
		for (i = 0; i < p->nrules; i++)
			for (j = 0; j < p->rules[i]->nops; j++)
				if (sb_target_op_within(t, slot,
				    p->rules[i]->ops[j])) {
					l->rules[l->n++] = p->rules[i]->id;
					break;
				}
		l->terminal = (flags & (SB_OP_TERMINAL_ALLOW |
		    SB_OP_TERMINAL_DENY)) != 0;
		l->implicit = flags & SB_OP_TERMINAL_DENY ? SB_DENY : SB_ALLOW;
	}
}
