/*
** Attribution and recording (COVERAGE.md §5, §2.5; DESIGN.md §7.2).
**
** The attributor turns one struct sb_access into the rule that decides
** it: the access becomes a query, compiler/match.c answers it on the rule
** IR, kext/eval.c answers it on the compiled blob when the unit has one,
** and the two are compared. It is shared by the tracer, the importers and
** the kext daemon, so every source gets the same per-rule meaning.
**
** The recorder is what a writer of accesses uses: attribution, hit
** aggregation, event sampling and the batch rule (1,000 accesses or
** 200 ms per BEGIN IMMEDIATE transaction) over a coverage.db handle.
**
** For the tracer (mirror/), the whole writer side is:
**
**	struct sb_unit u;            compiled with sb_compile(..., SB_STAGE_EMIT)
**	struct sb_covdb *db;
**	int64_t profile;
**	char err[512];
**	if (sb_covdb_open_unit(&db, &profile, "coverage.db", 0, &u, &opts,
**	    "app.sb", 0, err, sizeof err) < 0)
**		fail(err);                              exit 125 for run
**	struct sb_covrec_opts ro = { 0 };           defaults: §2.5
**	struct sb_covrec *rec = sb_covrec_new(db, profile, &u, &ro);
**	struct sb_covrun run = { 0 };
**	run.source = "linux-unotify";               or "linux-ptrace"
**	run.command_json = "[\"make\",\"test\"]";
**	run.observable = ops; run.nobservable = nops;
**	if (sb_covrec_begin(rec, &run) < 0) fail(sb_covrec_errmsg(rec));
**	struct sb_access_sink sink = sb_covrec_sink(rec);
**	... per access: sink.put(sink.ctx, &access);   (-1: stop, database error)
**	... per new process: sb_covrec_process(rec, &proc);
**	... in the poll loop's timeout: sb_covrec_tick(rec);
**	int status = 0;
**	sb_covrec_end(rec, SB_RUN_COMPLETE, NULL, &status);   or PARTIAL, "io_uring"
**	sb_covrec_free(rec);
**	sb_covdb_close(db);
**
** The writer process is the one whose pid and start time the run row
** records: a supervisor that forks must create the run in the process
** that stays alive until sb_covrec_end().
*/
#ifndef SB_COVERAGE_ATTRIB_H
#define SB_COVERAGE_ATTRIB_H

#include <stdint.h>
#include <stdio.h>

#include "compiler/match.h"
#include "coverage/access.h"
#include "coverage/covdb.h"

struct sb_unit;

/* --- the attributor ------------------------------------------------------- */

/*
** The graph evaluator, as attribution calls it: answer Q (with the
** decision in *DENY and the rule-map entry of the deciding terminal in
** *RULE) and return 0, or return -1 when it cannot answer. The default
** (graph NULL in the options) is kext/eval.c on the unit's blob.
*/
typedef int (*sb_attrib_graph_fn)(void *ctx, const struct sb_mquery *q,
    int *deny, uint32_t *rule);

struct sb_attrib_opts {
	const char *const *assume;      /* --assume FILTER=VALUE, for every access */
	uint32_t nassume;
	const char *const *path_map;    /* --path-map FROM=TO, first match wins */
	uint32_t npath_map;
	/*
	** COVERAGE.md §5 step 3. NULL: kext/eval.c on U's blob when U was
	** compiled to SB_STAGE_EMIT, else no second opinion (status never
	** 'inconsistent' from evaluators). Tests put a fake here.
	*/
	sb_attrib_graph_fn graph;
	void *graphctx;
	uint32_t cache_entries;         /* results kept before clearing; 0: 65,536 */
	FILE *warn;                     /* one-time warnings (unknown facts); NULL: stderr */
};

/* What attribution says about one access. */
struct sb_attrib_result {
	enum sb_match_status status;
	uint32_t rule;                  /* deciding rule; 0: implicit; unmatched: 0 */
	enum sb_decision decision;      /* UNKNOWN when unmatched */
	int op;                         /* op-table slot evaluated, or -1 */
	const char *opname;             /* its name, or the access's when unmatched */
	const uint32_t *matched;        /* other matching rules (overridden), newest first */
	uint32_t nmatched;
	const uint32_t *cands;          /* ambiguous: the candidate deciding rules */
	uint32_t ncands;
	const uint64_t *arms;           /* structural hashes of the deciding rule's matching alternatives */
	uint32_t narms;
	const char *why;                /* inconsistent or unmatched: why, for messages */
};

struct sb_attrib;

