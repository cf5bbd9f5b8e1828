/*
** pattern_vm.c: pattern bytecode against a string (FORMAT.md §8.5). A
** thread is (pc, cursor, saved cursors, condition); the pattern matches
** when some thread executes SUCCESS. Tests set the condition and advance
** the cursor on success; GUARD kills a thread whose last test failed,
** JNE skips forward; SAVE/RESTORE/DROP push, reread and pop the saved
** cursors; a thread also dies on FAIL, on running past the last byte
** and on a RESTORE or DROP with nothing saved.
**
** Only VAR (each value of the variable that matches at the cursor) and
** SCAN_ANY (each later occurrence of its byte) have several outcomes.
** They are explored depth first: the fork leaves a choice point in
** scratch with the thread's saved cursors, and a dying thread resumes
** from the newest choice point with its next alternative. A forking test
** fails (sets the condition to false) only when it has no alternative at
** all. Since the pc only moves forward, a thread holds at most one
** choice point per forking instruction, and the decoder bounds those
** (SB_BIN_PATTERN_MAX_FORKS) as well as SAVEs (SB_BIN_PATTERN_MAX_SAVES).
**
** Other readings the format leaves open (§19 item 4) are fixed here:
** repeating RANGE is greedy and always succeeds; DROP and RESTORE leave
** the condition alone; SUCCESS needs no end of string.
*/
#include "kext/eval.h"

struct pvm {
	const uint8_t *p;       /* program */
	uint32_t len;
	const char *s;          /* subject */
	uint32_t slen;
	sb_var_fn var;
	const void *ctx;
	struct sb_scratch *sc;
	uint32_t pc, cur;
	bool cond;
	uint32_t nsaves;        /* in sc->u.pat.saves */
	uint32_t nchoice;       /* in sc->u.pat.choice */
};

static bool
in_ranges(const uint8_t *pairs, uint32_t n, uint8_t c)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (pairs[2 * i] <= c && c <= pairs[2 * i + 1])
			return true;
	return false;
}

/*
** Take the next alternative of choice C (from C->alt on) for the
** forking instruction at C->pc, starting at C->cursor: set the cursor
** past it and advance C->alt. False when there is none.
*/
static bool
next_alt(struct pvm *m, struct sb_pat_choice *c)
{
	uint8_t op = m->p[c->pc];
	const struct sb_qvar *v;
	const struct sb_qstr *val;
	uint32_t j, idx;

	if (op == SB_POP_SCAN_ANY) {
		for (j = c->alt; j < m->slen; j++)
			if ((uint8_t)m->s[j] == m->p[c->pc + 1]) {
				c->alt = j + 1;
				m->cur = j + 1;
				return true;
			}
		return false;
	}
	idx = op == SB_POP_VAR_LONG ? sb_bin_rd16(m->p + c->pc + 1) :
	      (uint32_t)(op - SB_POP_VAR);
	v = m->var ? m->var(m->ctx, idx) : NULL;
	if (!v)
		return false;
	for (j = c->alt; j < v->nvalues; j++) {
		val = &v->values[j];
		if (val->len <= m->slen - c->cursor &&
		    (val->len == 0 ||
		     memcmp(m->s + c->cursor, val->s, val->len) == 0)) {
			c->alt = j + 1;
			m->cur = c->cursor + val->len;
			return true;
		}
	}
	return false;
}

/* Execute the forking instruction at pc (size SIZE). False: no room. */
static bool
fork_here(struct pvm *m, uint32_t size)
{
	struct sb_pat_choice *c;

	if (m->nchoice >= SB_BIN_PATTERN_MAX_FORKS)
		return false;
	c = &m->sc->u.pat.choice[m->nchoice];
	c->pc = (uint16_t)m->pc;
	c->cursor = m->cur;
	c->alt = m->p[m->pc] == SB_POP_SCAN_ANY ? m->cur : 0;
	c->nsaves = (uint8_t)m->nsaves;
	memcpy(c->saves, m->sc->u.pat.saves, m->nsaves * sizeof *c->saves);
	m->cond = next_alt(m, c);
	if (m->cond)
		m->nchoice++;
	m->pc += size;
	return true;
}

