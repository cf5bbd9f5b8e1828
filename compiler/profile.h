/*
** The rule IR (DESIGN.md §2.4): rules in emission order, each with its
** operations, normalised filter, modifiers, source site, provenance frames
** and fingerprint; and per operation the ordered list of rules that apply
** to it, plus the implicit decision when none matches.
*/
#ifndef SB_COMPILER_PROFILE_H
#define SB_COMPILER_PROFILE_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/ctx.h"
#include "compiler/filter.h"

struct sb_frame;
struct sb_plist;
struct sb_target;

enum sb_action { SB_DENY = 0, SB_ALLOW = 1 };

/* One modifier on a rule. */
struct sb_mod {
	uint16_t id;            /* modifier id in the target table */
	struct sb_farg arg;     /* SB_FA_NONE, SB_FA_INT or SB_FA_STRING */
	int added;              /* put there by --report-all */
};

struct sb_modset {
	struct sb_mod *v;       /* in modifier-id order, one per id */
	uint32_t n;
};

struct sb_rule {
	uint32_t id;                    /* 1..n in emission order */
	enum sb_action action;
	const uint16_t *ops;            /* operation ids as written, aliases resolved */
	uint16_t nops;
	const struct sb_filter *filter; /* NULL matches every request */
	struct sb_modset mods;
	struct sb_span site;            /* innermost (allow …)/(deny …) in user source */
	const struct sb_frame *frames;  /* provenance, innermost first */
	const char *origin;             /* "" main file, import name, "stdlib:NAME" */
	uint64_t fingerprint;           /* DESIGN.md §5 */
};

/* Per op-table slot: the rules that can decide it, oldest first. */
struct sb_oplist {
	uint32_t *rules;                /* rule ids */
	uint32_t n;
	enum sb_action implicit;        /* decision when no rule matches */
	int terminal;                   /* the implicit decision is fixed by the table */
};

struct sb_profile {
	const struct sb_target *target;
	struct sb_rule **rules;         /* rules[i]->id == i + 1 */
	uint32_t nrules, caprules;
	struct sb_oplist *ops;          /* op_count entries, after sb_profile_expand() */
	const char *trace;              /* (trace "…") path, or NULL */
	int no_callout;                 /* (with no-callout) seen */
	int partial_symbolication;      /* (with partial-symbolication) seen */
	const char **libs;              /* stdlib-sb files the profile relied on */
	uint32_t nlibs;
	const struct sb_plist *entitlements;    /* --entitlements, or NULL */
};

/* Append RULE (id assigned here); the profile owns nothing outside the arena. */
void sb_profile_add(struct sb_profile *p, struct sb_rule *rule);
/* Build the per-operation lists (opexpand.c). */
void sb_profile_expand(struct sb_arena *a, struct sb_profile *p);
/* Compute every rule's fingerprint (fingerprint.c). */
void sb_profile_fingerprint(struct sb_profile *p, const struct sb_target *t);
/* The canonical text of RULE (fingerprints, --dump=rules). */
void sb_rule_text(struct sb_buf *b, const struct sb_target *t,
    const struct sb_rule *rule);
/* Add report to every allow rule and implicit allow (--report-all). */
void sb_profile_report_all(struct sb_arena *a, struct sb_profile *p);
/* Print the rules and per-operation lists (sbplc --dump=rules). */
void sb_profile_dump(struct sb_ctx *ctx, const struct sb_profile *p, FILE *f);

#endif
