/*
** Byte automata for lint's string dimensions (DESIGN.md §3 automaton.c,
** LINT.md §2.4): lazy DFAs over the byte classes of one dimension, made
** from literal, prefix and subpath patterns, from regex programs
** (compiler/regex.h, by subset construction), and the canonical-path
** language of LINT.md §2.5; and the product search that decides
** emptiness of an intersection of positive and negated automata, returns
** a shortest witness, and gives up ("could not decide") past a state
** budget. Everything allocated here is owned by the automaton or the
** caller's buffers; sb_fa_free() releases an automaton.
*/
#ifndef SB_LINT_AUTOMATON_H
#define SB_LINT_AUTOMATON_H

#include <stdint.h>

#include "common/buf.h"

struct sb_regex;

/*
** A partition of the 256 byte values into classes that every automaton
** of one dimension treats alike. Refine with every distinguishing set
** first, then finish; automata made afterwards step by class.
*/
struct sb_alpha {
	uint8_t cls[256];       /* class of each byte */
	uint16_t n;             /* classes */
	uint8_t rep[256];       /* per class: the byte a witness shows */
	uint16_t order[256];    /* classes, most readable representative first */
	uint8_t single[32];     /* bytes to split into classes of their own */
	uint8_t (*sets)[32];    /* other distinguishing sets (malloc) */
	uint32_t nsets, capsets;
	int finished;
};

void sb_alpha_init(struct sb_alpha *al);
void sb_alpha_free(struct sb_alpha *al);
/* Make byte C a class of its own. */
void sb_alpha_single(struct sb_alpha *al, uint8_t c);
/* Bytes in SET (a bit per byte) and bytes outside it get different classes. */
void sb_alpha_split(struct sb_alpha *al, const uint8_t set[32]);
/* Add the distinctions regex RX needs. */
void sb_alpha_regex(struct sb_alpha *al, const struct sb_regex *rx);
void sb_alpha_finish(struct sb_alpha *al);

enum sb_fa_kind {
	SB_FAK_LITERAL,         /* the whole string */
	SB_FAK_PREFIX,          /* a plain prefix */
	SB_FAK_SUBPATH,         /* the path or below it (compiler/match.c) */
	SB_FAK_REGEX,           /* a search with compiler/regex.h semantics */
	SB_FAK_CANON            /* canonical paths (LINT.md §2.5) */
};

/* States 0 and 1 of every automaton: no accepted continuation; accepts all. */
#define SB_FA_DEAD 0u
#define SB_FA_FULL 1u
/* What sb_fa_step() returns when the automaton outgrew its state limit. */
#define SB_FA_OVER UINT32_MAX

struct sb_fa {
	enum sb_fa_kind kind;
	const struct sb_alpha *al;
	const char *s;                  /* LITERAL, PREFIX, SUBPATH: pattern */
	uint32_t len;
	const struct sb_regex *rx;      /* REGEX */
	/* REGEX: subset states from 2 on */
	uint32_t nstates, capstates;
	uint32_t *setoff;               /* per state: first pc in pool */
	uint32_t *setlen;               /* per state: pcs */
	uint8_t *acc;                   /* per state: accepts at the end */
	int32_t *delta;                 /* per state and class; -1 unknown */
	uint32_t *pool;
	uint32_t npool, cappool;
	uint32_t *hash;                 /* open addressing: state + 1, 0 empty */
	uint32_t caphash;
	uint32_t *work, *mark;          /* closure scratch, per pc */
	uint32_t *entries;              /* a step's scratch, per pc */
	uint32_t stamp;
	uint32_t start;
	uint32_t limit;                 /* most subset states made */
};

/*
** Make an automaton of KIND for the LEN bytes at S (or regex RX) over AL,
** which must be finished. S and RX must outlive it.
*/
struct sb_fa *sb_fa_new(const struct sb_alpha *al, enum sb_fa_kind kind,
    const char *s, uint32_t len, const struct sb_regex *rx);
void sb_fa_free(struct sb_fa *a);
uint32_t sb_fa_start(struct sb_fa *a);
/* The state after class K from ST; SB_FA_OVER past the state limit. */
uint32_t sb_fa_step(struct sb_fa *a, uint32_t st, uint16_t k);
int sb_fa_accepting(struct sb_fa *a, uint32_t st);
/* Whether the N bytes at P are accepted (SB_FA_OVER counts as no). */
int sb_fa_run(struct sb_fa *a, const char *p, uint32_t n);

/*
** Search for a string accepted by all NPOS automata in POS and by none of
** the NNEG in NEG (all over one alphabet). Returns 1 with a shortest such
** string in *WITNESS (more readable bytes preferred; may be NULL), 0 when
** there is none, and -1 when more than BUDGET product states would be
** needed. *USED is increased by the states visited.
*/
int sb_fa_search(struct sb_fa *const *pos, uint32_t npos,
    struct sb_fa *const *neg, uint32_t nneg, uint32_t budget,
    uint32_t *used, struct sb_buf *witness);

#endif
