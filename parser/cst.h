/*
** The concrete syntax tree: datums with byte spans, per file, plus the
** comment table (DESIGN.md §2.3). Immutable after sb_read(); everything
** lives in the context's arena.
*/
#ifndef SB_PARSER_CST_H
#define SB_PARSER_CST_H

#include <stdint.h>
#include <stdio.h>

#include "common/ctx.h"
#include "lexer/literal.h"

/* ORDER: cst.c's kind names. */
enum sb_node_kind {
	SB_N_LIST,      /* ( … ) and ( … . tail ) */
	SB_N_VECTOR,    /* #( … ) */
	SB_N_SYMBOL,
	SB_N_STRING,    /* "…" and #"…" */
	SB_N_NUMBER,
	SB_N_BOOL,
	SB_N_CHAR,
	SB_N_QUOTE,     /* 'x */
	SB_N_QUASI,     /* `x */
	SB_N_UNQUOTE,   /* ,x */
	SB_N_SPLICE     /* ,@x */
};

struct sb_node {
	enum sb_node_kind kind;
	struct sb_span span;            /* the whole datum, prefixes included */
	union {
		struct {                /* LIST, VECTOR */
			struct sb_node **items;
			uint32_t n;
			struct sb_node *tail;   /* after '.', or NULL */
			uint32_t dot;           /* offset of '.', if tail */
			uint32_t close;         /* offset of ')' */
		} list;
		struct sb_sym *sym;     /* SYMBOL */
		struct {                /* STRING */
			const char *s;  /* unescaped, NUL-terminated */
			uint32_t len;
			int raw;        /* written #"…" */
		} str;
		struct sb_number num;   /* NUMBER */
		int boolean;            /* BOOL */
		uint32_t ch;            /* CHAR: a code point */
		struct sb_node *quoted; /* QUOTE, QUASI, UNQUOTE, SPLICE */
	} u;
};

struct sb_comment {
	uint32_t off, len;              /* ';' to the end of the line */
};

struct sb_cst {
	uint32_t src;                   /* source id */
	struct sb_node **forms;         /* top-level datums in order */
	uint32_t nforms;
	struct sb_comment *comments;    /* in source order */
	uint32_t ncomments;
};

/*
** Read source SRC of CTX into a CST. Returns NULL after reporting the
** first syntax error to CTX's sink. A source of kind SB_SRC_CPP honours
** "# N "file"" line markers. The CST lives in CTX's arena.
*/
struct sb_cst *sb_read(struct sb_ctx *ctx, uint32_t src);

/* Print the tree with positions, one node a line (sbplc --dump=cst). */
void sb_cst_dump(struct sb_ctx *ctx, const struct sb_cst *cst, FILE *f);
/*
** Print the file back from the tree: every datum from its node, and the
** whitespace and comments between them as trivia. For a CST read from a
** file this reproduces the file byte for byte. Returns 0, or -1 when the
** trivia between two nodes is not whitespace and comments (a span bug).
*/
int sb_cst_print(struct sb_ctx *ctx, const struct sb_cst *cst, FILE *f);
/* "list", "symbol", …. */
const char *sb_node_kindname(enum sb_node_kind kind);

#endif
