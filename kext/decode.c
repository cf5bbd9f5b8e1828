/*
** decode.c: the strict reader of compiled profiles (FORMAT.md §18.1,
** DESIGN.md §2.7). sb_decode() checks a blob once against a format
** profile and fills struct sb_bin; after that the evaluator and the
** lifter trust every offset. It owns the checks, not their use: walking
** the graph is eval.c's, turning it into a graph is compiler/lift.c's.
**
** The checks, in order:
**   header     type 0x0000, 0x4000 or 0x8000 (+0x4000); profile count
**              agrees with the type; op count equals the target's;
**              at least one node
**   tables     every table, the op tables or bundle records, the padding
**              (zero) and the node array inside the blob; regex, variable,
**              state, X and profile-flag entries lead to well-formed
**              items; policies and op-table entries are node indices
**   nodes      tag 0 or 1; both edges in range and forward (§4.5); the
**              argument fits the filter's kind in the target (§6)
**   terminals  inline modifiers well formed; a single profile's default
**              slot enters its last node, a terminal (§3.5, §4.5)
**   items      in bounds; strings NUL-terminated; bitmask version 1;
**              network protocols known (§7.2)
**   patterns   tokenised exactly, jumps on instruction starts or the end,
**              variables in the table, within the evaluator's limits (§8)
**   regexes    version 3, lengths agree, every instruction known, MATCH
**              as 15 00, targets on instruction starts, no fall-through
**              past the end, within the state limit (§9)
**   rule map   when given: one entry per node, zero on tests, ids in range
**
** Unknowns that FORMAT.md §19 lists are warnings, not errors: filters and
** inline modifiers the target does not know, flag bits outside its
** modifier table, terminal payloads without the inline bit, a non-empty X
** table on Darwin 23, network addresses other than * and localhost.
**
** Freestanding: no allocation; the only buffer is a 512-byte bitset on
** the stack while a regex program is checked. An item referenced by many
** nodes is checked at each reference, which keeps the cost linear in the
** blob's references times item size and needs no memory.
*/
#include "kext/bin.h"

#define NONE 0xffffffffu

struct dec {
	const uint8_t *p;               /* the blob */
	uint32_t n;                     /* its size */
	const struct sb_decode_opts *o;
	struct sb_bin *b;               /* being filled */
	struct sb_decode_error *err;
	uint32_t known_flags;           /* terminal flag bits the target names */
};

static int
fail(struct dec *d, enum sb_decode_code code, uint32_t off, const char *msg)
{
	d->err->code = code;
	d->err->offset = off;
	d->err->msg = msg;
	return -1;
}

static void
warn(struct dec *d, uint32_t off, const char *msg)
{
	d->b->nwarnings++;
	if (d->o->warn)
		d->o->warn(d->o->warn_ctx, off, msg);
}

static uint16_t
rd16(const struct dec *d, uint32_t off)
{
	return sb_bin_rd16(d->p + off);
}

/* ------------------------------------------------------ argument kinds */

enum sb_bin_arg
sb_bin_filter_arg(const struct sb_target *t, uint8_t filter)
{
	unsigned id = filter & 0x7f;
	bool alt = (filter & SB_BIN_FILTER_ALT) != 0;

	if (id == 0)
		return SB_BARG_INVALID;
	if (id >= t->filter_count || !t->filters[id].name)
		return SB_BARG_UNKNOWN;
	switch (t->filters[id].argkind) {
	case SB_ARG_BOOL:
		return alt ? SB_BARG_INVALID : SB_BARG_BOOL;
	case SB_ARG_BITFIELD:
		return alt ? SB_BARG_INVALID : SB_BARG_IMM;
	case SB_ARG_INT:
		return alt ? SB_BARG_BITMASK : SB_BARG_IMM;
	case SB_ARG_STRING:
		return alt ? SB_BARG_INVALID : SB_BARG_STRING;
	case SB_ARG_PATH:
	case SB_ARG_PATTERN:
	case SB_ARG_PREFIX:
		return alt ? SB_BARG_REGEX : SB_BARG_PATTERN;
	case SB_ARG_NETWORK:
		return alt ? SB_BARG_INVALID : SB_BARG_NETWORK;
	case SB_ARG_STATE_FLAG:
		return alt ? SB_BARG_INVALID : SB_BARG_STATE;
	case SB_ARG_PROFILE_FLAG:
		/* one table lists a regex form; no blob shows it (§12.3) */
		return alt ? SB_BARG_UNKNOWN : SB_BARG_PFLAG;
	default:
		return SB_BARG_UNKNOWN;
	}
}

