/*
** struct sb_graph: the decision graph between lowering and emission
** (DESIGN.md §2.5, §2.6), and what lifting a blob gives back (§2.7).
**
** Two ways to fill one:
**   - building (compiler/lower.c): nodes are hash-consed and created
**     bottom up, so a node id is always larger than the ids of its
**     successors; items are interned by (kind, bytes); tables (regexes,
**     variables, state flags) grow in first-use order. Emission numbers
**     the reachable nodes itself (compiler/emit.c).
**   - lifting (compiler/lift.c): node ids are the blob's node indices,
**     edges point to larger ids, items may keep their data offsets and
**     the unreferenced bytes of the data area, so that emitting in
**     SB_EMIT_PRESERVE mode gives the blob back byte for byte (§18.2).
**
** Everything lives in the arena passed to sb_graph_new(); nothing is
** freed before the arena is. Ids are uint32_t; SB_GRAPH_NONE is "none".
*/
#ifndef SB_COMPILER_GRAPH_H
#define SB_COMPILER_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/arena.h"
#include "common/buf.h"
#include "kext/bin.h"

struct sb_diag;

#define SB_GRAPH_NONE UINT32_MAX

/* What the u32 argument of a test (or of a leaf's inline modifier) is. */
enum sb_garg {
	SB_GARG_IMM,            /* u16 immediate: integer, bool, bitfield */
	SB_GARG_ITEM,           /* item id: string, pattern, bitmask, network */
	SB_GARG_REGEX,          /* regex table index from sb_graph_regex() */
	SB_GARG_STATE,          /* state table index from sb_graph_state() */
	SB_GARG_PFLAG           /* profile-flag index (Darwin 24+) */
};

enum sb_gnode_kind { SB_GN_TEST, SB_GN_LEAF };

/* One node: a test of one filter, or a leaf (terminal record). */
struct sb_gnode {
	uint8_t kind;           /* enum sb_gnode_kind */
	uint8_t filter;         /* TEST: filter byte, 0x80 bit included */
	uint8_t argkind;        /* enum sb_garg of arg (LEAF: of the inline arg) */
	uint8_t inline_id;      /* LEAF: terminal byte 4 */
	uint8_t inline_aux;     /* LEAF: terminal byte 5 */
	uint32_t flags;         /* LEAF: 24-bit flags, bit 0 deny */
	uint32_t arg;           /* TEST: argument; LEAF: bytes 6-7 */
	uint32_t match;         /* TEST: node id taken when the filter matches */
	uint32_t unmatch;       /* TEST: node id taken otherwise */
	uint32_t rule;          /* LEAF: rule id; 0 for implicit decisions */
};

/* One data item: its complete encoding (FORMAT.md §7.2). */
struct sb_gitem {
	uint8_t kind;           /* enum sb_item_kind */
	const uint8_t *bytes;   /* length prefix included; in the arena */
	uint32_t len;
	uint32_t place;         /* lifted, preserved: data offset; else NONE */
};

/* Bytes of the data area no item covers, kept by a preserving lift. */
struct sb_gopaque {
	uint32_t off;           /* byte offset from the data base */
	const uint8_t *bytes;
	uint32_t len;
};

/* A bundle record (FORMAT.md §13); lifted bundles only. */
struct sb_gprofile {
	uint32_t name;          /* item id of the name string */
	uint16_t flags;         /* record word 1 */
	uint16_t a;             /* word 2 (Darwin 24+), meaning unknown */
	uint32_t b;             /* word 3: bitmask item id, NONE when 0 */
	uint32_t *entries;      /* op_count node ids */
};

/* A growable array of ids in the arena. */
struct sb_gids {
	uint32_t *v;
	uint32_t n, cap;
};

