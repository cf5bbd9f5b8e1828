/*
** coverage.db (COVERAGE.md §2, DESIGN.md §6): the one SQLite file every
** source of coverage writes and annotate and lint read. coverage/covdb.c
** is the only file that includes sqlite3.h; everything else goes through
** this header: opening and creating the file, profile and rule rows, the
** run lifecycle, the batch writer, the readers, merge and checks.
**
** Who calls what:
**   - A writer of accesses (the tracer, an import, the kext daemon) does
**     not call the batch functions here directly: it uses the recorder
**     of coverage/attrib.h, which attributes, aggregates and batches.
**     Here it opens the file (sb_covdb_open() with SB_COVDB_CREATE),
**     records the profile (sb_cov_identity() + sb_covdb_profile(), or
**     both at once with sb_covdb_open_unit()), and closes it.
**   - Readers (sbpl-annotate, sbpl-lint --unused, info) open with
**     SB_COVDB_READONLY and use the sb_covdb_*_read functions.
**
** Every function that can fail returns 0 on success and -1 on error, with
** the message in sb_covdb_errmsg(); for the commands every such error is
** exit 2 (DESIGN.md §10.4). Strings returned in rows live until the
** matching _free function.
*/
#ifndef SB_COVERAGE_COVDB_H
#define SB_COVERAGE_COVDB_H

#include <stdint.h>
#include <stdio.h>

#include "common/arena.h"
#include "coverage/access.h"

struct sb_unit;
struct sb_options;

#define SB_COVDB_APPLICATION_ID 1396854851      /* 0x53425043, "SBPC" */
#define SB_COVDB_SCHEMA_VERSION 1

struct sb_covdb;

enum sb_covdb_flag {
	SB_COVDB_CREATE = 1,            /* make the file when it does not exist */
	SB_COVDB_READONLY = 2,          /* readers: never writes, not even crash marks */
	SB_COVDB_SYNC_FULL = 4          /* synchronous=FULL (imports, merge); else NORMAL */
};

/*
** Seams for tests (DESIGN.md §13.1): the clock, the liveness check of a
** writer and the boot id. A NULL member, or NULL ops, uses the system:
** CLOCK_REALTIME, /proc/<pid>/stat field 22, /proc/sys/kernel/random/boot_id.
*/
struct sb_covdb_ops {
	int64_t (*now)(void *ctx);                      /* ns since the epoch */
	int (*proc_start)(void *ctx, int64_t pid, int64_t *start);  /* 0, or -1: no such process */
	const char *(*boot_id)(void *ctx);
	void *ctx;
};

/*
** Open coverage.db at PATH (COVERAGE.md §2.1). With SB_COVDB_CREATE a
** missing file is built as a temporary file beside it, schema and pragmas
** applied, closed, and linked into place, so a failed first run leaves
** nothing. Refused, with the reason in ERR: another application id ("not
** a coverage database"), a newer schema version (both numbers named), a
** network filesystem. A writer (no SB_COVDB_READONLY) then marks crashed
** every 'running' run whose writer is gone (§2.4); sb_covdb_crashed()
** says how many. On success *OUT is the handle, closed with
** sb_covdb_close(); on failure *OUT is NULL and -1 is returned.
*/
int sb_covdb_open(struct sb_covdb **out, const char *path, unsigned flags,
    const struct sb_covdb_ops *ops, char *err, size_t errsize);
void sb_covdb_close(struct sb_covdb *db);
/* The last error of DB, for the command to print. */
const char *sb_covdb_errmsg(const struct sb_covdb *db);
/* Runs this handle marked crashed when it opened the file. */
uint32_t sb_covdb_crashed(const struct sb_covdb *db);
/* Nanoseconds since the epoch by DB's clock (the seam of the tests). */
int64_t sb_covdb_now(const struct sb_covdb *db);

/* --- profile identity (identity.c; COVERAGE.md §2.3) --------------------- */

/* One file the compilation read (profile_sources). */
struct sb_covsource {
	uint32_t src_no;                /* read order; 0 is the main file */
	const char *origin;             /* "" main, import name, "stdlib:NAME" */
	const char *path;
	uint8_t sha256[32];
	uint64_t size;
};

/* One alternative of a rule's top-level require-any (rule_arms). */
struct sb_covarm {
	uint32_t arm_no;                /* 0.. in source order of the span */
	char hash[17];                  /* structural hash, 16 hex */
	int32_t src_no;                 /* -1 when unknown */
	uint32_t line, col, end_line, end_col;
};

