/*
** Literal values of tokens: string and raw-string bodies, numbers in
** decimal and #x #o #b #d, and #\ characters (LANGUAGE.md §3.1). Errors
** carry the exact byte range inside the token that is wrong.
*/
#ifndef SB_LEXER_LITERAL_H
#define SB_LEXER_LITERAL_H

#include <stdint.h>

#include "common/arena.h"

/* Where inside a token a literal went wrong, and why. */
struct sb_lit_error {
	uint32_t off;           /* from the token's first byte */
	uint32_t len;           /* bytes to underline */
	char msg[160];          /* lower-case, no full stop, subject quoted */
};

/*
** Unescape the string token of N bytes at P (quotes included; a raw
** "#\"…\"" token is copied as it is). The value goes into A,
** NUL-terminated, with its length in *OUTLEN. Returns 0, or -1 with *ERR
** filled.
*/
int sb_lit_string(const char *p, uint32_t n, struct sb_arena *a,
    const char **out, uint32_t *outlen, struct sb_lit_error *err);

struct sb_number {
	int isint;              /* integer (i) or real (d) */
	int64_t i;
	double d;
};

/* Read the number token of N bytes at P. Returns 0, or -1 with *ERR. */
int sb_lit_number(const char *p, uint32_t n, struct sb_number *out,
    struct sb_lit_error *err);

/* Read the "#\…" token of N bytes at P into a code point. 0 or -1. */
int sb_lit_char(const char *p, uint32_t n, uint32_t *cp,
    struct sb_lit_error *err);

#endif
