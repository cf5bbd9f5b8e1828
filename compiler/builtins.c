/*
** Scheme procedures real profiles call (LANGUAGE.md §4.3), with
** TinyScheme's strict typing: a value of the wrong type is an error,
** which matters because an unset parameter is #f and must fail at its
** first use with a message naming the parameter (§5.6, §11).
*/
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/eval.h"

#define car(v) ((v)->u.pair.car)
#define cdr(v) ((v)->u.pair.cdr)
#define ARGS struct sb_eval *e, struct sb_value **a, uint32_t n, \
    struct sb_span call
#define UNUSED (void)n, (void)call
#define NEED(i, kind, what) \
	do { if (sb_want(e, NAME, (i) + 1, a[i], kind, what) < 0) \
		return NULL; } while (0)

static struct sb_value *
boolv(struct sb_eval *e, int b, struct sb_span call)
{
	return sb_value_bool(e->a, b, call);
}

static struct sb_value *
intv(struct sb_eval *e, int64_t i, struct sb_span call)
{
	return sb_value_int(e->a, i, call);
}

/* A proper list, or an error naming PROC and the argument. */
static int
wantlist(struct sb_eval *e, const char *proc, uint32_t argno,
    struct sb_value *v)
{
	if (sb_list_length(v) >= 0)
		return 0;
	return sb_want(e, proc, argno, v, SB_V_NIL, "a list");
}

/* --- pairs and lists --------------------------------------------------- */

static struct sb_value *
cxr(struct sb_eval *e, const char *name, struct sb_value *v, const char *path)
{
	const char *p;

	/* PATH is applied right to left, as the name reads: cadr = car∘cdr */
	for (p = path + strlen(path); p-- > path;) {
		if (v->kind != SB_V_PAIR) {
			struct sb_buf b = SB_BUF_INIT;
			sb_value_write(&b, e->target, v, 0, 60);
			if (v->param)
				sb_eval_error(e, sb_eval_argspan(e, 1, v), "%s: "
				    "argument 1 must be a pair, got %s: parameter "
				    "'%s' is not set (define it with -D %s=VALUE)",
				    name, b.data, v->param->name,
				    v->param->name);
			else
				sb_eval_error(e, sb_eval_argspan(e, 1, v), "%s: "
				    "argument 1 must be a pair, got %s", name,
				    b.data);
			sb_buf_free(&b);
			return NULL;
		}
		v = *p == 'a' ? car(v) : cdr(v);
	}
	return v;
}

#define NAME "car"
static struct sb_value *bi_car(ARGS) { UNUSED; return cxr(e, NAME, a[0], "a"); }
#undef NAME
#define NAME "cdr"
static struct sb_value *bi_cdr(ARGS) { UNUSED; return cxr(e, NAME, a[0], "d"); }
#undef NAME
#define NAME "cadr"
static struct sb_value *bi_cadr(ARGS) { UNUSED; return cxr(e, NAME, a[0], "ad"); }
#undef NAME
#define NAME "cddr"
static struct sb_value *bi_cddr(ARGS) { UNUSED; return cxr(e, NAME, a[0], "dd"); }
#undef NAME
#define NAME "caar"
static struct sb_value *bi_caar(ARGS) { UNUSED; return cxr(e, NAME, a[0], "aa"); }
#undef NAME
#define NAME "cdar"
static struct sb_value *bi_cdar(ARGS) { UNUSED; return cxr(e, NAME, a[0], "da"); }
#undef NAME
#define NAME "caddr"
static struct sb_value *bi_caddr(ARGS) { UNUSED; return cxr(e, NAME, a[0], "add"); }
#undef NAME

static struct sb_value *
bi_cons(ARGS)
{
	UNUSED;
	return sb_value_cons(e->a, a[0], a[1], call);
}

static struct sb_value *
bi_list(ARGS)
{
	return sb_list_from(e, a, n, call);
}