enum sb_bin_arg
sb_bin_inline_arg(const struct sb_target *t, uint8_t id)
{
	if (id == 0 || id >= t->modifier_count || !t->modifiers[id].name ||
	    !t->modifiers[id].is_inline)
		return SB_BARG_UNKNOWN;
	switch (t->modifiers[id].argkind) {
	case SB_ARG_STRING:
		return SB_BARG_STRING;
	case SB_ARG_INT:
		return SB_BARG_IMM;
	case SB_ARG_POLICY:
		return SB_BARG_POLICY;
	default:
		return SB_BARG_UNKNOWN;
	}
}

/* ------------------------------------------------------- instructions */

uint32_t
sb_pattern_insn(const uint8_t *p, uint32_t len, uint32_t pc, uint32_t *target)
{
	uint32_t op, rem, size;

	*target = NONE;
	if (pc >= len)
		return 0;
	op = p[pc];
	rem = len - pc;
	if (op >= SB_POP_JNE) {
		*target = pc + 1 + (op - SB_POP_JNE) + 1;
		return 1;
	}
	if (op >= SB_POP_LIT)
		size = 2 + (op - SB_POP_LIT);
	else if (op >= 0x20)
		return 0;       /* read as variables 16-47 by some; §8.2 */
	else if (op >= SB_POP_VAR)
		size = 1;
	else
		switch (op) {
		case SB_POP_EOS:
		case SB_POP_RESTORE:
		case SB_POP_SAVE:
		case SB_POP_DROP:
		case SB_POP_FAIL:
		case SB_POP_SUCCESS:
		case SB_POP_GUARD:
			size = 1;
			break;
		case SB_POP_SCAN:
		case SB_POP_SCAN_ANY:
			size = 2;
			break;
		case SB_POP_VAR_LONG:
			size = 3;
			break;
		case SB_POP_LIT_LONG:
			if (rem < 2)
				return 0;
			size = 2 + p[pc + 1] + 65u;
			break;
		case SB_POP_JNE_LONG:
			if (rem < 3)
				return 0;
			size = 3;
			*target = pc + 3 + sb_bin_rd16(p + pc + 1) + 129u;
			break;
		case SB_POP_RANGE:
			if (rem < 2)
				return 0;
			size = 2 + 2 * ((p[pc + 1] & 0x7fu) + 1);
			break;
		default:
			return 0;
		}
	return size <= rem ? size : 0;
}

uint32_t
sb_regex_insn(const uint8_t *p, uint32_t len, uint32_t pc, uint32_t *target)
{
	uint32_t op, size;

	*target = NONE;
	if (pc >= len)
		return 0;
	op = p[pc];
	switch (op) {
	case SB_ROP_CHAR:
	case SB_ROP_MATCH:
		size = 2;
		break;
	case SB_ROP_ANY:
	case SB_ROP_BOL:
	case SB_ROP_EOL:
		size = 1;
		break;
	case SB_ROP_JMP:
	case SB_ROP_SPLIT:
		if (len - pc < 3)
			return 0;
		*target = sb_bin_rd16(p + pc + 1);
		return 3;
	default:
		if ((op & 0x0f) != SB_ROP_CLASS || (op >> 4) == 0)
			return 0;
		size = 1 + 2 * (op >> 4);
		break;
	}
	return size <= len - pc ? size : 0;
}

/* --------------------------------------------------------------- items */

/*
** Byte position of the item at data offset OFF, which must have NEED
** bytes in the blob; AT is where the reference sits, for the error.
*/
static int
item_pos(struct dec *d, uint32_t off, uint32_t need, uint32_t at,
         uint32_t *pos)
{
	uint32_t p = d->b->data_base + SB_BIN_ALIGN * off;

	if (p > d->n || d->n - p < need)
		return fail(d, SB_DEC_TRUNCATED, at,
		            "reference to an item past the end of the blob");
	*pos = p;
	return 0;
}

