/*
** mkdefs: generate a target's operations.def, filters.def and modifiers.def
** (DESIGN.md §11) from the format tables in SHARED/format-fixtures/tables
** (FORMAT.md §16.4) and the target's overrides.txt, which names the tables
** to read and supplies, with a citation per line, what they lack.
**
**	mkdefs -s SHARED -o OUTDIR kext/targets/<t>/overrides.txt
**
** A "names-only" overrides.txt asks for names.def instead: the operation,
** filter and modifier names of a release that nothing compiles for, read
** from its operation list or libsandbox database, for sbpl-lint's
** --also-target (LINT.md §3.8 T6).
**
** A user-space build tool (make defs, make check-defs), not part of any
** program: it reads JSON through common/json.c, hashes through
** common/sha256.c and exits on the first inconsistency in the tables.
** The row shapes and every name the rows use are defined in kext/target.h;
** how the rows are read is left to kext/target.c and the other includers.
** The output depends only on the bytes of the inputs: no paths outside the
** project, no time, no hash-table order.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/sha256.h"
#include "common/util.h"
#include "kext/target.h"

#define TABLES_DIR "format-fixtures/tables"
#define MAX_CATEGORIES 64
#define MAX_MODIFIERS 32

struct strvec {
	char **v;               /* xmalloc'd strings, freed at exit */
	size_t n;
};

/* A file read for its hash and, for plain text, its contents. */
struct input {
	char *display;          /* path as printed in headers: SHARED-relative */
	const char *base;       /* its last component, for notes */
	char *path;             /* path opened */
	uint8_t sha[SB_SHA256_SIZE];
	char *text;             /* contents, NUL-terminated */
	size_t len;
};

/* An "op" directive: an operation the database lacks. */
struct opover {
	char *name;
	char *parent;           /* NULL: none */
	unsigned terminal;      /* 0, SB_OP_TERMINAL_ALLOW or SB_OP_TERMINAL_DENY */
	char *like;             /* database operation to copy categories and modifiers from */
	struct strvec extra;    /* +CATEGORY additions */
	char *cite;
	int used;
};

struct rename {
	char *from, *to;
};

struct filtermap {
	long id, from;
	char *cite;
};

struct kindover {
	char *filter;
	const struct kind *kind;
	int used;
};

/* The argument kinds, spelled as kext/target.h enum sb_argkind spells them. */
struct kind {
	const char *word;       /* in overrides.txt */
	const char *c;          /* in the .def files */
};

static const struct kind kinds[] = {
	{ "none", "SB_ARG_NONE" },
	{ "bool", "SB_ARG_BOOL" },
	{ "bitfield", "SB_ARG_BITFIELD" },
	{ "int", "SB_ARG_INT" },
	{ "string", "SB_ARG_STRING" },
	{ "path", "SB_ARG_PATH" },
	{ "pattern", "SB_ARG_PATTERN" },
	{ "prefix", "SB_ARG_PREFIX" },
	{ "network", "SB_ARG_NETWORK" },
	{ "state-flag", "SB_ARG_STATE_FLAG" },
	{ "profile-flag", "SB_ARG_PROFILE_FLAG" },
	{ "policy", "SB_ARG_POLICY" },
	{ "regex", NULL },      /* the 15.2 table's word for some; never emitted */
};

/* The 15.2 filter table's argument_type → kind (FORMAT.md §16.4). */
static const struct {
	const char *type;
	const char *kind;
} filter_types[] = {
	{ "SB_VALUE_TYPE_BOOL", "bool" },
	{ "SB_VALUE_TYPE_BITFIELD", "bitfield" },
	{ "SB_VALUE_TYPE_INTEGER", "int" },
	{ "SB_VALUE_TYPE_STRING", "string" },
	{ "SB_VALUE_TYPE_PATTERN_SUBPATH", "path" },
	{ "SB_VALUE_TYPE_PATTERN_LITERAL", "pattern" },
	{ "SB_VALUE_TYPE_PATTERN_PREFIX", "prefix" },
	{ "SB_VALUE_TYPE_PATTERN_REGEX", "regex" },
};

/* The 13.0 database's arg_type codes (FORMAT.md §16.4), for notes only. */
static const char *const db_arg_types[] = {
	NULL, "bool", "bitfield", "int", "string", "string", "pattern",
	"prefix", "path", "network",
};

struct op {
	char *name;
	int parent;             /* op index or -1 */
	char *parent_name;      /* until resolved; NULL: none */
	unsigned flags;
	struct strvec cats;
	uint32_t mods;          /* bit n: modifier id n */
	char *cite;             /* override citation, or NULL */
};

struct val {
	char *name;
	long long v;
};

struct filter {
	char *name;             /* NULL: id unused */
	const struct kind *kind;
	char *cat;
	long long prereq;       /* 0: none */
	struct val *vals;
	size_t nvals;
	char *cite;             /* "filter" directive citation, or NULL */
};

struct modifier {
	char *name;             /* NULL: id unused */
	long long action, type, mask, flag;
	struct val *vals;
	size_t nvals;
};

struct gen {
	const char *shared, *outdir;
	struct input ov;                /* overrides.txt */
	struct input in_ops, in_db, in_filters, in_mods, in_xfilters;
	char *target;
	long slots;
	struct rename *renames;
	size_t nrenames;
	struct opover *opovers;
	size_t nopovers;
	long fid_first, fid_last;
	struct filtermap *fmaps;
	size_t nfmaps;
	struct kindover *kovers;
	size_t nkovers;
	struct strvec novalues;         /* "values FILTER none" */
	struct strvec novalues_cite;
	int names_only;                 /* write names.def only */

	struct sb_json *db, *ftab, *mtab, *xtab;
	struct op *ops;
	size_t nops;
	struct filter *filters;         /* indexed by id */
	size_t nfilters;
	struct modifier *mods;          /* indexed by id */
	size_t nmods;
	struct strvec cats;             /* category names, sorted: bit = index */
	struct strvec notes_ops, notes_filters, notes_mods;
};

/* ---------------------------------------------------------------- helpers */

static void
push(struct strvec *sv, const char *s)
{
	sv->v = xrealloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
	sv->v[sv->n++] = xstrdup(s);
}

static int
contains(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

static void note(struct strvec *sv, const char *fmt, ...) SB_PRINTF(2, 3);

static void
note(struct strvec *sv, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	push(sv, buf);
}

static char *
xasprintf(const char *fmt, ...) SB_PRINTF(1, 2);

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Read PATH whole into IN, hash it, and NUL-terminate the copy. */
static void
read_input(struct input *in, const char *path, const char *display)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, got;

	if (!f)
		sb_fatal("open %s:", path);
	in->path = xstrdup(path);
	in->display = xstrdup(display);
	in->base = strrchr(in->display, '/') ? strrchr(in->display, '/') + 1 :
	           in->display;
	in->text = xmalloc(cap);
	in->len = 0;
	while ((got = fread(in->text + in->len, 1, cap - in->len - 1, f)) > 0) {
		in->len += got;
		if (in->len + 1 == cap)
			in->text = xrealloc(in->text, cap *= 2);
	}
	if (ferror(f))
		sb_fatal("read %s:", path);
	fclose(f);
	in->text[in->len] = '\0';
	sb_sha256(in->text, in->len, in->sha);
}

static void
read_table(struct gen *g, struct input *in, const char *file)
{
	char *path = xasprintf("%s/" TABLES_DIR "/%s", g->shared, file);
	char *display = xasprintf(TABLES_DIR "/%s", file);

	read_input(in, path, display);
	free(path);
	free(display);
}

static struct sb_json *
load_json(const struct input *in)
{
	char err[512];
	struct sb_json *j = sb_json_load(in->path, err, sizeof(err));

	if (!j)
		sb_fatal("%s", err);
	return j;
}

static const char *
jstr(const struct sb_json *obj, const char *key)
{
	return sb_json_string(sb_json_get(obj, key));
}

/* Integer member KEY of OBJ, or DFLT when absent or null. */
static long long
jint(const struct sb_json *obj, const char *key, long long dflt)
{
	struct sb_json *v = sb_json_get(obj, key);
	long long n;

	if (!v || sb_json_typeof(v) == SB_JSON_NULL)
		return dflt;
	if (sb_json_integer(v, &n) < 0)
		sb_fatal("member '%s' is not an integer", key);
	return n;
}

static const struct kind *
kind_by_word(const char *w)
{
	for (size_t i = 0; i < countof(kinds); i++)
		if (strcmp(kinds[i].word, w) == 0)
			return &kinds[i];
	return NULL;
}

