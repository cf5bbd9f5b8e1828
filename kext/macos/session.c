/*
** session.c: the daemon's run over a transport (session.h): the LOAD and
** UNLOAD messages, paging through COUNTERS replies, draining SAMPLES,
** and one commit per poll. What the kext answers is checked as strictly
** as what it is asked (ctl.c's decoders): a reply for another key, or
** counters that do not add up, end the run with an error.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "kext/macos/ctl.h"
#include "kext/macos/drain.h"
#include "kext/macos/query_build.h"
#include "kext/macos/registry.h"
#include "kext/macos/session.h"

enum {
	BUFSIZE = 256 << 10,            /* one exchange: 16k counters */
	SAMPLE_READS = 64,              /* SAMPLES requests per poll at most */
	END_TRIES = 20                  /* final commits tried on a busy database */
};

/* An idle run still commits this often, to keep its heartbeat (§2.4). */
#define HEARTBEAT_NS (5 * (int64_t)1000000000)

struct sb_ksession {
	struct sb_covdb *db;
	const struct sb_ktransport *tr;
	struct sb_unit *u;
	uint8_t key[32];
	char tag[SB_KREG_TAG + 1];
	int64_t run;
	struct sb_drain *drain;
	uint8_t *buf;                   /* exchanges, BUFSIZE bytes */
	struct sb_kcell *cells;         /* the snapshot being read */
	uint32_t ncells, capcells;
	struct sb_ksample *samples;     /* one SAMPLES reply's worth */
	uint32_t capsamples;
	uint64_t lost_base, lost_now;   /* the kext's uncounted accesses */
	uint64_t dropped_base, dropped_now;     /* its dropped samples */
	struct sb_ksession_stats st;
	int64_t committed_at;           /* time of the last commit */
	int loaded, ended;
	char err[512];
};