static void
note_end(struct dec *d, uint32_t end)
{
	if (end > d->b->data_end)
		d->b->data_end = end;
}

/* An item with a u16 length prefix: its body position and length. */
static int
prefixed(struct dec *d, uint32_t off, uint32_t at, uint32_t *body,
         uint32_t *len)
{
	uint32_t pos;

	if (item_pos(d, off, 2, at, &pos) < 0)
		return -1;
	*len = rd16(d, pos);
	*body = pos + 2;
	if (d->n - *body < *len)
		return fail(d, SB_DEC_TRUNCATED, pos,
		            "item runs past the end of the blob");
	note_end(d, *body + *len);
	return 0;
}

/* A plain string (FORMAT.md §7.2): bytes and a final NUL, none inside. */
static int
check_string(struct dec *d, uint32_t off, uint32_t at)
{
	uint32_t body, len, i;

	if (prefixed(d, off, at, &body, &len) < 0)
		return -1;
	if (len == 0)
		return fail(d, SB_DEC_ITEM, body - 2,
		            "string item without its NUL");
	if (d->p[body + len - 1] != 0)
		return fail(d, SB_DEC_ITEM, body + len - 1,
		            "string item does not end in NUL");
	for (i = 0; i + 1 < len; i++)
		if (d->p[body + i] == 0)
			return fail(d, SB_DEC_ITEM, body + i,
			            "string item has a NUL inside");
	return 0;
}

static int
check_bitmask(struct dec *d, uint32_t off, uint32_t at)
{
	uint32_t pos, nbytes;

	if (item_pos(d, off, 4, at, &pos) < 0)
		return -1;
	if (rd16(d, pos) != 1)
		return fail(d, SB_DEC_ITEM, pos, "bitmask item version is not 1");
	nbytes = rd16(d, pos + 2);
	if (nbytes > SB_BIN_BITMASK_MAX)
		return fail(d, SB_DEC_ITEM, pos + 2,
		            "bitmask item longer than 8192 bytes");
	if (d->n - pos - 4 < nbytes)
		return fail(d, SB_DEC_TRUNCATED, pos,
		            "bitmask item runs past the end of the blob");
	note_end(d, pos + 4 + nbytes);
	return 0;
}

/* Protocol byte: 1 ip4, 2 ip6, 4 tcp, 8 udp; a family, at most one transport. */
static int
check_network(struct dec *d, uint32_t off, uint32_t at)
{
	uint32_t pos;
	uint8_t proto, place;

	if (item_pos(d, off, 4, at, &pos) < 0)
		return -1;
	proto = d->p[pos];
	place = d->p[pos + 1];
	if ((proto & 3) == 0 || (proto & 0xf0) || (proto & 0x0c) == 0x0c)
		return fail(d, SB_DEC_ITEM, pos,
		            "network item has an unknown protocol");
	if (place > 1)
		warn(d, pos + 1, "network address other than * and localhost "
		     "(FORMAT.md §19)");
	note_end(d, pos + 4);
	return 0;
}

/* Insert T into the ascending list PEND of *N (< CAP) entries. */
static void
pend_insert(uint32_t *pend, uint32_t *n, uint32_t t)
{
	uint32_t i = *n;

	while (i > 0 && pend[i - 1] > t) {
		pend[i] = pend[i - 1];
		i--;
	}
	pend[i] = t;
	(*n)++;
}

/* Whether tokenising PROG from FROM lands exactly on T (or stops early). */
static bool
lands_on(const uint8_t *prog, uint32_t len, uint32_t from, uint32_t t)
{
	uint32_t q = from, size, dummy;

	while (q < t) {
		size = sb_pattern_insn(prog, len, q, &dummy);
		if (size == 0)
			return true;    /* the main loop reports this one */
		q += size;
	}
	return q == t;
}

enum { PEND_CAP = 16 };

