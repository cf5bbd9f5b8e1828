/*
** graph.c: the decision graph's store (DESIGN.md §2.5): hash-consed
** nodes, interned items, the index tables, and the --dump=graph printer
** with its pattern and regex disassemblers. Lowering (lower.c) decides
** what to build, emission (emit.c) how to number and write it, lifting
** (lift.c) how to read it back; none of that is here.
**
** Growable arrays and hash tables live in the graph's arena; growth
** abandons the old block to the arena (at most doubling the space).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/util.h"
#include "compiler/graph.h"

#define NONE SB_GRAPH_NONE

/* Make room for NEED elements of SIZE bytes in the arena array P. */
static void *
grow(struct sb_arena *a, void *p, uint32_t *cap, uint32_t need, size_t size)
{
	uint32_t ncap;
	void *q;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	q = sb_arena_alloc(a, (size_t)ncap * size);
	if (*cap)
		memcpy(q, p, (size_t)*cap * size);
	*cap = ncap;
	return q;
}

static uint32_t
ids_add(struct sb_arena *a, struct sb_gids *ids, uint32_t id)
{
	ids->v = grow(a, ids->v, &ids->cap, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n] = id;
	return ids->n++;
}

static uint32_t
ids_find_or_add(struct sb_arena *a, struct sb_gids *ids, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < ids->n; i++)
		if (ids->v[i] == id)
			return i;
	return ids_add(a, ids, id);
}

struct sb_graph *
sb_graph_new(struct sb_arena *a, const struct sb_target *t)
{
	struct sb_graph *g = sb_arena_calloc(a, sizeof *g);
	uint32_t i;

	g->arena = a;
	g->target = t;
	g->dflt = NONE;
	g->entries = sb_arena_alloc(a, (t->op_count + 1) * sizeof *g->entries);
	for (i = 0; i < t->op_count; i++)
		g->entries[i] = NONE;
	return g;
}

/* ---------------------------------------------------------- hash tables */

static uint64_t
node_hash(const struct sb_gnode *n)
{
	uint64_t h = sb_hash_mix(n->kind, n->filter);

	h = sb_hash_mix(h, (uint64_t)n->argkind << 16 | n->inline_id << 8 |
	    n->inline_aux);
	h = sb_hash_mix(h, (uint64_t)n->flags << 32 | n->arg);
	h = sb_hash_mix(h, (uint64_t)n->match << 32 | n->unmatch);
	return sb_hash_mix(h, n->rule);
}

static int
node_equal(const struct sb_gnode *x, const struct sb_gnode *y)
{
	return x->kind == y->kind && x->filter == y->filter &&
	    x->argkind == y->argkind && x->inline_id == y->inline_id &&
	    x->inline_aux == y->inline_aux && x->flags == y->flags &&
	    x->arg == y->arg && x->match == y->match &&
	    x->unmatch == y->unmatch && x->rule == y->rule;
}

static uint64_t
item_hash(uint8_t kind, const void *bytes, size_t len)
{
	return sb_hash_bytes(bytes, len, kind);
}

/* Rebuild table TAB of *CAP slots for N entries hashed by HASH. */
static uint32_t *
rehash(struct sb_graph *g, uint32_t *cap, uint32_t n,
    uint64_t (*hash)(const struct sb_graph *, uint32_t))
{
	uint32_t ncap = *cap ? *cap * 2 : 64, i, s;
	uint32_t *tab = sb_arena_calloc(g->arena, ncap * sizeof *tab);

	for (i = 0; i < n; i++) {
		s = (uint32_t)hash(g, i) & (ncap - 1);
		while (tab[s])
			s = (s + 1) & (ncap - 1);
		tab[s] = i + 1;
	}
	*cap = ncap;
	return tab;
}

static uint64_t
hash_node_id(const struct sb_graph *g, uint32_t id)
{
	return node_hash(&g->nodes[id]);
}

static uint64_t
hash_item_id(const struct sb_graph *g, uint32_t id)
{
	return item_hash(g->items[id].kind, g->items[id].bytes,
	    g->items[id].len);
}

/* Append N as a new node without hash-consing; its id. */
static uint32_t
node_append(struct sb_graph *g, const struct sb_gnode *n)
{
	g->nodes = grow(g->arena, g->nodes, &g->capnodes, g->nnodes + 1,
	    sizeof *g->nodes);
	g->nodes[g->nnodes] = *n;
	return g->nnodes++;
}