/* One rule row; rule 0 is the implicit decision. */
struct sb_covrule {
	uint32_t id;                    /* 1..n in emission order; 0 implicit */
	char fingerprint[17];           /* 16 lowercase hex */
	const char *action;             /* "allow", "deny", "implicit" */
	const char *operations;         /* names as written, space-separated */
	const char *modifiers;          /* canonical; "" if none */
	const char *canonical;          /* canonical rule text */
	const char *origin;
	int32_t src_no;                 /* site; -1 for rule 0 */
	uint32_t line, col, end_line, end_col;  /* code-point columns from 1, end exclusive */
	int32_t anchor_src_no;          /* where annotate counts it; -1 none */
	uint32_t anchor_line;
	uint32_t narms;                 /* >= 2: arms[] are the alternatives */
	struct sb_covarm *arms;
};

/*
** What a profile row holds. Built by sb_cov_identity() from a compiled
** unit; everything lives in ARENA and is released by
** sb_cov_identity_free().
*/
struct sb_covprofile {
	uint8_t key[32];                /* profile_key */
	uint8_t blob_sha256[32];
	uint8_t rules_sha256[32];
	uint8_t params_sha256[32];
	int has_report_blob;
	uint8_t report_blob_sha256[32];
	int has_entitlements;
	uint8_t entitlements_sha256[32];
	const char *params_json;        /* {"NAME":"VALUE",…}, sorted */
	const char *target;             /* "macos14" */
	const char *main_file;          /* as given, relative when possible */
	const char *main_name;          /* base name of main_file */
	const char *compiler_version;
	struct sb_covrule *rules;       /* rule 0 first, then 1..n */
	uint32_t nrules;                /* rule rows: n + 1 */
	struct sb_covsource *sources;
	uint32_t nsources;
	struct sb_arena arena;
};

/*
** Fill *P from the compiled unit U (sb_compile() at SB_STAGE_EMIT, the
** plain build, no --report-all, with options O) whose main file was given
** as MAIN_FILE. BLOB_SHA256 overrides the unit's blob hash; NULL uses it
** (a unit without a blob gets a stand-in over the rule IR: identity.c).
** Returns 0, or -1 with ERR filled (no profile, --report-all, an
** entitlements file that cannot be read). Free with
** sb_cov_identity_free() either way.
*/
int sb_cov_identity(struct sb_covprofile *p, struct sb_unit *u,
    const struct sb_options *o, const char *main_file,
    const uint8_t *blob_sha256, char *err, size_t errsize);
void sb_cov_identity_free(struct sb_covprofile *p);

/*
** Record profile P (its row, sources, rules and arms) unless its key is
** there, in one BEGIN IMMEDIATE, and store its id in *ID. A database
** recorded for another main file is refused (§2.3) unless FORCE_PROFILE,
** which adds P's main file to it.
*/
int sb_covdb_profile(struct sb_covdb *db, const struct sb_covprofile *p,
    int force_profile, int64_t *id);
/* The id of the profile with key KEY: 1 found, 0 absent, -1 error. */
int sb_covdb_profile_find(struct sb_covdb *db, const uint8_t key[32],
    int64_t *id);

/*
** Both steps for a writer: compile identity from U, open or create PATH,
** record the profile. FLAGS as for sb_covdb_open(). On success *DB and
** *PROFILE_ID are set; on failure ERR says why and *DB is NULL.
*/
int sb_covdb_open_unit(struct sb_covdb **db, int64_t *profile_id,
    const char *path, unsigned flags, struct sb_unit *u,
    const struct sb_options *o, const char *main_file, int force_profile,
    char *err, size_t errsize);

/* --- runs (§2.4) ------------------------------------------------------------ */

enum sb_run_status {
	SB_RUN_RUNNING,
	SB_RUN_COMPLETE,
	SB_RUN_PARTIAL,
	SB_RUN_CRASHED
};

/* "running", "complete", "partial", "crashed" */
const char *sb_run_status_name(enum sb_run_status st);

