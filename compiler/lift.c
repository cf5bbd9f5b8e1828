/*
** lift.c: a validated blob -> struct sb_graph (DESIGN.md §2.7, FORMAT.md
** §18.2). Node ids are the blob's node indices; argument offsets become
** item ids, read by the kind the target gives each filter (kext/decode.c
** sb_bin_filter_arg()); arguments of filters the target does not know
** stay immediates, which the preserving emission writes back unchanged.
**
** With PRESERVE each data offset is one item at that offset, and every
** stretch of the data area that no item covers and that holds a non-zero
** byte is kept as an opaque run (the bundles have such runs, §13; so has
** the worked example of §11). The data area's size is kept too, so the
** preserving emission ends the file where the blob ended.
**
** What the decoder cannot check without memory is checked here: one
** offset used as two item kinds, and (with PRESERVE) overlapping items.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"
#include "common/util.h"
#include "compiler/graph.h"

#define NONE SB_GRAPH_NONE

struct lifter {
	struct sb_graph *g;
	const struct sb_bin *bin;
	int preserve;
	struct sb_diag *d;
	uint32_t *imap;         /* data offset -> item id, 65536 entries */
	int errors;
};

static void SB_PRINTF(2, 3)
lerr(struct lifter *l, const char *fmt, ...)
{
	struct sb_span none = { SB_NOSRC, 0, 0 };
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	l->errors++;
	if (l->d)
		sb_diag(l->d, SB_ERROR, NULL, none, "%s", msg);
}

/* ORDER: enum sb_item_kind. */
static const char *const kind_names[] = {
	"none", "string", "pattern", "regex", "bitmask", "network item"
};

/* Bytes of the (validated) item of KIND at P. */
static uint32_t
item_len(enum sb_item_kind kind, const uint8_t *p)
{
	switch (kind) {
	case SB_ITEM_BITMASK:
		return 4u + sb_bin_rd16(p + 2);
	case SB_ITEM_NETWORK:
		return 4;
	default:
		return 2u + sb_bin_rd16(p);
	}
}

/* The item of KIND at data offset OFF, made on first reference. */
static uint32_t
litem(struct lifter *l, enum sb_item_kind kind, uint16_t off)
{
	const uint8_t *p;
	uint32_t id = l->imap[off];

	if (id != NONE) {
		if (l->g->items[id].kind != kind)
			lerr(l, "data offset %u is used as a %s and as a %s",
			    off, kind_names[l->g->items[id].kind],
			    kind_names[kind]);
		return id;
	}
	p = sb_bin_item(l->bin, off);
	if (l->preserve)
		id = sb_graph_item_raw(l->g, kind, p, item_len(kind, p), off);
	else
		id = sb_graph_item(l->g, kind, p, item_len(kind, p));
	l->imap[off] = id;
	return id;
}

static void
lift_table(struct lifter *l, struct sb_gids *ids, uint32_t tab, uint32_t n,
    enum sb_item_kind kind)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		sb_graph_ids_add(l->g, ids,
		    litem(l, kind, sb_bin_tab(l->bin, tab, i)));
}

static void
lift_tables(struct lifter *l)
{
	const struct sb_bin *b = l->bin;
	uint32_t i;

	lift_table(l, &l->g->regexes, b->regex_tab, b->regex_count,
	    SB_ITEM_REGEX);
	lift_table(l, &l->g->vars, b->var_tab, b->var_count, SB_ITEM_STRING);
	lift_table(l, &l->g->states, b->state_tab, b->state_count,
	    SB_ITEM_STRING);
	lift_table(l, &l->g->xs, b->x_tab, b->x_count, SB_ITEM_STRING);
	lift_table(l, &l->g->pflags, b->pflag_tab, b->pflag_count,
	    SB_ITEM_STRING);
	for (i = 0; i < b->policy_count; i++)
		sb_graph_ids_add(l->g, &l->g->policies,
		    sb_bin_tab(b, b->policy_tab, i));
}

