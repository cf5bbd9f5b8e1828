/*
** drain.c: kext snapshots and samples into struct sb_covbatch
** (drain.h). The daemon's socket I/O and the commit itself are the
** caller's (session.c); this file only computes rows.
*/
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/json_write.h"
#include "common/util.h"
#include "compiler/facts.h"
#include "kext/macos/drain.h"

struct sb_drain {
	const struct sb_target *t;
	struct sb_attrib *attrib;
	struct sb_kcell *base;          /* the last committed snapshot, sorted */
	uint32_t nbase, capbase;
	int64_t base_ts;
	struct sb_kcell *cur;           /* the snapshot of the last batch, sorted */
	uint32_t ncur, capcur;
	int64_t cur_ts;
	struct sb_ksample *pending;     /* samples not committed yet */
	uint32_t npending, cappending;
	uint32_t nbatched;              /* of them, in the last batch */
	int64_t seq;                    /* the first pending sample's event seq */
	struct sb_covhit *hits;
	uint32_t nhits, caphits;
	struct sb_covevent *events;
	uint32_t capevents;
	struct sb_arena arena;          /* the last batch's strings */
};

struct sb_drain *
sb_drain_new(const struct sb_target *t, struct sb_attrib *attrib)
{
	struct sb_drain *d = xcalloc(1, sizeof *d);

	d->t = t;
	d->attrib = attrib;
	sb_arena_init(&d->arena);
	return d;
}

void
sb_drain_free(struct sb_drain *d)
{
	if (!d)
		return;
	free(d->base);
	free(d->cur);
	free(d->pending);
	free(d->hits);
	free(d->events);
	sb_arena_free(&d->arena);
	free(d);
}

uint32_t
sb_drain_pending(const struct sb_drain *d)
{
	return d->npending;
}

static int
cellcmp(const void *a, const void *b)
{
	const struct sb_kcell *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	return (int)x->deny - (int)y->deny;
}

/* Copy N cells into *DST (grown as needed) and sort them. */
static void
take_cells(struct sb_kcell **dst, uint32_t *ndst, uint32_t *cap,
    const struct sb_kcell *cells, uint32_t n)
{
	if (n > *cap) {
		*cap = n;
		*dst = xrealloc(*dst, (size_t)n * sizeof **dst);
	}
	if (n)
		memcpy(*dst, cells, (size_t)n * sizeof *cells);
	*ndst = n;
	if (n)
		qsort(*dst, n, sizeof **dst, cellcmp);
}

void
sb_drain_baseline(struct sb_drain *d, const struct sb_kcell *cells,
    uint32_t n, int64_t ts)
{
	take_cells(&d->base, &d->nbase, &d->capbase, cells, n);
	d->base_ts = ts;
}

void
sb_drain_samples(struct sb_drain *d, const struct sb_ksample *s, uint32_t n)
{
	if (d->npending + n > d->cappending) {
		d->cappending = (d->npending + n) * 2;
		d->pending = xrealloc(d->pending, (size_t)d->cappending *
		    sizeof *d->pending);
	}
	if (n)
		memcpy(d->pending + d->npending, s, (size_t)n * sizeof *s);
	d->npending += n;
}

static const char *
opname(const struct sb_target *t, uint16_t op)
{
	return op < t->op_name_count ? t->ops[op].name : "unknown";
}

static struct sb_covhit *
newhit(struct sb_drain *d)
{
	struct sb_covhit *h;

	if (d->nhits == d->caphits) {
		d->caphits = d->caphits ? 2 * d->caphits : 64;
		d->hits = xrealloc(d->hits, (size_t)d->caphits *
		    sizeof *d->hits);
	}
	h = &d->hits[d->nhits++];
	memset(h, 0, sizeof *h);
	return h;
}

/* --- a sample as an access -------------------------------------------------- */

/* Protocol bits as attribution spells them (compiler/facts.c). */
static const char *
protoname(uint32_t bits)
{
	switch (bits) {
	case 1: return "ip4";
	case 2: return "ip6";
	case 3: return "ip";
	case 5: return "tcp4";
	case 6: return "tcp6";
	case 7: return "tcp";
	case 9: return "udp4";
	case 10: return "udp6";
	case 11: return "udp";
	}
	return "ip";
}