struct sb_graph {
	struct sb_arena *arena;
	const struct sb_target *target;
	struct sb_gnode *nodes;         /* by node id */
	uint32_t nnodes, capnodes;
	struct sb_gitem *items;         /* by item id */
	uint32_t nitems, capitems;
	struct sb_gids regexes;         /* regex table: regex item ids */
	struct sb_gids vars;            /* variable table: string item ids */
	struct sb_gids states;          /* state-flag table: string item ids */
	struct sb_gids pflags;          /* profile-flag table (Darwin 24+) */
	struct sb_gids xs;              /* X table (lifted only) */
	struct sb_gids policies;        /* message-filter roots: node ids */
	uint32_t *entries;              /* single profile: op_count node ids */
	struct sb_gprofile *profiles;   /* bundles: nprofiles records */
	uint32_t nprofiles;
	uint32_t dflt;                  /* default terminal, or NONE */
	uint16_t type;                  /* header word 0 (enum sb_bin_type) */
	int lifted;                     /* ids are blob indices (edges go up) */
	int placed;                     /* items carry their data offsets */
	struct sb_gopaque *opaque;      /* placed: unreferenced runs */
	uint32_t nopaque;
	uint32_t data_size;             /* placed: bytes of the data area */
	uint32_t *nodetab, nodetabcap;  /* hash-consing: slot -> id + 1 */
	uint32_t *itemtab, itemtabcap;  /* interning: slot -> id + 1 */
};

/*
** A new, empty graph for target T in arena A: every op slot unset (it
** falls back to the default terminal at emission), no default terminal,
** type 0x0000. Lives until A is freed.
*/
struct sb_graph *sb_graph_new(struct sb_arena *a, const struct sb_target *t);

/*
** Intern the item of KIND whose complete encoding is the LEN bytes at
** BYTES (length prefix included, FORMAT.md §7.2; the encoding must be
** consistent, which is asserted). Returns its item id; the same kind
** and bytes always give the same id. The bytes are copied.
*/
uint32_t sb_graph_item(struct sb_graph *g, enum sb_item_kind kind,
    const void *bytes, size_t len);

/*
** Helpers that encode and intern one item: a plain string of the LEN
** bytes at S (the NUL is added; LEN <= 65534); a network item (PROTO:
** 1 ip4, 2 ip6, 3 ip, +4 tcp, +8 udp; PLACE: 0 "*", 1 localhost; PORT 0
** for "*"); a bitmask of NBYTES bytes at BITS (bit v & 7 of byte v >> 3).
*/
uint32_t sb_graph_string(struct sb_graph *g, const char *s, size_t len);
uint32_t sb_graph_network(struct sb_graph *g, uint8_t proto, uint8_t place,
    uint16_t port);
uint32_t sb_graph_bitmask(struct sb_graph *g, const uint8_t *bits,
    uint16_t nbytes);

/*
** Regex table index of the regex item ITEM (an SB_ITEM_REGEX id),
** added at the end of the table on first use.
*/
uint32_t sb_graph_regex(struct sb_graph *g, uint32_t item);

/*
** Variable-table index of ${NAME} (LEN bytes, no "${}"), added on first
** use; the index goes into pattern bytecode (FORMAT.md §7.3, §8.3).
** Likewise the state-flag table (state-flag filter argument) and the
** profile-flag table (Darwin 24+). More than 255 variables or state
** flags is an emission error.
*/
uint32_t sb_graph_var(struct sb_graph *g, const char *name, size_t len);
uint32_t sb_graph_state(struct sb_graph *g, const char *name, size_t len);
uint32_t sb_graph_pflag(struct sb_graph *g, const char *name, size_t len);

/*
** The leaf for one rule's decision (DESIGN.md §2.5): FLAGS are the 24
** terminal flag bits (bit 0 deny, flag modifiers applied, 0x800000 when
** an inline modifier is present); INLINE_ID and INLINE_AUX go to bytes 4
** and 5; ARG to bytes 6-7, as an immediate (SB_GARG_IMM: errno, signal)
** or a plain-string item id (SB_GARG_ITEM: message, user-approval, ...).
** Without an inline modifier pass 0, 0, SB_GARG_IMM, 0. RULE is the rule
** id (0 for an implicit decision). Hash-consed on all of these, the rule
** included: two rules never share a leaf.
*/
uint32_t sb_graph_leaf(struct sb_graph *g, uint32_t flags, uint8_t inline_id,
    uint8_t inline_aux, enum sb_garg argkind, uint32_t arg, uint32_t rule);

