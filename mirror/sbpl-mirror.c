/*
** sbpl-mirror: the one front end that writes coverage (DESIGN.md §3).
** This file owns the subcommand table and the command line of `run`
** (COVERAGE.md §6.1); supervisor.c runs the trace, and with -o the
** recorder of coverage/attrib.h stores it. `import`, `merge` and `info`
** belong to coverage/cov_cli.c and are dispatched there. Both need the
** coverage module (SB_HAVE_COVERAGE, set by mirror/module.mk); without it
** run still traces (--trace-out, the summary) and the rest says it is
** not built.
**
** Exit status: `run` ends with the command's own (128 + signal when it
** was killed), 125 when the mirror fails (a usage error included, as
** env(1) and timeout(1) do), 126 when the command cannot be executed,
** 127 when it is not found (DESIGN.md §7.3). The other subcommands use
** 0/1/2 (DESIGN.md §10.4).
*/
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/util.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "kext/target.h"
#include "mirror/jsonl.h"
#include "mirror/opmap.h"
#include "mirror/supervisor.h"

#ifdef SB_HAVE_COVERAGE
#include "coverage/attrib.h"
#include "coverage/cov_cli.h"
#include "coverage/covdb.h"
#endif

struct runopts {
	struct sb_options co;
	struct sb_run_opts ro;
	struct sb_pathmap *maps;
	const char **assume;            /* --assume FILTER=VALUE */
	uint32_t nassume;
	const char *profile;
	const char *db;
	const char *label;
	const char *events;             /* --events, or NULL */
	uint64_t samples, max_events;
	int decisive;                   /* --trap=decisive */
	unsigned char skip[SB_SYS_COUNT];       /* its untrapped syscalls */
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s run [OPTION]... -p PROFILE.sb [-o coverage.db] "
	    "-- COMMAND [ARG]...\n"
	    "  or:  %s import|merge|info ...\n"
	    "Run COMMAND and record which rule of PROFILE decides each access "
	    "it makes.\n"
	    "Nothing is denied: COMMAND runs as it would without the mirror.\n"
	    "\n"
	    "  -p, --profile=FILE     the profile to attribute accesses to\n"
	    "  -o, --output=FILE      coverage.db to add the run to\n"
	    "      --trace-out=FILE   also write every access as JSON Lines\n"
	    "      --backend=B        auto (default), unotify or ptrace\n"
	    "      --exact            the same as --backend=ptrace\n"
	    "      --path-map=FROM=TO rewrite a path prefix before evaluation\n"
	    "      --fd-ops           also count metadata reads on descriptors\n"
	    "      --deny-io-uring    make io_uring_setup fail with ENOSYS\n"
	    "      --trap=WHAT        exact (default): trap every watched call;\n"
	    "                         decisive: leave to the kernel the calls "
	    "whose\n"
	    "                         operations the profile decides alike for "
	    "every\n"
	    "                         argument (faster; those become "
	    "unobservable)\n"
	    "      --label=NAME       the run's label\n"
	    "      --events=MODE      events kept in coverage.db: sample "
	    "(default), all, none\n"
	    "      --samples=K        distinct arguments kept per rule and "
	    "operation (8)\n"
	    "      --max-events=N     events kept per run (1000000)\n"
	    "      --assume=F=V       a fact the trace cannot know, for "
	    "coverage.db\n"
	    "      --summary-limit=N  lines per summary list (default 50, "
	    "0: all)\n"
	    "  -q, --quiet            no summary\n"
	    "  -D NAME=VALUE          set parameter NAME of the profile\n"
	    "  -I DIR                 search DIR for imported files\n"
	    "      --entitlements=F   entitlements plist\n"
	    "      --cpp              run the C preprocessor over the profile\n"
	    "      --target=T         vocabulary: macos14 (default)\n"
	    "  -h, --help             show this help and exit\n"
	    "      --version          show the version and exit\n"
	    "\n"
	    "Exit status of run: COMMAND's own (128 + N when signal N "
	    "killed it), 125 when\nthe mirror fails, 126 when COMMAND cannot "
	    "be executed, 127 when it is not found.\n", sb_progname(),
	    sb_progname());
#ifdef SB_HAVE_COVERAGE
	printf("\n");
	sb_cov_cli_help();
#endif
	exit(SB_EXIT_OK);
}

/* A usage error of run: 125, since run's own statuses are the command's. */
SB_NORETURN SB_PRINTF(1, 2) static void
runerror(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sb_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    sb_progname());
	exit(SB_MIRROR_FAILED);
}

