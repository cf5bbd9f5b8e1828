/*
** Value constructors, CST conversion, printing and equality.
*/
#include <inttypes.h>
#include <string.h>

#include "compiler/filter.h"
#include "compiler/value.h"
#include "kext/target.h"

static const struct sb_span nospan = { SB_NOSRC, 0, 0 };

/* ORDER: enum sb_vkind */
static const char *const kindname[] = {
	"null", "unspecified", "boolean", "number", "string", "symbol",
	"character", "pair", "vector", "procedure", "macro", "procedure",
	"syntax", "operation", "filter", "filter constructor", "modifier name",
	"modifier", "constant",
};

struct sb_value *
sb_value_new(struct sb_arena *a, enum sb_vkind kind, struct sb_span span)
{
	struct sb_value *v = sb_arena_alloc(a, sizeof *v);

	memset(v, 0, sizeof *v);
	v->kind = (uint8_t)kind;
	v->span = span;
	return v;
}

struct sb_value *
sb_value_bool(struct sb_arena *a, int b, struct sb_span span)
{
	struct sb_value *v = sb_value_new(a, SB_V_BOOL, span);

	v->u.boolean = b != 0;
	return v;
}

struct sb_value *
sb_value_int(struct sb_arena *a, int64_t i, struct sb_span span)
{
	struct sb_value *v = sb_value_new(a, SB_V_INT, span);

	v->u.i = i;
	return v;
}

struct sb_value *
sb_value_string(struct sb_arena *a, const char *s, uint32_t len,
    struct sb_span span)
{
	struct sb_value *v = sb_value_new(a, SB_V_STRING, span);

	v->u.str.s = s;
	v->u.str.len = len;
	return v;
}

struct sb_value *
sb_value_symbol(struct sb_arena *a, struct sb_sym *sym, struct sb_span span)
{
	struct sb_value *v = sb_value_new(a, SB_V_SYMBOL, span);

	v->u.sym = sym;
	return v;
}

struct sb_value *
sb_value_cons(struct sb_arena *a, struct sb_value *car, struct sb_value *cdr,
    struct sb_span span)
{
	struct sb_value *v = sb_value_new(a, SB_V_PAIR, span);

	v->u.pair.car = car;
	v->u.pair.cdr = cdr;
	return v;
}

struct sb_value *
sb_value_nil(struct sb_arena *a)
{
	return sb_value_new(a, SB_V_NIL, nospan);
}

struct sb_value *
sb_value_unspec(struct sb_arena *a)
{
	return sb_value_new(a, SB_V_UNSPEC, nospan);
}

static const char *const quotename[] = {
	"quote", "quasiquote", "unquote", "unquote-splicing",
};

