/*
** What the graph evaluator is asked and what it answers (DESIGN.md
** §2.7): struct sb_query (the access: operation, facts, variable
** values), struct sb_scratch (the caller's working memory, at most
** 1 KiB so it fits a kernel stack) and struct sb_verdict. The
** evaluation itself is kext/eval.h.
**
** Facts. A query carries one fact per filter the access can answer (a
** path, a vnode type, a global name, an address, ...), keyed by the
** base filter id (0x80 clear). A test whose filter has no fact does not
** match, and the verdict says a fact was missing. Several facts for one
** filter are allowed; a test matches when any of them does (the set
** state flags of a process, say). How each kind of fact meets each kind
** of argument (FORMAT.md §6):
**   pattern, regex     STRING through the pattern or regex VM
**   string             STRING equal to the item's bytes
**   integer            INT equal to the immediate, or in the bitmask
**   bitfield           INT with every bit of the immediate set
**   bool               BOOL (or INT) equal to the immediate, as 0 or 1
**   network            NETWORK: the item's family bits must meet the
**                      fact's, and its transport bits too when it has
**                      any; host * is anything, localhost is
**                      "localhost", "127.0.0.1" or "::1"; port 0 is any
**   state-flag         STRING naming a flag that is set (state table)
**   profile-flag       STRING naming a flag that is set (Darwin 24+)
** These are the shared definitions of FORMAT.md §18.4 and agree with
** compiler/match.c.
**
** Entitlements (LANGUAGE.md §7.5) are SB_FACT_ENT_* facts, whatever
** their filter field: %entitlement-load matches when an entitlement
** with its key is present and loads it; %entitlement-boolean and
** %entitlement-string, which Apple and lowering place on the load's
** match path (FORMAT.md §5.2 rule 4), test the loaded entitlement's
** value (any of its strings, one fact per array element);
** %entitlement-is-present and %entitlement-is-bool-true look the key up
** directly. Without any entitlement fact these tests count as missing.
**
** Variables. Pattern bytecode names variables by index; the evaluator
** finds the blob's name for the index and looks it up in the query's
** list (exact name, no "${}"). Each value is a literal string; an
** unknown variable, or one without values, does not match.
*/
#ifndef SB_KEXT_QUERY_H
#define SB_KEXT_QUERY_H

#include "kext/bin.h"
#include "kext/freestanding.h"

enum { SB_QUERY_MAX_FACTS = 16 };

enum sb_fact_kind {
	SB_FACT_STRING,         /* s, len */
	SB_FACT_INT,            /* i */
	SB_FACT_BOOL,           /* i: 0 or 1 */
	SB_FACT_NETWORK,        /* i: protocol bits; s, len: host; port */
	SB_FACT_ENT_BOOL,       /* entitlement s, len with boolean value i */
	SB_FACT_ENT_STRING,     /* entitlement s, len with string value v, vlen */
	SB_FACT_ENT_OTHER       /* entitlement s, len with another value */
};

/* One thing the access presents to the filters. */
struct sb_fact {
	uint8_t filter;         /* base filter id; unused by SB_FACT_ENT_* */
	uint8_t kind;           /* enum sb_fact_kind */
	const char *s;          /* STRING value; NETWORK host or NULL; ENT key */
	uint32_t len;
	const char *v;          /* ENT_STRING value */
	uint32_t vlen;
	uint32_t i;             /* INT, BOOL, ENT_BOOL; NETWORK: protocol bits */
	int32_t port;           /* NETWORK: 0-65535, or -1 for none */
};

/* A counted string. */
struct sb_qstr {
	const char *s;
	uint32_t len;
};

/* The values of one variable, e.g. HOME = { "/Users/a" }. */
struct sb_qvar {
	struct sb_qstr name;            /* without "${}" */
	const struct sb_qstr *values;
	uint32_t nvalues;
};

/* The access being asked about. */
struct sb_query {
	uint16_t op;                    /* op-table slot */
	uint16_t profile;               /* bundle profile index; 0 otherwise */
	uint8_t nfacts;
	struct sb_fact facts[SB_QUERY_MAX_FACTS];
	const struct sb_qvar *vars;     /* variable values, or NULL */
	uint32_t nvars;
};

/* A fork point of the pattern VM (pattern_vm.c). */
struct sb_pat_choice {
	uint32_t cursor;        /* cursor before the forking instruction */
	uint32_t alt;           /* next alternative: search start or value */
	uint16_t pc;            /* the forking instruction */
	uint8_t nsaves;         /* saved cursors at the fork ... */
	uint8_t unused;
	uint32_t saves[SB_BIN_PATTERN_MAX_SAVES];       /* ... and their values */
};

/* The caller's working memory: one VM runs at a time. */
struct sb_scratch {
	union {
		struct {
			struct sb_pat_choice choice[SB_BIN_PATTERN_MAX_FORKS];
			uint32_t saves[SB_BIN_PATTERN_MAX_SAVES];
		} pat;
		struct {
			uint8_t cur[SB_BIN_REGEX_MAX_PROGRAM / 8];
			uint8_t next[SB_BIN_REGEX_MAX_PROGRAM / 8];
		} rx;
	} u;
};

_Static_assert(sizeof(struct sb_scratch) <= 1024,
               "evaluator scratch must fit a kernel stack (DESIGN.md §2.7)");

/* The answer. */
struct sb_verdict {
	uint8_t deny;           /* flags bit 0 */
	uint8_t missing;        /* a test on the path had no fact */
	uint8_t inline_id;      /* terminal byte 4 */
	uint8_t inline_aux;     /* terminal byte 5 */
	uint16_t inline_arg;    /* terminal bytes 6-7 */
	uint32_t flags;         /* 24-bit terminal flags */
	uint32_t terminal;      /* node index of the deciding terminal */
	uint32_t rule;          /* its rule-map entry, 0 without a map */
	uint32_t tests;         /* tests evaluated on the way */
};

#endif
