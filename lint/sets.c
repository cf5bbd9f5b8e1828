/*
** Request sets (sets.h). Three layers:
**
**   atoms     one per distinct test (filter id, pattern kind, argument),
**             grouped into dimensions (the filter id); a dimension is
**             exact (strings, integers, bit fields, network addresses) or
**             opaque (LINT.md §2.3). A sealed require-all (an entitlement
**             load and its value tests) is one opaque atom. A pattern with
**             a ${PLACEHOLDER} is opaque too: that is sound (any truth value
**             is allowed) where LINT.md §2.4's symbols would be sharper.
**   BDD       hash-consed nodes over the atoms, opaque ones first, then each
**             exact dimension as one contiguous block of levels.
**   theory    a path through the BDD is feasible when, for each dimension,
**             some value satisfies the atoms the path takes true and none
**             it takes false. Dimensions are independent, so satisfiability
**             below the first node of a block depends on that node alone and
**             is memoised there; inside a block, constraints accumulate and
**             pairwise relations (disjoint, included) prune early.
**
** A request may lack a fact (the test is then false, as compiler/match.c
** says), except the path of a file or exec operation when asked so. Paths
** range over canonical paths (LINT.md §2.5).
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/util.h"
#include "compiler/regex.h"
#include "kext/target.h"
#include "lint/automaton.h"
#include "lint/sets.h"

enum dkind { DK_OPAQUE, DK_INT, DK_BITS, DK_NET, DK_STRING };

struct atom {
	const struct sb_filter *f;      /* the first test seen with this content */
	uint32_t dim;
	uint32_t var;                   /* BDD level, after sealing */
	struct sb_fa *fa;               /* DK_STRING */
	int64_t v;                      /* DK_INT, DK_BITS: value or mask */
	int64_t proto;                  /* DK_NET: protocol bits */
	int host;                       /* DK_NET: 0 any, 1 localhost */
	int64_t port;                   /* DK_NET: -1 any */
	int noaddr;                     /* DK_NET: no "host:port" */
	int assumed;                    /* -1, or the value --assume gave it */
	const struct sb_filter *imp;    /* mount-relative-path: what it implies
	                                ** of the path (implied() below) */
	const char *fixed;              /* DK_STRING: every match starts so */
	uint32_t nfixed;
	int ownfixed;                   /* fixed was malloc'd */
};

struct dim {
	enum dkind kind;
	uint16_t filter;
	int canon;                      /* the path dimension */
	struct sb_alpha al;
	struct sb_fa *canonfa;
	uint32_t *atoms;
	uint32_t n, cap;
	uint32_t first, last;           /* levels */
};

struct bnode {
	uint32_t var;                   /* UINT32_MAX for the two terminals */
	uint32_t lo, hi;
};

struct centry {
	uint32_t op, a, b, r;
};

struct kv {                             /* pointer → value memo */
	const void *k;
	uint32_t v;
};

struct tentry {                         /* theory cache */
	uint32_t *key;                  /* dim, path, n, cons... */
	uint32_t len;
	uint8_t r;
};

struct assume {
	char *fact;
	int value;
};

/*
** The operation cache has 1 << cachebits entries, from CACHE_MIN_BITS,
** growing (cleared) with the nodes up to CACHE_BITS: most profiles make a
** few thousand nodes, and clearing the largest size for each of them
** cost more than the lookups it served.
*/
#define CACHE_MIN_BITS 12
#define CACHE_BITS 18
#define STEP_CAP 400000u
/*
** Sealed sets with at most this many atoms keep the relations of atom
** pairs in a matrix of a byte a pair (4 MiB at most) once they have been
** asked about as often as a 1024th of its size (clearing it then costs
** less than the probes it saves): relations are asked tens of millions
** of times over a corpus, nearly always answered from the cache, and a
** byte read is cheaper than a probe of the hash table.
*/
#define RELM_MAX 2048u

struct sb_sets {
	const struct sb_target *t;
	struct atom *atoms;
	uint32_t natoms, capatoms;
	uint32_t *atomhash;             /* atom + 1 */
	uint32_t capatomhash;
	struct dim *dims;
	uint32_t ndims, capdims;
	int32_t dimof[0x200];           /* exact dimension of a filter id */
	int sealed;
	uint32_t *var2atom;
	uint32_t nvars;
	struct bnode *nodes;
	uint32_t nnodes, capnodes;
	uint32_t *unique;
	uint32_t capunique;
	struct centry *cache;
	uint32_t cachebits;
	struct kv *fmemo;
	uint32_t nfmemo, capfmemo;
	uint8_t *memo[2];
	uint32_t capmemo;
	struct tentry *tcache;
	uint32_t ntcache, captcache;
	uint8_t *rel;                   /* struct relent table */
	uint32_t caprel, nrel;
	uint8_t *relm;                  /* relations of atom pairs, RELMN
	                                   squared, when the atoms are few */
	uint32_t relmn;
	uint64_t nrelq;                 /* relations asked before RELM */
	struct assume *assume;
	uint32_t nassume;
	uint32_t used, steps;
	int over;
	int path_id, mrp_id;            /* filter ids of path, mount-relative-path */
	struct sb_arena arena;          /* strings made here */
};

enum { OP_AND = 1, OP_OR, OP_NOT, OP_FORALL, OP_RESTRICT };

/* --- which filters are exact ------------------------------------------- */

static const char *const exact_strings[] = {
	"path", "mount-relative-path", "process-path", "xattr",
	"ipc-posix-name", "global-name", "local-name", "control-name",
	"iokit-registry-entry-class", "iokit-property", "extension-class",
	"appleevent-destination", "right-name", "preference-domain",
	"kext-bundle-id", "info-type", "notification-name", "sysctl-name",
	"filesystem-name", "boot-arg", "xpc-service-name", "nvram-variable",
	"snapshot-name", "mac-policy-name",
};

static const char *const exact_ints[] = {
	"vnode-type", "signal-number", "socket-domain", "socket-type",
	"socket-protocol", "fsctl-command", "ioctl-command", "syscall-number",
	"privilege-id", "device-major", "device-minor", "machtrap-number",
	"kernel-mig-routine", "fcntl-command", "socket-option-level",
	"socket-option-name", "necp-client-action",
	"memorystatus-control-command", "host-special-port",
	"task-special-port", "iokit-user-client-type", "mac-syscall-number",
	"codesigning-operation", "kas-info-selector", "iokit-method-number",
	"iokit-trap-number", "message-number",
};