/* The id of a node equal to N, made on first use. */
static uint32_t
node_intern(struct sb_graph *g, const struct sb_gnode *n)
{
	uint32_t s, id;

	if (2 * (g->nnodes + 1) > g->nodetabcap)
		g->nodetab = rehash(g, &g->nodetabcap, g->nnodes,
		    hash_node_id);
	s = (uint32_t)node_hash(n) & (g->nodetabcap - 1);
	for (; g->nodetab[s]; s = (s + 1) & (g->nodetabcap - 1))
		if (node_equal(&g->nodes[g->nodetab[s] - 1], n))
			return g->nodetab[s] - 1;
	id = node_append(g, n);
	g->nodetab[s] = id + 1;
	return id;
}

/* --------------------------------------------------------------- items */

/* Whether the LEN bytes at P are a self-consistent encoding of KIND. */
static int
item_consistent(enum sb_item_kind kind, const uint8_t *p, size_t len)
{
	switch (kind) {
	case SB_ITEM_STRING:
	case SB_ITEM_PATTERN:
	case SB_ITEM_REGEX:
		return len >= 2 && sb_bin_rd16(p) == len - 2;
	case SB_ITEM_BITMASK:
		return len >= 4 && sb_bin_rd16(p + 2) == len - 4;
	case SB_ITEM_NETWORK:
		return len == 4;
	default:
		return 0;
	}
}

uint32_t
sb_graph_item_raw(struct sb_graph *g, enum sb_item_kind kind,
    const void *bytes, size_t len, uint32_t place)
{
	struct sb_gitem *it;

	g->items = grow(g->arena, g->items, &g->capitems, g->nitems + 1,
	    sizeof *g->items);
	it = &g->items[g->nitems];
	it->kind = (uint8_t)kind;
	it->bytes = sb_arena_memdup(g->arena, bytes, len ? len : 1);
	it->len = (uint32_t)len;
	it->place = place;
	return g->nitems++;
}

uint32_t
sb_graph_item(struct sb_graph *g, enum sb_item_kind kind, const void *bytes,
    size_t len)
{
	uint32_t s, id;
	const struct sb_gitem *it;

	assert(item_consistent(kind, bytes, len));
	if (2 * (g->nitems + 1) > g->itemtabcap)
		g->itemtab = rehash(g, &g->itemtabcap, g->nitems,
		    hash_item_id);
	s = (uint32_t)item_hash((uint8_t)kind, bytes, len) &
	    (g->itemtabcap - 1);
	for (; g->itemtab[s]; s = (s + 1) & (g->itemtabcap - 1)) {
		it = &g->items[g->itemtab[s] - 1];
		if (it->kind == kind && it->len == len &&
		    memcmp(it->bytes, bytes, len) == 0)
			return g->itemtab[s] - 1;
	}
	id = sb_graph_item_raw(g, kind, bytes, len, NONE);
	g->itemtab[s] = id + 1;
	return id;
}

uint32_t
sb_graph_string(struct sb_graph *g, const char *s, size_t len)
{
	uint8_t *p;

	assert(len < 0xffff);
	p = sb_arena_alloc(g->arena, len + 3);
	p[0] = (uint8_t)((len + 1) & 0xff);
	p[1] = (uint8_t)((len + 1) >> 8);
	memcpy(p + 2, s, len);
	p[len + 2] = 0;
	return sb_graph_item(g, SB_ITEM_STRING, p, len + 3);
}

uint32_t
sb_graph_network(struct sb_graph *g, uint8_t proto, uint8_t place,
    uint16_t port)
{
	uint8_t p[4] = { proto, place, (uint8_t)(port & 0xff),
	    (uint8_t)(port >> 8) };

	return sb_graph_item(g, SB_ITEM_NETWORK, p, 4);
}

uint32_t
sb_graph_bitmask(struct sb_graph *g, const uint8_t *bits, uint16_t nbytes)
{
	uint8_t *p = sb_arena_alloc(g->arena, (size_t)nbytes + 4);

	p[0] = 1;
	p[1] = 0;
	p[2] = (uint8_t)(nbytes & 0xff);
	p[3] = (uint8_t)(nbytes >> 8);
	memcpy(p + 4, bits, nbytes);
	return sb_graph_item(g, SB_ITEM_BITMASK, p, (size_t)nbytes + 4);
}

