/*
** registry.c: loaded profiles, process labels, the opt-in at exec and
** the work-area pool of registry.h, and the check one access makes.
*/
#include "kext/macos/registry.h"

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void
sb_kreg_lock(struct sb_kreg *r)
{
	if (r->env.lock)
		r->env.lock(r->env.ctx);
}

void
sb_kreg_unlock(struct sb_kreg *r)
{
	if (r->env.unlock)
		r->env.unlock(r->env.ctx);
}

int
sb_kreg_init(struct sb_kreg *r, const struct sb_kenv *env, uint32_t maxpid,
             uint32_t nwork)
{
	memset(r, 0, sizeof *r);
	r->env = *env;
	r->procs = env->alloc(env->ctx, (size_t)maxpid * sizeof *r->procs);
	r->work = nwork ? env->alloc(env->ctx, (size_t)nwork *
	                             sizeof *r->work) : NULL;
	if (!r->procs || (nwork && !r->work)) {
		if (r->procs)
			env->free(env->ctx, r->procs, (size_t)maxpid *
			          sizeof *r->procs);
		if (r->work)
			env->free(env->ctx, r->work, (size_t)nwork *
			          sizeof *r->work);
		r->procs = NULL;
		r->work = NULL;
		return -1;
	}
	r->maxpid = maxpid;
	r->nwork = nwork;
	return 0;
}

int
sb_kreg_fini(struct sb_kreg *r)
{
	if (r->profiles)
		return -1;
	if (r->procs)
		r->env.free(r->env.ctx, r->procs, (size_t)r->maxpid *
		            sizeof *r->procs);
	if (r->work)
		r->env.free(r->env.ctx, r->work, (size_t)r->nwork *
		            sizeof *r->work);
	r->procs = NULL;
	r->work = NULL;
	return 0;
}

/* --- profiles -------------------------------------------------------------- */

struct sb_kprof *
sb_kreg_find(const struct sb_kreg *r, const uint8_t key[32])
{
	struct sb_kprof *p;

	for (p = r->profiles; p; p = p->next)
		if (memcmp(p->key, key, 32) == 0)
			return p;
	return NULL;
}

static void
unlink_profile(struct sb_kreg *r, struct sb_kprof *p)
{
	struct sb_kprof **pp;

	for (pp = &r->profiles; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			r->nprofiles--;
			return;
		}
}

/*
** Drop one reference to P, under the lock. Returns P when that was the
** last: it is unlinked and the caller frees it after unlocking.
*/
static struct sb_kprof *
drop_locked(struct sb_kreg *r, struct sb_kprof *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return NULL;
	unlink_profile(r, p);
	return p;
}

static void
free_profile(struct sb_kreg *r, struct sb_kprof *p)
{
	if (p)
		r->env.free(r->env.ctx, p, p->size);
}

static void
hex_tag(const uint8_t *key, char *tag)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < SB_KREG_TAG / 2; i++) {
		tag[2 * i] = digits[key[i] >> 4];
		tag[2 * i + 1] = digits[key[i] & 15];
	}
}

/* Take the daemon's reference to P again, if it let go. Under the lock. */
static void
reload_locked(struct sb_kprof *p)
{
	if (!p->loaded) {
		p->loaded = true;
		SB_ATOMIC_ADD(&p->refs, 1);
	}
}

/*
** Build a profile for M in one allocation: header, blob, rule map,
** counters. Returns a status; *OUT gets the profile on SB_KST_OK.
*/
static int
build(struct sb_kreg *r, const struct sb_ctl_load *m,
      const struct sb_target *t, struct sb_kprof **out)
{
	size_t head = align8(sizeof(struct sb_kprof));
	size_t blob = align8(m->bloblen);
	size_t map = align8((size_t)m->nmap * 4);
	size_t counters, size;
	struct sb_decode_opts o;
	struct sb_qb qb;
	struct sb_kprof *p;
	uint8_t *mem;
	uint32_t *rmap;
	uint32_t i;

	*out = NULL;
	/* the counters' columns come from the target's view of hooks.def */
	if (sb_qb_init(&qb, t) < 0)
		return SB_KST_TARGET;
	counters = sb_kcounters_bytes(m->nrules, qb.ncolumns, m->nslots,
	                              SB_CTL_MAX_COUNTERS);
	if (counters == 0)
		return SB_KST_LIMIT;
	size = head + blob + map + counters;
	if (!(mem = r->env.alloc(r->env.ctx, size)))
		return SB_KST_NOMEM;
	p = (struct sb_kprof *)(void *)mem;
	p->size = size;
	memcpy(p->key, m->key, 32);
	hex_tag(m->key, p->tag);
	p->nrules = m->nrules;
	p->blob = mem + head;
	p->bloblen = m->bloblen;
	memcpy(mem + head, m->blob, m->bloblen);
	rmap = (uint32_t *)(void *)(mem + head + blob);
	for (i = 0; i < m->nmap; i++)
		rmap[i] = rd32(m->map + 4 * i);
	p->rule_map = rmap;
	p->nmap = m->nmap;
	memset(&o, 0, sizeof o);
	o.target = t;
	/* without a map every verdict is counted as rule 0 */
	o.rule_map = m->nmap ? rmap : NULL;
	o.rule_map_len = m->nmap;
	o.nrules = m->nrules;
	if (sb_decode(&p->bin, p->blob, p->bloblen, &o, &r->lasterr) != 0) {
		r->env.free(r->env.ctx, mem, size);
		return SB_KST_BLOB;
	}
	p->qb = qb;
	if (sb_kcounters_init(&p->counters, mem + head + blob + map, counters,
	                      m->nrules, p->qb.columns, p->qb.ncolumns, m->k,
	                      m->nslots) != 0) {
		r->env.free(r->env.ctx, mem, size);
		return SB_KST_LIMIT;
	}
	*out = p;
	return SB_KST_OK;
}