static struct sb_value *
bi_length(ARGS)
{
	UNUSED;
	if (wantlist(e, "length", 1, a[0]) < 0)
		return NULL;
	return intv(e, sb_list_length(a[0]), call);
}

static struct sb_value *
bi_reverse(ARGS)
{
	struct sb_value *r = e->nil, *p;

	UNUSED;
	if (wantlist(e, "reverse", 1, a[0]) < 0)
		return NULL;
	for (p = a[0]; p->kind == SB_V_PAIR; p = cdr(p))
		r = sb_value_cons(e->a, car(p), r, call);
	return r;
}

static struct sb_value *
copyonto(struct sb_eval *e, struct sb_value *l, struct sb_value *tail,
    struct sb_span call)
{
	struct sb_value *head = tail, **link = &head, *p;

	for (p = l; p->kind == SB_V_PAIR; p = cdr(p)) {
		*link = sb_value_cons(e->a, car(p), tail, call);
		link = &(*link)->u.pair.cdr;
	}
	return head;
}

static struct sb_value *
bi_append(ARGS)
{
	struct sb_value *r;
	uint32_t i;

	if (n == 0)
		return e->nil;
	r = a[n - 1];
	for (i = n - 1; i-- > 0;) {
		if (wantlist(e, "append", i + 1, a[i]) < 0)
			return NULL;
		r = copyonto(e, a[i], r, call);
	}
	return r;
}

static struct sb_value *
nthtail(struct sb_eval *e, const char *name, struct sb_value **a)
{
	struct sb_value *p = a[0];
	int64_t k;

	if (sb_want(e, name, 2, a[1], SB_V_INT, "a number") < 0)
		return NULL;
	for (k = a[1]->u.i; k > 0 && p->kind == SB_V_PAIR; k--)
		p = cdr(p);
	if (k != 0 || a[1]->u.i < 0)
		return sb_eval_error(e, a[1]->span, "%s: index %" PRId64
		    " out of range", name, a[1]->u.i);
	return p;
}

static struct sb_value *
bi_listref(ARGS)
{
	struct sb_value *p;

	UNUSED;
	if (!(p = nthtail(e, "list-ref", a)))
		return NULL;
	if (p->kind != SB_V_PAIR)
		return sb_eval_error(e, a[1]->span, "list-ref: index %" PRId64
		    " out of range", a[1]->u.i);
	return car(p);
}

static struct sb_value *
bi_listtail(ARGS)
{
	UNUSED;
	return nthtail(e, "list-tail", a);
}

enum { EQ_EQV, EQ_EQUAL };

static int
same(struct sb_value *x, struct sb_value *y, int how)
{
	return how == EQ_EQUAL ? sb_value_equal(x, y) : sb_value_eqv(x, y);
}

static struct sb_value *
mem(struct sb_eval *e, struct sb_value **a, int how, struct sb_span call)
{
	struct sb_value *p;

	for (p = a[1]; p->kind == SB_V_PAIR; p = cdr(p))
		if (same(a[0], car(p), how))
			return p;
	return boolv(e, 0, call);
}

static struct sb_value *bi_memq(ARGS) { UNUSED; return mem(e, a, EQ_EQV, call); }
static struct sb_value *bi_memv(ARGS) { UNUSED; return mem(e, a, EQ_EQV, call); }
static struct sb_value *bi_member(ARGS) { UNUSED; return mem(e, a, EQ_EQUAL, call); }

static struct sb_value *
ass(struct sb_eval *e, struct sb_value **a, int how, struct sb_span call)
{
	struct sb_value *p;

	for (p = a[1]; p->kind == SB_V_PAIR; p = cdr(p))
		if (car(p)->kind == SB_V_PAIR && same(a[0], car(car(p)), how))
			return car(p);
	return boolv(e, 0, call);
}

static struct sb_value *bi_assq(ARGS) { UNUSED; return ass(e, a, EQ_EQV, call); }
static struct sb_value *bi_assv(ARGS) { UNUSED; return ass(e, a, EQ_EQV, call); }
static struct sb_value *bi_assoc(ARGS) { UNUSED; return ass(e, a, EQ_EQUAL, call); }