/* Pattern bytecode (FORMAT.md §8.2): exact tokenisation, jumps, limits. */
static int
check_pattern(struct dec *d, uint32_t off, uint32_t at)
{
	uint32_t body, len, pc, size, t, idx;
	uint32_t pend[PEND_CAP], npend = 0, saves = 0, forks = 0;
	const uint8_t *prog;

	if (prefixed(d, off, at, &body, &len) < 0)
		return -1;
	if (len == 0)
		return fail(d, SB_DEC_PATTERN, body - 2, "empty pattern item");
	prog = d->p + body;
	for (pc = 0; pc < len; pc += size) {
		while (npend > 0 && pend[0] <= pc) {
			if (pend[0] < pc)
				return fail(d, SB_DEC_PATTERN, body + pend[0],
				            "pattern jump lands inside an "
				            "instruction");
			npend--;
			for (idx = 0; idx < npend; idx++)
				pend[idx] = pend[idx + 1];
		}
		size = sb_pattern_insn(prog, len, pc, &t);
		if (size == 0)
			return fail(d, SB_DEC_PATTERN, body + pc,
			            (prog[pc] >= 0x20 && prog[pc] < 0x40) ||
			            prog[pc] == 0x0c || prog[pc] == 0x0d ||
			            prog[pc] == 0x0e ?
			            "unknown pattern opcode" :
			            "pattern instruction runs past the end");
		switch (prog[pc]) {
		case SB_POP_VAR_LONG:
			idx = sb_bin_rd16(prog + pc + 1);
			forks++;
			if (idx >= d->b->var_count)
				return fail(d, SB_DEC_PATTERN, body + pc,
				            "pattern variable past the variable "
				            "table");
			break;
		case SB_POP_SCAN_ANY:
			forks++;
			break;
		case SB_POP_SAVE:
			saves++;
			break;
		case SB_POP_RANGE:
			for (idx = pc + 2; idx < pc + size; idx += 2)
				if (prog[idx] > prog[idx + 1])
					return fail(d, SB_DEC_PATTERN,
					            body + idx, "pattern range "
					            "with its low byte above its "
					            "high byte");
			break;
		default:
			if (prog[pc] >= SB_POP_VAR && prog[pc] < 0x20) {
				forks++;
				if (prog[pc] - SB_POP_VAR >= d->b->var_count)
					return fail(d, SB_DEC_PATTERN, body + pc,
					            "pattern variable past the "
					            "variable table");
			}
			break;
		}
		if (t == NONE || t == len)
			continue;
		if (t > len)
			return fail(d, SB_DEC_PATTERN, body + pc,
			            "pattern jump past the end");
		if (npend < PEND_CAP)
			pend_insert(pend, &npend, t);
		else if (!lands_on(prog, len, pc + size, t))
			return fail(d, SB_DEC_PATTERN, body + pc,
			            "pattern jump lands inside an instruction");
	}
	if (saves > SB_BIN_PATTERN_MAX_SAVES)
		return fail(d, SB_DEC_PATTERN, body,
		            "pattern has more SAVEs than the evaluator keeps");
	if (forks > SB_BIN_PATTERN_MAX_FORKS)
		return fail(d, SB_DEC_PATTERN, body, "pattern has more "
		            "forking instructions than the evaluator keeps");
	return 0;
}

