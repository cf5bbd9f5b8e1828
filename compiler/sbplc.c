/*
** sbplc: the SBPL compiler's command. This file owns option parsing and
** output; the stages live in lexer/, parser/ and compiler/.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/ctx.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "compiler/cpp.h"
#include "compiler/decompile.h"
#include "kext/bin.h"
#include "compiler/graph.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "lexer/lex.h"
#include "parser/cst.h"

enum dump { DUMP_NONE, DUMP_TOKENS, DUMP_CST, DUMP_SOURCE, DUMP_RULES,
	DUMP_GRAPH };

struct opts {
	enum dump dump;
	struct sb_options co;           /* what sb_compile() needs */
	const char **cppdefs;           /* --cpp-define values, owned array */
	enum sb_color color;
	enum sb_diag_style style;
	const char *output;             /* -o FILE */
	int decompile;                  /* --decompile */
	const char *rulemap;            /* --rule-map FILE */
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... FILE...\n"
	    "Compile Apple Sandbox Profile Language (SBPL) profiles.\n"
	    "\n"
	    "  -D NAME=VALUE          set parameter NAME, as (param \"NAME\") reads it\n"
	    "  -I DIR                 search DIR for imported files\n"
	    "  --entitlements=FILE    entitlements plist (or an app's Container.plist)\n"
	    "  --target=T             vocabulary and format: macos14 (default)\n"
	    "  -o, --output=FILE      write the compiled profile to FILE\n"
	    "  --rule-map=FILE        write the JSON map of terminals to rules\n"
	    "  --decompile            print a compiled FILE.bin as SBPL\n"
	    "  --report-all           add the report modifier to every allow\n"
	    "  --dump=STAGE           print a stage and stop: tokens, cst, source,\n"
	    "                         rules, graph (also of a compiled FILE.bin)\n"
	    "  --cpp                  run the C preprocessor first (.sb.in files)\n"
	    "  --cpp-define=NAME[=V]  define a preprocessor macro (with --cpp)\n"
	    "  --stdin-filename=NAME  name to show for '-' (standard input)\n"
	    "  --color=WHEN           colour diagnostics: auto, always, never\n"
	    "  --diagnostics-format=F text (default) or brief\n"
	    "  -h, --help             show this help and exit\n"
	    "  --version              show the version and exit\n"
	    "\n"
	    "Exit status: 0 success, 1 errors in the profile, 2 usage or I/O "
	    "errors.\n", sb_progname());
	exit(SB_EXIT_OK);
}

static void
addcppdef(struct opts *o, const char *d)
{
	o->cppdefs = xrealloc(o->cppdefs, (o->co.ncppdefs + 1) *
	    sizeof *o->cppdefs);
	o->cppdefs[o->co.ncppdefs++] = d;
	o->co.cppdefs = o->cppdefs;
}

static void
parseopts(struct opts *o, int argc, char **argv)
{
	enum { OPT_DUMP = 256, OPT_CPPDEF, OPT_STDIN, OPT_COLOR,
		OPT_DIAGFMT, OPT_VERSION, OPT_REPORTALL, OPT_RULEMAP,
		OPT_DECOMPILE };
	static const struct option longopts[] = {
		{ "rule-map", required_argument, NULL, OPT_RULEMAP },
		{ "decompile", no_argument, NULL, OPT_DECOMPILE },
		{ "output", required_argument, NULL, 'o' },
		{ "report-all", no_argument, NULL, OPT_REPORTALL },
		{ "dump", required_argument, NULL, OPT_DUMP },
		SB_COMPILE_LONGOPTS,
		{ "cpp-define", required_argument, NULL, OPT_CPPDEF },
		{ "stdin-filename", required_argument, NULL, OPT_STDIN },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "diagnostics-format", required_argument, NULL, OPT_DIAGFMT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hD:I:o:", longopts, NULL)) != -1) {
		if (sb_cli_compile_option(&o->co, c, optarg,
		    sb_cli_usage_error))
			continue;
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_RULEMAP:
			o->rulemap = optarg;
			break;
		case OPT_DECOMPILE:
			o->decompile = 1;
			break;
		case OPT_REPORTALL:
			o->co.report_all = 1;
			break;
		case OPT_DUMP:
			if (strcmp(optarg, "tokens") == 0)
				o->dump = DUMP_TOKENS;
			else if (strcmp(optarg, "cst") == 0)
				o->dump = DUMP_CST;
			else if (strcmp(optarg, "source") == 0)
				o->dump = DUMP_SOURCE;
			else if (strcmp(optarg, "rules") == 0)
				o->dump = DUMP_RULES;
			else if (strcmp(optarg, "graph") == 0)
				o->dump = DUMP_GRAPH;
			else
				sb_cli_usage_error("unknown stage '%s' for "
				    "--dump (tokens, cst, source, rules, graph)",
				    optarg);
			break;
		case OPT_CPPDEF:
			addcppdef(o, optarg);
			break;
		case OPT_STDIN:
			o->co.stdin_name = optarg;
			break;
		case OPT_COLOR:
			if ((v = sb_diag_parse_color(optarg)) < 0)
				sb_cli_usage_error("invalid argument '%s' for "
				    "--color (auto, always, never)", optarg);
			o->color = (enum sb_color)v;
			break;
		case OPT_DIAGFMT:
			if (strcmp(optarg, "text") == 0)
				o->style = SB_DIAG_TEXT;
			else if (strcmp(optarg, "brief") == 0)
				o->style = SB_DIAG_BRIEF;
			else
				sb_cli_usage_error("invalid argument '%s' for "
				    "--diagnostics-format (text, brief)", optarg);
			break;
		case 'h':
			usage();
		case OPT_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("%s", sb_cli_bad_option(argv, "hD:I:o:"));
		}
	}
	if (optind == argc)
		sb_cli_usage_error("no input file");
}

