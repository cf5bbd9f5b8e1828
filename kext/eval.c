/*
** eval.c: the graph walk (DESIGN.md §2.7, FORMAT.md §5.1) and the
** filter tests of kext/query.h. It trusts the blob: sb_decode() proved
** every offset, index and edge, so the walk checks only the query. The
** matchers are pattern_vm.c and regex_vm.c; what a fact means for each
** argument kind is documented in kext/query.h.
*/
#include "kext/eval.h"

/* One walk: the blob, the query and what the tests carry along. */
struct walk {
	const struct sb_bin *bin;
	const struct sb_query *q;
	struct sb_scratch *sc;
	uint32_t budget;
	const uint8_t *loaded;  /* key item of the last %entitlement-load */
	bool missing;
};

static bool
same(const char *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The bytes and length (NUL excluded) of the string item at OFF. */
static const uint8_t *
string_at(const struct sb_bin *b, uint16_t off, uint32_t *len)
{
	const uint8_t *item = sb_bin_item(b, off);

	*len = sb_bin_rd16(item) - 1u;
	return item + 2;
}

static const struct sb_qvar *
find_var(const void *ctx, uint32_t index)
{
	const struct walk *w = ctx;
	const struct sb_bin *b = w->bin;
	const uint8_t *name;
	uint32_t len, i;

	if (index >= b->var_count)
		return NULL;
	name = string_at(b, sb_bin_tab(b, b->var_tab, index), &len);
	for (i = 0; i < w->q->nvars; i++)
		if (same(w->q->vars[i].name.s, w->q->vars[i].name.len, name,
		         len))
			return &w->q->vars[i];
	return NULL;
}

/* Pattern item at OFF, or regex K (ALT), against S/SLEN: 1, 0 or -1. */
static int
string_match(struct walk *w, bool alt, uint16_t arg, const char *s,
             uint32_t slen)
{
	const uint8_t *item;

	if (alt) {
		item = sb_bin_item(w->bin, sb_bin_tab(w->bin, w->bin->regex_tab,
		                                      arg));
		return sb_regex_run(item + 8, sb_bin_rd16(item + 6), s, slen,
		                    w->sc, &w->budget);
	}
	item = sb_bin_item(w->bin, arg);
	return sb_pattern_run(item + 2, sb_bin_rd16(item), s, slen, find_var,
	                      w, w->sc, &w->budget);
}

static bool
is_localhost(const struct sb_fact *f)
{
	const uint8_t *h = (const uint8_t *)f->s;

	return h && (same(f->s, f->len, (const uint8_t *)"localhost", 9) ||
	             same(f->s, f->len, (const uint8_t *)"127.0.0.1", 9) ||
	             (f->len == 3 && h[0] == ':' && h[1] == ':' &&
	              h[2] == '1'));
}

/* A network item (FORMAT.md §7.2) against a NETWORK fact. */
static bool
network_match(const uint8_t *item, const struct sb_fact *f)
{
	uint32_t proto = item[0], place = item[1];
	uint32_t port = sb_bin_rd16(item + 2);

	if (!(proto & 3 & f->i))
		return false;
	if ((proto & 12) && !(proto & 12 & f->i))
		return false;
	if (place == 1 ? !is_localhost(f) : place != 0)
		return false;
	return port == 0 || (f->port >= 0 && (uint32_t)f->port == port);
}

static bool
bitmask_has(const uint8_t *item, uint32_t v)
{
	uint32_t nbytes = sb_bin_rd16(item + 2);

	return v < 8 * nbytes && (item[4 + (v >> 3)] >> (v & 7) & 1);
}

/* Whether fact F satisfies the test FILTER/ARG of kind KIND: 1, 0, -1. */
static int
fact_test(struct walk *w, enum sb_bin_arg kind, uint8_t filter, uint16_t arg,
          const struct sb_fact *f)
{
	const struct sb_bin *b = w->bin;
	const uint8_t *p;
	uint32_t len;

	switch (kind) {
	case SB_BARG_PATTERN:
	case SB_BARG_REGEX:
		if (f->kind != SB_FACT_STRING)
			return 0;
		return string_match(w, kind == SB_BARG_REGEX, arg, f->s,
		                    f->len);
	case SB_BARG_STRING:
		p = string_at(b, arg, &len);
		return f->kind == SB_FACT_STRING && same(f->s, f->len, p, len);
	case SB_BARG_IMM:
		if (f->kind != SB_FACT_INT && f->kind != SB_FACT_BOOL)
			return 0;
		if (b->target->filters[filter & 0x7f].argkind ==
		    SB_ARG_BITFIELD)
			return (f->i & arg) == arg;
		return f->i == arg;
	case SB_BARG_BOOL:
		return (f->kind == SB_FACT_BOOL || f->kind == SB_FACT_INT) &&
		       (f->i != 0) == (arg != 0);
	case SB_BARG_BITMASK:
		return f->kind == SB_FACT_INT &&
		       bitmask_has(sb_bin_item(b, arg), f->i);
	case SB_BARG_NETWORK:
		return f->kind == SB_FACT_NETWORK &&
		       network_match(sb_bin_item(b, arg), f);
	case SB_BARG_STATE:
		p = (const uint8_t *)sb_bin_table_string(b, b->state_tab, arg,
		                                         &len);
		return f->kind == SB_FACT_STRING && same(f->s, f->len, p, len);
	case SB_BARG_PFLAG:
		p = (const uint8_t *)sb_bin_table_string(b, b->pflag_tab, arg,
		                                         &len);
		return f->kind == SB_FACT_STRING && same(f->s, f->len, p, len);
	default:
		return 0;
	}
}

static bool
is_ent(const struct sb_fact *f)
{
	return f->kind >= SB_FACT_ENT_BOOL && f->kind <= SB_FACT_ENT_OTHER;
}

/* Entitlement fact with key KEY (a string item body) of kind KIND (0: any). */
static const struct sb_fact *
ent_find(const struct walk *w, const uint8_t *key, uint32_t klen,
         uint8_t kind)
{
	const struct sb_fact *f;
	uint32_t i;

	for (i = 0; i < w->q->nfacts; i++) {
		f = &w->q->facts[i];
		if (is_ent(f) && (kind == 0 || f->kind == kind) &&
		    same(f->s, f->len, key, klen))
			return f;
	}
	return NULL;
}

/* The %entitlement-* filters (kext/query.h): 1, 0 or -1. */
static int
ent_test(struct walk *w, uint8_t filter, uint16_t arg)
{
	const struct sb_bin *b = w->bin;
	const struct sb_fact *f;
	const uint8_t *key;
	uint32_t klen, i;
	uint8_t id = filter & 0x7f;
	int r;

	for (i = 0; i < w->q->nfacts && !is_ent(&w->q->facts[i]); i++)
		;
	if (i == w->q->nfacts) {
		/* no entitlement facts at all: unknown, as in match.c */
		w->missing = true;
		if (id == b->f_ent_load)
			w->loaded = NULL;
		return 0;
	}
	if (id == b->f_ent_load || id == b->f_ent_present ||
	    id == b->f_ent_true) {
		key = string_at(b, arg, &klen);
		if (id == b->f_ent_true) {
			f = ent_find(w, key, klen, SB_FACT_ENT_BOOL);
			return f && f->i;
		}
		f = ent_find(w, key, klen, 0);
		if (id == b->f_ent_load)
			w->loaded = f ? key - 2 : NULL;
		return f != NULL;
	}
	if (!w->loaded)
		return 0;
	key = w->loaded + 2;
	klen = sb_bin_rd16(w->loaded) - 1u;
	if (id == b->f_ent_bool) {
		f = ent_find(w, key, klen, SB_FACT_ENT_BOOL);
		return f && (f->i != 0) == (arg != 0);
	}
	for (i = 0; i < w->q->nfacts; i++) {
		f = &w->q->facts[i];
		if (f->kind != SB_FACT_ENT_STRING ||
		    !same(f->s, f->len, key, klen))
			continue;
		r = string_match(w, (filter & SB_BIN_FILTER_ALT) != 0, arg,
		                 f->v, f->vlen);
		if (r != 0)
			return r;
	}
	return 0;
}

static bool
is_ent_filter(const struct sb_bin *b, uint8_t id)
{
	return id != 0 && (id == b->f_ent_load || id == b->f_ent_bool ||
	                   id == b->f_ent_string || id == b->f_ent_present ||
	                   id == b->f_ent_true);
}

/* The test record REC: 1 (match), 0 or -1 (budget). */
static int
test(struct walk *w, const uint8_t *rec)
{
	uint8_t filter = rec[1], id = filter & 0x7f;
	uint16_t arg = sb_bin_rd16(rec + 2);
	enum sb_bin_arg kind;
	const struct sb_fact *f;
	bool any = false;
	uint32_t i;
	int r;

	if (is_ent_filter(w->bin, id))
		return ent_test(w, filter, arg);
	kind = sb_bin_filter_arg(w->bin->target, filter);
	for (i = 0; i < w->q->nfacts; i++) {
		f = &w->q->facts[i];
		if (f->filter != id || is_ent(f))
			continue;
		any = true;
		r = fact_test(w, kind, filter, arg, f);
		if (r != 0)
			return r;
	}
	if (!any)
		w->missing = true;
	return 0;
}

int
sb_eval(const struct sb_bin *bin, const struct sb_query *query,
        struct sb_scratch *scratch, struct sb_verdict *out)
{
	struct walk w;
	const uint8_t *rec;
	uint32_t n, steps;
	int r;

	memset(out, 0, sizeof *out);
	if (query->op >= bin->op_count ||
	    query->profile >= sb_bin_nprofiles(bin) ||
	    query->nfacts > SB_QUERY_MAX_FACTS)
		return SB_EVAL_BADQUERY;
	w.bin = bin;
	w.q = query;
	w.sc = scratch;
	w.budget = SB_EVAL_BUDGET;
	w.loaded = NULL;
	w.missing = false;
	n = sb_bin_entry(bin, query->profile, query->op);
	/* edges go forward, so the walk ends within node_count steps */
	for (steps = 0; steps < bin->node_count; steps++) {
		rec = sb_bin_node(bin, n);
		if (rec[0] == SB_BIN_TAG_TERMINAL) {
			out->flags = sb_bin_flags(rec);
			out->deny = out->flags & SB_BIN_DENY;
			out->inline_id = rec[4];
			out->inline_aux = rec[5];
			out->inline_arg = sb_bin_rd16(rec + 6);
			out->terminal = n;
			out->rule = bin->rule_map ? bin->rule_map[n] : 0;
			out->missing = w.missing;
			return SB_EVAL_OK;
		}
		out->tests++;
		r = test(&w, rec);
		if (r < 0) {
			out->missing = w.missing;
			return SB_EVAL_EXHAUSTED;
		}
		n = sb_bin_rd16(rec + (r ? 4 : 6));
	}
	return SB_EVAL_BADQUERY;        /* not reached for a decoded blob */
}
