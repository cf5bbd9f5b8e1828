/*
** The decompiler. Each op slot's graph becomes rules whose last match
** decides every request of that operation as the graph does (emit()
** below), so, written after the rules of the operation's ancestors, they
** override them: slots are printed parents first, and a slot whose entry
** equals its parent's is left to inherit. Regex programs are turned
** back into regexes by state elimination over their instructions.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/decompile.h"
#include "compiler/filter.h"
#include "kext/bin.h"
#include "kext/target.h"

#define MAXPATHS 200000
#define MAXOUTPUT (32u << 20)   /* bytes of SBPL text in all */
#define MAXDEPTH 512

struct dec {
	const struct sb_graph *g;
	const struct sb_target *t;
	FILE *f;
	struct sb_diag *d;
	int failed;
	uint32_t paths;
	size_t written;                 /* bytes printed so far */
	const char *conds[MAXDEPTH];    /* tests on the current path */
	uint32_t nconds;
	char **text;                    /* per node: its filter's text, cached */
};

static int
fail(struct dec *x, const char *msg)
{
	if (!x->failed)
		sb_diag(x->d, SB_ERROR, "decompile", (struct sb_span){ SB_NOSRC,
		    0, 0 }, "%s", msg);
	x->failed = 1;
	return -1;
}

static void
quote(struct sb_buf *b, const char *s, size_t n, int raw)
{
	size_t i;

	if (raw && !memchr(s, '"', n)) {
		sb_buf_puts(b, "#\"");
		sb_buf_put(b, s, n);
		sb_buf_putc(b, '"');
		return;
	}
	sb_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_buf_putc(b, '\\');
		/* control bytes and bytes past ASCII as escapes, so the text
		** is UTF-8 and holds no NUL */
		if (c < 0x20 || c >= 0x7f)
			sb_buf_printf(b, "\\x%02x", c);
		else
			sb_buf_putc(b, (char)c);
	}
	sb_buf_putc(b, '"');
}

/* The name of variable INDEX from the graph's table. */
static const char *
varname(const struct sb_graph *g, uint32_t index, uint32_t *len)
{
	const struct sb_gitem *it;

	if (index >= g->vars.n)
		return NULL;
	it = &g->items[g->vars.v[index]];
	*len = (uint32_t)(it->bytes[0] | it->bytes[1] << 8) - 1;
	return (const char *)it->bytes + 2;
}

/*
** A canonical pattern (FORMAT.md §8.3) into its string, with ${NAME} for
** variables, and its kind; -1 for any other shape (Apple's tries).
*/
static int
pattern(const struct sb_graph *g, const uint8_t *p, uint32_t n,
    struct sb_buf *s, uint8_t *pat)
{
	static const uint8_t subtail[] = { 0x40, '/', 0x80, 0x0a, 0x00, 0x0f,
		0x0a };
	uint32_t i = 0, k, vlen;
	const char *v;

	while (i < n) {
		uint8_t op = p[i];
		if (op >= 0x40 && op <= 0x7f && i + 1 + (op - 0x40u) + 1 < n &&
		    !(n - i == 7 && memcmp(p + i, subtail, 7) == 0)) {
			k = op - 0x40u + 1;
			if (p[i + 1 + k] != 0x0f)
				return -1;
			sb_buf_put(s, p + i + 1, k);
			i += k + 2;
			continue;
		}
		if (op == 0x04 && i + 1 < n) {
			k = p[i + 1] + 65u;
			if (i + 2 + k >= n || p[i + 2 + k] != 0x0f)
				return -1;
			sb_buf_put(s, p + i + 2, k);
			i += k + 3;
			continue;
		}
		if ((op >= 0x10 && op <= 0x1f) || op == 0x01) {
			uint32_t idx = op == 0x01 ? (uint32_t)(p[i + 1] |
			    p[i + 2] << 8) : op - 0x10u;
			uint32_t w = op == 0x01 ? 3 : 1;
			if (i + w >= n || p[i + w] != 0x0f ||
			    !(v = varname(g, idx, &vlen)))
				return -1;
			sb_buf_puts(s, "${");
			sb_buf_put(s, v, vlen);
			sb_buf_putc(s, '}');
			i += w + 1;
			continue;
		}
		break;
	}
	if (n - i == 1 && p[i] == 0x0a)
		*pat = SB_PAT_PREFIX;
	else if (n - i == 3 && p[i] == 0x00 && p[i + 1] == 0x0f &&
	    p[i + 2] == 0x0a)
		*pat = SB_PAT_LITERAL;
	else if (n - i == 7 && memcmp(p + i, subtail, 7) == 0)
		*pat = SB_PAT_SUBPATH;
	else
		return -1;
	return 0;
}