/* Print the tokens; -1 when an illegal one stopped the scan. */
static int
dumptokens(struct sb_ctx *ctx, uint32_t id, FILE *f)
{
	struct sb_source *s = sb_source_get(&ctx->sources, id);
	struct sb_lexer l;
	struct sb_token t;
	struct sb_pos pos;

	sb_lex_init(&l, s->text, s->len);
	do {
		t = sb_lex_next(&l);
		sb_source_pos(s, t.off, &pos);
		fprintf(f, "%u:%u %s", pos.line, pos.col, sb_token_name(t.code));
		if (t.len && t.code != TK_LP && t.code != TK_RP)
			fprintf(f, " %.*s", (int)t.len, s->text + t.off);
		fputc('\n', f);
	} while (t.code != TK_EOF && t.code != TK_ILLEGAL);
	return t.code == TK_ILLEGAL ? -1 : 0;
}

/* The per-file dumps: tokens, the tree, the tree printed back. */
static int
dumpfiles(struct opts *o, int argc, char **argv)
{
	struct sb_unit u;
	int status = SB_EXIT_OK, i;

	for (i = optind; i < argc && status == SB_EXIT_OK; i++) {
		const char *in = argv[i];
		struct sb_cst *cst;
		uint32_t src;

		if (o->dump == DUMP_TOKENS && !o->co.cpp) {
			int64_t id;
			memset(&u, 0, sizeof u);
			sb_ctx_init(&u.ctx);
			id = sb_source_read(&u.ctx.sources, in, o->co.stdin_name);
			if (id < 0) {
				fprintf(stderr, "%s: cannot read '%s': %s\n",
				    sb_progname(), in, strerror(errno));
				status = SB_EXIT_USAGE;
			} else if (dumptokens(&u.ctx, (uint32_t)id, stdout) < 0) {
				/* the scan stopped early: the reader says why */
				if (!sb_read(&u.ctx, (uint32_t)id))
					status = SB_EXIT_INPUT;
			}
			sb_diag_render(&u.ctx.diag, stderr, o->style,
			    sb_diag_want_color(stderr, o->color));
			sb_ctx_free(&u.ctx);
			continue;
		}
		if (sb_compile(&u, &o->co, &in, 1, SB_STAGE_READ) < 0) {
			status = u.io_error ? SB_EXIT_USAGE : SB_EXIT_INPUT;
		} else {
			cst = u.files[0];
			src = cst->src;
			if (o->dump == DUMP_TOKENS)
				dumptokens(&u.ctx, src, stdout);
			else if (o->dump == DUMP_CST)
				sb_cst_dump(&u.ctx, cst, stdout);
			else if (sb_cst_print(&u.ctx, cst, stdout) < 0) {
				fprintf(stderr, "%s: internal error: the tree "
				    "of '%s' does not cover its text\n",
				    sb_progname(), in);
				status = SB_EXIT_USAGE;
			}
		}
		sb_diag_render(&u.ctx.diag, stderr, o->style,
		    sb_diag_want_color(stderr, o->color));
		sb_unit_free(&u);
	}
	return status;
}

static void
jsonstr(struct sb_buf *b, const char *s)
{
	sb_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sb_buf_printf(b, "\\u%04x", (unsigned char)*s);
		else
			sb_buf_putc(b, *s);
	}
	sb_buf_putc(b, '"');
}

