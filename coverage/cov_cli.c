/*
** cov_cli.c: `sbpl-mirror import`, `merge` and `info` (COVERAGE.md §7,
** §2.6, §2.9). This file owns their command lines, reading the inputs
** (mapped, cut at the last newline, hashed for idempotency), and the
** printing; the importers parse, coverage/attrib.c attributes and
** coverage/covdb.c stores.
**
** Exit status (DESIGN.md §10.4): 0 done; 1 profile errors, rejected
** records or a refused input; 2 usage, I/O or database errors.
*/
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/sha256.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "coverage/attrib.h"
#include "coverage/cov_cli.h"
#include "coverage/covdb.h"
#include "coverage/import.h"
#include "kext/target.h"

#define ULOG_JSON_MAX (256u << 20)      /* §7: ulog-json is read whole */
#define MAXSHOWN 100                    /* rejected records printed per input */

/* --- shared ---------------------------------------------------------------- */

struct strv {
	const char **v;
	uint32_t n;
};

static void
push(struct strv *s, const char *x)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = x;
}

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

static void
fjsonstr(FILE *f, const char *s)
{
	struct sb_buf b = SB_BUF_INIT;

	if (!s) {
		fputs("null", f);
		return;
	}
	jsonstr(&b, s);
	fwrite(b.data, 1, b.len, f);
	sb_buf_free(&b);
}

/* "2025-03-04T18:11:02Z" */
static void
isotime(int64_t ns, char *out, size_t n)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (ns <= 0 || !gmtime_r(&t, &tm)) {
		snprintf(out, n, "-");
		return;
	}
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
sb_cov_cli_help(void)
{
	printf("Usage: %s import --from=FMT -p PROFILE.sb -o coverage.db "
	    "[OPTION]... LOG...\n"
	    "       %s merge -o OUT.db [--events] [--force-profile] DB...\n"
	    "       %s info [--json] [--check|--check-events] coverage.db\n"
	    "Record which rule of a sandbox profile decided each access.\n"
	    "\n"
	    "import reads logs of accesses, attributes each one to the rule "
	    "of PROFILE\nthat decides it, and records the counts in "
	    "coverage.db; each LOG is one\nrun ('-' is standard input). "
	    "Importing the same bytes again does nothing;\na log that grew "
	    "is imported from where the last import stopped.\n"
	    "  --from=FMT             jsonl, ulog-ndjson, ulog-json, "
	    "ulog-syslog,\n"
	    "                         ulog-compact, ulog-legacy, "
	    "sandboxmirror, eslogger,\n"
	    "                         unified-log (any ulog style) or auto\n"
	    "  -p, --profile=FILE     the profile the accesses are checked "
	    "against\n"
	    "  -o, --output=FILE      coverage.db (created when missing)\n"
	    "  --label=NAME           name the run (test or workload)\n"
	    "  --userland             also read userland sandbox reporters\n"
	    "  --force-schema         read an eslogger schema not tested\n"
	    "  --force-profile        record another main profile in "
	    "coverage.db\n"
	    "  --assume=FILTER=VALUE  a fact the log cannot give "
	    "(repeatable)\n"
	    "  --path-map=FROM=TO     rewrite a path prefix first "
	    "(repeatable)\n"
	    "  --events=WHICH         all, sample (default) or none\n"
	    "  --samples=K            events kept per rule and operation "
	    "(8)\n"
	    "  --max-events=N         event rows per run (1000000)\n"
	    "  --observable=OPS       jsonl: the operations the source could "
	    "see\n"
	    "  -D NAME=VALUE, -I DIR, --target=T, --entitlements=FILE, --cpp\n"
	    "                         compile PROFILE as sbplc does\n"
	    "\n"
	    "merge copies the profiles and runs of each DB into OUT.db; a "
	    "run already\nthere is skipped, so merging twice is harmless. "
	    "Events only with --events.\n"
	    "\n"
	    "info prints the profiles and runs of coverage.db (--json: as "
	    "JSON);\n--check also checks the file's integrity; --check-events "
	    "also that every\nrun's hits equal its events (runs imported with "
	    "--events=all).\n"
	    "\n"
	    "  -h, --help             show this help and exit\n"
	    "  --version              show the version and exit\n"
	    "\n"
	    "Exit status: 0 done, 1 errors in the profile or rejected "
	    "records, 2 usage,\nI/O or database errors.\n", sb_progname(),
	    sb_progname(), sb_progname());
}

