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

#define MAXIN 8
#define MAXDEF 40

struct unit {
	char name[4096];
	const char *inputs[MAXIN];
	uint32_t ninputs;
	struct sb_define defs[MAXDEF];
	uint32_t ndefs;
	const char *incdirs[4];
	uint32_t nincdirs;
	int fragment;
	double ms;
	uint32_t findings;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sb_buf b = SB_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return sb_buf_take(&b);
}

static char *
expand(const char *s, const char *corpus, const char *preludes)
{
	struct sb_buf b = SB_BUF_INIT;

	while (*s) {
		if (strncmp(s, "$CORPUS", 7) == 0) {
			sb_buf_puts(&b, corpus);
			s += 7;
		} else if (strncmp(s, "$PRELUDES", 9) == 0) {
			sb_buf_puts(&b, preludes);
			s += 9;
		} else {
			sb_buf_putc(&b, *s++);
		}
	}
	return sb_buf_take(&b);
}

/* Write FILE prepared by PRE (and cpp) into TMP; the path to read. */
static const char *
prepare(const char *corpus, const char *file, const char *pre, int cpp,
    const char *tmp, int k)
{
	char path[1024], out[1024], *text, *p, *q;
	size_t len;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", corpus, file);
	if (!cpp && (strcmp(pre, "-") == 0 ||
	    strcmp(pre, "prepend-version") == 0))
		return xstrdup(path);
	snprintf(out, sizeof out, "%s/in%d.sb", tmp, k);
	if (cpp) {
		char cmd[2400];
		snprintf(cmd, sizeof cmd, "cc -E -P -undef -x c -w "
		    "-D__MAC_OS_X_VERSION_MIN_REQUIRED=140000 "
		    "'-DPLATFORM(x)=PLATFORM_##x' -DPLATFORM_MAC=1 "
		    "'-DUSE(x)=USE_##x' '-DHAVE(x)=HAVE_##x' "
		    "'-DENABLE(x)=ENABLE_##x' '%s' > '%s'", path, out);
		if (system(cmd) != 0)
			return NULL;
		return xstrdup(out);
	}
	if (!(text = slurp(path, &len)))
		return NULL;
	for (p = (char *)pre; p && *p;) {
		char step[256];
		size_t n = strcspn(p, ";");
		snprintf(step, sizeof step, "%.*s", (int)n, p);
		p += n + (p[n] == ';');
		if (strncmp(step, "subst:", 6) == 0 && (q = strchr(step, '='))) {
			struct sb_buf b = SB_BUF_INIT;
			const char *from = step + 6, *s = text, *hit;
			*q = 0;
			while ((hit = strstr(s, from))) {
				sb_buf_put(&b, s, (size_t)(hit - s));
				sb_buf_puts(&b, q + 1);
				s = hit + strlen(from);
			}
			sb_buf_puts(&b, s);
			free(text);
			text = sb_buf_take(&b);
		} else if (strcmp(step, "strip-rawstring-wrapper") == 0) {
			if (strncmp(text, "R\"\"(", 4) == 0)
				memcpy(text, "    ", 4);
			len = strlen(text);
			while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
				len--;
			if (len >= 3 && memcmp(text + len - 3, ")\"\"", 3) == 0)
				memcpy(text + len - 3, "   ", 3);
		}
	}
	f = fopen(out, "wb");
	fputs(text, f);
	fclose(f);
	free(text);
	return xstrdup(out);
}

static int
splitdefs(struct unit *u, char *list, const char *corpus,
    const char *preludes)
{
	char *tok, *save = NULL;

	if (strcmp(list, "-") == 0)
		return 0;
	for (tok = strtok_r(list, ";", &save); tok;
	    tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || u->ndefs == MAXDEF)
			continue;
		*eq = 0;
		u->defs[u->ndefs].name = xstrdup(tok);
		u->defs[u->ndefs++].value = expand(eq + 1, corpus, preludes);
	}
	return 0;
}

/* Fields of the row of FILE in TABLE into F (9 columns). */
static int
findrow(const char *table, const char *file, char f[9][8192])
{
	FILE *t = fopen(table, "r");
	char line[8192];
	int found = 0;

	if (!t)
		return 0;
	while (!found && fgets(line, sizeof line, t)) {
		char *p = line, *tab;
		int i;
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = 0;
		for (i = 0; i < 9; i++) {
			tab = strchr(p, '\t');
			if (tab)
				*tab = 0;
			snprintf(f[i], 8192, "%s", p);
			p = tab ? tab + 1 : p + strlen(p);
		}
		found = strcmp(f[0], file) == 0;
	}
	fclose(t);
	return found;
}

