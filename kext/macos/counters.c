/*
** counters.c: the per-profile counter table and sample ring of
** counters.h. Writers (hooks) use only atomics; the ring's slots go
** FREE -> BUSY (a writer claimed it) -> READY (published) -> FREE (the
** reader took it), so a reader never sees half a sample and a writer
** never overwrites one the reader has not taken.
*/
#include "kext/macos/counters.h"

/* Slots a writer tries before it counts the sample as dropped. */
enum { PROBES = 8 };

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t
sb_kcounters_bytes(uint32_t nrules, uint32_t ncols, uint32_t nslots,
                   size_t limit)
{
	uint64_t rows = (uint64_t)nrules + 1;
	uint64_t cells = rows * ncols * 2;
	uint64_t total;

	if (ncols == 0 || ncols > SB_KCOUNTERS_MAX_SLOTS || cells > UINT32_MAX)
		return 0;
	total = cells * sizeof(uint64_t) + align8((size_t)rows * 4) +
	        (uint64_t)nslots * sizeof(struct sb_kslot);
	if (total > limit)
		return 0;
	return (size_t)total;
}

int
sb_kcounters_init(struct sb_kcounters *c, void *mem, size_t memsize,
                  uint32_t nrules, const uint16_t *cols, uint32_t ncols,
                  uint32_t k, uint32_t nslots)
{
	size_t need = sb_kcounters_bytes(nrules, ncols, nslots, SIZE_MAX);
	uint8_t *p = mem;
	uint32_t i;

	memset(c, 0, sizeof *c);
	if (need == 0 || memsize < need || ((uintptr_t)mem & 7))
		return -1;
	for (i = 0; i < ncols; i++) {
		if (cols[i] >= SB_KCOUNTERS_MAX_SLOTS || c->col[cols[i]])
			return -1;
		c->col[cols[i]] = (uint16_t)(i + 1);
		c->slot_of[i] = cols[i];
	}
	memset(mem, 0, need);
	c->nrules = nrules;
	c->ncols = ncols;
	c->k = k;
	c->nslots = nslots;
	c->cells = (uint64_t *)(void *)p;
	p += ((size_t)nrules + 1) * ncols * 2 * sizeof(uint64_t);
	c->taken = (uint32_t *)(void *)p;
	p += align8(((size_t)nrules + 1) * 4);
	c->slots = nslots ? (struct sb_kslot *)(void *)p : NULL;
	return 0;
}

/* Flat index of (RULE, OP, DENY), or -1 when the table lacks it. */
static int64_t
cell_index(const struct sb_kcounters *c, uint32_t rule, uint16_t op,
           bool deny)
{
	uint32_t col;

	if (rule > c->nrules || op >= SB_KCOUNTERS_MAX_SLOTS || !c->col[op])
		return -1;
	col = c->col[op] - 1u;
	return ((int64_t)rule * c->ncols + col) * 2 + (deny ? 1 : 0);
}

void
sb_kcounters_count(struct sb_kcounters *c, uint16_t op,
                   const struct sb_verdict *v)
{
	int64_t i = cell_index(c, v->rule, op, v->deny != 0);

	SB_ATOMIC_ADD(&c->evals, 1);
	if (i < 0) {
		SB_ATOMIC_ADD(&c->unmapped, 1);
		return;
	}
	SB_ATOMIC_ADD(&c->cells[i], 1);
}

bool
sb_kcounters_want(const struct sb_kcounters *c, uint32_t rule)
{
	return c->nslots && rule <= c->nrules &&
	       SB_ATOMIC_LOAD(&c->taken[rule]) < c->k;
}

