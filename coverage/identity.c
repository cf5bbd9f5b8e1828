/*
** identity.c: what a profile row of coverage.db holds, computed from a
** compiled unit (COVERAGE.md §2.3): the profile key and the hashes it is
** made of, the parameters, the files read, and one row per rule with its
** fingerprint, canonical text, site span, anchor and alternatives. It
** writes nothing; coverage/covdb.c stores the result.
**
** The blob hash. The key is defined over the SHA-256 of the plain
** compiled blob: the unit's own (sb_compile() to SB_STAGE_EMIT), or one
** the caller passes. A unit compiled only to SB_STAGE_EVAL has no blob;
** then blob_sha256 is a stand-in, SHA-256 over "sbpl-ir-standin", the
** target, rules_sha256 and every op-table slot's implicit decision and
** rule list, which decide what a blob would. It is stable for a given IR
** but is not the blob's hash, so writers compile to SB_STAGE_EMIT. Search
** for "STANDIN".
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "common/source.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "coverage/covdb.h"
#include "kext/target.h"

/* A -D parameter after "later ones win". */
struct param {
	const char *name, *value;
};

static int
byname(const void *a, const void *b)
{
	return strcmp(((const struct param *)a)->name,
	    ((const struct param *)b)->name);
}

static char *
adup(struct sb_arena *a, const char *s)
{
	return sb_arena_strndup(a, s, strlen(s));
}

/* JSON string of S into B. */
static void
jsonstr(struct sb_buf *b, const char *s)
{
	const unsigned char *p;

	sb_buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			sb_buf_printf(b, "\\u%04x", *p);
		else
			sb_buf_putc(b, *p);
	}
	sb_buf_putc(b, '"');
}

/* Parameters, sorted, later definitions winning; params_json and params_sha256. */
static void
params(struct sb_covprofile *p, const struct sb_options *o)
{
	struct param *v = xcalloc(o->nparams + 1, sizeof *v);
	struct sb_buf json = SB_BUF_INIT, lines = SB_BUF_INIT;
	uint32_t n = 0, i, k;
	char hex[65];

	for (i = 0; i < o->nparams; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(v[k].name, o->params[i].name) == 0)
				break;
		v[k].name = o->params[i].name;
		v[k].value = o->params[i].value;
		if (k == n)
			n++;
	}
	qsort(v, n, sizeof *v, byname);
	sb_buf_putc(&json, '{');
	for (i = 0; i < n; i++) {
		if (i)
			sb_buf_putc(&json, ',');
		jsonstr(&json, v[i].name);
		sb_buf_putc(&json, ':');
		jsonstr(&json, v[i].value);
		sb_buf_printf(&lines, "D %s=%s\n", v[i].name, v[i].value);
	}
	sb_buf_putc(&json, '}');
	if (p->has_entitlements) {
		sb_cov_hex(p->entitlements_sha256, 32, hex);
		sb_buf_printf(&lines, "E %s\n", hex);
	}
	sb_sha256(lines.data, lines.len, p->params_sha256);
	p->params_json = sb_arena_strndup(&p->arena, json.data, json.len);
	sb_buf_free(&json);
	sb_buf_free(&lines);
	free(v);
}

static int
sourcehash(const char *path, uint8_t out[32])
{
	struct sb_buf b = SB_BUF_INIT;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	(void)sb_buf_read(&b, f);
	fclose(f);
	sb_sha256(b.data, b.len, out);
	sb_buf_free(&b);
	return 0;
}

/* The source read for --entitlements, which is no profile source. */
static int
isentitlements(const struct sb_options *o, const struct sb_source *s)
{
	return o->entitlements && s->kind == SB_SRC_FILE &&
	    strcmp(s->path, o->entitlements) == 0;
}

static uint32_t
mainsrc(const struct sb_unit *u)
{
	return u->nfiles ? u->files[u->nfiles - 1]->src : 0;
}