/* --- reading an input --------------------------------------------------------- */

/* An input mapped read-only: a file, or standard input spooled first. */
struct input {
	const char *name;               /* as given */
	const char *shown;              /* in messages */
	const char *bytes;
	size_t len;
	void *map;
	size_t maplen;
};

static int
mapinput(struct input *in, const char *path)
{
	struct stat st;
	int fd = -1, spool = 0;
	FILE *tmp = NULL;

	memset(in, 0, sizeof *in);
	in->name = path;
	in->shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (strcmp(path, "-") == 0) {
		spool = 1;
	} else {
		if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
			fprintf(stderr, "%s: cannot read '%s': %s\n",
			    sb_progname(), path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		spool = !S_ISREG(st.st_mode);
	}
	if (spool) {
		/* a pipe cannot be read twice: hash, then parse, a copy */
		FILE *src = fd >= 0 ? fdopen(fd, "rb") : stdin;
		char buf[65536];
		size_t n;
		if (!(tmp = tmpfile())) {
			fprintf(stderr, "%s: cannot spool '%s': %s\n",
			    sb_progname(), in->shown, strerror(errno));
			return -1;
		}
		while ((n = fread(buf, 1, sizeof buf, src)) > 0)
			if (fwrite(buf, 1, n, tmp) != n)
				break;
		if (ferror(src) || fflush(tmp) != 0) {
			fprintf(stderr, "%s: cannot read '%s'\n", sb_progname(),
			    in->shown);
			fclose(tmp);
			if (src != stdin)
				fclose(src);
			return -1;
		}
		if (src != stdin)
			fclose(src);
		fd = dup(fileno(tmp));
		fclose(tmp);
		if (fd < 0 || fstat(fd, &st) < 0)
			return -1;
	}
	in->maplen = (size_t)st.st_size;
	if (in->maplen > 0) {
		in->map = mmap(NULL, in->maplen, PROT_READ, MAP_PRIVATE, fd, 0);
		if (in->map == MAP_FAILED) {
			fprintf(stderr, "%s: cannot map '%s': %s\n",
			    sb_progname(), in->shown, strerror(errno));
			close(fd);
			in->map = NULL;
			return -1;
		}
		posix_madvise(in->map, in->maplen, POSIX_MADV_SEQUENTIAL);
	}
	close(fd);
	in->bytes = in->map ? in->map : "";
	in->len = in->maplen;
	return 0;
}

static void
unmapinput(struct input *in)
{
	if (in->map)
		munmap(in->map, in->maplen);
	in->map = NULL;
}

/* --- import ----------------------------------------------------------------- */

struct importopts {
	struct sb_options co;
	struct strv assume, pathmap, logs, observable;
	const char *profile, *output, *label;
	int format;                     /* enum sb_import_format or SB_IMPORT_AUTO/UNIFIED */
	int userland, force_schema, force_profile;
	struct sb_covrec_opts ro;
	char *command_json;
};

static void
importusage(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof msg, fmt, arg);
	sb_cli_usage_error("import: %s", msg);
}

/* The same for the compile options (compiler/cliopts.h). */
SB_NORETURN SB_PRINTF(1, 2) static void
importerror(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sb_cli_usage_error("import: %s", msg);
}

static uint64_t
number(const char *opt, const char *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-')
		sb_cli_usage_error("invalid number '%s' for %s", v, opt);
	return n;
}

