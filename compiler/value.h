/*
** Values of the SBPL evaluator: the Scheme data real profiles use plus the
** SBPL kinds (operations, filters, modifiers, named constants). Code and
** data share this representation: the CST is converted to values just
** before evaluation (DESIGN.md §15), so every pair and symbol knows where
** it was written. Values live in the context's arena and are immutable
** except through set-car!/set-cdr! (which profiles never call).
*/
#ifndef SB_COMPILER_VALUE_H
#define SB_COMPILER_VALUE_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/ctx.h"
#include "parser/cst.h"

/* ORDER: value.c's kind names. */
enum sb_vkind {
	SB_V_NIL,       /* '() */
	SB_V_UNSPEC,    /* what define, set! and for-each return */
	SB_V_BOOL,
	SB_V_INT,
	SB_V_STRING,
	SB_V_SYMBOL,
	SB_V_CHAR,
	SB_V_PAIR,
	SB_V_VECTOR,
	SB_V_CLOSURE,   /* lambda */
	SB_V_MACRO,     /* TinyScheme macro: a closure given the whole form */
	SB_V_BUILTIN,   /* a procedure of builtins.def or the primitives */
	SB_V_FORM,      /* a special form of forms.def */
	SB_V_OP,        /* an operation of the target */
	SB_V_FILTER,    /* a normalised filter (compiler/filter.h) */
	SB_V_FCTOR,     /* a filter constructor: literal, subpath, … */
	SB_V_MODKIND,   /* a modifier name, given to (with …) */
	SB_V_MODIFIER,  /* what (with …) returns */
	SB_V_CONST      /* a named argument constant: AF_INET, SIGKILL, … */
};

struct sb_env;
struct sb_filter;
struct sb_value;

/* A lambda: parameters, body and the environment it closes over. */
struct sb_closure {
	struct sb_sym **params;         /* fixed parameters */
	uint32_t nparams;
	struct sb_sym *rest;            /* the dotted or single-symbol rest, or NULL */
	struct sb_value *body;          /* list of body forms */
	struct sb_env *env;             /* where it was made */
	struct sb_sym *name;            /* the defined name, for messages, or NULL */
	struct sb_span span;            /* the lambda or define form */
	int defmacro;                   /* define-macro: called with the
	                                   form's arguments, not the form */
};

/* A builtin's handler: ARGS are evaluated; returns NULL after an error. */
struct sb_eval;
typedef struct sb_value *(*sb_builtin_fn)(struct sb_eval *e,
    struct sb_value **args, uint32_t nargs, struct sb_span call);

struct sb_builtin {
	const char *name;
	int16_t min, max;               /* arity; max -1 is variadic */
	sb_builtin_fn fn;
	uint16_t data;                  /* handler data: filter id, … */
	uint8_t data2;                  /* more handler data */
};

struct sb_value {
	uint8_t kind;                   /* enum sb_vkind */
	struct sb_span span;            /* where written or made; src SB_NOSRC if nowhere */
	const struct sb_sym *param;     /* set on the result of (param "NAME") */
	union {
		int boolean;                    /* BOOL */
		int64_t i;                      /* INT */
		uint32_t ch;                    /* CHAR */
		struct {                        /* STRING */
			const char *s;          /* NUL-terminated */
			uint32_t len;
		} str;
		struct sb_sym *sym;             /* SYMBOL */
		struct {                        /* PAIR */
			struct sb_value *car, *cdr;
		} pair;
		struct {                        /* VECTOR */
			struct sb_value **v;
			uint32_t n;
		} vec;
		struct sb_closure *clo;         /* CLOSURE, MACRO */
		const struct sb_builtin *bi;    /* BUILTIN */
		uint16_t form;                  /* FORM: forms.def id */
		uint16_t op;                    /* OP: operation id */
		const struct sb_filter *filter; /* FILTER */
		struct {                        /* FCTOR */
			uint16_t filter;        /* base filter id */
			uint8_t pat;            /* enum sb_pat */
		} fctor;
		struct {                        /* MODKIND, MODIFIER */
			uint16_t id;            /* modifier id */
			struct sb_value *arg;   /* MODIFIER: its argument or NULL */
			const char *block;      /* message-filter: rules as text */
		} mod;
		struct {                        /* CONST */
			struct sb_sym *name;
			int64_t value;          /* the first table value of NAME */
		} cnst;
	} u;
};

/* Constructors: every value lives in ARENA until the context is freed. */
struct sb_value *sb_value_new(struct sb_arena *a, enum sb_vkind kind,
    struct sb_span span);
struct sb_value *sb_value_bool(struct sb_arena *a, int b, struct sb_span span);
struct sb_value *sb_value_int(struct sb_arena *a, int64_t i,
    struct sb_span span);
struct sb_value *sb_value_string(struct sb_arena *a, const char *s,
    uint32_t len, struct sb_span span);
struct sb_value *sb_value_symbol(struct sb_arena *a, struct sb_sym *sym,
    struct sb_span span);
struct sb_value *sb_value_cons(struct sb_arena *a, struct sb_value *car,
    struct sb_value *cdr, struct sb_span span);
struct sb_value *sb_value_nil(struct sb_arena *a);
struct sb_value *sb_value_unspec(struct sb_arena *a);

/*
** The datum NODE as a value (lists become pairs, quote prefixes become
** (quote x) lists). Reports to CTX and returns NULL for what the
** evaluator rejects (vectors, real numbers).
*/
struct sb_value *sb_value_from_node(struct sb_ctx *ctx,
    const struct sb_node *node);

/* Only #f is false (LANGUAGE.md §4.2). */
static inline int
sb_truthy(const struct sb_value *v)
{
	return !(v->kind == SB_V_BOOL && !v->u.boolean);
}

/* The number of elements of a proper list, or -1. */
int64_t sb_list_length(const struct sb_value *v);
/* "boolean", "string", …, for messages. */
const char *sb_value_kindname(const struct sb_value *v);
/*
** Write V as Scheme would (strings quoted), at most LIMIT bytes; names of
** operations, filters and modifiers come from target T (may be NULL).
*/
struct sb_target;
void sb_value_write(struct sb_buf *b, const struct sb_target *t,
    const struct sb_value *v, int display, uint32_t limit);
/* equal? and eqv? */
int sb_value_equal(const struct sb_value *a, const struct sb_value *b);
int sb_value_eqv(const struct sb_value *a, const struct sb_value *b);

#endif
