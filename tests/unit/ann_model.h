/*
** A coverage model built by hand for the emitter tests of annotate/
** (test_ann_json.c, test_ann_html.c): what model.c would build for a
** main profile importing one user file and one library file, counted
** over two runs after a remap. It has, on purpose:
**   - two reported files, the second with HTML-special characters in its
**     path (< & > and quotes) and no final newline;
**   - a library file that is not reported, whose rule is counted at its
**     import line in the main file (§4.2);
**   - a line with two rules (one hit, one never hit), a rule with two
**     alternatives one of which never matched, a rule naming two
**     operations, an unobservable rule, a never-hit rule, a new rule;
**   - a lost rule, two parameters, a crashed run without an end time;
**   - samples with HTML-special characters and with invalid UTF-8 and a
**     control character.
** Header-only for the same reason as fixture.h. The expected outputs
** beside it in tests/annotate/ were worked out from the numbers here.
*/
#ifndef SB_TESTS_UNIT_ANN_MODEL_H
#define SB_TESTS_UNIT_ANN_MODEL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate/annotate.h"

#define S(sec) ((int64_t)(sec) * 1000000000)

static const char ann_main_text[] =
	"(version 1)\n"
	"(deny default)\n"
	"; libraries & <friends>\n"
	"(allow file-read* (subpath \"/usr/lib\")\n"
	"                  (subpath \"/System/Library\"))\n"
	"(allow file-write-data file-write-create "
	"(subpath \"/private/tmp/app\"))\n"
	"(import \"bsd.sb\")\n"
	"(import \"net <&> \\\"q\\\".sb\")\n"
	"(allow process-exec (literal \"/bin/sh\")) (allow process-fork)\n"
	"(allow mach-lookup (global-name (param \"SVC\")))\n";

static const char ann_net_text[] =
	"; network\n"
	"(allow network-outbound (remote tcp \"localhost:*\"))\n"
	"(deny network-bind (with no-report))";

static const char ann_lib_text[] = "(allow sysctl-read)\n";

static const char *ann_run3_obs[] = {
	"file-read-data", "file-read-metadata", "file-write-data",
	"network-outbound", "process-exec", "process-fork", "sysctl-read",
};
static const char *ann_run4_obs[] = { "file-read-data" };

static const char *ann_samples1[] = { "/etc/passwd" };
static const char *ann_samples2[] = {
	"/usr/lib/libz.1.dylib", "/usr/lib/<a> & \"b\" 'c'",
	"/usr/lib/bad\xff\x01name",
};
static const char *ann_samples4[] = { "kern.osrelease" };
static const char *ann_samples5[] = { "127.0.0.1:8080" };
static const char *ann_samples7[] = { "/bin/sh" };

static struct sb_ann_op ann_ops1[] = {
	{ "file-write-data", "deny", 7, 0 },
	{ "network-outbound", "deny", 5, 0 },
};
static struct sb_ann_op ann_ops2[] = {
	{ "file-read-data", "allow", 3950, 2 },
	{ "file-read-metadata", "allow", 232, 0 },
};
static struct sb_ann_op ann_ops4[] = { { "sysctl-read", "allow", 40, 0 } };
static struct sb_ann_op ann_ops5[] = {
	{ "network-outbound", "allow", 5, 0 },
};
static struct sb_ann_op ann_ops7[] = { { "process-exec", "allow", 3, 0 } };

static struct sb_ann_arm ann_arms2[] = {
	{ { 4, 19, 4, 39 }, 4182 },
	{ { 5, 19, 5, 46 }, 0 },
};