int
sb_kreg_load(struct sb_kreg *r, const struct sb_ctl_load *m)
{
	const struct sb_target *t;
	struct sb_kprof *p, *had;
	uint8_t sum[32];
	size_t tlen = 0;
	int st;

	memset(&r->lasterr, 0, sizeof r->lasterr);
	while (tlen < SB_CTL_TARGET && m->target[tlen])
		tlen++;
	if (!(t = sb_target_find(m->target, tlen)))
		return r->last = SB_KST_TARGET;
	if (r->env.sha256) {
		r->env.sha256(r->env.ctx, m->blob, m->bloblen, sum);
		if (memcmp(sum, m->key, 32) != 0)
			return r->last = SB_KST_HASH;
	}
	sb_kreg_lock(r);
	if ((had = sb_kreg_find(r, m->key)))
		reload_locked(had);
	st = had ? SB_KST_OK : r->nprofiles >= SB_KREG_MAX_PROFILES ?
	     SB_KST_LIMIT : -1;
	sb_kreg_unlock(r);
	if (st >= 0)
		return r->last = (uint32_t)st;
	/* allocation and validation may sleep: outside the lock */
	if ((st = build(r, m, t, &p)) != SB_KST_OK)
		return r->last = (uint32_t)st;
	sb_kreg_lock(r);
	if ((had = sb_kreg_find(r, m->key))) {
		reload_locked(had);     /* a concurrent load won */
	} else if (r->nprofiles >= SB_KREG_MAX_PROFILES) {
		st = SB_KST_LIMIT;
	} else {
		p->refs = 1;
		p->loaded = true;
		p->next = r->profiles;
		r->profiles = p;
		r->nprofiles++;
		p = NULL;
	}
	sb_kreg_unlock(r);
	free_profile(r, p);
	return r->last = (uint32_t)st;
}

int
sb_kreg_unload(struct sb_kreg *r, const uint8_t key[32])
{
	struct sb_kprof *p, *gone = NULL;
	int st = SB_KST_NOTFOUND;

	memset(&r->lasterr, 0, sizeof r->lasterr);
	sb_kreg_lock(r);
	p = sb_kreg_find(r, key);
	if (p && p->loaded) {
		p->loaded = false;
		gone = drop_locked(r, p);
		st = SB_KST_OK;
	}
	sb_kreg_unlock(r);
	free_profile(r, gone);
	return r->last = (uint32_t)st;
}

/* --- process labels -------------------------------------------------------- */

struct sb_kprof *
sb_kreg_proc(const struct sb_kreg *r, int32_t pid, uint64_t uniqueid)
{
	const struct sb_kproc *e;
	struct sb_kprof *p;

	if (pid < 0 || (uint32_t)pid >= r->maxpid)
		return NULL;
	e = &r->procs[pid];
	p = SB_ATOMIC_ACQUIRE(&e->prof);
	if (p && SB_ATOMIC_LOAD(&e->uniqueid) != uniqueid)
		return NULL;
	return p;
}

/*
** Give PID the label P (which already carries a reference for it), under
** the lock; returns the profile to free when the old label was its last.
*/
static struct sb_kprof *
relabel_locked(struct sb_kreg *r, int32_t pid, uint64_t uniqueid,
               struct sb_kprof *p)
{
	struct sb_kproc *e = &r->procs[pid];
	struct sb_kprof *old = e->prof;