/* The value of fact F as text: a string, a named value, a number, an address. */
static char *
factvalue(const struct sb_target *t, const struct sb_ksample *s,
    const struct sb_ksfact *f, struct sb_arena *a)
{
	const char *text = s->text + f->off;
	struct sb_buf b = SB_BUF_INIT;
	const struct sb_value_info *v;
	unsigned n, i;
	char *out;

	if (f->kind == SB_FACT_STRING)
		return sb_arena_strndup(a, text, f->len);
	if (f->kind == SB_FACT_NETWORK) {
		sb_buf_printf(&b, "%s:", protoname(f->i));
		if (!f->len)
			sb_buf_putc(&b, '*');
		else if (memchr(text, ':', f->len))
			sb_buf_printf(&b, "[%.*s]", (int)f->len, text);
		else
			sb_buf_put(&b, text, f->len);
		if (f->port >= 0)
			sb_buf_printf(&b, ":%d", (int)f->port);
		else
			sb_buf_puts(&b, ":*");
	} else {
		v = f->filter < t->filter_count ?
		    sb_target_filter_values(t, f->filter, &n) : NULL;
		for (i = 0; v && i < n; i++)
			if (v[i].value == f->i)
				break;
		if (v && i < n)
			sb_buf_puts(&b, v[i].name);
		else
			sb_buf_printf(&b, "%u", (unsigned)f->i);
	}
	out = sb_arena_strndup(a, b.data, b.len);
	sb_buf_free(&b);
	return out;
}

static const char *
filtername(const struct sb_target *t, uint8_t id)
{
	return id < t->filter_count && t->filters[id].name ?
	    t->filters[id].name : NULL;
}

static enum sb_arg_kind
argkind(const struct sb_target *t, const struct sb_ksfact *f)
{
	if (f->kind == SB_FACT_NETWORK)
		return SB_ACC_ADDRESS;
	if (f->kind != SB_FACT_STRING)
		return SB_ACC_NUMBER;
	return t->filters[f->filter].argkind == SB_ARG_PATH ? SB_ACC_PATH :
	    SB_ACC_NAME;
}

void
sb_drain_access(const struct sb_target *t, const struct sb_ksample *s,
    struct sb_arena *arena, struct sb_access *out)
{
	uint32_t i;

	memset(out, 0, sizeof *out);
	out->operation = opname(t, s->op);
	out->pid = s->pid;
	out->ppid = -1;
	out->ts = s->ts;
	out->count = 1;
	for (i = 0; i < s->nfacts; i++) {
		const struct sb_ksfact *f = &s->facts[i];
		const char *name = filtername(t, f->filter);
		char *value;
		if (!name)
			continue;
		value = factvalue(t, s, f, arena);
		/* query_build.c puts the main argument first */
		if (i == 0 && strcmp(name, sb_fact_mainfilter(out->operation,
		    value)) == 0) {
			out->argument = value;
			out->arg_kind = argkind(t, f);
			continue;
		}
		if (out->nfacts < SB_ACCESS_MAX_FACTS) {
			out->facts[out->nfacts].filter = name;
			out->facts[out->nfacts++].value = value;
		}
	}
}

/* The facts as a JSON object, a filter given twice with its values joined. */
static char *
factsjson(const struct sb_access *a, struct sb_arena *arena)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i, k;
	char *out;

	if (!a->nfacts)
		return NULL;
	for (i = 0; i < a->nfacts; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(a->facts[k].filter, a->facts[i].filter) == 0)
				break;
		if (k < i)
			continue;       /* written with the first */
		sb_buf_putc(&b, b.len ? ',' : '{');
		sb_buf_putc(&b, '"');
		sb_jw_escape(&b, a->facts[i].filter,
		    strlen(a->facts[i].filter));
		sb_buf_puts(&b, "\":\"");
		for (k = i; k < a->nfacts; k++) {
			if (strcmp(a->facts[k].filter, a->facts[i].filter))
				continue;
			if (k > i)
				sb_buf_putc(&b, ',');
			sb_jw_escape(&b, a->facts[k].value,
			    strlen(a->facts[k].value));
		}
		sb_buf_putc(&b, '"');
	}
	sb_buf_putc(&b, '}');
	out = sb_arena_strndup(arena, b.data, b.len);
	sb_buf_free(&b);
	return out;
}

