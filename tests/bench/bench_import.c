/*
** Importer throughput (COVERAGE.md §7; target 500,000 lines/s): each
** format's importer over a synthetic log of realistic lines, parsing into
** a sink that only counts (best of three); then the whole import path,
** generic JSONL through attribution and the recorder into a fresh
** coverage.db, against tests/coverage/app.sb. Inputs are generated in
** memory, so the figures are the importers' and not the disk's.
** Usage: bench_import CORPUS_DIR [RESULTS.tsv]  (run from the source root)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "coverage/attrib.h"
#include "coverage/covdb.h"
#include "coverage/import.h"

#define LINES 500000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const paths[] = {
	"/usr/lib/libSystem.B.dylib", "/private/etc/hosts",
	"/System/Library/Frameworks/Foundation.framework/Foundation",
	"/private/tmp/app/cache/%d.db", "/Users/me/Library/Preferences/x%d",
	"/usr/share/zoneinfo/Europe/Paris", "/private/var/db/x%d",
};

/* A path for line I: a few hundred distinct ones, as real logs repeat. */
static void
path(char *out, size_t n, unsigned i)
{
	char fmt[128];

	snprintf(fmt, sizeof fmt, "%s", paths[i % countof(paths)]);
	snprintf(out, n, fmt, (int)(i % 97));
}

static void
genjsonl(struct sb_buf *b)
{
	char p[128];
	unsigned i;

	for (i = 0; i < LINES; i++) {
		path(p, sizeof p, i);
		sb_buf_printf(b, "{\"v\":1,\"ts\":%llu,\"pid\":%u,\"op\":\"%s\","
		    "\"arg\":\"%s\",\"arg_kind\":\"path\",\"syscall\":\"openat\"}\n",
		    1741111872000000000ull + i, 4000 + i % 13, i % 3 ?
		    "file-read-data" : "file-read-metadata", p);
	}
}

static void
genndjson(struct sb_buf *b)
{
	char p[128];
	unsigned i;

	sb_buf_puts(b, "Filtering the log data using \"senderImagePath "
	    "ENDSWITH \"/Sandbox\"\"\n");
	for (i = 0; i < LINES; i++) {
		path(p, sizeof p, i);
		sb_buf_printf(b, "{\"timezoneName\":\"\",\"messageType\":\"Error\","
		    "\"eventType\":\"logEvent\",\"formatString\":\"%%s\","
		    "\"subsystem\":\"\",\"category\":\"\",\"threadID\":431207,"
		    "\"processImagePath\":\"/kernel\",\"senderImagePath\":"
		    "\"/System/Library/Extensions/Sandbox.kext/Contents/MacOS/"
		    "Sandbox\",\"timestamp\":\"2025-03-04 10:11:12.%06u-0800\","
		    "\"machTimestamp\":%u,\"eventMessage\":\"Sandbox: fetchtool"
		    "(4242) %s(1) file-read-data %s\",\"processID\":0,"
		    "\"traceID\":0}\n", i % 1000000, i, i % 5 ? "deny" : "allow",
		    p);
	}
}

static void
gencompact(struct sb_buf *b)
{
	char p[128];
	unsigned i;

	sb_buf_puts(b, "Timestamp               Ty Process[PID:TID]\n");
	for (i = 0; i < LINES; i++) {
		path(p, sizeof p, i);
		sb_buf_printf(b, "2025-03-04 10:11:12.%03u E  kernel[0:694a7] "
		    "(Sandbox) Sandbox: fetchtool(4242) deny(1) file-read-data "
		    "%s\n", i % 1000, p);
	}
}

static void
gensbmirror(struct sb_buf *b)
{
	char p[128];
	unsigned i;

	for (i = 0; i < LINES; i++) {
		path(p, sizeof p, i);
		sb_buf_printf(b, "(Tue Mar  4 10:11:12 2025) /usr/local/bin/"
		    "fetchtool(4242) main[0x1a2b3] vnode_check_open(): Query rule "
		    "\"file-read-data\" for vnode \"%s\" with mode '0x1'\n", p);
	}
}

static void
geneslogger(struct sb_buf *b)
{
	char p[128];
	unsigned i;

	for (i = 0; i < LINES; i++) {
		path(p, sizeof p, i);
		sb_buf_printf(b, "{\"schema_version\":1,\"time\":\"2025-03-04T18:"
		    "11:12.345678901Z\",\"global_seq_num\":%u,\"process\":{"
		    "\"audit_token\":{\"pid\":4242},\"ppid\":4100,\"executable\":"
		    "{\"path\":\"/usr/local/bin/fetchtool\"}},\"event\":{\"open\":"
		    "{\"fflag\":1,\"file\":{\"path\":\"%s\"}}}}\n", i + 1, p);
	}
}

static int
count(void *ctx, const struct sb_access *a)
{
	(void)a;
	++*(uint64_t *)ctx;
	return 0;
}

