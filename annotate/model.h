/*
** What every output of sbpl-annotate shows (COVERAGE.md §4): the profile,
** the counted runs, the user source files with their text, every rule with
** its counts, and the rules lost by a remap. annotate/model.c builds it
** from a compiled unit and coverage.db (through coverage/covview.h); the
** emitters (gcov.c, sbpl.c, lcov.c, cobertura.c, json.c, html.c) only read
** it. Everything lives in the model's arena and is freed with
** sb_ann_model_free().
**
** Which file a rule is counted in (§4.2):
**   - the multi-file outputs (lcov, cobertura, json, html) list every
**     reported file and count each rule once, in FILE (the file of its
**     site); a rule of a library file that is not reported has FILE set to
**     its ANCHOR_FILE, ANCHOR_LINE (the import or call in user source);
**   - the single-file views (gcov, sbpl) use sb_ann_lines(), which sums
**     every rule anchored in the file shown, whatever file its site is in.
*/
#ifndef SB_ANNOTATE_MODEL_H
#define SB_ANNOTATE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

#define SB_ANN_NOFILE UINT32_MAX

/* A rule's state, as every output distinguishes it. */
enum sb_ann_state {
	SB_ANN_HIT,                     /* count > 0 */
	SB_ANN_NEVER,                   /* observable, count 0: "#####" */
	SB_ANN_UNOBSERVABLE,            /* no counted run could see its operations */
	SB_ANN_NEW                      /* after a remap: no history for it */
};

/* A half-open span: line and code-point column from 1, end exclusive. */
struct sb_ann_span {
	uint32_t line, col, end_line, end_col;
};

/* One (operation, decision) row of a rule's hits. */
struct sb_ann_op {
	const char *operation;          /* concrete operation */
	const char *decision;           /* "allow" or "deny": what was decided */
	uint64_t decided;               /* as counted (see sb_ann_rule.count) */
	uint64_t matched_overridden;
};

/* One alternative of the rule's top-level require-any. */
struct sb_ann_arm {
	struct sb_ann_span span;        /* in the rule's FILE; 0s when unknown */
	uint64_t matched;               /* decided accesses it matched */
};

struct sb_ann_rule {
	uint32_t id;                    /* 1..n, emission order */
	const char *fingerprint;        /* 16 hex */
	const char *action;             /* "allow" or "deny" */
	const char *first_op;           /* first operation as written */
	uint32_t nops;                  /* operations the rule names */
	const char *operations;         /* all of them, space-separated */
	const char *canonical;          /* canonical rule text */
	uint32_t file;                  /* index into model files (see above), or
	                                ** SB_ANN_NOFILE: counted in no file */
	uint32_t line;                  /* the line FILE counts it on */
	struct sb_ann_span span;        /* the site, in FILE; 0s at an anchor */
	/* where a single-file view counts it: in the file the model was built
	** to show (sb_ann_build's SHOW), its site there or else the outermost
	** frame there (an import or a call); otherwise the outermost frame in
	** user source; SB_ANN_NOFILE when none */
	uint32_t anchor_file;
	uint32_t anchor_line;
	enum sb_ann_state state;
	uint64_t count;                 /* decided, plus approx/ambiguous when asked */
	uint64_t decided, decided_approx, decided_ambiguous;
	uint64_t matched_overridden;
	int64_t first_ns, last_ns;      /* 0 when never hit */
	int partial;                    /* hit, and some alternative never matched: '*' */
	struct sb_ann_arm *arms;        /* narms >= 2, else NULL */
	uint32_t narms;
	struct sb_ann_op *ops;          /* by operation, largest first */
	uint32_t nops_hit;
	const char **samples;           /* up to 8 sample arguments, oldest first */
	uint32_t nsamples;
	/* with per-run counts (lcov --per-run): per counted run, in run
	** order, the rule's count and its alternatives' matches (arm-major:
	** arm_by_run[a * nruns + i]); NULL otherwise */
	uint64_t *by_run;
	uint64_t *arm_by_run;
};