static void
pathmap(struct runopts *r, char *arg)
{
	char *eq = strchr(arg, '=');
	size_t n;

	if (!eq || arg[0] != '/' || eq[1] != '/')
		runerror("--path-map needs FROM=TO, both absolute, got '%s'",
		    arg);
	*eq = 0;
	n = strlen(arg);
	while (n > 1 && arg[n - 1] == '/')
		arg[--n] = 0;
	r->maps = xrealloc(r->maps, (r->ro.opmap.nmaps + 1) * sizeof *r->maps);
	r->maps[r->ro.opmap.nmaps].from = arg;
	r->maps[r->ro.opmap.nmaps++].to = eq + 1;
	r->ro.opmap.maps = r->maps;
}

static void
parserun(struct runopts *r, int argc, char **argv)
{
	enum { OPT_TRACE = 256, OPT_BACKEND, OPT_EXACT, OPT_MAP, OPT_FDOPS,
		OPT_URING, OPT_LABEL,
		OPT_VERSION, OPT_LIMIT, OPT_EVENTS, OPT_ASSUME, OPT_TRAP };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "trace-out", required_argument, NULL, OPT_TRACE },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "exact", no_argument, NULL, OPT_EXACT },
		{ "path-map", required_argument, NULL, OPT_MAP },
		{ "fd-ops", no_argument, NULL, OPT_FDOPS },
		{ "deny-io-uring", no_argument, NULL, OPT_URING },
		{ "trap", required_argument, NULL, OPT_TRAP },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "summary-limit", required_argument, NULL, OPT_LIMIT },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "samples", required_argument, NULL, OPT_EVENTS },
		{ "max-events", required_argument, NULL, OPT_EVENTS },
		{ "assume", required_argument, NULL, OPT_ASSUME },
		{ "quiet", no_argument, NULL, 'q' },
		SB_COMPILE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	unsigned long long v;
	int c, idx = 0;

	r->ro.summary_limit = 50;
	/* '+': the first operand is the command; its options are its own */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hqp:o:D:I:", longopts,
	    &idx)) != -1) {
		if (sb_cli_compile_option(&r->co, c, optarg, runerror))
			continue;
		switch (c) {
		case 'p':
			r->profile = optarg;
			break;
		case 'o':
			r->db = optarg;
			break;
		case OPT_TRACE:
			r->ro.trace_out = optarg;
			break;
		case OPT_BACKEND:
			if (strcmp(optarg, "auto") == 0)
				r->ro.backend = SB_BACKEND_AUTO;
			else if (strcmp(optarg, "unotify") == 0)
				r->ro.backend = SB_BACKEND_UNOTIFY;
			else if (strcmp(optarg, "ptrace") == 0)
				r->ro.backend = SB_BACKEND_PTRACE;
			else
				runerror("invalid argument '%s' for --backend "
				    "(auto, unotify, ptrace)", optarg);
			break;
		case OPT_EXACT:
			r->ro.backend = SB_BACKEND_PTRACE;
			break;
		case OPT_MAP:
			pathmap(r, optarg);
			break;
		case OPT_FDOPS:
			r->ro.filter.fd_ops = 1;
			r->ro.opmap.fd_ops = 1;
			break;
		case OPT_URING:
			r->ro.filter.deny_io_uring = 1;
			break;
		case OPT_LABEL:
			r->label = optarg;
			break;
		case OPT_TRAP:
			if (strcmp(optarg, "exact") == 0)
				r->decisive = 0;
			else if (strcmp(optarg, "decisive") == 0)
				r->decisive = 1;
			else
				runerror("invalid argument '%s' for --trap "
				    "(exact, decisive)", optarg);
			break;
		case OPT_LIMIT:
			errno = 0;
			r->ro.summary_limit = (uint32_t)strtoul(optarg, &end,
			    10);
			if (errno || *end || !*optarg)
				runerror("invalid argument '%s' for "
				    "--summary-limit", optarg);
			break;
		case OPT_EVENTS:
			if (strcmp(longopts[idx].name, "events") == 0) {
				if (strcmp(optarg, "all") && strcmp(optarg,
				    "sample") && strcmp(optarg, "none"))
					runerror("invalid argument '%s' for "
					    "--events (all, sample, none)",
					    optarg);
				r->events = optarg;
				break;
			}
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg)
				runerror("invalid argument '%s' for --%s",
				    optarg, longopts[idx].name);
			if (strcmp(longopts[idx].name, "samples") == 0)
				r->samples = v;
			else
				r->max_events = v;
			break;
		case OPT_ASSUME:
			if (!strchr(optarg, '='))
				runerror("--assume needs FILTER=VALUE, got "
				    "'%s'", optarg);
			r->assume = xrealloc(r->assume, (r->nassume + 1) *
			    sizeof *r->assume);
			r->assume[r->nassume++] = optarg;
			break;
		case 'q':
			r->ro.quiet = 1;
			break;
		case 'h':
			usage();
		case OPT_VERSION:
			sb_cli_version();
		default:
			runerror("%s", sb_cli_bad_option(argv, "+hqp:o:D:I:"));
		}
	}
	if (!r->profile)
		runerror("run needs a profile: -p PROFILE.sb");
	if (optind >= argc)
		runerror("run needs a command to run after '--'");
}

