/*
** What the corpus benchmarks share (bench_eval, bench_lint): a clock, and
** building one evaluation from a row of tests/corpus/params.tsv with its
** text pre-steps and cpp applied once, before timing (cpp output is used
** without its line markers). Header-only, as each benchmark links only its
** own object. Run from the source root.
*/
#ifndef SB_TESTS_BENCH_UNIT_H
#define SB_TESTS_BENCH_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/util.h"
#include "compiler/compile.h"

#define MAXIN 8
#define MAXDEF 40

/* One corpus profile as an evaluation: inputs in order, -D and -I. */
struct bench_unit {
	char name[4096];
	const char *inputs[MAXIN];
	uint32_t ninputs;
	struct sb_define defs[MAXDEF];
	uint32_t ndefs;
	const char *incdirs[4];
	uint32_t nincdirs;
	int fragment;                   /* a fragment without (version 1) */
};

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline char *
bench_slurp(const char *path, size_t *len)
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

static inline char *
bench_expand(const char *s, const char *corpus, const char *preludes)
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
static inline const char *
bench_prepare(const char *corpus, const char *file, const char *pre, int cpp,
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
	if (!(text = bench_slurp(path, &len)))
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

static inline int
bench_splitdefs(struct bench_unit *u, char *list, const char *corpus,
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
		u->defs[u->ndefs++].value = bench_expand(eq + 1, corpus, preludes);
	}
	return 0;
}

/* Fields of the row of FILE in TABLE into F (9 columns). */
static inline int
bench_findrow(const char *table, const char *file, char f[9][8192])
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

static inline int
bench_build(struct bench_unit *u, const char *table, const char *corpus,
    const char *preludes, const char *file, const char *tmp, int *k,
    int fragments)
{
	char f[9][8192], b[9][8192], *tok, *save = NULL;
	int cpp;

	if (!bench_findrow(table, file, f) || strcmp(f[8], "ok") != 0)
		return -1;
	snprintf(u->name, sizeof u->name, "%s", file);
	cpp = strstr(f[1], "cpp") != NULL;
	/* a fragment gets a (version 1) input, or is marked as a fragment */
	if (strstr(f[2], "prepend-version") && fragments) {
		u->fragment = 1;
	} else if (strstr(f[2], "prepend-version")) {
		char v[1024];
		snprintf(v, sizeof v, "%s/version.sb", tmp);
		u->inputs[u->ninputs++] = xstrdup(v);
	}
	if (strncmp(f[1], "after:", 6) == 0 && bench_findrow(table, f[1] + 6, b)) {
		if (strstr(b[2], "prepend-version")) {
			char v[1024];
			snprintf(v, sizeof v, "%s/version.sb", tmp);
			u->inputs[u->ninputs++] = xstrdup(v);
		}
		if (!(u->inputs[u->ninputs] = bench_prepare(corpus, f[1] + 6, b[2],
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
	if (!(u->inputs[u->ninputs] = bench_prepare(corpus, file, f[2], cpp, tmp,
	    (*k)++)))
		return -1;
	u->ninputs++;
	bench_splitdefs(u, f[4], corpus, preludes);
	bench_splitdefs(u, f[5], corpus, preludes);
	if (strcmp(f[6], "-") != 0) {
		save = NULL;
		for (tok = strtok_r(f[6], ";", &save); tok && u->nincdirs < 4;
		    tok = strtok_r(NULL, ";", &save))
			u->incdirs[u->nincdirs++] = bench_expand(tok, corpus,
			    preludes);
	}
	return 0;
}

#endif