uint32_t
sb_graph_regex(struct sb_graph *g, uint32_t item)
{
	assert(item < g->nitems && g->items[item].kind == SB_ITEM_REGEX);
	return ids_find_or_add(g->arena, &g->regexes, item);
}

uint32_t
sb_graph_var(struct sb_graph *g, const char *name, size_t len)
{
	return ids_find_or_add(g->arena, &g->vars,
	    sb_graph_string(g, name, len));
}

uint32_t
sb_graph_state(struct sb_graph *g, const char *name, size_t len)
{
	return ids_find_or_add(g->arena, &g->states,
	    sb_graph_string(g, name, len));
}

uint32_t
sb_graph_pflag(struct sb_graph *g, const char *name, size_t len)
{
	return ids_find_or_add(g->arena, &g->pflags,
	    sb_graph_string(g, name, len));
}

/* --------------------------------------------------------------- nodes */

uint32_t
sb_graph_leaf(struct sb_graph *g, uint32_t flags, uint8_t inline_id,
    uint8_t inline_aux, enum sb_garg argkind, uint32_t arg, uint32_t rule)
{
	struct sb_gnode n;

	memset(&n, 0, sizeof n);
	n.kind = SB_GN_LEAF;
	n.flags = flags & 0xffffff;
	n.inline_id = inline_id;
	n.inline_aux = inline_aux;
	n.argkind = (uint8_t)argkind;
	n.arg = arg;
	n.match = n.unmatch = NONE;
	n.rule = rule;
	assert(argkind == SB_GARG_IMM || (argkind == SB_GARG_ITEM &&
	    arg < g->nitems));
	return node_intern(g, &n);
}

uint32_t
sb_graph_test(struct sb_graph *g, uint8_t filter, enum sb_garg argkind,
    uint32_t arg, uint32_t match, uint32_t unmatch)
{
	struct sb_gnode n;

	assert(match < g->nnodes && unmatch < g->nnodes);
	if (match == unmatch)
		return match;
	memset(&n, 0, sizeof n);
	n.kind = SB_GN_TEST;
	n.filter = filter;
	n.argkind = (uint8_t)argkind;
	n.arg = arg;
	n.match = match;
	n.unmatch = unmatch;
	return node_intern(g, &n);
}

uint32_t
sb_graph_node_raw(struct sb_graph *g, const struct sb_gnode *n)
{
	return node_append(g, n);
}

uint32_t
sb_graph_ids_add(struct sb_graph *g, struct sb_gids *ids, uint32_t id)
{
	return ids_add(g->arena, ids, id);
}

void
sb_graph_set_entry(struct sb_graph *g, uint32_t op, uint32_t node)
{
	assert(op < g->target->op_count && node < g->nnodes);
	g->entries[op] = node;
}

void
sb_graph_set_default(struct sb_graph *g, uint32_t node)
{
	assert(node < g->nnodes && g->nodes[node].kind == SB_GN_LEAF);
	g->dflt = node;
}

uint32_t
sb_graph_entry(const struct sb_graph *g, uint32_t op)
{
	return g->entries[op] != NONE ? g->entries[op] : g->dflt;
}

/* ------------------------------------------------------- text of items */

static void
put_char(struct sb_buf *b, uint8_t c)
{
	if (c == '"' || c == '\\')
		sb_buf_printf(b, "\\%c", c);
	else if (c >= 0x20 && c < 0x7f)
		sb_buf_putc(b, c);
	else
		sb_buf_printf(b, "\\x%02x", c);
}

static void
put_quoted(struct sb_buf *b, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	sb_buf_putc(b, '"');
	for (i = 0; i < n; i++)
		put_char(b, p[i]);
	sb_buf_putc(b, '"');
}

