/*
** Evaluation and compile time (issues B, C): every corpus profile, built as its row of
** tests/corpus/params.tsv says, evaluated in-process over and over; the
** time per profile, the slowest ones, the whole corpus, and peak RSS.
** Text pre-steps and cpp are applied once, before timing (cpp output is
** used without its line markers). One core.
** Usage: bench_eval CORPUS_DIR [RESULTS.tsv]  (run from the source root)
*/
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "tests/bench/unit.h"

/* One profile and its timings. */
struct unit {
	struct bench_unit in;
	double ms;                      /* evaluate */
	double cms;                     /* compile (evaluate, lower, emit, check) */
	size_t bloblen;
	uint32_t nrules;
};

static int
compile1(struct unit *u, enum sb_stage stage)
{
	struct sb_options o;
	struct sb_unit su;
	int r;

	memset(&o, 0, sizeof o);
	o.params = u->in.defs;
	o.nparams = u->in.ndefs;
	o.incdirs = u->in.incdirs;
	o.nincdirs = u->in.nincdirs;
	r = sb_compile(&su, &o, u->in.inputs, u->in.ninputs, stage);
	if (r == 0)
		u->nrules = su.profile->nrules;
	if (r == 0 && stage == SB_STAGE_EMIT)
		u->bloblen = su.bloblen;
	sb_unit_free(&su);
	return r;
}

static int
byms(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	return (x->ms < y->ms) - (x->ms > y->ms);
}

int
main(int argc, char **argv)
{
	char corpus[1024], preludes[1024], table[1024], tmp[] =
	    "/tmp/bench_eval_XXXXXX", line[4096], path[1200];
	struct unit *units = NULL;
	size_t n = 0, i;
	double total = 0, ctotal = 0, t0;
	struct rusage ru;
	FILE *list, *out;
	int k = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_eval CORPUS_DIR [RESULTS.tsv]\n");
		return 2;
	}
	if (!realpath(argv[1], corpus) || !realpath("tests/corpus/preludes",
	    preludes) || !realpath("tests/corpus/params.tsv", table)) {
		printf("SKIP: bench_eval: corpus or tests/corpus not found\n");
		return 0;
	}
	if (!mkdtemp(tmp))
		return 2;
	snprintf(path, sizeof path, "%s/version.sb", tmp);
	if ((out = fopen(path, "w"))) {
		fputs("(version 1)\n", out);
		fclose(out);
	}
	snprintf(path, sizeof path, "%s/SOURCES.tsv", corpus);
	if (!(list = fopen(path, "r")))
		return 2;
	fgets(line, sizeof line, list);
	while (fgets(line, sizeof line, list)) {
		struct unit u;
		line[strcspn(line, "\t\n")] = 0;
		memset(&u, 0, sizeof u);
		if (bench_build(&u.in, table, corpus, preludes, line, tmp, &k, 0) < 0)
			continue;
		if (compile1(&u, SB_STAGE_EMIT) < 0) {
			printf("bench_eval: %s does not evaluate\n", u.in.name);
			continue;
		}
		units = xrealloc(units, (n + 1) * sizeof *units);
		units[n++] = u;
	}
	fclose(list);
	for (i = 0; i < n; i++) {
		int reps = 0;
		t0 = bench_now();
		do {
			compile1(&units[i], SB_STAGE_EVAL);
			reps++;
		} while (bench_now() - t0 < 50 && reps < 1000);
		units[i].ms = (bench_now() - t0) / reps;
		total += units[i].ms;
		reps = 0;
		t0 = bench_now();
		do {
			compile1(&units[i], SB_STAGE_EMIT);
			reps++;
		} while (bench_now() - t0 < 50 && reps < 1000);
		units[i].cms = (bench_now() - t0) / reps;
		ctotal += units[i].cms;
	}
	getrusage(RUSAGE_SELF, &ru);
	qsort(units, n, sizeof *units, byms);
	printf("evaluation: %zu corpus profiles, %.1f ms in all "
	    "(%.2f ms mean), peak RSS %ld KiB\n", n, total, total / n,
	    ru.ru_maxrss);
	for (i = 0; i < n && i < 5; i++)
		printf("  %.2f ms  %u rules  %s\n", units[i].ms,
		    units[i].nrules, units[i].in.name);
	printf("compilation (evaluate, lower, emit, self-check): %.1f ms in "
	    "all\n", ctotal);
	for (i = 0; i < n && i < 5; i++)
		printf("  %.2f ms  %zu bytes  %s\n", units[i].cms,
		    units[i].bloblen, units[i].in.name);
	if (argc > 2 && (out = fopen(argv[2], "a"))) {
		fprintf(out, "eval_corpus_total_ms\t%.1f\n", total);
		fprintf(out, "compile_corpus_total_ms\t%.1f\n", ctotal);
		fprintf(out, "eval_corpus_profiles\t%zu\n", n);
		fprintf(out, "eval_slowest_ms\t%.2f\t%s\n", n ? units[0].ms : 0,
		    n ? units[0].in.name : "");
		for (i = 0; i < n; i++)
			fprintf(out, "eval_ms\t%.3f\tcompile_ms\t%.3f\t%s\n",
			    units[i].ms, units[i].cms, units[i].in.name);
		fclose(out);
	}
	snprintf(line, sizeof line, "rm -rf '%s'", tmp);
	if (system(line) != 0)
		return 2;
	return 0;
}
