/*
** Regex parsing, Thompson compilation and the Pike VM (regex.h).
**
**   regex  ::= branch ('|' branch)*
**   branch ::= piece*
**   piece  ::= atom ('*' | '+' | '?' | '{' m [',' [n]] '}')*
**   atom   ::= char | '\' char | '.' | '^' | '$' | class | '(' regex ')'
**   class  ::= '[' ['^'] (']' | item) item* ']'   item: c | c-c | [:name:]
**
** A backslash escapes the next byte, inside classes too, as profiles
** write "[\.]". The code shapes are FORMAT.md §9.3's.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/regex.h"

enum { N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT, N_STAR, N_PLUS,
	N_QUEST, N_EMPTY };

struct node {
	int kind;
	uint8_t c;
	uint8_t set[32];        /* N_CLASS: bit per byte */
	struct node *a, *b;     /* CAT, ALT: left and right; loops: a */
};

struct parser {
	struct sb_arena *arena;
	const unsigned char *p, *end, *start;
	int depth;
	struct sb_rx_error *err;
	int failed;
};

static struct node *
mk(struct parser *ps, int kind, struct node *a, struct node *b)
{
	struct node *n = sb_arena_calloc(ps->arena, sizeof *n);

	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

static struct node *
fail(struct parser *ps, const unsigned char *at, const char *msg)
{
	if (!ps->failed) {
		ps->failed = 1;
		ps->err->off = (uint32_t)(at - ps->start);
		snprintf(ps->err->msg, sizeof ps->err->msg, "%s", msg);
	}
	return NULL;
}

static void
setbit(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static const struct {
	const char *name;
	const char *ranges;     /* lo-hi pairs */
} posix[] = {
	{ "alpha", "azAZ" }, { "digit", "09" }, { "alnum", "azAZ09" },
	{ "upper", "AZ" }, { "lower", "az" }, { "xdigit", "09afAF" },
	{ "space", " \t\t\n\n\v\v\f\f\r\r" }, { "blank", "  \t\t" },
	{ "punct", "!//@@[[``{~" }, { "print", " ~" }, { "graph", "!~" },
	{ "cntrl", "\001\037\177\177" },
};

static int
posixclass(struct parser *ps, uint8_t *set)
{
	const unsigned char *close;
	size_t i, len;
	unsigned c;

	close = (const unsigned char *)strstr((const char *)ps->p + 2, ":]");
	if (!close || close >= ps->end)
		return -1;
	len = (size_t)(close - (ps->p + 2));
	for (i = 0; i < sizeof posix / sizeof posix[0]; i++) {
		const char *r = posix[i].ranges;
		if (strlen(posix[i].name) != len ||
		    memcmp(posix[i].name, ps->p + 2, len) != 0)
			continue;
		/* a pair "\001\037" holds a NUL-free encoding of its range */
		for (; r[0] && r[1]; r += 2)
			for (c = (unsigned char)r[0]; c <= (unsigned char)r[1];
			    c++)
				setbit(set, c);
		ps->p = close + 2;
		return 0;
	}
	return -1;
}

static struct node *
parseclass(struct parser *ps)
{
	const unsigned char *open = ps->p;
	struct node *n = mk(ps, N_CLASS, NULL, NULL);
	int neg = 0, first = 1;
	unsigned lo, hi, c, i;

	ps->p++;
	if (ps->p < ps->end && *ps->p == '^') {
		neg = 1;
		ps->p++;
	}
	for (;;) {
		if (ps->p >= ps->end)
			return fail(ps, open, "unterminated '[' in regex");
		if (*ps->p == ']' && !first)
			break;
		first = 0;
		if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
			if (posixclass(ps, n->set) < 0)
				return fail(ps, ps->p, "unknown character "
				    "class in regex");
			continue;
		}
		if (*ps->p == '\\' && ps->p + 1 < ps->end)
			ps->p++;
		lo = *ps->p++;
		hi = lo;
		if (ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
			ps->p++;
			if (*ps->p == '\\' && ps->p + 1 < ps->end)
				ps->p++;
			hi = *ps->p++;
			if (hi < lo)
				return fail(ps, ps->p - 1, "reversed range in "
				    "regex class");
		}
		for (c = lo; c <= hi; c++)
			setbit(n->set, c);
	}
	ps->p++;
	if (neg)
		for (i = 0; i < 32; i++)
			n->set[i] = (uint8_t)~n->set[i];
	return n;
}

static struct node *parsealt(struct parser *ps);

static struct node *
parseatom(struct parser *ps)
{
	struct node *n;
	const unsigned char *open;

	switch (*ps->p) {
	case '.':
		ps->p++;
		return mk(ps, N_ANY, NULL, NULL);
	case '^':
		ps->p++;
		return mk(ps, N_BOL, NULL, NULL);
	case '$':
		ps->p++;
		return mk(ps, N_EOL, NULL, NULL);
	case '[':
		return parseclass(ps);
	case '(':
		open = ps->p++;
		if (++ps->depth > SB_RX_MAX_DEPTH)
			return fail(ps, open, "regex groups nested too deeply");
		n = parsealt(ps);
		ps->depth--;
		if (!n)
			return NULL;
		if (ps->p >= ps->end || *ps->p != ')')
			return fail(ps, open, "unclosed '(' in regex");
		ps->p++;
		return n;
	case '*':
	case '+':
	case '?':
		return fail(ps, ps->p, "regex quantifier with nothing to "
		    "repeat");
	case '\\':
		if (ps->p + 1 >= ps->end)
			return fail(ps, ps->p, "regex ends in a backslash");
		ps->p++;
		/* FALLTHROUGH */
	default:
		n = mk(ps, N_CHAR, NULL, NULL);
		n->c = *ps->p++;
		return n;
	}
}

/* A copy of N (repetition expands into copies). */
static struct node *
copy(struct parser *ps, const struct node *n)
{
	struct node *c;

	if (!n)
		return NULL;
	c = sb_arena_alloc(ps->arena, sizeof *c);
	*c = *n;
	c->a = copy(ps, n->a);
	c->b = copy(ps, n->b);
	return c;
}

static int
number(struct parser *ps, unsigned *v)
{
	int digits = 0;

	*v = 0;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		*v = *v * 10 + (unsigned)(*ps->p++ - '0');
		if (*v > 255)
			return -1;
		digits++;
	}
	return digits ? 0 : -1;
}

