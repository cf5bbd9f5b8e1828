/*
** The scanner's state: a cursor over one NUL-terminated source buffer.
** sb_lex_next() never allocates and never reports; the reader decides what
** an illegal token means (DESIGN.md §2.2).
*/
#ifndef SB_LEXER_LEX_H
#define SB_LEXER_LEX_H

#include <stdint.h>

#include "lexer/token.h"

struct sb_lexer {
	const unsigned char *start;     /* the source's first byte */
	const unsigned char *cur;       /* YYCURSOR */
	const unsigned char *lim;       /* YYLIMIT: the NUL after the last byte */
	const unsigned char *mar;       /* YYMARKER */
	enum sb_lex_why why;            /* reason of the last TK_ILLEGAL */
	uint32_t bad;                   /* offset of the offending byte */
};

/* Scan the LEN bytes at TEXT; TEXT[LEN] must be NUL. */
void sb_lex_init(struct sb_lexer *l, const char *text, uint32_t len);
/* The next token; TK_EOF (code 0) at the end, forever after. */
struct sb_token sb_lex_next(struct sb_lexer *l);

#endif