/* Byte ranges as [lo-hi ...]; single bytes alone. */
static void
put_ranges(struct sb_buf *b, const uint8_t *p, uint32_t npairs, int negated)
{
	uint32_t i;

	sb_buf_puts(b, negated ? "[^" : "[");
	for (i = 0; i < npairs; i++) {
		if (i)
			sb_buf_putc(b, ' ');
		sb_buf_printf(b, "%02x", p[2 * i]);
		if (p[2 * i + 1] != p[2 * i])
			sb_buf_printf(b, "-%02x", p[2 * i + 1]);
	}
	sb_buf_putc(b, ']');
}

/* A bitmap of the jump targets of program P (LEN bytes); caller frees. */
static uint8_t *
targets(const uint8_t *p, uint32_t len,
    uint32_t (*insn)(const uint8_t *, uint32_t, uint32_t, uint32_t *))
{
	uint8_t *map = xcalloc(len / 8 + 1, 1);
	uint32_t pc, size, t;

	for (pc = 0; pc < len; pc += size) {
		size = insn(p, len, pc, &t);
		if (size == 0)
			break;
		if (t < len)
			map[t >> 3] |= (uint8_t)(1u << (t & 7));
	}
	return map;
}

static int
is_target(const uint8_t *map, uint32_t pc)
{
	return map[pc >> 3] >> (pc & 7) & 1;
}

/* Pattern bytecode (FORMAT.md §8.2), our names; @N marks jump targets. */
static void
put_pattern(struct sb_buf *b, const uint8_t *p, uint32_t len)
{
	uint8_t *map = targets(p, len, sb_pattern_insn);
	uint32_t pc, size, t;
	uint8_t op;

	for (pc = 0; pc < len; pc += size) {
		size = sb_pattern_insn(p, len, pc, &t);
		if (pc)
			sb_buf_putc(b, ' ');
		if (is_target(map, pc))
			sb_buf_printf(b, "@%u: ", pc);
		if (size == 0) {
			sb_buf_printf(b, "?%02x", p[pc]);
			break;
		}
		op = p[pc];
		if (op >= SB_POP_JNE || op == SB_POP_JNE_LONG) {
			sb_buf_printf(b, "JNE @%u", t);
		} else if (op >= SB_POP_LIT) {
			sb_buf_puts(b, "LIT ");
			put_quoted(b, p + pc + 1, size - 1);
		} else if (op >= SB_POP_VAR) {
			sb_buf_printf(b, "VAR %u", op - SB_POP_VAR);
		} else {
			switch (op) {
			case SB_POP_EOS:
				sb_buf_puts(b, "EOS");
				break;
			case SB_POP_VAR_LONG:
				sb_buf_printf(b, "VAR %u",
				    sb_bin_rd16(p + pc + 1));
				break;
			case SB_POP_SCAN:
			case SB_POP_SCAN_ANY:
				sb_buf_puts(b, op == SB_POP_SCAN ? "SCAN " :
				    "SCAN_ANY ");
				put_quoted(b, p + pc + 1, 1);
				break;
			case SB_POP_LIT_LONG:
				sb_buf_puts(b, "LIT ");
				put_quoted(b, p + pc + 2, size - 2);
				break;
			case SB_POP_RESTORE:
				sb_buf_puts(b, "RESTORE");
				break;
			case SB_POP_SAVE:
				sb_buf_puts(b, "SAVE");
				break;
			case SB_POP_DROP:
				sb_buf_puts(b, "DROP");
				break;
			case SB_POP_FAIL:
				sb_buf_puts(b, "FAIL");
				break;
			case SB_POP_SUCCESS:
				sb_buf_puts(b, "SUCCESS");
				break;
			case SB_POP_GUARD:
				sb_buf_puts(b, "GUARD");
				break;
			case SB_POP_RANGE:
				sb_buf_puts(b, p[pc + 1] & 0x80 ? "RANGE* " :
				    "RANGE ");
				put_ranges(b, p + pc + 2, (size - 2) / 2, 0);
				break;
			}
		}
	}
	free(map);
}