/*
** The test of filter byte FILTER (0x80 set for the regex or bitmask
** form) with argument ARG of kind ARGKIND, going to MATCH or UNMATCH.
** Hash-consed; when MATCH == UNMATCH the test is pointless and MATCH is
** returned. Argument kinds by filter (FORMAT.md §6):
**   pattern-kind filter          SB_GARG_ITEM, an SB_ITEM_PATTERN item
**   pattern-kind | 0x80 (regex)  SB_GARG_REGEX, from sb_graph_regex()
**   string filter                SB_GARG_ITEM, from sb_graph_string()
**   integer, bool, bitfield      SB_GARG_IMM, value <= 0xffff
**   integer | 0x80 (set)         SB_GARG_ITEM, from sb_graph_bitmask()
**   network (local, remote)      SB_GARG_ITEM, from sb_graph_network()
**   state-flag                   SB_GARG_STATE, from sb_graph_state()
*/
uint32_t sb_graph_test(struct sb_graph *g, uint8_t filter,
    enum sb_garg argkind, uint32_t arg, uint32_t match, uint32_t unmatch);

/*
** For lift.c: append an item (at data offset PLACE, or SB_GRAPH_NONE)
** without interning, and a node without hash-consing; their ids.
*/
uint32_t sb_graph_item_raw(struct sb_graph *g, enum sb_item_kind kind,
    const void *bytes, size_t len, uint32_t place);
uint32_t sb_graph_node_raw(struct sb_graph *g, const struct sb_gnode *n);
/* Append ID to the table IDS of G (no search); its index. */
uint32_t sb_graph_ids_add(struct sb_graph *g, struct sb_gids *ids,
    uint32_t id);

/* Make NODE the entry of op slot OP (< target->op_count). */
void sb_graph_set_entry(struct sb_graph *g, uint32_t op, uint32_t node);

/*
** Make the leaf NODE the default terminal: emitted last, entered by slot
** 0 and by every slot left unset (FORMAT.md §3.5, §4.5).
*/
void sb_graph_set_default(struct sb_graph *g, uint32_t node);

/* Entry of op slot OP: the one set, else the default terminal. */
uint32_t sb_graph_entry(const struct sb_graph *g, uint32_t op);

/*
** Print G deterministically (sbplc --dump=graph): header, default and
** op entries (slots entering the default terminal are counted, not
** listed), nodes in id order, then items with patterns and regexes
** disassembled.
*/
void sb_graph_dump(const struct sb_graph *g, FILE *f);

/* Append a one-line rendering of item ID (its kind and contents) to B. */
void sb_graph_item_text(struct sb_buf *b, const struct sb_graph *g,
    uint32_t id);

/* ------------------------------------------------- lift.c: blob -> graph */

/*
** Turn the validated blob BIN into a graph in arena A. Node ids are the
** blob's node indices; leaves get their rule ids from BIN's rule map.
** With PRESERVE, items keep their data offsets (one item per offset) and
** the unreferenced bytes of the data area are kept, so that
** sb_emit(SB_EMIT_PRESERVE) reproduces the blob exactly; without it
** items are interned by content. Returns NULL after reporting to D (may
** be NULL) when the blob uses one offset as two item kinds or, with
** PRESERVE, has overlapping items.
*/
struct sb_graph *sb_lift(struct sb_arena *a, const struct sb_bin *bin,
    int preserve, struct sb_diag *d);

/*
** Decode the LEN bytes at BYTES for target T and print them with
** sb_graph_dump() to F (sbplc --dump=graph FILE.bin). With T NULL, every
** format profile is tried in sb_target_format_all() order and the first
** that validates is used. Decoder warnings go to D as warnings, a
** refusal as an error naming the byte offset. Returns 0, or -1.
*/
int sb_graph_dump_blob(FILE *f, const void *bytes, size_t len,
    const struct sb_target *t, struct sb_diag *d);

/*
** The first format profile under which the LEN bytes at BYTES decode
** without error, or NULL. Header sizes and op counts make this
** unambiguous for the fixtures; it is a guess for anything else.
*/
const struct sb_target *sb_graph_guess_target(const void *bytes, size_t len);

#endif