/*
** profile_sources: the main file is 0, the rest in read order. Fills
** SRCNO (by source id; -1 for none) for the rule rows.
*/
static void
sources(struct sb_covprofile *p, struct sb_unit *u, const struct sb_options *o,
    int32_t *srcno)
{
	const struct sb_sources *t = &u->ctx.sources;
	uint32_t main = mainsrc(u), i, k, n = 1;

	p->sources = sb_arena_calloc(&p->arena, (t->n + 1) * sizeof *p->sources);
	for (i = 0; i < t->n; i++)
		srcno[i] = -1;
	srcno[main] = 0;
	for (i = 0; i < t->n; i++)
		if (i != main && !isentitlements(o, t->v[i]))
			srcno[i] = (int32_t)n++;
	for (i = 0; i < t->n; i++) {
		const struct sb_source *s = t->v[i];
		struct sb_covsource *x;
		const char *origin = NULL;

		if (srcno[i] < 0)
			continue;
		x = &p->sources[srcno[i]];
		x->src_no = (uint32_t)srcno[i];
		x->path = adup(&p->arena, s->path);
		x->size = s->len;
		sb_sha256(s->text, s->len, x->sha256);
		if (i == main) {
			origin = "";
		} else if (s->kind == SB_SRC_EMBEDDED) {
			const char *name = s->path;
			char *o2;
			if (strncmp(name, "stdlib-sb/", 10) == 0)
				name += 10;
			o2 = sb_arena_alloc(&p->arena, strlen(name) + 8);
			snprintf(o2, strlen(name) + 8, "stdlib:%s", name);
			x->origin = o2;
			continue;
		} else {
			/* the import name as written reaches us only through
			** the rules sited in the file; a file without rules
			** shows its base name (compile.c does so for inputs) */
			for (k = 0; k < u->profile->nrules; k++)
				if (u->profile->rules[k]->site.src == i) {
					origin = u->profile->rules[k]->origin;
					break;
				}
			if (!origin)
				origin = sb_basename(s->path);
		}
		x->origin = adup(&p->arena, origin);
	}
	p->nsources = n;
}

/* Line and code-point column of OFF in source SRC. */
static void
position(struct sb_unit *u, uint32_t src, uint32_t off, uint32_t *line,
    uint32_t *col)
{
	struct sb_source *s = sb_source_get(&u->ctx.sources, src);
	struct sb_pos pos;

	*line = *col = 0;
	if (!s)
		return;
	sb_source_pos(s, off, &pos);
	*line = pos.line;
	*col = pos.cpcol;
}

static void
span(struct sb_unit *u, const int32_t *srcno, struct sb_span sp, int32_t *no,
    uint32_t *line, uint32_t *col, uint32_t *eline, uint32_t *ecol)
{
	*no = sp.src < u->ctx.sources.n ? srcno[sp.src] : -1;
	if (*no < 0) {
		*line = *col = *eline = *ecol = 0;
		return;
	}
	position(u, sp.src, sp.off, line, col);
	position(u, sp.src, sp.off + sp.len, eline, ecol);
}

static int
usersrc(struct sb_unit *u, uint32_t src)
{
	struct sb_source *s = sb_source_get(&u->ctx.sources, src);

	return s && s->kind != SB_SRC_EMBEDDED;
}

/*
** The anchor (COVERAGE.md §4.2): the site when it is in user source,
** otherwise the outermost frame that lies in user source.
*/
static void
anchor(struct sb_unit *u, const int32_t *srcno, const struct sb_rule *r,
    int32_t *no, uint32_t *line)
{
	const struct sb_frame *f;
	struct sb_span at = { SB_NOSRC, 0, 0 };
	uint32_t col;

	if (r->site.src != SB_NOSRC && usersrc(u, r->site.src))
		at = r->site;
	else
		for (f = r->frames; f; f = f->up)
			if (f->span.src != SB_NOSRC && usersrc(u, f->span.src))
				at = f->span;
	*no = -1;
	*line = 0;
	if (at.src == SB_NOSRC || at.src >= u->ctx.sources.n ||
	    srcno[at.src] < 0)
		return;
	*no = srcno[at.src];
	position(u, at.src, at.off, line, &col);
}

