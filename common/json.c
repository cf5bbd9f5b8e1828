/*
** jansson adapter (DESIGN.md §3). struct sb_json is jansson's json_t seen
** through an opaque name, so no conversion or copy is made; the root owns
** one reference and sb_json_free() drops it. Reading files (and gunzip
** through a child process) lives here too, so callers name a path only.
** Everything about what the JSON means belongs to the callers.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/json.h"
#include "common/util.h"

static json_t *
raw(const struct sb_json *v)
{
	return (json_t *)v;
}

static struct sb_json *
wrap(const json_t *j)
{
	return (struct sb_json *)j;
}

struct sb_json *
sb_json_parse(const char *text, size_t len, const char *name, char *err,
              size_t errsize)
{
	json_error_t e;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);

	if (!root)
		snprintf(err, errsize, "%s:%d:%d: %s", name, e.line, e.column,
		         e.text);
	return wrap(root);
}

/* Read everything from F into a buffer the caller frees; *LEN gets its size. */
static char *
slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *p = xmalloc(cap);

	while ((got = fread(p + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			p = xrealloc(p, cap *= 2);
	}
	*len = n;
	return p;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/*
** Open `gzip -dc -- 'PATH'` for reading. The path is single-quoted for
** sh, with each embedded quote written as '\''.
*/
static FILE *
open_gunzip(const char *path)
{
	char *cmd = xmalloc(strlen("gzip -dc -- ''") + 4 * strlen(path) + 1);
	char *q = cmd;
	FILE *f;

	q += sprintf(q, "gzip -dc -- '");
	for (const char *s = path; *s; s++) {
		if (*s == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else {
			*q++ = *s;
		}
	}
	strcpy(q, "'");
	f = popen(cmd, "r");
	free(cmd);
	return f;
}

struct sb_json *
sb_json_load(const char *path, char *err, size_t errsize)
{
	int gz = ends_with(path, ".gz");
	struct sb_json *root;
	size_t len;
	char *text;
	FILE *f;
	int bad;

	/* popen() succeeds for a missing file; ask first for a clear message. */
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (gz) {
		fclose(f);
		f = open_gunzip(path);
		if (!f) {
			snprintf(err, errsize, "%s: gzip: %s", path,
			         strerror(errno));
			return NULL;
		}
	}
	text = slurp(f, &len);
	bad = ferror(f);
	bad |= gz ? pclose(f) != 0 : fclose(f) != 0;
	if (bad) {
		snprintf(err, errsize, "%s: %s", path,
		         gz ? "gzip -dc failed" : "read error");
		free(text);
		return NULL;
	}
	root = sb_json_parse(text, len, path, err, errsize);
	free(text);
	return root;
}

void
sb_json_free(struct sb_json *root)
{
	json_decref(raw(root));
}

enum sb_json_type
sb_json_typeof(const struct sb_json *v)
{
	switch (json_typeof(raw(v))) {
	case JSON_OBJECT:
		return SB_JSON_OBJECT;
	case JSON_ARRAY:
		return SB_JSON_ARRAY;
	case JSON_STRING:
		return SB_JSON_STRING;
	case JSON_INTEGER:
		return SB_JSON_INTEGER;
	case JSON_REAL:
		return SB_JSON_REAL;
	case JSON_TRUE:
		return SB_JSON_TRUE;
	case JSON_FALSE:
		return SB_JSON_FALSE;
	case JSON_NULL:
	default:
		return SB_JSON_NULL;
	}
}

struct sb_json *
sb_json_get(const struct sb_json *obj, const char *key)
{
	return wrap(json_object_get(raw(obj), key));
}

size_t
sb_json_len(const struct sb_json *v)
{
	if (json_is_array(raw(v)))
		return json_array_size(raw(v));
	if (json_is_object(raw(v)))
		return json_object_size(raw(v));
	return 0;
}

struct sb_json *
sb_json_at(const struct sb_json *arr, size_t i)
{
	return wrap(json_array_get(raw(arr), i));
}

const char *
sb_json_string(const struct sb_json *v)
{
	return json_string_value(raw(v));
}

int
sb_json_integer(const struct sb_json *v, long long *out)
{
	if (!json_is_integer(raw(v)))
		return -1;
	*out = json_integer_value(raw(v));
	return 0;
}

struct sb_json_iter *
sb_json_iter(const struct sb_json *obj)
{
	return json_object_iter(raw(obj));
}

struct sb_json_iter *
sb_json_iter_next(const struct sb_json *obj, struct sb_json_iter *it)
{
	return json_object_iter_next(raw(obj), it);
}

const char *
sb_json_iter_key(struct sb_json_iter *it)
{
	return json_object_iter_key(it);
}

struct sb_json *
sb_json_iter_value(struct sb_json_iter *it)
{
	return wrap(json_object_iter_value(it));
}