/* Lines per second of FMT over B, best of three. */
static double
parse(enum sb_import_format fmt, const struct sb_buf *b, uint64_t *accesses)
{
	double best = 0;
	int k;

	for (k = 0; k < 3; k++) {
		struct sb_import_opts o;
		struct sb_import_stats st;
		uint64_t n = 0;
		struct sb_access_sink sink = { &n, count };
		double t;

		memset(&o, 0, sizeof o);
		memset(&st, 0, sizeof st);
		o.file = "bench";
		t = now();
		if (sb_import_buffer(fmt, b->data, b->len, &o, &sink, &st) < 0)
			return 0;
		t = now() - t;
		*accesses = n;
		if (st.lines / t > best)
			best = (double)st.lines / t;
	}
	return best;
}

/* Lines per second of JSONL B imported into a new coverage.db. */
static double
endtoend(const struct sb_buf *b, struct sb_covrec_stats *rs)
{
	struct sb_options co;
	struct sb_unit u;
	struct sb_covdb *db;
	struct sb_covrec *rec;
	struct sb_covrec_opts ro;
	struct sb_covrun run;
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink;
	const char *in[1] = { "tests/coverage/app.sb" };
	char dir[] = "/tmp/bench_importXXXXXX", path[64], err[512];
	const char *obs[512];
	int64_t id;
	double t = 0;

	memset(&co, 0, sizeof co);
	if (!mkdtemp(dir) || sb_compile(&u, &co, in, 1, SB_STAGE_EMIT) < 0)
		return 0;
	snprintf(path, sizeof path, "%s/c.db", dir);
	if (sb_covdb_open_unit(&db, &id, path, SB_COVDB_SYNC_FULL, &u, &co,
	    in[0], 0, err, sizeof err) < 0) {
		fprintf(stderr, "bench_import: %s\n", err);
		sb_unit_free(&u);
		return 0;
	}
	memset(&ro, 0, sizeof ro);
	rec = sb_covrec_new(db, id, &u, &ro);
	memset(&run, 0, sizeof run);
	run.source = "jsonl";
	run.observable = obs;
	run.nobservable = sb_import_observable(SB_IMPORT_JSONL, u.target, obs,
	    countof(obs));
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "bench";
	sink = sb_covrec_sink(rec);
	t = now();
	if (sb_covrec_begin(rec, &run) == 0 &&
	    sb_import_buffer(SB_IMPORT_JSONL, b->data, b->len, &o, &sink,
	    &st) == 0 && sb_covrec_end(rec, SB_RUN_COMPLETE, NULL, NULL) == 0)
		t = now() - t;
	else
		t = 0;
	sb_covrec_stats(rec, rs);
	sb_covrec_free(rec);
	sb_covdb_close(db);
	sb_unit_free(&u);
	snprintf(err, sizeof err, "rm -rf '%s'", dir);
	if (system(err) != 0)
		fprintf(stderr, "bench_import: cannot remove %s\n", dir);
	return t > 0 ? (double)st.lines / t : 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum sb_import_format fmt;
		void (*gen)(struct sb_buf *);
	} formats[] = {
		{ "jsonl", SB_IMPORT_JSONL, genjsonl },
		{ "ulog_ndjson", SB_IMPORT_ULOG_NDJSON, genndjson },
		{ "ulog_compact", SB_IMPORT_ULOG_COMPACT, gencompact },
		{ "sandboxmirror", SB_IMPORT_SANDBOXMIRROR, gensbmirror },
		{ "eslogger", SB_IMPORT_ESLOGGER, geneslogger },
	};
	FILE *out = NULL;
	struct sb_buf jsonl = SB_BUF_INIT;
	struct sb_covrec_stats rs;
	size_t i;
	double e2e;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_import CORPUS_DIR [RESULTS.tsv]\n");
		return 2;
	}
	if (argc > 2 && !(out = fopen(argv[2], "a"))) {
		perror(argv[2]);
		return 2;
	}
	printf("import: %d synthetic lines per format, target 500000 lines/s\n",
	    LINES);
	for (i = 0; i < countof(formats); i++) {
		struct sb_buf b = SB_BUF_INIT;
		uint64_t n = 0;
		double lps;

		formats[i].gen(&b);
		lps = parse(formats[i].fmt, &b, &n);
		printf("  %-14s %9.0f lines/s  (%.1f MB/s, %llu accesses)\n",
		    formats[i].name, lps, lps * (double)b.len / LINES / 1e6,
		    (unsigned long long)n);
		if (out)
			fprintf(out, "import_%s_lines_per_s\t%.0f\n",
			    formats[i].name, lps);
		if (formats[i].fmt == SB_IMPORT_JSONL)
			jsonl = b;
		else
			sb_buf_free(&b);
	}
	e2e = endtoend(&jsonl, &rs);
	printf("  %-14s %9.0f lines/s  (parse, attribute, coverage.db; %llu "
	    "batches, %llu events)\n", "jsonl_to_db", e2e,
	    (unsigned long long)rs.batches, (unsigned long long)rs.events_kept);
	if (out) {
		fprintf(out, "import_jsonl_to_db_lines_per_s\t%.0f\n", e2e);
		fclose(out);
	}
	sb_buf_free(&jsonl);
	return 0;
}