static int
listed(const char *name, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

static enum dkind
kindof(const struct sb_target *t, uint16_t filter)
{
	const struct sb_filter_info *fi;

	if (filter >= t->filter_count || !t->filters[filter].name)
		return DK_OPAQUE;
	fi = &t->filters[filter];
	if (fi->argkind == SB_ARG_NETWORK)
		return DK_NET;
	if (fi->argkind == SB_ARG_BITFIELD)
		return DK_BITS;
	if (fi->argkind == SB_ARG_INT &&
	    listed(fi->name, exact_ints, countof(exact_ints)))
		return DK_INT;
	if ((fi->argkind == SB_ARG_PATH || fi->argkind == SB_ARG_PATTERN ||
	    fi->argkind == SB_ARG_PREFIX) &&
	    listed(fi->name, exact_strings, countof(exact_strings)))
		return DK_STRING;
	return DK_OPAQUE;
}

int
sb_sets_exact_filter(const struct sb_target *t, uint16_t filter)
{
	return kindof(t, filter) != DK_OPAQUE;
}

/* --- atoms -------------------------------------------------------------- */

struct sb_sets *
sb_sets_new(const struct sb_target *t)
{
	struct sb_sets *s = xcalloc(1, sizeof *s);
	uint32_t i;

	s->t = t;
	s->path_id = sb_target_filter_find(t, "path", 4);
	s->mrp_id = sb_target_filter_find(t, "mount-relative-path", 19);
	for (i = 0; i < countof(s->dimof); i++)
		s->dimof[i] = -1;
	s->capnodes = 1024;
	s->nodes = xmalloc(s->capnodes * sizeof *s->nodes);
	s->nodes[0] = (struct bnode){ UINT32_MAX, 0, 0 };
	s->nodes[1] = (struct bnode){ UINT32_MAX, 1, 1 };
	s->nnodes = 2;
	s->cachebits = CACHE_MIN_BITS;
	s->cache = xcalloc((size_t)1 << s->cachebits, sizeof *s->cache);
	sb_arena_init(&s->arena);
	return s;
}

void
sb_sets_free(struct sb_sets *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->natoms; i++) {
		sb_fa_free(s->atoms[i].fa);
		if (s->atoms[i].ownfixed)
			free((char *)s->atoms[i].fixed);
	}
	for (i = 0; i < s->ndims; i++) {
		sb_fa_free(s->dims[i].canonfa);
		sb_alpha_free(&s->dims[i].al);
		free(s->dims[i].atoms);
	}
	for (i = 0; i < s->captcache; i++)
		free(s->tcache[i].key);
	for (i = 0; i < s->nassume; i++)
		free(s->assume[i].fact);
	free(s->assume);
	free(s->tcache);
	free(s->atoms);
	free(s->atomhash);
	free(s->dims);
	free(s->var2atom);
	free(s->nodes);
	free(s->unique);
	free(s->cache);
	free(s->fmemo);
	free(s->memo[0]);
	free(s->memo[1]);
	free(s->rel);
	free(s->relm);
	sb_arena_free(&s->arena);
	free(s);
}

void
sb_sets_assume(struct sb_sets *s, const char *fact, int value)
{
	s->assume = xrealloc(s->assume, (s->nassume + 1) * sizeof *s->assume);
	s->assume[s->nassume].fact = xstrdup(fact);
	s->assume[s->nassume++].value = value;
}

/* The atom with F's content, or UINT32_MAX. */
static uint32_t
findatom(struct sb_sets *s, const struct sb_filter *f)
{
	uint32_t i, k;

	if (!s->capatomhash)
		return UINT32_MAX;
	for (i = (uint32_t)f->hash & (s->capatomhash - 1); s->atomhash[i];
	    i = (i + 1) & (s->capatomhash - 1)) {
		k = s->atomhash[i] - 1;
		if (sb_filter_equal(s->atoms[k].f, f))
			return k;
	}
	return UINT32_MAX;
}

static void
hashatom(struct sb_sets *s, uint32_t k)
{
	uint32_t i;

	if (2 * (s->natoms + 1) >= s->capatomhash) {
		uint32_t cap = s->capatomhash ? 2 * s->capatomhash : 256, j;
		free(s->atomhash);
		s->atomhash = xcalloc(cap, sizeof *s->atomhash);
		s->capatomhash = cap;
		for (j = 0; j < s->natoms; j++)
			if (j != k)
				hashatom(s, j);
	}
	for (i = (uint32_t)s->atoms[k].f->hash & (s->capatomhash - 1);
	    s->atomhash[i]; i = (i + 1) & (s->capatomhash - 1))
		;
	s->atomhash[i] = k + 1;
}

static uint32_t
newdim(struct sb_sets *s, enum dkind kind, uint16_t filter)
{
	struct dim *d;

	if (s->ndims == s->capdims) {
		s->capdims = s->capdims ? 2 * s->capdims : 32;
		s->dims = xrealloc(s->dims, s->capdims * sizeof *s->dims);
	}
	d = &s->dims[s->ndims];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->filter = filter;
	sb_alpha_init(&d->al);
	return s->ndims++;
}

static int
hasplaceholder(const struct sb_filter *f)
{
	return f->arg.s && memchr(f->arg.s, '$', f->arg.len) &&
	    strstr(f->arg.s, "${");
}

/* Which dimension a test belongs to; a new opaque one when it is opaque. */
static uint32_t
dimfor(struct sb_sets *s, const struct sb_filter *f)
{
	enum dkind k = f->kind == SB_F_TEST ? kindof(s->t, f->filter) :
	    DK_OPAQUE;
	uint32_t d;

	if (k == DK_STRING && (f->arg.kind != SB_FA_STRING ||
	    hasplaceholder(f) || (f->pat == SB_PAT_REGEX && !f->rx)))
		k = DK_OPAQUE;
	if (k == DK_INT && f->arg.kind != SB_FA_INT)
		k = DK_OPAQUE;
	if (k == DK_BITS && f->arg.kind != SB_FA_INT)
		k = DK_OPAQUE;
	if (k == DK_NET && f->arg.s) {
		/* hosts other than * and localhost are left opaque */
		const char *colon = strrchr(f->arg.s, ':');
		size_t h = colon ? (size_t)(colon - f->arg.s) : 0;
		if (!colon || !((h == 1 && f->arg.s[0] == '*') || (h == 9 &&
		    memcmp(f->arg.s, "localhost", 9) == 0)))
			k = DK_OPAQUE;
		else if (strcmp(colon + 1, "*") != 0) {
			char *end;
			long long p = strtoll(colon + 1, &end, 10);
			if (*end || p < 0 || p > 65535)
				k = DK_OPAQUE;
		}
	}
	if (k == DK_OPAQUE || f->filter >= countof(s->dimof))
		return newdim(s, DK_OPAQUE, f->kind == SB_F_TEST ? f->filter :
		    0xffff);
	if (s->dimof[f->filter] < 0) {
		d = newdim(s, k, f->filter);
		s->dims[d].canon = k == DK_STRING && strcmp(s->t->filters[
		    f->filter].name, "path") == 0;
		s->dimof[f->filter] = (int32_t)d;
	}
	return (uint32_t)s->dimof[f->filter];
}

static void
addatom(struct sb_sets *s, const struct sb_filter *f)
{
	struct atom *a;
	struct dim *d;
	uint32_t k;

	if (findatom(s, f) != UINT32_MAX)
		return;
	if (s->natoms == s->capatoms) {
		s->capatoms = s->capatoms ? 2 * s->capatoms : 64;
		s->atoms = xrealloc(s->atoms, s->capatoms * sizeof *s->atoms);
	}
	k = s->natoms++;
	a = &s->atoms[k];
	memset(a, 0, sizeof *a);
	a->f = f;
	a->assumed = -1;
	a->dim = dimfor(s, f);
	hashatom(s, k);
	d = &s->dims[a->dim];
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->atoms = xrealloc(d->atoms, d->cap * sizeof *d->atoms);
	}
	d->atoms[d->n++] = k;
	switch (d->kind) {
	case DK_INT:
	case DK_BITS:
		a->v = f->arg.i;
		break;
	case DK_NET:
		a->proto = f->arg.i;
		a->noaddr = f->arg.s == NULL;
		a->port = -1;
		if (f->arg.s) {
			const char *colon = strrchr(f->arg.s, ':');
			a->host = colon - f->arg.s == 9;
			if (strcmp(colon + 1, "*") != 0)
				a->port = strtoll(colon + 1, NULL, 10);
		}
		break;
	default:
		break;
	}
}

