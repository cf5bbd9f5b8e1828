/*
** A small streaming JSON writer for the JSON outputs (lint's JSON, SARIF
** and baselines, annotate's JSON): keys in the order written, two-space
** indent as LINT.md §5.3 asks, strings escaped so any bytes give valid
** JSON (invalid UTF-8 becomes U+FFFD). Reading JSON stays in common/json.c (jansson); writing with a
** fixed key order is simpler by hand. The output buffer belongs to the
** caller's struct sb_jw and is freed with sb_jw_free().
*/
#ifndef SB_COMMON_JSON_WRITE_H
#define SB_COMMON_JSON_WRITE_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"

#define SB_JW_DEPTH 64

struct sb_jw {
	struct sb_buf b;                /* the text so far */
	uint32_t depth;                 /* open containers */
	uint8_t count[SB_JW_DEPTH];     /* 0: no element yet in that container */
	int afterkey;                   /* a key was written, its value is next */
};

void sb_jw_init(struct sb_jw *w);
void sb_jw_free(struct sb_jw *w);
void sb_jw_obj(struct sb_jw *w);
void sb_jw_arr(struct sb_jw *w);
void sb_jw_end(struct sb_jw *w, char close);     /* '}' or ']' */
void sb_jw_key(struct sb_jw *w, const char *k);
void sb_jw_str(struct sb_jw *w, const char *s);  /* NULL writes null */
void sb_jw_strn(struct sb_jw *w, const char *s, size_t n);
void sb_jw_int(struct sb_jw *w, long long v);
void sb_jw_bool(struct sb_jw *w, int v);
void sb_jw_null(struct sb_jw *w);
/* A value already written as JSON (a number with a fraction, a document
** spliced in), placed as any other value. */
void sb_jw_raw(struct sb_jw *w, const char *json);
/* Shorthands: a key and its value. */
void sb_jw_kstr(struct sb_jw *w, const char *k, const char *s);
void sb_jw_kint(struct sb_jw *w, const char *k, long long v);
/* Append the escaped body of the N bytes at S (no quotes) to B. */
void sb_jw_escape(struct sb_buf *b, const char *s, size_t n);

#endif
