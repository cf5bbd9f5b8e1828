/*
** JUnit output (LINT.md §5.6), written with libxml2 through common/xml.c:
** one <testsuite> per input, one <testcase> per finding (a <failure> at or
** above --fail-level, <system-out> below it), a passing "sbpl-lint" case
** for a file without findings. No times: the output is deterministic.
*/
#include <stdlib.h>
#include <string.h>

#include "common/xml.h"
#include "lint/lint.h"

static int
fails(const struct sb_lint *L, const struct sb_finding *f)
{
	return L->o->fail_level != SB_LV_OFF && f->level >= L->o->fail_level;
}

int
sb_lint_emit_junit(const struct sb_lint *L, FILE *out,
    const struct sb_emit_opts *eo)
{
	struct sb_xmlw *w = sb_xmlw_new();
	char num[32], name[512];
	uint32_t i, j, tests = 0, failures = 0;
	size_t len;
	char *doc;

	(void)eo;
	if (!w)
		return -1;
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++)
			if (!L->files[i].f[j].suppressed) {
				tests++;
				failures += fails(L, &L->files[i].f[j]);
			}
	sb_xmlw_start(w, "testsuites");
	sb_xmlw_attr(w, "name", "sbpl-lint");
	for (i = 0; i < L->nfiles; i++) {
		const struct sb_lint_file *F = &L->files[i];
		uint32_t t = 0, fl = 0;
		for (j = 0; j < F->nf; j++)
			if (!F->f[j].suppressed) {
				t++;
				fl += fails(L, &F->f[j]);
			}
		tests += t == 0;
	}
	snprintf(num, sizeof num, "%u", tests);
	sb_xmlw_attr(w, "tests", num);
	snprintf(num, sizeof num, "%u", failures);
	sb_xmlw_attr(w, "failures", num);
	sb_xmlw_attr(w, "errors", "0");
	sb_xmlw_attr(w, "skipped", "0");
	for (i = 0; i < L->nfiles; i++) {
		const struct sb_lint_file *F = &L->files[i];
		uint32_t t = 0, fl = 0;
		for (j = 0; j < F->nf; j++)
			if (!F->f[j].suppressed) {
				t++;
				fl += fails(L, &F->f[j]);
			}
		sb_xmlw_start(w, "testsuite");
		snprintf(name, sizeof name, "sbpl-lint: %s", F->path);
		sb_xmlw_attr(w, "name", name);
		snprintf(num, sizeof num, "%u", t ? t : 1);
		sb_xmlw_attr(w, "tests", num);
		snprintf(num, sizeof num, "%u", fl);
		sb_xmlw_attr(w, "failures", num);
		sb_xmlw_attr(w, "errors", "0");
		sb_xmlw_attr(w, "skipped", "0");
		if (t == 0) {
			sb_xmlw_start(w, "testcase");
			sb_xmlw_attr(w, "classname", F->path);
			sb_xmlw_attr(w, "name", "sbpl-lint");
			sb_xmlw_end(w);
		}
		for (j = 0; j < F->nf; j++) {
			const struct sb_finding *f = &F->f[j];
			const struct sb_check_info *c = &sb_lint_checks[f->check];
			char *text;
			if (f->suppressed)
				continue;
			text = sb_lint_render(L, F, f, 0);
			sb_xmlw_start(w, "testcase");
			sb_xmlw_attr(w, "classname", F->path);
			snprintf(name, sizeof name, "%s %s at %u:%u", c->id,
			    c->name, f->start.line, f->start.col);
			sb_xmlw_attr(w, "name", name);
			if (fails(L, f)) {
				sb_xmlw_start(w, "failure");
				sb_xmlw_attr(w, "type", c->id);
				sb_xmlw_attr(w, "message", f->msg);
				sb_xmlw_text(w, text ? text : "");
				sb_xmlw_end(w);
			} else {
				sb_xmlw_start(w, "system-out");
				sb_xmlw_text(w, text ? text : "");
				sb_xmlw_end(w);
			}
			sb_xmlw_end(w);
			free(text);
		}
		sb_xmlw_end(w);
	}
	sb_xmlw_end(w);
	doc = sb_xmlw_finish(w, &len);
	if (!doc)
		return -1;
	fwrite(doc, 1, len, out);
	free(doc);
	return 0;
}