/* PAT, an exact string, as a regex that matches it literally, into B. */
static void
quote(struct sb_buf *b, const char *pat, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (strchr("\\.^$|()[]{}*+?", pat[i]))
			sb_buf_putc(b, '\\');
		sb_buf_putc(b, pat[i]);
	}
}

/*
** A mount-relative path is the path with its mount point taken off the
** front, so it is a suffix of the path that starts at a '/': a test on it
** implies a test on the path. Adding that implication to the test's set
** changes nothing for any real request and lets lint see that, say,
** (mount-relative-path (regex #"^/\.TemporaryItems/")) meets no literal
** path without "/.TemporaryItems/" in it. Returns the implied path test
** (a regex, search semantics) in the sets' arena, or NULL when F is not
** such a test or its pattern has a '^' that is not its first byte.
*/
static const struct sb_filter *
implied(struct sb_sets *s, const struct sb_filter *f)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_regex *rx;
	struct sb_rx_error err;
	struct sb_filter *p;
	struct sb_farg arg;
	int path, mrp;

	mrp = s->mrp_id;
	path = s->path_id;
	if (mrp < 0 || path < 0 || f->kind != SB_F_TEST || f->filter != mrp ||
	    f->arg.kind != SB_FA_STRING || hasplaceholder(f))
		return NULL;
	switch (f->pat) {
	case SB_PAT_LITERAL:            /* the path ends with it */
		quote(&b, f->arg.s, f->arg.len);
		sb_buf_putc(&b, '$');
		break;
	case SB_PAT_PREFIX:             /* the path holds it */
		quote(&b, f->arg.s, f->arg.len);
		break;
	case SB_PAT_SUBPATH:            /* … then ends or goes on below it */
		quote(&b, f->arg.s, f->arg.len);
		sb_buf_puts(&b, "(/|$)");
		break;
	case SB_PAT_REGEX:              /* the same search, unanchored */
		if (!f->rx || (f->arg.len > 1 &&
		    memchr(f->arg.s + 1, '^', f->arg.len - 1)))
			return NULL;
		sb_buf_put(&b, f->arg.s + (f->arg.s[0] == '^'), f->arg.len -
		    (f->arg.s[0] == '^'));
		break;
	default:
		return NULL;
	}
	rx = sb_arena_alloc(&s->arena, sizeof *rx);
	arg.kind = SB_FA_STRING;
	arg.s = sb_arena_strndup(&s->arena, b.data ? b.data : "", b.len);
	arg.len = (uint32_t)b.len;
	arg.i = 0;
	arg.cname = NULL;
	sb_buf_free(&b);
	if (!arg.len || sb_regex_compile(&s->arena, arg.s, arg.len, rx,
	    &err) < 0)
		return NULL;
	p = (struct sb_filter *)sb_filter_test(&s->arena, (uint16_t)path,
	    SB_PAT_REGEX, &arg, f->span);
	p->rx = rx;
	return p;
}

void
sb_sets_register(struct sb_sets *s, const struct sb_filter *f)
{
	const struct sb_filter *imp;
	uint32_t i, k;

	if (!f || s->sealed)
		return;
	switch (f->kind) {
	case SB_F_TEST:
		addatom(s, f);
		if (f->filter != s->mrp_id)
			return;
		k = findatom(s, f);
		if (k != UINT32_MAX && !s->atoms[k].imp &&
		    (imp = implied(s, f))) {
			addatom(s, imp);
			s->atoms[findatom(s, f)].imp = imp;
		}
		return;
	case SB_F_ALL:
		if (f->sealed) {
			addatom(s, f);
			return;
		}
		/* fall through */
	case SB_F_ANY:
	case SB_F_NOT:
		for (i = 0; i < f->nkids; i++)
			sb_sets_register(s, f->kids[i]);
		return;
	default:
		return;
	}
}

/* --assume FACT=VALUE against atom A: "FILTER:ARG" or "entitlement:KEY". */
static int
assumed(struct sb_sets *s, const struct atom *a)
{
	const struct sb_filter *f = a->f;
	uint32_t i;

	if (f->kind == SB_F_ALL && f->nkids > 0)
		f = f->kids[0];
	if (f->kind != SB_F_TEST || f->filter >= s->t->filter_count)
		return -1;
	for (i = 0; i < s->nassume; i++) {
		const char *fact = s->assume[i].fact, *colon = strchr(fact, ':');
		const char *name = s->t->filters[f->filter].name;
		size_t n;
		if (!colon || !f->arg.s || strcmp(colon + 1, f->arg.s) != 0)
			continue;
		n = (size_t)(colon - fact);
		if ((strlen(name) == n && memcmp(name, fact, n) == 0) ||
		    (n == 11 && memcmp(fact, "entitlement", 11) == 0 &&
		    strncmp(name, "%entitlement", 12) == 0))
			return s->assume[i].value;
	}
	return -1;
}

static int
bydimrank(const void *pa, const void *pb, void *ctx)
{
	const struct sb_sets *s = ctx;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	const struct dim *a = &s->dims[x], *b = &s->dims[y];
	int ra = a->kind == DK_OPAQUE ? 0 : a->kind == DK_STRING ? 2 + a->canon
	    : 1;
	int rb = b->kind == DK_OPAQUE ? 0 : b->kind == DK_STRING ? 2 + b->canon
	    : 1;

	if (ra != rb)
		return ra - rb;
	return (x > y) - (x < y);
}