/* --- batches ----------------------------------------------------------------- */

/* The event of pending sample K; overridden rules become hits. */
static void
sample_rows(struct sb_drain *d, uint32_t k, struct sb_covbatch *out)
{
	const struct sb_ksample *s = &d->pending[k];
	struct sb_covevent *e = &d->events[k];
	enum sb_decision dec = s->deny ? SB_DEC_DENY : SB_DEC_ALLOW;
	struct sb_attrib_result r;
	struct sb_access a;
	uint32_t i;

	sb_drain_access(d->t, s, &d->arena, &a);
	memset(e, 0, sizeof *e);
	e->seq = d->seq + k;
	e->ts = s->ts;
	e->pid = s->pid;
	e->proc_start = -1;
	e->operation = a.operation;
	e->argument = a.argument;
	e->kind = a.arg_kind;
	e->facts_json = factsjson(&a, &d->arena);
	e->decision = dec;
	e->rule = s->rule;
	e->status = SB_MATCH_EXACT;
	e->dup = 1;
	if (!d->attrib || (s->flags & SB_KSAMPLE_TRUNCATED))
		return;
	sb_attrib_access(d->attrib, &a, &r);
	if (r.status != SB_MATCH_EXACT)
		return;         /* the kext saw more than the text says */
	if (r.rule != s->rule || r.decision != dec) {
		e->status = SB_MATCH_INCONSISTENT;
		out->inconsistent++;
		return;
	}
	for (i = 0; i < r.nmatched; i++) {
		struct sb_covhit *h = newhit(d);
		h->rule = r.matched[i];
		h->operation = a.operation;
		h->decision = dec;
		h->matched_overridden = 1;
		h->first_ns = h->last_ns = s->ts;
	}
}

uint64_t
sb_drain_batch(struct sb_drain *d, const struct sb_kcell *cells, uint32_t n,
    int64_t ts, struct sb_covbatch *out)
{
	uint64_t total = 0;
	uint32_t i, j = 0, k;

	memset(out, 0, sizeof *out);
	sb_arena_free(&d->arena);
	sb_arena_init(&d->arena);
	d->nhits = 0;
	take_cells(&d->cur, &d->ncur, &d->capcur, cells, n);
	d->cur_ts = ts;
	for (i = 0; i < d->ncur; i++) {
		const struct sb_kcell *c = &d->cur[i];
		uint64_t prev = 0, delta;
		struct sb_covhit *h;
		while (j < d->nbase && cellcmp(&d->base[j], c) < 0)
			j++;
		if (j < d->nbase && cellcmp(&d->base[j], c) == 0)
			prev = d->base[j].count;
		delta = c->count >= prev ? c->count - prev : c->count;
		if (!delta)
			continue;
		h = newhit(d);
		h->rule = c->rule;
		h->operation = opname(d->t, c->op);
		h->decision = c->deny ? SB_DEC_DENY : SB_DEC_ALLOW;
		h->decided = delta;
		h->first_ns = d->base_ts;
		h->last_ns = ts;
		total += delta;
	}
	if (d->npending > d->capevents) {
		d->capevents = d->cappending;
		d->events = xrealloc(d->events, (size_t)d->capevents *
		    sizeof *d->events);
	}
	for (k = 0; k < d->npending; k++)
		sample_rows(d, k, out);
	d->nbatched = d->npending;
	out->hits = d->hits;
	out->nhits = d->nhits;
	out->events = d->events;
	out->nevents = d->npending;
	out->accesses = total;
	return total;
}

void
sb_drain_committed(struct sb_drain *d)
{
	struct sb_kcell *t = d->base;
	uint32_t cap = d->capbase;

	d->base = d->cur;
	d->nbase = d->ncur;
	d->capbase = d->capcur;
	d->base_ts = d->cur_ts;
	d->cur = t;
	d->capcur = cap;
	d->ncur = 0;
	if (d->nbatched && d->npending > d->nbatched)
		memmove(d->pending, d->pending + d->nbatched,
		    (size_t)(d->npending - d->nbatched) * sizeof *d->pending);
	d->npending -= d->nbatched;
	d->seq += d->nbatched;
	d->nbatched = 0;
}
