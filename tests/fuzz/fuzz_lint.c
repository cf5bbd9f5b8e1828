/*
** libFuzzer entry for sbpl-lint's parsers and checks (LINT.md): the input
** is up to three parts split at NUL bytes, a profile, a configuration
** file and a baseline file, written to temporary files and linted as
** sbpl-lint does with every check enabled (directives, configuration,
** baseline, all outputs). Any input must be linted without a fault, a
** leak or a hang; a configuration error is an answer, not a failure.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void
put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char prof[96], conf[96], base[96];
	const uint8_t *part[3] = { data, NULL, NULL };
	size_t len[3] = { size, 0, 0 }, i;
	const char *in[1], *baseline = NULL;
	struct sb_level_op all = { 'e', "all", 0 };
	struct sb_lint_opts o;
	struct sb_lint L;
	FILE *null;
	int k = 0;

	if (size > 1 << 16)
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_lint_XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	for (i = 0; i < size && k < 2; i++)
		if (data[i] == 0) {
			len[k] = (size_t)(data + i - part[k]);
			part[++k] = data + i + 1;
			len[k] = size - i - 1;
		}
	snprintf(prof, sizeof prof, "%s/p.sb", dir);
	snprintf(conf, sizeof conf, "%s/lint.conf", dir);
	snprintf(base, sizeof base, "%s/baseline.json", dir);
	put(prof, part[0], len[0]);
	put(conf, part[1] ? part[1] : data, part[1] ? len[1] : 0);
	put(base, part[2] ? part[2] : data, part[2] ? len[2] : 0);
	in[0] = prof;

	sb_lint_opts_init(&o);
	o.co.max_steps = 200000;
	o.co.no_file_imports = 1;
	null = fopen("/dev/null", "w");
	if (sb_lint_configure(&o, conf, 0, prof, &all, 1, 0,
	    part[2] ? base : NULL, &baseline) == 0) {
		if (sb_lint_run(&L, &o, in, 1) == 0) {
			struct sb_emit_opts eo;
			memset(&eo, 0, sizeof eo);
			if (baseline)
				(void)sb_lint_baseline_apply(&L, baseline);
			sb_lint_emit_text(&L, null, &eo);
			sb_lint_emit_json(&L, null, &eo);
			sb_lint_emit_sarif(&L, null, &eo);
			(void)sb_lint_emit_junit(&L, null, &eo);
		}
		sb_lint_free(&L);
	}
	fclose(null);
	sb_lint_opts_free(&o);
	return 0;
}