static void
importopts(struct importopts *o, int argc, char **argv)
{
	enum { O_FROM = 256, O_LABEL, O_USERLAND, O_FORCE_SCHEMA,
		O_FORCE_PROFILE, O_ASSUME, O_PATHMAP, O_EVENTS, O_SAMPLES,
		O_MAXEVENTS, O_OBS, O_VERSION };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, O_FROM },
		{ "profile", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, O_LABEL },
		{ "userland", no_argument, NULL, O_USERLAND },
		{ "force-schema", no_argument, NULL, O_FORCE_SCHEMA },
		{ "force-profile", no_argument, NULL, O_FORCE_PROFILE },
		{ "assume", required_argument, NULL, O_ASSUME },
		{ "path-map", required_argument, NULL, O_PATHMAP },
		{ "events", required_argument, NULL, O_EVENTS },
		{ "samples", required_argument, NULL, O_SAMPLES },
		{ "max-events", required_argument, NULL, O_MAXEVENTS },
		{ "observable", required_argument, NULL, O_OBS },
		SB_COMPILE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->format = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hp:o:D:I:", longopts, NULL)) !=
	    -1) {
		if (sb_cli_compile_option(&o->co, c, optarg, importerror))
			continue;
		switch (c) {
		case O_FROM:
			if ((o->format = sb_import_format_find(optarg)) == -1)
				importusage("unknown format '%s' (jsonl, "
				    "ulog-ndjson, ulog-json, ulog-syslog, "
				    "ulog-compact, ulog-legacy, sandboxmirror, "
				    "eslogger, unified-log, auto)", optarg);
			break;
		case 'p':
			o->profile = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_LABEL:
			o->label = optarg;
			break;
		case O_USERLAND:
			o->userland = 1;
			break;
		case O_FORCE_SCHEMA:
			o->force_schema = 1;
			break;
		case O_FORCE_PROFILE:
			o->force_profile = 1;
			break;
		case O_ASSUME:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				importusage("--assume needs FILTER=VALUE, got "
				    "'%s'", optarg);
			push(&o->assume, optarg);
			break;
		case O_PATHMAP:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				importusage("--path-map needs FROM=TO, got "
				    "'%s'", optarg);
			push(&o->pathmap, optarg);
			break;
		case O_EVENTS:
			if (strcmp(optarg, "all") == 0)
				o->ro.events = SB_EVENTS_ALL;
			else if (strcmp(optarg, "sample") == 0)
				o->ro.events = SB_EVENTS_SAMPLE;
			else if (strcmp(optarg, "none") == 0)
				o->ro.events = SB_EVENTS_NONE;
			else
				importusage("invalid argument '%s' for --events "
				    "(all, sample, none)", optarg);
			break;
		case O_SAMPLES:
			o->ro.samples = (uint32_t)number("--samples", optarg);
			if (!o->ro.samples)
				importusage("--samples must be at least 1%s",
				    "");
			break;
		case O_MAXEVENTS:
			o->ro.max_events = number("--max-events", optarg);
			if (!o->ro.max_events)
				o->ro.events = SB_EVENTS_NONE;
			break;
		case O_OBS: {
			char *s = optarg, *comma;
			for (; s; s = comma) {
				if ((comma = strchr(s, ',')))
					*comma++ = 0;
				if (*s)
					push(&o->observable, s);
			}
			break;
		}
		case 'h':
			sb_cov_cli_help();
			exit(SB_EXIT_OK);
		case O_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("import: %s", sb_cli_bad_option(argv, "hp:o:D:I:"));
		}
	}
	if (o->format == -1)
		importusage("--from=FMT is required (or --from=auto)%s", "");
	if (!o->profile)
		importusage("-p PROFILE is required%s", "");
	if (!o->output)
		importusage("-o coverage.db is required%s", "");
	if (optind >= argc)
		importusage("expected at least one LOG ('-' for standard "
		    "input)%s", "");
	for (; optind < argc; optind++)
		push(&o->logs, argv[optind]);
	o->ro.attrib.assume = o->assume.v;
	o->ro.attrib.nassume = o->assume.n;
	o->ro.attrib.path_map = o->pathmap.v;
	o->ro.attrib.npath_map = o->pathmap.n;
}

/* The import command line as a JSON array, for runs.command_json. */
static char *
commandjson(int argc, char **argv)
{
	struct sb_buf b = SB_BUF_INIT;
	int i;

	sb_buf_putc(&b, '[');
	jsonstr(&b, "sbpl-mirror");
	for (i = 0; i < argc; i++) {
		sb_buf_putc(&b, ',');
		jsonstr(&b, argv[i]);
	}
	sb_buf_putc(&b, ']');
	return sb_buf_take(&b);
}

/* What importing one input found, for messages. */
struct shown {
	uint32_t n;                     /* rejected records printed */
	uint64_t more;
};

static void
diagprint(void *ctx, const struct sb_import_msg *m)
{
	struct shown *s = ctx;
	size_t n = m->textlen;

	if (s->n >= MAXSHOWN) {
		s->more++;
		return;
	}
	s->n++;
	fprintf(stderr, "%s:%" PRIu64 ":%u: error: %s\n", m->file, m->line,
	    m->col, m->msg);
	if (n > 200)
		n = 200;
	fprintf(stderr, "%5" PRIu64 " | %.*s%s\n", m->line, (int)n, m->text,
	    n < m->textlen ? " ..." : "");
}

static void
be64(uint8_t *out, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)(v & 0xff);
}