static int
ends_with_star(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '*';
}

/* ------------------------------------------------------------ overrides */

static long
parse_number(const char *s, const char *where)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || n < 0)
		sb_fatal("%s: bad number '%s'", where, s);
	return n;
}

/* The value of "KEY=VALUE" word W when it starts with KEY=, else NULL. */
static const char *
keyval(const char *w, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(w, key, n) == 0 && w[n] == '=')
		return w + n + 1;
	return NULL;
}

static void
parse_op(struct gen *g, char **w, int nw, const char *cite, const char *where)
{
	struct opover o = { 0 };
	int have_parent = 0;
	const char *v;

	if (nw < 2)
		sb_fatal("%s: op needs a name", where);
	o.name = xstrdup(w[1]);
	o.terminal = ~0u;
	for (int i = 2; i < nw; i++) {
		if ((v = keyval(w[i], "parent"))) {
			o.parent = strcmp(v, "none") ? xstrdup(v) : NULL;
			have_parent = 1;
		} else if ((v = keyval(w[i], "like")))
			o.like = xstrdup(v);
		else if ((v = keyval(w[i], "terminal"))) {
			if (strcmp(v, "none") == 0)
				o.terminal = 0;
			else if (strcmp(v, "allow") == 0)
				o.terminal = SB_OP_TERMINAL_ALLOW;
			else if (strcmp(v, "deny") == 0)
				o.terminal = SB_OP_TERMINAL_DENY;
			else
				sb_fatal("%s: terminal must be none, allow or deny", where);
		} else if (w[i][0] == '+' && w[i][1])
			push(&o.extra, w[i] + 1);
		else
			sb_fatal("%s: unknown op field '%s'", where, w[i]);
	}
	if (!o.like || o.terminal == ~0u || !have_parent)
		sb_fatal("%s: op needs parent= (none for a root), terminal= "
		         "and like=", where);
	o.cite = xstrdup(cite);
	g->opovers = xrealloc(g->opovers, (g->nopovers + 1) * sizeof(o));
	g->opovers[g->nopovers++] = o;
}

static void
need_words(int nw, int n, const char *where, const char *what)
{
	if (nw != n)
		sb_fatal("%s: %s takes %d argument%s", where, what, n - 1,
		         n == 2 ? "" : "s");
}

/* Whether CITE names a section of LANGUAGE.md or FORMAT.md. */
static int
cites_a_section(const char *cite)
{
	return strstr(cite, "LANGUAGE.md §") || strstr(cite, "FORMAT.md §");
}

static void
parse_directive(struct gen *g, char **w, int nw, const char *cite,
                const char *where)
{
	const char *d = w[0];

	if (g->names_only && strcmp(d, "target") != 0 &&
	    strcmp(d, "operations") != 0 && strcmp(d, "database") != 0)
		sb_fatal("%s: '%s' is not for a names-only target (target, "
		         "operations and database are)", where, d);
	if (strcmp(d, "target") == 0) {
		need_words(nw, 2, where, d);
		g->target = xstrdup(w[1]);
	} else if (strcmp(d, "names-only") == 0) {
		need_words(nw, 1, where, d);
		if (g->in_ops.text || g->in_db.text || g->in_filters.text ||
		    g->in_mods.text || g->in_xfilters.text)
			sb_fatal("%s: names-only must come before the tables",
			         where);
		g->names_only = 1;
	} else if (strcmp(d, "operations") == 0) {
		need_words(nw, 2, where, d);
		read_table(g, &g->in_ops, w[1]);
	} else if (strcmp(d, "database") == 0) {
		need_words(nw, 2, where, d);
		read_table(g, &g->in_db, w[1]);
	} else if (strcmp(d, "filters") == 0) {
		need_words(nw, 2, where, d);
		read_table(g, &g->in_filters, w[1]);
	} else if (strcmp(d, "modifiers") == 0) {
		need_words(nw, 2, where, d);
		read_table(g, &g->in_mods, w[1]);
	} else if (strcmp(d, "crosscheck-filters") == 0) {
		need_words(nw, 2, where, d);
		read_table(g, &g->in_xfilters, w[1]);
	} else if (strcmp(d, "slots") == 0) {
		need_words(nw, 2, where, d);
		g->slots = parse_number(w[1], where);
	} else if (strcmp(d, "rename") == 0) {
		need_words(nw, 3, where, d);
		g->renames = xrealloc(g->renames,
		                      (g->nrenames + 1) * sizeof(*g->renames));
		g->renames[g->nrenames].from = xstrdup(w[1]);
		g->renames[g->nrenames++].to = xstrdup(w[2]);
	} else if (strcmp(d, "op") == 0) {
		parse_op(g, w, nw, cite, where);
	} else if (strcmp(d, "filter-ids") == 0) {
		need_words(nw, 3, where, d);
		g->fid_first = parse_number(w[1], where);
		g->fid_last = parse_number(w[2], where);
		if (g->fid_first < 1 || g->fid_last < g->fid_first ||
		    g->fid_last > 0x7f)
			sb_fatal("%s: filter ids must lie in 1..0x7f", where);
	} else if (strcmp(d, "filter") == 0) {
		const char *v;
		struct filtermap m;

		need_words(nw, 3, where, d);
		if (!(v = keyval(w[2], "from")))
			sb_fatal("%s: expected from=ID", where);
		m.id = parse_number(w[1], where);
		m.from = parse_number(v, where);
		if (m.id < 1 || m.id > 0x7f)
			sb_fatal("%s: filter ids must lie in 1..0x7f", where);
		m.cite = xstrdup(cite);
		g->fmaps = xrealloc(g->fmaps, (g->nfmaps + 1) * sizeof(m));
		g->fmaps[g->nfmaps++] = m;
	} else if (strcmp(d, "kind") == 0) {
		struct kindover k = { 0 };

		need_words(nw, 3, where, d);
		k.filter = xstrdup(w[1]);
		k.kind = kind_by_word(w[2]);
		if (!k.kind || !k.kind->c)
			sb_fatal("%s: unknown kind '%s'", where, w[2]);
		g->kovers = xrealloc(g->kovers, (g->nkovers + 1) * sizeof(k));
		g->kovers[g->nkovers++] = k;
	} else if (strcmp(d, "values") == 0) {
		need_words(nw, 3, where, d);
		if (strcmp(w[2], "none") != 0)
			sb_fatal("%s: only 'values FILTER none' is known", where);
		push(&g->novalues, w[1]);
		push(&g->novalues_cite, cite);
	} else {
		sb_fatal("%s: unknown directive '%s'", where, d);
	}
}

/*
** Read overrides.txt: per line, '#' starts a comment, "; CITATION" ends
** the directive, and the rest is blank-separated words.
*/
static void
parse_overrides(struct gen *g)
{
	char *text = xstrdup(g->ov.text);
	char *line = text, *next;
	int lineno = 0;

	for (; line; line = next) {
		char *w[32], *cite, *p, *hash;
		char where[512];
		int nw = 0;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		snprintf(where, sizeof(where), "%s:%d", g->ov.display, lineno);
		cite = strchr(line, ';');
		if (cite) {
			*cite++ = '\0';
			while (*cite == ' ' || *cite == '\t')
				cite++;
			for (p = cite + strlen(cite); p > cite &&
			     (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r');)
				*--p = '\0';
		}
		for (p = strtok(line, " \t\r"); p; p = strtok(NULL, " \t\r")) {
			if (nw == (int)countof(w))
				sb_fatal("%s: too many words", where);
			w[nw++] = p;
		}
		if (nw == 0) {
			if (cite && *cite)
				sb_fatal("%s: citation without a directive", where);
			continue;
		}
		if (!cite || !cites_a_section(cite))
			sb_fatal("%s: directive '%s' cites no LANGUAGE.md or "
			         "FORMAT.md section (\"; FORMAT.md §N\")", where, w[0]);
		parse_directive(g, w, nw, cite, where);
	}
	free(text);
	if (g->names_only) {
		if (!g->target || (!g->in_ops.text && !g->in_db.text))
			sb_fatal("%s: a names-only target needs target and "
			         "operations or database", g->ov.display);
		return;
	}
	if (!g->target || !g->in_ops.text || !g->in_db.text ||
	    !g->in_filters.text || !g->in_mods.text)
		sb_fatal("%s: target, operations, database, filters and "
		         "modifiers are required", g->ov.display);
	if (g->fid_last == 0)
		sb_fatal("%s: filter-ids is required", g->ov.display);
}

/* ----------------------------------------------------------- modifiers */

/* Whether NAME has value V among the N values at VALS. */
static int
has_val(const struct val *vals, size_t n, const char *name, long long v)
{
	for (size_t i = 0; i < n; i++)
		if (vals[i].v == v && strcmp(vals[i].name, name) == 0)
			return 1;
	return 0;
}

/*
** Give each name in VALS (N of them) one value, kept at its first place;
** returns the new count. A name listed with different values takes the
** one the other table OTHER (NOTHER values, from file OTHERNAME) gives it
** when that table gives exactly one; otherwise the later one, as
** successive defines would bind it [inferred].
*/
static size_t
resolve_names(struct val *vals, size_t n, const struct val *other,
              size_t nother, const char *othername, struct strvec *notes,
              const char *owner)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = vals[i].name;
		long long pick = vals[i].v, last = vals[i].v, theirs = 0;
		size_t k, ntheirs = 0;
		int differs = 0;

		for (k = 0; k < out; k++)
			if (strcmp(vals[k].name, name) == 0)
				break;
		if (k < out)
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(vals[j].name, name) == 0) {
				differs |= vals[j].v != vals[i].v;
				last = vals[j].v;
			}
		if (differs) {
			for (size_t j = 0; j < nother; j++)
				if (strcmp(other[j].name, name) == 0) {
					theirs = other[j].v;
					ntheirs++;
				}
			if (ntheirs == 1 && has_val(vals + i, n - i, name, theirs)) {
				pick = theirs;
				note(notes, "%s: %s has several values in the "
				     "database; %lld, the one %s gives, is bound",
				     owner, name, pick, othername);
			} else {
				pick = last;
				note(notes, "%s: %s has several values in the "
				     "database; the later, %lld, is bound (as by "
				     "successive defines) [inferred]", owner, name,
				     pick);
			}
		}
		vals[out] = vals[i];
		vals[out++].v = pick;
	}
	return out;
}

