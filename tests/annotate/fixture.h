/*
** The model the format tests share (tests/unit/test_ann_lcov.c,
** test_ann_cobertura.c), built by hand as annotate/model.c would build
** it, and what they do with an output: compare it with the golden file
** beside it under tests/annotate/ (SB_UPDATE_EXPECT=1 rewrites the
** golden instead; review the diff), and, when SB_ANN_OUT names a
** directory, also write it there with the model's sources at their
** paths, for tests/annotate/run-formats to hand to genhtml and xmllint.
** Header-only, static functions, like tests/unit/fixture.h.
**
** The model: two counted runs (id 3 labelled "unit tests é", id 7
** without a label), four reported files and one library file:
**
**   profiles/app.sb (main)        profiles/lib/net.sb (imported)
**    2 deny default      12        2 allow network-outbound  40
**    4 allow file-read*  4182        3 alternatives: 30 10 0
**      2 alternatives: 4182 0      3 allow network-inbound    6
**    6 allow file-write*  0          2 alternatives: 2 4
**    7 allow mach-lookup  3      top.sb (imported from ../)
**    9 bsd.sb's rule (library,     2 allow file-read-metadata 9
**      counted at its import) 7    3 allow iokit-open: new, 0
**   10 allow process-exec 5      profiles/quiet.sb (imported)
**   10 allow process-exec 0        1 deny file-write* no-report:
**      2 alternatives, never hit     unobservable
**   11 deny mach-lookup
**      no-report: unobservable
**
** Per run (3, 7): 10+2, 4000+182 (arms 4000+182, 0+0), 0, 3+0, 40+0
** (arms 30+0, 10+0, 0+0), 2+4 (arms 2+0, 0+4), 0+7, 5+0, 0, 0, 4+5; the
** new rule has no per-run counts.
*/
#ifndef SB_TESTS_ANNOTATE_FIXTURE_H
#define SB_TESTS_ANNOTATE_FIXTURE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "annotate/annotate.h"

/* One rule of the fixture; its count is the sum of its runs. */
struct fx_rule {
	uint32_t file, line;
	const char *action, *first_op, *operations;
	uint32_t nops;
	enum sb_ann_state state;        /* HIT or NEVER follow from the count */
	uint64_t run[2];
	uint32_t narms;
	uint64_t arm[3][2];             /* per alternative, per run */
};

static const char fx_app[] =
	"(version 1)\n"
	"(deny default)\n"
	"; libraries\n"
	"(allow file-read* (subpath \"/usr/lib\")\n"
	"                  (subpath \"/System/Library\"))\n"
	"(allow file-write* (subpath \"/private/tmp/app\"))\n"
	"(allow mach-lookup (global-name \"com.apple.cfprefsd.daemon\"))\n"
	"(import \"lib/net.sb\")\n"
	"(import \"bsd.sb\")\n"
	"(allow process-exec (literal \"/bin/ls\")) "
	"(allow process-exec (literal \"/bin/cat\") (literal \"/bin/echo\"))\n"
	"(deny mach-lookup (with no-report) (global-name \"com.apple.x\"))\n"
	"(import \"../top.sb\")\n"
	"(import \"quiet.sb\")\n";
static const char fx_net[] =
	"; network\n"
	"(allow network-outbound (remote tcp \"*:443\") (remote tcp \"*:80\") "
	"(remote udp \"*:53\"))\n"
	"(allow network-inbound (local tcp \"*:8080\") "
	"(local tcp \"*:8443\"))\n";
static const char fx_top[] =
	"; shared\n"
	"(allow file-read-metadata)\n"
	"(allow iokit-open)\n";
static const char fx_quiet[] =
	"(deny file-write* (with no-report) (subpath \"/x\"))\n";
static const char fx_bsd[] =
	"(allow sysctl-read file-read-metadata mach-lookup)\n";

#define FX_HIT SB_ANN_HIT
#define FX_UNOBS SB_ANN_UNOBSERVABLE

