/*
** Reader throughput (issue A): read every corpus profile that reads
** without cpp, over and over in fresh contexts, until at least 200 MB have
** gone through the lexer and reader; report MB/s and peak RSS. One core.
** Usage: bench_read CORPUS_DIR [RESULTS.tsv]
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/ctx.h"
#include "common/util.h"
#include "parser/cst.h"

struct file {
	char *path;
	char *text;
	size_t len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read PATH whole; NULL when unreadable. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)n + 1);
	*len = fread(p, 1, (size_t)n, f);
	p[*len] = 0;
	fclose(f);
	return p;
}

static int
readone(const struct file *fl)
{
	struct sb_ctx ctx;
	uint32_t id;
	int ok;

	sb_ctx_init(&ctx);
	id = sb_source_add(&ctx.sources, SB_SRC_MEMORY, fl->path, fl->text,
	    fl->len, 0);
	ok = sb_read(&ctx, id) != NULL;
	sb_ctx_free(&ctx);
	return ok;
}

int
main(int argc, char **argv)
{
	struct file *files = NULL;
	size_t nfiles = 0, i, bytes = 0, total = 0;
	char line[4096], path[8192];
	struct rusage ru;
	double t0, t1;
	unsigned rounds = 0;
	FILE *list, *out;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_read CORPUS_DIR [RESULTS.tsv]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/SOURCES.tsv", argv[1]);
	if (!(list = fopen(path, "r"))) {
		printf("SKIP: bench_read: %s not found\n", path);
		return 0;
	}
	fgets(line, sizeof line, list);
	while (fgets(line, sizeof line, list)) {
		struct file fl;
		line[strcspn(line, "\t\n")] = 0;
		snprintf(path, sizeof path, "%s/%s", argv[1], line);
		fl.path = xstrdup(path);
		if (!(fl.text = slurp(path, &fl.len)) || !readone(&fl)) {
			free(fl.text);
			free(fl.path);
			continue;       /* cpp sources and the broken ones */
		}
		files = xrealloc(files, (nfiles + 1) * sizeof *files);
		files[nfiles++] = fl;
		bytes += fl.len;
	}
	fclose(list);
	t0 = now();
	while (total < 200u * 1000 * 1000) {
		for (i = 0; i < nfiles; i++)
			readone(&files[i]);
		total += bytes;
		rounds++;
	}
	t1 = now();
	getrusage(RUSAGE_SELF, &ru);
	printf("reader: %zu files, %zu bytes, %u rounds, %.1f MB/s, "
	    "peak RSS %ld KiB\n", nfiles, bytes, rounds,
	    (double)total / 1e6 / (t1 - t0), ru.ru_maxrss);
	if (argc > 2 && (out = fopen(argv[2], "a"))) {
		fprintf(out, "reader_throughput_MBps\t%.1f\n",
		    (double)total / 1e6 / (t1 - t0));
		fprintf(out, "reader_peak_rss_KiB\t%ld\n", ru.ru_maxrss);
		fclose(out);
	}
	for (i = 0; i < nfiles; i++) {
		free(files[i].text);
		free(files[i].path);
	}
	free(files);
	return 0;
}
