/*
** The binary layer's speed (issue C): decoding Apple's iOS 17 platform
** profile (format-fixtures/apple/ios17-platform.bin), and graph queries
** per second on the largest corpus profile's compiled blob, one core.
** Usage: bench_graph CORPUS_DIR [RESULTS.tsv]  (run from the source root)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/buf.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "kext/bin.h"
#include "kext/eval.h"
#include "kext/query.h"
#include "kext/target.h"

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

int
main(int argc, char **argv)
{
	static const char *const paths[] = { "/usr/lib/libc.dylib",
		"/System/Library/Frameworks/WebKit.framework/WebKit",
		"/private/var/mobile/Library/Caches/x", "/dev/null",
		"/Users/sbpl-test/Library/Preferences/a.plist", "/tmp/x" };
	char path[4096];
	struct sb_decode_opts opts;
	struct sb_decode_error err;
	struct sb_bin bin;
	struct sb_scratch *scratch = xmalloc(sizeof *scratch);
	struct sb_verdict v;
	struct sb_options o;
	struct sb_unit u;
	struct rusage ru;
	const char *in;
	char *bytes;
	size_t len;
	double t0, dms = 0, qps = 0;
	int reps = 0;
	unsigned long q = 0;
	FILE *out;

	(void)argc;
	snprintf(path, sizeof path, "%s/../format-fixtures/apple/"
	    "ios17-platform.bin", argv[1]);
	if (!(bytes = slurp(path, &len))) {
		printf("SKIP: bench_graph: %s not found\n", path);
		return 0;
	}
	memset(&opts, 0, sizeof opts);
	opts.target = sb_target_default();
	t0 = now();
	do {
		if (sb_decode(&bin, bytes, len, &opts, &err) < 0) {
			printf("bench_graph: ios17-platform.bin: %s\n", err.msg);
			return 1;
		}
		reps++;
	} while (now() - t0 < 500);
	dms = (now() - t0) / reps;
	free(bytes);
	/* the largest corpus profile, compiled as the corpus harness does */
	snprintf(path, sizeof path, "%s/apple-oss-distributions__WebKit2/"
	    "Resources__SandboxProfiles__ios__com.apple.WebKit.GPU.sb", argv[1]);
	in = path;
	memset(&o, 0, sizeof o);
	{
		static const char *inc[2];
		static char preludes[4096], corpusdir[4096];
		snprintf(preludes, sizeof preludes, "tests/corpus/preludes");
		snprintf(corpusdir, sizeof corpusdir, "%s", argv[1]);
		inc[0] = preludes;
		inc[1] = corpusdir;
		o.incdirs = inc;
		o.nincdirs = 2;
	}
	if (sb_compile(&u, &o, &in, 1, SB_STAGE_EMIT) == 0 &&
	    sb_decode(&bin, u.blob, u.bloblen, &opts, &err) == 0) {
		struct sb_query qs[64];
		unsigned k;
		memset(qs, 0, sizeof qs);
		for (k = 0; k < 64; k++) {
			qs[k].op = (uint16_t)(k * 7 % u.target->op_count);
			qs[k].nfacts = 1;
			qs[k].facts[0].filter = 1;
			qs[k].facts[0].kind = SB_FACT_STRING;
			qs[k].facts[0].s = paths[k % 6];
			qs[k].facts[0].len = (uint32_t)strlen(paths[k % 6]);
		}
		t0 = now();
		do {
			for (k = 0; k < 64; k++)
				sb_eval(&bin, &qs[k], scratch, &v);
			q += 64;
		} while (now() - t0 < 1000);
		qps = (double)q / ((now() - t0) / 1e3);
		printf("graph queries: %.2f million/s on %s (%zu bytes, %u "
		    "nodes)\n", qps / 1e6, "ios com.apple.WebKit.GPU.sb",
		    u.bloblen, u.nnodes);
	} else {
		printf("bench_graph: the largest corpus profile did not compile\n");
	}
	sb_unit_free(&u);
	getrusage(RUSAGE_SELF, &ru);
	printf("decode: ios17-platform.bin (139,529 bytes) in %.3f ms; peak "
	    "RSS %ld KiB\n", dms, ru.ru_maxrss);
	if (argc > 2 && (out = fopen(argv[2], "a"))) {
		fprintf(out, "decode_ios17_platform_ms\t%.3f\n", dms);
		fprintf(out, "graph_queries_per_s\t%.0f\n", qps);
		fclose(out);
	}
	free(scratch);
	return 0;
}
