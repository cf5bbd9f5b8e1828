/*
** JSON reading through jansson (DESIGN.md §3: json.c is the only file that
** includes jansson.h). Values are opaque and borrowed from the root they
** were found in: they stay valid until sb_json_free() of that root, and
** callers never free them. Writing (SARIF, JSON output) is left for the
** modules that need it to add here.
*/
#ifndef SB_COMMON_JSON_H
#define SB_COMMON_JSON_H

#include <stddef.h>

enum sb_json_type {
	SB_JSON_NULL,
	SB_JSON_FALSE,
	SB_JSON_TRUE,
	SB_JSON_INTEGER,
	SB_JSON_REAL,
	SB_JSON_STRING,
	SB_JSON_ARRAY,
	SB_JSON_OBJECT
};

struct sb_json;                 /* a value inside a parsed document */
struct sb_json_iter;            /* a position among an object's members */

/*
** Parse the LEN bytes at TEXT as one JSON document. NAME labels messages.
** Duplicate object keys are an error. Returns the root, which the caller
** frees with sb_json_free(); on failure returns NULL and writes
** "NAME:LINE:COL: reason" into ERR (ERRSIZE bytes, always terminated).
*/
struct sb_json *sb_json_parse(const char *text, size_t len, const char *name,
                              char *err, size_t errsize);

/*
** Read and parse the file PATH. A name ending in ".gz" is read through
** `gzip -dc` (no compression library is linked). Ownership and errors as
** for sb_json_parse(); a file that cannot be read is reported in ERR too.
*/
struct sb_json *sb_json_load(const char *path, char *err, size_t errsize);

/* Free a root returned by sb_json_parse() or sb_json_load(); NULL is fine. */
void sb_json_free(struct sb_json *root);

/* The type of V; V must not be NULL. */
enum sb_json_type sb_json_typeof(const struct sb_json *v);

/* Member KEY of object OBJ; NULL when absent or when OBJ is no object. */
struct sb_json *sb_json_get(const struct sb_json *obj, const char *key);

/* Elements of an array or members of an object; 0 for anything else. */
size_t sb_json_len(const struct sb_json *v);

/* Element I of array ARR; NULL when out of range or not an array. */
struct sb_json *sb_json_at(const struct sb_json *arr, size_t i);

/* The UTF-8 text of a string value, NUL-terminated; NULL for non-strings. */
const char *sb_json_string(const struct sb_json *v);

/*
** Store an integer value in *OUT and return 0; return -1 and leave *OUT
** alone when V is NULL or not an integer (reals are not converted).
*/
int sb_json_integer(const struct sb_json *v, long long *out);

/*
** Walk the members of object OBJ, in document order:
**	for (it = sb_json_iter(obj); it; it = sb_json_iter_next(obj, it))
**		use(sb_json_iter_key(it), sb_json_iter_value(it));
** NULL ends the walk (or means OBJ is no object). Do not modify OBJ meanwhile.
*/
struct sb_json_iter *sb_json_iter(const struct sb_json *obj);
struct sb_json_iter *sb_json_iter_next(const struct sb_json *obj,
                                       struct sb_json_iter *it);
const char *sb_json_iter_key(struct sb_json_iter *it);
struct sb_json *sb_json_iter_value(struct sb_json_iter *it);

#endif