/* SHA-256 of FORMAT ‖ 0x00 ‖ KEY, then LEN bytes at P (§2.6). */
static void
keyedhash(const char *format, const uint8_t key[32], const uint8_t *extra,
    size_t nextra, const char *p, size_t len, uint8_t out[32])
{
	struct sb_sha256_ctx c;

	sb_sha256_init(&c);
	sb_sha256_update(&c, format, strlen(format));
	sb_sha256_update(&c, "", 1);
	sb_sha256_update(&c, key, 32);
	if (nextra)
		sb_sha256_update(&c, extra, nextra);
	sb_sha256_update(&c, p, len);
	sb_sha256_final(&c, out);
}

/*
** The bytes source_id is taken over (§2.6). The first line, at most
** 4,096 bytes: §2.6 says the first min(size, 4096) bytes, which change
** while a log smaller than that grows, so that a small log could never be
** imported as a tail; its first line stays. ulog-json, read whole and
** never as a tail, keeps the first min(size, 4096) bytes.
*/
static size_t
sourcelen(const struct input *in, int fmt)
{
	const char *nl;
	size_t n = in->len < 4096 ? in->len : 4096;

	if (fmt == SB_IMPORT_ULOG_JSON)
		return n;
	nl = memchr(in->bytes, '\n', n);
	return nl ? (size_t)(nl - in->bytes) : n;
}

#define MAXTAILS 32

/*
** §2.6: of the finished imports of the same source, the longest whose
** prefix_sha256 is the hash of as many of our bytes: IM->byte_start
** becomes its byte_end, *TAIL that import. One pass over the input
** hashes every candidate's prefix. Returns 0, or -1 on a database error.
*/
static int
findtail(struct sb_covdb *db, const struct input *in, struct sb_covimport *im,
    struct sb_covtail *tail)
{
	struct sb_covtail t[MAXTAILS];
	struct sb_sha256_ctx c, snap;
	uint8_t md[32];
	uint64_t at = 0;
	uint32_t n, k;

	if (sb_covdb_import_tails(db, im->source_id, t, MAXTAILS, &n) < 0)
		return -1;
	sb_sha256_init(&c);
	/* candidates come longest first: walk them from the shortest */
	for (k = n; k-- > 0;) {
		if (t[k].byte_end > im->byte_end)
			continue;
		sb_sha256_update(&c, in->bytes + at, (size_t)(t[k].byte_end -
		    at));
		at = t[k].byte_end;
		snap = c;
		sb_sha256_final(&snap, md);
		if (memcmp(md, t[k].prefix_sha256, 32) == 0) {
			im->byte_start = t[k].byte_end;
			*tail = t[k];
		}
	}
	return 0;
}