static void
sortdims(struct sb_sets *s, uint32_t *order)
{
	uint32_t i, j;

	/* insertion sort: qsort_r is not C11 */
	for (i = 0; i < s->ndims; i++)
		order[i] = i;
	for (i = 1; i < s->ndims; i++)
		for (j = i; j > 0 && bydimrank(&order[j - 1], &order[j], s) > 0;
		    j--) {
			uint32_t x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
}

/*
** The bytes every string atom A matches starts with: the whole argument of
** a literal, prefix or subpath; for a regex anchored with '^' and without
** '|', its literal bytes up to the first operator (a quantified byte is
** not part of it). Used to prove disjointness without automata.
*/
static void
fixedprefix(struct atom *a)
{
	const struct sb_filter *f = a->f;
	const char *p = f->arg.s;
	uint32_t n = f->arg.len, i, k = 0;

	if (f->pat != SB_PAT_REGEX) {
		a->fixed = p;
		a->nfixed = n;
		return;
	}
	a->fixed = "";
	a->nfixed = 0;
	if (n == 0 || p[0] != '^' || memchr(p, '|', n))
		return;
	{
		static const char ops[] = ".^$()[]*+?{}\\";
		char *buf = malloc(n + 1);
		if (!buf)
			return;
		for (i = 1; i < n; i++) {
			if (p[i] == '\\' && i + 1 < n && !strchr("0123456789"
			    "bBwWsSdDntrfv", p[i + 1])) {
				buf[k++] = p[++i];
				continue;
			}
			if (strchr(ops, p[i]))
				break;
			buf[k++] = p[i];
		}
		if (i < n && strchr("*+?{", p[i]) && k)
			k--;
		a->fixed = buf;
		a->nfixed = k;
		a->ownfixed = 1;
	}
}

static void
buildalpha(struct sb_sets *s, struct dim *d)
{
	static const char canonchars[] = "/.tmpvarec";
	uint32_t i, j;

	sb_alpha_single(&d->al, 0);
	for (i = 0; canonchars[i]; i++)
		if (d->canon || i == 0)
			sb_alpha_single(&d->al, (uint8_t)canonchars[i]);
	for (i = 0; i < d->n; i++) {
		const struct sb_filter *f = s->atoms[d->atoms[i]].f;
		if (f->pat == SB_PAT_REGEX)
			sb_alpha_regex(&d->al, f->rx);
		else
			for (j = 0; j < f->arg.len; j++)
				sb_alpha_single(&d->al, (uint8_t)f->arg.s[j]);
	}
	sb_alpha_finish(&d->al);
	if (d->canon)
		d->canonfa = sb_fa_new(&d->al, SB_FAK_CANON, NULL, 0, NULL);
	for (i = 0; i < d->n; i++)
		fixedprefix(&s->atoms[d->atoms[i]]);
	for (i = 0; i < d->n; i++) {
		struct atom *a = &s->atoms[d->atoms[i]];
		const struct sb_filter *f = a->f;
		enum sb_fa_kind k = f->pat == SB_PAT_REGEX ? SB_FAK_REGEX :
		    f->pat == SB_PAT_PREFIX ? SB_FAK_PREFIX :
		    f->pat == SB_PAT_SUBPATH ? SB_FAK_SUBPATH : SB_FAK_LITERAL;
		a->fa = sb_fa_new(&d->al, k, f->arg.s, f->arg.len, f->rx);
	}
}

void
sb_sets_seal(struct sb_sets *s)
{
	uint32_t *order = xmalloc((s->ndims + 1) * sizeof *order);
	uint32_t i, j, level = 0;

	s->sealed = 1;
	sortdims(s, order);
	s->var2atom = xmalloc((s->natoms + 1) * sizeof *s->var2atom);
	for (i = 0; i < s->ndims; i++) {
		struct dim *d = &s->dims[order[i]];
		d->first = level;
		for (j = 0; j < d->n; j++) {
			s->atoms[d->atoms[j]].var = level;
			s->var2atom[level++] = d->atoms[j];
		}
		d->last = level;
		if (d->kind == DK_STRING)
			buildalpha(s, d);
	}
	s->nvars = level;
	for (i = 0; i < s->natoms; i++)
		s->atoms[i].assumed = assumed(s, &s->atoms[i]);
	free(order);
}

/* --- BDD ---------------------------------------------------------------- */

static uint32_t
mix3(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t h = a * 0x9e3779b1u + b * 0x85ebca6bu + c * 0xc2b2ae35u;

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

static uint32_t
mk(struct sb_sets *s, uint32_t var, uint32_t lo, uint32_t hi)
{
	uint32_t h, i, n;

	if (lo == hi)
		return lo;
	if (2 * (s->nnodes + 1) >= s->capunique) {
		uint32_t cap = s->capunique ? 2 * s->capunique : 4096, k;
		free(s->unique);
		s->unique = xcalloc(cap, sizeof *s->unique);
		s->capunique = cap;
		for (k = 2; k < s->nnodes; k++) {
			const struct bnode *b = &s->nodes[k];
			h = mix3(b->var, b->lo, b->hi);
			for (i = h & (cap - 1); s->unique[i]; i = (i + 1) &
			    (cap - 1))
				;
			s->unique[i] = k;
		}
	}
	h = mix3(var, lo, hi);
	for (i = h & (s->capunique - 1); (n = s->unique[i]) != 0;
	    i = (i + 1) & (s->capunique - 1))
		if (s->nodes[n].var == var && s->nodes[n].lo == lo &&
		    s->nodes[n].hi == hi)
			return n;
	if (s->nnodes == s->capnodes) {
		s->capnodes *= 2;
		s->nodes = xrealloc(s->nodes, s->capnodes * sizeof *s->nodes);
	}
	n = s->nnodes++;
	s->nodes[n] = (struct bnode){ var, lo, hi };
	s->unique[i] = n;
	/* no caller holds a cache entry across the call that made a node */
	if (s->nnodes > (1u << s->cachebits) && s->cachebits < CACHE_BITS) {
		free(s->cache);
		s->cachebits += 2;
		s->cache = xcalloc((size_t)1 << s->cachebits,
		    sizeof *s->cache);
	}
	return n;
}

static struct centry *
centry(struct sb_sets *s, uint32_t op, uint32_t a, uint32_t b)
{
	uint32_t h = mix3(op, a, b);

	return &s->cache[h & ((1u << s->cachebits) - 1)];
}

static uint32_t
apply(struct sb_sets *s, uint32_t op, uint32_t a, uint32_t b)
{
	struct centry *c;
	uint32_t va, vb, v, lo, hi, r;

	if (op == OP_AND) {
		if (a == 0 || b == 0)
			return 0;
		if (a == 1)
			return b;
		if (b == 1 || a == b)
			return a;
	} else {
		if (a == 1 || b == 1)
			return 1;
		if (a == 0)
			return b;
		if (b == 0 || a == b)
			return a;
	}
	if (a > b) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	c = centry(s, op, a, b);
	if (c->op == op && c->a == a && c->b == b)
		return c->r;
	va = s->nodes[a].var;
	vb = s->nodes[b].var;
	v = va < vb ? va : vb;
	lo = apply(s, op, va == v ? s->nodes[a].lo : a,
	    vb == v ? s->nodes[b].lo : b);
	hi = apply(s, op, va == v ? s->nodes[a].hi : a,
	    vb == v ? s->nodes[b].hi : b);
	r = mk(s, v, lo, hi);
	c = centry(s, op, a, b);
	*c = (struct centry){ op, a, b, r };
	return r;
}

uint32_t
sb_sets_and(struct sb_sets *s, uint32_t a, uint32_t b)
{
	return apply(s, OP_AND, a, b);
}

uint32_t
sb_sets_or(struct sb_sets *s, uint32_t a, uint32_t b)
{
	return apply(s, OP_OR, a, b);
}

uint32_t
sb_sets_not(struct sb_sets *s, uint32_t a)
{
	struct centry *c;
	uint32_t r;

	if (a <= 1)
		return !a;
	c = centry(s, OP_NOT, a, 0);
	if (c->op == OP_NOT && c->a == a)
		return c->r;
	r = mk(s, s->nodes[a].var, sb_sets_not(s, s->nodes[a].lo),
	    sb_sets_not(s, s->nodes[a].hi));
	c = centry(s, OP_NOT, a, 0);
	*c = (struct centry){ OP_NOT, a, 0, r };
	return r;
}

uint32_t
sb_sets_diff(struct sb_sets *s, uint32_t a, uint32_t b)
{
	return sb_sets_and(s, a, sb_sets_not(s, b));
}

static int
isopaquevar(const struct sb_sets *s, uint32_t var)
{
	return s->dims[s->atoms[s->var2atom[var]].dim].kind == DK_OPAQUE;
}

/* Every valuation of the opaque atoms (they come first in the order). */
static uint32_t
forall(struct sb_sets *s, uint32_t a)
{
	struct centry *c;
	uint32_t r;

	if (a <= 1 || !isopaquevar(s, s->nodes[a].var))
		return a;
	c = centry(s, OP_FORALL, a, 0);
	if (c->op == OP_FORALL && c->a == a)
		return c->r;
	r = sb_sets_and(s, forall(s, s->nodes[a].lo),
	    forall(s, s->nodes[a].hi));
	c = centry(s, OP_FORALL, a, 0);
	*c = (struct centry){ OP_FORALL, a, 0, r };
	return r;
}

static uint32_t
restrict1(struct sb_sets *s, uint32_t a, uint32_t var, int value)
{
	struct centry *c;
	uint32_t r, key = var * 2 + (uint32_t)value;

	if (a <= 1 || s->nodes[a].var > var)
		return a;
	if (s->nodes[a].var == var)
		return value ? s->nodes[a].hi : s->nodes[a].lo;
	c = centry(s, OP_RESTRICT, a, key);
	if (c->op == OP_RESTRICT && c->a == a && c->b == key)
		return c->r;
	r = mk(s, s->nodes[a].var, restrict1(s, s->nodes[a].lo, var, value),
	    restrict1(s, s->nodes[a].hi, var, value));
	c = centry(s, OP_RESTRICT, a, key);
	*c = (struct centry){ OP_RESTRICT, a, key, r };
	return r;
}

uint32_t
sb_sets_restrict(struct sb_sets *s, uint32_t a, const struct sb_filter *f,
    int value)
{
	uint32_t k = findatom(s, f);

	if (k == UINT32_MAX)
		return a;
	return restrict1(s, a, s->atoms[k].var, value != 0);
}

static uint32_t
atomset(struct sb_sets *s, const struct sb_filter *f)
{
	uint32_t k = findatom(s, f);
	const struct atom *a;

	if (k == UINT32_MAX)
		return SB_SETS_TRUE;    /* never registered: not reachable */
	a = &s->atoms[k];
	if (a->assumed >= 0)
		return a->assumed ? SB_SETS_TRUE : SB_SETS_FALSE;
	return mk(s, a->var, SB_SETS_FALSE, SB_SETS_TRUE);
}

static int
memofind(struct sb_sets *s, const void *k, uint32_t *v)
{
	uint32_t i;

	if (!s->capfmemo)
		return 0;
	for (i = (uint32_t)(((uintptr_t)k >> 4) * 0x9e3779b1u) &
	    (s->capfmemo - 1); s->fmemo[i].k; i = (i + 1) & (s->capfmemo - 1))
		if (s->fmemo[i].k == k) {
			*v = s->fmemo[i].v;
			return 1;
		}
	return 0;
}

static void
memoput(struct sb_sets *s, const void *k, uint32_t v)
{
	uint32_t i;

	if (2 * (s->nfmemo + 1) >= s->capfmemo) {
		struct kv *old = s->fmemo;
		uint32_t oldcap = s->capfmemo, j;
		s->capfmemo = oldcap ? 2 * oldcap : 1024;
		s->fmemo = xcalloc(s->capfmemo, sizeof *s->fmemo);
		s->nfmemo = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j].k)
				memoput(s, old[j].k, old[j].v);
		free(old);
	}
	for (i = (uint32_t)(((uintptr_t)k >> 4) * 0x9e3779b1u) &
	    (s->capfmemo - 1); s->fmemo[i].k; i = (i + 1) & (s->capfmemo - 1))
		;
	s->fmemo[i].k = k;
	s->fmemo[i].v = v;
	s->nfmemo++;
}