/* Regex v3 program (FORMAT.md §9.2); CHAR runs are printed as strings. */
static void
put_regex_program(struct sb_buf *b, const uint8_t *p, uint32_t len)
{
	uint8_t *map = targets(p, len, sb_regex_insn);
	uint32_t pc, size, t, end;
	uint8_t op;

	for (pc = 0; pc < len; pc += size) {
		size = sb_regex_insn(p, len, pc, &t);
		if (pc)
			sb_buf_putc(b, ' ');
		if (is_target(map, pc))
			sb_buf_printf(b, "@%u: ", pc);
		if (size == 0) {
			sb_buf_printf(b, "?%02x", p[pc]);
			break;
		}
		op = p[pc];
		switch (op) {
		case SB_ROP_CHAR:
			/* a run of CHARs, none but the first a jump target */
			end = pc;
			while (end + 1 < len && p[end] == SB_ROP_CHAR &&
			    (end == pc || !is_target(map, end)))
				end += 2;
			sb_buf_putc(b, '"');
			for (t = pc; t < end; t += 2)
				put_char(b, p[t + 1]);
			sb_buf_putc(b, '"');
			size = end - pc;
			break;
		case SB_ROP_ANY:
			sb_buf_puts(b, "ANY");
			break;
		case SB_ROP_BOL:
			sb_buf_puts(b, "BOL");
			break;
		case SB_ROP_EOL:
			sb_buf_puts(b, "EOL");
			break;
		case SB_ROP_MATCH:
			sb_buf_puts(b, "MATCH");
			break;
		case SB_ROP_JMP:
			sb_buf_printf(b, "JMP @%u", t);
			break;
		case SB_ROP_SPLIT:
			sb_buf_printf(b, "SPLIT @%u", t);
			break;
		default:
			sb_buf_puts(b, "CLASS ");
			if (size == 3 && p[pc + 1] > p[pc + 2]) {
				/* the negated one-run form (FORMAT.md §9.4) */
				uint8_t ex[2] = { (uint8_t)(p[pc + 2] + 1),
				    (uint8_t)(p[pc + 1] - 1) };

				put_ranges(b, ex, 1, 1);
			} else {
				put_ranges(b, p + pc + 1, (size - 1) / 2, 0);
			}
			break;
		}
	}
	free(map);
}

static const char *const proto_names[16] = {
	[1] = "ip4", [2] = "ip6", [3] = "ip", [5] = "tcp4", [6] = "tcp6",
	[7] = "tcp", [9] = "udp4", [10] = "udp6", [11] = "udp",
};

static void
put_bitmask(struct sb_buf *b, const uint8_t *bits, uint32_t nbytes)
{
	uint32_t v, start, nbits = 8 * nbytes, first = 1;

	sb_buf_putc(b, '{');
	for (v = 0; v < nbits; v++) {
		if (!(bits[v >> 3] >> (v & 7) & 1))
			continue;
		start = v;
		while (v + 1 < nbits && (bits[(v + 1) >> 3] >> ((v + 1) & 7) & 1))
			v++;
		sb_buf_printf(b, first ? "%u" : " %u", start);
		if (v > start)
			sb_buf_printf(b, "-%u", v);
		first = 0;
	}
	sb_buf_putc(b, '}');
}

/* ORDER: enum sb_item_kind. */
static const char *const item_kind_names[] = {
	"none", "string", "pattern", "regex", "bitmask", "network"
};

void
sb_graph_item_text(struct sb_buf *b, const struct sb_graph *g, uint32_t id)
{
	const struct sb_gitem *it = &g->items[id];
	const uint8_t *p = it->bytes;

	sb_buf_puts(b, item_kind_names[it->kind < countof(item_kind_names) ?
	    it->kind : 0]);
	sb_buf_putc(b, ' ');
	switch (it->kind) {
	case SB_ITEM_STRING:
		put_quoted(b, p + 2, it->len > 2 ? it->len - 3 : 0);
		break;
	case SB_ITEM_PATTERN:
		put_pattern(b, p + 2, it->len - 2);
		break;
	case SB_ITEM_REGEX:
		put_regex_program(b, p + 8, it->len >= 8 ? it->len - 8 : 0);
		break;
	case SB_ITEM_BITMASK:
		put_bitmask(b, p + 4, it->len - 4);
		break;
	case SB_ITEM_NETWORK: {
		const char *proto = proto_names[p[0] & 15];
		uint16_t port = sb_bin_rd16(p + 2);

		if (proto && !(p[0] & 0xf0))
			sb_buf_puts(b, proto);
		else
			sb_buf_printf(b, "proto-%u", p[0]);
		if (p[1] <= 1)
			sb_buf_puts(b, p[1] ? " localhost:" : " *:");
		else
			sb_buf_printf(b, " host-%u:", p[1]);
		if (port)
			sb_buf_printf(b, "%u", port);
		else
			sb_buf_putc(b, '*');
		break;
	}
	default:
		break;
	}
}