/* e{m,n}: m copies, then n-m optional ones (or a star for {m,}). */
static struct node *
bounded(struct parser *ps, struct node *e)
{
	const unsigned char *open = ps->p;
	unsigned m, n, i;
	int unbounded = 0;
	struct node *r = NULL, *part;

	ps->p++;
	if (number(ps, &m) < 0)
		return fail(ps, open, "malformed {m,n} in regex");
	n = m;
	if (ps->p < ps->end && *ps->p == ',') {
		ps->p++;
		if (ps->p < ps->end && *ps->p == '}')
			unbounded = 1;
		else if (number(ps, &n) < 0 || n < m)
			return fail(ps, open, "malformed {m,n} in regex");
	}
	if (ps->p >= ps->end || *ps->p != '}')
		return fail(ps, open, "malformed {m,n} in regex");
	ps->p++;
	for (i = 0; i < (unbounded ? m + 1 : n); i++) {
		part = copy(ps, e);
		if (unbounded && i == m)
			part = mk(ps, N_STAR, part, NULL);
		else if (i >= m)
			part = mk(ps, N_QUEST, part, NULL);
		r = r ? mk(ps, N_CAT, r, part) : part;
	}
	return r ? r : mk(ps, N_EMPTY, NULL, NULL);
}

static struct node *
parsepiece(struct parser *ps)
{
	struct node *n = parseatom(ps);

	while (n && ps->p < ps->end) {
		switch (*ps->p) {
		case '*': ps->p++; n = mk(ps, N_STAR, n, NULL); continue;
		case '+': ps->p++; n = mk(ps, N_PLUS, n, NULL); continue;
		case '?': ps->p++; n = mk(ps, N_QUEST, n, NULL); continue;
		case '{':
			if (ps->p + 1 < ps->end && ps->p[1] >= '0' &&
			    ps->p[1] <= '9') {
				n = bounded(ps, n);
				continue;
			}
			break;
		}
		break;
	}
	return n;
}

static struct node *
parsebranch(struct parser *ps)
{
	struct node *r = NULL, *p;

	while (ps->p < ps->end && *ps->p != '|' && *ps->p != ')') {
		if (!(p = parsepiece(ps)))
			return NULL;
		r = r ? mk(ps, N_CAT, r, p) : p;
	}
	return r ? r : mk(ps, N_EMPTY, NULL, NULL);
}