/* One LOG into one run. Returns the exit status it deserves. */
static int
importone(struct importopts *o, struct sb_covdb *db, struct sb_unit *u,
    const struct sb_covprofile *prof, int64_t profile_id, const char *path)
{
	struct input in;
	struct sb_covtail tail;
	struct sb_covimport im;
	struct sb_import_opts io;
	struct sb_import_stats st;
	struct sb_covrun run;
	struct sb_covrec *rec = NULL;
	struct sb_covrec_stats rs;
	struct shown shown = { 0, 0 };
	struct sb_access_sink sink;
	const char *obs[1024];
	uint8_t digest[32], start8[8];
	enum sb_run_status status;
	int64_t existing;
	uint64_t i;
	uint32_t dropped;
	int fmt = o->format, r, ret = SB_EXIT_OK;

	memset(&tail, 0, sizeof tail);
	if (mapinput(&in, path) < 0)
		return SB_EXIT_USAGE;
	if (fmt == SB_IMPORT_AUTO || fmt == SB_IMPORT_UNIFIED) {
		fmt = sb_import_detect(in.bytes, in.len,
		    fmt == SB_IMPORT_UNIFIED);
		if (fmt < 0) {
			if (in.len == 0) {
				fprintf(stderr, "%s: %s: empty, nothing to "
				    "import\n", sb_progname(), in.shown);
				unmapinput(&in);
				return SB_EXIT_OK;
			}
			fprintf(stderr, "%s: %s: cannot tell the format from "
			    "its first lines; give --from\n", sb_progname(),
			    in.shown);
			unmapinput(&in);
			return SB_EXIT_INPUT;
		}
	}
	memset(&im, 0, sizeof im);
	memset(&run, 0, sizeof run);
	im.format = sb_import_format_name((enum sb_import_format)fmt);
	im.path = path;
	/* §2.6: only complete lines; ulog-json is one document, read whole */
	if (fmt == SB_IMPORT_ULOG_JSON) {
		if (in.len > ULOG_JSON_MAX) {
			fprintf(stderr, "%s: %s: larger than 256 MiB; export "
			    "with --style ndjson instead\n", sb_progname(),
			    in.shown);
			unmapinput(&in);
			return SB_EXIT_INPUT;
		}
		im.byte_end = in.len;
	} else {
		for (im.byte_end = in.len; im.byte_end > 0 &&
		    in.bytes[im.byte_end - 1] != '\n'; im.byte_end--)
			;
	}
	keyedhash(im.format, prof->key, NULL, 0, in.bytes, sourcelen(&in,
	    fmt), im.source_id);
	/* a log that grew: import from where the last import stopped */
	if (fmt != SB_IMPORT_ULOG_JSON && findtail(db, &in, &im, &tail) < 0)
		goto dberr;
	if (im.byte_start)
		run.continues = tail.chain;
	if (im.byte_start >= im.byte_end) {
		if (im.byte_start)
			printf("%s: already imported as run %" PRId64 "\n",
			    in.shown, tail.run_id);
		else
			printf("%s: no complete line to import\n", in.shown);
		unmapinput(&in);
		return SB_EXIT_OK;
	}
	be64(start8, im.byte_start);
	keyedhash(im.format, prof->key, start8, 8, in.bytes + im.byte_start,
	    (size_t)(im.byte_end - im.byte_start), digest);
	sb_sha256(in.bytes, (size_t)im.byte_end, im.prefix_sha256);
	im.line_start = 1;
	for (i = 0; i < im.byte_start; i++)
		im.line_start += in.bytes[i] == '\n';
	/* idempotent: the same bytes again are a no-op, unless that run
	** crashed, which is replaced */
	r = sb_covdb_digest_find(db, digest, &existing, &status);
	if (r < 0)
		goto dberr;
	if (r == 1 && status != SB_RUN_CRASHED) {
		printf("%s: already imported as run %" PRId64 "%s\n", in.shown,
		    existing, status == SB_RUN_RUNNING ? " (still running)" :
		    "");
		unmapinput(&in);
		return SB_EXIT_OK;
	}
	if (r == 1) {
		if (sb_covdb_run_delete(db, existing) < 0)
			goto dberr;
		fprintf(stderr, "%s: %s: replacing run %" PRId64 ", which "
		    "crashed\n", sb_progname(), in.shown, existing);
	}
	if (sb_covdb_import_drop_crashed(db, im.source_id, im.byte_start,
	    &dropped) < 0)
		goto dberr;

	memset(&io, 0, sizeof io);
	io.file = in.shown;
	io.target = u->target;
	io.userland = o->userland;
	io.force_schema = o->force_schema;
	io.first_line = im.line_start;
	io.diag = diagprint;
	io.diagctx = &shown;
	run.source = sb_import_source((enum sb_import_format)fmt);
	run.label = o->label;
	run.command_json = o->command_json;
	run.lower_bounds = fmt >= SB_IMPORT_ULOG_NDJSON &&
	    fmt <= SB_IMPORT_ULOG_LEGACY;
	run.import_digest = digest;
	if (o->observable.n && fmt == SB_IMPORT_JSONL) {
		run.observable = o->observable.v;
		run.nobservable = o->observable.n;
	} else {
		run.nobservable = sb_import_observable((enum sb_import_format)fmt,
		    u->target, obs, countof(obs));
		run.observable = obs;
	}
	rec = sb_covrec_new(db, profile_id, u, &o->ro);
	if (sb_covrec_begin(rec, &run) < 0)
		goto recerr;
	if (sb_covdb_import_put(db, sb_covrec_run_id(rec), &im) < 0)
		goto dberr;
	memset(&st, 0, sizeof st);
	sink = sb_covrec_sink(rec);
	r = sb_import_buffer((enum sb_import_format)fmt, in.bytes +
	    im.byte_start, (size_t)(im.byte_end - im.byte_start), &io, &sink,
	    &st);
	if (shown.more)
		fprintf(stderr, "%s: %s: %" PRIu64 " more rejected records not "
		    "shown\n", sb_progname(), in.shown, shown.more);
	if (r < 0) {
		/* never half-imported: the run and its batches go */
		if (sb_covrec_abort(rec) < 0)
			goto recerr;
		if (!st.refused)
			goto recerr;
		ret = SB_EXIT_INPUT;
		goto out;
	}
	im.records = st.records;
	im.skipped = st.skipped;
	im.rejected = st.rejected;
	if (sb_covrec_flush(rec) < 0)
		goto recerr;
	if (sb_covdb_import_put(db, sb_covrec_run_id(rec), &im) < 0)
		goto dberr;
	if (sb_covrec_end(rec, st.dropped ? SB_RUN_PARTIAL : SB_RUN_COMPLETE,
	    st.dropped ? "dropped" : NULL, NULL) < 0)
		goto recerr;
	sb_covrec_stats(rec, &rs);
	printf("%s: run %" PRId64 ": %" PRIu64 " records (%" PRIu64
	    " skipped, %" PRIu64 " rejected), %" PRIu64 " accesses: %" PRIu64
	    " exact, %" PRIu64 " ambiguous, %" PRIu64 " inconsistent, %"
	    PRIu64 " unmatched%s%s\n", in.shown, sb_covrec_run_id(rec),
	    st.records, st.skipped, st.rejected, rs.accesses, rs.exact,
	    rs.ambiguous, rs.inconsistent, rs.unmatched, im.byte_start ?
	    " (continues an earlier import)" : "", st.lower_bounds ?
	    "; counts are lower bounds" : "");
	if (st.rejected)
		ret = SB_EXIT_INPUT;
	goto out;
dberr:
	fprintf(stderr, "%s: %s\n", sb_progname(), sb_covdb_errmsg(db));
	if (rec)
		(void)sb_covrec_abort(rec);
	ret = SB_EXIT_USAGE;
	goto out;
recerr:
	fprintf(stderr, "%s: %s\n", sb_progname(), sb_covrec_errmsg(rec));
	(void)sb_covrec_abort(rec);
	ret = SB_EXIT_USAGE;
out:
	sb_covrec_free(rec);
	unmapinput(&in);
	return ret;
}