/* ORDER: emission order; fx_model() numbers them from 1 */
static const struct fx_rule fx_rules[] = {
	{ 0, 2, "deny", "default", "default", 1, FX_HIT, { 10, 2 }, 0,
	    { { 0 } } },
	{ 0, 4, "allow", "file-read*", "file-read*", 1, FX_HIT,
	    { 4000, 182 }, 2, { { 4000, 182 }, { 0, 0 } } },
	{ 0, 6, "allow", "file-write*", "file-write*", 1, FX_HIT, { 0, 0 },
	    0, { { 0 } } },
	{ 0, 7, "allow", "mach-lookup", "mach-lookup", 1, FX_HIT, { 3, 0 },
	    0, { { 0 } } },
	{ 1, 2, "allow", "network-outbound", "network-outbound", 1, FX_HIT,
	    { 40, 0 }, 3, { { 30, 0 }, { 10, 0 }, { 0, 0 } } },
	{ 1, 3, "allow", "network-inbound", "network-inbound", 1, FX_HIT,
	    { 2, 4 }, 2, { { 2, 0 }, { 0, 4 } } },
	/* bsd.sb is not reported: counted at its import, main line 9 */
	{ 0, 9, "allow", "sysctl-read",
	    "sysctl-read file-read-metadata mach-lookup", 3, FX_HIT, { 0, 7 },
	    0, { { 0 } } },
	{ 0, 10, "allow", "process-exec", "process-exec", 1, FX_HIT,
	    { 5, 0 }, 0, { { 0 } } },
	{ 0, 10, "allow", "process-exec", "process-exec", 1, FX_HIT,
	    { 0, 0 }, 2, { { 0, 0 }, { 0, 0 } } },
	{ 0, 11, "deny", "mach-lookup", "mach-lookup", 1, FX_UNOBS, { 0, 0 },
	    0, { { 0 } } },
	{ 2, 2, "allow", "file-read-metadata", "file-read-metadata", 1,
	    FX_HIT, { 4, 5 }, 0, { { 0 } } },
	{ 2, 3, "allow", "iokit-open", "iokit-open", 1, SB_ANN_NEW, { 0, 0 },
	    0, { { 0 } } },
	{ 3, 1, "deny", "file-write*", "file-write*", 1, FX_UNOBS, { 0, 0 },
	    0, { { 0 } } },
};

static inline void
fx_file(struct sb_ann_file *f, const char *path, const char *origin,
    const char *text, int reported)
{
	f->path = path;
	f->origin = origin;
	f->text = text;
	f->len = strlen(text);
	f->reported = reported;
	f->is_library = !reported;
	f->is_main = !*origin;
}

static inline void
fx_rule(struct sb_ann_model *m, uint32_t i, const struct fx_rule *x)
{
	struct sb_ann_rule *r = &m->rules[i];
	uint32_t a, k;

	r->id = i + 1;
	r->fingerprint = "0123456789abcdef";
	r->action = x->action;
	r->first_op = x->first_op;
	r->nops = x->nops;
	r->operations = x->operations;
	r->canonical = "";
	r->file = r->anchor_file = x->file;
	r->line = r->anchor_line = x->line;
	r->count = r->decided = x->run[0] + x->run[1];
	r->state = x->state;
	if (r->state == SB_ANN_HIT && !r->count)
		r->state = SB_ANN_NEVER;
	if (r->state != SB_ANN_NEW) {
		r->by_run = sb_arena_memdup(&m->arena, x->run, sizeof x->run);
		r->arm_by_run = x->narms ? sb_arena_calloc(&m->arena,
		    x->narms * 2 * sizeof *r->arm_by_run) : NULL;
	}
	if (!x->narms)
		return;
	r->narms = x->narms;
	r->arms = sb_arena_calloc(&m->arena, x->narms * sizeof *r->arms);
	for (a = 0; a < x->narms; a++) {
		for (k = 0; k < 2; k++)
			if (r->arm_by_run)
				r->arm_by_run[a * 2 + k] = x->arm[a][k];
		r->arms[a].matched = x->arm[a][0] + x->arm[a][1];
		r->partial |= r->count && !r->arms[a].matched;
	}
}

