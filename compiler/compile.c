/*
** sb_compile(): the one driver every tool calls (DESIGN.md §2). Reading
** stops at the first syntax error and evaluation at the first error; the
** unit then holds the diagnostics and no profile.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/sha256.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "compiler/lower.h"
#include "kext/bin.h"
#include "compiler/cpp.h"
#include "compiler/eval.h"
#include "compiler/primitives.h"
#include "compiler/profile.h"
#include "kext/target.h"

void sb_import_input_origin(struct sb_eval *e, uint32_t src, const char *o);

static int64_t
load(struct sb_unit *u, const struct sb_options *o, const char *path)
{
	int64_t id;

	if (o->cpp)
		return sb_cpp_source(&u->ctx, path, o->cppdefs, o->ncppdefs);
	id = sb_source_read(&u->ctx.sources, path, o->stdin_name);
	if (id < 0) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", sb_progname(),
		    path, errno == EFBIG ? "file larger than 16 MiB" :
		    strerror(errno));
		u->io_error = 1;
	}
	return id;
}

/*
** Call the current %finalize with no arguments (LANGUAGE.md §2.2). Its
** errors ("no version specified") are shown at the main file's first form.
*/
static int
finalize(struct sb_eval *e, const struct sb_cst *main)
{
	struct sb_sym *s = e->s_finalize;
	struct sb_span at = { main->src, 0, 0 };

	if (main->nforms > 0)
		at = main->forms[0]->span;
	if (!s->global)
		return 0;
	e->site = at;
	sb_frame_push(e, SB_FRAME_FINALIZE, (struct sb_span){ SB_NOSRC, 0, 0 },
	    NULL);
	if (!sb_apply(e, ((struct sb_binding *)s->global)->val, NULL, 0, at))
		return -1;
	sb_frame_pop(e);
	return 0;
}

static void
initsyms(struct sb_eval *e)
{
	struct sb_intern *t = &e->ctx->syms;

#define S(f, n) e->f = sb_intern(t, n, strlen(n))
	S(s_quote, "quote");
	S(s_quasiquote, "quasiquote");
	S(s_unquote, "unquote");
	S(s_splice, "unquote-splicing");
	S(s_else, "else");
	S(s_arrow, "=>");
	S(s_define, "define");
	S(s_lambda, "lambda");
	S(s_noop, "no-op");
	S(s_finalize, "%finalize");
	S(s_elevated, "%elevated-precedence-finalize");
	S(s_allow, "allow");
	S(s_deny, "deny");
#undef S
}

static int
evaluate(struct sb_unit *u, const struct sb_options *o)
{
	static const struct sb_span nospan = { SB_NOSRC, 0, 0 };
	struct sb_eval *e = xcalloc(1, sizeof *e);
	struct sb_profile *p;
	uint32_t i;
	int r = -1;

	e->ctx = &u->ctx;
	e->a = &u->ctx.arena;
	e->opts = o;
	e->target = u->target;
	e->maxsteps = o->max_steps ? o->max_steps : SB_LIMIT_EVAL_STEPS;
	e->site = nospan;
	p = sb_arena_calloc(e->a, sizeof *p);
	p->target = u->target;
	e->profile = p;
	e->nil = sb_value_nil(e->a);
	e->unspec = sb_value_unspec(e->a);
	e->t = sb_value_bool(e->a, 1, nospan);
	e->f = sb_value_bool(e->a, 0, nospan);
	initsyms(e);
	sb_forms_install(e);
	sb_builtins_install(e);
	sb_primitives_install(e);
	sb_import_install(e);
	if (sb_entitlements_load(e) < 0)
		goto out;
	if (sb_import_library(e, "sbpl/stub.sb", nospan) < 0)
		goto out;
	for (i = 0; i < u->nfiles; i++) {
		uint32_t src = u->files[i]->src;
		int bad;
		sb_import_input_origin(e, src, i + 1 == u->nfiles ? "" :
		    sb_basename(sb_source_get(&u->ctx.sources, src)->path));
		e->site = nospan;
		e->rulesite = nospan;
		/* an input is "being imported" while it runs: cycles back to
		** it are import cycles (LANGUAGE.md §5.4) */
		sb_import_begin(e, sb_source_get(&u->ctx.sources, src)->path);
		bad = sb_eval_cst(e, u->files[i]) < 0;
		sb_import_end(e);
		if (bad)
			goto out;
	}
	if (finalize(e, u->files[u->nfiles - 1]) < 0)
		goto out;
	for (i = 0; i < p->nrules; i++)
		p->rules[i]->origin = sb_import_origin(e, p->rules[i]->site.src);
	sb_profile_fingerprint(p, u->target);
	sb_profile_expand(e->a, p);
	if (o->report_all)
		sb_profile_report_all(e->a, p);
	u->profile = p;
	r = 0;
out:
	if (r < 0)
		free(p->rules);
	free(e->stack);
	free(e->importing);
	free(e->origins);
	free(e->csts);
	free(e);
	return r;
}