/* Fill *M with the model described above; free with sb_ann_model_free(). */
static inline void
ann_model_build(struct sb_ann_model *m)
{
	static struct sb_ann_param params[] = {
		{ "HOME", "/Users/ci" },
		{ "SVC", "com.example.\"svc\" <&>" },
	};
	static struct sb_ann_run runs[] = {
		{ .id = 3, .uuid = "8f14e45f-ceea-467a-9af0-2c4f5e1f0a11",
		  .source = "linux-unotify", .label = "unit-tests",
		  .status = "complete", .started_at = S(1741111862),
		  .ended_at = S(1741112080), .accesses = 1204311,
		  .observable = ann_run3_obs, .nobservable = 7 },
		{ .id = 4, .uuid = "c9f0f895-fb98-4b91-9f3c-2a1d6e5b7c40",
		  .source = "ulog", .status = "crashed",
		  .started_at = S(1741165200), .accesses = 17,
		  .inconsistent = 2, .crashed = 1, .observable = ann_run4_obs,
		  .nobservable = 1 },
	};
	static struct sb_ann_lost lost[] = {
		{ .fingerprint = "0123456789abcdef", .action = "allow",
		  .operations = "file-read-data file-read-metadata",
		  .canonical = "(allow file-read-data file-read-metadata "
		  "(literal \"/old\"))",
		  .origin = "", .line = 11, .decided = 9,
		  .matched_overridden = 1 },
	};
	static struct sb_ann_rule rules[9];
	static struct sb_ann_file files[3];
	struct sb_ann_rule *r;

	memset(m, 0, sizeof *m);
	sb_arena_init(&m->arena);
	snprintf(m->key, sizeof m->key, "%s",
	    "5f0c9a1e22b7d403000000000000000000000000000000000000000000000000");
	snprintf(m->blob_sha256, sizeof m->blob_sha256, "%s",
	    "b10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10bb10b");
	m->target = "macos14";
	m->main_file = "profiles/app.sb";
	m->params = params;
	m->nparams = 2;
	m->data = "coverage.db";
	m->tool_version = "sbpl-annotate 0.4.0";
	m->timestamp = 1741112080;
	m->remapped = 1;
	m->versions = 2;
	m->changed = 1;
	m->runs = runs;
	m->nruns = 2;
	m->chains = 2;

	memset(files, 0, sizeof files);
	files[0] = (struct sb_ann_file){ .path = "profiles/app.sb",
	    .origin = "", .text = ann_main_text,
	    .len = sizeof ann_main_text - 1, .is_main = 1, .reported = 1,
	    .rules = 6, .observable = 6, .hit = 3 };
	memset(files[0].sha256, '1', 64);
	files[1] = (struct sb_ann_file){
	    .path = "profiles/net <&> \"q\".sb",
	    .origin = "net <&> \"q\".sb", .text = ann_net_text,
	    .len = sizeof ann_net_text - 1, .reported = 1,
	    .rules = 2, .observable = 1, .hit = 1 };
	memset(files[1].sha256, '2', 64);
	files[2] = (struct sb_ann_file){ .path = "stdlib-sb/bsd.sb",
	    .origin = "stdlib:bsd.sb", .text = ann_lib_text,
	    .len = sizeof ann_lib_text - 1, .is_library = 1 };
	memset(files[2].sha256, '3', 64);
	m->files = files;
	m->nfiles = 3;

	memset(rules, 0, sizeof rules);
	r = &rules[0];          /* (deny default) */
	*r = (struct sb_ann_rule){ .id = 1, .fingerprint = "1a2b3c4d5e6f7081",
	    .action = "deny", .first_op = "default", .nops = 1,
	    .operations = "default", .canonical = "(deny default)",
	    .file = 0, .line = 2, .span = { 2, 1, 2, 15 }, .anchor_file = 0,
	    .anchor_line = 2, .state = SB_ANN_HIT, .count = 12, .decided = 12,
	    .first_ns = S(1741111863), .last_ns = S(1741112079),
	    .ops = ann_ops1, .nops_hit = 2, .samples = ann_samples1,
	    .nsamples = 1 };
	r = &rules[1];          /* two alternatives, the second never matched */
	*r = (struct sb_ann_rule){ .id = 2, .fingerprint = "9a7f3c2e10b4d655",
	    .action = "allow", .first_op = "file-read*", .nops = 1,
	    .operations = "file-read*",
	    .canonical = "(allow file-read* (require-any (subpath "
	    "\"/usr/lib\") (subpath \"/System/Library\")))",
	    .file = 0, .line = 4, .span = { 4, 1, 5, 47 }, .anchor_file = 0,
	    .anchor_line = 4, .state = SB_ANN_HIT, .count = 4182,
	    .decided = 4182, .decided_ambiguous = 3, .matched_overridden = 2,
	    .first_ns = S(1741111863), .last_ns = S(1741112079), .partial = 1,
	    .arms = ann_arms2, .narms = 2, .ops = ann_ops2, .nops_hit = 2,
	    .samples = ann_samples2, .nsamples = 3 };
	r = &rules[2];          /* two operations, never hit */
	*r = (struct sb_ann_rule){ .id = 3, .fingerprint = "3c3c3c3c3c3c3c3c",
	    .action = "allow", .first_op = "file-write-data", .nops = 2,
	    .operations = "file-write-data file-write-create",
	    .canonical = "(allow file-write-data file-write-create "
	    "(subpath \"/private/tmp/app\"))",
	    .file = 0, .line = 6, .span = { 6, 1, 6, 71 }, .anchor_file = 0,
	    .anchor_line = 6, .state = SB_ANN_NEVER };
	r = &rules[3];          /* the library's, counted at its import */
	*r = (struct sb_ann_rule){ .id = 4, .fingerprint = "4d4d4d4d4d4d4d4d",
	    .action = "allow", .first_op = "sysctl-read", .nops = 1,
	    .operations = "sysctl-read", .canonical = "(allow sysctl-read)",
	    .file = 0, .line = 7, .anchor_file = 0, .anchor_line = 7,
	    .state = SB_ANN_HIT, .count = 40, .decided = 40,
	    .first_ns = S(1741111920), .last_ns = S(1741112010),
	    .ops = ann_ops4, .nops_hit = 1, .samples = ann_samples4,
	    .nsamples = 1 };
	r = &rules[4];          /* the imported file's */
	*r = (struct sb_ann_rule){ .id = 5, .fingerprint = "5e5e5e5e5e5e5e5e",
	    .action = "allow", .first_op = "network-outbound", .nops = 1,
	    .operations = "network-outbound",
	    .canonical = "(allow network-outbound (remote tcp "
	    "\"localhost:*\"))",
	    .file = 1, .line = 2, .span = { 2, 1, 2, 52 }, .anchor_file = 1,
	    .anchor_line = 2, .state = SB_ANN_HIT, .count = 5, .decided = 5,
	    .first_ns = S(1741112010), .last_ns = S(1741112010),
	    .ops = ann_ops5, .nops_hit = 1, .samples = ann_samples5,
	    .nsamples = 1 };
	r = &rules[5];          /* no-report deny under a unified-log run */
	*r = (struct sb_ann_rule){ .id = 6, .fingerprint = "6f6f6f6f6f6f6f6f",
	    .action = "deny", .first_op = "network-bind", .nops = 1,
	    .operations = "network-bind",
	    .canonical = "(deny network-bind (with no-report))",
	    .file = 1, .line = 3, .span = { 3, 1, 3, 37 }, .anchor_file = 1,
	    .anchor_line = 3, .state = SB_ANN_UNOBSERVABLE };
	r = &rules[6];          /* line 9, first of two */
	*r = (struct sb_ann_rule){ .id = 7, .fingerprint = "7a7a7a7a7a7a7a7a",
	    .action = "allow", .first_op = "process-exec", .nops = 1,
	    .operations = "process-exec",
	    .canonical = "(allow process-exec (literal \"/bin/sh\"))",
	    .file = 0, .line = 9, .span = { 9, 1, 9, 41 }, .anchor_file = 0,
	    .anchor_line = 9, .state = SB_ANN_HIT, .count = 3, .decided = 3,
	    .first_ns = S(1741111920), .last_ns = S(1741112010),
	    .ops = ann_ops7, .nops_hit = 1, .samples = ann_samples7,
	    .nsamples = 1 };
	r = &rules[7];          /* line 9, second of two, never hit */
	*r = (struct sb_ann_rule){ .id = 8, .fingerprint = "8b8b8b8b8b8b8b8b",
	    .action = "allow", .first_op = "process-fork", .nops = 1,
	    .operations = "process-fork", .canonical = "(allow process-fork)",
	    .file = 0, .line = 9, .span = { 9, 42, 9, 62 }, .anchor_file = 0,
	    .anchor_line = 9, .state = SB_ANN_NEVER };
	r = &rules[8];          /* new after the remap */
	*r = (struct sb_ann_rule){ .id = 9, .fingerprint = "9c9c9c9c9c9c9c9c",
	    .action = "allow", .first_op = "mach-lookup", .nops = 1,
	    .operations = "mach-lookup",
	    .canonical = "(allow mach-lookup (global-name "
	    "\"com.example.svc\"))",
	    .file = 0, .line = 10, .span = { 10, 1, 10, 48 },
	    .anchor_file = 0, .anchor_line = 10, .state = SB_ANN_NEW };
	m->rules = rules;
	m->nrules = 9;
	m->lost = lost;
	m->nlost = 1;
	/* user-source rules: all but the library's (rule 4) */
	m->total_rules = 8;
	m->total_observable = 7;
	m->total_hit = 4;
}

