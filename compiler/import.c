/*
** import and library loading (LANGUAGE.md §5.4, §10): the search order is
** the embedded stdlib-sb/ first, then the -I directories, then the
** directory of the importing file; IMPORT_DIR, when given with -D, is
** tried first as Apple does. Absolute names under Apple's two system
** profile directories map to stdlib-sb/ by file name. Every imported file
** is evaluated in the global environment at the point of the import.
*/
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/embed.h"
#include "common/limits.h"
#include "compiler/compile.h"
#include "compiler/primitives.h"

static const char *const sysdirs[] = {
	"/System/Library/Sandbox/Profiles/", "/usr/share/sandbox/",
};

static const struct sb_embedded *
embedded(const char *name)
{
	unsigned i;

	for (i = 0; i < sb_stdlib_count; i++)
		if (strcmp(sb_stdlib[i].name, name) == 0)
			return &sb_stdlib[i];
	return NULL;
}

static void
setorigin(struct sb_eval *e, uint32_t src, const char *origin)
{
	if (src >= e->norigins) {
		uint32_t n = src + 16;
		e->origins = xrealloc(e->origins, n * sizeof *e->origins);
		memset(e->origins + e->norigins, 0, (n - e->norigins) *
		    sizeof *e->origins);
		e->norigins = n;
	}
	e->origins[src] = sb_arena_strndup(e->a, origin, strlen(origin));
}

const char *
sb_import_origin(const struct sb_eval *e, uint32_t src)
{
	if (src < e->norigins && e->origins[src])
		return e->origins[src];
	return "";
}

/* Read and evaluate source SRC under an import frame at AT. */
static int
evalsource(struct sb_eval *e, uint32_t src, struct sb_span at, const char *key,
    const struct sb_sym *name)
{
	struct sb_cst *cst;
	struct sb_span site = e->site, rulesite = e->rulesite;
	int r;

	if (e->nimporting >= SB_LIMIT_IMPORT_DEPTH) {
		sb_eval_error(e, at, "imports nested deeper than %u levels",
		    SB_LIMIT_IMPORT_DEPTH);
		return -1;
	}
	if (!(cst = sb_read(e->ctx, src))) {
		e->failed = 1;
		return -1;
	}
	e->csts = xrealloc(e->csts, (e->ncsts + 1) * sizeof *e->csts);
	e->csts[e->ncsts++] = cst;
	e->importing = xrealloc(e->importing, (e->nimporting + 1) *
	    sizeof *e->importing);
	e->importing[e->nimporting++] = key;
	if (at.src != SB_NOSRC)
		sb_frame_push(e, SB_FRAME_IMPORT, at, name);
	e->site.src = SB_NOSRC;
	e->rulesite.src = SB_NOSRC;
	r = sb_eval_cst(e, cst);
	e->site = site;
	e->rulesite = rulesite;
	if (at.src != SB_NOSRC)
		sb_frame_pop(e);
	e->nimporting--;
	return r;
}

static int
cycle(struct sb_eval *e, const char *key, const char *name, struct sb_span at)
{
	uint32_t i;

	for (i = 0; i < e->nimporting; i++)
		if (strcmp(e->importing[i], key) == 0) {
			sb_eval_error(e, at, "import cycle: '%s' is already "
			    "being imported", name);
			return 1;
		}
	return 0;
}

int
sb_import_library(struct sb_eval *e, const char *name, struct sb_span at)
{
	const struct sb_embedded *lib = embedded(name);
	char key[256], path[256];
	uint32_t src;

	if (!lib) {
		sb_eval_error(e, at, "unable to open library '%s'", name);
		return -1;
	}
	snprintf(key, sizeof key, "stdlib:%s", name);
	if (cycle(e, key, name, at))
		return -1;
	snprintf(path, sizeof path, "stdlib-sb/%s", name);
	src = sb_source_add(&e->ctx->sources, SB_SRC_EMBEDDED, path, lib->text,
	    lib->len, 0);
	setorigin(e, src, key);
	return evalsource(e, src, at, sb_arena_strndup(e->a, key, strlen(key)),
	    NULL);
}