uint32_t
sb_sets_of(struct sb_sets *s, const struct sb_filter *f)
{
	uint32_t r, i;

	if (!f)
		return SB_SETS_TRUE;
	if (memofind(s, f, &r))
		return r;
	switch (f->kind) {
	case SB_F_TRUE:
		r = SB_SETS_TRUE;
		break;
	case SB_F_FALSE:
		r = SB_SETS_FALSE;
		break;
	case SB_F_TEST:
		r = atomset(s, f);
		if (f->filter == s->mrp_id && (i = findatom(s, f)) !=
		    UINT32_MAX && s->atoms[i].imp)
			r = sb_sets_and(s, r, atomset(s, s->atoms[i].imp));
		break;
	case SB_F_NOT:
		r = sb_sets_not(s, sb_sets_of(s, f->kids[0]));
		break;
	case SB_F_ALL:
		if (f->sealed) {
			r = atomset(s, f);
			break;
		}
		r = SB_SETS_TRUE;
		for (i = 0; i < f->nkids && r != SB_SETS_FALSE; i++)
			r = sb_sets_and(s, r, sb_sets_of(s, f->kids[i]));
		break;
	default:
		r = SB_SETS_FALSE;
		for (i = 0; i < f->nkids && r != SB_SETS_TRUE; i++)
			r = sb_sets_or(s, r, sb_sets_of(s, f->kids[i]));
		break;
	}
	memoput(s, f, r);
	return r;
}

/* --- theories ----------------------------------------------------------- */

struct cons {
	int32_t *v;                     /* +(atom+1) true, -(atom+1) false */
	uint32_t n, cap;
};

static void
cpush(struct cons *c, int32_t x)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = x;
}

/* Relations between two string atoms of one dimension, cached. */
enum { REL_DISJOINT, REL_SUBSET };

struct relent {
	uint64_t key;                   /* which, a, b; 0 empty */
	uint8_t v;
};

/*
** relation() when the matrix does not know: ask, and remember. A and B
** come in relation()'s order (the smaller first for REL_DISJOINT).
*/
static int
relate(struct sb_sets *s, uint32_t a, uint32_t b, int which)
{
	struct dim *d = &s->dims[s->atoms[a].dim];
	struct sb_fa *pos[3], *neg[1];
	uint32_t np = 0, used = 0, i;
	uint64_t key;
	struct relent *t = (struct relent *)(void *)s->rel;
	uint8_t *m = NULL, bit = which == REL_DISJOINT ? 1 : 4;
	int r;

	/* the matrix: BIT known, BIT << 1 its value */
	if (!s->relm && s->sealed && s->natoms <= RELM_MAX &&
	    ++s->nrelq > ((uint64_t)s->natoms * s->natoms >> 10)) {
		s->relmn = s->natoms;
		s->relm = xcalloc((size_t)s->relmn * s->relmn, 1);
	}
	if (a < s->relmn && b < s->relmn)
		m = &s->relm[(size_t)a * s->relmn + b];
	key = ((uint64_t)(which + 1) << 60) | ((uint64_t)a << 30) | b;
	if (s->caprel) {
		for (i = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 40) &
		    (s->caprel - 1); t[i].key; i = (i + 1) & (s->caprel - 1))
			if (t[i].key == key) {
				if (m)
					*m |= bit | (t[i].v ? bit << 1 : 0);
				return t[i].v;
			}
	}
	{
		/* two fixed prefixes that disagree: no common string (A may
		** still be empty, so inclusion is only left unproven) */
		const struct atom *x = &s->atoms[a], *y = &s->atoms[b];
		uint32_t n = x->nfixed < y->nfixed ? x->nfixed : y->nfixed;
		if (memcmp(x->fixed, y->fixed, n) != 0) {
			r = which == REL_DISJOINT;
			goto store;
		}
	}
	if (s->atoms[a].f->pat == SB_PAT_LITERAL ||
	    (which == REL_DISJOINT && s->atoms[b].f->pat == SB_PAT_LITERAL)) {
		/* one string: run the other automaton on it */
		const struct atom *l = s->atoms[a].f->pat == SB_PAT_LITERAL ?
		    &s->atoms[a] : &s->atoms[b];
		const struct atom *o = l == &s->atoms[a] ? &s->atoms[b] :
		    &s->atoms[a];
		int in = (!d->canonfa || sb_fa_run(d->canonfa, l->f->arg.s,
		    l->f->arg.len)) && sb_fa_run(o->fa, l->f->arg.s,
		    l->f->arg.len);
		int empty = d->canonfa && !sb_fa_run(d->canonfa, l->f->arg.s,
		    l->f->arg.len);
		r = which == REL_DISJOINT ? !in : in || empty;
		goto store;
	}
	if (d->canonfa)
		pos[np++] = d->canonfa;
	pos[np++] = s->atoms[a].fa;
	if (which == REL_DISJOINT) {
		pos[np++] = s->atoms[b].fa;
		r = sb_fa_search(pos, np, NULL, 0, 20000, &used, NULL);
	} else {
		neg[0] = s->atoms[b].fa;
		r = sb_fa_search(pos, np, neg, 1, 20000, &used, NULL);
	}
	r = r == 0;             /* no common string: the relation holds */