/* A version 3 regex item and its program (FORMAT.md §9.1, §9.2). */
static int
check_regex(struct dec *d, uint32_t off, uint32_t at)
{
	uint8_t starts[SB_BIN_REGEX_MAX_PROGRAM / 8];
	uint32_t body, len, plen, pc, size, t, i, last = 0;
	const uint8_t *prog;

	if (prefixed(d, off, at, &body, &len) < 0)
		return -1;
	if (len < 6)
		return fail(d, SB_DEC_REGEX, body - 2,
		            "regex item shorter than its header");
	if (d->p[body] || d->p[body + 1] || d->p[body + 2] ||
	    d->p[body + 3] != 3)
		return fail(d, SB_DEC_REGEX, body, "regex version is not 3");
	plen = rd16(d, body + 4);
	if (plen + 6 != len)
		return fail(d, SB_DEC_REGEX, body + 4, "regex program length "
		            "disagrees with the item length");
	if (plen == 0)
		return fail(d, SB_DEC_REGEX, body + 4, "empty regex program");
	if (plen > SB_BIN_REGEX_MAX_PROGRAM)
		return fail(d, SB_DEC_REGEX, body + 4, "regex program longer "
		            "than the evaluator's state limit");
	prog = d->p + body + 6;
	memset(starts, 0, sizeof starts);
	for (pc = 0; pc < plen; pc += size) {
		size = sb_regex_insn(prog, plen, pc, &t);
		if (size == 0)
			return fail(d, SB_DEC_REGEX, body + 6 + pc,
			            (prog[pc] & 0x0e) == 0x06 ?
			            "regex group opcodes are not version 3" :
			            "unknown or truncated regex instruction");
		starts[pc >> 3] |= (uint8_t)(1u << (pc & 7));
		last = prog[pc];
		if (last == SB_ROP_MATCH && prog[pc + 1] != 0)
			return fail(d, SB_DEC_REGEX, body + 6 + pc,
			            "regex MATCH not followed by 00");
		if ((last & 0x0f) == SB_ROP_CLASS && (last >> 4) > 1)
			for (i = pc + 1; i < pc + size; i += 2)
				if (prog[i] > prog[i + 1])
					return fail(d, SB_DEC_REGEX,
					            body + 6 + i, "negated regex "
					            "class with several pairs "
					            "(FORMAT.md §19)");
	}
	if (last != SB_ROP_MATCH && last != SB_ROP_JMP)
		return fail(d, SB_DEC_REGEX, body + 6 + pc - size,
		            "regex program runs off its end");
	for (pc = 0; pc < plen; pc += size) {
		size = sb_regex_insn(prog, plen, pc, &t);
		if (t != NONE && (t >= plen || !(starts[t >> 3] >> (t & 7) & 1)))
			return fail(d, SB_DEC_REGEX, body + 6 + pc,
			            "regex jump target is not an instruction "
			            "start");
	}
	return 0;
}

/* ------------------------------------------------------- header, tables */

static int
read_header(struct dec *d)
{
	struct sb_bin *b = d->b;
	const struct sb_target *t = d->o->target;
	uint32_t hs = t->header_size;

	if (hs != 14 && hs != 16)
		return fail(d, SB_DEC_HEADER, 0, "target has no known header "
		            "layout");
	if (d->n < hs)
		return fail(d, SB_DEC_TRUNCATED, 0, "blob shorter than its "
		            "header");
	b->header_size = (uint16_t)hs;
	b->type = rd16(d, 0);
	b->node_count = rd16(d, 2);
	b->op_count = d->p[4];
	b->var_count = d->p[5];
	b->state_count = d->p[6];
	b->x_count = d->p[7];
	if (hs == 16) {
		b->pflag_count = rd16(d, 8);
		b->profile_count = rd16(d, 10);
		b->regex_count = rd16(d, 12);
		b->policy_count = rd16(d, 14);
	} else {
		b->profile_count = rd16(d, 8);
		b->regex_count = rd16(d, 10);
		b->policy_count = rd16(d, 12);
	}
	if (b->type & ~(SB_BIN_BUNDLE | SB_BIN_MSGFILTER))
		return fail(d, SB_DEC_HEADER, 0, "unknown profile type");
	if ((b->type & SB_BIN_BUNDLE) && b->profile_count == 0)
		return fail(d, SB_DEC_HEADER, hs == 16 ? 10 : 8,
		            "bundle without profiles");
	if (!(b->type & SB_BIN_BUNDLE) && b->profile_count != 0)
		return fail(d, SB_DEC_HEADER, hs == 16 ? 10 : 8,
		            "single profile with a profile count");
	if (b->op_count != t->op_count)
		return fail(d, SB_DEC_HEADER, 4, "operation count differs "
		            "from the target's");
	if (b->node_count == 0)
		return fail(d, SB_DEC_HEADER, 2, "no nodes");
	if (b->x_count && hs == 14)
		warn(d, 7, "X table on Darwin 23 (FORMAT.md §19)");
	return 0;
}