/* ARGV as a JSON array of strings. The caller frees the text. */
static char *
jsonargv(char *const argv[])
{
	struct sb_buf b = SB_BUF_INIT;
	int i;

	sb_buf_putc(&b, '[');
	for (i = 0; argv[i]; i++) {
		if (i)
			sb_buf_putc(&b, ',');
		sb_jsonl_string(&b, argv[i]);
	}
	sb_buf_putc(&b, ']');
	return sb_buf_take(&b);
}

#ifdef SB_HAVE_COVERAGE
/*
** The coverage.db side of run: the recorder of coverage/attrib.h behind
** the supervisor's hooks (all called from its evaluating thread).
*/
struct recording {
	struct sb_covdb *db;
	struct sb_covrec *rec;
	int64_t profile;
	struct sb_buf argv;             /* scratch for a process's argv_json */
};

static int
recput(void *ctx, const struct sb_access *a)
{
	return sb_covrec_put(((struct recording *)ctx)->rec, a);
}

static void
recprocess(void *ctx, const struct sb_mirror_proc *p)
{
	struct recording *g = ctx;
	struct sb_covproc cp;
	uint32_t i, n = 0;

	memset(&cp, 0, sizeof cp);
	cp.pid = p->pid;
	cp.start_ns = p->start_ns;
	cp.start_known = p->start_ns != 0;
	cp.ppid = p->ppid;
	cp.parent_start = -1;
	cp.exe = p->exe;
	cp.end_ns = -1;
	if (p->argv) {
		g->argv.len = 0;
		sb_buf_putc(&g->argv, '[');
		for (i = 0; i < p->argvlen; i += (uint32_t)strlen(p->argv +
		    i) + 1) {
			if (n++)
				sb_buf_putc(&g->argv, ',');
			/* the last argument may be cut: it is NUL-ended here */
			if (!memchr(p->argv + i, 0, p->argvlen - i))
				break;
			sb_jsonl_string(&g->argv, p->argv + i);
		}
		sb_buf_putc(&g->argv, ']');
		cp.argv_json = g->argv.data;
	}
	sb_covrec_process(g->rec, &cp);
}

static void
recidle(void *ctx)
{
	sb_covrec_tick(((struct recording *)ctx)->rec);
}

static char *
jsonmaps(const struct sb_pathmap *m, uint32_t n)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;

	sb_buf_putc(&b, '[');
	for (i = 0; i < n; i++) {
		sb_buf_puts(&b, i ? ",[" : "[");
		sb_jsonl_string(&b, m[i].from);
		sb_buf_putc(&b, ',');
		sb_jsonl_string(&b, m[i].to);
		sb_buf_putc(&b, ']');
	}
	sb_buf_putc(&b, ']');
	return sb_buf_take(&b);
}

/* Open coverage.db and begin the run; 0, or -1 after saying why. */
static int
recbegin(struct recording *g, struct runopts *r, struct sb_unit *u,
    char *const argv[], enum sb_backend_kind kind)
{
	struct sb_covrec_opts ro;
	struct sb_covrun run;
	char err[1024], source[32], *cmd, *maps = NULL;
	const char *obs[64];
	uint32_t nobs;
	int rc;

	memset(g, 0, sizeof *g);
	if (sb_covdb_open_unit(&g->db, &g->profile, r->db, SB_COVDB_CREATE, u,
	    &r->co, r->profile, 0, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return -1;
	}
	memset(&ro, 0, sizeof ro);
	/* --path-map is applied by the operation map, before attribution */
	ro.attrib.assume = r->assume;
	ro.attrib.nassume = r->nassume;
	ro.events = !r->events || strcmp(r->events, "sample") == 0 ?
	    SB_EVENTS_SAMPLE : strcmp(r->events, "all") == 0 ?
	    SB_EVENTS_ALL : SB_EVENTS_NONE;
	ro.samples = (uint32_t)r->samples;
	ro.max_events = r->max_events;
	g->rec = sb_covrec_new(g->db, g->profile, u, &ro);
	memset(&run, 0, sizeof run);
	snprintf(source, sizeof source, "linux-%s", sb_backend_name(kind));
	run.source = source;
	run.label = r->label;
	run.command_json = cmd = jsonargv(argv);
	if (r->ro.opmap.nmaps)
		run.path_map_json = maps = jsonmaps(r->maps, r->ro.opmap.nmaps);
	nobs = sb_supervise_observable(r->ro.filter.skip, obs, countof(obs));
	run.observable = obs;
	run.nobservable = nobs;
	rc = sb_covrec_begin(g->rec, &run);
	free(cmd);
	free(maps);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), r->db,
		    sb_covrec_errmsg(g->rec));
		sb_covrec_free(g->rec);
		sb_covdb_close(g->db);
		return -1;
	}
	return 0;
}

