/*
** sbpl-query: "is this access allowed, and which rule decided it?" for a
** source profile. This file owns the command line, turning the access into
** a query, and printing the answer; compiler/match.c decides.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/facts.h"
#include "compiler/match.h"
#include "compiler/profile.h"
#include "kext/bin.h"
#include "kext/eval.h"
#include "kext/query.h"
#include "kext/target.h"

#define MAXFACTS 16

struct opts {
	struct sb_options co;
	const char **inputs;            /* --prelude files, then the profile */
	uint32_t ninputs;
	const char **args;              /* --arg FILTER=VALUE */
	uint32_t nargs;
	int json;
	enum sb_color color;
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... PROFILE.sb|PROFILE.bin OPERATION [ARGUMENT]\n"
	    "Say whether PROFILE allows an access, and which rule decides it.\n"
	    "A compiled PROFILE.bin is answered from its decision graph.\n"
	    "\n"
	    "ARGUMENT is the access's main value for OPERATION: a path for\n"
	    "file and process-exec operations, a service name for mach-lookup,\n"
	    "a sysctl name, a [PROTO:]HOST:PORT address for network\n"
	    "operations, a target (self, others, ...) for signal, ...\n"
	    "\n"
	    "  --arg FILTER=VALUE     another fact, e.g. --arg vnode-type=REGULAR-FILE\n"
	    "  -D NAME=VALUE          set parameter NAME\n"
	    "  -I DIR                 search DIR for imported files\n"
	    "  --entitlements=FILE    entitlements plist (or an app's Container.plist)\n"
	    "  --prelude FILE         evaluate FILE before the profile (repeatable)\n"
	    "  --cpp                  run the C preprocessor first (.sb.in files)\n"
	    "  --target=T             vocabulary: macos14 (default)\n"
	    "  --json                 print the answer as JSON\n"
	    "  --color=WHEN           colour diagnostics: auto, always, never\n"
	    "  -h, --help             show this help and exit\n"
	    "  --version              show the version and exit\n"
	    "\n"
	    "Prints 'allow' or 'deny', the modifiers, and the deciding rule.\n"
	    "Exit status: 0 answered, 1 errors in the profile or the query, 2\n"
	    "usage or I/O errors.\n", sb_progname());
	exit(SB_EXIT_OK);
}