static int
cmd_import(int argc, char **argv)
{
	struct importopts o;
	struct sb_unit u;
	struct sb_covprofile prof;
	struct sb_covdb *db = NULL;
	int64_t profile_id;
	const char *inputs[1];
	char err[1024];
	uint32_t i;
	int ret = SB_EXIT_OK, r;

	memset(&o, 0, sizeof o);
	importopts(&o, argc, argv);
	o.command_json = commandjson(argc, argv);
	inputs[0] = o.profile;
	memset(&prof, 0, sizeof prof);
	sb_arena_init(&prof.arena);
	if (sb_compile(&u, &o.co, inputs, 1, SB_STAGE_EMIT) < 0) {
		sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
		    sb_diag_want_color(stderr, SB_COLOR_AUTO));
		ret = u.io_error || u.internal_error ? SB_EXIT_USAGE :
		    SB_EXIT_INPUT;
		goto out;
	}
	sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
	    sb_diag_want_color(stderr, SB_COLOR_AUTO));
	if (sb_cov_identity(&prof, &u, &o.co, o.profile, NULL, err,
	    sizeof err) < 0 || sb_covdb_open(&db, o.output, SB_COVDB_CREATE |
	    SB_COVDB_SYNC_FULL, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		ret = SB_EXIT_USAGE;
		goto out;
	}
	if (sb_covdb_crashed(db))
		fprintf(stderr, "%s: %s: marked %u run%s crashed (writer gone)\n",
		    sb_progname(), o.output, sb_covdb_crashed(db),
		    sb_covdb_crashed(db) == 1 ? "" : "s");
	if (sb_covdb_profile(db, &prof, o.force_profile, &profile_id) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), sb_covdb_errmsg(db));
		ret = SB_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < o.logs.n; i++) {
		r = importone(&o, db, &u, &prof, profile_id, o.logs.v[i]);
		if (r > ret)
			ret = r;
	}
out:
	sb_covdb_close(db);
	sb_cov_identity_free(&prof);
	sb_unit_free(&u);
	sb_cli_compile_free(&o.co);
	free(o.assume.v);
	free(o.pathmap.v);
	free(o.logs.v);
	free(o.observable.v);
	free(o.command_json);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: write error: %s\n", sb_progname(),
		    strerror(errno));
		ret = SB_EXIT_USAGE;
	}
	return ret;
}

/* --- merge ------------------------------------------------------------------ */