/* Fill *M with the model above; free it with sb_ann_model_free(). */
static inline void
fx_model(struct sb_ann_model *m)
{
	uint32_t i, n = sizeof fx_rules / sizeof fx_rules[0];

	memset(m, 0, sizeof *m);
	sb_arena_init(&m->arena);
	m->target = "macos14";
	m->main_file = "profiles/app.sb";
	m->data = "coverage.db";
	m->tool_version = "sbpl-annotate 0.4.0";
	m->timestamp = 1741111872;
	m->nruns = m->chains = 2;
	m->runs = sb_arena_calloc(&m->arena, 2 * sizeof *m->runs);
	m->runs[0].id = 3;
	m->runs[0].label = "unit tests \xc3\xa9";
	m->runs[1].id = 7;
	m->runs[1].label = "";
	for (i = 0; i < 2; i++) {
		m->runs[i].source = "linux-unotify";
		m->runs[i].status = "complete";
	}
	m->runs[1].ended_at = m->timestamp * 1000000000;
	m->nfiles = 5;
	m->files = sb_arena_calloc(&m->arena, 5 * sizeof *m->files);
	fx_file(&m->files[0], "profiles/app.sb", "", fx_app, 1);
	fx_file(&m->files[1], "profiles/lib/net.sb", "lib/net.sb", fx_net, 1);
	fx_file(&m->files[2], "top.sb", "../top.sb", fx_top, 1);
	fx_file(&m->files[3], "profiles/quiet.sb", "quiet.sb", fx_quiet, 1);
	fx_file(&m->files[4], "stdlib-sb/bsd.sb", "stdlib:bsd.sb", fx_bsd, 0);
	m->nrules = n;
	m->rules = sb_arena_calloc(&m->arena, n * sizeof *m->rules);
	for (i = 0; i < n; i++)
		fx_rule(m, i, &fx_rules[i]);
}

/* Output of EMIT for M and O as a string; free() it. */
static inline char *
fx_emit(int (*emit)(struct sb_ann_model *, const struct sb_ann_opts *,
    FILE *), struct sb_ann_model *m, const struct sb_ann_opts *o)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(emit(m, o, f), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* The file at PATH, NUL-terminated, or NULL. free() it. */
static inline char *
fx_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *s;

	if (!f)
		return NULL;
	s = open_memstream(&b, &len);
	assert_non_null(s);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, s);
	fclose(f);
	fclose(s);
	return b;
}

static inline void
fx_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* mkdir -p of the directories above PATH. */
static inline void
fx_mkdirs(const char *path)
{
	char b[4096];
	char *p;

	snprintf(b, sizeof b, "%s", path);
	for (p = b + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(b, 0777) < 0 && errno != EEXIST)
			fail_msg("cannot make %s: %s", b, strerror(errno));
		*p = '/';
	}
}

/*
** With SB_ANN_OUT set, write GOT as $SB_ANN_OUT/NAME and every file of M
** at its path below $SB_ANN_OUT, as the output's paths name them.
*/
static inline void
fx_export(const char *name, const char *got, const struct sb_ann_model *m)
{
	const char *dir = getenv("SB_ANN_OUT");
	char path[4096];
	uint32_t i;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fx_write(path, got);
	for (i = 0; i < m->nfiles; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, m->files[i].path);
		fx_mkdirs(path);
		fx_write(path, m->files[i].text);
	}
}

/* GOT equals the golden file PATH (or rewrites it); 0 when equal. */
static inline int
fx_golden(const char *path, const char *got)
{
	char *want;
	int same;

	if (getenv("SB_UPDATE_EXPECT")) {
		fx_write(path, got);
		return 0;
	}
	want = fx_read(path);
	if (!want) {
		print_error("%s: missing (run with SB_UPDATE_EXPECT=1)\n",
		    path);
		return 1;
	}
	same = strcmp(want, got) == 0;
	if (!same)
		print_error("%s differs; got:\n%s", path, got);
	free(want);
	return !same;
}

#endif
