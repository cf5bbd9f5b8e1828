/*
** sbpl-lint's core (DESIGN.md §3 lint/, §4; LINT.md): the check table,
** the finding model of LINT.md §4, the options every pass reads, and the
** per-file context the passes report to. The driver (lint.c) compiles a
** file, runs the enabled passes, attributes findings in imported files to
** their import site, applies directives and the baseline, sorts and
** dedupes. Output formats (emit_*.c) read the findings; nothing here
** prints except through them.
*/
#ifndef SB_LINT_LINT_H
#define SB_LINT_LINT_H

#include <stdint.h>
#include <stdio.h>

#include "common/diag.h"
#include "compiler/compile.h"

struct sb_sets;
struct sb_rule;
struct sb_req;
struct sb_profile;
struct sb_cov_source;

/* Check levels (LINT.md §3.1); ORDER: lint.c's level names. */
enum sb_lint_level { SB_LV_OFF, SB_LV_NOTE, SB_LV_WARNING, SB_LV_ERROR };

enum sb_check_id {
#define CHECK(id, name, fam, lvl, sev, pass, sum) SB_CHK_##id,
#include "lint/checks.def"
#undef CHECK
	SB_NCHECKS
};

struct sb_check_info {
	const char *id;         /* "R3" */
	const char *name;       /* "shadowed-rule" */
	const char *label;      /* "R3 shadowed-rule", for text output */
	char family;            /* 'R' */
	enum sb_lint_level level;       /* built-in default */
	const char *severity;   /* SARIF security-severity, or NULL */
	const char *summary;    /* one line of LINT.md §3.1 */
};

/* ORDER: checks.def */
extern const struct sb_check_info sb_lint_checks[SB_NCHECKS];

/* The check named by the N bytes at S (id or name), or -1. */
int sb_lint_check_find(const char *s, size_t n);
/* "error", "warning", "note", "off" → level, or -1. */
int sb_lint_level_parse(const char *s);
const char *sb_lint_level_name(enum sb_lint_level lv);
/* The family's long name: "redundancy" for 'R'. */
const char *sb_lint_family_name(char family);

/* A related location (LINT.md §4 "related"). */
struct sb_lint_note {
	struct sb_span span;    /* SB_NOSRC: no location */
	char *msg;              /* owned */
	int oneline;            /* provenance: printed without an excerpt */
};

/* A concrete request that shows a claim (LINT.md §2.6). */
struct sb_lint_witness {
	char *op;               /* operation name; owned */
	char *arg;              /* main argument text, or NULL; owned */
	uint64_t decided_by;    /* fingerprint of the deciding rule, 0 implicit */
};

/* A position made readable for the outputs; columns are code points. */
struct sb_lint_pos {
	uint32_t line, col;     /* 1-based; col in code points, tabs as one */
	uint32_t dcol;          /* display column (text output) */
	uint32_t off;           /* byte offset */
};

enum sb_supp { SB_SUPP_NONE, SB_SUPP_SOURCE, SB_SUPP_BASELINE };

struct sb_finding {
	enum sb_check_id check;
	enum sb_lint_level level;       /* effective level */
	struct sb_span span;            /* primary location, after attribution */
	char *msg;                      /* owned */
	struct sb_lint_note *notes;     /* owned */
	uint32_t nnotes;
	uint64_t *rules;                /* fingerprints of the rules it is about */
	uint32_t nrules;
	struct sb_lint_witness *wit;
	uint32_t nwit;
	char *suggestion;               /* replacement text, or NULL */
	char *subject;                  /* fingerprint subject without rules */
	char *disc;                     /* fingerprint discriminator, or NULL */
	uint64_t fingerprint;
	enum sb_supp suppressed;
	char *reason;                   /* directive reason, or NULL */
	uint32_t seq;                   /* creation order, for stable sorting */
	int haspos;                     /* start/end/file below are set */
	const char *file;               /* path of span.src, or of the input */
	struct sb_lint_pos start, end;
	uint32_t input;                 /* index of the input file */
};