/* --- regex programs back to regexes (state elimination) ----------------- */

/* One byte as regex text: the byte itself, escaped when special. */
static void
rxbyte(struct sb_buf *b, unsigned c)
{
	if (c && strchr("^.[$()|*+?{\\", (int)c))
		sb_buf_putc(b, '\\');
	sb_buf_putc(b, (char)c);
}

/* One byte inside a bracket expression. */
static void
rxclassbyte(struct sb_buf *b, unsigned c)
{
	if (strchr("]^-\\[", (int)c) && c)
		sb_buf_putc(b, '\\');
	sb_buf_putc(b, (char)c);
}

/*
** "[...]" for the pairs of a CLASS instruction: the set of bytes it
** matches (a single reversed pair excludes a run, FORMAT.md §9.4), written
** negated when that is shorter. NUL is never written: no path holds one.
*/
static void
rxclass(struct sb_buf *b, const uint8_t *pairs, unsigned n)
{
	uint8_t in[256];
	unsigned i, c, members = 0, neg;

	memset(in, 0, sizeof in);
	if (n == 1 && pairs[0] > pairs[1]) {
		for (c = 0; c < 256; c++)
			in[c] = !(c > pairs[1] && c < pairs[0]);
	} else {
		for (i = 0; i < n; i++)
			for (c = pairs[2 * i]; c <= pairs[2 * i + 1]; c++)
				in[c] = 1;
	}
	for (c = 1; c < 256; c++)
		members += in[c];
	neg = members > 128;
	sb_buf_puts(b, neg ? "[^" : "[");
	for (c = 1; c < 256; c++) {
		unsigned lo = c;
		if (in[c] == neg)
			continue;
		while (c + 1 < 256 && in[c + 1] != neg)
			c++;
		rxclassbyte(b, lo);
		if (c != lo) {
			sb_buf_putc(b, '-');
			rxclassbyte(b, c);
		}
	}
	sb_buf_putc(b, ']');
}

/* Whether LABEL has a '|' outside any group or bracket expression. */
static int
toplevelbar(const char *s)
{
	int depth = 0, inclass = 0;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (inclass) {
			inclass = *s != ']';
			continue;
		}
		if (*s == '[')
			inclass = 1;
		else if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		else if (*s == '|' && depth == 0)
			return 1;
	}
	return 0;
}

/* Whether LABEL is one atom: a byte, an escaped byte, ., or [...]. */
static int
atom(const char *s)
{
	size_t n = strlen(s);

	if (n == 1 || (n == 2 && s[0] == '\\'))
		return 1;
	if (s[0] == '[' && s[n - 1] == ']' && !memchr(s + 1, ']', n - 2))
		return 1;
	return 0;
}

/* LABEL as a part of a concatenation (STAR: to be repeated). */
static void
part(struct sb_buf *b, const char *label, int star)
{
	if (!*label)
		return;
	if ((star && !atom(label)) || (!star && toplevelbar(label)))
		sb_buf_printf(b, "(%s)", label);
	else
		sb_buf_puts(b, label);
	if (star)
		sb_buf_putc(b, '*');
}

/* Join LABEL into *CELL as an alternative (takes LABEL). */
static void
addlabel(char **cell, char *label)
{
	struct sb_buf u = SB_BUF_INIT;

	if (!*cell) {
		*cell = label;
		return;
	}
	sb_buf_printf(&u, "%s|%s", *cell, label);
	free(*cell);
	free(label);
	*cell = sb_buf_take(&u);
}

/* The state of the instruction at byte OFF (1-based; n + 1 if none). */
static uint32_t
stateof(const uint32_t *at, uint32_t n, uint32_t off)
{
	uint32_t q = 0;

	while (q < n && at[q] != off)
		q++;
	return q + 1;
}