/* Copy the facts of Q into S, strings into its text. */
static void
copy_facts(struct sb_ksample *s, const struct sb_query *q)
{
	uint32_t i;

	for (i = 0; i < q->nfacts && i < SB_QUERY_MAX_FACTS; i++) {
		const struct sb_fact *f = &q->facts[i];
		struct sb_ksfact *o;
		uint32_t len = f->s ? f->len : 0;

		if (f->kind != SB_FACT_STRING && f->kind != SB_FACT_INT &&
		    f->kind != SB_FACT_BOOL && f->kind != SB_FACT_NETWORK)
			continue;       /* entitlements: hooks make none */
		if (s->nfacts == SB_KSAMPLE_FACTS ||
		    len > (uint32_t)SB_KSAMPLE_TEXT - s->textlen) {
			s->flags |= SB_KSAMPLE_TRUNCATED;
			continue;
		}
		o = &s->facts[s->nfacts++];
		o->filter = f->filter;
		o->kind = f->kind;
		o->i = f->i;
		o->port = f->kind == SB_FACT_NETWORK ? f->port : -1;
		o->off = s->textlen;
		o->len = (uint16_t)len;
		if (len) {
			memcpy(s->text + s->textlen, f->s, len);
			s->textlen = (uint16_t)(s->textlen + len);
		}
	}
}

int
sb_kcounters_sample(struct sb_kcounters *c, const struct sb_query *q,
                    const struct sb_verdict *v, int32_t pid, int64_t ts)
{
	struct sb_kslot *slot = NULL;
	struct sb_ksample *s;
	uint32_t start, i;

	if (!sb_kcounters_want(c, v->rule))
		return 0;
	if (SB_ATOMIC_FETCH_ADD(&c->taken[v->rule], 1) >= c->k)
		return 0;       /* another thread took the last of the quota */
	start = SB_ATOMIC_FETCH_ADD(&c->probe, 1);
	for (i = 0; i < PROBES && i < c->nslots; i++) {
		struct sb_kslot *x = &c->slots[(start + i) % c->nslots];
		uint32_t expect = SB_KSLOT_FREE;
		if (SB_ATOMIC_CAS(&x->state, &expect, SB_KSLOT_BUSY)) {
			slot = x;
			break;
		}
	}
	if (!slot) {
		SB_ATOMIC_ADD(&c->dropped, 1);
		SB_ATOMIC_SUB(&c->taken[v->rule], 1);
		return 0;
	}
	s = &slot->s;
	s->seq = SB_ATOMIC_FETCH_ADD(&c->seq, 1);
	s->ts = ts;
	s->pid = pid;
	s->rule = v->rule;
	s->op = q->op;
	s->deny = v->deny ? 1 : 0;
	s->flags = v->missing ? SB_KSAMPLE_MISSING : 0;
	s->nfacts = 0;
	s->textlen = 0;
	copy_facts(s, q);
	SB_ATOMIC_RELEASE(&slot->state, SB_KSLOT_READY);
	return 1;
}

uint32_t
sb_kcounters_size(const struct sb_kcounters *c)
{
	return (c->nrules + 1) * c->ncols * 2;
}

uint32_t
sb_kcounters_read(const struct sb_kcounters *c, uint32_t start,
                  struct sb_kcell *out, uint32_t max, uint32_t *next)
{
	uint32_t size = sb_kcounters_size(c), i, n = 0;

	for (i = start; i < size && n < max; i++) {
		uint64_t v = SB_ATOMIC_LOAD(&c->cells[i]);
		if (!v)
			continue;
		out[n].rule = i / (c->ncols * 2);
		out[n].op = c->slot_of[(i / 2) % c->ncols];
		out[n].deny = (uint8_t)(i & 1);
		out[n].count = v;
		n++;
	}
	*next = i < size ? i : size;
	return n;
}

uint32_t
sb_kcounters_take(struct sb_kcounters *c, sb_ksample_fn fn, void *ctx)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->nslots; i++) {
		struct sb_kslot *x = &c->slots[i];
		if (SB_ATOMIC_ACQUIRE(&x->state) != SB_KSLOT_READY)
			continue;
		if (fn(ctx, &x->s) < 0)
			break;
		SB_ATOMIC_RELEASE(&x->state, SB_KSLOT_FREE);
		n++;
	}
	return n;
}