/* -------------------------------------------------------------- the dump */

static void
put_filter(struct sb_buf *b, const struct sb_target *t, uint8_t filter)
{
	unsigned id = filter & 0x7f;

	if (id < t->filter_count && t->filters[id].name)
		sb_buf_puts(b, t->filters[id].name);
	else
		sb_buf_printf(b, "filter-0x%02x", id);
}

static void
put_garg(struct sb_buf *b, uint8_t kind, uint32_t arg)
{
	switch (kind) {
	case SB_GARG_ITEM:
		sb_buf_printf(b, "#%u", arg);
		break;
	case SB_GARG_REGEX:
		sb_buf_printf(b, "regex[%u]", arg);
		break;
	case SB_GARG_STATE:
		sb_buf_printf(b, "state[%u]", arg);
		break;
	case SB_GARG_PFLAG:
		sb_buf_printf(b, "pflag[%u]", arg);
		break;
	default:
		sb_buf_printf(b, "%u", arg);
		break;
	}
}

static void
put_leaf(struct sb_buf *b, const struct sb_target *t, const struct sb_gnode *n)
{
	const struct sb_modifier_info *m;
	unsigned i;

	sb_buf_printf(b, "%s 0x%06x", n->flags & SB_BIN_DENY ? "deny" :
	    "allow", n->flags);
	for (i = 1; i < t->modifier_count; i++) {
		m = &t->modifiers[i];
		if (m->name && !m->is_inline && m->flag &&
		    (n->flags & m->mask) == m->flag)
			sb_buf_printf(b, " %s", m->name);
	}
	if (n->flags & SB_BIN_INLINE) {
		if (n->inline_id < t->modifier_count &&
		    t->modifiers[n->inline_id].name)
			sb_buf_printf(b, " %s", t->modifiers[n->inline_id].name);
		else
			sb_buf_printf(b, " modifier-%u", n->inline_id);
		if (n->inline_aux)
			sb_buf_printf(b, " aux %u", n->inline_aux);
		sb_buf_putc(b, ' ');
		put_garg(b, n->argkind, n->arg);
	} else if (n->inline_id || n->inline_aux || n->arg) {
		sb_buf_printf(b, " payload %02x %02x %02x %02x", n->inline_id,
		    n->inline_aux, n->arg & 0xff, n->arg >> 8 & 0xff);
	}
	if (n->rule)
		sb_buf_printf(b, " rule %u", n->rule);
}

static void
put_op(struct sb_buf *b, const struct sb_target *t, uint32_t op)
{
	if (op < t->op_name_count && t->ops[op].name)
		sb_buf_printf(b, "op %u %s", op, t->ops[op].name);
	else
		sb_buf_printf(b, "op %u", op);
}

/* The entries of one op table: the count entering DFLT, then the rest. */
static void
put_entries(struct sb_buf *b, const struct sb_graph *g,
    const uint32_t *entries, uint32_t dflt)
{
	const struct sb_target *t = g->target;
	uint32_t op, same = 0, e;

	for (op = 0; op < t->op_count; op++)
		if ((entries[op] != NONE ? entries[op] : g->dflt) == dflt)
			same++;
	sb_buf_printf(b, "  %u of %u slots enter ", same, t->op_count);
	if (dflt == NONE)
		sb_buf_puts(b, "nothing\n");
	else
		sb_buf_printf(b, "n%u\n", dflt);
	for (op = 0; op < t->op_count; op++) {
		e = entries[op] != NONE ? entries[op] : g->dflt;
		if (e == dflt)
			continue;
		sb_buf_puts(b, "  ");
		put_op(b, t, op);
		if (e == NONE)
			sb_buf_puts(b, ": unset\n");
		else
			sb_buf_printf(b, ": n%u\n", e);
	}
}