/*
** A regex for the v3 PROGRAM of LEN bytes: states are instruction
** offsets plus a start and a final state; labels are regex texts; states
** are eliminated one by one (R_in (R_self)* R_out). Returns a malloc'd
** string or NULL when the program is too large for this.
*/
static char *
regextext(const uint8_t *p, uint32_t len, int *anchored)
{
	uint32_t n = 0, i, j, k, at[512];
	char ***m;
	char *r = NULL;

	/* instruction starts */
	for (i = 0; i < len && n < 510;) {
		at[n++] = i;
		switch (p[i]) {
		case 0x02: i += 2; break;
		case 0x2f: case 0x0a: i += 3; break;
		case 0x15: i += 2; break;
		default:
			if ((p[i] & 0x0f) == 0x0b)
				i += 1 + 2u * (p[i] >> 4);
			else
				i++;
		}
	}
	if (i < len)
		return NULL;
	/* states: 0 start, 1..n instructions, n+1 final */
	m = xcalloc(n + 2, sizeof *m);
	for (i = 0; i < n + 2; i++)
		m[i] = xcalloc(n + 2, sizeof **m);
#define ADD(a, b, label) addlabel(&m[a][b], (label))
#define IDX(off) stateof(at, n, (off))
	*anchored = n > 0 && p[0] == 0x19;
	ADD(0, 1, xstrdup(""));
	for (k = 0; k < n; k++) {
		const uint8_t *in = p + at[k];
		struct sb_buf b = SB_BUF_INIT;
		uint32_t next = k + 2 <= n ? k + 2 : n + 1;
		switch (in[0]) {
		case 0x02:
			rxbyte(&b, in[1]);
			ADD(k + 1, next, sb_buf_take(&b));
			break;
		case 0x09:
			ADD(k + 1, next, xstrdup("."));
			break;
		case 0x19:
			ADD(k + 1, next, xstrdup(k == 0 ? "" : "^"));
			break;
		case 0x29:
			ADD(k + 1, next, xstrdup("$"));
			break;
		case 0x15:
			ADD(k + 1, n + 1, xstrdup(""));
			break;
		case 0x0a:
			ADD(k + 1, IDX((uint32_t)(in[1] | in[2] << 8)),
			    xstrdup(""));
			break;
		case 0x2f:
			ADD(k + 1, next, xstrdup(""));
			ADD(k + 1, IDX((uint32_t)(in[1] | in[2] << 8)),
			    xstrdup(""));
			break;
		default:
			rxclass(&b, in + 1, in[0] >> 4);
			ADD(k + 1, next, sb_buf_take(&b));
			break;
		}
	}
	/* eliminate states 1..n */
	for (k = 1; k <= n; k++) {
		struct sb_buf sb = SB_BUF_INIT;
		char *self;
		if (m[k][k])
			part(&sb, m[k][k], 1);
		self = sb.data ? sb_buf_take(&sb) : xstrdup("");
		for (i = 0; i < n + 2; i++) {
			if (i == k || !m[i][k])
				continue;
			for (j = 0; j < n + 2; j++) {
				struct sb_buf b = SB_BUF_INIT;
				if (j == k || !m[k][j])
					continue;
				part(&b, m[i][k], 0);
				sb_buf_puts(&b, self);
				part(&b, m[k][j], 0);
				ADD(i, j, b.data ? sb_buf_take(&b) : xstrdup(""));
			}
		}
		for (i = 0; i < n + 2; i++) {
			free(m[i][k]);
			m[i][k] = NULL;
			free(m[k][i]);
			m[k][i] = NULL;
		}
		free(self);
		if (m[0][n + 1] && strlen(m[0][n + 1]) > 60000)
			break;
	}
	if (k > n && m[0][n + 1])
		r = m[0][n + 1], m[0][n + 1] = NULL;
	for (i = 0; i < n + 2; i++) {
		for (j = 0; j < n + 2; j++)
			free(m[i][j]);
		free(m[i]);
	}
	free(m);
#undef ADD
#undef IDX
	return r;
}