/* Lay the tables out and check that they, the padding and the nodes fit. */
static int
layout(struct dec *d)
{
	struct sb_bin *b = d->b;
	uint32_t o = b->header_size, i, end;
	uint32_t nrec = sb_bin_nprofiles(b);

	b->regex_tab = o;
	o += 2u * b->regex_count;
	b->var_tab = o;
	o += 2u * b->var_count;
	b->state_tab = o;
	o += 2u * b->state_count;
	b->x_tab = o;
	o += 2u * b->x_count;
	b->pflag_tab = o;
	o += 2u * b->pflag_count;
	b->policy_tab = o;
	o += 2u * b->policy_count;
	b->records = o;
	b->record_words = (b->type & SB_BIN_BUNDLE) ?
	                  d->o->target->bundle_record_words : 0;
	b->record_size = 2 * (b->record_words + b->op_count);
	o += nrec * b->record_size;             /* < 65536 * 520 */
	if (o > d->n)
		return fail(d, SB_DEC_TRUNCATED, b->header_size,
		            "tables run past the end of the blob");
	b->tables_end = o;
	end = (o + SB_BIN_ALIGN - 1) & ~(uint32_t)(SB_BIN_ALIGN - 1);
	if (end > d->n)
		return fail(d, SB_DEC_TRUNCATED, o, "padding runs past the end "
		            "of the blob");
	for (i = o; i < end; i++)
		if (d->p[i] != 0)
			return fail(d, SB_DEC_PADDING, i, "non-zero padding "
			            "before the nodes");
	b->node_base = end;
	if ((d->n - end) / SB_BIN_NODE_SIZE < b->node_count)
		return fail(d, SB_DEC_TRUNCATED, 2, "node array runs past the "
		            "end of the blob");
	b->data_base = end + SB_BIN_NODE_SIZE * b->node_count;
	b->data_end = b->data_base;
	return 0;
}

static int
check_tables(struct dec *d)
{
	struct sb_bin *b = d->b;
	uint32_t i, at;

	for (i = 0; i < b->regex_count; i++)
		if (check_regex(d, sb_bin_tab(b, b->regex_tab, i),
		                b->regex_tab + 2 * i) < 0)
			return -1;
	for (i = 0; i < b->var_count; i++)
		if (check_string(d, sb_bin_tab(b, b->var_tab, i),
		                 b->var_tab + 2 * i) < 0)
			return -1;
	for (i = 0; i < b->state_count; i++)
		if (check_string(d, sb_bin_tab(b, b->state_tab, i),
		                 b->state_tab + 2 * i) < 0)
			return -1;
	for (i = 0; i < b->x_count; i++)
		if (check_string(d, sb_bin_tab(b, b->x_tab, i),
		                 b->x_tab + 2 * i) < 0)
			return -1;
	for (i = 0; i < b->pflag_count; i++)
		if (check_string(d, sb_bin_tab(b, b->pflag_tab, i),
		                 b->pflag_tab + 2 * i) < 0)
			return -1;
	for (i = 0; i < b->policy_count; i++) {
		at = b->policy_tab + 2 * i;
		if (rd16(d, at) >= b->node_count)
			return fail(d, SB_DEC_TABLE, at, "policy past the node "
			            "array");
	}
	return 0;
}

static int
check_records(struct dec *d)
{
	struct sb_bin *b = d->b;
	uint32_t p, op, at, rec, nrec = sb_bin_nprofiles(b);

	for (p = 0; p < nrec; p++) {
		rec = b->records + p * b->record_size;
		if (b->record_words >= 1 &&
		    check_string(d, rd16(d, rec), rec) < 0)
			return -1;
		/* word 3 (Darwin 24+): 0 or a bitmask's offset (§13) */
		if (b->record_words >= 4 && rd16(d, rec + 6) != 0 &&
		    check_bitmask(d, rd16(d, rec + 6), rec + 6) < 0)
			return -1;
		for (op = 0; op < b->op_count; op++) {
			at = sb_bin_optab(b, p) + 2 * op;
			if (rd16(d, at) >= b->node_count)
				return fail(d, SB_DEC_TABLE, at, "op-table "
				            "entry past the node array");
		}
	}
	return 0;
}

/* --------------------------------------------------------------- nodes */