static int
cmp_val(const void *a, const void *b)
{
	const struct val *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The database's "aliases" list [{name, id}] as values, or NULL. */
static struct val *
db_aliases(const struct sb_json *entry, size_t *n)
{
	struct sb_json *al = sb_json_get(entry, "aliases");
	size_t len = sb_json_len(al);
	struct val *v;

	*n = len;
	if (len == 0)
		return NULL;
	v = xcalloc(len, sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		struct sb_json *a = sb_json_at(al, i);
		const char *name = jstr(a, "name");

		if (!name || jint(a, "id", -1) < 0)
			sb_fatal("alias %zu of '%s': name or id missing", i,
			         jstr(entry, "name"));
		v[i].name = xstrdup(name);
		v[i].v = jint(a, "id", -1);
	}
	return v;
}

static const char *const modifier_types[] = {
	NULL, "SB_ARG_NONE", "SB_ARG_INT", "SB_ARG_STRING", "SB_ARG_POLICY",
};

static const char *const action_names[] = {
	NULL, "SB_ACTION_DENY", "SB_ACTION_ALLOW", "SB_ACTION_BOTH",
};

static void
crosscheck_modifiers(struct gen *g)
{
	size_t same = 0, total = 0;

	for (struct sb_json_iter *it = sb_json_iter(g->mtab); it;
	     it = sb_json_iter_next(g->mtab, it)) {
		const char *key = sb_json_iter_key(it);
		struct sb_json *e = sb_json_iter_value(it);
		long id = parse_number(key, g->in_mods.display);
		const struct modifier *m;
		const char *name = jstr(e, "name");

		total++;
		if ((size_t)id >= g->nmods || !g->mods[id].name) {
			note(&g->notes_mods, "%s has modifier %ld '%s', the "
			     "database does not", g->in_mods.base, id,
			     name ? name : "");
			continue;
		}
		m = &g->mods[id];
		if (!name || strcmp(name, m->name) != 0 ||
		    jint(e, "action", -1) != m->action ||
		    jint(e, "type", -1) != m->type ||
		    jint(e, "action_mask", -1) != m->mask ||
		    jint(e, "action_flag", -1) != m->flag) {
			note(&g->notes_mods, "%s differs on modifier %ld '%s'",
			     g->in_mods.base, id, name ? name : "");
			continue;
		}
		same++;
	}
	note(&g->notes_mods, "cross-check: %s agrees on %zu of its %zu "
	     "modifiers", g->in_mods.base, same, total);
}

static void
build_modifiers(struct gen *g)
{
	struct sb_json *arr = sb_json_get(g->db, "modifiers");
	size_t len = sb_json_len(arr);

	g->nmods = 0;
	for (size_t i = 0; i < len; i++) {
		long long id = jint(sb_json_at(arr, i), "id", -1);

		if (id < 0 || id >= MAX_MODIFIERS)
			sb_fatal("%s: modifier %zu has no id below %d",
			         g->in_db.display, i, MAX_MODIFIERS);
		if ((size_t)id >= g->nmods)
			g->nmods = (size_t)id + 1;
	}
	g->mods = xcalloc(g->nmods, sizeof(*g->mods));
	for (size_t i = 0; i < len; i++) {
		struct sb_json *e = sb_json_at(arr, i);
		struct modifier *m = &g->mods[jint(e, "id", -1)];
		const char *name = jstr(e, "name");
		struct val *other;
		size_t nother;
		char key[32];

		if (!name)
			continue;       /* id 0: unused */
		snprintf(key, sizeof(key), "%lld", jint(e, "id", -1));
		if (m->name)
			sb_fatal("%s: modifier id %lld twice", g->in_db.display,
			         jint(e, "id", -1));
		m->name = xstrdup(name);
		m->action = jint(e, "action", -1);
		m->type = jint(e, "type", -1);
		m->mask = jint(e, "action_mask", 0);
		m->flag = jint(e, "action_flag", 0);
		if (m->action < 1 || m->action > 3 || m->type < 1 ||
		    m->type > 4 || m->mask < 0 || m->mask > 0xffffff ||
		    m->flag < 0 || m->flag > 0xffffff)
			sb_fatal("%s: modifier '%s': unknown action, type, mask "
			         "or flag", g->in_db.display, name);
		m->vals = db_aliases(e, &m->nvals);
		other = db_aliases(sb_json_get(g->mtab, key), &nother);
		m->nvals = resolve_names(m->vals, m->nvals, other, nother,
		                         g->in_mods.base, &g->notes_mods, name);
		if (m->nvals)
			qsort(m->vals, m->nvals, sizeof(*m->vals), cmp_val);
	}
	crosscheck_modifiers(g);
}

static int
modifier_id(const struct gen *g, const char *name)
{
	for (size_t i = 0; i < g->nmods; i++)
		if (g->mods[i].name && strcmp(g->mods[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------- operations */

/* NAME as the target spells it: the first matching rename applied. */
static char *
renamed(const struct gen *g, const char *name)
{
	for (size_t i = 0; i < g->nrenames; i++) {
		const char *from = g->renames[i].from;
		size_t n = strlen(from);

		if (strncmp(name, from, n) == 0 &&
		    (name[n] == '\0' || name[n] == '*' || name[n] == '-'))
			return xasprintf("%s%s", g->renames[i].to, name + n);
	}
	return xstrdup(name);
}

static struct sb_json *
db_ops(const struct gen *g)
{
	return sb_json_get(g->db, "operations");
}

/* The database operation the target spells NAME, or NULL. */
static struct sb_json *
db_op(const struct gen *g, const char *name)
{
	struct sb_json *ops = db_ops(g);

	for (size_t i = 0; i < sb_json_len(ops); i++) {
		struct sb_json *o = sb_json_at(ops, i);
		const char *n = jstr(o, "name");
		char *r;
		int eq;

		if (!n)
			sb_fatal("%s: operation %zu has no name",
			         g->in_db.display, i);
		r = renamed(g, n);
		eq = strcmp(r, name) == 0;
		free(r);
		if (eq)
			return o;
	}
	return NULL;
}

static struct sb_json *
db_op_by_id(const struct gen *g, long long id)
{
	struct sb_json *ops = db_ops(g);

	for (size_t i = 0; i < sb_json_len(ops); i++)
		if (jint(sb_json_at(ops, i), "id", -1) == id)
			return sb_json_at(ops, i);
	sb_fatal("%s: no operation with id %lld", g->in_db.display, id);
}

static void
op_accepts(struct gen *g, struct op *op, const struct sb_json *d,
           struct strvec *ignored)
{
	struct sb_json *cats = sb_json_get(d, "categories");
	struct sb_json *mods = sb_json_get(d, "modifiers");

	for (size_t i = 0; i < sb_json_len(cats); i++) {
		const char *c = sb_json_string(sb_json_at(cats, i));

		if (!c)
			sb_fatal("%s: '%s': category %zu is no string",
			         g->in_db.display, op->name, i);
		if (!contains(&op->cats, c))
			push(&op->cats, c);
	}
	for (size_t i = 0; i < sb_json_len(mods); i++) {
		const char *m = sb_json_string(sb_json_at(mods, i));
		int id;

		if (!m)
			sb_fatal("%s: '%s': modifier %zu is no string",
			         g->in_db.display, op->name, i);
		id = modifier_id(g, m);
		if (id < 0) {
			if (!contains(ignored, m))
				push(ignored, m);
			continue;
		}
		op->mods |= UINT32_C(1) << id;
	}
}

/* LANGUAGE.md §6.3: node_type 0 = fixed decision, action 1 = allow, else deny. */
static void
op_from_db(struct gen *g, size_t i, const struct sb_json *d,
           struct strvec *ignored)
{
	struct op *op = &g->ops[i];
	struct sb_json *info = sb_json_get(d, "info");
	long long type = jint(info, "node_type", -1);
	long long action = jint(info, "action", 0);
	long long jump = jint(info, "jump_target_operation", -1);

	if (type != 0 && type != 1)
		sb_fatal("%s: '%s': unknown node_type", g->in_db.display,
		         op->name);
	if (action != 0 && action != 1)
		sb_fatal("%s: '%s': unknown action %lld", g->in_db.display,
		         op->name, action);
	if (i == 0) {
		if (jump >= 0)
			sb_fatal("%s: the root '%s' has a parent",
			         g->in_db.display, op->name);
	} else if (type == 0) {
		op->flags |= action == 1 ? SB_OP_TERMINAL_ALLOW :
		             SB_OP_TERMINAL_DENY;
	}
	if (jump >= 0)
		op->parent_name = renamed(g, jstr(db_op_by_id(g, jump), "name"));
	else if (i != 0 && type == 1)
		op->parent_name = xstrdup(g->ops[0].name);
	op_accepts(g, op, d, ignored);
}

static void
op_from_override(struct gen *g, size_t i, struct opover *o,
                 struct strvec *ignored)
{
	struct op *op = &g->ops[i];
	struct sb_json *like = db_op(g, o->like);

	if (!like)
		sb_fatal("%s: op '%s': like=%s is no database operation",
		         g->ov.display, o->name, o->like);
	op->parent_name = o->parent ? xstrdup(o->parent) : NULL;
	op->flags |= o->terminal;
	op->cite = o->cite;
	op_accepts(g, op, like, ignored);
	for (size_t k = 0; k < o->extra.n; k++)
		if (!contains(&op->cats, o->extra.v[k]))
			push(&op->cats, o->extra.v[k]);
	o->used = 1;
}

static void
read_op_names(struct gen *g)
{
	char *text = xstrdup(g->in_ops.text);
	char *line = text, *next;
	size_t lineno = 0;

	for (; line && *line; line = next) {
		size_t n;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || strpbrk(line, " \t\"\\"))
			sb_fatal("%s:%zu: not an operation name",
			         g->in_ops.display, lineno);
		for (size_t i = 0; i < g->nops; i++)
			if (strcmp(g->ops[i].name, line) == 0)
				sb_fatal("%s:%zu: '%s' twice", g->in_ops.display,
				         lineno, line);
		g->ops = xrealloc(g->ops, (g->nops + 1) * sizeof(*g->ops));
		memset(&g->ops[g->nops], 0, sizeof(*g->ops));
		g->ops[g->nops].name = xstrdup(line);
		g->ops[g->nops++].parent = -1;
	}
	free(text);
	if (g->nops == 0 || g->nops > SB_NONE)
		sb_fatal("%s: bad number of operations", g->in_ops.display);
	if (g->slots <= 0 || (size_t)g->slots > g->nops || g->slots > 255)
		sb_fatal("slots %ld does not fit %zu operations and a u8 "
		         "op_count", g->slots, g->nops);
}

static int
op_index(const struct gen *g, const char *name)
{
	for (size_t i = 0; i < g->nops; i++)
		if (strcmp(g->ops[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
** Every chain of parents ends, without a cycle, at the root (index 0) or
** at a fixed-decision operation, and never crosses between slot and
** message-filter operations; every family has a child.
*/
static void
check_tree(const struct gen *g)
{
	for (size_t i = 0; i < g->nops; i++) {
		const struct op *op = &g->ops[i];
		unsigned mf = op->flags & SB_OP_MESSAGE_FILTER;
		size_t j = i, steps = 0;

		while (g->ops[j].parent >= 0) {
			j = (size_t)g->ops[j].parent;
			if (++steps > g->nops)
				sb_fatal("operation '%s': its parents form a "
				         "cycle", op->name);
			if ((g->ops[j].flags & SB_OP_MESSAGE_FILTER) != mf)
				sb_fatal("operation '%s': parent chain crosses "
				         "the message-filter boundary", op->name);
		}
		if (j != 0 && !(g->ops[j].flags &
		                (SB_OP_TERMINAL_ALLOW | SB_OP_TERMINAL_DENY)))
			sb_fatal("operation '%s': the chain of parents ends at "
			         "'%s', neither root nor fixed decision",
			         op->name, g->ops[j].name);
		if (op->flags & SB_OP_FAMILY) {
			size_t k;

			for (k = 0; k < g->nops; k++)
				if (g->ops[k].parent == (int)i)
					break;
			if (k == g->nops)
				sb_fatal("family '%s' has no operation below it",
				         op->name);
		}
	}
}

static void
note_ops(struct gen *g, const struct strvec *ignored)
{
	struct sb_json *ops = db_ops(g);
	char allow[1024] = "", deny[1024] = "";

	for (size_t r = 0; r < g->nrenames; r++) {
		size_t n = 0;

		for (size_t i = 0; i < sb_json_len(ops); i++) {
			const char *name = jstr(sb_json_at(ops, i), "name");
			char *t = renamed(g, name);

			n += strcmp(t, name) != 0 &&
			     strncmp(t, g->renames[r].to,
			             strlen(g->renames[r].to)) == 0;
			free(t);
		}
		note(&g->notes_ops, "rename: %zu database names "
		     "%s... are %s... here", n, g->renames[r].from,
		     g->renames[r].to);
	}
	for (size_t i = 0; i < g->nops; i++) {
		char *dst = g->ops[i].flags & SB_OP_TERMINAL_ALLOW ? allow :
		            g->ops[i].flags & SB_OP_TERMINAL_DENY ? deny : NULL;

		if (dst && strlen(dst) + strlen(g->ops[i].name) + 2 < 1024) {
			strcat(dst, " ");
			strcat(dst, g->ops[i].name);
		}
	}
	note(&g->notes_ops, "fixed decision deny:%s", deny);
	note(&g->notes_ops, "fixed decision allow:%s", allow);
	for (size_t i = 0; i < ignored->n; i++)
		note(&g->notes_ops, "per-operation modifier '%s' of %s is no "
		     "modifier there: ignored", ignored->v[i], g->in_db.base);
}

static void
build_ops(struct gen *g)
{
	struct strvec ignored = { 0 };
	struct sb_json *ops = db_ops(g);

	read_op_names(g);
	if (sb_json_len(ops) == 0)
		sb_fatal("%s: no operations", g->in_db.display);
	for (size_t i = 0; i < g->nops; i++) {
		struct sb_json *d = db_op(g, g->ops[i].name);
		struct opover *o = NULL;

		for (size_t k = 0; k < g->nopovers; k++)
			if (strcmp(g->opovers[k].name, g->ops[i].name) == 0)
				o = &g->opovers[k];
		if (d && o)
			sb_fatal("operation '%s' is in %s and has an op line in "
			         "%s", g->ops[i].name, g->in_db.display,
			         g->ov.display);
		if (!d && !o)
			sb_fatal("operation '%s' is not in %s: add an op line "
			         "to %s", g->ops[i].name, g->in_db.display,
			         g->ov.display);
		if (d)
			op_from_db(g, i, d, &ignored);
		else
			op_from_override(g, i, o, &ignored);
		if (ends_with_star(g->ops[i].name))
			g->ops[i].flags |= SB_OP_FAMILY;
		if (i >= (size_t)g->slots)
			g->ops[i].flags |= SB_OP_MESSAGE_FILTER;
	}
	for (size_t k = 0; k < g->nopovers; k++)
		if (!g->opovers[k].used)
			sb_fatal("%s: op '%s' is not in %s", g->ov.display,
			         g->opovers[k].name, g->in_ops.display);
	for (size_t i = 0; i < sb_json_len(ops); i++) {
		const char *name = jstr(sb_json_at(ops, i), "name");
		char *t = renamed(g, name);

		if (op_index(g, t) < 0)
			sb_fatal("%s: operation '%s' is not in %s; add a rename",
			         g->in_db.display, t, g->in_ops.display);
		free(t);
	}
	for (size_t i = 0; i < g->nops; i++) {
		struct op *op = &g->ops[i];

		if (!op->parent_name)
			continue;
		op->parent = op_index(g, op->parent_name);
		if (op->parent < 0)
			sb_fatal("operation '%s': parent '%s' is not in %s",
			         op->name, op->parent_name, g->in_ops.display);
	}
	check_tree(g);
	note_ops(g, &ignored);
}

/* ------------------------------------------------------------- filters */

static struct sb_json *
db_filter(const struct gen *g, const char *name)
{
	struct sb_json *fs = sb_json_get(g->db, "filters");

	for (size_t i = 0; i < sb_json_len(fs); i++) {
		const char *n = jstr(sb_json_at(fs, i), "name");

		if (n && strcmp(n, name) == 0)
			return sb_json_at(fs, i);
	}
	return NULL;
}

/* Filter FROM of the filter table as filter ID of the target. */
static void
fill_filter(struct gen *g, long id, long from, const char *cite)
{
	struct filter *f = &g->filters[id];
	char key[32];
	struct sb_json *e;
	const char *name, *type, *cat, *word = NULL;

	snprintf(key, sizeof(key), "%ld", from);
	e = sb_json_get(g->ftab, key);
	if (!e)
		sb_fatal("%s has no filter %ld", g->in_filters.display, from);
	if (f->name)
		sb_fatal("%s: filter 0x%02lx is given twice", g->ov.display, id);
	name = jstr(e, "name");
	type = jstr(e, "argument_type");
	cat = jstr(e, "category");
	if (!name || !type || !cat)
		sb_fatal("%s: filter %ld lacks name, argument_type or category",
		         g->in_filters.display, from);
	for (size_t i = 0; i < countof(filter_types); i++)
		if (strcmp(filter_types[i].type, type) == 0)
			word = filter_types[i].kind;
	if (!word)
		sb_fatal("%s: filter '%s': unknown argument_type %s",
		         g->in_filters.display, name, type);
	f->name = xstrdup(name);
	f->kind = kind_by_word(word);
	f->cat = xstrdup(cat);
	f->prereq = jint(e, "prerequisite", 0);
	f->cite = cite ? xstrdup(cite) : NULL;
	if (f->prereq != 0 && from != id)
		sb_fatal("filter '%s' is renumbered and has a prerequisite",
		         name);
}

/* The filter table's named values {"value": "NAME"} of ENTRY. */
static struct val *
table_values(struct gen *g, const struct sb_json *entry, const char *owner,
             size_t *n)
{
	struct sb_json *m = sb_json_get(entry, "modifiers");
	struct val *v = xcalloc(sb_json_len(m) + 1, sizeof(*v));
	struct strvec odd = { 0 };

	*n = 0;
	for (struct sb_json_iter *it = sb_json_iter(m); it;
	     it = sb_json_iter_next(m, it)) {
		const char *name = sb_json_string(sb_json_iter_value(it));

		if (!name)
			sb_fatal("%s: '%s': a value without a name",
			         g->in_filters.display, owner);
		/* e.g. "BIOC*BLEN": one label for several ioctls, no name */
		if (strchr(name, '*')) {
			push(&odd, name);
			continue;
		}
		v[*n].name = xstrdup(name);
		v[(*n)++].v = parse_number(sb_json_iter_key(it),
		                           g->in_filters.display);
	}
	if (odd.n) {
		char list[512] = "";

		for (size_t i = 0; i < odd.n && strlen(list) < 400; i++) {
			strcat(list, " ");
			strcat(list, odd.v[i]);
		}
		note(&g->notes_filters, "%s: %s labels with '*' skipped "
		     "(not names):%s", owner, g->in_filters.base, list);
	}
	return v;
}

static struct val *
find_val(struct val *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/*
** Named values of filter F. The database's list is the base: it is the
** table LANGUAGE.md §6.3 takes for Sonoma and keeps synonyms (AF_UNIX
** beside AF_LOCAL) that the filter table, keyed by value, cannot. Names
** only the filter table has are added unless it numbers some shared name
** differently, in which case the filter was renumbered after the database
** and only the database's values are kept.
*/
static void
build_values(struct gen *g, struct filter *f, long id,
             const struct sb_json *entry)
{
	struct sb_json *d = db_filter(g, f->name);
	size_t na = 0, nb = 0, nconf = 0, nadd = 0;
	struct val *a = d ? db_aliases(d, &na) : NULL;
	struct val *b = table_values(g, entry, f->name, &nb);
	const struct val *conf = NULL;

	for (size_t i = 0; i < g->novalues.n; i++)
		if (strcmp(g->novalues.v[i], f->name) == 0) {
			note(&g->notes_filters, "%s: no named values (%zu in "
			     "the database, %zu in the filter table); %s: %s",
			     f->name, na, nb, g->ov.display,
			     g->novalues_cite.v[i]);
			return;
		}
	if (d && jint(d, "id", -1) != id)
		note(&g->notes_filters, "%s: id %lld in %s", f->name,
		     jint(d, "id", -1), g->in_db.base);
	na = resolve_names(a, na, b, nb, g->in_filters.base,
	                   &g->notes_filters, f->name);
	for (size_t i = 0; i < nb; i++) {
		struct val *x = find_val(a, na, b[i].name);

		if (x && !has_val(b, nb, x->name, x->v) && nconf++ == 0)
			conf = &b[i];
	}
	if (na && nconf) {
		const struct val *x = find_val(a, na, conf->name);

		note(&g->notes_filters, "%s: %s renumbers %zu of its names "
		     "(%s: %lld there, %lld in the database); only the "
		     "database's values are bound", f->name,
		     g->in_filters.base, nconf, conf->name, conf->v, x->v);
		nb = 0;
	}
	a = xrealloc(a, (na + nb + 1) * sizeof(*a));
	for (size_t i = 0; i < nb; i++)
		if (!find_val(a, na, b[i].name)) {
			a[na++] = b[i];
			nadd++;
		}
	if (nadd && na > nadd)
		note(&g->notes_filters, "%s: added %zu name(s) only %s has",
		     f->name, nadd, g->in_filters.base);
	for (size_t i = 0; i < na; i++)
		if (a[i].v < 0 || a[i].v > 0xffff)
			sb_fatal("%s: value %s = %lld does not fit 16 bits",
			         f->name, a[i].name, a[i].v);
	if (na)
		qsort(a, na, sizeof(*a), cmp_val);
	f->vals = a;
	f->nvals = na;
}

/* Compare names with the decoder's table, which uses ids below 0x80 and some aliases. */
static void
crosscheck_filters(struct gen *g)
{
	char diff[2048] = "";
	size_t same = 0, total = 0;

	if (!g->xtab)
		return;
	for (struct sb_json_iter *it = sb_json_iter(g->xtab); it;
	     it = sb_json_iter_next(g->xtab, it)) {
		long id = parse_number(sb_json_iter_key(it),
		                       g->in_xfilters.display);
		const char *name = jstr(sb_json_iter_value(it), "name");

		if (id >= 0x80 || !name || !*name)
			continue;
		total++;
		if ((size_t)id >= g->nfilters || !g->filters[id].name)
			sb_fatal("%s: filter 0x%02lx '%s' is unknown here",
			         g->in_xfilters.display, id, name);
		if (strcmp(name, g->filters[id].name) == 0) {
			same++;
		} else if (strlen(diff) < sizeof(diff) - 128) {
			snprintf(diff + strlen(diff), sizeof(diff) - strlen(diff),
			         " 0x%02lx %s (%s)", id, name, g->filters[id].name);
		}
	}
	note(&g->notes_filters, "cross-check: %s agrees on %zu of its %zu "
	     "named ids below 0x80; it says%s", g->in_xfilters.base, same,
	     total, diff);
}

static void
build_filters(struct gen *g)
{
	long max = g->fid_last;

	for (size_t i = 0; i < g->nfmaps; i++)
		if (g->fmaps[i].id > max)
			max = g->fmaps[i].id;
	g->nfilters = (size_t)max + 1;
	g->filters = xcalloc(g->nfilters, sizeof(*g->filters));
	for (long id = g->fid_first; id <= g->fid_last; id++)
		fill_filter(g, id, id, NULL);
	for (size_t i = 0; i < g->nfmaps; i++)
		fill_filter(g, g->fmaps[i].id, g->fmaps[i].from,
		            g->fmaps[i].cite);
	for (size_t k = 0; k < g->nkovers; k++) {
		for (size_t id = 1; id < g->nfilters; id++)
			if (g->filters[id].name &&
			    strcmp(g->filters[id].name, g->kovers[k].filter) == 0) {
				g->filters[id].kind = g->kovers[k].kind;
				g->kovers[k].used = 1;
			}
		if (!g->kovers[k].used)
			sb_fatal("%s: kind: no filter '%s'", g->ov.display,
			         g->kovers[k].filter);
	}
	for (size_t i = 0; i < g->novalues.n; i++) {
		size_t id;

		for (id = 1; id < g->nfilters; id++)
			if (g->filters[id].name &&
			    strcmp(g->filters[id].name, g->novalues.v[i]) == 0)
				break;
		if (id == g->nfilters)
			sb_fatal("%s: values: no filter '%s'", g->ov.display,
			         g->novalues.v[i]);
	}
	for (size_t id = 1; id < g->nfilters; id++) {
		struct filter *f = &g->filters[id];
		struct sb_json *d;
		char key[32];

		if (!f->name)
			continue;
		if (!f->kind->c)
			sb_fatal("filter '%s' has kind regex in %s: add a kind "
			         "line to %s", f->name, g->in_filters.display,
			         g->ov.display);
		if (f->prereq && ((size_t)f->prereq >= g->nfilters ||
		                  !g->filters[f->prereq].name))
			sb_fatal("filter '%s': prerequisite %lld is no filter",
			         f->name, f->prereq);
		for (size_t k = 1; k < id; k++)
			if (g->filters[k].name &&
			    strcmp(g->filters[k].name, f->name) == 0)
				sb_fatal("filter '%s' twice", f->name);
		d = db_filter(g, f->name);
		if (d) {
			long long t = jint(d, "arg_type", -1);

			if (t > 0 && t < (long long)countof(db_arg_types) &&
			    strcmp(db_arg_types[t], f->kind->word) != 0)
				note(&g->notes_filters, "%s: kind %s (%s in %s)",
				     f->name, f->kind->word, db_arg_types[t],
				     g->in_db.base);
		}
		snprintf(key, sizeof(key), "%ld", (long)id);
		for (size_t i = 0; i < g->nfmaps; i++)
			if (g->fmaps[i].id == (long)id)
				snprintf(key, sizeof(key), "%ld", g->fmaps[i].from);
		build_values(g, f, (long)id, sb_json_get(g->ftab, key));
	}
	crosscheck_filters(g);
}

/* ---------------------------------------------------------- categories */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cat_bit(const struct gen *g, const char *name)
{
	for (size_t i = 0; i < g->cats.n; i++)
		if (strcmp(g->cats.v[i], name) == 0)
			return (int)i;
	sb_fatal("category '%s' unknown", name);
}

/* Number the categories used by operations or filters, in name order. */
static void
build_categories(struct gen *g)
{
	struct strvec unused = { 0 }, filterless = { 0 };

	for (size_t i = 0; i < g->nops; i++)
		for (size_t k = 0; k < g->ops[i].cats.n; k++)
			if (!contains(&g->cats, g->ops[i].cats.v[k]))
				push(&g->cats, g->ops[i].cats.v[k]);
	for (size_t id = 1; id < g->nfilters; id++)
		if (g->filters[id].name && !contains(&g->cats, g->filters[id].cat))
			push(&g->cats, g->filters[id].cat);
	if (g->cats.n > MAX_CATEGORIES)
		sb_fatal("%zu filter categories do not fit 64 bits", g->cats.n);
	qsort(g->cats.v, g->cats.n, sizeof(*g->cats.v), cmp_str);
	for (size_t c = 0; c < g->cats.n; c++) {
		int byop = 0, byfilter = 0;

		for (size_t i = 0; i < g->nops; i++)
			byop |= contains(&g->ops[i].cats, g->cats.v[c]);
		for (size_t id = 1; id < g->nfilters; id++)
			byfilter |= g->filters[id].name &&
			            strcmp(g->filters[id].cat, g->cats.v[c]) == 0;
		if (!byop)
			push(&unused, g->cats.v[c]);
		if (!byfilter)
			push(&filterless, g->cats.v[c]);
	}
	for (size_t i = 0; i < unused.n; i++)
		note(&g->notes_filters, "category %s: no operation accepts it",
		     unused.v[i]);
	for (size_t i = 0; i < filterless.n; i++)
		note(&g->notes_ops, "category %s: no filter has it",
		     filterless.v[i]);
}

/* ------------------------------------------------------------- output */

struct out {
	FILE *f;
	char *path;             /* final name */
	char *tmp;              /* written first, renamed when all are done */
};

/* Text for inside a comment: "*" followed by "/" must not end it. */
static void
put_comment_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		fputc(*s, f);
		if (s[0] == '*' && s[1] == '/')
			fputc(' ', f);
	}
}

static void
put_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* Print TEXT as "** " lines of at most about 76 columns. */
static void
put_wrapped(FILE *f, const char *first, const char *rest, const char *text)
{
	const char *p = text;
	const char *lead = first;

	while (*p) {
		size_t room = 76 - strlen(lead), n = strlen(p), cut = n;

		if (n > room) {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				for (cut = room; p[cut] && p[cut] != ' '; cut++)
					;
		}
		fprintf(f, "**%s", lead);
		for (size_t i = 0; i < cut; i++) {
			fputc(p[i], f);
			if (p[i] == '*' && i + 1 < cut && p[i + 1] == '/')
				fputc(' ', f);
		}
		fputc('\n', f);
		p += cut;
		while (*p == ' ')
			p++;
		lead = rest;
	}
}

static struct out
open_out(const struct gen *g, const char *file)
{
	struct out o;

	o.path = xasprintf("%s/%s", g->outdir, file);
	o.tmp = xasprintf("%s.tmp", o.path);
	o.f = fopen(o.tmp, "w");
	if (!o.f)
		sb_fatal("open %s:", o.tmp);
	return o;
}

static void
close_out(struct out *o)
{
	if (ferror(o->f) || fclose(o->f) != 0)
		sb_fatal("write %s:", o->tmp);
}

static void
commit_out(struct out *o)
{
	if (rename(o->tmp, o->path) != 0)
		sb_fatal("rename %s:", o->path);
}

/*
** The opening comment of a generated file: what it is, its inputs with
** their SHA-256, what its rows' names are (ROWSOF), its row shapes (ROWS,
** one per line) and the NOTES the generator collected while reading the
** tables.
*/
static void
put_header_rows(FILE *f, const struct gen *g, const char *file,
                const struct input *const *in, size_t nin,
                const char *rowsof, const char *const *rows, size_t nrows,
                const struct strvec *notes)
{
	fprintf(f, "/*\n** kext/targets/%s/%s: GENERATED by "
	        "kext/targets/mkdefs.c;\n** do not edit. Change "
	        "overrides.txt or mkdefs.c and run `make defs`;\n"
	        "** `make check-defs` verifies (kext/targets/README.md, "
	        "DESIGN.md §11).\n**\n** Inputs (SHA-256), tables relative "
	        "to SHARED (FORMAT.md §16.4):\n", g->target, file);
	for (size_t i = 0; i < nin; i++) {
		fprintf(f, "**   %s\n**     ", in[i]->display);
		put_hex(f, in[i]->sha, sizeof(in[i]->sha));
		fputc('\n', f);
	}
	fprintf(f, "**\n** Rows (%s). Define the row "
	        "macros you need, then\n** include this file; the others "
	        "expand to nothing, and all of them are\n** #undef'd at the "
	        "end.\n", rowsof);
	for (size_t i = 0; i < nrows; i++)
		put_wrapped(f, "   ", "     ", rows[i]);
	if (notes->n) {
		fprintf(f, "**\n** Notes from the tables:\n");
		for (size_t i = 0; i < notes->n; i++)
			put_wrapped(f, " - ", "   ", notes->v[i]);
	}
	fprintf(f, "*/\n");
}

static void
put_header(FILE *f, const struct gen *g, const char *file,
           const struct input *const *in, size_t nin,
           const char *const *rows, size_t nrows, const struct strvec *notes)
{
	put_header_rows(f, g, file, in, nin, "names in kext/target.h", rows,
	                nrows, notes);
}

static void
put_guards(FILE *f, const char *const *protos, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(protos[i], "(");

		fprintf(f, "#ifndef %.*s\n#define %s\n#endif\n", (int)len,
		        protos[i], protos[i]);
	}
}

static void
put_undefs(FILE *f, const char *const *protos, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "#undef %.*s\n", (int)strcspn(protos[i], "("),
		        protos[i]);
}

static size_t
name_width(const struct gen *g)
{
	size_t w = 0;

	for (size_t i = 0; i < g->nops; i++)
		if (strlen(g->ops[i].name) > w)
			w = strlen(g->ops[i].name);
	return w + 2;
}

static void
put_op_flags(FILE *f, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ SB_OP_FAMILY, "SB_OP_FAMILY" },
		{ SB_OP_TERMINAL_ALLOW, "SB_OP_TERMINAL_ALLOW" },
		{ SB_OP_TERMINAL_DENY, "SB_OP_TERMINAL_DENY" },
		{ SB_OP_MESSAGE_FILTER, "SB_OP_MESSAGE_FILTER" },
	};
	const char *sep = "";

	if (flags == 0)
		fputc('0', f);
	for (size_t i = 0; i < countof(names); i++)
		if (flags & names[i].bit) {
			fprintf(f, "%s%s", sep, names[i].name);
			sep = " | ";
		}
}

static void
write_operations(const struct gen *g, struct out *o)
{
	static const char *const protos[] = {
		"OP(id, name, parent, flags)",
		"OP_ACCEPTS(id, categories, modifiers)",
	};
	static const char *const rows[] = {
		"OP(id, \"name\", parent id or SB_NONE, SB_OP_* flags): ids are "
		"op-table indices (FORMAT.md §16.1), dense from 0; the parent "
		"is the operation a request falls back to (LANGUAGE.md §8.1); "
		"SB_NONE for the root and for fixed-decision operations "
		"(LANGUAGE.md §6.3).",
		"OP_ACCEPTS(id, categories, modifiers): the filter categories "
		"the operation takes, as SB_CAT bits (CATEGORY rows of "
		"filters.def), and the modifiers it allows, bit n for "
		"modifier id n (modifiers.def).",
	};
	const struct input *in[] = { &g->in_ops, &g->in_db, &g->in_filters,
	                             &g->ov };
	size_t w = name_width(g);
	FILE *f = o->f;

	put_header(f, g, "operations.def", in, countof(in), rows,
	           countof(rows), &g->notes_ops);
	put_guards(f, protos, countof(protos));
	fprintf(f, "\n/* Op-table slots 0-%ld, then message-filter operations "
	        "(FORMAT.md §14) */\n", g->slots - 1);
	for (size_t i = 0; i < g->nops; i++) {
		const struct op *op = &g->ops[i];
		char id[24], parent[24], name[128];

		snprintf(id, sizeof(id), "%zu,", i);
		snprintf(name, sizeof(name), "\"%s\",", op->name);
		if (op->parent < 0)
			snprintf(parent, sizeof(parent), "SB_NONE,");
		else
			snprintf(parent, sizeof(parent), "%d,", op->parent);
		fprintf(f, "OP(%-4s %-*s %-8s ", id, (int)w + 1, name, parent);
		put_op_flags(f, op->flags);
		fputc(')', f);
		if (op->parent >= 0 || op->cite) {
			fprintf(f, " /* ");
			if (op->parent >= 0)
				put_comment_text(f, g->ops[op->parent].name);
			if (op->cite) {
				fprintf(f, "%soverrides.txt: ",
				        op->parent >= 0 ? "; " : "");
				put_comment_text(f, op->cite);
			}
			fprintf(f, " */");
		}
		fputc('\n', f);
	}
	fprintf(f, "\n/* What each operation takes (%s) */\n",
	        g->in_db.base);
	for (size_t i = 0; i < g->nops; i++) {
		const struct op *op = &g->ops[i];
		uint64_t cats = 0;
		char id[24];

		for (size_t k = 0; k < op->cats.n; k++)
			cats |= UINT64_C(1) << cat_bit(g, op->cats.v[k]);
		snprintf(id, sizeof(id), "%zu,", i);
		fprintf(f, "OP_ACCEPTS(%-4s UINT64_C(0x%016llx), 0x%08lx) /*",
		        id, (unsigned long long)cats, (unsigned long)op->mods);
		for (size_t c = 0; c < g->cats.n; c++)
			if (cats & (UINT64_C(1) << c))
				fprintf(f, " %s", g->cats.v[c]);
		fprintf(f, " */\n");
	}
	fputc('\n', f);
	put_undefs(f, protos, countof(protos));
}

static void
write_filters(const struct gen *g, struct out *o)
{
	static const char *const protos[] = {
		"CATEGORY(bit, name)",
		"FILTER(id, name, argkind, categories, prerequisite)",
		"VALUE(filter, name, value)",
	};
	static const char *const rows[] = {
		"CATEGORY(bit, \"name\"): filter categories of this target; an "
		"operation takes a filter when their SB_CAT bits meet "
		"(LANGUAGE.md §7.4).",
		"FILTER(id, \"name\", SB_ARG_* kind, SB_CAT bits, prerequisite "
		"filter id or SB_NONE): ids are the binary format's filter ids "
		"(FORMAT.md §6, §16.2); the regex form is id | 0x80.",
		"VALUE(filter id, \"NAME\", number): named constants of the "
		"filter, bound as global variables (LANGUAGE.md §7.4); "
		"grouped by filter, right after it, by number.",
	};
	const struct input *in[4] = { &g->in_filters, &g->in_db };
	size_t nin = 2;
	FILE *f = o->f;

	if (g->xtab)
		in[nin++] = &g->in_xfilters;
	in[nin++] = &g->ov;
	put_header(f, g, "filters.def", in, nin, rows, countof(rows),
	           &g->notes_filters);
	put_guards(f, protos, countof(protos));
	fputc('\n', f);
	for (size_t c = 0; c < g->cats.n; c++)
		fprintf(f, "CATEGORY(%zu, \"%s\")\n", c, g->cats.v[c]);
	fputc('\n', f);
	size_t spaced = 1;

	for (size_t id = 1; id < g->nfilters; id++) {
		const struct filter *fl = &g->filters[id];
		char pre[16];

		if (!fl->name)
			continue;
		/* a blank line around each group of VALUE rows */
		if (fl->nvals && !spaced)
			fputc('\n', f);
		spaced = 0;
		if (fl->prereq)
			snprintf(pre, sizeof(pre), "0x%02llx", fl->prereq);
		else
			snprintf(pre, sizeof(pre), "SB_NONE");
		fprintf(f, "FILTER(0x%02zx, \"%s\", %s, SB_CAT(%d), %s)",
		        id, fl->name, fl->kind->c, cat_bit(g, fl->cat), pre);
		fprintf(f, " /* %s", fl->cat);
		if (fl->cite) {
			fprintf(f, "; overrides.txt: ");
			put_comment_text(f, fl->cite);
		}
		fprintf(f, " */\n");
		for (size_t k = 0; k < fl->nvals; k++)
			fprintf(f, "VALUE(0x%02zx, \"%s\", %lld)\n", id,
			        fl->vals[k].name, fl->vals[k].v);
		if (fl->nvals) {
			fputc('\n', f);
			spaced = 1;
		}
	}
	if (!spaced)
		fputc('\n', f);
	put_undefs(f, protos, countof(protos));
}

static void
write_modifiers(const struct gen *g, struct out *o)
{
	static const char *const protos[] = {
		"MOD(id, name, actions, argkind, mask, flag, is_inline)",
		"MOD_VALUE(modifier, name, value)",
	};
	static const char *const rows[] = {
		"MOD(id, \"name\", SB_ACTION_* decisions it may go with, SB_ARG_* "
		"argument, mask, flag, inline): a flag modifier sets flags = "
		"(flags & ~mask) | flag on a terminal; an inline one (1) puts "
		"its id and argument in terminal bytes 4-7 (FORMAT.md §4.3, "
		"§4.4, §16.3).",
		"MOD_VALUE(modifier id, \"NAME\", number): named constants of "
		"the modifier's argument (errno names), by number.",
	};
	const struct input *in[] = { &g->in_db, &g->in_mods, &g->ov };
	FILE *f = o->f;

	put_header(f, g, "modifiers.def", in, countof(in), rows,
	           countof(rows), &g->notes_mods);
	put_guards(f, protos, countof(protos));
	fputc('\n', f);
	for (size_t id = 1; id < g->nmods; id++) {
		const struct modifier *m = &g->mods[id];
		char name[64], action[32], type[32];

		if (!m->name)
			continue;
		snprintf(name, sizeof(name), "\"%s\",", m->name);
		snprintf(action, sizeof(action), "%s,", action_names[m->action]);
		snprintf(type, sizeof(type), "%s,", modifier_types[m->type]);
		fprintf(f, "MOD(%2zu, %-23s %-16s %-14s 0x%06llx, 0x%06llx, "
		        "%d)\n", id, name, action, type, m->mask, m->flag,
		        m->type != 1);
	}
	for (size_t id = 1; id < g->nmods; id++) {
		const struct modifier *m = &g->mods[id];

		if (m->nvals)
			fputc('\n', f);
		for (size_t k = 0; k < m->nvals; k++)
			fprintf(f, "MOD_VALUE(%zu, \"%s\", %lld)\n", id,
			        m->vals[k].name, m->vals[k].v);
	}
	fputc('\n', f);
	put_undefs(f, protos, countof(protos));
}

/* ------------------------------------------------------------ names.def */

struct names {
	struct strvec ops, filters, mods;
};

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add NAME, read from WHERE, to SV: a plain word, not seen before. */
static void
add_name(struct strvec *sv, const char *name, const char *where)
{
	if (!*name || strpbrk(name, " \t\r\n\"\\"))
		sb_fatal("%s: '%s' is not a name", where, name);
	if (contains(sv, name))
		sb_fatal("%s: '%s' twice", where, name);
	push(sv, name);
}

/* The names of database array KEY ("filters", "modifiers"), id 0 unnamed. */
static void
db_names(struct gen *g, const char *key, struct strvec *sv, size_t *unnamed)
{
	struct sb_json *arr = sb_json_get(g->db, key);
	char where[256];

	if (!arr || sb_json_len(arr) == 0)
		sb_fatal("%s: no %s", g->in_db.display, key);
	snprintf(where, sizeof(where), "%s: %s", g->in_db.display, key);
	*unnamed = 0;
	for (size_t i = 0; i < sb_json_len(arr); i++) {
		const char *n = jstr(sb_json_at(arr, i), "name");

		if (n)
			add_name(sv, n, where);
		else
			++*unnamed;
	}
}

static void
build_names(struct gen *g, struct names *nm)
{
	size_t unnamed;

	if (g->in_ops.text && g->in_db.text)
		sb_fatal("%s: a names-only target reads operations or a "
		         "database, not both", g->ov.display);
	if (g->in_ops.text) {
		char *text = xstrdup(g->in_ops.text);
		char *line = text, *next;
		size_t lineno = 0;

		for (; line && *line; line = next) {
			char where[512];
			size_t n;

			lineno++;
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			n = strlen(line);
			if (n > 0 && line[n - 1] == '\r')
				line[--n] = '\0';
			snprintf(where, sizeof(where), "%s:%zu",
			         g->in_ops.display, lineno);
			add_name(&nm->ops, line, where);
		}
		free(text);
		note(&g->notes_ops, "operations: %zu names from %s", nm->ops.n,
		     g->in_ops.base);
		note(&g->notes_ops, "filters, modifiers: none in the inputs; "
		     "lint judges only operation names against this target");
	} else {
		struct sb_json *ops;

		g->db = load_json(&g->in_db);
		ops = db_ops(g);
		if (!ops || sb_json_len(ops) == 0)
			sb_fatal("%s: no operations", g->in_db.display);
		for (size_t i = 0; i < sb_json_len(ops); i++) {
			const char *n = jstr(sb_json_at(ops, i), "name");
			char where[256];

			snprintf(where, sizeof(where), "%s: operation %zu",
			         g->in_db.display, i);
			if (!n)
				sb_fatal("%s has no name", where);
			add_name(&nm->ops, n, where);
		}
		note(&g->notes_ops, "operations: %zu names from %s", nm->ops.n,
		     g->in_db.base);
		db_names(g, "filters", &nm->filters, &unnamed);
		note(&g->notes_ops, "filters: %zu names from %s (unnamed "
		     "entries skipped: %zu)", nm->filters.n, g->in_db.base,
		     unnamed);
		db_names(g, "modifiers", &nm->mods, &unnamed);
		note(&g->notes_ops, "modifiers: %zu names from %s (unnamed "
		     "entries skipped: %zu)", nm->mods.n, g->in_db.base,
		     unnamed);
	}
	if (nm->ops.n)
		qsort(nm->ops.v, nm->ops.n, sizeof(*nm->ops.v), cmp_name);
	if (nm->filters.n)
		qsort(nm->filters.v, nm->filters.n, sizeof(*nm->filters.v),
		      cmp_name);
	if (nm->mods.n)
		qsort(nm->mods.v, nm->mods.n, sizeof(*nm->mods.v), cmp_name);
}

static void
put_names(FILE *f, const char *row, const char *what,
          const struct strvec *sv)
{
	fprintf(f, "\n/* %s: %zu */\n", what, sv->n);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(f, "%s(\"%s\")\n", row, sv->v[i]);
}

static void
write_names(const struct gen *g, const struct names *nm, struct out *o)
{
	static const char *const protos[] = {
		"NAME_OP(name)",
		"NAME_FILTER(name)",
		"NAME_MODIFIER(name)",
	};
	static const char *const rows[] = {
		"NAME_OP(\"name\"): an operation of this release (FORMAT.md "
		"§16.1, §16.4).",
		"NAME_FILTER(\"name\"): a filter's base name as the tables spell "
		"it; the derived names (-regex, -prefix, sub...path) and library "
		"aliases come with it (LANGUAGE.md §7.1).",
		"NAME_MODIFIER(\"name\"): a modifier (FORMAT.md §16.3).",
		"Each kind is sorted by strcmp(); a kind without rows is one the "
		"inputs do not describe, not an empty vocabulary. No ids, "
		"operation tree or argument kinds: nothing compiles for this "
		"target.",
	};
	const struct input *in[2];
	size_t nin = 0;
	FILE *f = o->f;

	in[nin++] = g->in_ops.text ? &g->in_ops : &g->in_db;
	in[nin++] = &g->ov;
	put_header_rows(f, g, "names.def", in, nin, "string literals only",
	                rows, countof(rows), &g->notes_ops);
	put_guards(f, protos, countof(protos));
	put_names(f, "NAME_OP", "Operations", &nm->ops);
	put_names(f, "NAME_FILTER", "Filters", &nm->filters);
	put_names(f, "NAME_MODIFIER", "Modifiers", &nm->mods);
	fputc('\n', f);
	put_undefs(f, protos, countof(protos));
}

/* ---------------------------------------------------------------- main */

static SB_NORETURN void
usage(void)
{
	fprintf(stderr, "usage: %s -s SHARED -o OUTDIR "
	        "kext/targets/TARGET/overrides.txt\n", sb_progname());
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct out out[3];
	int c;

	while ((c = getopt(argc, argv, "s:o:")) != -1) {
		if (c == 's')
			g.shared = optarg;
		else if (c == 'o')
			g.outdir = optarg;
		else
			usage();
	}
	if (!g.shared || !g.outdir || optind != argc - 1)
		usage();
	read_input(&g.ov, argv[optind], argv[optind]);
	parse_overrides(&g);
	if (g.names_only) {
		struct names nm = { 0 };

		build_names(&g, &nm);
		out[0] = open_out(&g, "names.def");
		write_names(&g, &nm, &out[0]);
		close_out(&out[0]);
		commit_out(&out[0]);
		return 0;
	}
	g.db = load_json(&g.in_db);
	g.ftab = load_json(&g.in_filters);
	g.mtab = load_json(&g.in_mods);
	if (g.in_xfilters.text)
		g.xtab = load_json(&g.in_xfilters);

	build_modifiers(&g);
	build_ops(&g);
	build_filters(&g);
	build_categories(&g);

	out[0] = open_out(&g, "operations.def");
	write_operations(&g, &out[0]);
	out[1] = open_out(&g, "filters.def");
	write_filters(&g, &out[1]);
	out[2] = open_out(&g, "modifiers.def");
	write_modifiers(&g, &out[2]);
	for (size_t i = 0; i < countof(out); i++)
		close_out(&out[i]);
	for (size_t i = 0; i < countof(out); i++)
		commit_out(&out[i]);
	return 0;
}