/* An --assume FACT=VALUE (LINT.md §2.3). */
struct sb_assume {
	const char *fact;               /* "entitlement:KEY", "extension:CLASS", … */
	int value;
};

/* A [sensitive-paths] addition (LINT.md §7.3). */
struct sb_sens_add {
	const char *path;               /* "~/.config/op" */
	int write_only;                 /* write = … rather than read-write = … */
};

/* An [ignore] entry: check (or -1 for every check) and glob. */
struct sb_ignore {
	int check;
	const char *glob;               /* relative to dir */
	const char *dir;
};

/* Every option that changes what lint does (LINT.md §6, §7.3). */
struct sb_lint_opts {
	enum sb_lint_level levels[SB_NCHECKS];  /* effective, after config */
	enum sb_lint_level fail_level;  /* SB_LV_OFF: none */
	struct sb_options co;           /* as sbplc: -D, -I, target, … */
	const char **preludes;          /* --prelude, in order */
	uint32_t npreludes;
	int fragment;                   /* --fragment */
	int lint_imports;               /* --lint-imports */
	int explain;                    /* --explain */
	uint32_t max_witnesses;         /* --max-witnesses */
	struct sb_assume *assume;
	uint32_t nassume;
	int symbolic_params;            /* --symbolic-params */
	const char **home_params;       /* --home-param NAME */
	uint32_t nhome_params;
	const char **asserts;           /* --assert FILE */
	uint32_t nasserts;
	int strict_assertions;
	const char *no_new_access;      /* OLD.sb */
	const char *unused;             /* coverage.db */
	int remap;                      /* 1 unless --no-remap (COVERAGE.md §2.3) */
	const char *remap_from;         /* --remap-from: another main file's versions */
	uint32_t min_runs;
	int require_reason;             /* default yes */
	struct sb_ignore *ignores;
	uint32_t nignores;
	struct sb_sens_add *sens;
	uint32_t nsens;
	const char **also_targets;      /* --also-target names (T6), known ones */
	uint32_t nalso_targets;
	const struct sb_cov_source *cov;        /* NULL: the database binding */
	const char *origin[SB_NCHECKS]; /* where each level came from */
	void **owned;                   /* memory the options own (malloc) */
	uint32_t nowned;
};

/*
** Profiles with more rules than this get no request-set analysis: R2-R6,
** R8, S2-S4, A1 and A2 say nothing for them (LINT.md §2.3: a question the
** budget cannot answer is unknown), and lint says so on stderr.
*/
#define SB_LINT_MAX_RULES 20000u

/* How an input went (LINT.md §5.3 inputs[].status). */
enum sb_input_status { SB_IN_OK, SB_IN_SYNTAX, SB_IN_EVAL, SB_IN_IO };

/* A parsed directive (suppress.c). */
struct sb_directive {
	struct sb_span span;            /* the comment */
	int file_wide;                  /* disable-file= */
	uint8_t checks[SB_NCHECKS];     /* listed */
	int valid;                      /* parsed, every id known */
	const char *reason;             /* in the arena, or NULL */
	struct sb_span covers;          /* the covered datum (not file-wide) */
	int used;                       /* suppressed a finding */
};

/* One linted input: its unit, findings and directives. */
struct sb_lint_file {
	const char *path;               /* as given on the command line */
	struct sb_unit unit;            /* kept until the outputs are written */
	enum sb_input_status status;
	int compiled;                   /* sb_compile() was called */
	uint32_t main_src;              /* source id of the file itself */
	uint8_t *context_src;           /* per source id: a prelude */
	uint32_t ncontext_src;
	struct sb_span *import_site;    /* per source id: where it was imported */
	uint32_t nimport_site;
	struct sb_finding *f;
	uint32_t nf, capf;
	struct sb_directive *dirs;
	uint32_t ndirs;
	char *comparison;               /* A2's JSON "comparison" object text */
	char *comparison_text;          /* A2's answer, one line for stderr */
	uint32_t baseline_unmatched;
	uint32_t toobig;                /* rules, when over SB_LINT_MAX_RULES */
};