static int
check_arg(struct dec *d, uint8_t filter, uint16_t arg, uint32_t at)
{
	struct sb_bin *b = d->b;

	switch (sb_bin_filter_arg(d->o->target, filter)) {
	case SB_BARG_UNKNOWN:
		warn(d, at - 1, "filter unknown to the target; argument not "
		     "checked (FORMAT.md §19)");
		return 0;
	case SB_BARG_BOOL:
		if (arg > 1)
			return fail(d, SB_DEC_FILTER, at, "boolean argument "
			            "other than 0 or 1");
		return 0;
	case SB_BARG_IMM:
		return 0;
	case SB_BARG_STRING:
		return check_string(d, arg, at);
	case SB_BARG_PATTERN:
		return check_pattern(d, arg, at);
	case SB_BARG_REGEX:
		if (arg >= b->regex_count)
			return fail(d, SB_DEC_TABLE, at, "regex index past the "
			            "regex table");
		return 0;
	case SB_BARG_BITMASK:
		return check_bitmask(d, arg, at);
	case SB_BARG_NETWORK:
		return check_network(d, arg, at);
	case SB_BARG_STATE:
		if (arg >= b->state_count)
			return fail(d, SB_DEC_TABLE, at, "state flag past the "
			            "state table");
		return 0;
	case SB_BARG_PFLAG:
		if (arg >= b->pflag_count)
			return fail(d, SB_DEC_TABLE, at, "profile flag past the "
			            "profile-flag table");
		return 0;
	default:
		return fail(d, SB_DEC_FILTER, at - 1, "filter id 0, or an "
		            "alternate form the filter does not have");
	}
}

static int
check_test(struct dec *d, uint32_t i, const uint8_t *n, uint32_t at)
{
	uint32_t m = sb_bin_rd16(n + 4), u = sb_bin_rd16(n + 6);

	if (m >= d->b->node_count || u >= d->b->node_count)
		return fail(d, SB_DEC_EDGE, at + (m >= d->b->node_count ? 4 : 6),
		            "edge to a node past the array");
	if (m <= i || u <= i)
		return fail(d, SB_DEC_EDGE, at + (m <= i ? 4 : 6),
		            "edge does not point forward");
	return check_arg(d, n[1], sb_bin_rd16(n + 2), at + 2);
}

static int
check_terminal(struct dec *d, const uint8_t *n, uint32_t at)
{
	uint32_t flags = sb_bin_flags(n);
	uint16_t arg = sb_bin_rd16(n + 6);

	if (flags & ~d->known_flags)
		warn(d, at + 1, "terminal flag bits the target does not name "
		     "(FORMAT.md §19)");
	if (!(flags & SB_BIN_INLINE)) {
		if (n[4] | n[5] | n[6] | n[7])
			warn(d, at + 4, "terminal payload without the inline "
			     "bit (FORMAT.md §19)");
		return 0;
	}
	if (n[4] == 0)
		return fail(d, SB_DEC_TERMINAL, at + 4, "inline bit without a "
		            "modifier id");
	switch (sb_bin_inline_arg(d->o->target, n[4])) {
	case SB_BARG_STRING:
		return check_string(d, arg, at + 6);
	case SB_BARG_POLICY:
		if (arg >= d->b->policy_count)
			return fail(d, SB_DEC_TABLE, at + 6, "message filter "
			            "past the policy table");
		return 0;
	case SB_BARG_IMM:
		return 0;
	default:
		warn(d, at + 4, "inline modifier unknown to the target "
		     "(FORMAT.md §19)");
		return 0;
	}
}

static int
check_nodes(struct dec *d)
{
	struct sb_bin *b = d->b;
	uint32_t i, at, last;
	const uint8_t *n;

	for (i = 0; i < b->node_count; i++) {
		at = b->node_base + SB_BIN_NODE_SIZE * i;
		n = d->p + at;
		if (n[0] == SB_BIN_TAG_TEST) {
			if (check_test(d, i, n, at) < 0)
				return -1;
		} else if (n[0] == SB_BIN_TAG_TERMINAL) {
			if (check_terminal(d, n, at) < 0)
				return -1;
		} else {
			return fail(d, SB_DEC_TAG, at, "node tag other than 0 "
			            "or 1");
		}
	}
	if (b->type & SB_BIN_BUNDLE)
		return 0;
	/* FORMAT.md §3.5, §4.5: the default slot enters the last node */
	last = b->node_count - 1u;
	if (sb_bin_node(b, last)[0] != SB_BIN_TAG_TERMINAL)
		return fail(d, SB_DEC_TERMINAL, b->node_base + 8 * last,
		            "last node is not a terminal");
	if (sb_bin_entry(b, 0, 0) != last)
		return fail(d, SB_DEC_TERMINAL, sb_bin_optab(b, 0),
		            "default slot does not enter the last node");
	return 0;
}

