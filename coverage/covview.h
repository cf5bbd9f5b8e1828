/*
** The counts of a profile's rules as its readers see them (COVERAGE.md
** §2.3, §3.2, §4.2): sbpl-annotate and sbpl-lint --unused give the
** identity of what they compiled (sb_cov_identity()) and a run
** selection, and get one entry per current rule, summed over the selected
** runs of the profile row with the same key or, when the profile changed,
** carried by fingerprint from every recorded version of the same main
** file ("remap", the default). Rules without history are "new"; recorded
** rules the profile no longer has are "lost". Only the readers of
** covdb.h are used: this file never sees SQL.
*/
#ifndef SB_COVERAGE_COVVIEW_H
#define SB_COVERAGE_COVVIEW_H

#include "coverage/covdb.h"

struct sb_covview_fp;

struct sb_covview_rule {
	int history;                    /* 0: new after a remap */
	int observable;                 /* some counted run could see it (§4.2) */
	uint64_t decided, decided_approx, decided_ambiguous;
	uint64_t matched_overridden, inconsistent;
	int64_t first_ns, last_ns;      /* 0 when never hit */
	uint32_t runs_hit;              /* over all versions: an upper bound */
	uint64_t *arms;                 /* narms >= 2: matches per current arm */
	struct sb_covhit_row *ops;      /* with SB_COVVIEW_OPS: per operation */
	uint32_t nops;
};

/* A recorded rule absent from the current profile. */
struct sb_covview_lost {
	struct sb_covrule row;          /* as the newest version holding it recorded it */
	uint64_t decided, matched_overridden;
};

struct sb_covview {
	const struct sb_covprofile *cur;        /* borrowed */
	int exact;                      /* the key matched: no remap */
	int sources_differ;             /* exact, but the files changed (layout, comments) */
	int64_t *profiles;              /* the profile rows counted, oldest first */
	uint32_t nprofiles;
	struct sb_covrun_row *runs;     /* the counted runs, by profile then age */
	uint32_t nruns;
	uint32_t chains;                /* runs, a tail-import chain counted once */
	uint32_t crashed;               /* counted runs that crashed */
	struct sb_covview_rule *rules;  /* cur->nrules entries, index = rule id */
	uint32_t nrules;
	uint32_t nnew;
	struct sb_covview_lost *lost;
	uint32_t nlost;
	/* for sb_covview_samples() and sb_covview_by_run() */
	struct sb_covdb *db;
	struct sb_covsel sel;
	struct sb_covview_fp *ix;       /* after a remap: current rules by fingerprint */
	uint32_t nix;
	struct sb_covrule **vrows;      /* per counted profile: its rule rows, once read */
	uint32_t *nvrows;
	struct sb_arena arena;
};

enum sb_covview_flag {
	SB_COVVIEW_NOREMAP = 1,         /* a different key is an answer of 1 */
	SB_COVVIEW_OPS = 2              /* read the per-operation breakdown */
};

/*
** Fill *V for the current profile CUR (kept borrowed) from DB over the
** runs SEL selects (NULL: all). REMAP_FROM names the main file whose
** versions a remap reads (NULL: CUR's main name). Returns 0; 1 when DB
** holds nothing for this profile (no such key with SB_COVVIEW_NOREMAP,
** or no recorded version of the main file), with the message for the
** user in ERR; -1 on a database error, the message in ERR. Free with
** sb_covview_free() in every case.
*/
int sb_covview_load(struct sb_covview *v, struct sb_covdb *db,
    const struct sb_covprofile *cur, const struct sb_covsel *sel,
    unsigned flags, const char *remap_from, char *err, size_t errsize);
void sb_covview_free(struct sb_covview *v);

/*
** The counts of run RUN (an index into V's runs) alone: DECIDED[id] for
** every current rule and ARMS[id] (narms entries, or NULL) into arrays of
** V's arena. 0, or -1 with sb_covdb_errmsg().
*/
int sb_covview_by_run(struct sb_covview *v, uint32_t run,
    uint64_t **decided, uint64_t ***arms);

/*
** Up to MAX distinct sample arguments of current rule ID, oldest first,
** from every counted version; strings in V's arena. 0, or -1.
*/
int sb_covview_samples(struct sb_covview *v, uint32_t id, uint32_t max,
    const char ***out, uint32_t *n);

#endif
