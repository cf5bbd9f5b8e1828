/*
** sbpl-annotate: a profile's own text with the hit count of every rule
** from coverage.db (COVERAGE.md §4): gcov text, annotated SBPL that still
** compiles to the same bytes, lcov, Cobertura, JSON and HTML; and --strip,
** which gives back the original of an annotated file.
*/
#define _GNU_SOURCE             /* open_memstream is POSIX 2008 too */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annotate/annotate.h"
#include "annotate/build.h"
#include "annotate/strip.h"
#include "common/buf.h"
#include "common/cli.h"
#include "common/json.h"
#include "common/util.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "coverage/covview.h"
#include "kext/target.h"

struct opts {
	enum sb_ann_format format;
	const char *output;
	int in_place, strip, no_remap, approx, ambiguous, branches;
	int include_stdlib, per_run;
	const char *file, *remap_from, *root, *test_name;
	double fail_under;
	int has_fail_under;
	/* run selection */
	struct sb_covsel sel;
	int64_t *runids;
	const char **sources;
	/* compile options */
	struct sb_options co;
	const char **inputs;            /* --prelude files, then the profile */
	uint32_t ninputs;
	int compile_opts;               /* some were given */
	enum sb_color color;
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... PROFILE.sb coverage.db\n"
	    "  or:  %s --strip [-o OUT] ANNOTATED\n"
	    "Show a profile with the hit count of every rule from coverage.db.\n"
	    "\n"
	    "  --format=FORMAT        gcov (default), sbpl, lcov, cobertura, json, html\n"
	    "  -o FILE                write to FILE (atomically); '-' is stdout\n"
	    "  --in-place             sbpl: rewrite the profile itself\n"
	    "  --strip                give back the original of an annotated file\n"
	    "  --file=NAME            gcov, sbpl: show this imported file\n"
	    "  --remap                carry counts of earlier versions by rule\n"
	    "                         fingerprint (the default)\n"
	    "  --no-remap             refuse counts of other versions of the profile\n"
	    "  --remap-from=NAME      carry counts from the versions of NAME\n"
	    "  --run=all|complete|ID[,ID...]  which runs count (default all)\n"
	    "  --since=TIME, --until=TIME     runs started in this window\n"
	    "                         (YYYY-MM-DD[THH:MM:SS[Z]] or @SECONDS)\n"
	    "  --source=KIND[,KIND...] runs of these sources (linux-unotify, ...)\n"
	    "  --label=NAME           runs with this label\n"
	    "  --approx, --ambiguous  also count approximate and ambiguous decisions\n"
	    "  --branches             gcov: a branch line per alternative\n"
	    "  --include-stdlib       also report the library profiles\n"
	    "  --root=DIR             paths relative to DIR (default .)\n"
	    "  --test-name=NAME       lcov: the TN: line\n"
	    "  --per-run              lcov: one section per run\n"
	    "  --fail-under-rules=PCT exit 1 when rule coverage is below PCT\n"
	    "  -D NAME=VALUE, -I DIR, --target=T, --entitlements=FILE, --cpp\n"
	    "                         compile options (default: those recorded\n"
	    "                         with the newest version of the profile)\n"
	    "  --prelude=FILE         evaluate FILE before the profile (a base\n"
	    "                         profile for a fragment); repeatable\n"
	    "  --color=WHEN           auto, always, never (diagnostics)\n"
	    "  -h, --help             show this help and exit\n"
	    "  --version              show the version and exit\n"
	    "\n"
	    "Exit status: 0 written; 1 errors in the profile, no counts for it,\n"
	    "--fail-under-rules not met, or input not annotated (--strip);\n"
	    "2 usage, I/O or coverage.db errors.\n", sb_progname(),
	    sb_progname());
	exit(SB_EXIT_OK);
}

enum {
	O_FORMAT = 256, O_INPLACE, O_STRIP, O_FILE, O_REMAP, O_NOREMAP,
	O_REMAPFROM, O_RUN, O_SINCE, O_UNTIL, O_SOURCE, O_LABEL, O_APPROX,
	O_AMBIG, O_BRANCHES, O_STDLIB, O_ROOT, O_TESTNAME, O_PERRUN, O_FAIL,
	O_COLOR, O_VERSION, O_PRELUDE
};

