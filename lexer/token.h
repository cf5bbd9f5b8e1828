/*
** Tokens: views into a source buffer (DESIGN.md §2.2). Codes the grammar
** sees come from the generated parser/grammar.h; the codes below it never
** sees sit above Lemon's range.
*/
#ifndef SB_LEXER_TOKEN_H
#define SB_LEXER_TOKEN_H

#include <stdint.h>

#include "parser/grammar.h"

#define TK_EOF 0
#define TK_COMMENT 200  /* ';' or '#!' to the end of the line */
#define TK_LINEMARK 201 /* '# N "file"' from the C preprocessor */
#define TK_ILLEGAL 202  /* see struct sb_lexer's why */

struct sb_token {
	int code;       /* TK_* */
	uint32_t off;   /* first byte, from the start of the source */
	uint32_t len;   /* bytes */
};

/* Why the lexer returned TK_ILLEGAL. ORDER: sb_lex_whyname(). */
enum sb_lex_why {
	SB_LEX_OK,
	SB_LEX_UNTERMINATED_STRING,     /* '"' with no closing '"' */
	SB_LEX_UNTERMINATED_RAW,        /* '#"' with no closing '"' */
	SB_LEX_NUL,                     /* a NUL byte */
	SB_LEX_BAD_UTF8,                /* a byte that starts no UTF-8 sequence */
	SB_LEX_CONTROL,                 /* a control character outside strings */
	SB_LEX_SHARP                    /* '#' followed by nothing SBPL knows */
};

/* "(", "symbol", …: for --dump=tokens and messages. */
const char *sb_token_name(int code);

#endif
