/*
** Lint time (LINT.md §10, DESIGN.md §13.7): every corpus profile, built
** as its row of tests/corpus/params.tsv says, linted in-process with the
** default checks (every file is compiled to emission, as sbpl-lint does):
** the time per profile, the whole corpus (target: under 1 s on one
** core), the slowest profiles, and peak RSS. Text pre-steps and cpp are
** applied once, before timing; fragments are linted with --fragment.
** Usage: bench_lint CORPUS_DIR [RESULTS.tsv]  (run from the source root)
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
#include "lint/lint.h"
#include "tests/bench/unit.h"

/* One profile and its timing. */
struct unit {
	struct bench_unit in;
	double ms;
	uint32_t findings;
};

/* Lint U once; the number of findings, or -1 when lint itself failed. */
static int
lint1(struct unit *u)
{
	struct sb_lint_opts o;
	struct sb_lint L;
	uint32_t i, n = 0;
	int r;

	sb_lint_opts_init(&o);
	o.co.params = u->in.defs;
	o.co.nparams = u->in.ndefs;
	o.co.incdirs = u->in.incdirs;
	o.co.nincdirs = u->in.nincdirs;
	o.fragment = u->in.fragment;
	o.preludes = u->in.inputs;
	o.npreludes = u->in.ninputs - 1;
	r = sb_lint_run(&L, &o, &u->in.inputs[u->in.ninputs - 1], 1);
	for (i = 0; i < L.nfiles; i++)
		n += L.files[i].nf;
	sb_lint_free(&L);
	return r < 0 ? -1 : (int)n;
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
	    "/tmp/bench_lint_XXXXXX", line[4096], path[1200];
	struct unit *units = NULL;
	size_t n = 0, i;
	double total = 0, t0;
	struct rusage ru;
	FILE *list, *out;
	int k = 0, nf;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_lint CORPUS_DIR [RESULTS.tsv]\n");
		return 2;
	}
	if (!realpath(argv[1], corpus) || !realpath("tests/corpus/preludes",
	    preludes) || !realpath("tests/corpus/params.tsv", table)) {
		printf("SKIP: bench_lint: corpus or tests/corpus not found\n");
		return 0;
	}
	if (!mkdtemp(tmp))
		return 2;
	snprintf(path, sizeof path, "%s/SOURCES.tsv", corpus);
	if (!(list = fopen(path, "r")))
		return 2;
	if (!fgets(line, sizeof line, list))
		return 2;
	while (fgets(line, sizeof line, list)) {
		struct unit u;
		line[strcspn(line, "\t\n")] = 0;
		memset(&u, 0, sizeof u);
		if (bench_build(&u.in, table, corpus, preludes, line, tmp, &k, 1) < 0)
			continue;
		if ((nf = lint1(&u)) < 0) {
			printf("bench_lint: %s: lint failed\n", u.in.name);
			continue;
		}
		u.findings = (uint32_t)nf;
		units = xrealloc(units, (n + 1) * sizeof *units);
		units[n++] = u;
	}
	fclose(list);
	for (i = 0; i < n; i++) {
		int reps = 0;
		t0 = bench_now();
		do {
			lint1(&units[i]);
			reps++;
		} while (bench_now() - t0 < 30 && reps < 200);
		units[i].ms = (bench_now() - t0) / reps;
		total += units[i].ms;
	}
	getrusage(RUSAGE_SELF, &ru);
	qsort(units, n, sizeof *units, byms);
	printf("lint: %zu corpus profiles, %.1f ms in all (%.2f ms mean; "
	    "target under 1000 ms), peak RSS %ld KiB\n", n, total,
	    n ? total / n : 0, ru.ru_maxrss);
	for (i = 0; i < n && i < 5; i++)
		printf("  %.2f ms  %u findings  %s\n", units[i].ms,
		    units[i].findings, units[i].in.name);
	if (argc > 2 && (out = fopen(argv[2], "a"))) {
		fprintf(out, "lint_corpus_total_ms\t%.1f\n", total);
		fprintf(out, "lint_corpus_profiles\t%zu\n", n);
		fprintf(out, "lint_slowest_ms\t%.2f\t%s\n", n ? units[0].ms : 0,
		    n ? units[0].in.name : "");
		for (i = 0; i < n; i++)
			fprintf(out, "lint_ms\t%.3f\t%s\n", units[i].ms,
			    units[i].in.name);
		fclose(out);
	}
	snprintf(line, sizeof line, "rm -rf '%s'", tmp);
	if (system(line) != 0)
		return 2;
	return 0;
}