/* The directory part of PATH ("." when it has none). */
static void
dirof(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static const char *
paramvalue(struct sb_eval *e, const char *name)
{
	uint32_t i;

	for (i = e->opts->nparams; i-- > 0;)
		if (strcmp(e->opts->params[i].name, name) == 0)
			return e->opts->params[i].value;
	return NULL;
}

/* Try the file DIR/NAME; its source id, or -1. */
static int64_t
tryfile(struct sb_eval *e, const char *dir, const char *name,
    struct sb_buf *searched)
{
	char path[PATH_MAX];

	if (dir)
		snprintf(path, sizeof path, "%s/%s", dir, name);
	else
		snprintf(path, sizeof path, "%s", name);
	if (searched->len)
		sb_buf_puts(searched, ", ");
	sb_buf_puts(searched, dir ? dir : path);
	if (e->opts->no_file_imports || access(path, R_OK) != 0)
		return -1;
	return sb_source_read(&e->ctx->sources, path, NULL);
}

static const char *
filekey(struct sb_eval *e, const char *path)
{
	char real[PATH_MAX], key[PATH_MAX + 16];

	snprintf(key, sizeof key, "file:%s", realpath(path, real) ? real :
	    path);
	return sb_arena_strndup(e->a, key, strlen(key));
}

/* (%import NAME) */
static struct sb_value *
p_import(struct sb_eval *e, struct sb_value **a, uint32_t n,
    struct sb_span call)
{
	struct sb_buf searched = SB_BUF_INIT;
	const char *name, *dir, *base;
	const struct sb_embedded *lib;
	struct sb_source *from;
	char here[PATH_MAX];
	const char *key;
	int64_t src = -1;
	uint32_t i;
	size_t k;

	(void)n;
	if (sb_want(e, "import", 1, a[0], SB_V_STRING, "a string") < 0)
		return NULL;
	name = a[0]->u.str.s;
	if (name[0] == '/') {
		for (k = 0; k < sizeof sysdirs / sizeof sysdirs[0]; k++) {
			size_t len = strlen(sysdirs[k]);
			base = name + len;
			if (strncmp(name, sysdirs[k], len) == 0 &&
			    (lib = embedded(base)) != NULL) {
				if (sb_import_library(e, base, call) < 0)
					return NULL;
				return e->unspec;
			}
		}
		src = tryfile(e, NULL, name, &searched);
		goto found;
	}
	if (name[0] && (dir = paramvalue(e, "IMPORT_DIR")) != NULL &&
	    (src = tryfile(e, dir, name, &searched)) >= 0)
		goto found;
	if (name[0] && embedded(name)) {
		sb_buf_free(&searched);
		if (sb_import_library(e, name, call) < 0)
			return NULL;
		return e->unspec;
	}
	if (searched.len)
		sb_buf_puts(&searched, ", ");
	sb_buf_puts(&searched, "stdlib-sb");
	for (i = 0; name[0] && src < 0 && i < e->opts->nincdirs; i++)
		src = tryfile(e, e->opts->incdirs[i], name, &searched);
	from = sb_source_get(&e->ctx->sources, call.src);
	if (name[0] && src < 0 && from && from->kind != SB_SRC_EMBEDDED) {
		dirof(from->path, here, sizeof here);
		src = tryfile(e, here, name, &searched);
	}
found:
	if (src < 0) {
		sb_eval_error(e, a[0]->span, "unable to open '%s' (searched: "
		    "%s)", name, searched.data ? searched.data : "nothing");
		sb_buf_free(&searched);
		return NULL;
	}
	sb_buf_free(&searched);
	from = sb_source_get(&e->ctx->sources, (uint32_t)src);
	key = filekey(e, from->path);
	if (cycle(e, key, name, a[0]->span))
		return NULL;
	setorigin(e, (uint32_t)src, name);
	if (evalsource(e, (uint32_t)src, call, key, NULL) < 0)
		return NULL;
	return e->unspec;
}

/* (%load-library NAME): an embedded file, by version in sbpl/stub.sb. */
static struct sb_value *
p_load_library(struct sb_eval *e, struct sb_value **a, uint32_t n,
    struct sb_span call)
{
	(void)n;
	if (sb_want(e, "%load-library", 1, a[0], SB_V_STRING, "a string") < 0)
		return NULL;
	if (sb_import_library(e, a[0]->u.str.s, call) < 0)
		return NULL;
	return e->unspec;
}

static const struct sb_builtin natives[] = {
	{ "%import", 1, 1, p_import, 0, 0 },
	{ "%load-library", 1, 1, p_load_library, 0, 0 },
};

void
sb_import_install(struct sb_eval *e)
{
	size_t i;

	for (i = 0; i < sizeof natives / sizeof natives[0]; i++) {
		struct sb_value *v = sb_value_new(e->a, SB_V_BUILTIN,
		    (struct sb_span){ SB_NOSRC, 0, 0 });
		v->u.bi = &natives[i];
		sb_env_global(e, natives[i].name, v);
	}
}

void
sb_import_begin(struct sb_eval *e, const char *path)
{
	e->importing = xrealloc(e->importing, (e->nimporting + 1) *
	    sizeof *e->importing);
	e->importing[e->nimporting++] = filekey(e, path);
}

void
sb_import_end(struct sb_eval *e)
{
	e->nimporting--;
}

/* Called by sb_compile for each input: main is the last one. */
void sb_import_input_origin(struct sb_eval *e, uint32_t src, const char *o);

void
sb_import_input_origin(struct sb_eval *e, uint32_t src, const char *o)
{
	setorigin(e, src, o);
}
