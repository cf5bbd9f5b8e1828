/*
** Byte automata (automaton.h). Literal, prefix and subpath automata are
** chains computed on the fly: state i + 2 has read i bytes of the
** pattern. Regex automata are built lazily by subset construction over the
** Thompson program of compiler/regex.c, reading its instructions exactly
** as its Pike VM does: BOL passes only at the start, EOL only at the end,
** MATCH anywhere accepts the whole input (a search). The canonical-path
** automaton is a fixed table (LINT.md §2.5).
*/
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "compiler/regex.h"
#include "lint/automaton.h"

/* --- alphabets --------------------------------------------------------- */

void
sb_alpha_init(struct sb_alpha *al)
{
	memset(al, 0, sizeof *al);
	al->n = 1;
}

void
sb_alpha_free(struct sb_alpha *al)
{
	free(al->sets);
	al->sets = NULL;
	al->nsets = al->capsets = 0;
}

void
sb_alpha_single(struct sb_alpha *al, uint8_t c)
{
	al->single[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int
inset(const uint8_t *set, unsigned c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

void
sb_alpha_split(struct sb_alpha *al, const uint8_t set[32])
{
	uint32_t i;
	int any = 0, all = 1;

	for (i = 0; i < 32; i++) {
		any |= set[i] != 0;
		all &= set[i] == 0xff;
	}
	if (!any || all)
		return;
	for (i = 0; i < al->nsets; i++)
		if (memcmp(al->sets[i], set, 32) == 0)
			return;
	if (al->nsets == al->capsets) {
		al->capsets = al->capsets ? 2 * al->capsets : 16;
		al->sets = xrealloc(al->sets, al->capsets * sizeof *al->sets);
	}
	memcpy(al->sets[al->nsets++], set, 32);
}

void
sb_alpha_regex(struct sb_alpha *al, const struct sb_regex *rx)
{
	uint32_t i, j;

	for (i = 0; i < rx->n; i++) {
		const struct sb_rx_inst *in = &rx->prog[i];
		uint8_t set[32];
		if (in->op == SB_RX_CHAR) {
			sb_alpha_single(al, in->c);
		} else if (in->op == SB_RX_CLASS) {
			memset(set, 0, sizeof set);
			for (j = 0; j < in->nranges; j++) {
				unsigned c;
				for (c = in->ranges[2 * j];
				    c <= in->ranges[2 * j + 1]; c++)
					set[c >> 3] |= (uint8_t)(1u << (c & 7));
			}
			sb_alpha_split(al, set);
		}
	}
}

/* How readable byte C is in a witness: lower is better. */
static int
readability(unsigned c)
{
	if (c >= 'a' && c <= 'z')
		return 0;
	if (c >= '0' && c <= '9')
		return 1;
	if (c >= 'A' && c <= 'Z')
		return 2;
	if (c == '/' || c == '.' || c == '-' || c == '_')
		return 3;
	if (c > 0x20 && c < 0x7f)
		return 4;
	if (c == ' ')
		return 5;
	return 6;
}

void
sb_alpha_finish(struct sb_alpha *al)
{
	uint64_t sig[256];
	uint32_t c, i, j, k;
	int best[256];

	for (c = 0; c < 256; c++) {
		uint64_t h = inset(al->single, c) ? 0x9e3779b97f4a7c15ull *
		    (c + 1) : 0;
		for (i = 0; i < al->nsets; i++)
			if (inset(al->sets[i], c))
				h = (h ^ (i + 1)) * 0x100000001b3ull + i;
		sig[c] = h;
	}
	al->n = 0;
	for (c = 0; c < 256; c++) {
		for (k = 0; k < c; k++)
			if (sig[k] == sig[c])
				break;
		if (k < c) {
			al->cls[c] = al->cls[k];
			continue;
		}
		al->cls[c] = (uint8_t)al->n;
		al->rep[al->n] = (uint8_t)c;
		best[al->n] = readability(c);
		al->n++;
	}
	/* the most readable byte of each class stands for it */
	for (c = 0; c < 256; c++) {
		k = al->cls[c];
		if (readability(c) < best[k] || (readability(c) == best[k] &&
		    c == 'a')) {
			best[k] = readability(c);
			al->rep[k] = (uint8_t)c;
		}
	}
	for (i = 0; i < al->n; i++)
		al->order[i] = (uint16_t)i;
	for (i = 1; i < al->n; i++)     /* insertion sort by readability */
		for (j = i; j > 0; j--) {
			uint16_t a = al->order[j - 1], b = al->order[j];
			int ra = readability(al->rep[a]), rb = readability(al->rep[b]);
			if (ra < rb || (ra == rb && al->rep[a] <= al->rep[b]))
				break;
			al->order[j - 1] = b;
			al->order[j] = a;
		}
	al->finished = 1;
}

/* --- the canonical-path automaton -------------------------------------- */

enum { C_START = 2, C_ROOT, C_COMP, C_SLASH, C_DOT1, C_DOT2, C_T1, C_T2,
	C_T3, C_V1, C_V2, C_V3, C_E1, C_E2, C_E3 };

static uint32_t
canonstep(uint32_t st, unsigned c)
{
	if (c == 0)
		return SB_FA_DEAD;
	switch (st) {
	case C_START:
		return c == '/' ? C_ROOT : SB_FA_DEAD;
	case C_ROOT:
		switch (c) {
		case '/': return SB_FA_DEAD;
		case '.': return C_DOT1;
		case 't': return C_T1;
		case 'v': return C_V1;
		case 'e': return C_E1;
		}
		return C_COMP;
	case C_SLASH:
		return c == '/' ? SB_FA_DEAD : c == '.' ? C_DOT1 : C_COMP;
	case C_DOT1:
		return c == '/' ? SB_FA_DEAD : c == '.' ? C_DOT2 : C_COMP;
	case C_DOT2:
		return c == '/' ? SB_FA_DEAD : C_COMP;
	case C_T3: case C_V3: case C_E3:
		/* under /tmp, /var, /etc: never a resolved path */
		return c == '/' ? SB_FA_DEAD : C_COMP;
	case C_T1: if (c == 'm') return C_T2; break;
	case C_T2: if (c == 'p') return C_T3; break;
	case C_V1: if (c == 'a') return C_V2; break;
	case C_V2: if (c == 'r') return C_V3; break;
	case C_E1: if (c == 't') return C_E2; break;
	case C_E2: if (c == 'c') return C_E3; break;
	case SB_FA_DEAD:
		return SB_FA_DEAD;
	}
	return c == '/' ? C_SLASH : C_COMP;
}

static int
canonaccepts(uint32_t st)
{
	return st == C_ROOT || st == C_COMP || (st >= C_T1 && st <= C_E3);
}

/* --- regex subset construction ----------------------------------------- */

static uint32_t
sethash(const uint32_t *v, uint32_t n, int acc)
{
	uint32_t h = 2166136261u ^ (uint32_t)acc, i;

	for (i = 0; i < n; i++)
		h = (h ^ v[i]) * 16777619u;
	return h ? h : 1;
}

static int
byu32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
** Follow the instructions from the NIN pcs in IN that take no input,
** collecting the byte-consuming pcs into a->work (sorted; their count in
** *NOUT). *MATCHED: a MATCH was reached (accepts every continuation).
** *ACC: a MATCH is reachable when the input ends here.
*/
static void
closure(struct sb_fa *a, const uint32_t *in, uint32_t nin, int atstart,
    uint32_t *nout, int *matched, int *acc)
{
	const struct sb_regex *rx = a->rx;
	uint32_t *stack = xmalloc((2 * rx->n + nin + 1) * sizeof *stack);
	uint32_t sp, n = 0, i, pass;

	*matched = *acc = 0;
	for (pass = 0; pass < 2; pass++) {
		int atend = pass == 1;
		a->stamp++;
		sp = 0;
		for (i = 0; i < nin; i++)
			stack[sp++] = in[i];
		while (sp > 0) {
			uint32_t pc = stack[--sp];
			const struct sb_rx_inst *x;
			if (pc >= rx->n || a->mark[pc] == a->stamp)
				continue;
			a->mark[pc] = a->stamp;
			x = &rx->prog[pc];
			switch (x->op) {
			case SB_RX_JMP:
				stack[sp++] = x->x;
				break;
			case SB_RX_SPLIT:
				stack[sp++] = x->x;
				stack[sp++] = pc + 1;
				break;
			case SB_RX_BOL:
				if (atstart)
					stack[sp++] = pc + 1;
				break;
			case SB_RX_EOL:
				if (atend)
					stack[sp++] = pc + 1;
				break;
			case SB_RX_MATCH:
				if (atend)
					*acc = 1;
				else
					*matched = 1;
				break;
			default:
				if (!atend)
					a->work[n++] = pc;
			}
		}
		if (*matched)
			break;
	}
	free(stack);
	qsort(a->work, n, sizeof *a->work, byu32);
	*nout = n;
}

static uint32_t
intern(struct sb_fa *a, const uint32_t *set, uint32_t n, int acc)
{
	uint32_t h = sethash(set, n, acc), i, st;

	if (a->nstates * 2 >= a->caphash) {
		uint32_t cap = a->caphash ? 2 * a->caphash : 64, k;
		uint32_t *t = xcalloc(cap, sizeof *t);
		for (k = 2; k < a->nstates; k++) {
			uint32_t hk = sethash(a->pool + a->setoff[k],
			    a->setlen[k], a->acc[k]);
			for (i = hk & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = k + 1;
		}
		free(a->hash);
		a->hash = t;
		a->caphash = cap;
	}
	for (i = h & (a->caphash - 1); a->hash[i]; i = (i + 1) &
	    (a->caphash - 1)) {
		st = a->hash[i] - 1;
		if (a->setlen[st] == n && a->acc[st] == acc &&
		    memcmp(a->pool + a->setoff[st], set, n * sizeof *set) == 0)
			return st;
	}
	if (a->nstates - 2 >= a->limit)
		return SB_FA_OVER;
	if (a->nstates == a->capstates) {
		a->capstates *= 2;
		a->setoff = xrealloc(a->setoff, a->capstates * sizeof *a->setoff);
		a->setlen = xrealloc(a->setlen, a->capstates * sizeof *a->setlen);
		a->acc = xrealloc(a->acc, a->capstates);
		a->delta = xrealloc(a->delta, (size_t)a->capstates * a->al->n *
		    sizeof *a->delta);
	}
	if (a->npool + n > a->cappool) {
		while (a->npool + n > a->cappool)
			a->cappool *= 2;
		a->pool = xrealloc(a->pool, a->cappool * sizeof *a->pool);
	}
	st = a->nstates++;
	a->setoff[st] = a->npool;
	a->setlen[st] = n;
	a->acc[st] = (uint8_t)acc;
	memcpy(a->pool + a->npool, set, n * sizeof *set);
	a->npool += n;
	memset(a->delta + (size_t)st * a->al->n, 0xff, a->al->n *
	    sizeof *a->delta);
	a->hash[i] = st + 1;
	return st;
}

static uint32_t
rxstate(struct sb_fa *a, uint32_t n, int matched, int acc)
{
	if (matched)
		return SB_FA_FULL;
	if (n == 0 && !acc)
		return SB_FA_DEAD;
	return intern(a, a->work, n, acc);
}

static void
rxinit(struct sb_fa *a)
{
	uint32_t n, zero = 0;
	int matched, acc;

	a->capstates = 16;
	a->nstates = 2;
	a->setoff = xcalloc(a->capstates, sizeof *a->setoff);
	a->setlen = xcalloc(a->capstates, sizeof *a->setlen);
	a->acc = xcalloc(a->capstates, 1);
	a->delta = xmalloc((size_t)a->capstates * a->al->n * sizeof *a->delta);
	a->cappool = 64;
	a->pool = xmalloc(a->cappool * sizeof *a->pool);
	a->work = xmalloc((a->rx->n + 1) * sizeof *a->work);
	a->entries = xmalloc((a->rx->n + 1) * sizeof *a->entries);
	a->mark = xcalloc(a->rx->n + 1, sizeof *a->mark);
	a->limit = 100000;
	closure(a, &zero, 1, 1, &n, &matched, &acc);
	a->start = rxstate(a, n, matched, acc);
}

static int
consumes(const struct sb_rx_inst *x, uint8_t c)
{
	uint32_t i;

	switch (x->op) {
	case SB_RX_ANY:
		return 1;
	case SB_RX_CHAR:
		return x->c == c;
	case SB_RX_CLASS:
		for (i = 0; i < x->nranges; i++)
			if (c >= x->ranges[2 * i] && c <= x->ranges[2 * i + 1])
				return 1;
		return 0;
	}
	return 0;
}

static uint32_t
rxstep(struct sb_fa *a, uint32_t st, uint16_t k)
{
	uint32_t *entries = a->entries, n = 0, i, nout, next;
	int32_t d = a->delta[(size_t)st * a->al->n + k];
	uint8_t c = a->al->rep[k];
	int matched, acc;

	if (d >= 0)
		return (uint32_t)d;
	/* a state's pcs are distinct pcs of the program: at most rx->n */
	for (i = 0; i < a->setlen[st]; i++) {
		uint32_t pc = a->pool[a->setoff[st] + i];
		if (consumes(&a->rx->prog[pc], c))
			entries[n++] = pc + 1;
	}
	closure(a, entries, n, 0, &nout, &matched, &acc);
	next = rxstate(a, nout, matched, acc);
	if (next != SB_FA_OVER)
		a->delta[(size_t)st * a->al->n + k] = (int32_t)next;
	return next;
}

/* --- the interface ----------------------------------------------------- */

struct sb_fa *
sb_fa_new(const struct sb_alpha *al, enum sb_fa_kind kind, const char *s,
    uint32_t len, const struct sb_regex *rx)
{
	struct sb_fa *a = xcalloc(1, sizeof *a);

	a->kind = kind;
	a->al = al;
	a->s = s;
	a->len = len;
	a->rx = rx;
	switch (kind) {
	case SB_FAK_REGEX:
		rxinit(a);
		break;
	case SB_FAK_CANON:
		a->start = C_START;
		break;
	case SB_FAK_PREFIX:
		a->start = len == 0 ? SB_FA_FULL : 2;
		break;
	default:
		a->start = 2;
	}
	return a;
}

void
sb_fa_free(struct sb_fa *a)
{
	if (!a)
		return;
	free(a->setoff);
	free(a->setlen);
	free(a->acc);
	free(a->delta);
	free(a->pool);
	free(a->hash);
	free(a->work);
	free(a->entries);
	free(a->mark);
	free(a);
}

uint32_t
sb_fa_start(struct sb_fa *a)
{
	return a->start;
}

uint32_t
sb_fa_step(struct sb_fa *a, uint32_t st, uint16_t k)
{
	uint8_t c = a->al->rep[k];
	uint32_t i;

	if (st == SB_FA_DEAD || st == SB_FA_FULL)
		return st;
	switch (a->kind) {
	case SB_FAK_REGEX:
		return rxstep(a, st, k);
	case SB_FAK_CANON:
		return canonstep(st, c);
	default:
		break;
	}
	i = st - 2;
	if (i < a->len)
		return a->al->cls[(uint8_t)a->s[i]] == k ? st + 1 : SB_FA_DEAD;
	switch (a->kind) {
	case SB_FAK_PREFIX:
		return SB_FA_FULL;
	case SB_FAK_SUBPATH:
		/* "/a" takes "/a/…"; "/a/" takes everything after it */
		if (a->len > 0 && a->s[a->len - 1] == '/')
			return SB_FA_FULL;
		return k == a->al->cls['/'] ? SB_FA_FULL : SB_FA_DEAD;
	default:
		return SB_FA_DEAD;
	}
}

int
sb_fa_accepting(struct sb_fa *a, uint32_t st)
{
	if (st == SB_FA_FULL)
		return 1;
	if (st == SB_FA_DEAD || st == SB_FA_OVER)
		return 0;
	switch (a->kind) {
	case SB_FAK_REGEX:
		return a->acc[st];
	case SB_FAK_CANON:
		return canonaccepts(st);
	default:
		return st - 2 == a->len;
	}
}

int
sb_fa_run(struct sb_fa *a, const char *p, uint32_t n)
{
	uint32_t st = sb_fa_start(a), i;

	for (i = 0; i < n && st != SB_FA_OVER; i++)
		st = sb_fa_step(a, st, a->al->cls[(uint8_t)p[i]]);
	return sb_fa_accepting(a, st);
}

/* --- the product search ------------------------------------------------ */

struct search {
	uint32_t width;
	uint32_t *tuples;               /* width per entry */
	uint32_t *parent;               /* entry it was reached from */
	uint16_t *via;                  /* class it was reached by */
	uint32_t n, cap;
	uint32_t *hash;                 /* entry + 1 */
	uint32_t caphash;
};

static uint32_t
tuplehash(const uint32_t *t, uint32_t w)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < w; i++)
		h = (h ^ t[i]) * 16777619u;
	return h;
}

/* Add tuple T unless known; its index, or UINT32_MAX when known. */
static uint32_t
addtuple(struct search *s, const uint32_t *t, uint32_t parent, uint16_t via)
{
	uint32_t h, i, k;

	if (2 * (s->n + 1) >= s->caphash) {
		uint32_t cap = s->caphash ? 2 * s->caphash : 256;
		uint32_t *nh = xcalloc(cap, sizeof *nh);
		for (k = 0; k < s->n; k++) {
			h = tuplehash(s->tuples + (size_t)k * s->width, s->width);
			for (i = h & (cap - 1); nh[i]; i = (i + 1) & (cap - 1))
				;
			nh[i] = k + 1;
		}
		free(s->hash);
		s->hash = nh;
		s->caphash = cap;
	}
	h = tuplehash(t, s->width);
	for (i = h & (s->caphash - 1); s->hash[i]; i = (i + 1) &
	    (s->caphash - 1)) {
		k = s->hash[i] - 1;
		if (memcmp(s->tuples + (size_t)k * s->width, t, s->width *
		    sizeof *t) == 0)
			return UINT32_MAX;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->tuples = xrealloc(s->tuples, (size_t)s->cap * s->width *
		    sizeof *s->tuples);
		s->parent = xrealloc(s->parent, s->cap * sizeof *s->parent);
		s->via = xrealloc(s->via, s->cap * sizeof *s->via);
	}
	memcpy(s->tuples + (size_t)s->n * s->width, t, s->width * sizeof *t);
	s->parent[s->n] = parent;
	s->via[s->n] = via;
	s->hash[i] = s->n + 1;
	return s->n++;
}

static void
spell(const struct search *s, const struct sb_alpha *al, uint32_t k,
    struct sb_buf *out)
{
	uint32_t len = 0, i, j;
	char *tmp;

	for (i = k; i != UINT32_MAX; i = s->parent[i])
		len++;
	len--;
	tmp = xmalloc(len + 1);
	for (i = k, j = len; j > 0; i = s->parent[i])
		tmp[--j] = (char)al->rep[s->via[i]];
	out->len = 0;
	sb_buf_put(out, tmp, len);
	free(tmp);
}

int
sb_fa_search(struct sb_fa *const *pos, uint32_t npos,
    struct sb_fa *const *neg, uint32_t nneg, uint32_t budget,
    uint32_t *used, struct sb_buf *witness)
{
	const struct sb_alpha *al = npos ? pos[0]->al : neg[0]->al;
	struct search s;
	uint32_t w = npos + nneg, head = 0, i, *t, *next;
	int r = 0;

	memset(&s, 0, sizeof s);
	s.width = w ? w : 1;
	t = xcalloc(s.width, sizeof *t);
	next = xcalloc(s.width, sizeof *next);
	for (i = 0; i < npos; i++)
		t[i] = sb_fa_start(pos[i]);
	for (i = 0; i < nneg; i++)
		t[npos + i] = sb_fa_start(neg[i]);
	addtuple(&s, t, UINT32_MAX, 0);
	while (head < s.n) {
		uint32_t cur = head++, c;
		const uint32_t *u = s.tuples + (size_t)cur * s.width;
		int ok = 1, skip = 0, only;
		for (i = 0; i < npos; i++) {
			if (u[i] == SB_FA_DEAD)
				skip = 1;
			ok &= sb_fa_accepting(pos[i], u[i]);
		}
		for (i = 0; i < nneg; i++) {
			if (u[npos + i] == SB_FA_FULL)
				skip = 1;
			ok &= !sb_fa_accepting(neg[i], u[npos + i]);
		}
		if (skip)
			continue;
		if (ok) {
			if (witness)
				spell(&s, al, cur, witness);
			r = 1;
			break;
		}
		/*
		** A positive chain automaton in the middle of its pattern
		** takes one class only: try just that one.
		*/
		only = -1;
		for (i = 0; i < npos && only < 0; i++)
			if (pos[i]->kind != SB_FAK_REGEX && pos[i]->kind !=
			    SB_FAK_CANON && u[i] >= 2 && u[i] - 2 < pos[i]->len)
				only = al->cls[(uint8_t)pos[i]->s[u[i] - 2]];
		for (c = 0; c < al->n; c++) {
			uint16_t k = al->order[c];
			int dead = 0, over = 0;
			if (only >= 0 && k != only)
				continue;
			u = s.tuples + (size_t)cur * s.width;
			for (i = 0; i < npos && !dead; i++) {
				next[i] = sb_fa_step(pos[i], u[i], k);
				over |= next[i] == SB_FA_OVER;
				dead |= next[i] == SB_FA_DEAD;
			}
			for (i = 0; i < nneg && !dead; i++) {
				next[npos + i] = sb_fa_step(neg[i], u[npos + i], k);
				over |= next[npos + i] == SB_FA_OVER;
				dead |= next[npos + i] == SB_FA_FULL;
			}
			if (over) {
				r = -1;
				goto out;
			}
			if (dead)
				continue;
			addtuple(&s, next, cur, k);
			if (s.n > budget) {
				r = -1;
				goto out;
			}
		}
	}
out:
	*used += s.n;
	free(t);
	free(next);
	free(s.tuples);
	free(s.parent);
	free(s.via);
	free(s.hash);
	return r;
}