/* One source file. */
struct sb_ann_file {
	const char *path;               /* as shown: relative to --root when below it */
	const char *origin;             /* "" main, import name, "stdlib:NAME" */
	const char *text;               /* the bytes as read */
	size_t len;
	char sha256[65];                /* hex */
	int is_main;
	int is_library;                 /* stdlib-sb/: reported only with --include-stdlib */
	int reported;                   /* listed by the multi-file outputs */
	/* per file summary over the rules counted in it (multi-file rule) */
	uint32_t rules, observable, hit;
};

struct sb_ann_run {
	int64_t id;
	const char *uuid, *source, *label, *status, *partial_reasons;
	int64_t started_at, ended_at;   /* ns; ended_at 0 when not ended */
	uint64_t accesses, inconsistent;
	int crashed;
	const char **observable;
	uint32_t nobservable;
};

/* A recorded rule that the current profile no longer has (§3.2). */
struct sb_ann_lost {
	const char *fingerprint, *action, *operations, *canonical, *origin;
	uint32_t line;                  /* where it was, in its recorded version */
	uint64_t decided, matched_overridden;
};

struct sb_ann_param {
	const char *name, *value;
};

struct sb_ann_model {
	/* the profile */
	char key[65], blob_sha256[65];  /* hex */
	const char *target, *main_file;
	struct sb_ann_param *params;    /* sorted by name */
	uint32_t nparams;
	const char *data;               /* coverage.db as given */
	const char *tool_version;       /* "sbpl-annotate 0.4.0" */
	int64_t timestamp;              /* seconds: latest ended_at, or SOURCE_DATE_EPOCH */
	/* how the counts were found */
	int remapped;                   /* counts carried by fingerprint */
	uint32_t versions;              /* recorded profile versions counted */
	uint32_t changed;               /* rules new after a remap */
	/* the counted runs; chains: a tail-import chain counts once */
	struct sb_ann_run *runs;
	uint32_t nruns, chains;
	/* files: 0 is the main file */
	struct sb_ann_file *files;
	uint32_t nfiles;
	/* rules 1..n (rule 0, the implicit decision, is not listed) */
	struct sb_ann_rule *rules;
	uint32_t nrules;
	struct sb_ann_lost *lost;
	uint32_t nlost;
	/* totals over user-source rules (§4.2) */
	uint32_t total_rules, total_observable, total_hit;
	struct sb_arena arena;
};

void sb_ann_model_free(struct sb_ann_model *m);

/* Rule coverage in percent (hit / observable); 0 when nothing is observable. */
double sb_ann_percent(uint32_t hit, uint32_t observable);

/*
** The single-file view of file FILE (gcov, sbpl): one entry per line,
** 1-based (index 0 unused), summing the rules anchored on each line.
*/
struct sb_ann_line {
	uint32_t nrules;                /* rules anchored here */
	uint32_t nobservable;           /* of them, observable with history
	                                ** (hit or never hit) */
	uint32_t nhit;
	uint64_t count;                 /* sum of their counts */
	uint64_t overridden;            /* sum of matched_overridden */
	int partial;                    /* some hit rule here has '*' */
	int isnew;                      /* a rule here is new after a remap */
	uint32_t first;                 /* index in model rules of the first one */
};

/*
** Lines of FILE as an array of NLINES + 1 entries in the model's arena.
** A file's lines are split at '\n'; a final line without one counts.
*/
struct sb_ann_line *sb_ann_lines(struct sb_ann_model *m, uint32_t file,
    uint32_t *nlines);

/*
** The lcov/cobertura name of rule R: ACTION_FIRSTOP[+N]@L<line>[.<k>],
** where K is R's index among the rules counted on the same line of the
** same file (from 1; omitted for the first). Written into B (BSIZE).
*/
void sb_ann_rule_name(const struct sb_ann_model *m,
    const struct sb_ann_rule *r, char *b, size_t bsize);

/* ISO 8601 UTC of NS ("2025-03-04T18:11:02Z") into B (at least 21 bytes). */
void sb_ann_iso8601(int64_t ns, char *b, size_t bsize);

#endif