/*
** An attributor for the compiled unit U (SB_STAGE_EVAL at least; with
** SB_STAGE_EMIT the blob is checked too). U must outlive it. O may be
** NULL. Free with sb_attrib_free().
*/
struct sb_attrib *sb_attrib_new(struct sb_unit *u,
    const struct sb_attrib_opts *o);
void sb_attrib_free(struct sb_attrib *a);

/*
** Attribute ACC into *OUT (COVERAGE.md §5). The arrays in *OUT live until
** the next call. Checks against what the source reported (decision,
** rule fingerprint, sbplcov message tag) are made here too: any
** difference makes the status 'inconsistent' with the reason in why.
*/
void sb_attrib_access(struct sb_attrib *a, const struct sb_access *acc,
    struct sb_attrib_result *out);

/* Cache lookups that hit and missed, for benchmarks. */
void sb_attrib_cache_stats(const struct sb_attrib *a, uint64_t *hits,
    uint64_t *misses);

/* --- the recorder --------------------------------------------------------- */

enum sb_events_mode {
	SB_EVENTS_SAMPLE,               /* first K distinct arguments per (rule, operation) */
	SB_EVENTS_ALL,
	SB_EVENTS_NONE
};

struct sb_covrec_opts {
	struct sb_attrib_opts attrib;
	enum sb_events_mode events;     /* --events; default sample */
	uint32_t samples;               /* --samples=K; 0: 8 */
	uint64_t max_events;            /* --max-events=N per run; 0: 1,000,000 */
	uint32_t batch_accesses;        /* 0: 1,000 */
	uint32_t batch_ms;              /* 0: 200 */
	FILE *warn;                     /* inconsistency warnings; NULL: stderr */
	uint32_t max_warnings;          /* printed before going quiet; 0: 20 */
};

struct sb_covrec;

/*
** A recorder writing to DB for profile PROFILE_ID (from
** sb_covdb_profile()), attributing against unit U, which must be the
** compilation the profile row was made from. DB and U must outlive it.
** Never NULL.
*/
struct sb_covrec *sb_covrec_new(struct sb_covdb *db, int64_t profile_id,
    struct sb_unit *u, const struct sb_covrec_opts *o);
void sb_covrec_free(struct sb_covrec *r);
/* The last error (database or attribution), for messages. */
const char *sb_covrec_errmsg(const struct sb_covrec *r);

/*
** Start the run RUN (its profile_id is filled in here) as 'running'.
** Returns 0 or -1.
*/
int sb_covrec_begin(struct sb_covrec *r, const struct sb_covrun *run);
/* The run's id and uuid after sb_covrec_begin(). */
int64_t sb_covrec_run_id(const struct sb_covrec *r);
const char *sb_covrec_run_uuid(const struct sb_covrec *r);

/*
** Attribute one access and add it to the pending batch; commit the batch
** when it holds 1,000 accesses or is 200 ms old. Returns 0, or -1 on a
** database error (the run should then be given up: sb_covrec_abort()).
** A database that stays busy is not an error: hits keep aggregating and
** the commit is retried with backoff (§2.5).
*/
int sb_covrec_put(struct sb_covrec *r, const struct sb_access *a);
/* A sink whose put() is sb_covrec_put() on R. */
struct sb_access_sink sb_covrec_sink(struct sb_covrec *r);

/*
** Record a process the source knows exactly (the tracer: pid and start
** time from /proc, parent, exe, argv). Later accesses with its pid are
** counted against it. Accesses of pids never recorded this way get a
** row with the time of their first access and start_known = 0.
*/
int sb_covrec_process(struct sb_covrec *r, const struct sb_covproc *p);

/* Commit the pending batch if it is due (call it from idle loops). */
int sb_covrec_tick(struct sb_covrec *r);
/* Commit the pending batch now, waiting out a busy database. */
int sb_covrec_flush(struct sb_covrec *r);

/*
** Flush, then finish the run with STATUS (SB_RUN_COMPLETE or
** SB_RUN_PARTIAL with comma-separated REASONS), EXIT_CODE (NULL for
** imports). Returns 0 or -1.
*/
int sb_covrec_end(struct sb_covrec *r, enum sb_run_status status,
    const char *reasons, const int *exit_code);
/* Give the run up: delete it and what it wrote (an import that failed). */
int sb_covrec_abort(struct sb_covrec *r);

struct sb_covrec_stats {
	uint64_t accesses;              /* occurrences, counts included */
	uint64_t exact, ambiguous, inconsistent, unmatched;    /* occurrences */
	uint64_t events_kept, events_dropped;
	uint64_t batches;               /* commits */
};

void sb_covrec_stats(const struct sb_covrec *r, struct sb_covrec_stats *st);

#endif