static int
cmd_merge(int argc, char **argv)
{
	enum { O_EVENTS = 256, O_FORCE_PROFILE, O_VERSION };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "events", no_argument, NULL, O_EVENTS },
		{ "force-profile", no_argument, NULL, O_FORCE_PROFILE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int events = 0, force = 0, c, ret = SB_EXIT_OK;
	struct sb_covdb *db;
	char err[1024];

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case O_EVENTS:
			events = 1;
			break;
		case O_FORCE_PROFILE:
			force = 1;
			break;
		case 'h':
			sb_cov_cli_help();
			exit(SB_EXIT_OK);
		case O_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("merge: %s", sb_cli_bad_option(argv, "ho:"));
		}
	}
	if (!out)
		sb_cli_usage_error("merge: -o OUT.db is required");
	if (optind >= argc)
		sb_cli_usage_error("merge: expected at least one coverage.db");
	if (sb_covdb_open(&db, out, SB_COVDB_CREATE | SB_COVDB_SYNC_FULL, NULL,
	    err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return SB_EXIT_USAGE;
	}
	for (; optind < argc; optind++) {
		struct sb_covmerge_stats st;
		if (sb_covdb_merge(db, argv[optind], events, force, &st) < 0) {
			fprintf(stderr, "%s: %s\n", sb_progname(),
			    sb_covdb_errmsg(db));
			ret = SB_EXIT_USAGE;
			continue;
		}
		printf("%s: %u run%s added, %u already present", argv[optind],
		    st.runs_added, st.runs_added == 1 ? "" : "s",
		    st.runs_present);
		if (st.runs_running)
			printf(", %u still running (left out)", st.runs_running);
		if (events)
			printf(", %" PRIu64 " events", st.events_copied);
		printf("; %u new profile%s\n", st.profiles_added,
		    st.profiles_added == 1 ? "" : "s");
	}
	sb_covdb_close(db);
	return ret;
}

/* --- info ------------------------------------------------------------------- */

static void
inforun(const struct sb_covrun_row *r, int json, int first)
{
	char start[32], end[32];
	double dur = r->ended_at > r->started_at ? (double)(r->ended_at -
	    r->started_at) / 1e9 : 0;

	isotime(r->started_at, start, sizeof start);
	isotime(r->ended_at, end, sizeof end);
	if (!json) {
		printf("  run %" PRId64 "  %s%s%s  %s%s%s%s  %s  %.1f s  %" PRIu64
		    " accesses  %" PRIu64 " inconsistent%s%s\n", r->id,
		    r->source, r->label ? "  label=" : "", r->label ? r->label :
		    "", sb_run_status_name(r->status), r->partial_reasons ?
		    " (" : "", r->partial_reasons ? r->partial_reasons : "",
		    r->partial_reasons ? ")" : "", start, dur, r->accesses,
		    r->inconsistent, r->lower_bounds ? "  lower bounds" : "",
		    r->continues ? "  continues a tail chain" : "");
		return;
	}
	printf("%s{\"id\": %" PRId64 ", \"uuid\": \"%s\", \"source\": ",
	    first ? "" : ", ", r->id, r->uuid);
	fjsonstr(stdout, r->source);
	printf(", \"label\": ");
	fjsonstr(stdout, r->label);
	printf(", \"status\": \"%s\", \"partial_reasons\": ",
	    sb_run_status_name(r->status));
	fjsonstr(stdout, r->partial_reasons);
	printf(", \"started_at\": \"%s\", \"ended_at\": ", start);
	if (r->ended_at)
		printf("\"%s\"", end);
	else
		printf("null");
	printf(", \"duration_s\": %.3f, \"accesses\": %" PRIu64 ", "
	    "\"inconsistent\": %" PRIu64 ", \"events_kept\": %" PRIu64 ", "
	    "\"events_dropped\": %" PRIu64 ", \"lower_bounds\": %s, "
	    "\"continues\": ", dur, r->accesses, r->inconsistent,
	    r->events_kept, r->events_dropped, r->lower_bounds ? "true" :
	    "false");
	if (r->continues)
		printf("%" PRId64, r->continues);
	else
		printf("null");
	printf("}");
}