/* The SBPL text of test node N. */
static char *
testtext(struct dec *x, const struct sb_gnode *n)
{
	const struct sb_graph *g = x->g;
	uint8_t id = n->filter & 0x7f, pat = SB_PAT_LITERAL;
	const struct sb_filter_info *fi;
	struct sb_buf b = SB_BUF_INIT, s = SB_BUF_INIT;
	const struct sb_value_info *vals;
	const struct sb_gitem *it;
	char name[96], *rx;
	unsigned nv, i;
	int anchored;

	if (id >= x->t->filter_count || !(fi = &x->t->filters[id])->name) {
		fail(x, "a test of a filter the target does not know");
		return NULL;
	}
	switch (n->argkind) {
	case SB_GARG_REGEX:
		it = &g->items[g->regexes.v[n->arg]];
		rx = regextext(it->bytes + 8, it->len - 8, &anchored);
		if (!rx) {
			fail(x, "a regex program too large to decompile");
			return NULL;
		}
		sb_buf_printf(&b, "(%s ", sb_filter_spelling(x->t, id,
		    SB_PAT_REGEX, name, sizeof name));
		sb_buf_puts(&s, anchored ? "^" : ".*");
		sb_buf_puts(&s, rx);
		free(rx);
		quote(&b, s.data, s.len, 0);
		sb_buf_putc(&b, ')');
		break;
	case SB_GARG_ITEM:
		it = &g->items[n->arg];
		if (it->kind == SB_ITEM_STRING) {
			sb_buf_printf(&b, "(%s ", fi->name);
			quote(&b, (const char *)it->bytes + 2, it->len - 3, 0);
			sb_buf_putc(&b, ')');
		} else if (it->kind == SB_ITEM_PATTERN) {
			if (pattern(g, it->bytes + 2, it->len - 2, &s, &pat) < 0) {
				fail(x, "a pattern that is not a literal, prefix "
				    "or subpath (a merged trie)");
				sb_buf_free(&s);
				return NULL;
			}
			sb_buf_printf(&b, "(%s ", sb_filter_spelling(x->t, id,
			    pat, name, sizeof name));
			quote(&b, s.data ? s.data : "", s.len, 0);
			sb_buf_putc(&b, ')');
		} else if (it->kind == SB_ITEM_NETWORK) {
			const char *proto = "ip";
			vals = sb_target_filter_values(x->t, id, &nv);
			for (i = 0; i < nv; i++)
				if (vals[i].value == it->bytes[0])
					proto = vals[i].name;
			sb_buf_printf(&b, "(%s %s \"%s:", fi->name, proto,
			    it->bytes[1] ? "localhost" : "*");
			if (it->bytes[2] | it->bytes[3])
				sb_buf_printf(&b, "%u\")", it->bytes[2] |
				    it->bytes[3] << 8);
			else
				sb_buf_puts(&b, "*\")");
		} else if (it->kind == SB_ITEM_BITMASK) {
			uint32_t nbytes = it->bytes[2] | it->bytes[3] << 8, v;
			sb_buf_puts(&b, "(require-any");
			for (v = 0; v < 8 * nbytes; v++)
				if (it->bytes[4 + (v >> 3)] >> (v & 7) & 1)
					sb_buf_printf(&b, " (%s %u)", fi->name, v);
			sb_buf_putc(&b, ')');
		} else {
			fail(x, "an item the decompiler does not know");
		}
		break;
	case SB_GARG_STATE:
		it = &g->items[g->states.v[n->arg]];
		sb_buf_printf(&b, "(%s ", fi->name);
		quote(&b, (const char *)it->bytes + 2, it->len - 3, 0);
		sb_buf_putc(&b, ')');
		break;
	default:
		if (fi->argkind == SB_ARG_BOOL)
			sb_buf_printf(&b, "(%s %s)", fi->name, n->arg ? "#t" :
			    "#f");
		else
			sb_buf_printf(&b, "(%s %u)", fi->name, n->arg);
		break;
	}
	sb_buf_free(&s);
	return sb_buf_take(&b);
}

/* The modifiers of leaf N, as (with …) forms. */
static void
mods(struct dec *x, const struct sb_gnode *n, struct sb_buf *b)
{
	uint32_t k;
	int deny = n->flags & 1;

	if (deny && !(n->flags & 0x4))
		sb_buf_puts(b, " (with no-report)");
	else if (!deny && (n->flags & 0x4))
		sb_buf_puts(b, " (with report)");
	for (k = 1; k < x->t->modifier_count; k++) {
		const struct sb_modifier_info *mi = &x->t->modifiers[k];
		if (!mi->name || mi->is_inline || !mi->flag || mi->flag == 0x4)
			continue;
		if ((n->flags & mi->mask) == mi->flag)
			sb_buf_printf(b, " (with %s)", mi->name);
	}
	if (n->inline_id && n->inline_id < x->t->modifier_count &&
	    x->t->modifiers[n->inline_id].name) {
		const struct sb_modifier_info *mi =
		    &x->t->modifiers[n->inline_id];
		if (n->argkind == SB_GARG_ITEM) {
			const struct sb_gitem *it = &x->g->items[n->arg];
			sb_buf_printf(b, " (with %s ", mi->name);
			quote(b, (const char *)it->bytes + 2, it->len - 3, 0);
			sb_buf_putc(b, ')');
		} else {
			sb_buf_printf(b, " (with %s %u)", mi->name, n->arg);
		}
	}
}