static void
push(const char ***v, uint32_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

/* A recorded parameter K=V, as -D would give it. */
static void
define(struct opts *o, const char *k, const char *v)
{
	size_t n = strlen(k) + strlen(v) + 2;
	char *d = xmalloc(n);

	snprintf(d, n, "%s=%s", k, v);
	sb_cli_compile_option(&o->co, 'D', d, sb_cli_usage_error);
	free(d);
}

/* TIME as nanoseconds: @SECONDS, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z]. */
static int64_t
parsetime(const char *opt, const char *s)
{
	struct tm tm;
	char *end;

	if (s[0] == '@') {
		long long v = strtoll(s + 1, &end, 10);
		if (end != s + 1 && !*end)
			return (int64_t)v * 1000000000;
	} else {
		memset(&tm, 0, sizeof tm);
		if (sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
		    &tm.tm_mday) == 3) {
			const char *t = s + 10;
			int ok = *t == 0;
			if (*t == 'T' && sscanf(t + 1, "%2d:%2d:%2d",
			    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 3)
				ok = t[9] == 0 || (t[9] == 'Z' && t[10] == 0);
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			if (ok)
				return (int64_t)timegm(&tm) * 1000000000;
		}
	}
	sb_cli_usage_error("invalid time '%s' for %s (YYYY-MM-DD, "
	    "YYYY-MM-DDTHH:MM:SSZ or @SECONDS)", s, opt);
}

static void
runsel(struct opts *o, const char *arg)
{
	char *copy, *tok, *save = NULL;

	if (strcmp(arg, "all") == 0)
		return;
	if (strcmp(arg, "complete") == 0) {
		o->sel.complete_only = 1;
		return;
	}
	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long long id = strtoll(tok, &end, 10);
		if (end == tok || *end || id <= 0)
			sb_cli_usage_error("invalid run '%s' for --run (all, "
			    "complete or run ids)", tok);
		o->runids = xrealloc(o->runids, (o->sel.nruns + 1) *
		    sizeof *o->runids);
		o->runids[o->sel.nruns++] = id;
	}
	o->sel.runs = o->runids;
	free(copy);
}