static int
check_rule_map(struct dec *d)
{
	const struct sb_decode_opts *o = d->o;
	uint32_t i;

	if (!o->rule_map)
		return 0;
	if (o->rule_map_len != d->b->node_count)
		return fail(d, SB_DEC_RULEMAP, 2, "rule map length differs from "
		            "the node count");
	for (i = 0; i < o->rule_map_len; i++) {
		if (o->rule_map[i] > o->nrules)
			return fail(d, SB_DEC_RULEMAP, d->b->node_base + 8 * i,
			            "rule map names a rule past the profile");
		if (o->rule_map[i] &&
		    sb_bin_node(d->b, i)[0] != SB_BIN_TAG_TERMINAL)
			return fail(d, SB_DEC_RULEMAP, d->b->node_base + 8 * i,
			            "rule map names a rule on a test node");
	}
	d->b->rule_map = o->rule_map;
	return 0;
}

/* Terminal flag bits some flag modifier of T sets or clears (§4.3). */
static uint32_t
known_flags(const struct sb_target *t)
{
	uint32_t k = SB_BIN_DENY | SB_BIN_INLINE;
	unsigned i;

	for (i = 1; i < t->modifier_count; i++)
		if (t->modifiers[i].name && !t->modifiers[i].is_inline)
			k |= t->modifiers[i].mask | t->modifiers[i].flag;
	return k;
}

static uint8_t
filter_id(const struct sb_target *t, const char *name, size_t len)
{
	int id = sb_target_filter_find(t, name, len);

	return id > 0 && id < 0x80 ? (uint8_t)id : 0;
}

int
sb_decode(struct sb_bin *bin, const void *bytes, size_t len,
          const struct sb_decode_opts *opts, struct sb_decode_error *err)
{
	struct dec d;
	const struct sb_target *t = opts->target;

	memset(bin, 0, sizeof *bin);
	err->code = SB_DEC_OK;
	err->offset = 0;
	err->msg = "";
	d.p = bytes;
	d.o = opts;
	d.b = bin;
	d.err = err;
	if (len > 0x7fffffffu)
		return fail(&d, SB_DEC_HEADER, 0, "blob larger than 2 GiB");
	d.n = (uint32_t)len;
	d.known_flags = known_flags(t);
	bin->target = t;
	bin->bytes = bytes;
	bin->size = d.n;
	if (read_header(&d) < 0 || layout(&d) < 0 || check_tables(&d) < 0 ||
	    check_records(&d) < 0 || check_nodes(&d) < 0 ||
	    check_rule_map(&d) < 0)
		return -1;
	bin->f_ent_load = filter_id(t, "%entitlement-load", 17);
	bin->f_ent_bool = filter_id(t, "%entitlement-boolean", 20);
	bin->f_ent_string = filter_id(t, "%entitlement-string", 19);
	bin->f_ent_present = filter_id(t, "%entitlement-is-present", 23);
	bin->f_ent_true = filter_id(t, "%entitlement-is-bool-true", 25);
	return 0;
}

/* ------------------------------------------------------------- lookups */

const char *
sb_bin_table_string(const struct sb_bin *b, uint32_t tab, uint32_t i,
                    uint32_t *len)
{
	const uint8_t *item = sb_bin_item(b, sb_bin_tab(b, tab, i));

	*len = sb_bin_rd16(item) - 1u;
	return (const char *)item + 2;
}

int
sb_bin_profile_find(const struct sb_bin *b, const char *name, uint32_t len)
{
	uint32_t p, n;
	const uint8_t *item;

	if (!(b->type & SB_BIN_BUNDLE))
		return name ? -1 : 0;
	if (!name)
		return -1;
	for (p = 0; p < b->profile_count; p++) {
		item = sb_bin_item(b, sb_bin_record_word(b, p, 0));
		n = sb_bin_rd16(item) - 1u;
		if (n == len && memcmp(item + 2, name, len) == 0)
			return (int)p;
	}
	return -1;
}
