/*
** The SBPL evaluator's state and the internal interface shared by
** eval.c (the eval/apply loop), forms.c (special forms), builtins.c
** (Scheme procedures) and primitives.c (allow, deny, filters, with, …).
** LANGUAGE.md §2 and §4 are the reference for what it must do.
*/
#ifndef SB_COMPILER_EVAL_H
#define SB_COMPILER_EVAL_H

#include <stdint.h>

#include "common/ctx.h"
#include "compiler/value.h"

struct sb_profile;
struct sb_rule;
struct sb_options;

/* A binding: a name, its value, where it was defined and how often read. */
struct sb_binding {
	struct sb_sym *sym;
	struct sb_value *val;
	struct sb_span def;             /* the defining form, or SB_NOSRC */
	uint32_t uses;                  /* lookups, for unused definitions */
	struct sb_binding *next;        /* globals: the next one defined */
};

/* A local frame; the global environment is NULL and lives in the symbols. */
struct sb_env {
	struct sb_env *parent;          /* enclosing frame, NULL for global */
	struct sb_binding *b;           /* bindings, searched linearly */
	uint32_t n, cap;
};

/* ORDER: eval.c's frame kind names. */
enum sb_frame_kind {
	SB_FRAME_CALL,                  /* a procedure call */
	SB_FRAME_EXPAND,                /* a macro expansion */
	SB_FRAME_IMPORT,                /* an (import …) */
	SB_FRAME_FINALIZE               /* the finaliser after the body */
};

/* One entry of the provenance chain, innermost first when copied. */
struct sb_frame {
	enum sb_frame_kind kind;
	struct sb_span span;            /* the call, expansion or import form */
	const struct sb_sym *name;      /* procedure, macro or NULL */
	const struct sb_frame *up;      /* the enclosing frame, or NULL */
};

struct sb_eval {
	struct sb_ctx *ctx;
	struct sb_arena *a;             /* == &ctx->arena */
	const struct sb_options *opts;
	const struct sb_target *target;
	struct sb_profile *profile;     /* rules collected so far */
	int failed;                     /* an error was reported: unwind */
	uint64_t steps;                 /* evaluation steps taken */
	uint64_t maxsteps;              /* the step limit */
	uint32_t depth;                 /* non-tail nesting of eval */
	struct sb_span site;            /* innermost call form in user source */
	struct sb_span rulesite;        /* innermost (allow …)/(deny …) there */
	struct sb_value *form;          /* the call form of the running builtin */
	struct sb_frame *stack;         /* calls, expansions, imports (malloc) */
	uint32_t nstack, capstack;
	struct sb_binding *globals;     /* every global, newest first */
	struct sb_value *nil, *unspec, *t, *f;  /* shared constants */
	/* symbols the evaluator compares against */
	struct sb_sym *s_quote, *s_quasiquote, *s_unquote, *s_splice;
	struct sb_sym *s_else, *s_arrow, *s_define, *s_lambda, *s_noop;
	struct sb_sym *s_finalize, *s_elevated, *s_allow, *s_deny;
	/* the version and trace state of LANGUAGE.md §5.1, §5.5 */
	int version;                    /* 0 until (version 1) */
	const char *trace;              /* (trace "path") or NULL */
	struct sb_span tracespan;
	/* imports in progress, for cycle detection */
	const char **importing;
	uint32_t nimporting;
	/* origin key of each source id (DESIGN.md §5), NULL if not set */
	const char **origins;
	uint32_t norigins;
	/* CSTs of every file evaluated (imports and library included) */
	struct sb_cst **csts;
	uint32_t ncsts;
};

/*
** Report an error at SPAN with notes from the frame stack, and mark the
** evaluation failed. Returns NULL so callers can "return sb_eval_error()".
*/
struct sb_value *sb_eval_error(struct sb_eval *e, struct sb_span span,
    const char *fmt, ...) SB_PRINTF(3, 4);

/* Evaluate X in ENV; NULL after an error. */
struct sb_value *sb_eval_expr(struct sb_eval *e, struct sb_value *x,
    struct sb_env *env);
/* Evaluate the forms of list BODY in ENV, the last one's value. */
struct sb_value *sb_eval_body(struct sb_eval *e, struct sb_value *body,
    struct sb_env *env);
/* Apply procedure F to the NARGS values in ARGS, from call site CALL. */
struct sb_value *sb_apply(struct sb_eval *e, struct sb_value *f,
    struct sb_value **args, uint32_t nargs, struct sb_span call);

/* Bindings. */
struct sb_env *sb_env_new(struct sb_eval *e, struct sb_env *parent,
    uint32_t cap);
void sb_env_define(struct sb_eval *e, struct sb_env *env, struct sb_sym *sym,
    struct sb_value *val, struct sb_span def);
/* The binding of SYM seen from ENV, or NULL; binds a constant on first use. */
struct sb_binding *sb_env_lookup(struct sb_eval *e, struct sb_env *env,
    struct sb_sym *sym);
/* Define a global by name (the initial environment). */
void sb_env_global(struct sb_eval *e, const char *name, struct sb_value *val);

/* Frames of the provenance chain. */
void sb_frame_push(struct sb_eval *e, enum sb_frame_kind kind,
    struct sb_span span, const struct sb_sym *name);
void sb_frame_pop(struct sb_eval *e);
/* The chain as it stands, copied into the arena (innermost first). */
const struct sb_frame *sb_frame_capture(struct sb_eval *e);

/* Whether SPAN lies in an embedded stdlib-sb/ source. */
int sb_eval_in_library(const struct sb_eval *e, struct sb_span span);
/* Evaluate every top-level form of CST in the global environment. */
int sb_eval_cst(struct sb_eval *e, const struct sb_cst *cst);

/*
** Where argument ARGNO (1-based) of the running builtin was written: the
** argument expression of its call form, else V's own span, else the call.
*/
struct sb_span sb_eval_argspan(const struct sb_eval *e, uint32_t argno,
    const struct sb_value *v);
/* Make a list of N values. */
struct sb_value *sb_list_from(struct sb_eval *e, struct sb_value **v,
    uint32_t n, struct sb_span span);
/* Type check helpers for builtins: report and return -1 on mismatch. */
int sb_want(struct sb_eval *e, const char *proc, uint32_t argno,
    struct sb_value *v, enum sb_vkind kind, const char *what);

/* The handlers of forms.def, by form id (forms.c). */
typedef struct sb_value *(*sb_formfn)(struct sb_eval *e, struct sb_value *x,
    struct sb_env **env, struct sb_value **tail);
extern const sb_formfn sb_form_handlers[];

/* Set up the special forms (forms.c) and Scheme builtins (builtins.c). */
void sb_forms_install(struct sb_eval *e);
void sb_builtins_install(struct sb_eval *e);

#endif