struct sb_value *
sb_value_from_node(struct sb_ctx *ctx, const struct sb_node *n)
{
	struct sb_arena *a = &ctx->arena;
	struct sb_value *v, *tail, *head;
	uint32_t i;

	switch (n->kind) {
	case SB_N_LIST:
		tail = n->u.list.tail ? sb_value_from_node(ctx, n->u.list.tail) :
		    sb_value_nil(a);
		if (!tail)
			return NULL;
		if (!n->u.list.tail) {
			tail->span = n->span;
			tail->span.off = n->u.list.close;
			tail->span.len = 1;
		}
		for (i = n->u.list.n; i-- > 0;) {
			struct sb_value *item = sb_value_from_node(ctx,
			    n->u.list.items[i]);
			struct sb_span sp = n->u.list.items[i]->span;
			if (!item)
				return NULL;
			if (i == 0)
				sp = n->span;
			tail = sb_value_cons(a, item, tail, sp);
		}
		if (n->u.list.n == 0)
			tail->span = n->span;
		return tail;
	case SB_N_VECTOR:
		sb_diag(&ctx->diag, SB_ERROR, "eval", n->span,
		    "vectors are not part of SBPL");
		return NULL;
	case SB_N_SYMBOL:
		return sb_value_symbol(a, n->u.sym, n->span);
	case SB_N_STRING:
		return sb_value_string(a, n->u.str.s, n->u.str.len, n->span);
	case SB_N_NUMBER:
		if (!n->u.num.isint) {
			sb_diag(&ctx->diag, SB_ERROR, "eval", n->span,
			    "real numbers are not part of SBPL");
			return NULL;
		}
		return sb_value_int(a, n->u.num.i, n->span);
	case SB_N_BOOL:
		return sb_value_bool(a, n->u.boolean, n->span);
	case SB_N_CHAR:
		v = sb_value_new(a, SB_V_CHAR, n->span);
		v->u.ch = n->u.ch;
		return v;
	default:
		v = sb_value_from_node(ctx, n->u.quoted);
		if (!v)
			return NULL;
		head = sb_value_symbol(a, sb_intern(&ctx->syms,
		    quotename[n->kind - SB_N_QUOTE],
		    strlen(quotename[n->kind - SB_N_QUOTE])), n->span);
		head->span.len = n->kind == SB_N_SPLICE ? 2 : 1;
		return sb_value_cons(a, head, sb_value_cons(a, v,
		    sb_value_nil(a), v->span), n->span);
	}
}

int64_t
sb_list_length(const struct sb_value *v)
{
	int64_t n = 0;

	while (v->kind == SB_V_PAIR) {
		n++;
		v = v->u.pair.cdr;
	}
	return v->kind == SB_V_NIL ? n : -1;
}

const char *
sb_value_kindname(const struct sb_value *v)
{
	if (v->kind == SB_V_PAIR && sb_list_length(v) >= 0)
		return "list";
	return kindname[v->kind];
}

static void
writestr(struct sb_buf *b, const struct sb_value *v)
{
	uint32_t i;

	sb_buf_putc(b, '"');
	for (i = 0; i < v->u.str.len; i++) {
		char c = v->u.str.s[i];
		if (c == '"' || c == '\\')
			sb_buf_putc(b, '\\');
		if (c == '\n')
			sb_buf_puts(b, "\\n");
		else if (c == '\t')
			sb_buf_puts(b, "\\t");
		else
			sb_buf_putc(b, c);
	}
	sb_buf_putc(b, '"');
}