static int
cmd_info(int argc, char **argv)
{
	enum { O_JSON = 256, O_CHECK, O_CHECK_EVENTS, O_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "check", no_argument, NULL, O_CHECK },
		{ "check-events", no_argument, NULL, O_CHECK_EVENTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct sb_covprofile_row *profs;
	struct sb_covrun_row *runs;
	struct sb_covdb *db;
	uint32_t np, nr, i, k, n;
	int64_t version = 0;
	int json = 0, check = 0, c, ret = SB_EXIT_OK, first;
	char err[1024], key[65];

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			json = 1;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_CHECK_EVENTS:
			check = 2;
			break;
		case 'h':
			sb_cov_cli_help();
			exit(SB_EXIT_OK);
		case O_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("info: %s", sb_cli_bad_option(argv, "h"));
		}
	}
	if (argc - optind != 1)
		sb_cli_usage_error("info: expected one coverage.db");
	if (sb_covdb_open(&db, argv[optind], SB_COVDB_READONLY, NULL, err,
	    sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return SB_EXIT_USAGE;
	}
	if (sb_covdb_query_i64(db, "PRAGMA user_version", &version) < 0 ||
	    sb_covdb_profiles_read(db, &profs, &np) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), sb_covdb_errmsg(db));
		sb_covdb_close(db);
		return SB_EXIT_USAGE;
	}
	if (sb_covdb_runs_read(db, 0, NULL, &runs, &nr) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), sb_covdb_errmsg(db));
		sb_covdb_profiles_free(profs, np);
		sb_covdb_close(db);
		return SB_EXIT_USAGE;
	}
	if (json)
		printf("{\"format\": \"sbpl-coverage-info\", \"schema_version\": "
		    "%" PRId64 ", \"profiles\": [", version);
	else
		printf("%s: schema version %" PRId64 ", %u profile%s, %u "
		    "run%s (rule coverage)\n", argv[optind], version, np,
		    np == 1 ? "" : "s", nr, nr == 1 ? "" : "s");
	for (i = 0; i < np; i++) {
		const struct sb_covprofile_row *p = &profs[i];
		sb_cov_hex(p->key, 32, key);
		if (json) {
			printf("%s{\"id\": %" PRId64 ", \"key\": \"%s\", "
			    "\"main_file\": ", i ? ", " : "", p->id, key);
			fjsonstr(stdout, p->main_file);
			printf(", \"target\": ");
			fjsonstr(stdout, p->target);
			printf(", \"rules\": %u, \"params\": %s, \"runs\": [",
			    p->rule_count, p->params_json ? p->params_json :
			    "{}");
		} else {
			printf("profile %" PRId64 "  %.16s  %s  %s  %u rule%s\n",
			    p->id, key, p->main_file, p->target, p->rule_count,
			    p->rule_count == 1 ? "" : "s");
		}
		for (first = 1, n = 0, k = 0; k < nr; k++) {
			if (runs[k].profile_id != p->id)
				continue;
			inforun(&runs[k], json, first);
			first = 0;
			n++;
		}
		if (json)
			printf("]}");
	}
	if (json)
		printf("]}\n");
	if (check) {
		int problems = sb_covdb_check(db, check == 2 ?
		    SB_COVCHECK_ALL_EVENTS : 0, stdout);
		if (problems < 0) {
			fprintf(stderr, "%s: %s\n", sb_progname(),
			    sb_covdb_errmsg(db));
			ret = SB_EXIT_USAGE;
		} else if (problems > 0) {
			fprintf(stderr, "%s: %s: %d problem%s found\n",
			    sb_progname(), argv[optind], problems,
			    problems == 1 ? "" : "s");
			ret = SB_EXIT_INPUT;
		} else if (!json) {
			printf("check: ok\n");
		}
	}
	sb_covdb_runs_free(runs, nr);
	sb_covdb_profiles_free(profs, np);
	sb_covdb_close(db);
	if (fflush(stdout) != 0)
		ret = SB_EXIT_USAGE;
	return ret;
}

/* --- dispatch --------------------------------------------------------------- */

int
sb_cov_cli(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : NULL;

	if (!sub)
		sb_cli_usage_error("expected a subcommand: import, merge, info");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		sb_cov_cli_help();
		return SB_EXIT_OK;
	}
	if (strcmp(sub, "--version") == 0)
		sb_cli_version();
	if (strcmp(sub, "import") == 0)
		return cmd_import(argc, argv);
	if (strcmp(sub, "merge") == 0)
		return cmd_merge(argc, argv);
	if (strcmp(sub, "info") == 0)
		return cmd_info(argc, argv);
	if (strcmp(sub, "run") == 0) {
		fprintf(stderr, "%s: this %s was built without the Linux "
		    "tracer: 'run' is not available\n", sb_progname(),
		    sb_progname());
		return SB_EXIT_USAGE;
	}
	sb_cli_usage_error("unknown subcommand '%s' (import, merge, info)",
	    sub);
}
