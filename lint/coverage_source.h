/*
** What C1 and C2 (LINT.md §3.6) read from coverage.db (COVERAGE.md §2),
** behind a small interface so that the checks do not depend on how the
** database is read. lint/cov_binding.c binds it to coverage/covview.h;
** tests pass a fake through struct sb_lint_opts.cov.
*/
#ifndef SB_LINT_COVERAGE_SOURCE_H
#define SB_LINT_COVERAGE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct sb_unit;
struct sb_rule;
struct sb_options;

/* The counted runs of the profile (LINT.md §3.6). */
struct sb_cov_runs {
	uint32_t runs;                  /* complete, partial and crashed */
	uint32_t crashed;
	char first[16], last[16];       /* dates, YYYY-MM-DD */
	uint64_t accesses;              /* accesses observed in them */
};

/* One rule's counts over the counted runs. */
struct sb_cov_rule {
	uint64_t decided;               /* accesses the rule decided */
	uint64_t matched_overridden;    /* matched, but a later rule decided */
	int observable;                 /* some run could observe its operations */
};

struct sb_cov_source {
	void *ctx;
	/* Open PATH; 0, or -1 with ERR filled (not a coverage.db, newer schema). */
	int (*open)(void *ctx, const char *path, char *err, size_t errsize);
	/*
	** Find the profile of unit U, compiled with options O from MAIN_FILE,
	** as sbpl-annotate identifies it (with REMAP, every recorded version
	** of the main file, or of REMAP_FROM when not NULL, by rule
	** fingerprints). 0; 1 when the database holds nothing for it, -1
	** when it cannot be read: ERR says why.
	*/
	int (*identify)(void *ctx, struct sb_unit *u, const struct sb_options *o,
	    const char *main_file, int remap, const char *remap_from,
	    char *err, size_t errsize);
	void (*runs)(void *ctx, struct sb_cov_runs *out);
	/* The counts of rule R; 0, or -1 when the database has no row. */
	int (*rule)(void *ctx, const struct sb_rule *r, struct sb_cov_rule *out);
	void (*close)(void *ctx);
};

/* The coverage.db binding of this build, or NULL (none). */
const struct sb_cov_source *sb_lint_cov_binding(void);

#endif
