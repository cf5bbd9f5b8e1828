/*
** The compiled profile format as readers see it (FORMAT.md): on-disk
** constants, the format limits, and struct sb_bin, the validated
** zero-copy view that sb_decode() builds from a blob once, so that the
** evaluator (kext/eval.c), the lifter (compiler/lift.c) and the dumps
** can walk it without checking bounds again.
**
** Freestanding (kext/freestanding.h): decoding allocates nothing, reads
** nothing outside the blob, and every loop is bounded by the blob's size.
** Errors and warnings carry a byte offset and a static message.
*/
#ifndef SB_KEXT_BIN_H
#define SB_KEXT_BIN_H

#include "kext/freestanding.h"
#include "kext/target.h"

/* Layout and limits (FORMAT.md §3, §10). */
enum {
	SB_BIN_NODE_SIZE = 8,           /* every node record */
	SB_BIN_ALIGN = 8,               /* node array and items */
	SB_BIN_MAX_NODES = 65535,       /* node indices are u16 */
	SB_BIN_MAX_OFFSET = 65535,      /* data offsets: u16, 8-byte units */
	SB_BIN_MAX_VARS = 255,          /* var_count is a u8 */
	SB_BIN_MAX_STATES = 255,        /* state_count is a u8 */
	SB_BIN_MAX_ITEM = 65535,        /* u16 length prefix */
	SB_BIN_BITMASK_MAX = 8192,      /* bytes: every u16 value has a bit */
	/*
	** Evaluator limits, checked by the decoder so evaluation cannot run
	** out of scratch (DESIGN.md §2.7). Apple's fixtures need 444 program
	** bytes, 2 SAVEs and 4 forking instructions at most.
	*/
	SB_BIN_REGEX_MAX_PROGRAM = 4096,        /* bytes of one v3 program */
	SB_BIN_PATTERN_MAX_SAVES = 8,   /* SAVE instructions in one pattern */
	SB_BIN_PATTERN_MAX_FORKS = 16   /* VAR, VAR_LONG, SCAN_ANY in one */
};

/* Header word 0 (FORMAT.md §3.3, §13, §14). */
enum sb_bin_type {
	SB_BIN_SINGLE = 0x0000,
	SB_BIN_MSGFILTER = 0x4000,      /* single profile with message filters */
	SB_BIN_BUNDLE = 0x8000
};

/* Node records (FORMAT.md §4). */
enum {
	SB_BIN_TAG_TEST = 0,
	SB_BIN_TAG_TERMINAL = 1,
	SB_BIN_FILTER_ALT = 0x80,       /* regex index / bitmask item form */
	SB_BIN_DENY = 0x000001,         /* terminal flags bit 0 */
	SB_BIN_INLINE = 0x800000        /* bytes 4-7 hold an inline modifier */
};

/* Pattern bytecode (FORMAT.md §8.2); ranges are noted at each base. */
enum sb_pat_op {
	SB_POP_EOS = 0x00,
	SB_POP_VAR_LONG = 0x01,         /* 01 lo hi */
	SB_POP_SCAN = 0x02,             /* 02 c */
	SB_POP_SCAN_ANY = 0x03,         /* 03 c */
	SB_POP_LIT_LONG = 0x04,         /* 04 n, then n + 65 bytes */
	SB_POP_RESTORE = 0x05,
	SB_POP_SAVE = 0x06,
	SB_POP_DROP = 0x07,
	SB_POP_JNE_LONG = 0x08,         /* 08 lo hi: skip u16 + 129 */
	SB_POP_FAIL = 0x09,
	SB_POP_SUCCESS = 0x0a,
	SB_POP_RANGE = 0x0b,            /* 0b f, then (f & 0x7f) + 1 pairs */
	SB_POP_GUARD = 0x0f,
	SB_POP_VAR = 0x10,              /* 0x10-0x1f: variable 0-15 */
	SB_POP_LIT = 0x40,              /* 0x40-0x7f: 1-64 literal bytes */
	SB_POP_JNE = 0x80               /* 0x80-0xff: skip 1-128 bytes */
};

/* AppleMatch version 3 programs (FORMAT.md §9.2). */
enum sb_rx_op {
	SB_ROP_CHAR = 0x02,             /* 02 c */
	SB_ROP_ANY = 0x09,
	SB_ROP_JMP = 0x0a,              /* 0a lo hi: absolute target */
	SB_ROP_CLASS = 0x0b,            /* (n << 4) | 0x0b, then n pairs */
	SB_ROP_MATCH = 0x15,            /* 15 00 */
	SB_ROP_BOL = 0x19,
	SB_ROP_EOL = 0x29,
	SB_ROP_SPLIT = 0x2f             /* 2f lo hi: absolute target */
};