static int
build(struct unit *u, const char *table, const char *corpus,
    const char *preludes, const char *file, const char *tmp, int *k)
{
	char f[9][8192], b[9][8192], *tok, *save = NULL;
	int cpp;

	if (!findrow(table, file, f) || strcmp(f[8], "ok") != 0)
		return -1;
	snprintf(u->name, sizeof u->name, "%s", file);
	cpp = strstr(f[1], "cpp") != NULL;
	u->fragment = strstr(f[2], "prepend-version") != NULL;
	if (strncmp(f[1], "after:", 6) == 0 && findrow(table, f[1] + 6, b)) {
		if (strstr(b[2], "prepend-version")) {
			char v[1024];
			snprintf(v, sizeof v, "%s/version.sb", tmp);
			u->inputs[u->ninputs++] = xstrdup(v);
		}
		if (!(u->inputs[u->ninputs] = prepare(corpus, f[1] + 6, b[2],
		    strstr(b[1], "cpp") != NULL, tmp, (*k)++)))
			return -1;
		u->ninputs++;
	}
	if (strcmp(f[3], "-") != 0)
		for (tok = strtok_r(f[3], ";", &save); tok &&
		    u->ninputs < MAXIN - 1; tok = strtok_r(NULL, ";", &save)) {
			char v[1024];
			snprintf(v, sizeof v, "%s/%s", preludes, tok);
			u->inputs[u->ninputs++] = xstrdup(v);
		}
	if (!(u->inputs[u->ninputs] = prepare(corpus, file, f[2], cpp, tmp,
	    (*k)++)))
		return -1;
	u->ninputs++;
	splitdefs(u, f[4], corpus, preludes);
	splitdefs(u, f[5], corpus, preludes);
	if (strcmp(f[6], "-") != 0) {
		save = NULL;
		for (tok = strtok_r(f[6], ";", &save); tok && u->nincdirs < 4;
		    tok = strtok_r(NULL, ";", &save))
			u->incdirs[u->nincdirs++] = expand(tok, corpus,
			    preludes);
	}
	return 0;
}

/* Lint U once; the number of findings, or -1 when lint itself failed. */
static int
lint1(struct unit *u)
{
	struct sb_lint_opts o;
	struct sb_lint L;
	uint32_t i, n = 0;
	int r;

	sb_lint_opts_init(&o);
	o.co.params = u->defs;
	o.co.nparams = u->ndefs;
	o.co.incdirs = u->incdirs;
	o.co.nincdirs = u->nincdirs;
	o.fragment = u->fragment;
	o.preludes = u->inputs;
	o.npreludes = u->ninputs - 1;
	r = sb_lint_run(&L, &o, &u->inputs[u->ninputs - 1], 1);
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
		if (build(&u, table, corpus, preludes, line, tmp, &k) < 0)
			continue;
		if ((nf = lint1(&u)) < 0) {
			printf("bench_lint: %s: lint failed\n", u.name);
			continue;
		}
		u.findings = (uint32_t)nf;
		units = xrealloc(units, (n + 1) * sizeof *units);
		units[n++] = u;
	}
	fclose(list);
	for (i = 0; i < n; i++) {
		int reps = 0;
		t0 = now();
		do {
			lint1(&units[i]);
			reps++;
		} while (now() - t0 < 30 && reps < 200);
		units[i].ms = (now() - t0) / reps;
		total += units[i].ms;
	}
	getrusage(RUSAGE_SELF, &ru);
	qsort(units, n, sizeof *units, byms);
	printf("lint: %zu corpus profiles, %.1f ms in all (%.2f ms mean; "
	    "target under 1000 ms), peak RSS %ld KiB\n", n, total,
	    n ? total / n : 0, ru.ru_maxrss);
	for (i = 0; i < n && i < 5; i++)
		printf("  %.2f ms  %u findings  %s\n", units[i].ms,
		    units[i].findings, units[i].name);
	if (argc > 2 && (out = fopen(argv[2], "a"))) {
		fprintf(out, "lint_corpus_total_ms\t%.1f\n", total);
		fprintf(out, "lint_corpus_profiles\t%zu\n", n);
		fprintf(out, "lint_slowest_ms\t%.2f\t%s\n", n ? units[0].ms : 0,
		    n ? units[0].name : "");
		for (i = 0; i < n; i++)
			fprintf(out, "lint_ms\t%.3f\t%s\n", units[i].ms,
			    units[i].name);
		fclose(out);
	}
	snprintf(line, sizeof line, "rm -rf '%s'", tmp);
	if (system(line) != 0)
		return 2;
	return 0;
}