/* A profile with nothing counted: no runs, no rules, no remap. */
static inline void
ann_model_empty(struct sb_ann_model *m)
{
	static struct sb_ann_file files[1];

	memset(m, 0, sizeof *m);
	sb_arena_init(&m->arena);
	memset(m->key, 'a', 64);
	memset(m->blob_sha256, 'b', 64);
	m->target = "macos15";
	m->main_file = "empty.sb";
	m->data = "coverage.db";
	m->tool_version = "sbpl-annotate 0.4.0";
	files[0] = (struct sb_ann_file){ .path = "empty.sb", .origin = "",
	    .text = "(version 1)\n", .len = 12, .is_main = 1, .reported = 1 };
	memset(files[0].sha256, 'c', 64);
	m->files = files;
	m->nfiles = 1;
}

/*
** Run EMIT on M into a string the caller frees with free(); *LEN gets
** its length. Fails the test when the emitter reports an error.
*/
static inline char *
ann_emit(int (*emit)(struct sb_ann_model *, const struct sb_ann_opts *,
    FILE *), struct sb_ann_model *m, size_t *len)
{
	struct sb_ann_opts o;
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	memset(&o, 0, sizeof o);
	assert_non_null(f);
	assert_int_equal(emit(m, &o, f), 0);
	fclose(f);
	return out;
}

