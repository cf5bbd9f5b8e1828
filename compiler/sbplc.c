/*
** sbplc: the SBPL compiler's command. This file owns option parsing and
** output; the stages live in lexer/, parser/ and compiler/.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/ctx.h"
#include "compiler/cpp.h"
#include "lexer/lex.h"
#include "parser/cst.h"

enum dump { DUMP_NONE, DUMP_TOKENS, DUMP_CST, DUMP_SOURCE };

struct opts {
	enum dump dump;
	int cpp;                        /* --cpp */
	const char **cppdefs;           /* --cpp-define values */
	size_t ncppdefs;
	const char *stdin_name;         /* --stdin-filename */
	enum sb_color color;
	enum sb_diag_style style;
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... FILE...\n"
	    "Compile Apple Sandbox Profile Language (SBPL) profiles.\n"
	    "\n"
	    "  --dump=STAGE           print a stage and stop: tokens, cst, source\n"
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
	o->cppdefs = xrealloc(o->cppdefs, (o->ncppdefs + 1) *
	    sizeof *o->cppdefs);
	o->cppdefs[o->ncppdefs++] = d;
}

static void
parseopts(struct opts *o, int argc, char **argv)
{
	enum { OPT_DUMP = 256, OPT_CPP, OPT_CPPDEF, OPT_STDIN, OPT_COLOR,
		OPT_DIAGFMT, OPT_VERSION };
	static const struct option longopts[] = {
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "cpp", no_argument, NULL, OPT_CPP },
		{ "cpp-define", required_argument, NULL, OPT_CPPDEF },
		{ "stdin-filename", required_argument, NULL, OPT_STDIN },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "diagnostics-format", required_argument, NULL, OPT_DIAGFMT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DUMP:
			if (strcmp(optarg, "tokens") == 0)
				o->dump = DUMP_TOKENS;
			else if (strcmp(optarg, "cst") == 0)
				o->dump = DUMP_CST;
			else if (strcmp(optarg, "source") == 0)
				o->dump = DUMP_SOURCE;
			else
				sb_cli_usage_error("unknown stage '%s' for "
				    "--dump (tokens, cst, source)", optarg);
			break;
		case OPT_CPP:
			o->cpp = 1;
			break;
		case OPT_CPPDEF:
			addcppdef(o, optarg);
			break;
		case OPT_STDIN:
			o->stdin_name = optarg;
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
			sb_cli_usage_error("invalid option");
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

static int64_t
load(struct sb_ctx *ctx, const struct opts *o, const char *path)
{
	int64_t id;

	if (o->cpp)
		return sb_cpp_source(ctx, path, o->cppdefs, o->ncppdefs);
	id = sb_source_read(&ctx->sources, path, o->stdin_name);
	if (id < 0)
		fprintf(stderr, "%s: cannot read '%s': %s\n", sb_progname(),
		    path, errno == EFBIG ? "file larger than 16 MiB" :
		    strerror(errno));
	return id;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sb_ctx ctx;
	int status = SB_EXIT_OK, i;

	o.color = SB_COLOR_AUTO;
	parseopts(&o, argc, argv);
	sb_ctx_init(&ctx);
	for (i = optind; i < argc && status == SB_EXIT_OK; i++) {
		int64_t id = load(&ctx, &o, argv[i]);
		struct sb_cst *cst;

		if (id < 0) {
			status = o.cpp ? SB_EXIT_INPUT : SB_EXIT_USAGE;
			break;
		}
		if (o.dump == DUMP_TOKENS &&
		    dumptokens(&ctx, (uint32_t)id, stdout) == 0)
			continue;
		/* a token dump that stopped early: the reader says why */
		cst = sb_read(&ctx, (uint32_t)id);
		if (!cst) {
			status = SB_EXIT_INPUT;
			break;
		}
		if (o.dump == DUMP_TOKENS)
			continue;
		if (o.dump == DUMP_CST)
			sb_cst_dump(&ctx, cst, stdout);
		else if (o.dump == DUMP_SOURCE && sb_cst_print(&ctx, cst,
		    stdout) < 0) {
			fprintf(stderr, "%s: internal error: the tree of '%s' "
			    "does not cover its text\n", sb_progname(), argv[i]);
			status = SB_EXIT_USAGE;
		}
	}
	sb_diag_render(&ctx.diag, stderr, o.style,
	    sb_diag_want_color(stderr, o.color));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", sb_progname(),
		    strerror(errno));
		status = SB_EXIT_USAGE;
	}
	sb_ctx_free(&ctx);
	free(o.cppdefs);
	return status;
}
