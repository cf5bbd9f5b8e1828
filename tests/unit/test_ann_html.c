/*
** Unit tests for annotate/html.c (COVERAGE.md §4.7): the page of the
** hand-built model of ann_model.h against tests/annotate/html/ (UPDATE=1
** rewrites it; review the diff), and, worked out by hand from the model
** so that a wrong golden file cannot hide them: the gutter of every line
** state, the coverage statements, escaping, self-containment and
** determinism.
**
** With SBPL_ANN_HTML_OUT=PATH in the environment the binary only writes
** the page of the model to PATH and exits: tests/annotate/run-html
** renders it in a headless browser.
*/
#include "tests/unit/fixture.h"
#include "tests/unit/ann_model.h"

#include "common/source.h"

#define GOLDEN "tests/annotate/html/"

static char *
page(struct sb_ann_model *m, size_t *len)
{
	return ann_emit(sb_ann_emit_html, m, len);
}

/* Fail unless OUT contains WANT, naming it. */
static void
has(const char *out, const char *want)
{
	if (!strstr(out, want))
		fail_msg("missing from the page: %s", want);
}

static void
hasnot(const char *out, const char *unwanted)
{
	if (strstr(out, unwanted))
		fail_msg("unexpected in the page: %s", unwanted);
}

static void
html__two_files__match_the_golden_file(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	ann_assert_golden(out, len, GOLDEN "two-files.html");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__header__states_the_profile_and_rule_coverage(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	has(out, "<tr><th>Target</th><td>macos14</td></tr>");
	has(out, "<code>5f0c9a1e22b7d403" "000000000000000000000000"
	    "000000000000000000000000</code>");
	has(out, "<code>HOME</code> = <code>/Users/ci</code><br>\n"
	    "<code>SVC</code> = <code>com.example.&quot;svc&quot; "
	    "&lt;&amp;&gt;</code>");
	/* 4 of the 8 user-source rules hit, 7 observable: 57.1% */
	has(out, "<p class=\"summary\">rules hit: 4 of 8 (7 observable, "
	    "57.1%)</p>");
	/* per file: main 3 of 6, the import 1 of 2 with 1 observable */
	has(out, "<p class=\"summary\">rules hit: 3 of 6 (6 observable, "
	    "50.0%)</p>");
	has(out, "<p class=\"summary\">rules hit: 1 of 2 (1 observable, "
	    "100.0%)</p>");
	has(out, "carried by fingerprint from 2 recorded versions; 1 rule "
	    "new");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__runs__show_status_and_crash_flag(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	has(out, "<tr><td class=\"num\">3</td><td>unit-tests</td>"
	    "<td>linux-unotify</td><td>complete</td><td>no</td>"
	    "<td><time>2025-03-04T18:11:02Z</time></td>"
	    "<td><time>2025-03-04T18:14:40Z</time></td>"
	    "<td class=\"num\">1204311</td><td class=\"num\">0</td>");
	has(out, "<tr><td class=\"num\">4</td><td></td><td>ulog</td>"
	    "<td>crashed</td><td class=\"crash\">yes: crashed</td>"
	    "<td><time>2025-03-05T09:00:00Z</time></td><td>-</td>");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__gutter__marks_every_line_state_without_colour(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	/* a non-rule line: no marker, no count, no tooltip */
	has(out, "<tr class=\"none\" id=\"f0-L1\"><td class=\"ln\">1</td>"
	    "<td class=\"mk\"></td><td class=\"ct\"></td>"
	    "<td class=\"tx\">(version 1)</td></tr>");
	/* hit, with its breakdown and sample in the tooltip */
	has(out, "<tr class=\"hit\" id=\"f0-L2\" title=\"rule 1: deny "
	    "default: 12 decided (hit)&#10;  file-write-data deny: 7&#10;  "
	    "network-outbound deny: 5&#10;samples:&#10;  /etc/passwd\">"
	    "<td class=\"ln\">2</td><td class=\"mk\">+</td>"
	    "<td class=\"ct\">12</td><td class=\"tx\">(deny default)</td>");
	/* an alternative never matched: '*' as gcov writes it */
	has(out, "<td class=\"mk\">+</td><td class=\"ct\">4182*</td>");
	/* the rule's second line carries nothing */
	has(out, "<tr class=\"none\" id=\"f0-L5\">");
	has(out, "<tr class=\"never\" id=\"f0-L6\" title=\"rule 3: allow "
	    "file-write-data file-write-create: 0 decided (never hit)\">"
	    "<td class=\"ln\">6</td><td class=\"mk\">!</td>"
	    "<td class=\"ct\">#####</td>");
	/* the library rule, counted at its import line */
	has(out, "<tr class=\"hit\" id=\"f0-L7\" title=\"rule 4: allow "
	    "sysctl-read: 40 decided (hit)");
	has(out, "<td class=\"ln\">7</td><td class=\"mk\">+</td>"
	    "<td class=\"ct\">40</td>");
	/* the import of a user file shows none of its rules (§4.2) */
	has(out, "<tr class=\"none\" id=\"f0-L8\">");
	/* two rules on a line: 3 + 0, both in the tooltip */
	has(out, "<tr class=\"hit\" id=\"f0-L9\" title=\"rule 7: allow "
	    "process-exec: 3 decided (hit)&#10;  process-exec allow: 3&#10;"
	    "rule 8: allow process-fork: 0 decided (never hit)&#10;"
	    "samples:&#10;  /bin/sh\"><td class=\"ln\">9</td>"
	    "<td class=\"mk\">+</td><td class=\"ct\">3</td>");
	has(out, "<tr class=\"new\" id=\"f0-L10\" title=\"rule 9: allow "
	    "mach-lookup: 0 decided (new)\"><td class=\"ln\">10</td>"
	    "<td class=\"mk\">N</td><td class=\"ct\">new</td>");
	has(out, "<tr class=\"unobs\" id=\"f1-L3\" title=\"rule 6: deny "
	    "network-bind: 0 decided (unobservable)\"><td class=\"ln\">3"
	    "</td><td class=\"mk\">~</td><td class=\"ct\">n/o</td>"
	    "<td class=\"tx\">(deny network-bind (with no-report))</td>");
	/* the legend names each marker */
	has(out, "<tr class=\"never\"><td class=\"mk\">!</td>"
	    "<td class=\"ct\">#####</td>");
	has(out, "<tr class=\"unobs\"><td class=\"mk\">~</td>");
	has(out, "<tr class=\"new\"><td class=\"mk\">N</td>");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__tooltip__stops_at_eight_samples(void **state)
{
	static const char *many[] = { "s1", "s2", "s3", "s4", "s5", "s6",
	    "s7", "s8", "s9" };
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	/* rules 7 and 8 share line 9: 1 + 9 samples, 8 shown */
	m.rules[7].samples = many;
	m.rules[7].nsamples = 9;
	out = page(&m, &len);
	has(out, "samples:&#10;  /bin/sh&#10;  s1&#10;  s2&#10;  s3&#10;  "
	    "s4&#10;  s5&#10;  s6&#10;  s7\"><td class=\"ln\">9</td>");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__text__is_escaped_and_invalid_utf8_replaced(void **state)
{
	struct sb_ann_model m;
	size_t len, i;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	has(out, "<h2>profiles/net &lt;&amp;&gt; &quot;q&quot;.sb</h2>");
	has(out, "<dd><code>/usr/lib/&lt;a&gt; &amp; &quot;b&quot; "
	    "&#39;c&#39;</code></dd>");
	/* \xff and \x01 each become U+FFFD */
	has(out, "<dd><code>/usr/lib/bad\xef\xbf\xbd\xef\xbf\xbdname</code>"
	    "</dd>");
	has(out, "<td class=\"tx\">; libraries &amp; &lt;friends&gt;</td>");
	hasnot(out, "<a>");
	hasnot(out, "<&>");
	/* valid UTF-8, no control characters but newline */
	for (i = 0; i < len; ) {
		uint32_t k = sb_utf8_seq(out + i, (uint32_t)(len - i));

		assert_true(k > 0);
		assert_true(k > 1 || out[i] == '\n' ||
		    ((unsigned char)out[i] >= 0x20 && out[i] != 0x7f));
		i += k;
	}
	free(out);
	sb_ann_model_free(&m);
}

static void
html__page__is_self_contained(void **state)
{
	struct sb_ann_model m;
	const char *p;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	assert_true(!strncmp(out, "<!DOCTYPE html>\n", 16));
	has(out, "<meta charset=\"utf-8\">");
	has(out, "<style>");
	hasnot(out, "<script");
	hasnot(out, "<link");
	hasnot(out, "<img");
	hasnot(out, "src=");
	hasnot(out, "url(");
	hasnot(out, "@import");
	hasnot(out, "://");
	for (p = out; (p = strstr(p, "href=\"")); p += 6)
		assert_int_equal(p[6], '#');
	free(out);
	sb_ann_model_free(&m);
}

static void
html__rules_table__lists_each_rule_in_its_site_file(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out, *f1;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	has(out, "<tr class=\"hit\" id=\"rule-2\"><td class=\"num\">2</td>"
	    "<td class=\"num\"><a href=\"#f0-L4\">4</a></td>"
	    "<td class=\"st\">+ hit</td><td>allow</td><td>file-read*</td>"
	    "<td class=\"num\">4182*</td><td class=\"num\">2</td>"
	    "<td><time>2025-03-04T18:11:03Z</time></td>"
	    "<td><time>2025-03-04T18:14:39Z</time></td>");
	has(out, "<dd>2. 5:19-5:46: 0 matched (never)</dd>");
	f1 = strstr(out, "<section class=\"file\" id=\"f1\">");
	assert_non_null(f1);
	/* rules 5 and 6 are in the import's section, not the main file's */
	assert_true(strstr(out, "id=\"rule-5\"") > f1);
	assert_true(strstr(out, "id=\"rule-6\"") > f1);
	assert_true(strstr(out, "id=\"rule-9\"") < f1);
	hasnot(out, "stdlib-sb/bsd.sb");        /* not reported */
	free(out);
	sb_ann_model_free(&m);
}

static void
html__remap__lists_lost_and_new_rules(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = page(&m, &len);
	has(out, "<tr><td><code>0123456789abcdef</code></td><td>allow</td>"
	    "<td>file-read-data file-read-metadata</td><td>main file</td>"
	    "<td class=\"num\">11</td><td class=\"num\">9</td>"
	    "<td class=\"num\">1</td>");
	has(out, "<tr><td class=\"num\"><a href=\"#rule-9\">9</a></td>"
	    "<td>profiles/app.sb</td><td class=\"num\">10</td>");
	free(out);
	sb_ann_model_free(&m);
}

static void
html__empty_model__has_no_remap_sections(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_empty(&m);
	out = page(&m, &len);
	has(out, "<tr><th>Parameters</th><td>none</td></tr>");
	has(out, "rules hit: 0 of 0 (0 observable, 0.0%)");
	has(out, "<tr class=\"none\" id=\"f0-L1\">");
	hasnot(out, "id=\"lost\"");
	hasnot(out, "id=\"new\"");
	hasnot(out, "<table class=\"grid runs\">");
	assert_true(len > 16 && !strcmp(out + len - 16, "</body>\n</html>\n"));
	free(out);
	sb_ann_model_free(&m);
}

static void
html__written_twice__is_byte_identical(void **state)
{
	struct sb_ann_model m;
	size_t len1, len2;
	char *a, *b;

	(void)state;
	ann_model_build(&m);
	a = page(&m, &len1);
	b = page(&m, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(a, b, len1);
	free(a);
	free(b);
	sb_ann_model_free(&m);
}

static void
html__full_device__reports_the_write_error(void **state)
{
	struct sb_ann_model m;
	struct sb_ann_opts o;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f) {
		printf("SKIP: /dev/full cannot be opened\n");
		skip();
	}
	memset(&o, 0, sizeof o);
	ann_model_build(&m);
	assert_int_equal(sb_ann_emit_html(&m, &o, f), -1);
	fclose(f);
	sb_ann_model_free(&m);
}

/* SBPL_ANN_HTML_OUT: write the model's page there for the browser test. */
static int
writepage(const char *path)
{
	struct sb_ann_model m;
	struct sb_ann_opts o;
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		perror(path);
		return 2;
	}
	memset(&o, 0, sizeof o);
	ann_model_build(&m);
	rc = sb_ann_emit_html(&m, &o, f);
	sb_ann_model_free(&m);
	if (fclose(f) != 0 || rc != 0) {
		perror(path);
		return 2;
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html__two_files__match_the_golden_file),
		cmocka_unit_test(
		    html__header__states_the_profile_and_rule_coverage),
		cmocka_unit_test(html__runs__show_status_and_crash_flag),
		cmocka_unit_test(
		    html__gutter__marks_every_line_state_without_colour),
		cmocka_unit_test(html__tooltip__stops_at_eight_samples),
		cmocka_unit_test(
		    html__text__is_escaped_and_invalid_utf8_replaced),
		cmocka_unit_test(html__page__is_self_contained),
		cmocka_unit_test(
		    html__rules_table__lists_each_rule_in_its_site_file),
		cmocka_unit_test(html__remap__lists_lost_and_new_rules),
		cmocka_unit_test(html__empty_model__has_no_remap_sections),
		cmocka_unit_test(html__written_twice__is_byte_identical),
		cmocka_unit_test(html__full_device__reports_the_write_error),
	};
	const char *path = getenv("SBPL_ANN_HTML_OUT");

	if (path && *path)
		return writepage(path);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