/* The run: options, inputs and their findings. */
struct sb_lint {
	struct sb_lint_opts *o;
	struct sb_lint_file *files;
	uint32_t nfiles;
	struct sb_lint_file *cur;       /* the file the passes report to */
	uint32_t curindex;
	struct sb_sets *sets;           /* request sets of cur, or NULL */
	uint32_t seq;
	uint64_t *r_reported;           /* per rule id of cur: checks found */
	void *assert_state;             /* check_assert.c's units */
	void *security_state;           /* check_security.c's atoms */
};

/* --- reporting (lint.c) ------------------------------------------------ */

/*
** Add a finding of CHECK at SPAN to the current file, unless the check is
** off or SPAN lies in context (a prelude, or library code no import
** brought in). Spans in imported files are moved to the import site
** (LINT.md §1) unless --lint-imports. Returns the finding, or NULL when
** none was added; every other reporting function accepts NULL.
*/
struct sb_finding *sb_lint_report(struct sb_lint *L, enum sb_check_id check,
    struct sb_span span, const char *fmt, ...) SB_PRINTF(4, 5);
/* Add a finding at SPAN as it is, without attribution (adopted errors). */
struct sb_finding *sb_lint_report_raw(struct sb_lint *L,
    enum sb_check_id check, struct sb_span span, const char *msg);
/* A related location. */
void sb_lint_note(struct sb_lint *L, struct sb_finding *f, struct sb_span span,
    const char *fmt, ...) SB_PRINTF(4, 5);
/* A finding is about RULE (its fingerprint joins the subject). */
void sb_lint_about(struct sb_finding *f, const struct sb_rule *rule);
/* The discriminator (LINT.md §4). */
void sb_lint_disc(struct sb_finding *f, const char *fmt, ...) SB_PRINTF(2, 3);
/* Add a witness. */
void sb_lint_witness(struct sb_finding *f, const char *op, const char *arg,
    uint64_t decided_by);
/* Set the finding's own level below its check's (A1/A2 undecided, C1). */
void sb_lint_set_level(struct sb_lint *L, struct sb_finding *f,
    enum sb_lint_level lv);
/* The enabled level of CHECK for this run. */
enum sb_lint_level sb_lint_level(const struct sb_lint *L, enum sb_check_id c);
/* Whether SRC is the current file or a file it imported (user or library). */
int sb_lint_in_target(const struct sb_lint *L, uint32_t src);
/* The span SPAN is reported at (attribution), or SB_NOSRC when dropped. */
struct sb_span sb_lint_attribute(const struct sb_lint *L, struct sb_span span);

/* --- the run (lint.c) -------------------------------------------------- */

void sb_lint_opts_init(struct sb_lint_opts *o);
/* Hand P (from malloc) to O, to be freed by sb_lint_opts_free(); P. */
void *sb_lint_own(struct sb_lint_opts *o, void *p);
/* xrealloc() P, which O owns (or NULL), to N bytes; O owns the result. */
void *sb_lint_realloc(struct sb_lint_opts *o, void *p, size_t n);
void sb_lint_opts_free(struct sb_lint_opts *o);
/*
** Lint the NPATHS files at PATHS under O into *L. Returns 0, or -1 after
** printing to stderr for a reason that makes the exit status 2 (an input
** or a comparison profile could not be read, bad assertion file).
** Free with sb_lint_free().
*/
int sb_lint_run(struct sb_lint *L, struct sb_lint_opts *o,
    const char *const *paths, uint32_t npaths);