static struct node *
parsealt(struct parser *ps)
{
	struct node *r = parsebranch(ps), *b;

	while (r && ps->p < ps->end && *ps->p == '|') {
		ps->p++;
		if (!(b = parsebranch(ps)))
			return NULL;
		r = mk(ps, N_ALT, r, b);
	}
	return r;
}

/* --- code generation --------------------------------------------------- */

struct gen {
	struct sb_arena *arena;
	struct sb_rx_inst *prog;
	uint32_t n, cap;
	int overflow;
};

static uint32_t
emit(struct gen *g, uint8_t op)
{
	if (g->n == g->cap) {
		struct sb_rx_inst *np;
		uint32_t cap = g->cap ? g->cap * 2 : 64;
		if (cap > SB_RX_MAX_INSTS) {
			g->overflow = 1;
			return g->n ? g->n - 1 : 0;
		}
		np = sb_arena_alloc(g->arena, cap * sizeof *np);
		if (g->n)
			memcpy(np, g->prog, g->n * sizeof *np);
		g->prog = np;
		g->cap = cap;
	}
	memset(&g->prog[g->n], 0, sizeof g->prog[g->n]);
	g->prog[g->n].op = op;
	return g->n++;
}

static void
setranges(struct gen *g, struct sb_rx_inst *in, const uint8_t *set)
{
	uint8_t tmp[512];
	unsigned c = 0, k = 0;

	while (c < 256) {
		unsigned lo;
		if (!(set[c >> 3] & (1u << (c & 7)))) {
			c++;
			continue;
		}
		lo = c;
		while (c < 256 && (set[c >> 3] & (1u << (c & 7))))
			c++;
		tmp[k++] = (uint8_t)lo;
		tmp[k++] = (uint8_t)(c - 1);
	}
	in->nranges = (uint8_t)(k / 2);
	in->ranges = sb_arena_memdup(g->arena, tmp, k ? k : 1);
}

static void
gen(struct gen *g, const struct node *n)
{
	uint32_t l1, split, jmp;

	if (g->overflow)
		return;
	switch (n->kind) {
	case N_CHAR:
		/* emit() may move the program: index it after the call */
		l1 = emit(g, SB_RX_CHAR);
		g->prog[l1].c = n->c;
		return;
	case N_ANY: emit(g, SB_RX_ANY); return;
	case N_BOL: emit(g, SB_RX_BOL); return;
	case N_EOL: emit(g, SB_RX_EOL); return;
	case N_EMPTY: return;
	case N_CLASS:
		l1 = emit(g, SB_RX_CLASS);
		if (!g->overflow)
			setranges(g, &g->prog[l1], n->set);
		return;
	case N_CAT:
		gen(g, n->a);
		gen(g, n->b);
		return;
	case N_ALT:                     /* SPLIT L2; a; JMP J; L2: b; J: */
		split = emit(g, SB_RX_SPLIT);
		gen(g, n->a);
		jmp = emit(g, SB_RX_JMP);
		g->prog[split].x = g->n;
		gen(g, n->b);
		g->prog[jmp].x = g->n;
		return;
	case N_STAR:                    /* L1: SPLIT L2; e; JMP L1; L2: */
		l1 = emit(g, SB_RX_SPLIT);
		gen(g, n->a);
		jmp = emit(g, SB_RX_JMP);
		g->prog[jmp].x = l1;
		g->prog[l1].x = g->n;
		return;
	case N_PLUS:                    /* L1: e; SPLIT L2; JMP L1; L2: */
		l1 = g->n;
		gen(g, n->a);
		split = emit(g, SB_RX_SPLIT);
		jmp = emit(g, SB_RX_JMP);
		g->prog[jmp].x = l1;
		g->prog[split].x = g->n;
		return;
	case N_QUEST:                   /* SPLIT L2; e; L2: */
		split = emit(g, SB_RX_SPLIT);
		gen(g, n->a);
		g->prog[split].x = g->n;
		return;
	}
}

int
sb_regex_compile(struct sb_arena *a, const char *pat, size_t len,
    struct sb_regex *out, struct sb_rx_error *err)
{
	struct parser ps = { a, (const unsigned char *)pat,
		(const unsigned char *)pat + len, (const unsigned char *)pat, 0,
		err, 0 };
	struct gen g = { a, NULL, 0, 0, 0 };
	struct node *root;
	uint32_t split, loop;
	int anchored = len > 0 && pat[0] == '^';

