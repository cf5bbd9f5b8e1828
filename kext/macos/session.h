/*
** One sbpl-mirrord run (DESIGN.md §8, COVERAGE.md §8.3), apart from the
** socket: load the compiled profile into the kext, begin a 'macos-kext'
** run in coverage.db, poll the counters and samples into batches
** (drain.h), and at the end unload and complete the run. The daemon
** (sbpl-mirrord.c) supplies the transport over its kernel-control
** socket; tests supply one that calls the kext's side (ctl.h) directly.
**
** User space.
*/
#ifndef SB_KEXT_MACOS_SESSION_H
#define SB_KEXT_MACOS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "coverage/covdb.h"

struct sb_unit;
struct sb_attrib;

/* How a session reaches the kext. */
struct sb_ktransport {
	/*
	** Send the LEN-byte LOAD or UNLOAD at MSG (setsockopt). Returns 0,
	** or -1 with errno set.
	*/
	int (*set)(void *ctx, const void *msg, size_t len);
	/*
	** Exchange at BUF (CAP bytes): the request is at its start, the reply
	** replaces it and *LEN gets the reply's length (getsockopt). Returns
	** 0, or -1 with errno set.
	*/
	int (*get)(void *ctx, void *buf, size_t cap, size_t *len);
	void *ctx;
};

struct sb_ksession_opts {
	uint32_t samples;               /* kept per rule by the kext; 0: 8 */
	uint32_t slots;                 /* the kext's sample ring; 0: 256 */
	const char *label;              /* the run's label, or NULL */
	const char *command_json;       /* the daemon's command line, or NULL */
	struct sb_attrib *attrib;       /* for the samples (drain.h), or NULL */
};

struct sb_ksession_stats {
	uint64_t accesses;              /* decided, committed */
	uint64_t events;                /* sample events committed */
	uint64_t batches;               /* commits */
	uint64_t busy;                  /* commits put off: the database was busy */
	uint64_t lost;                  /* accesses the kext could not count */
	uint64_t dropped;               /* samples the kext's ring dropped */
};

struct sb_ksession;

/*
** Load U (compiled to SB_STAGE_EMIT; profile PROFILE_ID of DB, from
** sb_covdb_open_unit()) through TR and begin its run. On success *OUT is
** the session; on failure ERR says why (the kext's own reason for a
** refused load, when it gives one) and nothing is left loaded. DB, U and
** TR must outlive the session.
*/
int sb_ksession_start(struct sb_ksession **out, struct sb_covdb *db,
    int64_t profile_id, struct sb_unit *u, const struct sb_ktransport *tr,
    const struct sb_ksession_opts *o, char *err, size_t errsize);

/* "SBPLCOV_PROFILE" and its value: the first 16 hex digits of the blob hash. */
const char *sb_ksession_tag(const struct sb_ksession *s);

/*
** Read the kext's counters and samples and commit the difference as one
** batch. A busy database is not an error: the batch is built again next
** time. Returns 0, or -1 (sb_ksession_errmsg() says why).
*/
int sb_ksession_poll(struct sb_ksession *s);

/*
** Poll a last time, unload the profile, and finish the run: complete,
** or partial ("dropped") when the kext could not count some accesses.
** Returns 0 or -1. The session is still freed with sb_ksession_free().
*/
int sb_ksession_end(struct sb_ksession *s);

const char *sb_ksession_errmsg(const struct sb_ksession *s);
void sb_ksession_stats(const struct sb_ksession *s,
    struct sb_ksession_stats *st);
/* Free S; a session not ended leaves its run 'running' (crashed later). */
void sb_ksession_free(struct sb_ksession *s);

#endif