/* The whole of file PATH into a string the caller frees; NULL if absent. */
static inline char *
ann_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t cap = 0, n = 0, k;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			s = realloc(s, cap);
			assert_non_null(s);
		}
		k = fread(s + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	fclose(f);
	s[n] = 0;
	*len = n;
	return s;
}

/*
** Compare GOT (LEN bytes) with the golden file PATH, or rewrite PATH when
** UPDATE=1 (as tests/run-golden does; review the diff). On a difference,
** print the first differing line of each.
*/
static inline void
ann_assert_golden(const char *got, size_t len, const char *path)
{
	const char *update = getenv("UPDATE");
	char *want;
	size_t wlen = 0, i, line = 1, bol = 0;
	FILE *f;

	if (update && !strcmp(update, "1")) {
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, len, f), len);
		fclose(f);
		return;
	}
	want = ann_slurp(path, &wlen);
	if (!want)
		fail_msg("%s: cannot read the expected output", path);
	for (i = 0; i < len && i < wlen && got[i] == want[i]; i++)
		if (got[i] == '\n') {
			line++;
			bol = i + 1;
		}
	if (i != len || i != wlen) {
		int gl = (int)strcspn(got + bol, "\n");
		int wl = (int)strcspn(want + bol, "\n");

		printf("%s:%zu: differs\n  got:  %.*s\n  want: %.*s\n", path,
		    line, gl, got + bol, wl, want + bol);
		free(want);
		fail_msg("%s: output differs from the golden file", path);
	}
	free(want);
}

#endif
