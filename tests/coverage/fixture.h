/*
** What the importer tests share (tests/unit/test_import_*.c): run an
** importer over a fixture under tests/coverage/ and print every access,
** every message and the counts as text, one access per line, to compare
** with the .expect file beside the fixture. SB_UPDATE_EXPECT=1 rewrites
** the .expect files instead (review the diff before committing it).
** Header-only, static functions, like tests/unit/fixture.h.
*/
#ifndef SB_TESTS_COVERAGE_FIXTURE_H
#define SB_TESTS_COVERAGE_FIXTURE_H

#include <dirent.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "compiler/compile.h"
#include "coverage/import.h"

/* The file at PATH, NUL-terminated, or NULL; *LEN its size. free() it. */
static inline char *
fx_slurp(const char *path, size_t *len)
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
	if (!b.data)
		sb_buf_putc(&b, 0), b.len = 0;
	return sb_buf_take(&b);
}

/* S with newlines, tabs, backslashes and control bytes escaped. */
static inline void
fx_escaped(struct sb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			sb_buf_puts(b, "\\n");
		else if (*s == '\t')
			sb_buf_puts(b, "\\t");
		else if (*s == '\\')
			sb_buf_puts(b, "\\\\");
		else if ((unsigned char)*s < 0x20)
			sb_buf_printf(b, "\\x%02x", (unsigned char)*s);
		else
			sb_buf_putc(b, *s);
	}
}

static inline void
fx_field(struct sb_buf *b, const char *name, const char *v)
{
	if (!v)
		return;
	sb_buf_printf(b, " %s=", name);
	fx_escaped(b, v);
}

/* The sink: one line per access. */
static inline int
fx_put(void *ctx, const struct sb_access *a)
{
	static const char *const kinds[] = { "none", "path", "name", "address",
		"number" };
	struct sb_buf *b = ctx;
	uint32_t i;

	sb_buf_printf(b, "%" PRIu64 ":", a->in_line);
	fx_field(b, "op", a->operation);
	if (a->argument || a->arg_kind != SB_ACC_NONE)
		sb_buf_printf(b, " kind=%s", kinds[a->arg_kind]);
	fx_field(b, "arg", a->argument);
	if (a->pid >= 0)
		sb_buf_printf(b, " pid=%" PRId64, a->pid);
	if (a->ppid >= 0)
		sb_buf_printf(b, " ppid=%" PRId64, a->ppid);
	fx_field(b, "exe", a->exe);
	if (a->ts)
		sb_buf_printf(b, " ts=%" PRId64, a->ts);
	if (a->count != 1)
		sb_buf_printf(b, " count=%" PRIu64, a->count);
	if (a->reported != SB_DEC_UNKNOWN)
		sb_buf_printf(b, " reported=%s", a->reported == SB_DEC_ALLOW ?
		    "allow" : "deny");
	fx_field(b, "rule", a->reported_rule);
	fx_field(b, "syscall", a->syscall);
	if (a->err)
		sb_buf_printf(b, " errno=%d", (int)a->err);
	if (a->approx)
		sb_buf_puts(b, " approx");
	fx_field(b, "literal", a->literal_path);
	for (i = 0; i < a->nfacts; i++) {
		sb_buf_printf(b, " fact:%s=", a->facts[i].filter);
		fx_escaped(b, a->facts[i].value);
	}
	fx_field(b, "message", a->message);
	sb_buf_putc(b, '\n');
	return 0;
}

static inline void
fx_diag(void *ctx, const struct sb_import_msg *m)
{
	struct sb_buf *b = ctx;

	sb_buf_printf(b, "reject %" PRIu64 ":%u: %s\n", m->line, m->col, m->msg);
}

