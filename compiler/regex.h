/*
** SBPL regular expressions (LANGUAGE.md §7.3, FORMAT.md §9.3): the ERE
** subset AppleMatch takes (literals, \-escapes, '.', [...], [^...], '*',
** '+', '?', '|', '( )', '^', '$', and {m,n} expanded into copies),
** compiled by a Thompson construction into a program of the same shape
** as the binary format's version-3 regex programs, and matched by a Pike
** VM over byte strings. An unanchored pattern matches anywhere.
*/
#ifndef SB_COMPILER_REGEX_H
#define SB_COMPILER_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"

/* ORDER: the assembler maps these to the format's opcodes. */
enum sb_nfa_op {
	SB_RX_CHAR,     /* c: one byte */
	SB_RX_ANY,      /* any byte */
	SB_RX_CLASS,    /* ranges: a set of bytes */
	SB_RX_BOL,      /* at the start of the input */
	SB_RX_EOL,      /* at the end of the input */
	SB_RX_SPLIT,    /* continue at the next instruction and at x */
	SB_RX_JMP,      /* continue at x */
	SB_RX_MATCH     /* accept */
};

struct sb_rx_inst {
	uint8_t op;             /* enum sb_nfa_op */
	uint8_t c;              /* CHAR */
	uint8_t nranges;        /* CLASS: pairs in ranges */
	uint32_t x;             /* SPLIT, JMP: target index */
	const uint8_t *ranges;  /* CLASS: lo, hi pairs, sorted, merged */
};

struct sb_regex {
	struct sb_rx_inst *prog;        /* instructions */
	uint32_t n;
	int anchored;                   /* began with '^' */
};

/* Where and why a pattern was rejected. */
struct sb_rx_error {
	uint32_t off;                   /* byte offset in the pattern */
	char msg[120];
};

/* Longest program and deepest nesting accepted. */
#define SB_RX_MAX_INSTS 16384
#define SB_RX_MAX_DEPTH 256

/*
** Compile the LEN bytes of PAT into *OUT (program in arena A). Returns 0,
** or -1 with *ERR filled.
*/
int sb_regex_compile(struct sb_arena *a, const char *pat, size_t len,
    struct sb_regex *out, struct sb_rx_error *err);
/*
** Whether RX matches somewhere in the LEN bytes of S (the whole-string
** anchors are ^ and $). SCRATCH must hold 3 * rx->n uint32_t when rx->n > 256.
*/
int sb_regex_match(const struct sb_regex *rx, const char *s, size_t len,
    uint32_t *scratch);

/*
** Append RX as a complete regex item (u16 length, big-endian version 3,
** u16 program length, the program: FORMAT.md §9.1) to OUT. Returns 0, or
** -1 when the program exceeds 65,529 bytes.
*/
struct sb_buf;
int sb_regex_item(const struct sb_regex *rx, struct sb_buf *out);

#endif