/* The current thread died: resume the newest choice that has more. */
static bool
backtrack(struct pvm *m)
{
	struct sb_pat_choice *c;
	uint32_t size, t;

	while (m->nchoice > 0) {
		c = &m->sc->u.pat.choice[m->nchoice - 1];
		m->nsaves = c->nsaves;
		memcpy(m->sc->u.pat.saves, c->saves,
		       m->nsaves * sizeof *c->saves);
		if (next_alt(m, c)) {
			size = sb_pattern_insn(m->p, m->len, c->pc, &t);
			m->pc = c->pc + size;
			m->cond = true;
			return true;
		}
		m->nchoice--;
	}
	return false;
}

/* Execute the test at pc (LIT, EOS, RANGE, SCAN) and advance pc. */
static void
simple_test(struct pvm *m, uint8_t op, uint32_t size)
{
	const uint8_t *p = m->p + m->pc;
	uint32_t n, j;

	if (op >= SB_POP_LIT || op == SB_POP_LIT_LONG) {
		n = op == SB_POP_LIT_LONG ? size - 2 : size - 1;
		p += op == SB_POP_LIT_LONG ? 2 : 1;
		m->cond = n <= m->slen - m->cur &&
		          memcmp(m->s + m->cur, p, n) == 0;
		if (m->cond)
			m->cur += n;
	} else if (op == SB_POP_EOS) {
		m->cond = m->cur == m->slen;
	} else if (op == SB_POP_RANGE) {
		n = (p[1] & 0x7fu) + 1;
		if (p[1] & 0x80) {
			while (m->cur < m->slen &&
			       in_ranges(p + 2, n, (uint8_t)m->s[m->cur]))
				m->cur++;
			m->cond = true;
		} else {
			m->cond = m->cur < m->slen &&
			          in_ranges(p + 2, n, (uint8_t)m->s[m->cur]);
			if (m->cond)
				m->cur++;
		}
	} else {                        /* SCAN */
		for (j = m->cur; j < m->slen && (uint8_t)m->s[j] != p[1]; j++)
			;
		m->cond = j < m->slen;
		if (m->cond)
			m->cur = j + 1;
	}
	m->pc += size;
}

/* One instruction: 1 matched, 0 go on, -1 thread died, -2 over limits. */
static int
step(struct pvm *m)
{
	uint32_t size, t;
	uint8_t op;

	size = sb_pattern_insn(m->p, m->len, m->pc, &t);
	if (size == 0)
		return -1;              /* past the end (or not validated) */
	op = m->p[m->pc];
	if (op >= SB_POP_JNE || op == SB_POP_JNE_LONG) {
		if (t > m->len)
			return -1;
		m->pc = m->cond ? m->pc + size : t;
		return 0;
	}
	if (op == SB_POP_SCAN_ANY || op == SB_POP_VAR_LONG ||
	    (op >= SB_POP_VAR && op < 0x20))
		return fork_here(m, size) ? 0 : -2;
	switch (op) {
	case SB_POP_GUARD:
		m->pc += size;
		return m->cond ? 0 : -1;
	case SB_POP_SUCCESS:
		return 1;
	case SB_POP_FAIL:
		return -1;
	case SB_POP_SAVE:
		if (m->nsaves >= SB_BIN_PATTERN_MAX_SAVES)
			return -2;
		m->sc->u.pat.saves[m->nsaves++] = m->cur;
		m->pc += size;
		return 0;
	case SB_POP_RESTORE:
	case SB_POP_DROP:
		if (m->nsaves == 0)
			return -1;
		if (op == SB_POP_RESTORE)
			m->cur = m->sc->u.pat.saves[m->nsaves - 1];
		else
			m->nsaves--;
		m->pc += size;
		return 0;
	default:
		simple_test(m, op, size);
		return 0;
	}
}

int
sb_pattern_run(const uint8_t *prog, uint32_t len, const char *s,
               uint32_t slen, sb_var_fn var, const void *ctx,
               struct sb_scratch *scratch, uint32_t *budget)
{
	struct pvm m;
	int r;

	m.p = prog;
	m.len = len;
	m.s = s;
	m.slen = slen;
	m.var = var;
	m.ctx = ctx;
	m.sc = scratch;
	m.pc = m.cur = 0;
	m.cond = true;
	m.nsaves = m.nchoice = 0;
	for (;;) {
		if (*budget == 0)
			return -1;
		(*budget)--;
		r = step(&m);
		if (r == 1)
			return 1;
		if (r == -2)
			return -1;
		if (r == -1 && !backtrack(&m))
			return 0;
	}
}