static void
write1(struct sb_buf *b, const struct sb_target *t, const struct sb_value *v,
    int display, size_t stop)
{
	char buf[96];

	const struct sb_value *p;

	if (b->len > stop)
		return;
	switch (v->kind) {
	case SB_V_NIL: sb_buf_puts(b, "()"); return;
	case SB_V_UNSPEC: sb_buf_puts(b, "#<unspecified>"); return;
	case SB_V_BOOL: sb_buf_puts(b, v->u.boolean ? "#t" : "#f"); return;
	case SB_V_INT: sb_buf_printf(b, "%" PRId64, v->u.i); return;
	case SB_V_STRING:
		if (display)
			sb_buf_put(b, v->u.str.s, v->u.str.len);
		else
			writestr(b, v);
		return;
	case SB_V_SYMBOL: sb_buf_puts(b, v->u.sym->name); return;
	case SB_V_CHAR:
		if (v->u.ch == ' ')
			sb_buf_puts(b, "#\\space");
		else if (v->u.ch == '\n')
			sb_buf_puts(b, "#\\newline");
		else if (v->u.ch < 0x80 && v->u.ch > 0x20)
			sb_buf_printf(b, "#\\%c", (char)v->u.ch);
		else
			sb_buf_printf(b, "#\\x%02" PRIx32, v->u.ch);
		return;
	case SB_V_PAIR:
		sb_buf_putc(b, '(');
		for (p = v; p->kind == SB_V_PAIR; p = p->u.pair.cdr) {
			if (p != v)
				sb_buf_putc(b, ' ');
			write1(b, t, p->u.pair.car, display, stop);
			if (b->len > stop)
				return;
		}
		if (p->kind != SB_V_NIL) {
			sb_buf_puts(b, " . ");
			write1(b, t, p, display, stop);
		}
		sb_buf_putc(b, ')');
		return;
	case SB_V_CLOSURE:
	case SB_V_MACRO:
		sb_buf_printf(b, "#<%s %s>", kindname[v->kind],
		    v->u.clo->name ? v->u.clo->name->name : "anonymous");
		return;
	case SB_V_BUILTIN:
		sb_buf_printf(b, "#<procedure %s>", v->u.bi->name);
		return;
	case SB_V_OP:
		if (t && v->u.op < t->op_name_count) {
			sb_buf_printf(b, "#<operation %s>", t->ops[v->u.op].name);
			return;
		}
		break;
	case SB_V_FILTER:
		if (t) {
			sb_buf_puts(b, "#<filter ");
			sb_filter_text(b, t, v->u.filter);
			sb_buf_putc(b, '>');
			return;
		}
		break;
	case SB_V_FCTOR:
		if (t) {
			sb_buf_printf(b, "#<filter constructor %s>",
			    sb_filter_spelling(t, v->u.fctor.filter,
			    v->u.fctor.pat, buf, sizeof buf));
			return;
		}
		break;
	case SB_V_CONST:
		sb_buf_puts(b, v->u.cnst.name->name);
		return;
	case SB_V_MODKIND:
		if (t && v->u.mod.id < t->modifier_count &&
		    t->modifiers[v->u.mod.id].name) {
			sb_buf_printf(b, "#<modifier %s>",
			    t->modifiers[v->u.mod.id].name);
			return;
		}
		break;
	default:
		break;
	}
	switch (v->kind) {
	default:
		sb_buf_printf(b, "#<%s>", kindname[v->kind]);
		return;
	}
}

void
sb_value_write(struct sb_buf *b, const struct sb_target *t,
    const struct sb_value *v, int display, uint32_t limit)
{
	size_t start = b->len;

	write1(b, t, v, display, start + limit);
	if (b->len > start + limit) {
		b->len = start + limit;
		sb_buf_puts(b, "...");
	}
}

int
sb_value_eqv(const struct sb_value *a, const struct sb_value *b)
{
	if (a == b)
		return 1;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case SB_V_NIL:
	case SB_V_UNSPEC:
		return 1;
	case SB_V_BOOL: return a->u.boolean == b->u.boolean;
	case SB_V_INT: return a->u.i == b->u.i;
	case SB_V_CHAR: return a->u.ch == b->u.ch;
	case SB_V_SYMBOL: return a->u.sym == b->u.sym;
	case SB_V_OP: return a->u.op == b->u.op;
	case SB_V_MODKIND: return a->u.mod.id == b->u.mod.id;
	case SB_V_FORM: return a->u.form == b->u.form;
	case SB_V_BUILTIN: return a->u.bi == b->u.bi;
	case SB_V_CONST: return a->u.cnst.name == b->u.cnst.name;
	case SB_V_CLOSURE:
	case SB_V_MACRO: return a->u.clo == b->u.clo;
	case SB_V_FCTOR:
		return a->u.fctor.filter == b->u.fctor.filter &&
		    a->u.fctor.pat == b->u.fctor.pat;
	default:
		return 0;
	}
}

int
sb_value_equal(const struct sb_value *a, const struct sb_value *b)
{
	while (a->kind == SB_V_PAIR && b->kind == SB_V_PAIR) {
		if (!sb_value_equal(a->u.pair.car, b->u.pair.car))
			return 0;
		a = a->u.pair.cdr;
		b = b->u.pair.cdr;
	}
	if (a->kind == SB_V_STRING && b->kind == SB_V_STRING)
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	return sb_value_eqv(a, b);
}