/* map and for-each over one or more lists, stopping at the shortest. */
static struct sb_value *
mapping(struct sb_eval *e, const char *name, struct sb_value **a, uint32_t n,
    struct sb_span call, int collect)
{
	struct sb_value **lists = a + 1, **args, *r = e->nil, **link = &r, *v;
	uint32_t nl = n - 1, i;

	for (i = 0; i < nl; i++)
		if (wantlist(e, name, i + 2, lists[i]) < 0)
			return NULL;
	args = sb_arena_alloc(e->a, nl * sizeof *args);
	lists = sb_arena_memdup(e->a, lists, nl * sizeof *lists);
	for (;;) {
		for (i = 0; i < nl; i++) {
			if (lists[i]->kind != SB_V_PAIR)
				return collect ? r : e->unspec;
			args[i] = car(lists[i]);
			lists[i] = cdr(lists[i]);
		}
		if (!(v = sb_apply(e, a[0], args, nl, call)))
			return NULL;
		if (collect) {
			*link = sb_value_cons(e->a, v, e->nil, call);
			link = &(*link)->u.pair.cdr;
		}
	}
}

static struct sb_value *
bi_map(ARGS)
{
	return mapping(e, "map", a, n, call, 1);
}

static struct sb_value *
bi_foreach(ARGS)
{
	return mapping(e, "for-each", a, n, call, 0);
}

/* (apply f a b … list) */
static struct sb_value *
bi_apply(ARGS)
{
	struct sb_value *last, **args, *p;
	uint32_t k, i;

	if (n == 1)
		return sb_apply(e, a[0], NULL, 0, call);
	last = a[n - 1];
	if (wantlist(e, "apply", n, last) < 0)
		return NULL;
	k = n - 2 + (uint32_t)sb_list_length(last);
	args = sb_arena_alloc(e->a, (k ? k : 1) * sizeof *args);
	for (i = 0; i < n - 2; i++)
		args[i] = a[i + 1];
	for (p = last; p->kind == SB_V_PAIR; p = cdr(p))
		args[i++] = car(p);
	return sb_apply(e, a[0], args, k, call);
}

/* (filter pred list) and (partition pred list) → (values in . out) */
static struct sb_value *
sift(struct sb_eval *e, const char *name, struct sb_value **a,
    struct sb_span call, int both)
{
	struct sb_value *in = e->nil, *out = e->nil, **li = &in, **lo = &out;
	struct sb_value *p, *v, ***link;

	if (wantlist(e, name, 2, a[1]) < 0)
		return NULL;
	for (p = a[1]; p->kind == SB_V_PAIR; p = cdr(p)) {
		if (!(v = sb_apply(e, a[0], &p->u.pair.car, 1, call)))
			return NULL;
		link = sb_truthy(v) ? &li : &lo;
		**link = sb_value_cons(e->a, car(p), e->nil, call);
		*link = &(**link)->u.pair.cdr;
	}
	if (!both)
		return in;
	return sb_value_cons(e->a, in, sb_value_cons(e->a, out, e->nil,
	    call), call);
}

static struct sb_value *bi_filter(ARGS) { UNUSED; return sift(e, "filter", a, call, 0); }
static struct sb_value *bi_partition(ARGS) { UNUSED; return sift(e, "partition", a, call, 1); }

/* --- predicates -------------------------------------------------------- */

static struct sb_value *bi_not(ARGS) { UNUSED; return boolv(e, !sb_truthy(a[0]), call); }
static struct sb_value *bi_nullp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_NIL, call); }
static struct sb_value *bi_pairp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_PAIR, call); }
static struct sb_value *bi_listp(ARGS) { UNUSED; return boolv(e, sb_list_length(a[0]) >= 0, call); }
static struct sb_value *bi_symbolp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_SYMBOL, call); }
static struct sb_value *bi_stringp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_STRING, call); }
static struct sb_value *bi_numberp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_INT, call); }
static struct sb_value *bi_booleanp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_BOOL, call); }
static struct sb_value *bi_charp(ARGS) { UNUSED; return boolv(e, a[0]->kind == SB_V_CHAR, call); }