store:
	if (m) {
		*m |= bit | (r ? bit << 1 : 0);
		return r;
	}
	if (2 * (s->nrel + 1) >= s->caprel) {
		uint32_t cap = s->caprel ? 2 * s->caprel : 1024, j, k;
		struct relent *nt = xcalloc(cap, sizeof *nt);
		for (j = 0; j < s->caprel; j++) {
			if (!t[j].key)
				continue;
			for (k = (uint32_t)(t[j].key * 0x9e3779b97f4a7c15ull >>
			    40) & (cap - 1); nt[k].key; k = (k + 1) & (cap - 1))
				;
			nt[k] = t[j];
		}
		free(s->rel);
		s->rel = (uint8_t *)(void *)nt;
		s->caprel = cap;
		t = nt;
	}
	for (i = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 40) &
	    (s->caprel - 1); t[i].key; i = (i + 1) & (s->caprel - 1))
		;
	t[i].key = key;
	t[i].v = (uint8_t)r;
	s->nrel++;
	return r;
}

/* Whether atoms A and B are disjoint (REL_DISJOINT) or A is in B. */
static inline int
relation(struct sb_sets *s, uint32_t a, uint32_t b, int which)
{
	uint8_t bit = which == REL_DISJOINT ? 1 : 4, m;

	if (which == REL_DISJOINT && a > b) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	if (a < s->relmn && b < s->relmn &&
	    ((m = s->relm[(size_t)a * s->relmn + b]) & bit))
		return (m & (bit << 1)) != 0;
	return relate(s, a, b, which);
}

static int
netmatch(const struct atom *a, int64_t bits, int local, int64_t port)
{
	int64_t ff = a->proto & 3, ft = a->proto & 12;

	if (!(ff & bits & 3))
		return 0;
	if (ft && !(ft & bits & 12))
		return 0;
	if (a->noaddr)
		return 1;
	if (a->host && !local)
		return 0;
	if (a->port < 0)
		return 1;
	return port >= 0 && port == a->port;
}

static enum sb_tri
theory_net(struct sb_sets *s, const struct cons *c, struct sb_mfact *w)
{
	static const int64_t fams[] = { 1, 2 }, trans[] = { 4, 8, 0 };
	int64_t ports[64];
	uint32_t np = 0, i, fi, ti, h, pi;
	int anypos = 0;

	for (i = 0; i < c->n; i++) {
		const struct atom *a = &s->atoms[abs(c->v[i]) - 1];
		anypos |= c->v[i] > 0;
		if (a->port >= 0 && np < 62)
			ports[np++] = a->port;
	}
	if (!anypos)
		return SB_TRI_YES;
	ports[np++] = 65001;
	ports[np++] = -1;
	for (fi = 0; fi < 2; fi++)
		for (ti = 0; ti < 3; ti++)
			for (h = 0; h < 2; h++)
				for (pi = 0; pi < np; pi++) {
					int64_t bits = fams[fi] | trans[ti];
					int ok = 1;
					for (i = 0; i < c->n && ok; i++) {
						const struct atom *a =
						    &s->atoms[abs(c->v[i]) - 1];
						ok = netmatch(a, bits, (int)h,
						    ports[pi]) == (c->v[i] > 0);
					}
					if (!ok)
						continue;
					if (w) {
						w->kind = SB_MF_NETWORK;
						w->i = bits;
						w->s = h ? "localhost" :
						    "example.com";
						w->len = (uint32_t)strlen(w->s);
						w->port = ports[pi];
					}
					return SB_TRI_YES;
				}
	return SB_TRI_NO;
}

static enum sb_tri
theory_int(struct sb_sets *s, const struct dim *d, const struct cons *c,
    struct sb_mfact *w)
{
	int64_t v = 0, req = 0;
	int have = 0;
	uint32_t i;

	for (i = 0; i < c->n; i++) {
		const struct atom *a;
		if (c->v[i] < 0)
			continue;
		a = &s->atoms[c->v[i] - 1];
		if (d->kind == DK_BITS) {
			req |= a->v;
		} else if (have && a->v != v) {
			return SB_TRI_NO;
		} else {
			v = a->v;
		}
		have = 1;
	}
	if (!have)
		return SB_TRI_YES;      /* the fact may be absent */
	if (d->kind == DK_BITS)
		v = req;
	for (i = 0; i < c->n; i++) {
		const struct atom *a;
		if (c->v[i] > 0)
			continue;
		a = &s->atoms[-c->v[i] - 1];
		if (d->kind == DK_BITS ? (a->v & ~req) == 0 : a->v == v)
			return SB_TRI_NO;
	}
	if (w) {
		w->kind = SB_MF_INT;
		w->i = v;
	}
	return SB_TRI_YES;
}

/* Whether the N bytes at P are in every POS and no NEG automaton. */
static int
fits(struct sb_fa *const *pos, uint32_t np, struct sb_fa *const *neg,
    uint32_t nn, const char *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < np; i++)
		if (!sb_fa_run(pos[i], p, n))
			return 0;
	for (i = 0; i < nn; i++)
		if (sb_fa_run(neg[i], p, n))
			return 0;
	return 1;
}

/*
** Try a few likely strings before a full product search: the shortest
** string of the positive automata alone, extended by a fresh component,
** or fresh paths when there is no positive. Most satisfiable questions
** end here; an empty intersection still needs the search to be proven.
*/
static int
probe(struct sb_sets *s, struct dim *d, struct sb_fa *const *pos,
    uint32_t np, struct sb_fa *const *neg, uint32_t nn, struct sb_buf *out)
{
	static const char *const tails[] = { "", "/q", "q", "/qz/q", ".q" };
	static const char *const fresh[] = { "/q", "/qz/q", "/private/q",
		"/Users/q/q", "q", "" };
	struct sb_buf w0 = SB_BUF_INIT, c = SB_BUF_INIT;
	uint32_t i, used = 0;
	int r = 0;

	(void)s;
	(void)d;
	if (np > 0 && sb_fa_search(pos, np, NULL, 0, 4000, &used, &w0) != 1) {
		sb_buf_free(&w0);
		return 0;
	}
	for (i = 0; !r && i < (np ? countof(tails) : countof(fresh)); i++) {
		c.len = 0;
		if (np)
			sb_buf_put(&c, w0.data ? w0.data : "", w0.len);
		sb_buf_puts(&c, np ? tails[i] : fresh[i]);
		if (fits(pos, np, neg, nn, c.data ? c.data : "", (uint32_t)c.len)) {
			r = 1;
			out->len = 0;
			sb_buf_put(out, c.data ? c.data : "", c.len);
		}
	}
	sb_buf_free(&w0);
	sb_buf_free(&c);
	return r;
}