static void
parseopts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "in-place", no_argument, NULL, O_INPLACE },
		{ "strip", no_argument, NULL, O_STRIP },
		{ "file", required_argument, NULL, O_FILE },
		{ "remap", no_argument, NULL, O_REMAP },
		{ "no-remap", no_argument, NULL, O_NOREMAP },
		{ "remap-from", required_argument, NULL, O_REMAPFROM },
		{ "run", required_argument, NULL, O_RUN },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "label", required_argument, NULL, O_LABEL },
		{ "approx", no_argument, NULL, O_APPROX },
		{ "ambiguous", no_argument, NULL, O_AMBIG },
		{ "branches", no_argument, NULL, O_BRANCHES },
		{ "include-stdlib", no_argument, NULL, O_STDLIB },
		{ "root", required_argument, NULL, O_ROOT },
		{ "test-name", required_argument, NULL, O_TESTNAME },
		{ "per-run", no_argument, NULL, O_PERRUN },
		{ "fail-under-rules", required_argument, NULL, O_FAIL },
		SB_COMPILE_LONGOPTS,
		{ "prelude", required_argument, NULL, O_PRELUDE },
		{ "color", required_argument, NULL, O_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "gcov", "sbpl", "lcov",
		"cobertura", "json", "html" };
	char *end, *copy, *tok, *save;
	uint32_t i;
	int c, v;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:D:I:", longopts, NULL)) != -1) {
		if (sb_cli_compile_option(&o->co, c, optarg,
		    sb_cli_usage_error)) {
			o->compile_opts = 1;
			continue;
		}
		switch (c) {
		case O_FORMAT:
			for (i = 0; i < countof(formats); i++)
				if (strcmp(optarg, formats[i]) == 0)
					break;
			if (i == countof(formats))
				sb_cli_usage_error("invalid format '%s' (gcov, "
				    "sbpl, lcov, cobertura, json, html)", optarg);
			o->format = (enum sb_ann_format)i;
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_INPLACE:
			o->in_place = 1;
			break;
		case O_STRIP:
			o->strip = 1;
			break;
		case O_FILE:
			o->file = optarg;
			break;
		case O_REMAP:
			o->no_remap = 0;
			break;
		case O_NOREMAP:
			o->no_remap = 1;
			break;
		case O_REMAPFROM:
			o->remap_from = optarg;
			break;
		case O_RUN:
			runsel(o, optarg);
			break;
		case O_SINCE:
			o->sel.since = parsetime("--since", optarg);
			break;
		case O_UNTIL:
			o->sel.until = parsetime("--until", optarg);
			break;
		case O_SOURCE:
			copy = xstrdup(optarg);
			save = NULL;
			for (tok = strtok_r(copy, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save))
				push(&o->sources, &o->sel.nsources,
				    xstrdup(tok));
			o->sel.sources = o->sources;
			free(copy);
			break;
		case O_LABEL:
			o->sel.label = optarg;
			break;
		case O_APPROX:
			o->approx = 1;
			break;
		case O_AMBIG:
			o->ambiguous = 1;
			break;
		case O_BRANCHES:
			o->branches = 1;
			break;
		case O_STDLIB:
			o->include_stdlib = 1;
			break;
		case O_ROOT:
			o->root = optarg;
			break;
		case O_TESTNAME:
			o->test_name = optarg;
			break;
		case O_PERRUN:
			o->per_run = 1;
			break;
		case O_FAIL:
			o->fail_under = strtod(optarg, &end);
			if (end == optarg || *end || o->fail_under < 0 ||
			    o->fail_under > 100)
				sb_cli_usage_error("invalid percentage '%s' for "
				    "--fail-under-rules (0 to 100)", optarg);
			o->has_fail_under = 1;
			break;
		case O_PRELUDE:
			push(&o->inputs, &o->ninputs, optarg);
			break;
		case O_COLOR:
			if ((v = sb_diag_parse_color(optarg)) < 0)
				sb_cli_usage_error("invalid argument '%s' for "
				    "--color (auto, always, never)", optarg);
			o->color = (enum sb_color)v;
			break;
		case 'h':
			usage();
		case O_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("%s", sb_cli_bad_option(argv, "ho:D:I:"));
		}
	}
	if (o->strip) {
		if (argc - optind != 1)
			sb_cli_usage_error("--strip takes one ANNOTATED file");
		return;
	}
	if (argc - optind != 2)
		sb_cli_usage_error("expected PROFILE.sb and coverage.db");
	if (o->in_place && o->format != SB_ANN_SBPL)
		sb_cli_usage_error("--in-place needs --format=sbpl");
	if (o->in_place && o->output)
		sb_cli_usage_error("--in-place and -o exclude each other");
}

/* Read PATH ("-": stdin) into B; -1 after saying why. */
static int
slurp(const char *path, struct sb_buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	int r = f ? sb_buf_read(b, f) : -1;

	if (r < 0)
		fprintf(stderr, "%s: cannot read '%s': %s\n", sb_progname(),
		    path, strerror(errno));
	if (f && f != stdin)
		fclose(f);
	return r;
}

static int
dostrip(const struct opts *o, const char *path)
{
	struct sb_buf in = SB_BUF_INIT, out = SB_BUF_INIT;
	int r = SB_EXIT_OK;

	if (slurp(path, &in) < 0)
		return SB_EXIT_USAGE;
	if (sb_ann_strip(in.data ? in.data : "", in.len, &out) < 0) {
		fprintf(stderr, "%s: %s: not an annotated file (neither "
		    "annotated SBPL with a ';@cov-file' last line nor gcov text)"
		    "\n", sb_progname(), path);
		r = SB_EXIT_INPUT;
	} else if (sb_write_atomic(o->output ? o->output : "-",
	    out.data ? out.data : "", out.len) < 0) {
		r = SB_EXIT_USAGE;
	}
	sb_buf_free(&in);
	sb_buf_free(&out);
	return r;
}