static void
put_table(struct sb_buf *b, const struct sb_graph *g, const char *name,
    const struct sb_gids *ids)
{
	uint32_t i;

	for (i = 0; i < ids->n; i++) {
		sb_buf_printf(b, "%s[%u] #%u", name, i, ids->v[i]);
		if (ids->v[i] < g->nitems &&
		    g->items[ids->v[i]].kind == SB_ITEM_STRING) {
			sb_buf_putc(b, ' ');
			put_quoted(b, g->items[ids->v[i]].bytes + 2,
			    g->items[ids->v[i]].len - 3);
		}
		sb_buf_putc(b, '\n');
	}
}

static void
dump_head(struct sb_buf *b, const struct sb_graph *g)
{
	uint32_t p;

	sb_buf_printf(b, "graph %s type 0x%04x: %u nodes, %u items, "
	    "%u regexes, %u variables, %u state flags", g->target->name,
	    g->type, g->nnodes, g->nitems, g->regexes.n, g->vars.n,
	    g->states.n);
	if (g->pflags.n)
		sb_buf_printf(b, ", %u profile flags", g->pflags.n);
	if (g->xs.n)
		sb_buf_printf(b, ", %u x", g->xs.n);
	if (g->policies.n)
		sb_buf_printf(b, ", %u policies", g->policies.n);
	if (g->nprofiles)
		sb_buf_printf(b, ", %u profiles", g->nprofiles);
	sb_buf_putc(b, '\n');
	put_table(b, g, "regex", &g->regexes);
	put_table(b, g, "var", &g->vars);
	put_table(b, g, "state", &g->states);
	put_table(b, g, "x", &g->xs);
	put_table(b, g, "pflag", &g->pflags);
	for (p = 0; p < g->policies.n; p++)
		sb_buf_printf(b, "policy[%u] n%u\n", p, g->policies.v[p]);
	if (!g->nprofiles) {
		if (g->dflt == NONE)
			sb_buf_puts(b, "default: none\n");
		else
			sb_buf_printf(b, "default: n%u\n", g->dflt);
		sb_buf_puts(b, "profile\n");
		put_entries(b, g, g->entries, g->dflt);
		return;
	}
	for (p = 0; p < g->nprofiles; p++) {
		const struct sb_gprofile *r = &g->profiles[p];

		sb_buf_printf(b, "profile %u #%u ", p, r->name);
		put_quoted(b, g->items[r->name].bytes + 2,
		    g->items[r->name].len - 3);
		sb_buf_printf(b, " flags 0x%04x a %u b ", r->flags, r->a);
		if (r->b == NONE)
			sb_buf_puts(b, "0\n");
		else
			sb_buf_printf(b, "#%u\n", r->b);
		put_entries(b, g, r->entries, r->entries[0]);
	}
}

void
sb_graph_dump(const struct sb_graph *g, FILE *f)
{
	struct sb_buf b = SB_BUF_INIT;
	const struct sb_gnode *n;
	uint32_t i;

	dump_head(&b, g);
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		sb_buf_printf(&b, "n%u ", i);
		if (n->kind == SB_GN_LEAF) {
			put_leaf(&b, g->target, n);
		} else {
			put_filter(&b, g->target, n->filter);
			sb_buf_putc(&b, ' ');
			put_garg(&b, n->argkind, n->arg);
			sb_buf_printf(&b, " ? n%u : n%u", n->match, n->unmatch);
		}
		sb_buf_putc(&b, '\n');
		if (b.len > 1 << 16) {
			fwrite(b.data, 1, b.len, f);
			b.len = 0;
		}
	}
	for (i = 0; i < g->nitems; i++) {
		sb_buf_printf(&b, "#%u ", i);
		if (g->items[i].place != NONE)
			sb_buf_printf(&b, "@%u ", g->items[i].place);
		sb_graph_item_text(&b, g, i);
		sb_buf_putc(&b, '\n');
		if (b.len > 1 << 16) {
			fwrite(b.data, 1, b.len, f);
			b.len = 0;
		}
	}
	for (i = 0; i < g->nopaque; i++) {
		uint32_t k;

		sb_buf_printf(&b, "opaque +%u %u bytes:", g->opaque[i].off,
		    g->opaque[i].len);
		for (k = 0; k < g->opaque[i].len; k++)
			sb_buf_printf(&b, " %02x", g->opaque[i].bytes[k]);
		sb_buf_putc(&b, '\n');
	}
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	sb_buf_free(&b);
}