	root = parsealt(&ps);
	if (root && ps.p < ps.end)
		fail(&ps, ps.p, "unmatched ')' in regex");
	if (ps.failed)
		return -1;
	if (anchored) {                 /* BOL; r; MATCH (BOL comes from r) */
		gen(&g, root);
		emit(&g, SB_RX_MATCH);
	} else {                        /* SPLIT X; r; MATCH; X: ANY; JMP 0 */
		split = emit(&g, SB_RX_SPLIT);
		gen(&g, root);
		emit(&g, SB_RX_MATCH);
		g.prog[split].x = g.n;
		emit(&g, SB_RX_ANY);
		loop = emit(&g, SB_RX_JMP);
		g.prog[loop].x = 0;
	}
	if (g.overflow) {
		err->off = 0;
		snprintf(err->msg, sizeof err->msg, "regex too large: more "
		    "than %u instructions", SB_RX_MAX_INSTS);
		return -1;
	}
	out->prog = g.prog;
	out->n = g.n;
	out->anchored = anchored;
	return 0;
}

/* --- the Pike VM ------------------------------------------------------- */

struct threads {
	uint32_t *pc;           /* pcs in the list */
	uint32_t n;
	uint32_t *mark;         /* per pc: the step it was last added in */
};

/* Add PC and everything reachable from it without input; 1 on MATCH. */
static int
add(const struct sb_regex *rx, struct threads *t, uint32_t pc, uint32_t step,
    size_t pos, size_t len)
{
	const struct sb_rx_inst *in;

	for (;;) {
		if (pc >= rx->n || t->mark[pc] == step)
			return 0;
		t->mark[pc] = step;
		in = &rx->prog[pc];
		switch (in->op) {
		case SB_RX_JMP:
			pc = in->x;
			continue;
		case SB_RX_SPLIT:
			if (add(rx, t, pc + 1, step, pos, len))
				return 1;
			pc = in->x;
			continue;
		case SB_RX_BOL:
			if (pos != 0)
				return 0;
			pc++;
			continue;
		case SB_RX_EOL:
			if (pos != len)
				return 0;
			pc++;
			continue;
		case SB_RX_MATCH:
			return 1;
		default:
			t->pc[t->n++] = pc;
			return 0;
		}
	}
}

static int
inclass(const struct sb_rx_inst *in, uint8_t c)
{
	unsigned i;

	for (i = 0; i < in->nranges; i++)
		if (c >= in->ranges[2 * i] && c <= in->ranges[2 * i + 1])
			return 1;
	return 0;
}

int
sb_regex_match(const struct sb_regex *rx, const char *s, size_t len,
    uint32_t *scratch)
{
	uint32_t buf1[256], buf2[256], marks[256];
	uint32_t *p1 = buf1, *p2 = buf2, *mark = marks, *tmp;
	struct threads cur, next;
	uint32_t i, step = 1;
	size_t pos;
	int r = 0;

	if (rx->n > 256) {
		p1 = scratch;
		p2 = scratch + rx->n;
		mark = scratch + 2 * rx->n;
	}
	memset(mark, 0, rx->n * sizeof *mark);
	cur.pc = p1;
	cur.n = 0;
	cur.mark = mark;
	next.pc = p2;
	next.mark = mark;
	if (add(rx, &cur, 0, step, 0, len))
		return 1;
	for (pos = 0; pos < len && cur.n; pos++) {
		uint8_t c = (uint8_t)s[pos];
		next.n = 0;
		step++;
		for (i = 0; i < cur.n; i++) {
			const struct sb_rx_inst *in = &rx->prog[cur.pc[i]];
			int ok = in->op == SB_RX_ANY ||
			    (in->op == SB_RX_CHAR && in->c == c) ||
			    (in->op == SB_RX_CLASS && inclass(in, c));
			if (ok && add(rx, &next, cur.pc[i] + 1, step, pos + 1,
			    len)) {
				r = 1;
				goto out;
			}
		}
		tmp = cur.pc;
		cur.pc = next.pc;
		next.pc = tmp;
		cur.n = next.n;
	}
out:
	return r;
}

/* --- the version-3 assembler (FORMAT.md §9.1-9.4) ----------------------- */

enum { RX3_CHAR = 0x02, RX3_ANY = 0x09, RX3_JMP = 0x0a, RX3_CLASS = 0x0b,
	RX3_MATCH = 0x15, RX3_BOL = 0x19, RX3_EOL = 0x29, RX3_SPLIT = 0x2f };