static enum sb_tri
theory_string(struct sb_sets *s, struct dim *d, const struct cons *c,
    int path, struct sb_mfact *w, char **wstr)
{
	struct sb_fa **pos = xmalloc((c->n + 2) * sizeof *pos);
	struct sb_fa **neg = xmalloc((c->n + 1) * sizeof *neg);
	uint32_t np = 0, nn = 0, i, j, budget;
	struct sb_buf b = SB_BUF_INIT;
	int r, anypos = 0;

	for (i = 0; i < c->n; i++)
		anypos |= c->v[i] > 0;
	if (!anypos && !(path && d->canon)) {
		free(pos);
		free(neg);
		return SB_TRI_YES;      /* absent */
	}
	if (d->canonfa)
		pos[np++] = d->canonfa;
	for (i = 0; i < c->n; i++) {
		uint32_t a = (uint32_t)abs(c->v[i]) - 1;
		int skip = 0;
		if (c->v[i] > 0) {
			pos[np++] = s->atoms[a].fa;
			continue;
		}
		/* a negative disjoint from some positive cannot matter */
		for (j = 0; j < c->n && !skip; j++)
			if (c->v[j] > 0 && relation(s, (uint32_t)c->v[j] - 1, a,
			    REL_DISJOINT))
				skip = 1;
		if (!skip)
			neg[nn++] = s->atoms[a].fa;
	}
	budget = s->used < SB_SETS_BUDGET ? SB_SETS_BUDGET - s->used : 0;
	if (np == 0 && nn == 0)
		r = 1;
	else if (probe(s, d, pos, np, neg, nn, &b))
		r = 1;
	else
		r = sb_fa_search(pos, np, neg, nn, budget, &s->used,
		    w ? &b : NULL);
	free(pos);
	free(neg);
	if (r < 0) {
		s->over = 1;
		sb_buf_free(&b);
		return SB_TRI_UNKNOWN;
	}
	if (r == 1 && w) {
		w->kind = SB_MF_STRING;
		*wstr = sb_buf_take(&b);
		if (!*wstr)
			*wstr = xstrdup("");
		w->s = *wstr;
		w->len = (uint32_t)strlen(*wstr);
	}
	sb_buf_free(&b);
	return r ? SB_TRI_YES : SB_TRI_NO;
}

static int
byabs(const void *pa, const void *pb)
{
	int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;

	return (a > b) - (a < b);
}

