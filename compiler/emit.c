/*
** emit.c: graph -> bytes (DESIGN.md §2.6, FORMAT.md §3, §10, §12). It
** decides node numbering and item placement and writes header, tables,
** op tables or bundle records, padding, nodes and data; it checks every
** format limit and the consistency of the graph with the target's filter
** kinds. It does not decide what the graph is (lower.c, lift.c) and does
** not validate its own output (sbplc runs kext/decode.c on it).
**
** Numbering (SB_EMIT_COMPACT): built graphs create a node after its
** successors, so descending id order makes every edge point forward;
** lifted graphs have edges towards larger ids, so ascending order does.
** The default terminal, a leaf, is then moved last. Either way the
** result is checked edge by edge.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/util.h"
#include "compiler/emit.h"

#define NONE SB_GRAPH_NONE

struct em {
	const struct sb_graph *g;
	const struct sb_target *t;
	enum sb_emit_mode mode;
	struct sb_diag *d;
	int errors;
	uint32_t dflt;          /* single profile: the default terminal */
	uint32_t *order;        /* emitted index -> node id */
	uint32_t n;             /* emitted nodes */
	uint32_t *index;        /* node id -> emitted index, or NONE */
	uint32_t *ioff;         /* item id -> data offset, or NONE */
	struct sb_buf data;     /* the data area */
	int data_full;          /* the 512 KiB limit was reported */
};

static void SB_PRINTF(2, 3)
err(struct em *e, const char *fmt, ...)
{
	struct sb_span none = { SB_NOSRC, 0, 0 };
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->errors++;
	if (e->d)
		sb_diag(e->d, SB_ERROR, NULL, none, "%s", msg);
}

static int
bundle(const struct sb_graph *g)
{
	return g->nprofiles > 0;
}

/* ------------------------------------------------------------ numbering */

static void
push(uint32_t *stack, uint32_t *sp, uint8_t *seen, uint32_t nnodes,
    uint32_t id)
{
	if (id >= nnodes || seen[id])
		return;
	seen[id] = 1;
	stack[(*sp)++] = id;
}

/* Mark in SEEN every node reachable from the op tables and policies. */
static void
reach(struct em *e, uint8_t *seen)
{
	const struct sb_graph *g = e->g;
	uint32_t *stack = xmalloc((g->nnodes + 1) * sizeof *stack);
	uint32_t sp = 0, op, p;
	const struct sb_gnode *n;

	if (bundle(g)) {
		for (p = 0; p < g->nprofiles; p++)
			for (op = 0; op < e->t->op_count; op++)
				push(stack, &sp, seen, g->nnodes,
				    g->profiles[p].entries[op]);
	} else {
		push(stack, &sp, seen, g->nnodes, e->dflt);
		for (op = 0; op < e->t->op_count; op++)
			push(stack, &sp, seen, g->nnodes, sb_graph_entry(g, op));
	}
	for (p = 0; p < g->policies.n; p++)
		push(stack, &sp, seen, g->nnodes, g->policies.v[p]);
	while (sp > 0) {
		n = &g->nodes[stack[--sp]];
		if (n->kind != SB_GN_TEST)
			continue;
		push(stack, &sp, seen, g->nnodes, n->match);
		push(stack, &sp, seen, g->nnodes, n->unmatch);
	}
	free(stack);
}

static void
number_compact(struct em *e)
{
	const struct sb_graph *g = e->g;
	uint8_t *seen = xcalloc(g->nnodes + 1, 1);
	uint32_t k, id;

	reach(e, seen);
	for (k = 0; k < g->nnodes; k++) {
		id = g->lifted ? k : g->nnodes - 1 - k;
		if (seen[id] && id != e->dflt)
			e->order[e->n++] = id;
	}
	if (e->dflt != NONE && seen[e->dflt])
		e->order[e->n++] = e->dflt;
	free(seen);
}

static void
number_preserve(struct em *e)
{
	for (e->n = 0; e->n < e->g->nnodes; e->n++)
		e->order[e->n] = e->n;
}

struct share {
	uint32_t rule, nodes;
};