/* Bytes instruction IN takes: a class of more than 15 pairs becomes
** SPLIT L2; CLASS a; JMP J; L2: SPLIT L3; CLASS b; JMP J; L3: CLASS c; J: */
static uint32_t
instsize(const struct sb_rx_inst *in)
{
	uint32_t chunks, pairs;

	switch (in->op) {
	case SB_RX_CHAR: return 2;
	case SB_RX_CLASS:
		if (in->nranges == 0)
			return 3 + 1 + 3;       /* SPLIT over an impossible ANY */
		chunks = (in->nranges + 14) / 15;
		pairs = in->nranges;
		return (chunks - 1) * 6 + chunks + 2 * pairs;
	case SB_RX_SPLIT:
	case SB_RX_JMP: return 3;
	case SB_RX_MATCH: return 2;
	default: return 1;
	}
}

static void
put16(struct sb_buf *b, uint32_t v)
{
	sb_buf_put_u16le(b, (uint16_t)v);
}

static void
putclass(struct sb_buf *b, const struct sb_rx_inst *in, uint32_t at)
{
	uint32_t chunks = (in->nranges + 14) / 15, c, k, first = 0, n;
	uint32_t end = at + instsize(in), pos = at;

	if (in->nranges == 0) {
		/* an empty class never matches: SPLIT past, then a dead
		** branch that cannot be entered */
		sb_buf_putc(b, RX3_SPLIT);
		put16(b, at + 6);
		sb_buf_putc(b, RX3_JMP);
		put16(b, at + 6);
		sb_buf_putc(b, RX3_ANY);
		return;
	}
	for (c = 0; c < chunks; c++) {
		n = in->nranges - first > 15 ? 15 : in->nranges - first;
		if (c + 1 < chunks) {
			/* this chunk: SPLIT next; CLASS; JMP end */
			sb_buf_putc(b, RX3_SPLIT);
			put16(b, pos + 3 + 1 + 2 * n + 3);
		}
		sb_buf_putc(b, (int)((n << 4) | RX3_CLASS));
		for (k = 0; k < n; k++) {
			sb_buf_putc(b, in->ranges[2 * (first + k)]);
			sb_buf_putc(b, in->ranges[2 * (first + k) + 1]);
		}
		if (c + 1 < chunks) {
			sb_buf_putc(b, RX3_JMP);
			put16(b, end);
			pos += 3 + 1 + 2 * n + 3;
		}
		first += n;
	}
}

int
sb_regex_item(const struct sb_regex *rx, struct sb_buf *out)
{
	uint32_t *at = malloc((rx->n + 1) * sizeof *at), i, len = 0;
	struct sb_buf b = SB_BUF_INIT;
	const struct sb_rx_inst *in;

	if (!at)
		return -1;
	for (i = 0; i < rx->n; i++) {
		at[i] = len;
		len += instsize(&rx->prog[i]);
	}
	at[rx->n] = len;
	if (len > 65529) {
		free(at);
		return -1;
	}
	for (i = 0; i < rx->n; i++) {
		in = &rx->prog[i];
		switch (in->op) {
		case SB_RX_CHAR:
			sb_buf_putc(&b, RX3_CHAR);
			sb_buf_putc(&b, in->c);
			break;
		case SB_RX_ANY: sb_buf_putc(&b, RX3_ANY); break;
		case SB_RX_BOL: sb_buf_putc(&b, RX3_BOL); break;
		case SB_RX_EOL: sb_buf_putc(&b, RX3_EOL); break;
		case SB_RX_CLASS: putclass(&b, in, at[i]); break;
		case SB_RX_SPLIT:
			sb_buf_putc(&b, RX3_SPLIT);
			put16(&b, at[in->x]);
			break;
		case SB_RX_JMP:
			sb_buf_putc(&b, RX3_JMP);
			put16(&b, at[in->x]);
			break;
		case SB_RX_MATCH:
			sb_buf_putc(&b, RX3_MATCH);
			sb_buf_putc(&b, 0);
			break;
		}
	}
	put16(out, 6 + len);
	sb_buf_putc(out, 0);
	sb_buf_putc(out, 0);
	sb_buf_putc(out, 0);
	sb_buf_putc(out, 3);
	put16(out, len);
	sb_buf_put(out, b.data, b.len);
	sb_buf_free(&b);
	free(at);
	return 0;
}