static void
push(const char ***v, uint32_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void
parseopts(struct opts *o, int argc, char **argv)
{
	enum { OPT_ARG = 256, OPT_PRELUDE, OPT_JSON, OPT_COLOR, OPT_VERSION };
	static const struct option longopts[] = {
		{ "arg", required_argument, NULL, OPT_ARG },
		{ "prelude", required_argument, NULL, OPT_PRELUDE },
		SB_COMPILE_LONGOPTS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hD:I:", longopts, NULL)) != -1) {
		if (sb_cli_compile_option(&o->co, c, optarg,
		    sb_cli_usage_error))
			continue;
		switch (c) {
		case OPT_ARG:
			if (!strchr(optarg, '='))
				sb_cli_usage_error("--arg needs FILTER=VALUE, "
				    "got '%s'", optarg);
			push(&o->args, &o->nargs, optarg);
			break;
		case OPT_PRELUDE:
			push(&o->inputs, &o->ninputs, optarg);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_COLOR:
			if ((v = sb_diag_parse_color(optarg)) < 0)
				sb_cli_usage_error("invalid argument '%s' for "
				    "--color (auto, always, never)", optarg);
			o->color = (enum sb_color)v;
			break;
		case 'h':
			usage();
		case OPT_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("%s", sb_cli_bad_option(argv, "hD:I:"));
		}
	}
	if (argc - optind < 2)
		sb_cli_usage_error("expected PROFILE and OPERATION");
	if (argc - optind > 3)
		sb_cli_usage_error("unexpected argument '%s'", argv[optind + 3]);
	push(&o->inputs, &o->ninputs, argv[optind]);
}

/* Fill F for filter NAME/LEN from text V; -1 after saying why on stderr. */
static int
mkfact(const struct sb_target *t, struct sb_mfact *f, const char *name,
    size_t namelen, const char *v)
{
	const char *why = NULL;

	if (sb_fact_make(t, f, name, namelen, v, &why) == 0)
		return 0;
	fprintf(stderr, "%s: %.*s=%s: %s\n", sb_progname(), (int)namelen,
	    name, v, why);
	return -1;
}

static void
jsonstr(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
modtext(struct sb_buf *b, const struct sb_target *t, const struct sb_mod *m)
{
	sb_buf_puts(b, t->modifiers[m->id].name);
	if (m->arg.kind == SB_FA_STRING)
		sb_buf_printf(b, " \"%s\"", m->arg.s);
	else if (m->arg.kind == SB_FA_INT && m->arg.cname)
		sb_buf_printf(b, " %s", m->arg.cname);
	else if (m->arg.kind == SB_FA_INT)
		sb_buf_printf(b, " %lld", (long long)m->arg.i);
}

static void
answer(struct sb_unit *u, const struct opts *o, uint16_t op,
    const struct sb_mresult *r)
{
	const struct sb_target *t = u->target;
	const struct sb_rule *rule = r->rule ? u->profile->rules[r->rule - 1] :
	    NULL;
	const struct sb_oplist *l = &u->profile->ops[op];
	struct sb_buf text = SB_BUF_INIT, mods = SB_BUF_INIT;
	struct sb_pos pos = { 0 };
	struct sb_source *s;
	uint32_t i;

	if (rule) {
		sb_rule_text(&text, t, rule);
		if ((s = sb_source_get(&u->ctx.sources, rule->site.src)))
			sb_source_pos(s, rule->site.off, &pos);
	}
	for (i = 0; r->mods && i < r->mods->n; i++) {
		if (i)
			sb_buf_puts(&mods, o->json ? "\", \"" : ") (with ");
		modtext(&mods, t, &r->mods->v[i]);
	}
	if (o->json) {
		printf("{\"operation\": \"%s\", \"decision\": \"%s\", "
		    "\"modifiers\": [%s%s%s], ", t->ops[op].name,
		    r->decision == SB_ALLOW ? "allow" : "deny",
		    mods.len ? "\"" : "", mods.len ? mods.data : "",
		    mods.len ? "\"" : "");
		if (rule) {
			printf("\"rule\": {\"id\": %u, \"fingerprint\": "
			    "\"%016llx\", \"file\": ", rule->id,
			    (unsigned long long)rule->fingerprint);
			jsonstr(stdout, pos.file ? pos.file : "",
			    pos.file ? strlen(pos.file) : 0);
			printf(", \"line\": %u, \"column\": %u, \"text\": ",
			    pos.line, pos.col);
			jsonstr(stdout, text.data, text.len);
			printf("}, ");
		} else {
			printf("\"rule\": null, \"implicit\": \"%s\", ",
			    l->terminal ? "terminal" : "default");
		}
		printf("\"matched\": [");
		for (i = 0; i < r->nmatched; i++)
			printf("%s%u", i ? ", " : "", r->matched[i]);
		printf("], \"assumed\": %s}\n", r->assumed ? "true" : "false");
		goto out;
	}
	printf("%s", r->decision == SB_ALLOW ? "allow" : "deny");
	if (mods.len)
		printf(" (with %s)", mods.data);
	printf("\n");
	if (rule)
		printf("  rule %u at %s:%u:%u\n  %s\n", rule->id, pos.file,
		    pos.line, pos.col, text.data);
	else if (l->terminal)
		printf("  default: '%s' is a terminal operation: without a "
		    "rule that names it, it is always %s\n", t->ops[op].name,
		    l->implicit == SB_ALLOW ? "allowed" : "denied");
	else
		printf("  default: no rule matched; a profile without a "
		    "'default' rule allows\n");
	if (r->assumed)
		printf("  note: the answer assumed that filters given no "
		    "value by the query (use --arg) do not match\n");
out:
	sb_buf_free(&text);
	sb_buf_free(&mods);
}

/* Collect the access's facts from ARG and --arg into F; their count or -1. */
static int
facts(const struct sb_target *t, const struct opts *o, uint16_t op,
    const char *arg, struct sb_mfact *f)
{
	uint32_t i, n = 0;

	if (arg) {
		const char *name = sb_fact_mainfilter(t->ops[op].name, arg);
		if (mkfact(t, &f[n++], name, strlen(name), arg) < 0)
			return -1;
	}
	for (i = 0; i < o->nargs; i++) {
		const char *eq = strchr(o->args[i], '=');
		if (n == MAXFACTS)
			sb_cli_usage_error("more than %d facts", MAXFACTS);
		if (mkfact(t, &f[n++], o->args[i], (size_t)(eq - o->args[i]),
		    eq + 1) < 0)
			return -1;
	}
	return (int)n;
}

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* " (with NAME ARG)" for the terminal's inline modifier. */
static void
inlinemod(const struct sb_target *t, const struct sb_verdict *v)
{
	const struct sb_modifier_info *mi = &t->modifiers[v->inline_id];
	const struct sb_value_info *vals;
	unsigned nv, i;
	int sig;

	if (mi->argkind == SB_ARG_STRING) {
		printf(" (with %s)", mi->name);
		return;
	}
	vals = sb_target_modifier_values(t, v->inline_id, &nv);
	if (nv == 0 && strcmp(mi->name, "send-signal") == 0 &&
	    (sig = sb_target_filter_find(t, "signal-number", 13)) >= 0)
		vals = sb_target_filter_values(t, (unsigned)sig, &nv);
	for (i = 0; i < nv; i++)
		if (vals[i].value == v->inline_arg) {
			printf(" (with %s %s)", mi->name, vals[i].name);
			return;
		}
	printf(" (with %s %u)", mi->name, v->inline_arg);
}

/*
** A compiled profile: decode it and walk the graph (kext/eval.c). The
** blob alone names no rules, so the answer is the decision, the
** terminal's flags and modifier, and the terminal node.
*/
static int
queryblob(const struct opts *o, const char *path, const char *opname,
    const char *arg)
{
	const struct sb_target *t = o->co.target ? o->co.target :
	    sb_target_default();
	struct sb_mfact mf[MAXFACTS];
	struct sb_decode_opts dopts;
	struct sb_decode_error err;
	struct sb_scratch *scratch;
	struct sb_sources srcs;
	struct sb_verdict v;
	struct sb_query q;
	struct sb_source *s;
	struct sb_bin bin;
	int64_t id;
	int op, n, i, status = SB_EXIT_OK;
	uint32_t k;

	sb_sources_init(&srcs);
	if ((id = sb_source_read(&srcs, path, NULL)) < 0) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", sb_progname(), path,
		    strerror(errno));
		sb_sources_free(&srcs);
		return SB_EXIT_USAGE;
	}
	s = sb_source_get(&srcs, (uint32_t)id);
	memset(&dopts, 0, sizeof dopts);
	dopts.target = t;
	if (sb_decode(&bin, s->text, s->len, &dopts, &err) < 0) {
		fprintf(stderr, "%s:%u: error: not a compiled %s profile: %s\n",
		    path, err.offset, t->name, err.msg);
		sb_sources_free(&srcs);
		return SB_EXIT_INPUT;
	}
	op = sb_target_op_find(t, opname, strlen(opname));
	if (op < 0) {
		/* without the library's aliases: process-exec is process-exec* */
		char star[128];
		snprintf(star, sizeof star, "%s*", opname);
		op = sb_target_op_find(t, star, strlen(star));
	}
	if (op < 0 || (unsigned)op >= t->op_count) {
		fprintf(stderr, "%s: '%s' is not an operation of %s\n",
		    sb_progname(), opname, t->name);
		sb_sources_free(&srcs);
		return SB_EXIT_INPUT;
	}
	if ((n = facts(t, o, (uint16_t)op, arg, mf)) < 0) {
		sb_sources_free(&srcs);
		return SB_EXIT_INPUT;
	}
	memset(&q, 0, sizeof q);
	q.op = (uint16_t)op;
	for (i = 0; i < n; i++) {
		struct sb_fact *f = &q.facts[q.nfacts++];
		f->filter = (uint8_t)mf[i].filter;
		f->s = mf[i].s;
		f->len = mf[i].len;
		f->i = (uint32_t)mf[i].i;
		f->port = (int32_t)mf[i].port;
		f->kind = mf[i].kind == SB_MF_STRING ? SB_FACT_STRING :
		    mf[i].kind == SB_MF_INT ? SB_FACT_INT :
		    mf[i].kind == SB_MF_BOOL ? SB_FACT_BOOL : SB_FACT_NETWORK;
	}
	scratch = xmalloc(sizeof *scratch);
	if (sb_eval(&bin, &q, scratch, &v) != SB_EVAL_OK) {
		fprintf(stderr, "%s: the query could not be evaluated\n",
		    sb_progname());
		status = SB_EXIT_INPUT;
	} else if (o->json) {
		printf("{\"operation\": \"%s\", \"decision\": \"%s\", "
		    "\"flags\": \"0x%06x\", \"terminal\": %u, "
		    "\"assumed\": %s}\n", t->ops[op].name, v.deny ? "deny" :
		    "allow", v.flags, v.terminal, v.missing ? "true" : "false");
	} else {
		printf("%s", v.deny ? "deny" : "allow");
		/* a deny logs unless no-report cleared 0x4; an allow logs only
		** with report (FORMAT.md §4.3) */
		if (v.deny && !(v.flags & 0x4))
			printf(" (with no-report)");
		else if (!v.deny && (v.flags & 0x4))
			printf(" (with report)");
		for (k = 1; k < t->modifier_count; k++) {
			const struct sb_modifier_info *mi = &t->modifiers[k];
			if (!mi->name || mi->is_inline || !mi->flag ||
			    mi->flag == 0x4)
				continue;
			if ((v.flags & mi->mask) == mi->flag)
				printf(" (with %s)", mi->name);
		}
		if (v.inline_id && v.inline_id < t->modifier_count &&
		    t->modifiers[v.inline_id].name)
			inlinemod(t, &v);
		printf("\n  terminal node %u (flags 0x%06x)%s\n", v.terminal,
		    v.flags, v.missing ? "; a test had no value in the query" :
		    "");
	}
	free(scratch);
	sb_sources_free(&srcs);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sb_unit u;
	struct sb_mfact mfacts[MAXFACTS];
	struct sb_mquery q;
	struct sb_mresult r;
	struct sb_matcher *m;
	const char *opname, *arg;
	int status = SB_EXIT_OK, op;
	uint32_t i, n = 0;

	memset(&o, 0, sizeof o);
	o.color = SB_COLOR_AUTO;
	parseopts(&o, argc, argv);
	opname = argv[optind + 1];
	arg = argc - optind > 2 ? argv[optind + 2] : NULL;
	if (o.ninputs == 1 && endswith(o.inputs[0], ".bin")) {
		status = queryblob(&o, o.inputs[0], opname, arg);
		memset(&u, 0, sizeof u);
		sb_ctx_init(&u.ctx);
		goto out;
	}
	if (sb_compile(&u, &o.co, o.inputs, o.ninputs, SB_STAGE_EVAL) < 0) {
		status = u.io_error ? SB_EXIT_USAGE : SB_EXIT_INPUT;
		goto out;
	}
	op = sb_fact_findop(&u, opname);
	if (op < 0 || (unsigned)op >= u.target->op_count) {
		fprintf(stderr, "%s: '%s' is not an operation of %s%s\n",
		    sb_progname(), opname, u.target->name, op >= 0 ?
		    " that a profile can query (a message-filter operation)" :
		    "");
		status = SB_EXIT_INPUT;
		goto out;
	}
	if ((i = (uint32_t)facts(u.target, &o, (uint16_t)op, arg,
	    mfacts)) == (uint32_t)-1) {
		status = SB_EXIT_INPUT;
		goto out;
	}
	n = i;
	memset(&q, 0, sizeof q);
	q.op = (uint16_t)op;
	q.facts = mfacts;
	q.nfacts = n;
	m = sb_matcher_new(&u.ctx.arena, u.profile);
	sb_match(m, &q, &r);
	answer(&u, &o, (uint16_t)op, &r);
out:
	sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
	    sb_diag_want_color(stderr, o.color));
	sb_unit_free(&u);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: write error: %s\n", sb_progname(),
		    strerror(errno));
		status = SB_EXIT_USAGE;
	}
	sb_cli_compile_free(&o.co);
	free(o.inputs);
	free(o.args);
	return status;
}