/* What a new run records. Only PROFILE_ID and SOURCE are required. */
struct sb_covrun {
	int64_t profile_id;
	const char *source;             /* runs.source: "linux-unotify", "jsonl", … */
	const char *label;              /* --label, or NULL */
	const char *command_json;       /* traced argv or import command as a JSON array */
	const uint8_t *evaluated_blob;  /* 32 bytes when not the plain blob, or NULL */
	const char *assumptions_json;   /* --assume values, or NULL */
	const char *path_map_json;      /* --path-map pairs, or NULL */
	int lower_bounds;               /* counts may be low (logs) */
	const char *const *observable;  /* concrete operation names */
	uint32_t nobservable;
	int64_t continues;              /* first run of a tail chain, or 0 */
	const uint8_t *import_digest;   /* 32 bytes for an import, or NULL */
};

/*
** Insert run R as 'running' with this process as its writer (pid, start
** time, boot id), its observable operations, in its own transaction;
** *RUN_ID gets its id and *UUID (33 bytes, may be NULL) its uuid.
*/
int sb_covdb_run_begin(struct sb_covdb *db, const struct sb_covrun *r,
    int64_t *run_id, char *uuid);
/*
** Finish RUN_ID: STATUS (complete or partial), PARTIAL_REASONS (comma
** list, or NULL), EXIT_CODE (the traced command's status, or NULL for
** imports); then a passive checkpoint.
*/
int sb_covdb_run_end(struct sb_covdb *db, int64_t run_id,
    enum sb_run_status status, const char *partial_reasons,
    const int *exit_code);
/* Delete RUN_ID and everything that belongs to it, in one transaction. */
int sb_covdb_run_delete(struct sb_covdb *db, int64_t run_id);

/* --- imports (§2.6) -------------------------------------------------------- */

struct sb_covimport {
	const char *format;             /* --from spelling */
	uint8_t source_id[32];
	const char *path;               /* as given; "-" for stdin */
	uint64_t byte_start, byte_end;  /* byte_end after a newline */
	uint64_t line_start;
	uint8_t prefix_sha256[32];      /* of bytes [0, byte_end) */
	uint64_t records, skipped, rejected;
};

/* Insert or replace the imports row of RUN_ID. */
int sb_covdb_import_put(struct sb_covdb *db, int64_t run_id,
    const struct sb_covimport *im);

/* The newest finished import of a source, for a tail import. */
struct sb_covtail {
	int64_t run_id;                 /* that import's run */
	int64_t chain;                  /* first run of its chain */
	uint64_t byte_end;
	uint8_t prefix_sha256[32];
};

/*
** The finished (complete or partial) imports of SOURCE_ID, longest first,
** at most MAX into T; *N gets their number. The caller picks the longest
** whose prefix_sha256 matches its input (§2.6). Returns 0 or -1.
*/
int sb_covdb_import_tails(struct sb_covdb *db, const uint8_t source_id[32],
    struct sb_covtail *t, uint32_t max, uint32_t *n);
/*
** The run holding import DIGEST: 1 with *RUN_ID and *STATUS (crashed when
** its writer is gone), 0 when none, -1 on error.
*/
int sb_covdb_digest_find(struct sb_covdb *db, const uint8_t digest[32],
    int64_t *run_id, enum sb_run_status *status);
/*
** Delete crashed import runs of SOURCE_ID that start at or after
** BYTE_START: a new import of those bytes replaces them (§2.6). *N gets
** how many.
*/
int sb_covdb_import_drop_crashed(struct sb_covdb *db,
    const uint8_t source_id[32], uint64_t byte_start, uint32_t *n);

/* --- the batch writer (§2.5) --------------------------------------------- */

enum sb_match_status {
	SB_MATCH_EXACT,
	SB_MATCH_AMBIGUOUS,
	SB_MATCH_INCONSISTENT,
	SB_MATCH_UNMATCHED
};

const char *sb_match_status_name(enum sb_match_status st);

/* One hits upsert: adds to the row of (rule, operation, decision). */
struct sb_covhit {
	uint32_t rule;
	const char *operation;
	enum sb_decision decision;      /* ALLOW or DENY */
	uint64_t decided, decided_approx, decided_ambiguous;
	uint64_t matched_overridden, inconsistent;
	int64_t first_ns, last_ns;
	const char *sample;             /* sample_argument, or NULL */
};

struct sb_covarmhit {
	uint32_t rule, arm;
	uint64_t matched;
};