static int
byspan(const void *a, const void *b)
{
	const struct sb_filter *x = *(const struct sb_filter *const *)a;
	const struct sb_filter *y = *(const struct sb_filter *const *)b;

	if (x->span.src != y->span.src)
		return x->span.src < y->span.src ? -1 : 1;
	if (x->span.off != y->span.off)
		return x->span.off < y->span.off ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Alternatives of the top-level require-any, in source order of their spans. */
static void
arms(struct sb_covprofile *p, struct sb_unit *u, const int32_t *srcno,
    const struct sb_rule *r, struct sb_covrule *x)
{
	const struct sb_filter **kids;
	uint32_t i;

	x->narms = 1;
	if (!r->filter || r->filter->kind != SB_F_ANY || r->filter->nkids < 2)
		return;
	kids = xcalloc(r->filter->nkids, sizeof *kids);
	memcpy(kids, r->filter->kids, r->filter->nkids * sizeof *kids);
	qsort(kids, r->filter->nkids, sizeof *kids, byspan);
	x->narms = r->filter->nkids;
	x->arms = sb_arena_calloc(&p->arena, x->narms * sizeof *x->arms);
	for (i = 0; i < x->narms; i++) {
		struct sb_covarm *m = &x->arms[i];
		m->arm_no = i;
		snprintf(m->hash, sizeof m->hash, "%016llx",
		    (unsigned long long)kids[i]->hash);
		span(u, srcno, kids[i]->span, &m->src_no, &m->line, &m->col,
		    &m->end_line, &m->end_col);
	}
	free(kids);
}

static void
modtext(struct sb_buf *b, const struct sb_target *t, const struct sb_mod *m)
{
	sb_buf_puts(b, t->modifiers[m->id].name);
	if (m->arg.kind == SB_FA_STRING)
		sb_buf_printf(b, " \"%s\"", m->arg.s);
	else if (m->arg.kind == SB_FA_INT && m->arg.cname)
		sb_buf_printf(b, " %s", m->arg.cname);
	else if (m->arg.kind == SB_FA_INT)
		sb_buf_printf(b, " %lld", (long long)m->arg.i);
}

static void
rulerow(struct sb_covprofile *p, struct sb_unit *u, const int32_t *srcno,
    const struct sb_rule *r, struct sb_covrule *x)
{
	const struct sb_target *t = u->target;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;

	x->id = r->id;
	snprintf(x->fingerprint, sizeof x->fingerprint, "%016llx",
	    (unsigned long long)r->fingerprint);
	x->action = r->action == SB_ALLOW ? "allow" : "deny";
	for (i = 0; i < r->nops; i++) {
		if (i)
			sb_buf_putc(&b, ' ');
		sb_buf_puts(&b, t->ops[r->ops[i]].name);
	}
	x->operations = sb_arena_strndup(&p->arena, b.data ? b.data : "",
	    b.len);
	b.len = 0;
	/* --report-all's added report changes no identity (DESIGN.md §5) */
	for (i = 0; i < r->mods.n; i++) {
		if (r->mods.v[i].added)
			continue;
		if (b.len)
			sb_buf_putc(&b, ' ');
		modtext(&b, t, &r->mods.v[i]);
	}
	x->modifiers = sb_arena_strndup(&p->arena, b.data ? b.data : "", b.len);
	b.len = 0;
	sb_rule_text(&b, t, r);
	x->canonical = sb_arena_strndup(&p->arena, b.data ? b.data : "", b.len);
	x->origin = adup(&p->arena, r->origin ? r->origin : "");
	span(u, srcno, r->site, &x->src_no, &x->line, &x->col, &x->end_line,
	    &x->end_col);
	anchor(u, srcno, r, &x->anchor_src_no, &x->anchor_line);
	arms(p, u, srcno, r, x);
	sb_buf_free(&b);
}

/* rules_sha256 of §2.3 */
static void
ruleshash(const struct sb_profile *prof, uint8_t out[32])
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;
	int k;

	for (i = 0; i < prof->nrules; i++) {
		const struct sb_rule *r = prof->rules[i];
		for (k = 7; k >= 0; k--)
			sb_buf_putc(&b, (int)(r->fingerprint >> (8 * k) & 0xff));
		sb_buf_putc(&b, r->action == SB_ALLOW ? 1 : 0);
		sb_buf_puts(&b, r->origin ? r->origin : "");
		sb_buf_putc(&b, 0);
	}
	sb_sha256(b.data, b.len, out);
	sb_buf_free(&b);
}