/*
** Lower and emit the profile, then decode our own output before anyone
** sees it (DESIGN.md §2.6): a blob that fails validation is an internal
** error and is not handed out.
*/
static int
emit(struct sb_unit *u)
{
	struct sb_blob blob = SB_BLOB_INIT;
	struct sb_decode_opts opts;
	struct sb_decode_error err;
	struct sb_bin bin;

	if (!(u->graph = sb_lower(&u->ctx.arena, u->profile, &u->ctx.diag)))
		return -1;
	if (sb_emit(u->graph, SB_EMIT_COMPACT, &blob, &u->ctx.diag) < 0)
		return -1;
	memset(&opts, 0, sizeof opts);
	opts.target = u->target;
	opts.rule_map = blob.rule_map;
	opts.rule_map_len = blob.nnodes;
	opts.nrules = u->profile->nrules;
	if (sb_decode(&bin, blob.bytes.data, blob.bytes.len, &opts, &err) < 0) {
		sb_diag(&u->ctx.diag, SB_ERROR, "internal",
		    (struct sb_span){ SB_NOSRC, 0, 0 }, "internal error: the "
		    "compiled profile fails its own check at byte %u: %s",
		    err.offset, err.msg);
		u->internal_error = 1;
		sb_blob_free(&blob);
		return -1;
	}
	u->bloblen = blob.bytes.len;
	u->blob = (uint8_t *)sb_buf_take(&blob.bytes);
	u->rule_map = blob.rule_map;
	u->nnodes = blob.nnodes;
	blob.rule_map = NULL;
	sb_blob_free(&blob);
	sb_sha256(u->blob, u->bloblen, u->blob_sha256);
	return 0;
}

int
sb_compile(struct sb_unit *u, const struct sb_options *o,
    const char *const *inputs, uint32_t ninputs, enum sb_stage stage)
{
	uint32_t i;

	memset(u, 0, sizeof *u);
	sb_ctx_init(&u->ctx);
	u->target = o->target ? o->target : sb_target_default();
	u->ctx.target = u->target;
	u->files = xcalloc(ninputs ? ninputs : 1, sizeof *u->files);
	for (i = 0; i < ninputs; i++) {
		int64_t id = load(u, o, inputs[i]);
		if (id < 0) {
			u->io_error |= !o->cpp;
			return -1;
		}
		if (!(u->files[u->nfiles] = sb_read(&u->ctx, (uint32_t)id)))
			return -1;
		u->nfiles++;
	}
	if (stage == SB_STAGE_READ || ninputs == 0)
		return 0;
	if (evaluate(u, o) < 0)
		return -1;
	if (stage == SB_STAGE_EVAL)
		return 0;
	return emit(u);
}

void
sb_unit_free(struct sb_unit *u)
{
	if (u->profile) {
		free(u->profile->rules);
	}
	free(u->files);
	free(u->blob);
	free(u->rule_map);
	sb_ctx_free(&u->ctx);
}
