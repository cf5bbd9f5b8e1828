/*
** From what the mirror kext counted to coverage.db rows (DESIGN.md §8,
** COVERAGE.md §8.3): the daemon reads the kext's cumulative counters
** every poll, and the difference from the last committed snapshot is a
** batch of hits, one per (rule, operation, decision), counted as
** `decided`; each sample the kext kept becomes an event row, and the
** rules that matched it but were overridden get `matched_overridden`
** (the kext counts deciding rules only, so that column comes from
** samples alone).
**
** A batch the database refuses (busy) is simply built again at the next
** poll from the same baseline and a newer snapshot: nothing is counted
** twice and nothing is lost. Samples stay pending until committed.
**
** User space; the samples are attributed through coverage/attrib.h.
*/
#ifndef SB_KEXT_MACOS_DRAIN_H
#define SB_KEXT_MACOS_DRAIN_H

#include "coverage/attrib.h"
#include "coverage/covdb.h"
#include "kext/macos/counters.h"
#include "kext/target.h"

struct sb_drain;

/*
** A drain for counters of target T. ATTRIB, when not NULL, attributes
** samples again on the rule IR: its overridden rules become
** matched_overridden, and a deciding rule other than the kext's makes
** the event 'inconsistent'. T and ATTRIB must outlive the drain. Never
** NULL; free with sb_drain_free().
*/
struct sb_drain *sb_drain_new(const struct sb_target *t,
    struct sb_attrib *attrib);
void sb_drain_free(struct sb_drain *d);

/*
** Start from the snapshot CELLS (N cumulative counters, any order) taken
** at TS: what the kext had counted before the run is not the run's.
*/
void sb_drain_baseline(struct sb_drain *d, const struct sb_kcell *cells,
    uint32_t n, int64_t ts);

/* Queue N samples; they become events of every batch until committed. */
void sb_drain_samples(struct sb_drain *d, const struct sb_ksample *s,
    uint32_t n);

/*
** Build into *OUT the batch from the baseline to the snapshot CELLS (N,
** any order) taken at TS: a hit per counter that grew (first_ns the
** baseline's time, last_ns TS), then the pending samples' events and
** overridden hits. A counter below its baseline (the kext was reloaded)
** counts from zero. OUT's arrays belong to D and live until the next
** sb_drain_batch() or sb_drain_free(). Returns the number of accesses
** in the batch (its decided total).
*/
uint64_t sb_drain_batch(struct sb_drain *d, const struct sb_kcell *cells,
    uint32_t n, int64_t ts, struct sb_covbatch *out);

/*
** The last batch was committed: its snapshot is the new baseline and its
** samples are no longer pending.
*/
void sb_drain_committed(struct sb_drain *d);

/* Samples queued and not committed. */
uint32_t sb_drain_pending(const struct sb_drain *d);

/*
** The access a sample stands for, as attribution reads accesses
** (coverage/access.h), with its strings in ARENA: operation, the main
** argument and its kind, the other facts as filter/value text. Exposed
** for tests and for the daemon's messages.
*/
void sb_drain_access(const struct sb_target *t, const struct sb_ksample *s,
    struct sb_arena *arena, struct sb_access *out);

#endif