/* Data items (FORMAT.md §7.2). ORDER: graph.c's item kind names. */
enum sb_item_kind {
	SB_ITEM_NONE,
	SB_ITEM_STRING,         /* u16 len, bytes, NUL (len counts it) */
	SB_ITEM_PATTERN,        /* u16 len, bytecode */
	SB_ITEM_REGEX,          /* u16 6+L, u32 BE version 3, u16 L, program */
	SB_ITEM_BITMASK,        /* u16 version 1, u16 nbytes, bits */
	SB_ITEM_NETWORK         /* u16 host (protocol | place << 8), u16 port */
};

/*
** What a node's u16 argument is, by filter id and its 0x80 bit, or by
** inline modifier id (FORMAT.md §4.4, §6). ORDER: graph.c's names.
*/
enum sb_bin_arg {
	SB_BARG_UNKNOWN,        /* filter or modifier this target lacks */
	SB_BARG_INVALID,        /* 0x80 on a kind without that form; id 0 */
	SB_BARG_IMM,            /* immediate: bool, bitfield, integer */
	SB_BARG_BOOL,           /* immediate 0 or 1 */
	SB_BARG_STRING,         /* data offset of a plain string */
	SB_BARG_PATTERN,        /* data offset of a pattern item */
	SB_BARG_REGEX,          /* index into the regex table */
	SB_BARG_BITMASK,        /* data offset of a bitmask item */
	SB_BARG_NETWORK,        /* data offset of a network item */
	SB_BARG_STATE,          /* index into the state-flag table */
	SB_BARG_PFLAG,          /* index into the profile-flag table */
	SB_BARG_POLICY          /* inline message-filter: index into policies */
};

/* Why sb_decode() refused a blob. */
enum sb_decode_code {
	SB_DEC_OK,
	SB_DEC_TRUNCATED,       /* a section or item runs past the end */
	SB_DEC_HEADER,          /* type, counts, op count vs target */
	SB_DEC_TABLE,           /* a table entry out of range */
	SB_DEC_PADDING,         /* non-zero padding before the nodes */
	SB_DEC_TAG,             /* node tag other than 0 or 1 */
	SB_DEC_EDGE,            /* edge out of range or not forward */
	SB_DEC_FILTER,          /* filter id or argument form invalid */
	SB_DEC_TERMINAL,        /* terminal malformed; default not last */
	SB_DEC_ITEM,            /* string, bitmask or network malformed */
	SB_DEC_PATTERN,         /* pattern bytecode malformed */
	SB_DEC_REGEX,           /* regex item or program malformed */
	SB_DEC_RULEMAP          /* rule map does not fit the nodes */
};

struct sb_decode_error {
	enum sb_decode_code code;
	uint32_t offset;        /* byte offset in the blob of the culprit */
	const char *msg;        /* static, lower case, no full stop */
};

typedef void (*sb_decode_warn_fn)(void *ctx, uint32_t offset,
                                  const char *msg);

struct sb_decode_opts {
	const struct sb_target *target; /* format profile: required */
	const uint32_t *rule_map;       /* NULL, or one rule id per node */
	uint32_t rule_map_len;          /* entries in rule_map */
	uint32_t nrules;                /* rule ids must be <= this */
	/*
	** Called for each deviation that FORMAT.md §19 lists as unknown
	** (unknown filters, flag bits, inline ids, terminal payloads, the X
	** table); may be NULL. MSG is static.
	*/
	sb_decode_warn_fn warn;
	void *warn_ctx;
};

/*
** A validated blob. Offsets are byte offsets into bytes; everything they
** lead to was checked by sb_decode(). The view borrows the bytes: they
** must outlive it and not change.
*/
struct sb_bin {
	const struct sb_target *target;
	const uint8_t *bytes;
	uint32_t size;                  /* bytes in the blob */
	uint16_t type;                  /* enum sb_bin_type bits */
	uint16_t node_count;
	uint16_t op_count;              /* slots per op table */
	uint16_t var_count;
	uint16_t state_count;
	uint16_t x_count;               /* FORMAT.md §3.4, purpose unknown */
	uint16_t pflag_count;           /* Darwin 24+ profile flags */
	uint16_t profile_count;         /* bundles; 0 for a single profile */
	uint16_t regex_count;
	uint16_t policy_count;
	uint16_t header_size;           /* 14 or 16 */
	uint32_t regex_tab;             /* offset of u16 regex_offsets[] */
	uint32_t var_tab;               /* u16 var_offsets[] */
	uint32_t state_tab;             /* u16 state_offsets[] */
	uint32_t x_tab;                 /* u16 x_offsets[] */
	uint32_t pflag_tab;             /* u16 profile-flag offsets[] */
	uint32_t policy_tab;            /* u16 policies[] (node indices) */
	uint32_t records;               /* op table, or first bundle record */
	uint32_t record_size;           /* bytes per bundle record; op table */
	uint32_t record_words;          /* u16 words before a record's op table */
	uint32_t tables_end;            /* first byte after the tables */
	uint32_t node_base;
	uint32_t data_base;
	uint32_t data_end;              /* end of the last referenced item */
	uint8_t f_ent_load;             /* %entitlement-load id, 0 if none */
	uint8_t f_ent_bool;             /* %entitlement-boolean */
	uint8_t f_ent_string;           /* %entitlement-string */
	uint8_t f_ent_present;          /* %entitlement-is-present */
	uint8_t f_ent_true;             /* %entitlement-is-bool-true */
	const uint32_t *rule_map;       /* from the options, or NULL */
	uint32_t nwarnings;             /* warnings reported */
};