/*
** The rule map (DESIGN.md §2.6): for every terminal of the blob that
** stands for a rule, the rule's id, fingerprint and site.
*/
static int
writerulemap(struct sb_unit *u, const char *path)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_pos pos;
	uint32_t i, k;
	int first = 1, r;

	sb_buf_printf(&b, "{\"target\": \"%s\", \"blob_sha256\": \"",
	    u->target->name);
	for (i = 0; i < 32; i++)
		sb_buf_printf(&b, "%02x", u->blob_sha256[i]);
	sb_buf_puts(&b, "\", \"terminals\": [");
	for (k = 0; k < u->nnodes; k++) {
		const struct sb_rule *rule;
		struct sb_source *s;
		if (!u->rule_map[k])
			continue;
		rule = u->profile->rules[u->rule_map[k] - 1];
		s = sb_source_get(&u->ctx.sources, rule->site.src);
		memset(&pos, 0, sizeof pos);
		if (s)
			sb_source_pos(s, rule->site.off, &pos);
		sb_buf_printf(&b, "%s\n  {\"node\": %u, \"rule\": %u, "
		    "\"fingerprint\": \"%016llx\", \"file\": ", first ? "" : ",",
		    k, rule->id, (unsigned long long)rule->fingerprint);
		jsonstr(&b, pos.file ? pos.file : "");
		sb_buf_printf(&b, ", \"line\": %u, \"column\": %u}", pos.line,
		    pos.col);
		first = 0;
	}
	sb_buf_puts(&b, "\n]}\n");
	r = sb_write_atomic(path, b.data, b.len);
	sb_buf_free(&b);
	return r;
}

static int
decompileblob(struct opts *o, struct sb_ctx *ctx, struct sb_source *s)
{
	const struct sb_target *t = o->co.target ? o->co.target :
	    sb_graph_guess_target(s->text, s->len);
	struct sb_decode_opts dopts;
	struct sb_decode_error err;
	struct sb_graph *g;
	struct sb_bin bin;

	memset(&dopts, 0, sizeof dopts);
	dopts.target = t ? t : sb_target_default();
	if (sb_decode(&bin, s->text, s->len, &dopts, &err) < 0) {
		fprintf(stderr, "%s:%u: error: not a compiled profile: %s\n",
		    s->path, err.offset, err.msg);
		return SB_EXIT_INPUT;
	}
	if (!(g = sb_lift(&ctx->arena, &bin, 0, &ctx->diag)) ||
	    sb_decompile(g, stdout, &ctx->diag) < 0)
		return SB_EXIT_INPUT;
	return SB_EXIT_OK;
}

/* --dump=graph or --decompile of a compiled FILE.bin. */
static int
dumpblob(struct opts *o, const char *path)
{
	struct sb_ctx ctx;
	int64_t id;
	int status = SB_EXIT_OK;

	sb_ctx_init(&ctx);
	id = sb_source_read(&ctx.sources, path, NULL);
	if (id < 0) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", sb_progname(),
		    path, strerror(errno));
		status = SB_EXIT_USAGE;
	} else {
		struct sb_source *s = sb_source_get(&ctx.sources, (uint32_t)id);
		if (o->decompile)
			status = decompileblob(o, &ctx, s);
		else if (sb_graph_dump_blob(stdout, s->text, s->len,
		    o->co.target, &ctx.diag) < 0)
			status = SB_EXIT_INPUT;
	}
	sb_diag_render(&ctx.diag, stderr, o->style,
	    sb_diag_want_color(stderr, o->color));
	sb_ctx_free(&ctx);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sb_unit u;
	int status = SB_EXIT_OK;
	enum sb_stage stage;

	memset(&o, 0, sizeof o);
	o.color = SB_COLOR_AUTO;
	parseopts(&o, argc, argv);
	if (o.dump == DUMP_TOKENS || o.dump == DUMP_CST ||
	    o.dump == DUMP_SOURCE) {
		status = dumpfiles(&o, argc, argv);
		goto out;
	}
	if ((o.dump == DUMP_GRAPH || o.decompile) && argc - optind == 1) {
		status = dumpblob(&o, argv[optind]);
		goto out;
	}
	stage = o.dump == DUMP_RULES && !o.output && !o.rulemap ?
	    SB_STAGE_EVAL : SB_STAGE_EMIT;
	if (sb_compile(&u, &o.co, (const char *const *)argv + optind,
	    (uint32_t)(argc - optind), stage) < 0)
		status = u.io_error || u.internal_error ? SB_EXIT_USAGE :
		    SB_EXIT_INPUT;
	else if (o.dump == DUMP_RULES)
		sb_profile_dump(&u.ctx, u.profile, stdout);
	else if (o.dump == DUMP_GRAPH)
		sb_graph_dump(u.graph, stdout);
	if (status == SB_EXIT_OK && o.output &&
	    sb_write_atomic(o.output, u.blob, u.bloblen) < 0)
		status = SB_EXIT_USAGE;
	if (status == SB_EXIT_OK && o.rulemap && writerulemap(&u,
	    o.rulemap) < 0)
		status = SB_EXIT_USAGE;
	sb_diag_render(&u.ctx.diag, stderr, o.style,
	    sb_diag_want_color(stderr, o.color));
	sb_unit_free(&u);
out:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", sb_progname(),
		    strerror(errno));
		status = SB_EXIT_USAGE;
	}
	sb_cli_compile_free(&o.co);
	free(o.cppdefs);
	return status;
}