void sb_lint_free(struct sb_lint *L);
/* Counts of unsuppressed findings by level (index enum sb_lint_level). */
void sb_lint_counts(const struct sb_lint *L, uint32_t counts[4],
    uint32_t *suppressed, uint32_t *baselined);
/* The exit status of LINT.md §6: 0 or 1. */
int sb_lint_status(const struct sb_lint *L);
/* 16 hex digits of V into BUF (17 bytes). */
const char *sb_lint_hex(uint64_t v, char buf[17]);

/* --- passes (check_*.c, suppress.c) ------------------------------------ */

/*
** Build the request sets of the current file: register the filters of
** its rules, of the security classes and of the assertion and comparison
** units, then seal (check_rules.c). NULL after an error message (exit 2).
*/
struct sb_sets *sb_lint_sets_prepare(struct sb_lint *L);
/* Register the atoms the security checks ask about (check_security.c). */
void sb_lint_security_register(struct sb_lint *L);
void sb_lint_security_free(struct sb_lint *L);
/* Compile --assert and --no-new-access units and register (check_assert.c). */
int sb_lint_assert_prepare(struct sb_lint *L);
/*
** The requests profile P allows on SLOT, as a set of L->sets
** (check_security.c): SB_ALLOWED_DEF those it certainly allows,
** SB_ALLOWED_NS those an allow with no-sandbox decides, SB_ALLOWED_MAYBE
** those it may allow (the implicit decision of a non-terminal operation,
** which only a profile without a default rule reaches, is unknown: LINT.md
** §3.2 E12).
*/
enum { SB_ALLOWED_DEF, SB_ALLOWED_NS, SB_ALLOWED_MAYBE };
uint32_t sb_lint_allowed(struct sb_lint *L, const struct sb_profile *p,
    uint32_t slot, int mode);
/* Whether SLOT's implicit decision is known (see sb_lint_allowed()). */
int sb_lint_implicit_known(const struct sb_lint *L,
    const struct sb_profile *p, uint32_t slot);
/* Whether requests on SLOT carry a path (file and exec operations). */
int sb_lint_path_slot(const struct sb_target *t, uint32_t slot);
/*
** The rule of P that decides witness W on SLOT (compiler/match.c), or
** NULL for the implicit decision.
*/
const struct sb_rule *sb_lint_decider(struct sb_lint *L,
    const struct sb_profile *p, uint32_t slot, const struct sb_req *w);
/* Free what sb_lint_assert_prepare() kept. */
void sb_lint_assert_free(struct sb_lint *L);
/* The R findings of rule ID so far (bits by check), for precedence. */
int sb_lint_rule_has(const struct sb_lint *L, uint32_t id,
    enum sb_check_id c);
void sb_lint_rule_mark(struct sb_lint *L, uint32_t id, enum sb_check_id c);
/*
** A temporary file holding TEXT, removed at exit; its path (static
** storage until exit), or NULL after a message on stderr.
*/
const char *sb_lint_tempfile(const char *text);
/* Whether a rule's site lies in the linted file or what it imported. */
int sb_lint_rule_in_target(const struct sb_lint *L, const struct sb_rule *r);

void sb_lint_adopt(struct sb_lint *L);                  /* E1, E2, E4-E8 */
void sb_lint_check_semantic(struct sb_lint *L);         /* E3, E10-E12 */
void sb_lint_check_templates(struct sb_lint *L);        /* E10, E11 on text */
void sb_lint_check_rules(struct sb_lint *L);            /* R1-R9 */
void sb_lint_check_security(struct sb_lint *L);         /* S1-S5 */
int sb_lint_check_assert(struct sb_lint *L);            /* A1, A2 */
int sb_lint_check_coverage(struct sb_lint *L);          /* C1, C2 */
void sb_lint_check_style(struct sb_lint *L);            /* T1-T6 */
void sb_lint_directives_read(struct sb_lint *L);        /* D1 */
void sb_lint_directives_apply(struct sb_lint *L);       /* suppress, D2 */