static struct sb_value *
bi_procedurep(ARGS)
{
	UNUSED;
	return boolv(e, a[0]->kind == SB_V_CLOSURE ||
	    a[0]->kind == SB_V_BUILTIN || a[0]->kind == SB_V_FCTOR, call);
}

static struct sb_value *bi_eqv(ARGS) { UNUSED; return boolv(e, sb_value_eqv(a[0], a[1]), call); }
static struct sb_value *bi_equal(ARGS) { UNUSED; return boolv(e, sb_value_equal(a[0], a[1]), call); }

/* --- numbers ----------------------------------------------------------- */

static int
nums(struct sb_eval *e, const char *name, struct sb_value **a, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (a[i]->kind == SB_V_CONST)
			continue;
		if (sb_want(e, name, i + 1, a[i], SB_V_INT, "a number") < 0)
			return -1;
	}
	return 0;
}

static int64_t
num(const struct sb_value *v)
{
	return v->kind == SB_V_CONST ? v->u.cnst.value : v->u.i;
}

static struct sb_value *
overflow(struct sb_eval *e, const char *name, struct sb_span call)
{
	return sb_eval_error(e, call, "%s: integer overflow", name);
}

static struct sb_value *
bi_add(ARGS)
{
	int64_t r = 0;
	uint32_t i;

	if (nums(e, "+", a, n) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (__builtin_add_overflow(r, num(a[i]), &r))
			return overflow(e, "+", call);
	return intv(e, r, call);
}

static struct sb_value *
bi_sub(ARGS)
{
	int64_t r;
	uint32_t i;

	if (nums(e, "-", a, n) < 0)
		return NULL;
	if (n == 1) {
		if (__builtin_sub_overflow(0, num(a[0]), &r))
			return overflow(e, "-", call);
		return intv(e, r, call);
	}
	r = num(a[0]);
	for (i = 1; i < n; i++)
		if (__builtin_sub_overflow(r, num(a[i]), &r))
			return overflow(e, "-", call);
	return intv(e, r, call);
}

static struct sb_value *
bi_mul(ARGS)
{
	int64_t r = 1;
	uint32_t i;

	if (nums(e, "*", a, n) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (__builtin_mul_overflow(r, num(a[i]), &r))
			return overflow(e, "*", call);
	return intv(e, r, call);
}

enum { DIV_QUOTIENT, DIV_REMAINDER, DIV_MODULO };

static struct sb_value *
division(struct sb_eval *e, const char *name, struct sb_value **a,
    struct sb_span call, int how)
{
	int64_t x, y, r;

	if (nums(e, name, a, 2) < 0)
		return NULL;
	x = num(a[0]);
	y = num(a[1]);
	if (y == 0)
		return sb_eval_error(e, a[1]->span, "%s: division by zero",
		    name);
	if (x == INT64_MIN && y == -1)
		return overflow(e, name, call);
	r = how == DIV_QUOTIENT ? x / y : x % y;
	if (how == DIV_MODULO && r != 0 && (r < 0) != (y < 0))
		r += y;
	return intv(e, r, call);
}

static struct sb_value *bi_quotient(ARGS) { UNUSED; return division(e, "quotient", a, call, DIV_QUOTIENT); }
static struct sb_value *bi_remainder(ARGS) { UNUSED; return division(e, "remainder", a, call, DIV_REMAINDER); }
static struct sb_value *bi_modulo(ARGS) { UNUSED; return division(e, "modulo", a, call, DIV_MODULO); }

static struct sb_value *
bi_abs(ARGS)
{
	UNUSED;
	if (nums(e, "abs", a, 1) < 0)
		return NULL;
	if (num(a[0]) == INT64_MIN)
		return overflow(e, "abs", call);
	return intv(e, num(a[0]) < 0 ? -num(a[0]) : num(a[0]), call);
}

static struct sb_value *
extreme(struct sb_eval *e, const char *name, struct sb_value **a, uint32_t n,
    struct sb_span call, int wantmax)
{
	int64_t r;
	uint32_t i;

	if (nums(e, name, a, n) < 0)
		return NULL;
	r = num(a[0]);
	for (i = 1; i < n; i++)
		if (wantmax ? num(a[i]) > r : num(a[i]) < r)
			r = num(a[i]);
	return intv(e, r, call);
}

static struct sb_value *bi_min(ARGS) { return extreme(e, "min", a, n, call, 0); }
static struct sb_value *bi_max(ARGS) { return extreme(e, "max", a, n, call, 1); }

enum { CMP_EQ, CMP_LT, CMP_GT, CMP_LE, CMP_GE };

static struct sb_value *
compare(struct sb_eval *e, const char *name, struct sb_value **a, uint32_t n,
    struct sb_span call, int how)
{
	uint32_t i;
	int ok = 1;

	if (nums(e, name, a, n) < 0)
		return NULL;
	for (i = 1; i < n; i++) {
		int64_t x = num(a[i - 1]), y = num(a[i]);
		switch (how) {
		case CMP_EQ: ok &= x == y; break;
		case CMP_LT: ok &= x < y; break;
		case CMP_GT: ok &= x > y; break;
		case CMP_LE: ok &= x <= y; break;
		default: ok &= x >= y; break;
		}
	}
	return boolv(e, ok, call);
}

static struct sb_value *bi_numeq(ARGS) { return compare(e, "=", a, n, call, CMP_EQ); }
static struct sb_value *bi_lt(ARGS) { return compare(e, "<", a, n, call, CMP_LT); }
static struct sb_value *bi_gt(ARGS) { return compare(e, ">", a, n, call, CMP_GT); }
static struct sb_value *bi_le(ARGS) { return compare(e, "<=", a, n, call, CMP_LE); }
static struct sb_value *bi_ge(ARGS) { return compare(e, ">=", a, n, call, CMP_GE); }

static struct sb_value *
numtest(struct sb_eval *e, const char *name, struct sb_value *v,
    struct sb_span call, int how)
{
	int64_t x;

	if (nums(e, name, &v, 1) < 0)
		return NULL;
	x = num(v);
	switch (how) {
	case 0: return boolv(e, x == 0, call);
	case 1: return boolv(e, x > 0, call);
	case 2: return boolv(e, x < 0, call);
	case 3: return boolv(e, x % 2 == 0, call);
	default: return boolv(e, x % 2 != 0, call);
	}
}

static struct sb_value *bi_zerop(ARGS) { UNUSED; return numtest(e, "zero?", a[0], call, 0); }
static struct sb_value *bi_positivep(ARGS) { UNUSED; return numtest(e, "positive?", a[0], call, 1); }
static struct sb_value *bi_negativep(ARGS) { UNUSED; return numtest(e, "negative?", a[0], call, 2); }
static struct sb_value *bi_evenp(ARGS) { UNUSED; return numtest(e, "even?", a[0], call, 3); }
static struct sb_value *bi_oddp(ARGS) { UNUSED; return numtest(e, "odd?", a[0], call, 4); }

/* --- strings ----------------------------------------------------------- */

static struct sb_value *
strv(struct sb_eval *e, const char *s, size_t len, struct sb_span call)
{
	return sb_value_string(e->a, sb_arena_strndup(e->a, s, len),
	    (uint32_t)len, call);
}

static int
strs(struct sb_eval *e, const char *name, struct sb_value **a, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (sb_want(e, name, i + 1, a[i], SB_V_STRING, "a string") < 0)
			return -1;
	return 0;
}

static struct sb_value *
bi_strappend(ARGS)
{
	size_t len = 0, k = 0;
	uint32_t i;
	char *s;

	if (strs(e, "string-append", a, n) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		len += a[i]->u.str.len;
	s = sb_arena_alloc(e->a, len + 1);
	for (i = 0; i < n; i++) {
		memcpy(s + k, a[i]->u.str.s, a[i]->u.str.len);
		k += a[i]->u.str.len;
	}
	s[len] = 0;
	return sb_value_string(e->a, s, (uint32_t)len, call);
}

static struct sb_value *
bi_strlength(ARGS)
{
	UNUSED;
	if (strs(e, "string-length", a, 1) < 0)
		return NULL;
	return intv(e, a[0]->u.str.len, call);
}

static struct sb_value *
bi_substring(ARGS)
{
	int64_t from, to;

	if (strs(e, "substring", a, 1) < 0 || nums(e, "substring", a + 1,
	    n - 1) < 0)
		return NULL;
	from = num(a[1]);
	to = n > 2 ? num(a[2]) : a[0]->u.str.len;
	if (from < 0 || to < from || to > a[0]->u.str.len)
		return sb_eval_error(e, call, "substring: range %" PRId64
		    "..%" PRId64 " is outside the string of length %u", from,
		    to, a[0]->u.str.len);
	return strv(e, a[0]->u.str.s + from, (size_t)(to - from), call);
}

static struct sb_value *
bi_strref(ARGS)
{
	struct sb_value *v;

	UNUSED;
	if (strs(e, "string-ref", a, 1) < 0 || nums(e, "string-ref", a + 1,
	    1) < 0)
		return NULL;
	if (num(a[1]) < 0 || num(a[1]) >= a[0]->u.str.len)
		return sb_eval_error(e, a[1]->span, "string-ref: index %" PRId64
		    " out of range", num(a[1]));
	v = sb_value_new(e->a, SB_V_CHAR, call);
	v->u.ch = (unsigned char)a[0]->u.str.s[num(a[1])];
	return v;
}

static int
strcmp2(const struct sb_value *x, const struct sb_value *y)
{
	uint32_t m = x->u.str.len < y->u.str.len ? x->u.str.len : y->u.str.len;
	int c = memcmp(x->u.str.s, y->u.str.s, m);

	if (c)
		return c;
	return (x->u.str.len > y->u.str.len) - (x->u.str.len < y->u.str.len);
}

static struct sb_value *
bi_streq(ARGS)
{
	uint32_t i;
	int ok = 1;

	if (strs(e, "string=?", a, n) < 0)
		return NULL;
	for (i = 1; i < n; i++)
		ok &= strcmp2(a[i - 1], a[i]) == 0;
	return boolv(e, ok, call);
}

static struct sb_value *
bi_strlt(ARGS)
{
	UNUSED;
	if (strs(e, "string<?", a, 2) < 0)
		return NULL;
	return boolv(e, strcmp2(a[0], a[1]) < 0, call);
}

static struct sb_value *
bi_str2num(ARGS)
{
	const char *s;
	char *end;
	long long v;
	int base = 10;

	if (strs(e, "string->number", a, 1) < 0)
		return NULL;
	if (n > 1) {
		if (nums(e, "string->number", a + 1, 1) < 0)
			return NULL;
		base = (int)num(a[1]);
		if (base != 2 && base != 8 && base != 10 && base != 16)
			return sb_eval_error(e, a[1]->span, "string->number: "
			    "radix must be 2, 8, 10 or 16");
	}
	s = a[0]->u.str.s;
	if (a[0]->u.str.len == 0 || strlen(s) != a[0]->u.str.len ||
	    strchr(" \t\n", s[0]))
		return boolv(e, 0, call);
	v = strtoll(s, &end, base);
	if (*end)
		return boolv(e, 0, call);
	return intv(e, v, call);
}

static struct sb_value *
bi_num2str(ARGS)
{
	char buf[72];
	int64_t v;
	uint64_t u;
	int base = 10, k = sizeof buf - 1;

	if (nums(e, "number->string", a, n) < 0)
		return NULL;
	if (n > 1)
		base = (int)num(a[1]);
	if (base != 2 && base != 8 && base != 10 && base != 16)
		return sb_eval_error(e, call, "number->string: radix must be "
		    "2, 8, 10 or 16");
	v = num(a[0]);
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	buf[k] = 0;
	do {
		buf[--k] = "0123456789abcdef"[u % (uint64_t)base];
		u /= (uint64_t)base;
	} while (u);
	if (v < 0)
		buf[--k] = '-';
	return strv(e, buf + k, strlen(buf + k), call);
}

static struct sb_value *
bi_str2sym(ARGS)
{
	UNUSED;
	if (strs(e, "string->symbol", a, 1) < 0)
		return NULL;
	return sb_value_symbol(e->a, sb_intern(&e->ctx->syms, a[0]->u.str.s,
	    a[0]->u.str.len), call);
}

static struct sb_value *
bi_sym2str(ARGS)
{
	UNUSED;
	if (sb_want(e, "symbol->string", 1, a[0], SB_V_SYMBOL, "a symbol") < 0)
		return NULL;
	return sb_value_string(e->a, a[0]->u.sym->name, a[0]->u.sym->len,
	    call);
}

static struct sb_value *
bi_str2list(ARGS)
{
	struct sb_value *r = e->nil, *c;
	uint32_t i;

	UNUSED;
	if (strs(e, "string->list", a, 1) < 0)
		return NULL;
	for (i = a[0]->u.str.len; i-- > 0;) {
		c = sb_value_new(e->a, SB_V_CHAR, call);
		c->u.ch = (unsigned char)a[0]->u.str.s[i];
		r = sb_value_cons(e->a, c, r, call);
	}
	return r;
}

static struct sb_value *
charstostring(struct sb_eval *e, const char *name, struct sb_value **a,
    uint32_t n, struct sb_span call)
{
	char *s = sb_arena_alloc(e->a, n + 1);
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (sb_want(e, name, i + 1, a[i], SB_V_CHAR, "a character") < 0)
			return NULL;
		if (a[i]->u.ch > 0xff)
			return sb_eval_error(e, a[i]->span, "%s: only byte "
			    "characters are supported", name);
		s[i] = (char)a[i]->u.ch;
	}
	s[n] = 0;
	return sb_value_string(e->a, s, n, call);
}

static struct sb_value *
bi_list2str(ARGS)
{
	struct sb_value **v, *p;
	uint32_t k = 0;

	UNUSED;
	if (wantlist(e, "list->string", 1, a[0]) < 0)
		return NULL;
	v = sb_arena_alloc(e->a, ((size_t)sb_list_length(a[0]) + 1) *
	    sizeof *v);
	for (p = a[0]; p->kind == SB_V_PAIR; p = cdr(p))
		v[k++] = car(p);
	return charstostring(e, "list->string", v, k, call);
}

static struct sb_value *
bi_string(ARGS)
{
	return charstostring(e, "string", a, n, call);
}

static struct sb_value *
bi_chareq(ARGS)
{
	UNUSED;
	if (sb_want(e, "char=?", 1, a[0], SB_V_CHAR, "a character") < 0 ||
	    sb_want(e, "char=?", 2, a[1], SB_V_CHAR, "a character") < 0)
		return NULL;
	return boolv(e, a[0]->u.ch == a[1]->u.ch, call);
}

static struct sb_value *
bi_char2int(ARGS)
{
	UNUSED;
	if (sb_want(e, "char->integer", 1, a[0], SB_V_CHAR, "a character") < 0)
		return NULL;
	return intv(e, a[0]->u.ch, call);
}

static struct sb_value *
bi_int2char(ARGS)
{
	struct sb_value *c;

	UNUSED;
	if (nums(e, "integer->char", a, 1) < 0)
		return NULL;
	if (num(a[0]) < 0 || num(a[0]) > 0x10ffff)
		return sb_eval_error(e, a[0]->span, "integer->char: %" PRId64
		    " is not a character", num(a[0]));
	c = sb_value_new(e->a, SB_V_CHAR, call);
	c->u.ch = (uint32_t)num(a[0]);
	return c;
}

/*
** (error msg irritant…). The library's own checks ("unsupported version",
** "path must start with a /") read "MSG, got IRRITANT"; an irritant that
** is an unset parameter's #f says how to set it. An error a profile
** raises itself is labelled as such.
*/
static struct sb_value *
bi_error(ARGS)
{
	struct sb_buf b = SB_BUF_INIT;
	const struct sb_sym *param = NULL;
	uint32_t i;
	int lib = sb_eval_in_library(e, call);

	if (n > 0 && a[0]->kind == SB_V_STRING)
		sb_buf_put(&b, a[0]->u.str.s, a[0]->u.str.len);
	for (i = a[0]->kind == SB_V_STRING ? 1 : 0; i < n; i++) {
		sb_buf_puts(&b, i == 1 && lib ? ", got " : i ? " " : "");
		sb_value_write(&b, e->target, a[i], !lib, 200);
		if (a[i]->param)
			param = a[i]->param;
	}
	if (param)
		sb_buf_printf(&b, ": parameter '%s' is not set (define it with "
		    "-D %s=VALUE)", param->name, param->name);
	if (lib)
		sb_eval_error(e, e->site.src != SB_NOSRC &&
		    !sb_eval_in_library(e, e->site) ? e->site : call, "%s",
		    b.data ? b.data : "");
	else
		sb_eval_error(e, call, "error raised by the profile: %s",
		    b.data ? b.data : "");
	sb_buf_free(&b);
	return NULL;
}

/*
** regex-quote backslash-escapes exactly ^ . [ $ ( ) | * + ? { \
** (LANGUAGE.md §7.3).
*/
static struct sb_value *
bi_regexquote(ARGS)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_value *v;
	uint32_t i;

	UNUSED;
	if (strs(e, "regex-quote", a, 1) < 0)
		return NULL;
	for (i = 0; i < a[0]->u.str.len; i++) {
		char c = a[0]->u.str.s[i];
		if (c && strchr("^.[$()|*+?{\\", c))
			sb_buf_putc(&b, '\\');
		sb_buf_putc(&b, c);
	}
	v = strv(e, b.data ? b.data : "", b.len, call);
	sb_buf_free(&b);
	return v;
}

/* (split-string "a:b" ":") → ("a" "b"); the separator may be a char. */
static struct sb_value *
bi_splitstring(ARGS)
{
	const char *s, *sep, *hit;
	struct sb_value *r = e->nil, **link = &r;
	char one[2] = { 0, 0 };
	size_t seplen;

	UNUSED;
	if (strs(e, "split-string", a, 1) < 0)
		return NULL;
	if (a[1]->kind == SB_V_CHAR) {
		one[0] = (char)a[1]->u.ch;
		sep = one;
		seplen = 1;
	} else {
		if (sb_want(e, "split-string", 2, a[1], SB_V_STRING,
		    "a string") < 0)
			return NULL;
		sep = a[1]->u.str.s;
		seplen = a[1]->u.str.len;
	}
	if (seplen == 0)
		return sb_eval_error(e, a[1]->span, "split-string: empty "
		    "separator");
	for (s = a[0]->u.str.s;; s = hit + seplen) {
		hit = strstr(s, sep);
		*link = sb_value_cons(e->a, strv(e, s, hit ? (size_t)(hit - s) :
		    strlen(s), call), e->nil, call);
		link = &(*link)->u.pair.cdr;
		if (!hit)
			return r;
	}
}

static const struct sb_builtin builtins[] = {
#define BUILTIN(id, name, min, max, fn) { name, min, max, fn, 0, 0 },
#include "compiler/builtins.def"
#undef BUILTIN
};

void
sb_builtins_install(struct sb_eval *e)
{
	size_t i;

	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		struct sb_value *v = sb_value_new(e->a, SB_V_BUILTIN,
		    (struct sb_span){ SB_NOSRC, 0, 0 });
		v->u.bi = &builtins[i];
		sb_env_global(e, builtins[i].name, v);
	}
}