/* STANDIN: the blob hash until emission exists (see the file comment). */
static void
standin(const struct sb_profile *prof, const struct sb_target *t,
    const uint8_t rules[32], uint8_t out[32])
{
	struct sb_buf b = SB_BUF_INIT;
	unsigned op;
	uint32_t i;

	sb_buf_puts(&b, "sbpl-ir-standin");
	sb_buf_putc(&b, 0);
	sb_buf_puts(&b, t->name);
	sb_buf_putc(&b, 0);
	sb_buf_put(&b, rules, 32);
	for (op = 0; prof->ops && op < t->op_count; op++) {
		const struct sb_oplist *l = &prof->ops[op];
		sb_buf_putc(&b, l->implicit == SB_ALLOW ? 1 : 0);
		sb_buf_putc(&b, l->terminal ? 1 : 0);
		sb_buf_put_u32le(&b, l->n);
		for (i = 0; i < l->n; i++)
			sb_buf_put_u32le(&b, l->rules[i]);
	}
	sb_sha256(b.data, b.len, out);
	sb_buf_free(&b);
}

/* MAIN_FILE relative to the current directory when it lies below it. */
static const char *
relative(struct sb_arena *a, const char *path)
{
	char cwd[4096];
	size_t n;

	if (path[0] != '/' || !getcwd(cwd, sizeof cwd))
		return adup(a, path);
	n = strlen(cwd);
	if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return adup(a, path + n + 1);
	return adup(a, path);
}

int
sb_cov_identity(struct sb_covprofile *p, struct sb_unit *u,
    const struct sb_options *o, const char *main_file,
    const uint8_t *blob_sha256, char *err, size_t errsize)
{
	const struct sb_profile *prof = u->profile;
	struct sb_buf key = SB_BUF_INIT;
	struct sb_options none;
	int32_t *srcno;
	uint32_t i;

	if (!o) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	memset(p, 0, sizeof *p);
	sb_arena_init(&p->arena);
	if (!prof) {
		snprintf(err, errsize, "the profile did not compile");
		return -1;
	}
	/* §2.3: the key is over the plain blob; a report-all build is only
	** ever the evaluated_blob of a run */
	if (o->report_all) {
		snprintf(err, errsize, "profile identity needs the plain build, "
		    "not --report-all");
		return -1;
	}
	if (o->entitlements) {
		if (sourcehash(o->entitlements, p->entitlements_sha256) < 0) {
			snprintf(err, errsize, "cannot read entitlements '%s': "
			    "%s", o->entitlements, strerror(errno));
			return -1;
		}
		p->has_entitlements = 1;
	}
	params(p, o);
	p->target = adup(&p->arena, u->target->name);
	p->main_file = relative(&p->arena, main_file);
	p->main_name = adup(&p->arena, sb_basename(main_file));
	p->compiler_version = "sbpl-tools " SB_VERSION;
	ruleshash(prof, p->rules_sha256);
	if (blob_sha256)
		memcpy(p->blob_sha256, blob_sha256, 32);
	else if (u->blob)
		memcpy(p->blob_sha256, u->blob_sha256, 32);
	else
		standin(prof, u->target, p->rules_sha256, p->blob_sha256);
	sb_buf_puts(&key, "sbpl-profile");
	sb_buf_putc(&key, 0);
	sb_buf_puts(&key, p->target);
	sb_buf_putc(&key, 0);
	sb_buf_put(&key, p->blob_sha256, 32);
	sb_buf_put(&key, p->rules_sha256, 32);
	sb_buf_put(&key, p->params_sha256, 32);
	sb_sha256(key.data, key.len, p->key);
	sb_buf_free(&key);

	srcno = xcalloc(u->ctx.sources.n + 1, sizeof *srcno);
	sources(p, u, o, srcno);
	p->nrules = prof->nrules + 1;
	p->rules = sb_arena_calloc(&p->arena, p->nrules * sizeof *p->rules);
	p->rules[0].id = 0;
	snprintf(p->rules[0].fingerprint, 17, "%016x", 0);
	p->rules[0].action = "implicit";
	p->rules[0].operations = "";
	p->rules[0].modifiers = "";
	p->rules[0].canonical = "(implicit)";
	p->rules[0].origin = "";
	p->rules[0].src_no = -1;
	p->rules[0].anchor_src_no = -1;
	p->rules[0].narms = 1;
	for (i = 0; i < prof->nrules; i++)
		rulerow(p, u, srcno, prof->rules[i], &p->rules[i + 1]);
	free(srcno);
	return 0;
}

void
sb_cov_identity_free(struct sb_covprofile *p)
{
	sb_arena_free(&p->arena);
}