/* Little-endian u16 at P. */
static inline uint16_t
sb_bin_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Node record I (I < node_count). */
static inline const uint8_t *
sb_bin_node(const struct sb_bin *b, uint32_t i)
{
	return b->bytes + b->node_base + SB_BIN_NODE_SIZE * i;
}

/* The 24-bit flags of terminal record N. */
static inline uint32_t
sb_bin_flags(const uint8_t *n)
{
	return (uint32_t)n[1] | (uint32_t)n[2] << 8 | (uint32_t)n[3] << 16;
}

/* The item at data offset OFF (checked when referenced). */
static inline const uint8_t *
sb_bin_item(const struct sb_bin *b, uint32_t off)
{
	return b->bytes + b->data_base + SB_BIN_ALIGN * off;
}

/* Entry of table TAB (a *_tab field) at index I. */
static inline uint16_t
sb_bin_tab(const struct sb_bin *b, uint32_t tab, uint32_t i)
{
	return sb_bin_rd16(b->bytes + tab + 2 * i);
}

/* Byte offset of the op table of PROFILE (0 for a single profile). */
static inline uint32_t
sb_bin_optab(const struct sb_bin *b, uint32_t profile)
{
	return b->records + profile * b->record_size + 2 * b->record_words;
}

/* Entry node of operation OP in PROFILE. */
static inline uint16_t
sb_bin_entry(const struct sb_bin *b, uint32_t profile, uint32_t op)
{
	return sb_bin_rd16(b->bytes + sb_bin_optab(b, profile) + 2 * op);
}

/* Word W (< record_words) of bundle record PROFILE: name, flags, a, b. */
static inline uint16_t
sb_bin_record_word(const struct sb_bin *b, uint32_t profile, uint32_t w)
{
	return sb_bin_rd16(b->bytes + b->records + profile * b->record_size +
	                   2 * w);
}

/* Number of op tables: profile_count for a bundle, else 1. */
static inline uint32_t
sb_bin_nprofiles(const struct sb_bin *b)
{
	return (b->type & SB_BIN_BUNDLE) ? b->profile_count : 1;
}

/*
** Validate LEN bytes at BYTES against OPTS->target and fill *BIN.
** Returns 0, or -1 with *ERR saying what is wrong and where (BIN is then
** unusable). Every check of FORMAT.md §18.1; see decode.c for the list.
*/
int sb_decode(struct sb_bin *bin, const void *bytes, size_t len,
              const struct sb_decode_opts *opts, struct sb_decode_error *err);

/* How the u16 argument of filter byte FILTER (0x80 included) is read. */
enum sb_bin_arg sb_bin_filter_arg(const struct sb_target *t, uint8_t filter);

/* How bytes 6-7 of a terminal with inline modifier ID are read. */
enum sb_bin_arg sb_bin_inline_arg(const struct sb_target *t, uint8_t id);

/*
** Size of the pattern instruction at PC of the LEN-byte program P, or 0
** when it is unknown or runs past LEN. *TARGET gets the jump target of
** JNE/JNE_LONG, else 0xffffffff.
*/
uint32_t sb_pattern_insn(const uint8_t *p, uint32_t len, uint32_t pc,
                         uint32_t *target);

/* The same for regex program instructions; jump targets are absolute. */
uint32_t sb_regex_insn(const uint8_t *p, uint32_t len, uint32_t pc,
                       uint32_t *target);

/*
** The plain string of a variable, state flag, X or profile-flag table
** entry I of TAB: its bytes (without the NUL) and their number in *LEN.
*/
const char *sb_bin_table_string(const struct sb_bin *b, uint32_t tab,
                                uint32_t i, uint32_t *len);

/* Bundle profile named NAME/LEN, or -1; 0 for NULL NAME in a single. */
int sb_bin_profile_find(const struct sb_bin *b, const char *name,
                        uint32_t len);

#endif