/*
** Import the fixture PATH as FMT with options OPTS (userland, ...; file
** and diagnostics are set here) and return the text to compare.
*/
static inline char *
fx_run(enum sb_import_format fmt, const char *path,
    const struct sb_import_opts *opts)
{
	struct sb_buf out = SB_BUF_INIT, diags = SB_BUF_INIT;
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink;
	size_t len;
	char *text = fx_slurp(path, &len);
	int r;

	assert_non_null(text);
	memset(&o, 0, sizeof o);
	if (opts)
		o = *opts;
	o.file = path;
	o.diag = fx_diag;
	o.diagctx = &diags;
	memset(&st, 0, sizeof st);
	sink.ctx = &out;
	sink.put = fx_put;
	r = sb_import_buffer(fmt, text, len, &o, &sink, &st);
	if (diags.len)
		sb_buf_put(&out, diags.data, diags.len);
	sb_buf_printf(&out, "result %d lines=%" PRIu64 " records=%" PRIu64
	    " skipped=%" PRIu64 " rejected=%" PRIu64 " accesses=%" PRIu64
	    " lower_bounds=%d dropped=%d refused=%d\n", r, st.lines,
	    st.records, st.skipped, st.rejected, st.accesses, st.lower_bounds,
	    st.dropped, st.refused);
	sb_buf_free(&diags);
	free(text);
	if (!out.data)
		sb_buf_putc(&out, 0);
	return sb_buf_take(&out);
}

/* Compare GOT with PATH.expect (or write it); 0 when equal. */
static inline int
fx_compare(const char *path, const char *got)
{
	char expect[4096];
	size_t len;
	char *want;
	int same;

	snprintf(expect, sizeof expect, "%s.expect", path);
	if (getenv("SB_UPDATE_EXPECT")) {
		FILE *f = fopen(expect, "wb");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return 0;
	}
	want = fx_slurp(expect, &len);
	if (!want) {
		print_error("%s: missing (run with SB_UPDATE_EXPECT=1)\n",
		    expect);
		return 1;
	}
	same = strcmp(want, got) == 0;
	if (!same)
		print_error("%s differs; got:\n%s", expect, got);
	free(want);
	return !same;
}

/* Fixture files in DIR ending in SUFFIX, sorted; free each and the array. */
static inline char **
fx_list(const char *dir, const char *suffix, size_t *n)
{
	struct dirent **ents;
	char **out;
	int k, i;
	size_t sl = strlen(suffix);

	*n = 0;
	k = scandir(dir, &ents, NULL, alphasort);
	if (k < 0)
		return NULL;
	out = calloc((size_t)k + 1, sizeof *out);
	for (i = 0; i < k; i++) {
		size_t nl = strlen(ents[i]->d_name);
		if (nl > sl && strcmp(ents[i]->d_name + nl - sl, suffix) == 0) {
			out[*n] = malloc(strlen(dir) + nl + 2);
			sprintf(out[*n], "%s/%s", dir, ents[i]->d_name);
			(*n)++;
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

/*
** Run every fixture in DIR ending in SUFFIX as FMT and compare; fails the
** test when any differs, after trying them all. Returns the number run.
*/
static inline size_t
fx_all(const char *dir, const char *suffix, enum sb_import_format fmt,
    const struct sb_import_opts *opts)
{
	size_t n, i, bad = 0;
	char **files = fx_list(dir, suffix, &n);

	assert_non_null(files);
	for (i = 0; i < n; i++) {
		char *got = fx_run(fmt, files[i], opts);
		bad += (size_t)fx_compare(files[i], got);
		free(got);
		free(files[i]);
	}
	free(files);
	assert_int_equal(bad, 0);
	return n;
}

/* A new directory under $TMPDIR (or /tmp) for one test; free() the name. */
static inline char *
fx_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = malloc(4096);

	snprintf(d, 4096, "%s/sbplcovXXXXXX", t && *t ? t : "/tmp");
	assert_non_null(mkdtemp(d));
	return d;
}

/* Write TEXT to DIR/NAME; the path, which the caller frees. */
static inline char *
fx_write(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Compile TEXT as DIR/NAME to the blob into U; asserts success. */
static inline void
fx_compile(struct sb_unit *u, const char *dir, const char *name,
    const char *text, const struct sb_options *opts)
{
	struct sb_options o;
	char *path = fx_write(dir, name, text);
	const char *in[1];

	memset(&o, 0, sizeof o);
	if (opts)
		o = *opts;
	in[0] = path;
	if (sb_compile(u, &o, in, 1, SB_STAGE_EMIT) < 0) {
		sb_diag_render(&u->ctx.diag, stderr, SB_DIAG_TEXT, 0);
		fail_msg("%s does not compile", path);
	}
	free(path);
}

/* rm -rf DIR, for the end of a test. */
static inline void
fx_rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

#endif
