/*
** A validating JSON reader for the importers' hot path (COVERAGE.md §7):
** one document (a JSONL line, or a whole ulog-json array) is parsed into
** a flat array of nodes that is reused from one document to the next, so
** a line costs no allocation once the arrays have grown. jansson, through
** common/json.c, parses about 300,000 short lines a second on the build
** machine; the importers' target is 500,000.
**
** It accepts exactly what jansson accepts with JSON_REJECT_DUPLICATES
** (tests/fuzz/fuzz_jsondoc.c holds the two to that): an object or an array
** at the top, RFC 8259 grammar, valid UTF-8, no "\u0000", no lone
** surrogate, no duplicate key in an object, integers that fit in 64 bits,
** reals that do not overflow, nesting up to 2,048 levels. One difference:
** a NUL byte is always an error here, where jansson's reader skips one
** that follows a token it had to look past ("[1\0]").
*/
#ifndef SB_COVERAGE_JSONDOC_H
#define SB_COVERAGE_JSONDOC_H

#include <stddef.h>
#include <stdint.h>

enum sb_jtype {
	SB_J_NULL,
	SB_J_FALSE,
	SB_J_TRUE,
	SB_J_INT,
	SB_J_REAL,
	SB_J_STRING,
	SB_J_ARRAY,
	SB_J_OBJECT
};

/* One value. Children follow their container: the first is at index + 1. */
struct sb_jnode {
	enum sb_jtype type;
	uint32_t next;          /* index of the next sibling; 0: last */
	uint32_t n;             /* ARRAY, OBJECT: elements or members */
	const char *key;        /* member of an object: its decoded key; else NULL */
	uint32_t keylen;
	size_t keyoff;          /* member: offset of the key's opening quote */
	size_t off;             /* offset of the value's first byte */
	const char *s;          /* STRING: decoded, NUL-terminated */
	uint32_t len;           /* STRING: bytes of s */
	int64_t i;              /* INT */
	double d;               /* REAL */
};

/*
** A parsed document. Initialise with SB_JDOC_INIT; sb_jdoc_parse() may be
** called again and again on the same struct; sb_jdoc_free() releases it.
** Nodes and strings stay valid until the next parse or the free.
*/
struct sb_jdoc {
	struct sb_jnode *v;     /* v[0] is the root */
	uint32_t n, cap;        /* nodes used and allocated */
	char *strs;             /* decoded strings, back to back */
	size_t slen, scap;
	char err[120];          /* after a failure: the reason */
	size_t erroff;          /* after a failure: the offending byte */
};

#define SB_JDOC_INIT { NULL, 0, 0, NULL, 0, 0, { 0 }, 0 }

/*
** Parse the LEN bytes at TEXT as one JSON document. Returns 0, or -1 with
** D->err and D->erroff set (the offset counts from TEXT).
*/
int sb_jdoc_parse(struct sb_jdoc *d, const char *text, size_t len);
void sb_jdoc_free(struct sb_jdoc *d);

/* Member KEY of object OBJ, or NULL (also when OBJ is NULL or no object). */
const struct sb_jnode *sb_jdoc_get(const struct sb_jdoc *d,
    const struct sb_jnode *obj, const char *key);
/* First child of a container, or NULL when it is empty or no container. */
const struct sb_jnode *sb_jdoc_first(const struct sb_jdoc *d,
    const struct sb_jnode *v);
/* The sibling after V, or NULL. */
const struct sb_jnode *sb_jdoc_next(const struct sb_jdoc *d,
    const struct sb_jnode *v);
/* The string of V, or NULL when V is NULL or not a string. */
const char *sb_jdoc_str(const struct sb_jnode *v);

#endif