/* One event row and its candidates. */
struct sb_covevent {
	int64_t seq, ts;
	int64_t pid, proc_start;        /* -1 when unknown */
	const char *operation, *argument;
	enum sb_arg_kind kind;
	const char *literal_path, *facts_json, *syscall;
	int32_t err;
	int approx;
	enum sb_decision reported, decision;
	uint32_t rule;
	enum sb_match_status status;
	uint64_t dup;
	const char *message, *stack;
	uint64_t input_line;            /* 0 when not from a file */
	const uint32_t *cands;          /* ambiguous: candidate rules */
	uint32_t ncands;
};

/* One processes upsert. */
struct sb_covproc {
	int64_t pid, start_ns;
	int start_known;
	int64_t ppid, parent_start;     /* -1 when unknown */
	const char *exe, *argv_json;
	int64_t end_ns;                 /* -1 when still running */
	int exit_status;                /* with end_ns */
};

/* What one commit writes. Arrays are the caller's. */
struct sb_covbatch {
	const struct sb_covhit *hits;
	uint32_t nhits;
	const struct sb_covarmhit *arms;
	uint32_t narms;
	const struct sb_covevent *events;
	uint32_t nevents;
	const struct sb_covproc *procs;
	uint32_t nprocs;
	uint64_t accesses;              /* added to runs.accesses */
	uint64_t inconsistent;          /* added to runs.inconsistent */
	uint64_t events_dropped;        /* added to runs.events_dropped */
};

#define SB_COVDB_BUSY 1

/*
** Write batch B of RUN_ID in one BEGIN IMMEDIATE … COMMIT: events and
** their candidates, hits and arm_hits upserts, processes, the run's
** counters and heartbeat. Returns 0; SB_COVDB_BUSY when the database
** stayed locked past busy_timeout (nothing written: keep B and retry);
** -1 on any other error (nothing written).
*/
int sb_covdb_commit(struct sb_covdb *db, int64_t run_id,
    const struct sb_covbatch *b);

/* --- readers (annotate, lint, info) --------------------------------------- */

/* Which runs count (COVERAGE.md §4.1). Zeroed: every run of the profile. */
struct sb_covsel {
	const int64_t *runs;            /* only these ids, when nruns > 0 */
	uint32_t nruns;
	int complete_only;              /* --run=complete */
	int64_t since, until;           /* ns; 0: unbounded */
	const char *const *sources;     /* runs.source values, when nsources > 0 */
	uint32_t nsources;
	const char *label;              /* --label, or NULL */
};

struct sb_covprofile_row {
	int64_t id;
	uint8_t key[32];
	uint8_t blob_sha256[32];
	char *main_file, *main_name, *target, *params_json, *compiler_version;
	uint32_t rule_count;
	int64_t created_at;
};

/* Every profile row, oldest first; free with sb_covdb_profiles_free(). */
int sb_covdb_profiles_read(struct sb_covdb *db,
    struct sb_covprofile_row **rows, uint32_t *n);
void sb_covdb_profiles_free(struct sb_covprofile_row *rows, uint32_t n);

struct sb_covrun_row {
	int64_t id, profile_id, continues;      /* continues: 0 none */
	char uuid[33];
	char *source, *label, *partial_reasons, *tool_version, *command_json;
	char *host, *os, *kernel;
	enum sb_run_status status;      /* effective: 'running' with its writer gone reads as crashed */
	int64_t started_at, heartbeat_at, ended_at;     /* ended_at 0: not ended */
	int has_exit;
	int exit_code;
	int lower_bounds;
	uint64_t accesses, inconsistent, events_kept, events_dropped;
	char **observable;
	uint32_t nobservable;
};

/* Runs of PROFILE_ID (0: all) that SEL counts (NULL: all), oldest first. */
int sb_covdb_runs_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covrun_row **rows, uint32_t *n);
void sb_covdb_runs_free(struct sb_covrun_row *rows, uint32_t n);

/* Per rule, over the selected runs (annotate §4.2, lint --unused). */
struct sb_covrule_stats {
	uint32_t rule;
	char fingerprint[17];
	uint64_t decided, decided_approx, decided_ambiguous;
	uint64_t matched_overridden, inconsistent;
	int64_t first_ns, last_ns;      /* 0 when never hit */
	uint32_t runs_hit;
	int observable;                 /* some counted run could see one of its operations */
	int includes_crashed;           /* a counted run crashed */
};