static void
lift_records(struct lifter *l)
{
	const struct sb_bin *b = l->bin;
	struct sb_graph *g = l->g;
	struct sb_gprofile *r;
	uint32_t p, op;

	if (!(b->type & SB_BIN_BUNDLE)) {
		for (op = 0; op < b->op_count; op++)
			g->entries[op] = sb_bin_entry(b, 0, op);
		g->dflt = b->node_count - 1u;
		return;
	}
	g->nprofiles = b->profile_count;
	g->profiles = sb_arena_calloc(g->arena,
	    g->nprofiles * sizeof *g->profiles);
	for (p = 0; p < g->nprofiles; p++) {
		r = &g->profiles[p];
		r->name = litem(l, SB_ITEM_STRING, sb_bin_record_word(b, p, 0));
		r->flags = sb_bin_record_word(b, p, 1);
		r->a = b->record_words > 2 ? sb_bin_record_word(b, p, 2) : 0;
		r->b = NONE;
		if (b->record_words > 3 && sb_bin_record_word(b, p, 3))
			r->b = litem(l, SB_ITEM_BITMASK,
			    sb_bin_record_word(b, p, 3));
		r->entries = sb_arena_alloc(g->arena,
		    b->op_count * sizeof *r->entries);
		for (op = 0; op < b->op_count; op++)
			r->entries[op] = sb_bin_entry(b, p, op);
	}
}

static void
lift_test(struct lifter *l, const uint8_t *rec, struct sb_gnode *n)
{
	uint16_t arg = sb_bin_rd16(rec + 2);

	n->kind = SB_GN_TEST;
	n->filter = rec[1];
	n->match = sb_bin_rd16(rec + 4);
	n->unmatch = sb_bin_rd16(rec + 6);
	n->argkind = SB_GARG_IMM;
	n->arg = arg;
	switch (sb_bin_filter_arg(l->bin->target, rec[1])) {
	case SB_BARG_STRING:
		n->argkind = SB_GARG_ITEM;
		n->arg = litem(l, SB_ITEM_STRING, arg);
		break;
	case SB_BARG_PATTERN:
		n->argkind = SB_GARG_ITEM;
		n->arg = litem(l, SB_ITEM_PATTERN, arg);
		break;
	case SB_BARG_BITMASK:
		n->argkind = SB_GARG_ITEM;
		n->arg = litem(l, SB_ITEM_BITMASK, arg);
		break;
	case SB_BARG_NETWORK:
		n->argkind = SB_GARG_ITEM;
		n->arg = litem(l, SB_ITEM_NETWORK, arg);
		break;
	case SB_BARG_REGEX:
		n->argkind = SB_GARG_REGEX;
		break;
	case SB_BARG_STATE:
		n->argkind = SB_GARG_STATE;
		break;
	case SB_BARG_PFLAG:
		n->argkind = SB_GARG_PFLAG;
		break;
	default:
		break;
	}
}

static void
lift_leaf(struct lifter *l, const uint8_t *rec, uint32_t i,
    struct sb_gnode *n)
{
	n->kind = SB_GN_LEAF;
	n->flags = sb_bin_flags(rec);
	n->inline_id = rec[4];
	n->inline_aux = rec[5];
	n->argkind = SB_GARG_IMM;
	n->arg = sb_bin_rd16(rec + 6);
	n->match = n->unmatch = NONE;
	if ((n->flags & SB_BIN_INLINE) &&
	    sb_bin_inline_arg(l->bin->target, rec[4]) == SB_BARG_STRING) {
		n->argkind = SB_GARG_ITEM;
		n->arg = litem(l, SB_ITEM_STRING, (uint16_t)n->arg);
	}
	n->rule = l->bin->rule_map ? l->bin->rule_map[i] : 0;
}

static void
lift_nodes(struct lifter *l)
{
	struct sb_gnode n;
	const uint8_t *rec;
	uint32_t i;

	for (i = 0; i < l->bin->node_count; i++) {
		rec = sb_bin_node(l->bin, i);
		memset(&n, 0, sizeof n);
		if (rec[0] == SB_BIN_TAG_TEST)
			lift_test(l, rec, &n);
		else
			lift_leaf(l, rec, i, &n);
		sb_graph_node_raw(l->g, &n);
	}
}

struct span {
	uint32_t start, end;
};

static int
span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end < b->end ? -1 : a->end > b->end;
}

