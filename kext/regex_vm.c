/*
** regex_vm.c: AppleMatch version 3 programs against a string (FORMAT.md
** §9.2), by Thompson simulation: the set of live instruction offsets is
** a bitset in the caller's scratch (one bit per program byte, hence
** SB_BIN_REGEX_MAX_PROGRAM), advanced one subject byte at a time.
**
** Semantics (§9.2, [inferred] there): the program starts at offset 0 at
** subject position 0 only; reaching MATCH accepts whatever input is
** left; BOL holds at position 0 and EOL at the end; ANY matches every
** byte, newline and NUL included (§19 item 5). A CLASS matches a byte in
** any of its pairs, except that a single pair with lo > hi is the
** negated one-run form (§9.4): it matches bytes >= lo or <= hi.
**
** The epsilon closure needs no stack: the set is scanned in ascending
** offset order, a state added above the scan point is reached in the
** same pass, and a pass that added a state below it (a backward JMP or
** SPLIT) asks for another pass. Every pass that repeats added a state,
** so there are at most as many passes as program bytes.
*/
#include "kext/eval.h"

static bool
has(const uint8_t *set, uint32_t x)
{
	return set[x >> 3] >> (x & 7) & 1;
}

/* Add X (< LEN) to SET; true when it is new and below the scan point AT. */
static bool
add(uint8_t *set, uint32_t len, uint32_t x, uint32_t at)
{
	if (x >= len || has(set, x))
		return false;
	set[x >> 3] |= (uint8_t)(1u << (x & 7));
	return x < at;
}

/*
** Close SET under JMP, SPLIT and the assertions at position POS of a
** SLEN-byte subject. Returns 1 when MATCH is in the closure, 0, or -1
** when the budget runs out.
*/
static int
closure(const uint8_t *p, uint32_t len, uint8_t *set, uint32_t pos,
        uint32_t slen, uint32_t *budget)
{
	uint32_t st, t, nb = (len + 7) / 8;
	bool again;

	do {
		again = false;
		if (*budget < nb)
			return -1;
		*budget -= nb;
		for (st = 0; st < len; st++) {
			if (set[st >> 3] == 0) {
				st |= 7;
				continue;
			}
			if (!has(set, st))
				continue;
			switch (p[st]) {
			case SB_ROP_MATCH:
				return 1;
			case SB_ROP_JMP:
				t = sb_bin_rd16(p + st + 1);
				again |= add(set, len, t, st);
				break;
			case SB_ROP_SPLIT:
				t = sb_bin_rd16(p + st + 1);
				again |= add(set, len, st + 3, st);
				again |= add(set, len, t, st);
				break;
			case SB_ROP_BOL:
				if (pos == 0)
					again |= add(set, len, st + 1, st);
				break;
			case SB_ROP_EOL:
				if (pos == slen)
					again |= add(set, len, st + 1, st);
				break;
			default:
				break;
			}
		}
	} while (again);
	return 0;
}

/* Whether the CLASS instruction at P matches C. */
static bool
class_has(const uint8_t *p, uint8_t c)
{
	uint32_t n = p[0] >> 4, i;

	if (n == 1 && p[1] > p[2])
		return c >= p[1] || c <= p[2];
	for (i = 0; i < n; i++)
		if (p[1 + 2 * i] <= c && c <= p[2 + 2 * i])
			return true;
	return false;
}

/* Move the states of CUR that consume C into NEXT; false if none did. */
static bool
advance(const uint8_t *p, uint32_t len, const uint8_t *cur, uint8_t *next,
        uint8_t c)
{
	uint32_t st;
	bool any = false;
	uint8_t op;

	for (st = 0; st < len; st++) {
		if (cur[st >> 3] == 0) {
			st |= 7;
			continue;
		}
		if (!has(cur, st))
			continue;
		op = p[st];
		if (op == SB_ROP_CHAR) {
			if (st + 1 < len && p[st + 1] == c) {
				add(next, len, st + 2, 0);
				any = true;
			}
		} else if (op == SB_ROP_ANY) {
			add(next, len, st + 1, 0);
			any = true;
		} else if ((op & 0x0f) == SB_ROP_CLASS && op >> 4 &&
		           st + 2u * (op >> 4) < len && class_has(p + st, c)) {
			add(next, len, st + 1 + 2u * (op >> 4), 0);
			any = true;
		}
	}
	return any;
}

int
sb_regex_run(const uint8_t *prog, uint32_t len, const char *s,
             uint32_t slen, struct sb_scratch *scratch, uint32_t *budget)
{
	uint8_t *cur = scratch->u.rx.cur, *next = scratch->u.rx.next, *tmp;
	uint32_t pos, nb = (len + 7) / 8;
	int r;

	if (len == 0 || len > SB_BIN_REGEX_MAX_PROGRAM)
		return 0;
	memset(cur, 0, nb);
	cur[0] = 1;
	r = closure(prog, len, cur, 0, slen, budget);
	for (pos = 0; r == 0 && pos < slen; pos++) {
		memset(next, 0, nb);
		if (*budget < nb)
			return -1;
		*budget -= nb;
		if (!advance(prog, len, cur, next, (uint8_t)s[pos]))
			return 0;
		tmp = cur;
		cur = next;
		next = tmp;
		r = closure(prog, len, cur, pos + 1, slen, budget);
	}
	return r;
}