/*
** With no compile option given, those recorded with the newest version of
** the profile: its parameters and target (§4.1).
*/
static int
recorded(struct opts *o, struct sb_covdb *db, const char *profile)
{
	struct sb_covprofile_row *rows;
	const char *name = sb_basename(o->remap_from ? o->remap_from :
	    profile);
	struct sb_json *root;
	struct sb_json_iter *it;
	uint32_t n, i;
	char err[200];

	if (sb_covdb_profiles_read(db, &rows, &n) < 0)
		return -1;
	for (i = n; i-- > 0;)
		if (strcmp(rows[i].main_name, name) == 0)
			break;
	if (i < n) {
		o->co.target = sb_target_find(rows[i].target,
		    strlen(rows[i].target));
		if ((root = sb_json_parse(rows[i].params_json,
		    strlen(rows[i].params_json), "params", err, sizeof err))) {
			for (it = sb_json_iter(root); it;
			    it = sb_json_iter_next(root, it)) {
				const char *k = sb_json_iter_key(it);
				const char *v = sb_json_string(
				    sb_json_iter_value(it));
				define(o, k, v ? v : "");
			}
			sb_json_free(root);
		}
	}
	sb_covdb_profiles_free(rows, n);
	return 0;
}

/* The src_no of --file=NAME among the user sources, or -1. */
static int
findfile(const struct sb_covprofile *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->nsources; i++) {
		const struct sb_covsource *s = &p->sources[i];
		if (strncmp(s->origin, "stdlib:", 7) == 0)
			continue;
		if (strcmp(s->origin, name) == 0 || strcmp(s->path, name) == 0 ||
		    strcmp(sb_basename(s->path), name) == 0)
			return (int)s->src_no;
	}
	return -1;
}

static void
summary(const struct sb_ann_model *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->nfiles; i++)
		n += m->files[i].reported && m->files[i].rules;
	for (i = 0; i < m->nfiles && n > 1; i++) {
		const struct sb_ann_file *f = &m->files[i];
		if (!f->reported || !f->rules)
			continue;
		fprintf(stderr, "%s: %s: rules hit: %u of %u (%u observable, "
		    "%.1f%%)\n", sb_progname(), f->path, f->hit, f->rules,
		    f->observable, sb_ann_percent(f->hit, f->observable));
	}
	fprintf(stderr, "%s: rules hit: %u of %u (%u observable, %.1f%%)\n",
	    sb_progname(), m->total_hit, m->total_rules, m->total_observable,
	    sb_ann_percent(m->total_hit, m->total_observable));
}

static void
notes(const struct opts *o, const struct sb_covview *v,
    const struct sb_ann_model *m, const char *profile)
{
	uint32_t i;

	if (v->sources_differ)
		fprintf(stderr, "%s: note: %s changed only in comments or "
		    "layout since the recorded runs; the counts apply\n",
		    sb_progname(), profile);
	if (!v->exact)
		fprintf(stderr, "%s: note: counts carried by rule fingerprint "
		    "from %u recorded version%s of '%s': %u rule%s new, %u "
		    "lost\n", sb_progname(), v->nprofiles, v->nprofiles == 1 ?
		    "" : "s", sb_basename(o->remap_from ? o->remap_from :
		    profile), m->changed, m->changed == 1 ? "" : "s", m->nlost);
	if (v->crashed)
		fprintf(stderr, "%s: note: %u of the counted runs crashed; "
		    "their committed counts are included\n", sb_progname(),
		    v->crashed);
	for (i = 0; i < m->nlost; i++)
		fprintf(stderr, "%s: lost: %s (decided %" PRIu64 ", line %u "
		    "of the recorded version)\n", sb_progname(),
		    m->lost[i].canonical, m->lost[i].decided, m->lost[i].line);
}