static uint32_t
tkeyhash(const uint32_t *k, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

/* Cached theory answers (without witness), keyed by dim, path, cons. */
static struct tentry *
tlookup(struct sb_sets *s, const uint32_t *key, uint32_t n, int insert)
{
	uint32_t i, h = tkeyhash(key, n);

	if (insert && 2 * (s->ntcache + 1) >= s->captcache) {
		struct tentry *old = s->tcache;
		uint32_t oldcap = s->captcache, j;
		s->captcache = oldcap ? 2 * oldcap : 1024;
		s->tcache = xcalloc(s->captcache, sizeof *s->tcache);
		for (j = 0; j < oldcap; j++) {
			uint32_t k2;
			if (!old[j].key)
				continue;
			for (k2 = tkeyhash(old[j].key, old[j].len) &
			    (s->captcache - 1); s->tcache[k2].key;
			    k2 = (k2 + 1) & (s->captcache - 1))
				;
			s->tcache[k2] = old[j];
		}
		free(old);
	}
	if (!s->captcache)
		return NULL;
	for (i = h & (s->captcache - 1); s->tcache[i].key;
	    i = (i + 1) & (s->captcache - 1))
		if (s->tcache[i].len == n &&
		    memcmp(s->tcache[i].key, key, n * sizeof *key) == 0)
			return &s->tcache[i];
	if (!insert)
		return NULL;
	s->tcache[i].key = xmalloc(n * sizeof *key);
	memcpy(s->tcache[i].key, key, n * sizeof *key);
	s->tcache[i].len = n;
	s->ntcache++;
	return &s->tcache[i];
}

/* Feasibility of the constraints C on dimension D; a witness fact into W. */
static enum sb_tri
theory(struct sb_sets *s, uint32_t dim, const struct cons *c, int path,
    struct sb_req *w)
{
	struct dim *d = &s->dims[dim];
	struct sb_mfact fact;
	char *str = NULL;
	enum sb_tri r;
	struct cons sorted = { NULL, 0, 0 };
	uint32_t *key = NULL, i;
	struct tentry *te;

	if (d->kind == DK_OPAQUE || c->n == 0)
		return SB_TRI_YES;
	if (!w) {
		key = xmalloc((c->n + 3) * sizeof *key);
		sorted.v = xmalloc((c->n + 1) * sizeof *sorted.v);
		memcpy(sorted.v, c->v, c->n * sizeof *c->v);
		sorted.n = c->n;
		qsort(sorted.v, sorted.n, sizeof *sorted.v, byabs);
		key[0] = dim;
		key[1] = (uint32_t)(path && d->canon);
		for (i = 0; i < c->n; i++)
			key[2 + i] = (uint32_t)sorted.v[i];
		if ((te = tlookup(s, key, c->n + 2, 0)) != NULL) {
			free(key);
			free(sorted.v);
			return (enum sb_tri)te->r;
		}
	}
	memset(&fact, 0, sizeof fact);
	fact.filter = d->filter;
	fact.port = -1;
	switch (d->kind) {
	case DK_NET:
		r = theory_net(s, c, w ? &fact : NULL);
		break;
	case DK_INT:
	case DK_BITS:
		r = theory_int(s, d, c, w ? &fact : NULL);
		break;
	default:
		r = theory_string(s, d, c, path, w ? &fact : NULL, &str);
		break;
	}
	if (!w) {
		if (r != SB_TRI_UNKNOWN) {
			te = tlookup(s, key, c->n + 2, 1);
			te->r = (uint8_t)r;
		}
		free(key);
		free(sorted.v);
		return r;
	}
	if (r == SB_TRI_YES && (fact.kind != SB_MF_STRING || str) &&
	    (fact.s || fact.kind == SB_MF_INT || fact.kind == SB_MF_NETWORK) &&
	    w->nfacts < SB_REQ_MAX) {
		if (fact.kind == SB_MF_NETWORK) {
			str = xstrdup(fact.s);
			fact.s = str;
		}
		w->strs[w->nfacts] = str;
		w->facts[w->nfacts++] = fact;
		str = NULL;
	}
	free(str);
	return r;
}

/* --- satisfiability ------------------------------------------------------ */

static enum sb_tri satnode(struct sb_sets *s, uint32_t n, int path,
    struct sb_req *w);

/*
** Whether an inclusion test between A and B is cheap enough to prune
** with: A is one string, or their fixed prefixes already disagree.
*/
static int
cheap(const struct sb_sets *s, uint32_t a, uint32_t b)
{
	const struct atom *x = &s->atoms[a], *y = &s->atoms[b];
	uint32_t n = x->nfixed < y->nfixed ? x->nfixed : y->nfixed;

	return x->f->pat == SB_PAT_LITERAL || memcmp(x->fixed, y->fixed, n) != 0;
}

/* Whether atom A (true when POS) contradicts constraints C pairwise. */
static int
conflicts(struct sb_sets *s, uint32_t a, int pos, const struct cons *c)
{
	uint32_t i;

	if (s->dims[s->atoms[a].dim].kind != DK_STRING)
		return 0;
	for (i = 0; i < c->n; i++) {
		uint32_t b = (uint32_t)abs(c->v[i]) - 1;
		if (pos && c->v[i] > 0 && relation(s, a, b, REL_DISJOINT))
			return 1;
		if (pos && c->v[i] < 0 && cheap(s, a, b) &&
		    relation(s, a, b, REL_SUBSET))
			return 1;
		if (!pos && c->v[i] > 0 && cheap(s, b, a) &&
		    relation(s, b, a, REL_SUBSET))
			return 1;
	}
	return 0;
}

static void
popfacts(struct sb_req *w, uint32_t n)
{
	while (w && w->nfacts > n) {
		w->nfacts--;
		free(w->strs[w->nfacts]);
		w->strs[w->nfacts] = NULL;
	}
}

static enum sb_tri
walk(struct sb_sets *s, uint32_t n, uint32_t dim, struct cons *c, int path,
    struct sb_req *w)
{
	enum sb_tri r1 = SB_TRI_NO, r0 = SB_TRI_NO, t, r;
	uint32_t a, mark = w ? w->nfacts : 0;

	if (++s->steps > STEP_CAP) {
		s->over = 1;
		return SB_TRI_UNKNOWN;
	}
	if (n <= 1 || s->atoms[s->var2atom[s->nodes[n].var]].dim != dim) {
		t = theory(s, dim, c, path, w);
		if (t == SB_TRI_NO)
			return SB_TRI_NO;
		if (w && t != SB_TRI_YES)
			return t;
		r = satnode(s, n, path, w);
		if (r != SB_TRI_YES)
			popfacts(w, mark);
		if (t == SB_TRI_YES)
			return r;
		return r == SB_TRI_NO ? SB_TRI_NO : SB_TRI_UNKNOWN;
	}
	a = s->var2atom[s->nodes[n].var];
	if (s->nodes[n].hi != SB_SETS_FALSE && !conflicts(s, a, 1, c)) {
		cpush(c, (int32_t)a + 1);
		r1 = walk(s, s->nodes[n].hi, dim, c, path, w);
		c->n--;
		if (r1 == SB_TRI_YES)
			return r1;
	}
	if (s->nodes[n].lo != SB_SETS_FALSE && !conflicts(s, a, 0, c)) {
		cpush(c, -(int32_t)a - 1);
		r0 = walk(s, s->nodes[n].lo, dim, c, path, w);
		c->n--;
		if (r0 == SB_TRI_YES)
			return r0;
	}
	return r1 == SB_TRI_UNKNOWN || r0 == SB_TRI_UNKNOWN ? SB_TRI_UNKNOWN :
	    SB_TRI_NO;
}

static enum sb_tri
satnode(struct sb_sets *s, uint32_t n, int path, struct sb_req *w)
{
	struct cons c = { NULL, 0, 0 };
	enum sb_tri r;
	uint8_t m;

	if (n == SB_SETS_TRUE)
		return SB_TRI_YES;
	if (n == SB_SETS_FALSE)
		return SB_TRI_NO;
	if (n >= s->capmemo) {
		uint32_t cap = s->capmemo ? s->capmemo : 1024, k;
		while (cap <= n)
			cap *= 2;
		for (k = 0; k < 2; k++) {
			s->memo[k] = xrealloc(s->memo[k], cap);
			memset(s->memo[k] + s->capmemo, 0, cap - s->capmemo);
		}
		s->capmemo = cap;
	}
	m = s->memo[path][n];
	if (m && (!w || m != 1 + SB_TRI_YES))
		return (enum sb_tri)(m - 1);
	r = walk(s, n, s->atoms[s->var2atom[s->nodes[n].var]].dim, &c, path, w);
	free(c.v);
	if (!s->over || r != SB_TRI_UNKNOWN)
		s->memo[path][n] = (uint8_t)(1 + r);
	return r;
}

static void
question(struct sb_sets *s)
{
	s->used = 0;
	s->steps = 0;
	s->over = 0;
}

enum sb_tri
sb_sets_empty(struct sb_sets *s, uint32_t a, int path)
{
	enum sb_tri r;

	question(s);
	r = satnode(s, a, path != 0, NULL);
	return r == SB_TRI_YES ? SB_TRI_NO : r == SB_TRI_NO ? SB_TRI_YES :
	    SB_TRI_UNKNOWN;
}

enum sb_tri
sb_sets_exists(struct sb_sets *s, uint32_t a, int path, struct sb_req *w)
{
	uint32_t q = forall(s, a);
	enum sb_tri r;

	question(s);
	if (w)
		memset(w, 0, sizeof *w);
	r = satnode(s, q, path != 0, NULL);
	if (r == SB_TRI_YES && w) {
		question(s);
		if (satnode(s, q, path != 0, w) != SB_TRI_YES) {
			sb_req_free(w);
			memset(w, 0, sizeof *w);
		}
	}
	return r;
}

void
sb_req_free(struct sb_req *w)
{
	uint32_t i;

	for (i = 0; i < w->nfacts; i++)
		free(w->strs[i]);
	w->nfacts = 0;
}

int
sb_sets_over(const struct sb_sets *s)
{
	return s->over;
}

static void
support(struct sb_sets *s, uint32_t a, uint8_t *seen, uint8_t *vars)
{
	if (a <= 1 || seen[a])
		return;
	seen[a] = 1;
	vars[s->nodes[a].var] = 1;
	support(s, s->nodes[a].lo, seen, vars);
	support(s, s->nodes[a].hi, seen, vars);
}

int
sb_sets_has_opaque(struct sb_sets *s, uint32_t a)
{
	return a > 1 && isopaquevar(s, s->nodes[a].var);
}

void
sb_sets_opaque_names(struct sb_sets *s, uint32_t a, struct sb_buf *b)
{
	uint8_t *seen = xcalloc(s->nnodes, 1), *vars = xcalloc(s->nvars + 1, 1);
	uint32_t v, k = 0;

	support(s, a, seen, vars);
	for (v = 0; v < s->nvars; v++) {
		struct sb_buf t = SB_BUF_INIT;
		if (!vars[v] || !isopaquevar(s, v))
			continue;
		if (k++ == 5) {
			sb_buf_puts(b, ", …");
			break;
		}
		sb_filter_text(&t, s->t, s->atoms[s->var2atom[v]].f);
		sb_buf_printf(b, "%s'%s'", k > 1 ? ", " : "", t.data);
		sb_buf_free(&t);
	}
	free(seen);
	free(vars);
}

void
sb_req_text(const struct sb_sets *s, const struct sb_req *w, struct sb_buf *b)
{
	uint32_t i;

	for (i = 0; i < w->nfacts; i++) {
		const struct sb_mfact *f = &w->facts[i];
		const char *name = f->filter < s->t->filter_count &&
		    s->t->filters[f->filter].name ?
		    s->t->filters[f->filter].name : "?";
		if (i)
			sb_buf_puts(b, ", ");
		switch (f->kind) {
		case SB_MF_STRING:
			if (strcmp(name, "path") != 0)
				sb_buf_printf(b, "%s ", name);
			sb_buf_put(b, f->s, f->len);
			if (f->len == 0)
				sb_buf_puts(b, "\"\"");
			break;
		case SB_MF_NETWORK:
			sb_buf_printf(b, "%s %s%s %s port ", name,
			    (f->i & 12) == 4 ? "tcp" : (f->i & 12) == 8 ?
			    "udp" : "ip", (f->i & 3) == 1 ? "4" : "6",
			    strcmp(f->s, "localhost") == 0 ? "localhost" :
			    "non-local host");
			if (f->port < 0)
				sb_buf_puts(b, "none");
			else
				sb_buf_printf(b, "%lld", (long long)f->port);
			break;
		default:
			sb_buf_printf(b, "%s %lld", name, (long long)f->i);
		}
	}
}