static int
share_cmp(const void *x, const void *y)
{
	const struct share *a = x, *b = y;

	if (a->nodes != b->nodes)
		return a->nodes > b->nodes ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/*
** Name the rules contributing most nodes (DESIGN.md §2.6). A test is
** charged to the rule whose leaf its match edges lead to: lowering puts
** a rule's tests on the way to its own leaf (FORMAT.md §5.2 rule 3).
*/
static void
blame(struct em *e)
{
	const struct sb_graph *g = e->g;
	struct sb_span none = { SB_NOSRC, 0, 0 };
	uint32_t *rule = xmalloc((g->nnodes + 1) * sizeof *rule);
	struct share *s;
	uint32_t k, id, n = 0, maxrule = 0;
	const struct sb_gnode *x;

	/* successors first: ascending ids for built graphs, else descending */
	for (k = 0; k < g->nnodes; k++) {
		id = g->lifted ? g->nnodes - 1 - k : k;
		x = &g->nodes[id];
		if (x->kind == SB_GN_LEAF)
			rule[id] = x->rule;
		else
			rule[id] = x->match < g->nnodes ? rule[x->match] : 0;
		if (rule[id] > maxrule)
			maxrule = rule[id];
	}
	s = xcalloc(maxrule + 1, sizeof *s);
	for (k = 0; k < e->n; k++)
		s[rule[e->order[k]]].nodes++;
	for (k = 0; k <= maxrule; k++)
		if (s[k].nodes && k) {
			s[n].rule = k;
			s[n++].nodes = s[k].nodes;
		}
	qsort(s, n, sizeof *s, share_cmp);
	for (k = 0; e->d && k < n && k < 3; k++)
		sb_diag_note(e->d, none, "rule %u contributes %u nodes",
		    s[k].rule, s[k].nodes);
	free(s);
	free(rule);
}

/* Fill index[] from order[] and check the node count and forward edges. */
static void
check_order(struct em *e)
{
	const struct sb_graph *g = e->g;
	const struct sb_gnode *n;
	uint32_t k;

	for (k = 0; k < e->n; k++)
		e->index[e->order[k]] = k;
	if (e->n > SB_BIN_MAX_NODES) {
		err(e, "profile needs %u nodes; the format allows %u", e->n,
		    (unsigned)SB_BIN_MAX_NODES);
		blame(e);
	}
	for (k = 0; k < e->n; k++) {
		n = &g->nodes[e->order[k]];
		if (n->kind != SB_GN_TEST)
			continue;
		if (n->match >= g->nnodes || n->unmatch >= g->nnodes) {
			err(e, "internal: node %u has an edge to no node",
			    e->order[k]);
			return;
		}
		if (e->index[n->match] <= k || e->index[n->unmatch] <= k) {
			err(e, "internal: node %u has an edge that does not "
			    "point forward", e->order[k]);
			return;
		}
	}
}

/* The default terminal of a single profile (FORMAT.md §3.5). */
static void
find_default(struct em *e)
{
	const struct sb_graph *g = e->g;
	uint32_t op;

	e->dflt = NONE;
	if (bundle(g))
		return;
	e->dflt = g->dflt != NONE ? g->dflt : g->entries[0];
	if (e->dflt == NONE) {
		err(e, "internal: no default terminal and no entry for the "
		    "default slot");
		return;
	}
	if (e->dflt >= g->nnodes || g->nodes[e->dflt].kind != SB_GN_LEAF) {
		err(e, "internal: the default terminal is not a leaf");
		e->dflt = NONE;
		return;
	}
	if (sb_graph_entry(g, 0) != e->dflt)
		err(e, "internal: the default slot does not enter the default "
		    "terminal");
	for (op = 0; op < e->t->op_count; op++)
		if (sb_graph_entry(g, op) >= g->nnodes) {
			err(e, "internal: op slot %u enters no node", op);
			return;
		}
}

/* ------------------------------------------------------------ placement */

static void
place(struct em *e, uint32_t item)
{
	const struct sb_gitem *it;
	uint32_t off;

	if (item >= e->g->nitems) {
		err(e, "internal: reference to item %u of %u", item,
		    e->g->nitems);
		return;
	}
	if (e->ioff[item] != NONE)
		return;
	it = &e->g->items[item];
	sb_buf_align(&e->data, SB_BIN_ALIGN);
	off = (uint32_t)(e->data.len / SB_BIN_ALIGN);
	if (off > SB_BIN_MAX_OFFSET) {
		if (!e->data_full)
			err(e, "data area exceeds the format's 512 KiB: an "
			    "item would start at data offset %u", off);
		e->data_full = 1;
		e->ioff[item] = 0;
		return;
	}
	e->ioff[item] = off;
	sb_buf_put(&e->data, it->bytes, it->len);
}

static void
place_ids(struct em *e, const struct sb_gids *ids)
{
	uint32_t i;

	for (i = 0; i < ids->n; i++)
		place(e, ids->v[i]);
}

/* First reference in file order: tables, records, then nodes. */
static void
place_compact(struct em *e)
{
	const struct sb_graph *g = e->g;
	const struct sb_gnode *n;
	uint32_t k, p;

	place_ids(e, &g->regexes);
	place_ids(e, &g->vars);
	place_ids(e, &g->states);
	place_ids(e, &g->xs);
	place_ids(e, &g->pflags);
	for (p = 0; p < g->nprofiles; p++) {
		place(e, g->profiles[p].name);
		if (g->profiles[p].b != NONE)
			place(e, g->profiles[p].b);
	}
	for (k = 0; k < e->n; k++) {
		n = &g->nodes[e->order[k]];
		if (n->argkind == SB_GARG_ITEM)
			place(e, n->arg);
		else if (n->kind == SB_GN_TEST &&
		    n->argkind == SB_GARG_REGEX && n->arg < g->regexes.n)
			place(e, g->regexes.v[n->arg]);
	}
}

static void
place_preserve(struct em *e)
{
	const struct sb_graph *g = e->g;
	const struct sb_gitem *it;
	uint32_t i, start;

	if (!g->placed) {
		err(e, "internal: preserving emission of a graph whose items "
		    "have no places");
		return;
	}
	sb_buf_reserve(&e->data, g->data_size);
	memset(e->data.data, 0, g->data_size);
	e->data.len = g->data_size;
	for (i = 0; i < g->nitems; i++) {
		it = &g->items[i];
		if (it->place == NONE)
			continue;
		start = it->place * SB_BIN_ALIGN;
		if (start > g->data_size || g->data_size - start < it->len) {
			err(e, "internal: item %u lies outside the data area",
			    i);
			continue;
		}
		memcpy(e->data.data + start, it->bytes, it->len);
		e->ioff[i] = it->place;
	}
	for (i = 0; i < g->nopaque; i++) {
		if (g->opaque[i].off > g->data_size ||
		    g->data_size - g->opaque[i].off < g->opaque[i].len) {
			err(e, "internal: opaque run %u lies outside the data "
			    "area", i);
			continue;
		}
		memcpy(e->data.data + g->opaque[i].off, g->opaque[i].bytes,
		    g->opaque[i].len);
	}
}

/* -------------------------------------------------------------- writing */

static uint16_t
item_ref(struct em *e, uint32_t item, enum sb_item_kind want)
{
	if (item >= e->g->nitems || e->ioff[item] == NONE) {
		err(e, "internal: reference to an item that has no place");
		return 0;
	}
	if (want != SB_ITEM_NONE && e->g->items[item].kind != want)
		err(e, "internal: item %u is a %s where a %s is needed", item,
		    e->g->items[item].kind == SB_ITEM_PATTERN ? "pattern" :
		    "different kind", want == SB_ITEM_STRING ? "string" :
		    want == SB_ITEM_PATTERN ? "pattern" : want ==
		    SB_ITEM_REGEX ? "regex" : want == SB_ITEM_BITMASK ?
		    "bitmask" : "network item");
	return (uint16_t)e->ioff[item];
}

static uint16_t
node_ref(struct em *e, uint32_t id)
{
	if (id >= e->g->nnodes || e->index[id] == NONE) {
		err(e, "internal: reference to a node that is not emitted");
		return 0;
	}
	return (uint16_t)e->index[id];
}

static void
put_ids(struct em *e, struct sb_buf *b, const struct sb_gids *ids,
    enum sb_item_kind want)
{
	uint32_t i;

	for (i = 0; i < ids->n; i++)
		sb_buf_put_u16le(b, item_ref(e, ids->v[i], want));
}

static void
check_count(struct em *e, uint32_t n, uint32_t max, const char *what)
{
	if (n > max)
		err(e, "profile has %u %s; the format allows %u", n, what, max);
}

static void
write_header(struct em *e, struct sb_buf *b)
{
	const struct sb_graph *g = e->g;
	uint16_t type = g->type;

	check_count(e, g->vars.n, SB_BIN_MAX_VARS, "variables");
	check_count(e, g->states.n, SB_BIN_MAX_STATES, "state flags");
	check_count(e, g->xs.n, 255, "X table entries");
	check_count(e, g->regexes.n, 65535, "regexes");
	check_count(e, g->pflags.n, 65535, "profile flags");
	check_count(e, g->policies.n, 65535, "policies");
	check_count(e, g->nprofiles, 65535, "profiles");
	if (e->t->op_count > 255)
		err(e, "internal: target has more than 255 op slots");
	if (g->pflags.n && e->t->header_size != 16)
		err(e, "profile flags need a target with a 16-byte header");
	if (bundle(g))
		type |= SB_BIN_BUNDLE;
	else
		type &= (uint16_t)~SB_BIN_BUNDLE;
	sb_buf_put_u16le(b, type);
	sb_buf_put_u16le(b, (uint16_t)e->n);
	sb_buf_putc(b, (int)(e->t->op_count & 0xff));
	sb_buf_putc(b, (int)(g->vars.n & 0xff));
	sb_buf_putc(b, (int)(g->states.n & 0xff));
	sb_buf_putc(b, (int)(g->xs.n & 0xff));
	if (e->t->header_size == 16)
		sb_buf_put_u16le(b, (uint16_t)g->pflags.n);
	sb_buf_put_u16le(b, (uint16_t)g->nprofiles);
	sb_buf_put_u16le(b, (uint16_t)g->regexes.n);
	sb_buf_put_u16le(b, (uint16_t)g->policies.n);
}

static void
write_tables(struct em *e, struct sb_buf *b)
{
	const struct sb_graph *g = e->g;
	const struct sb_gprofile *r;
	uint32_t i, p, op;

	put_ids(e, b, &g->regexes, SB_ITEM_REGEX);
	put_ids(e, b, &g->vars, SB_ITEM_STRING);
	put_ids(e, b, &g->states, SB_ITEM_STRING);
	put_ids(e, b, &g->xs, SB_ITEM_STRING);
	if (e->t->header_size == 16)
		put_ids(e, b, &g->pflags, SB_ITEM_STRING);
	for (i = 0; i < g->policies.n; i++)
		sb_buf_put_u16le(b, node_ref(e, g->policies.v[i]));
	if (!bundle(g)) {
		for (op = 0; op < e->t->op_count; op++)
			sb_buf_put_u16le(b, node_ref(e, sb_graph_entry(g, op)));
		return;
	}
	for (p = 0; p < g->nprofiles; p++) {
		r = &g->profiles[p];
		sb_buf_put_u16le(b, item_ref(e, r->name, SB_ITEM_STRING));
		sb_buf_put_u16le(b, r->flags);
		if (e->t->bundle_record_words >= 4) {
			sb_buf_put_u16le(b, r->a);
			sb_buf_put_u16le(b, r->b == NONE ? 0 :
			    item_ref(e, r->b, SB_ITEM_BITMASK));
		}
		for (op = 0; op < e->t->op_count; op++)
			sb_buf_put_u16le(b, node_ref(e, r->entries[op]));
	}
}

/* The u16 argument of test N, checked against the filter's kind (§6). */
static uint16_t
test_arg(struct em *e, const struct sb_gnode *n)
{
	const struct sb_graph *g = e->g;
	enum sb_bin_arg want = sb_bin_filter_arg(e->t, n->filter);
	enum sb_garg have = n->argkind;
	static const uint8_t item_of[] = {
		[SB_BARG_STRING] = SB_ITEM_STRING,
		[SB_BARG_PATTERN] = SB_ITEM_PATTERN,
		[SB_BARG_BITMASK] = SB_ITEM_BITMASK,
		[SB_BARG_NETWORK] = SB_ITEM_NETWORK,
		[SB_BARG_POLICY] = SB_ITEM_NONE,
	};

	if (want == SB_BARG_INVALID)
		err(e, "internal: filter 0x%02x has no such form", n->filter);
	switch (have) {
	case SB_GARG_ITEM:
		if (want != SB_BARG_STRING && want != SB_BARG_PATTERN &&
		    want != SB_BARG_BITMASK && want != SB_BARG_NETWORK) {
			err(e, "internal: filter 0x%02x takes no item",
			    n->filter);
			return item_ref(e, n->arg, SB_ITEM_NONE);
		}
		return item_ref(e, n->arg, item_of[want]);
	case SB_GARG_REGEX:
		if (want != SB_BARG_REGEX || n->arg >= g->regexes.n)
			err(e, "internal: filter 0x%02x with regex index %u",
			    n->filter, n->arg);
		return (uint16_t)n->arg;
	case SB_GARG_STATE:
		if (want != SB_BARG_STATE || n->arg >= g->states.n)
			err(e, "internal: filter 0x%02x with state index %u",
			    n->filter, n->arg);
		return (uint16_t)n->arg;
	case SB_GARG_PFLAG:
		if (want != SB_BARG_PFLAG || n->arg >= g->pflags.n)
			err(e, "internal: filter 0x%02x with profile-flag "
			    "index %u", n->filter, n->arg);
		return (uint16_t)n->arg;
	default:
		if (want != SB_BARG_IMM && want != SB_BARG_BOOL &&
		    want != SB_BARG_UNKNOWN)
			err(e, "internal: filter 0x%02x needs a table or item "
			    "argument", n->filter);
		else if (n->arg > 0xffff)
			err(e, "integer argument %u of filter 0x%02x is above "
			    "0xffff", n->arg, n->filter);
		else if (want == SB_BARG_BOOL && n->arg > 1)
			err(e, "internal: boolean argument %u", n->arg);
		return (uint16_t)n->arg;
	}
}

static uint16_t
leaf_arg(struct em *e, const struct sb_gnode *n)
{
	if (e->mode == SB_EMIT_COMPACT && !e->g->lifted) {
		if ((n->flags & SB_BIN_INLINE) && n->inline_id == 0)
			err(e, "internal: inline bit without a modifier id");
		if (!(n->flags & SB_BIN_INLINE) &&
		    (n->inline_id || n->inline_aux || n->arg))
			err(e, "internal: terminal bytes 4-7 without the "
			    "inline bit");
	}
	if (n->argkind == SB_GARG_ITEM)
		return item_ref(e, n->arg, SB_ITEM_STRING);
	if (n->arg > 0xffff)
		err(e, "inline modifier argument %u is above 0xffff", n->arg);
	return (uint16_t)n->arg;
}

static void
write_nodes(struct em *e, struct sb_buf *b)
{
	const struct sb_gnode *n;
	uint32_t k;

	for (k = 0; k < e->n; k++) {
		n = &e->g->nodes[e->order[k]];
		if (n->kind == SB_GN_TEST) {
			sb_buf_putc(b, SB_BIN_TAG_TEST);
			sb_buf_putc(b, n->filter);
			sb_buf_put_u16le(b, test_arg(e, n));
			sb_buf_put_u16le(b, node_ref(e, n->match));
			sb_buf_put_u16le(b, node_ref(e, n->unmatch));
		} else {
			sb_buf_putc(b, SB_BIN_TAG_TERMINAL);
			sb_buf_putc(b, (int)(n->flags & 0xff));
			sb_buf_putc(b, (int)(n->flags >> 8 & 0xff));
			sb_buf_putc(b, (int)(n->flags >> 16 & 0xff));
			sb_buf_putc(b, n->inline_id);
			sb_buf_putc(b, n->inline_aux);
			sb_buf_put_u16le(b, leaf_arg(e, n));
		}
	}
}

void
sb_blob_free(struct sb_blob *b)
{
	sb_buf_free(&b->bytes);
	free(b->rule_map);
	free(b->node_index);
	b->rule_map = NULL;
	b->node_index = NULL;
	b->nnodes = b->ngraph = 0;
}

int
sb_emit(const struct sb_graph *g, enum sb_emit_mode mode,
    struct sb_blob *out, struct sb_diag *d)
{
	struct em e;
	struct sb_buf *b = &out->bytes;
	uint32_t i;

	sb_blob_free(out);
	memset(&e, 0, sizeof e);
	e.g = g;
	e.t = g->target;
	e.mode = mode;
	e.d = d;
	e.order = xmalloc((g->nnodes + 1) * sizeof *e.order);
	e.index = xmalloc((g->nnodes + 1) * sizeof *e.index);
	e.ioff = xmalloc((g->nitems + 1) * sizeof *e.ioff);
	for (i = 0; i < g->nnodes; i++)
		e.index[i] = NONE;
	for (i = 0; i < g->nitems; i++)
		e.ioff[i] = NONE;
	if (mode == SB_EMIT_PRESERVE) {
		if (!g->lifted)
			err(&e, "internal: preserving emission of a graph that "
			    "was not lifted");
		e.dflt = NONE;
		number_preserve(&e);
		place_preserve(&e);
	} else {
		find_default(&e);
		if (!e.errors)
			number_compact(&e);
	}
	if (!e.errors)
		check_order(&e);
	if (!e.errors && mode == SB_EMIT_COMPACT)
		place_compact(&e);
	if (!e.errors) {
		write_header(&e, b);
		write_tables(&e, b);
		sb_buf_align(b, SB_BIN_ALIGN);
		write_nodes(&e, b);
		sb_buf_put(b, e.data.data, e.data.len);
	}
	if (!e.errors) {
		out->nnodes = e.n;
		out->rule_map = xcalloc(e.n + 1, sizeof *out->rule_map);
		for (i = 0; i < e.n; i++)
			if (g->nodes[e.order[i]].kind == SB_GN_LEAF)
				out->rule_map[i] = g->nodes[e.order[i]].rule;
		out->ngraph = g->nnodes;
		out->node_index = e.index;
		e.index = NULL;
	} else {
		sb_buf_free(b);
	}
	free(e.order);
	free(e.index);
	free(e.ioff);
	sb_buf_free(&e.data);
	return e.errors ? -1 : 0;
}