	SB_ATOMIC_RELEASE(&e->prof, (struct sb_kprof *)NULL);
	SB_ATOMIC_RELEASE(&e->uniqueid, uniqueid);
	SB_ATOMIC_RELEASE(&e->prof, p);
	return old ? drop_locked(r, old) : NULL;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether the NAME=value string S (up to END) names NAME. */
static bool
names(const uint8_t *s, const uint8_t *end, const char *name)
{
	while (*name && s < end && *s == (uint8_t)*name) {
		s++;
		name++;
	}
	return !*name && s < end && *s == '=';
}

int
sb_kenv_find(const uint8_t *args, size_t len, const char *name,
             const char **val, uint32_t *vlen)
{
	const uint8_t *p, *end = args + len, *s;
	uint32_t argc, i;

	if (len < 4)
		return 0;
	argc = rd32(args);
	p = args + 4;
	while (p < end && *p)           /* the executable path */
		p++;
	while (p < end && !*p)          /* its padding */
		p++;
	for (i = 0; i < argc && p < end; i++) {
		while (p < end && *p)
			p++;
		p++;
	}
	while (p < end) {
		for (s = p; p < end && *p; p++)
			;
		if (p == end)
			break;          /* not NUL-terminated: cut short */
		if (p > s && names(s, p, name)) {
			while (*s != '=')
				s++;
			*val = (const char *)s + 1;
			*vlen = (uint32_t)(p - s - 1);
			return 1;
		}
		p++;
	}
	return 0;
}

int
sb_kreg_exec(struct sb_kreg *r, int32_t pid, uint64_t uniqueid,
             const uint8_t *args, size_t len)
{
	char tag[SB_KREG_TAG];
	const char *val;
	uint32_t vlen, i;
	struct sb_kprof *p, *gone = NULL;
	int found = -1;

	if (pid < 0 || (uint32_t)pid >= r->maxpid)
		return 0;
	if (!sb_kenv_find(args, len, SB_KENV_NAME, &val, &vlen))
		return 0;
	if (vlen != SB_KREG_TAG)
		return -1;
	for (i = 0; i < SB_KREG_TAG; i++) {
		int v = hexval((uint8_t)val[i]);
		if (v < 0)
			return -1;
		tag[i] = "0123456789abcdef"[v];
	}
	sb_kreg_lock(r);
	for (p = r->profiles; p; p = p->next)
		if (p->loaded && memcmp(p->tag, tag, SB_KREG_TAG) == 0)
			break;
	if (p) {
		SB_ATOMIC_ADD(&p->refs, 1);
		gone = relabel_locked(r, pid, uniqueid, p);
		found = 1;
	}
	sb_kreg_unlock(r);
	free_profile(r, gone);
	return found;
}

void
sb_kreg_fork(struct sb_kreg *r, int32_t ppid, uint64_t puniq, int32_t pid,
             uint64_t uniq)
{
	struct sb_kprof *p, *gone = NULL;

	if (pid < 0 || (uint32_t)pid >= r->maxpid)
		return;
	sb_kreg_lock(r);
	p = sb_kreg_proc(r, ppid, puniq);
	if (p) {
		SB_ATOMIC_ADD(&p->refs, 1);
		gone = relabel_locked(r, pid, uniq, p);
	} else if (r->procs[pid].prof) {
		/* a stale label of a pid whose exit went unseen */
		gone = relabel_locked(r, pid, uniq, NULL);
	}
	sb_kreg_unlock(r);
	free_profile(r, gone);
}

void
sb_kreg_exit(struct sb_kreg *r, int32_t pid, uint64_t uniqueid)
{
	struct sb_kprof *gone = NULL;

	if (pid < 0 || (uint32_t)pid >= r->maxpid)
		return;
	sb_kreg_lock(r);
	if (r->procs[pid].prof && r->procs[pid].uniqueid == uniqueid)
		gone = relabel_locked(r, pid, 0, NULL);
	sb_kreg_unlock(r);
	free_profile(r, gone);
}

/* --- hooks ------------------------------------------------------------------ */

struct sb_kwork *
sb_kreg_work_get(struct sb_kreg *r)
{
	uint32_t start, i;

	if (!r->nwork) {
		SB_ATOMIC_ADD(&r->missed, 1);
		return NULL;
	}
	start = SB_ATOMIC_FETCH_ADD(&r->workhint, 1);
	for (i = 0; i < r->nwork; i++) {
		struct sb_kwork *w = &r->work[(start + i) % r->nwork];
		uint32_t expect = 0;
		if (SB_ATOMIC_CAS(&w->busy, &expect, 1)) {
			memset(&w->args, 0, sizeof w->args);
			w->args.port = -1;
			w->args.domain = w->args.type = w->args.protocol = -1;
			return w;
		}
	}
	SB_ATOMIC_ADD(&r->missed, 1);
	return NULL;
}

void
sb_kreg_work_put(struct sb_kreg *r, struct sb_kwork *w)
{
	(void)r;
	SB_ATOMIC_RELEASE(&w->busy, 0);
}

int
sb_kprof_check(struct sb_kprof *p, struct sb_kwork *w, int32_t pid,
               int64_t ts)
{
	struct sb_verdict v;

	if (sb_eval(&p->bin, &w->q, &w->scratch, &v) != SB_EVAL_OK) {
		SB_ATOMIC_ADD(&p->counters.evals, 1);
		SB_ATOMIC_ADD(&p->counters.failures, 1);
		return -1;
	}
	sb_kcounters_count(&p->counters, w->q.op, &v);
	if (sb_kcounters_want(&p->counters, v.rule))
		sb_kcounters_sample(&p->counters, &w->q, &v, pid, ts);
	return 0;
}