static int
emit(struct sb_ann_model *m, const struct sb_ann_opts *ao, FILE *f)
{
	static int (*const emitters[])(struct sb_ann_model *,
	    const struct sb_ann_opts *, FILE *) = {
		sb_ann_emit_gcov, sb_ann_emit_sbpl, sb_ann_emit_lcov,
		sb_ann_emit_cobertura, sb_ann_emit_json, sb_ann_emit_html
	};

	return emitters[ao->format](m, ao, f);
}

/* Report an error located at the start of the profile (exit 1). */
static void
located(struct sb_unit *u, const char *msg)
{
	uint32_t src = u->nfiles ? u->files[u->nfiles - 1]->src : 0;

	sb_diag(&u->ctx.diag, SB_ERROR, NULL, (struct sb_span){ src, 0, 0 },
	    "%s", msg);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sb_unit u;
	struct sb_covdb *db = NULL;
	struct sb_covprofile cur;
	struct sb_covview v;
	struct sb_ann_model m;
	struct sb_ann_build b;
	struct sb_ann_opts ao;
	struct sb_buf text = SB_BUF_INIT, stripped = SB_BUF_INIT;
	const char *profile, *dbpath;
	char err[512], *mem = NULL;
	size_t memlen = 0;
	int status = SB_EXIT_OK, have_cur = 0, have_v = 0, have_m = 0, show;
	enum sb_ann_kind kind;
	FILE *mf;

	memset(&o, 0, sizeof o);
	memset(&u, 0, sizeof u);
	sb_ctx_init(&u.ctx);
	o.color = SB_COLOR_AUTO;
	parseopts(&o, argc, argv);
	if (o.strip) {
		status = dostrip(&o, argv[optind]);
		goto out;
	}
	profile = argv[optind];
	dbpath = argv[optind + 1];
	push(&o.inputs, &o.ninputs, profile);

	if (sb_covdb_open(&db, dbpath, SB_COVDB_READONLY, NULL, err,
	    sizeof err) < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), dbpath, err);
		status = SB_EXIT_USAGE;
		goto out;
	}
	if (!o.compile_opts && recorded(&o, db, profile) < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), dbpath,
		    sb_covdb_errmsg(db));
		status = SB_EXIT_USAGE;
		goto out;
	}
	if (slurp(profile, &text) < 0) {
		status = SB_EXIT_USAGE;
		goto out;
	}
	kind = sb_ann_kind_of(text.data ? text.data : "", text.len);
	if (kind == SB_ANN_KIND_GCOV) {
		fprintf(stderr, "%s: %s is gcov text, not a profile; "
		    "'%s --strip %s' gives the profile back\n", sb_progname(),
		    profile, sb_progname(), profile);
		status = SB_EXIT_INPUT;
		goto out;
	}
	if (kind == SB_ANN_KIND_SBPL)
		sb_ann_strip(text.data, text.len, &stripped);

	sb_ctx_free(&u.ctx);
	if (sb_compile(&u, &o.co, o.inputs, o.ninputs, SB_STAGE_EMIT) < 0) {
		status = u.io_error || u.internal_error ? SB_EXIT_USAGE :
		    SB_EXIT_INPUT;
		goto out;
	}
	if (kind == SB_ANN_KIND_PLAIN && o.format == SB_ANN_SBPL) {
		uint32_t line, col, src = u.files[u.nfiles - 1]->src;
		struct sb_source *s = sb_source_get(&u.ctx.sources, src);
		if (s && sb_ann_reserved(s->text, s->len, &line, &col)) {
			uint32_t off, l = 1, k;
			for (k = 0; k < s->len && l < line; k++)
				if (s->text[k] == '\n')
					l++;
			off = k + col - 1;
			sb_diag(&u.ctx.diag, SB_ERROR, NULL,
			    (struct sb_span){ src, off, 6 }, "the text ' ;@cov ' "
			    "is reserved for annotations; change this line "
			    "before annotating");
			status = SB_EXIT_INPUT;
			goto out;
		}
	}
	if (sb_cov_identity(&cur, &u, &o.co, profile, NULL, err,
	    sizeof err) < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), profile, err);
		sb_cov_identity_free(&cur);
		status = SB_EXIT_USAGE;
		goto out;
	}
	have_cur = 1;
	show = 0;
	if (o.file && (show = findfile(&cur, o.file)) < 0) {
		fprintf(stderr, "%s: --file: '%s' is not a file of this "
		    "profile; it reads:", sb_progname(), o.file);
		for (uint32_t i = 0; i < cur.nsources; i++)
			if (strncmp(cur.sources[i].origin, "stdlib:", 7))
				fprintf(stderr, " '%s'", cur.sources[i].path);
		fprintf(stderr, "\n");
		status = SB_EXIT_USAGE;
		goto out;
	}
	status = sb_covview_load(&v, db, &cur, &o.sel,
	    (o.no_remap ? SB_COVVIEW_NOREMAP : 0) |
	    (o.format == SB_ANN_JSON || o.format == SB_ANN_HTML ?
	    SB_COVVIEW_OPS : 0), o.remap_from, err, sizeof err);
	have_v = 1;
	if (status == 1) {
		located(&u, err);
		status = SB_EXIT_INPUT;
		goto out;
	}
	if (status < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), dbpath, err);
		status = SB_EXIT_USAGE;
		goto out;
	}

	memset(&b, 0, sizeof b);
	b.unit = &u;
	b.cur = &cur;
	b.view = &v;
	b.data = dbpath;
	b.root = o.root;
	b.tool_version = "sbpl-annotate " SB_VERSION;
	b.show = (uint32_t)show;
	if (show == 0 && kind == SB_ANN_KIND_SBPL) {
		b.show_text = stripped.data ? stripped.data : "";
		b.show_len = stripped.len;
	}
	b.approx = o.approx;
	b.ambiguous = o.ambiguous;
	b.include_stdlib = o.include_stdlib;
	b.details = o.format == SB_ANN_JSON || o.format == SB_ANN_HTML;
	b.per_run = o.per_run && o.format == SB_ANN_LCOV;
	have_m = 1;
	if (sb_ann_build(&m, &b, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), dbpath, err);
		status = SB_EXIT_USAGE;
		goto out;
	}
	notes(&o, &v, &m, profile);

	memset(&ao, 0, sizeof ao);
	ao.format = o.format;
	ao.file = (uint32_t)show;
	ao.branches = o.branches;
	ao.test_name = o.test_name ? o.test_name : "";
	ao.per_run = o.per_run;
	if (!(mf = open_memstream(&mem, &memlen)))
		sb_fatal("out of memory:");
	if (emit(&m, &ao, mf) < 0 || fclose(mf) != 0) {
		fprintf(stderr, "%s: cannot write the output\n", sb_progname());
		status = SB_EXIT_USAGE;
		goto out;
	}
	if (sb_write_atomic(o.in_place ? (show ? cur.sources[show].path :
	    profile) : o.output ? o.output : "-", mem, memlen) < 0) {
		status = SB_EXIT_USAGE;
		goto out;
	}
	if (o.format == SB_ANN_GCOV || o.format == SB_ANN_SBPL)
		summary(&m);
	if (o.has_fail_under && sb_ann_percent(m.total_hit,
	    m.total_observable) < o.fail_under) {
		fprintf(stderr, "%s: rule coverage %.1f%% is below "
		    "--fail-under-rules=%g\n", sb_progname(),
		    sb_ann_percent(m.total_hit, m.total_observable),
		    o.fail_under);
		status = SB_EXIT_INPUT;
	}
out:
	sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
	    sb_diag_want_color(stderr, o.color));
	if (have_m)
		sb_ann_model_free(&m);
	if (have_v)
		sb_covview_free(&v);
	if (have_cur)
		sb_cov_identity_free(&cur);
	sb_covdb_close(db);
	sb_unit_free(&u);
	sb_buf_free(&text);
	sb_buf_free(&stripped);
	free(mem);
	sb_cli_compile_free(&o.co);
	free(o.inputs);
	free(o.runids);
	for (uint32_t i = 0; i < o.sel.nsources; i++)
		free((char *)o.sources[i]);
	free(o.sources);
	return status;
}