/*
** One entry per rule row of PROFILE_ID (rule 0 first), summed over the
** runs SEL selects. Observability follows §4.2: a rule is observable when
** one of its concrete operations is in run_observable of a counted run,
** except that a deny rule with no-report is unobservable in unified-log
** runs. Free *OUT with free().
*/
int sb_covdb_rule_stats_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covrule_stats **out,
    uint32_t *n);

/* A hits row summed over the selected runs: the per-operation breakdown. */
struct sb_covhit_row {
	uint32_t rule;
	char *operation;
	enum sb_decision decision;
	uint64_t decided, decided_approx, decided_ambiguous;
	uint64_t matched_overridden, inconsistent;
	int64_t first_ns, last_ns;
	char *sample;
};

int sb_covdb_hits_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covhit_row **rows, uint32_t *n);
void sb_covdb_hits_free(struct sb_covhit_row *rows, uint32_t n);

/* Per alternative, joined through arm_hash (§3.2), over the selected runs. */
struct sb_covarm_row {
	uint32_t rule, arm;
	char hash[17];
	uint64_t matched;
};

int sb_covdb_arms_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covarm_row **rows, uint32_t *n);

/*
** Up to MAX distinct sample arguments of RULE from the events of the
** selected runs, by operation and oldest first within each; free with
** sb_covdb_strings_free().
*/
int sb_covdb_samples_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, uint32_t rule, uint32_t max,
    char ***out, uint32_t *n);
void sb_covdb_strings_free(char **v, uint32_t n);

/*
** The recorded files of PROFILE_ID (profile_sources) in src_no order, and
** its rule rows (without alternatives) in rule id order; strings and the
** arrays live in A.
*/
int sb_covdb_sources_read(struct sb_covdb *db, int64_t profile_id,
    struct sb_arena *a, struct sb_covsource **out, uint32_t *n);
int sb_covdb_rules_read(struct sb_covdb *db, int64_t profile_id,
    struct sb_arena *a, struct sb_covrule **out, uint32_t *n);

/*
** Whether a rule of TARGET stored as ACTION, OPERATIONS and MODIFIERS
** (rules row text; OPERATIONS "" is rule 0) could be observed by one of
** RUNS (COVERAGE.md §4.2): one of its concrete operations is in a run's
** observable list, and a deny with no-report never counts for unified-log
** runs. An unknown target observes nothing.
*/
int sb_cov_observable(const char *target, const char *action,
    const char *operations, const char *modifiers,
    const struct sb_covrun_row *runs, uint32_t nruns);

/* --- merge, checks, tests (§2.9) ---------------------------------------- */

struct sb_covmerge_stats {
	uint32_t profiles_added;
	uint32_t runs_added;
	uint32_t runs_present;          /* same run_uuid, or the same import bytes */
	uint32_t runs_running;          /* still being written: left out */
	uint64_t events_copied;
};

/*
** Copy the coverage.db at SRC into DST (§2.9): profiles by profile_key,
** their sources, rules and arms; runs by run_uuid (a run already present,
** or one importing bytes already imported, is skipped) with their
** observable operations, processes, hits, arm hits and imports; events
** and candidates only with EVENTS. Run ids are renumbered. A SRC recorded
** for another main file is refused unless FORCE_PROFILE. One transaction.
*/
int sb_covdb_merge(struct sb_covdb *dst, const char *src, int events,
    int force_profile, struct sb_covmerge_stats *st);

enum sb_covcheck_flag {
	SB_COVCHECK_ALL_EVENTS = 1      /* every run kept every event: check hits against them */
};

/*
** Check DB: PRAGMA integrity_check and foreign_key_check, and with
** SB_COVCHECK_ALL_EVENTS that per run the accesses and the hits equal the
** sums over its events (§2.5). Problems are printed to OUT; returns the
** number found, or -1 when the checks could not run.
*/
int sb_covdb_check(struct sb_covdb *db, unsigned flags, FILE *out);

/*
** For tests and tools: run SQL (several statements) / read one integer.
** No other SQL enters coverage.db from outside covdb.c.
*/
int sb_covdb_exec(struct sb_covdb *db, const char *sql);
int sb_covdb_query_i64(struct sb_covdb *db, const char *sql, int64_t *out);

/* Lowercase hex of the N bytes at P into OUT (2N + 1 bytes). */
void sb_cov_hex(const uint8_t *p, size_t n, char *out);

#endif