/* --- other targets' vocabularies (targets.c), for T6 ------------------ */

/* ORDER: targets.c's per-kind arrays. */
enum sb_name_kind { SB_NAME_OP, SB_NAME_FILTER, SB_NAME_MODIFIER,
	SB_NAME_NKINDS };

/* A target --also-target may name: a compilable one, or names only. */
struct sb_lint_names;

/* The target NAME ("macos13"), or NULL. */
const struct sb_lint_names *sb_lint_names_find(const char *name);
/* Every name sb_lint_names_find() knows, sorted: "ios13, macos12, …". */
const char *sb_lint_names_known(void);
const char *sb_lint_names_name(const struct sb_lint_names *t);
/* The compilable target it is, or NULL for a names-only one. */
const struct sb_target *sb_lint_names_target(const struct sb_lint_names *t);
/*
** Whether T knows NAME as a KIND: 1 yes, 0 no, -1 when T's tables do not
** describe that kind (ios13 has operation names only). Filters by base
** name as the tables spell it ("path", not "subpath").
*/
int sb_lint_names_has(const struct sb_lint_names *t, enum sb_name_kind kind,
    const char *name);

/* --- configuration (config.c) ------------------------------------------ */

/* A command-line level change, applied in order after the config file. */
struct sb_level_op {
	int kind;               /* 'e' enable, 'd' disable, 'l' --level */
	const char *what;       /* id, name, family letter or "all" */
	enum sb_lint_level level;       /* for 'l' */
};

/*
** Read the configuration (LINT.md §7.3): CONFIG when given, else the
** nearest .sbpl-lint above FIRST_INPUT, $XDG_CONFIG_HOME/sbpl-lint/config,
** SYSCONFDIR/sbpl-lint.conf; none with NO_CONFIG. Then apply OPS. Errors
** go to stderr as file:line:col: error: and return -1 (exit 2). Strings
** point into memory that lives until exit. PRINT prints the result.
*/
int sb_lint_configure(struct sb_lint_opts *o, const char *config,
    int no_config, const char *first_input, const struct sb_level_op *ops,
    uint32_t nops, int print, const char *cli_baseline,
    const char **baseline_out);
/* Apply one level change to O (also used for config [levels]). */
int sb_lint_apply_level(struct sb_lint_opts *o, const char *what, int kind,
    enum sb_lint_level level);

/* --- baseline (baseline.c) --------------------------------------------- */

/* Mark findings matched by the baseline FILE; -1 after an error message. */
int sb_lint_baseline_apply(struct sb_lint *L, const char *path);
/* Write every unsuppressed finding as a baseline; -1 on I/O error. */
int sb_lint_baseline_write(const struct sb_lint *L, const char *path);

/* --- outputs (emit_*.c) ------------------------------------------------ */

struct sb_emit_opts {
	int color;
	int show_suppressed;
	int brief;
	const char *sarif_category;
	const char *sarif_root;
	int sarif_suppressions;
};

void sb_lint_emit_text(const struct sb_lint *L, FILE *f,
    const struct sb_emit_opts *eo);
void sb_lint_emit_json(const struct sb_lint *L, FILE *f,
    const struct sb_emit_opts *eo);
void sb_lint_emit_sarif(const struct sb_lint *L, FILE *f,
    const struct sb_emit_opts *eo);
void sb_lint_emit_github(const struct sb_lint *L, FILE *f,
    const struct sb_emit_opts *eo);
int sb_lint_emit_junit(const struct sb_lint *L, FILE *f,
    const struct sb_emit_opts *eo);
/* The text rendering of one finding (caret and notes); free() it. */
char *sb_lint_render(const struct sb_lint *L, const struct sb_lint_file *F,
    const struct sb_finding *f, int color);
/* --list-checks, tab-separated or JSON. */
void sb_lint_list_checks(const struct sb_lint_opts *o, FILE *f, int json);

#endif