/* End the run with the command's STATUS; -1 when the database failed. */
static int
recend(struct recording *g, const struct sb_run_result *res, int status)
{
	int rc;

	rc = sb_covrec_end(g->rec, res->io_uring ? SB_RUN_PARTIAL :
	    SB_RUN_COMPLETE, res->io_uring ? "io_uring" : NULL, &status);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", sb_progname(),
		    sb_covrec_errmsg(g->rec));
	sb_covrec_free(g->rec);
	sb_covdb_close(g->db);
	sb_buf_free(&g->argv);
	return rc;
}
#endif

static int
run(int argc, char **argv)
{
	struct runopts r;
	struct sb_unit u;
	struct sb_run_result res;
	enum sb_backend_kind kind;
	int status;
#ifdef SB_HAVE_COVERAGE
	struct recording g;
	struct sb_run_hooks hooks;
#endif

	memset(&r, 0, sizeof r);
	parserun(&r, argc, argv);
#ifndef SB_HAVE_COVERAGE
	if (r.db) {
		fprintf(stderr, "%s: this build cannot write coverage.db (the "
		    "coverage module is not built); use --trace-out FILE and "
		    "import it later\n", sb_progname());
		return SB_MIRROR_FAILED;
	}
#endif
	/* with a database, the blob too: attribution checks both evaluators */
	if (sb_compile(&u, &r.co, &r.profile, 1, r.db ? SB_STAGE_EMIT :
	    SB_STAGE_EVAL) < 0) {
		sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
		    sb_diag_want_color(stderr, SB_COLOR_AUTO));
		sb_unit_free(&u);
		return SB_MIRROR_FAILED;
	}
	sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
	    sb_diag_want_color(stderr, SB_COLOR_AUTO));
	fflush(stdout);
	kind = sb_backend_pick(r.ro.backend);
	r.ro.backend = kind;
	if (r.decisive && sb_supervise_untrap(&u, r.skip))
		r.ro.filter.skip = r.skip;
#ifdef SB_HAVE_COVERAGE
	if (r.db) {
		if (recbegin(&g, &r, &u, argv + optind, kind) < 0) {
			sb_unit_free(&u);
			return SB_MIRROR_FAILED;
		}
		hooks.ctx = &g;
		hooks.put = recput;
		hooks.process = recprocess;
		hooks.idle = recidle;
		r.ro.hooks = &hooks;
	}
#endif
	status = sb_supervise(&u, &r.ro, argv + optind, &res);
#ifdef SB_HAVE_COVERAGE
	if (r.db && recend(&g, &res, status) < 0)
		status = SB_MIRROR_FAILED;
#endif
	sb_unit_free(&u);
	sb_cli_compile_free(&r.co);
	free(r.maps);
	free(r.assume);
	return status;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		sb_cli_usage_error("expected a subcommand: run, import, "
		    "merge or info");
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		usage();
	if (strcmp(cmd, "--version") == 0)
		sb_cli_version();
	if (strcmp(cmd, "run") == 0)
		return run(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0 || strcmp(cmd, "merge") == 0 ||
	    strcmp(cmd, "info") == 0) {
#ifdef SB_HAVE_COVERAGE
		return sb_cov_cli(argc - 1, argv + 1);
#else
		fprintf(stderr, "%s: '%s' is not built: this build has no "
		    "coverage module (coverage/cov_cli.c)\n", sb_progname(),
		    cmd);
		return SB_EXIT_USAGE;
#endif
	}
	sb_cli_usage_error("unknown subcommand '%s' (run, import, merge, "
	    "info)", cmd);
}