/* Keep the non-zero part of the data bytes [START, END) as opaque. */
static void
keep_gap(struct lifter *l, uint32_t start, uint32_t end, uint32_t *cap)
{
	const uint8_t *data = l->bin->bytes + l->bin->data_base;
	struct sb_graph *g = l->g;
	struct sb_gopaque *o;

	while (start < end && data[start] == 0)
		start++;
	while (end > start && data[end - 1] == 0)
		end--;
	if (start == end)
		return;
	if (g->nopaque == *cap) {
		struct sb_gopaque *v;

		*cap = *cap ? 2 * *cap : 8;
		v = sb_arena_alloc(g->arena, *cap * sizeof *v);
		if (g->nopaque)
			memcpy(v, g->opaque, g->nopaque * sizeof *v);
		g->opaque = v;
	}
	o = &g->opaque[g->nopaque++];
	o->off = start;
	o->len = end - start;
	o->bytes = sb_arena_memdup(g->arena, data + start, o->len);
}

/* Preserve: items must not overlap; what lies between them is kept. */
static void
lift_data(struct lifter *l)
{
	struct sb_graph *g = l->g;
	struct span *s = xmalloc((g->nitems + 1) * sizeof *s);
	uint32_t i, cursor = 0, cap = 0;

	g->data_size = l->bin->size - l->bin->data_base;
	for (i = 0; i < g->nitems; i++) {
		s[i].start = g->items[i].place * SB_BIN_ALIGN;
		s[i].end = s[i].start + g->items[i].len;
	}
	qsort(s, g->nitems, sizeof *s, span_cmp);
	for (i = 0; i < g->nitems; i++) {
		if (s[i].start < cursor) {
			lerr(l, "items at data offsets %u and %u overlap",
			    s[i - 1].start / SB_BIN_ALIGN,
			    s[i].start / SB_BIN_ALIGN);
			break;
		}
		keep_gap(l, cursor, s[i].start, &cap);
		cursor = s[i].end;
	}
	if (!l->errors && cursor <= g->data_size)
		keep_gap(l, cursor, g->data_size, &cap);
	free(s);
}

struct sb_graph *
sb_lift(struct sb_arena *a, const struct sb_bin *bin, int preserve,
    struct sb_diag *d)
{
	struct lifter l;
	uint32_t i;

	memset(&l, 0, sizeof l);
	l.bin = bin;
	l.preserve = preserve;
	l.d = d;
	l.g = sb_graph_new(a, bin->target);
	l.g->type = bin->type;
	l.g->lifted = 1;
	l.g->placed = preserve;
	l.imap = xmalloc((SB_BIN_MAX_OFFSET + 1) * sizeof *l.imap);
	for (i = 0; i <= SB_BIN_MAX_OFFSET; i++)
		l.imap[i] = NONE;
	lift_tables(&l);
	lift_records(&l);
	lift_nodes(&l);
	if (preserve && !l.errors)
		lift_data(&l);
	free(l.imap);
	return l.errors ? NULL : l.g;
}

/* ---------------------------------------------------------------- dumps */

const struct sb_target *
sb_graph_guess_target(const void *bytes, size_t len)
{
	const struct sb_target *const *all;
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;
	unsigned n, i;

	all = sb_target_format_all(&n);
	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof o);
		o.target = all[i];
		if (sb_decode(&bin, bytes, len, &o, &e) == 0)
			return all[i];
	}
	return NULL;
}

static void
warn_to_diag(void *ctx, uint32_t offset, const char *msg)
{
	struct sb_span none = { SB_NOSRC, 0, 0 };

	if (ctx)
		sb_diag(ctx, SB_WARNING, NULL, none, "blob offset %u: %s",
		    offset, msg);
}

int
sb_graph_dump_blob(FILE *f, const void *bytes, size_t len,
    const struct sb_target *t, struct sb_diag *d)
{
	struct sb_span none = { SB_NOSRC, 0, 0 };
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;
	struct sb_arena a;
	struct sb_graph *g;

	if (!t)
		t = sb_graph_guess_target(bytes, len);
	if (!t) {
		if (d)
			sb_diag(d, SB_ERROR, NULL, none, "blob does not decode "
			    "under any known format profile");
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.target = t;
	o.warn = warn_to_diag;
	o.warn_ctx = d;
	if (sb_decode(&bin, bytes, len, &o, &e) < 0) {
		if (d)
			sb_diag(d, SB_ERROR, NULL, none, "blob offset %u: %s "
			    "(target %s)", e.offset, e.msg, t->name);
		return -1;
	}
	sb_arena_init(&a);
	g = sb_lift(&a, &bin, 1, d);
	if (g)
		sb_graph_dump(g, f);
	sb_arena_free(&a);
	return g ? 0 : -1;
}