/* Print the rule "(ACTION OP conditions… modifiers)" for leaf N. */
static int
rule(struct dec *x, const char *op, const struct sb_gnode *n)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;

	if (++x->paths > MAXPATHS)
		return fail(x, "a graph with too many rules to decompile");
	sb_buf_printf(&b, "(%s %s", n->flags & 1 ? "deny" : "allow", op);
	if (x->nconds == 1)
		sb_buf_printf(&b, " %s", x->conds[0]);
	else if (x->nconds > 1) {
		sb_buf_puts(&b, " (require-all");
		for (i = 0; i < x->nconds; i++)
			sb_buf_printf(&b, " %s", x->conds[i]);
		sb_buf_putc(&b, ')');
	}
	mods(x, n, &b);
	sb_buf_puts(&b, ")\n");
	if ((x->written += b.len) > MAXOUTPUT) {
		sb_buf_free(&b);
		return fail(x, "too large to decompile: more than 32 MiB of "
		    "rules");
	}
	fputs(b.data, x->f);
	sb_buf_free(&b);
	return 0;
}

/*
** Emit rules that make every request satisfying the current conditions
** decide as NODE does, given that rules already printed make them decide
** as node DONE does (SB_GRAPH_NONE: nothing yet). For a test (f, m, u):
** first the rules of u for all those requests, then, guarded by f, the
** rules of m, for which u is then what is already decided. Later rules
** win, so m's rules override u's exactly where f holds; and where m's
** subgraph flows back into u nothing more is needed. Only matched tests
** appear as conditions, never their negation.
*/
static int
emit(struct dec *x, const char *op, uint32_t node, uint32_t done)
{
	const struct sb_gnode *n = &x->g->nodes[node];

	if (x->failed || node == done)
		return x->failed ? -1 : 0;
	if (n->kind == SB_GN_LEAF)
		return rule(x, op, n);
	if (x->nconds + 1 >= MAXDEPTH)
		return fail(x, "a graph too deep to decompile");
	if (!x->text[node] && !(x->text[node] = testtext(x, n)))
		return -1;
	if (emit(x, op, n->unmatch, done) < 0)
		return -1;
	x->conds[x->nconds++] = x->text[node];
	emit(x, op, n->match, n->unmatch);
	x->nconds--;
	return x->failed ? -1 : 0;
}

static unsigned
depth(const struct sb_target *t, unsigned op)
{
	unsigned d = 0;

	while (t->ops[op].parent != SB_NONE && d < 64) {
		op = t->ops[op].parent;
		d++;
	}
	return d;
}

int
sb_decompile(const struct sb_graph *g, FILE *f, struct sb_diag *d)
{
	struct dec x;
	unsigned dep, op, maxdep = 0;
	uint32_t i;

	memset(&x, 0, sizeof x);
	x.g = g;
	x.t = g->target;
	x.f = f;
	x.d = d;
	/* a decode-only target (Darwin 24/25) has no operation names */
	if (!x.t->ops || x.t->op_name_count < x.t->op_count)
		return fail(&x, "cannot decompile: the operation names of this "
		    "format are not known (only Darwin 23 profiles, macOS 14 "
		    "and iOS 17, decompile); --dump=graph shows its graph");
	if (g->nprofiles)
		return fail(&x, "cannot decompile a profile collection (each "
		    "profile has its own operation table); --dump=graph lists "
		    "its profiles and nodes");
	x.text = xcalloc((size_t)g->nnodes + 1, sizeof *x.text);
	fprintf(f, ";; decompiled by sbplc --decompile (%s)\n(version 1)\n",
	    x.t->name);
	for (op = 0; op < x.t->op_count; op++)
		if (depth(x.t, op) > maxdep)
			maxdep = depth(x.t, op);
	for (dep = 0; dep <= maxdep && !x.failed; dep++)
		for (op = 0; op < x.t->op_count && !x.failed; op++) {
			uint32_t e = sb_graph_entry(g, op);
			uint16_t up = x.t->ops[op].parent;
			if (depth(x.t, op) != dep)
				continue;
			if (up != SB_NONE && sb_graph_entry(g, up) == e)
				continue;       /* inherits its parent's rules */
			if (up == SB_NONE && op != 0 &&
			    g->nodes[e].kind == SB_GN_LEAF &&
			    g->nodes[e].flags == ((x.t->ops[op].flags &
			    SB_OP_TERMINAL_DENY) ? 5u : 0u) && !g->nodes[e].inline_id)
				continue;       /* a terminal's own decision */
			x.paths = 0;
			emit(&x, x.t->ops[op].name, e, SB_GRAPH_NONE);
		}
	for (i = 0; i < g->nnodes + 1; i++)
		free(x.text[i]);
	free(x.text);
	return x.failed ? -1 : 0;
}