static int
fail(struct sb_ksession *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
sb_ksession_errmsg(const struct sb_ksession *s)
{
	return s->err;
}

const char *
sb_ksession_tag(const struct sb_ksession *s)
{
	return s->tag;
}

void
sb_ksession_stats(const struct sb_ksession *s, struct sb_ksession_stats *st)
{
	*st = s->st;
}

/* Ask for the kext's reason after a refused LOAD: text into S->err. */
static void
explain(struct sb_ksession *s, int err)
{
	struct sb_ctl_status st;
	size_t len = 0;

	if (sb_ctl_encode_status(s->buf, BUFSIZE) &&
	    s->tr->get(s->tr->ctx, s->buf, BUFSIZE, &len) == 0 &&
	    sb_ctl_decode_status(s->buf, len, &st) == SB_KST_OK &&
	    st.status == SB_KST_OK && st.last != SB_KST_OK) {
		if (st.last == SB_KST_BLOB)
			fail(s, "the kext refused the profile: %s at byte %u",
			    st.msg, (unsigned)st.offset);
		else
			fail(s, "the kext refused the profile: %s", st.msg);
		return;
	}
	fail(s, "the kext refused the profile: %s", strerror(err));
}

static int
load(struct sb_ksession *s, const struct sb_ksession_opts *o)
{
	struct sb_unit *u = s->u;
	struct sb_ctl_load m;
	size_t len;
	uint8_t *msg;
	int rc, err;

	memset(&m, 0, sizeof m);
	memcpy(m.key, s->key, 32);
	snprintf(m.target, sizeof m.target, "%s", u->target->name);
	m.nrules = u->profile->nrules;
	m.k = (uint16_t)(o->samples ? o->samples : 8);
	m.nslots = (uint16_t)(o->slots ? o->slots : 256);
	m.blob = u->blob;
	m.bloblen = (uint32_t)u->bloblen;
	m.nmap = u->nnodes;
	len = sb_ctl_load_size(m.bloblen, m.nmap);
	msg = xmalloc(len);
	if (o->samples > SB_CTL_MAX_K || o->slots > SB_CTL_MAX_SLOTS ||
	    sb_ctl_encode_load(msg, len, &m, u->rule_map) != len) {
		free(msg);
		return fail(s, "the profile is over the kext's limits (blob "
		    "%zu bytes, %u rules, at most %d samples per rule, %d "
		    "ring slots)", u->bloblen, (unsigned)m.nrules,
		    SB_CTL_MAX_K, SB_CTL_MAX_SLOTS);
	}
	rc = s->tr->set(s->tr->ctx, msg, len);
	err = errno;
	free(msg);
	if (rc < 0) {
		explain(s, err);
		return -1;
	}
	s->loaded = 1;
	return 0;
}

static void
unload(struct sb_ksession *s)
{
	uint8_t msg[64];
	size_t len = sb_ctl_encode_unload(msg, sizeof msg, s->key);

	if (s->loaded && len)
		s->tr->set(s->tr->ctx, msg, len);
	s->loaded = 0;
}

/* Every non-zero counter of the profile into S->cells. */
static int
read_counters(struct sb_ksession *s)
{
	struct sb_ctl_counters r;
	uint32_t start = 0, max = (uint32_t)((BUFSIZE -
	    sb_ctl_counters_size(0)) / SB_CTL_CELL), i;
	size_t len;

	s->ncells = 0;
	for (;;) {
		sb_ctl_encode_counters(s->buf, BUFSIZE, s->key, start, max);
		if (s->tr->get(s->tr->ctx, s->buf, BUFSIZE, &len) < 0)
			return fail(s, "cannot read the kext's counters: %s",
			    strerror(errno));
		if (sb_ctl_decode_counters(s->buf, len, &r) != SB_KST_OK)
			return fail(s, "the kext's counters reply is "
			    "malformed");
		if (r.status != SB_KST_OK)
			return fail(s, "cannot read the kext's counters: %s",
			    sb_kstatus_text((int)r.status));
		if (memcmp(r.key, s->key, 32) != 0 || (r.next <= start &&
		    r.next < r.size) || r.ncells > max)
			return fail(s, "the kext's counters reply does not "
			    "follow the request");
		if (s->ncells + r.ncells > s->capcells) {
			s->capcells = 2 * (s->ncells + r.ncells);
			s->cells = xrealloc(s->cells, (size_t)s->capcells *
			    sizeof *s->cells);
		}
		for (i = 0; i < r.ncells; i++)
			sb_ctl_cell(&r, i, &s->cells[s->ncells++]);
		s->lost_now = r.failures + r.unmapped + r.missed;
		s->dropped_now = r.dropped;
		if (r.next >= r.size)
			return 0;
		start = r.next;
	}
}

/* Move the kext's ready samples into the drain. */
static int
read_samples(struct sb_ksession *s)
{
	struct sb_ctl_samples r;
	size_t len, pos;
	uint32_t n, k;

	for (k = 0; k < SAMPLE_READS; k++) {
		sb_ctl_encode_samples(s->buf, BUFSIZE, s->key, UINT32_MAX);
		if (s->tr->get(s->tr->ctx, s->buf, BUFSIZE, &len) < 0)
			return fail(s, "cannot read the kext's samples: %s",
			    strerror(errno));
		if (sb_ctl_decode_samples(s->buf, len, &r) != SB_KST_OK)
			return fail(s, "the kext's samples reply is malformed");
		if (r.status != SB_KST_OK)
			return fail(s, "cannot read the kext's samples: %s",
			    sb_kstatus_text((int)r.status));
		if (memcmp(r.key, s->key, 32) != 0)
			return fail(s, "the kext's samples reply does not "
			    "follow the request");
		if (r.nsamples == 0)
			return 0;
		if (r.nsamples > s->capsamples) {
			s->capsamples = r.nsamples;
			s->samples = xrealloc(s->samples, (size_t)r.nsamples *
			    sizeof *s->samples);
		}
		for (pos = 0, n = 0; n < r.nsamples; n++)
			if (sb_ctl_sample(&r, &pos, &s->samples[n]) < 0)
				return fail(s, "the kext's samples reply is "
				    "malformed");
		sb_drain_samples(s->drain, s->samples, r.nsamples);
	}
	return 0;
}

int
sb_ksession_start(struct sb_ksession **out, struct sb_covdb *db,
    int64_t profile_id, struct sb_unit *u, const struct sb_ktransport *tr,
    const struct sb_ksession_opts *o, char *err, size_t errsize)
{
	static const struct sb_ksession_opts none;
	struct sb_ksession *s;
	struct sb_covrun run;
	struct sb_qb qb;
	const char *obs[SB_QB_MAX_COLUMNS];
	uint32_t i;

	*out = NULL;
	if (!o)
		o = &none;
	if (!u->blob || !u->rule_map || !u->profile || !u->target) {
		snprintf(err, errsize, "the profile was not compiled to a blob");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->db = db;
	s->tr = tr;
	s->u = u;
	s->buf = xmalloc(BUFSIZE);
	memcpy(s->key, u->blob_sha256, 32);
	sb_cov_hex(s->key, SB_KREG_TAG / 2, s->tag);
	s->drain = sb_drain_new(u->target, o->attrib);
	if (sb_qb_init(&qb, u->target) < 0) {
		fail(s, "target %s lacks what the kext's hooks ask",
		    u->target->name);
		goto bad;
	}
	if (load(s, o) < 0)
		goto bad;
	if (read_counters(s) < 0)
		goto bad;
	sb_drain_baseline(s->drain, s->cells, s->ncells, sb_covdb_now(db));
	s->lost_base = s->lost_now;
	s->dropped_base = s->dropped_now;
	s->committed_at = sb_covdb_now(db);
	memset(&run, 0, sizeof run);
	run.profile_id = profile_id;
	run.source = "macos-kext";
	run.label = o->label;
	run.command_json = o->command_json;
	for (i = 0; i < qb.ncolumns; i++)
		obs[i] = u->target->ops[qb.columns[i]].name;
	run.observable = obs;
	run.nobservable = qb.ncolumns;
	if (sb_covdb_run_begin(db, &run, &s->run, NULL) < 0) {
		fail(s, "%s", sb_covdb_errmsg(db));
		goto bad;
	}
	*out = s;
	return 0;
bad:
	snprintf(err, errsize, "%s", s->err);
	unload(s);
	sb_ksession_free(s);
	return -1;
}

/* One poll; *BUSY says whether the database put the commit off. */
static int
poll_once(struct sb_ksession *s, int *busy)
{
	struct sb_covbatch b;
	int64_t now;
	uint64_t n;
	int rc;

	*busy = 0;
	if (read_samples(s) < 0 || read_counters(s) < 0)
		return -1;
	now = sb_covdb_now(s->db);
	n = sb_drain_batch(s->drain, s->cells, s->ncells, now, &b);
	b.events_dropped = s->dropped_now >= s->dropped_base ?
	    s->dropped_now - s->dropped_base : 0;
	if (!b.nhits && !b.nevents && !b.events_dropped && !s->ended &&
	    now - s->committed_at < HEARTBEAT_NS)
		return 0;       /* nothing to write yet */
	rc = sb_covdb_commit(s->db, s->run, &b);
	if (rc == SB_COVDB_BUSY) {
		s->st.busy++;
		*busy = 1;
		return 0;
	}
	if (rc < 0)
		return fail(s, "%s", sb_covdb_errmsg(s->db));
	s->st.accesses += n;
	s->st.events += b.nevents;
	s->st.batches++;
	s->st.dropped += b.events_dropped;
	s->dropped_base = s->dropped_now;
	s->committed_at = now;
	sb_drain_committed(s->drain);
	return 0;
}

int
sb_ksession_poll(struct sb_ksession *s)
{
	int busy;

	return poll_once(s, &busy);
}

int
sb_ksession_end(struct sb_ksession *s)
{
	int busy = 1, tries, rc = 0;

	if (s->ended)
		return 0;
	s->ended = 1;
	for (tries = 0; busy && tries < END_TRIES; tries++)
		if (poll_once(s, &busy) < 0) {
			rc = -1;
			break;
		}
	if (rc == 0 && busy)
		rc = fail(s, "coverage.db stayed busy: the last batch is lost");
	unload(s);
	s->st.lost = s->lost_now >= s->lost_base ? s->lost_now - s->lost_base :
	    0;
	if (sb_covdb_run_end(s->db, s->run, s->st.lost || rc < 0 ?
	    SB_RUN_PARTIAL : SB_RUN_COMPLETE, s->st.lost || rc < 0 ?
	    "dropped" : NULL, NULL) < 0) {
		fail(s, "%s", sb_covdb_errmsg(s->db));
		return -1;
	}
	return rc;
}

void
sb_ksession_free(struct sb_ksession *s)
{
	if (!s)
		return;
	sb_drain_free(s->drain);
	free(s->buf);
	free(s->cells);
	free(s->samples);
	free(s);
}
