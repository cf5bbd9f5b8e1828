/*
** sbpl-lint: the command (LINT.md §6). This file owns option parsing, the
** configuration and baseline steps, choosing the output format and the
** exit status; lint.c runs the checks.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "compiler/cliopts.h"
#include "kext/target.h"
#include "lint/coverage_source.h"
#include "lint/lint.h"

enum format { FMT_TEXT, FMT_BRIEF, FMT_JSON, FMT_SARIF, FMT_GITHUB,
	FMT_JUNIT };

struct cmd {
	struct sb_lint_opts o;
	enum format format;
	const char *output;
	const char *config;
	int no_config, print_config, list_checks;
	const char *describe;
	const char *baseline, *write_baseline;
	struct sb_level_op *ops;
	uint32_t nops;
	struct sb_emit_opts eo;
	enum sb_color color;
	const char **paths;
	uint32_t npaths;
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... FILE...\n"
	    "Check Apple Sandbox Profile Language (SBPL) profiles.\n"
	    "\n"
	    "  --format=FMT           text (default), brief, json, sarif, github, junit\n"
	    "  -o FILE                write findings to FILE ('-': stdout)\n"
	    "  --fail-level=LEVEL     error, warning (default), note or none\n"
	    "  --enable=ID[,ID...]    enable checks (ids, names, family letters, all)\n"
	    "  --disable=ID[,ID...]   disable checks\n"
	    "  --level=ID=LEVEL       set one check's level (error, warning, note, off)\n"
	    "  -c FILE, --no-config   configuration file, or none\n"
	    "  --print-config         print the effective configuration and exit\n"
	    "  --baseline=FILE        hide findings recorded in FILE\n"
	    "  --write-baseline=FILE  record the current findings in FILE\n"
	    "  --assert=FILE          never-allow / must-allow assertions (A1)\n"
	    "  --strict-assertions    an undecidable assertion is an error\n"
	    "  --no-new-access=OLD.sb report access OLD.sb did not allow (A2)\n"
	    "  --unused=coverage.db   rules unused in recorded runs (C1, C2)\n"
	    "  --remap, --min-runs=N  coverage options (--remap is the default)\n"
	    "  --no-remap             do not carry coverage over by fingerprint\n"
	    "  --remap-from=NAME      carry coverage from the versions of NAME\n"
	    "                         (a renamed profile)\n"
	    "  --explain              witnesses, covers and exceptions\n"
	    "  --max-witnesses=N      witnesses printed with --explain (3)\n"
	    "  --assume=FACT=VALUE    fix an opaque fact (entitlement:KEY=true)\n"
	    "  --symbolic-params      unset parameters become placeholders\n"
	    "  --home-param=NAME      parameter NAME holds the home directory\n"
	    "  --prelude=FILE         context evaluated before each input\n"
	    "  --fragment             inputs are fragments (no version, no default)\n"
	    "  --lint-imports         locate findings inside imported files\n"
	    "  -D NAME=VALUE, -I DIR, --target=T,\n"
	    "  --entitlements=FILE, --cpp    as sbplc\n"
	    "  --also-target=T        T6: report names unknown on target T\n"
	    "                         (repeatable): %s\n"
	    "  --stdin-filename=NAME  name used for '-'\n"
	    "  --show-suppressed      print suppressed findings too\n"
	    "  --sarif-category=NAME, --sarif-root=DIR, --sarif-suppressions\n"
	    "  --list-checks          print the check catalogue\n"
	    "  --describe=ID          print one check's description\n"
	    "  --color=WHEN           auto, always, never\n"
	    "  -h, --help             show this help and exit\n"
	    "  --version              show the version and exit\n"
	    "\n"
	    "Exit status: 0 no finding at or above --fail-level, 1 such findings,\n"
	    "2 usage, configuration, input or internal errors.\n",
	    sb_progname(), sb_lint_names_known());
	exit(SB_EXIT_OK);
}

static void
push(struct cmd *c, const char ***v, uint32_t *n, const char *s)
{
	*v = sb_lint_realloc(&c->o, *v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void
levelop(struct cmd *c, int kind, char *list)
{
	char *save = NULL, *w;
	int lv = 0;

	if (kind == 'l') {
		char *eq = strrchr(list, '=');
		if (!eq || (lv = sb_lint_level_parse(eq + 1)) < 0)
			sb_cli_usage_error("--level needs ID=LEVEL (error, "
			    "warning, note, off), got '%s'", list);
		*eq = 0;
	}
	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",",
	    &save)) {
		c->ops = sb_lint_realloc(&c->o, c->ops, (c->nops + 1) *
		    sizeof *c->ops);
		c->ops[c->nops].kind = kind;
		c->ops[c->nops].what = w;
		c->ops[c->nops++].level = (enum sb_lint_level)lv;
	}
}

static long
number(const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 0)
		sb_cli_usage_error("%s needs a number, got '%s'", opt, s);
	return v;
}

static void
parseopts(struct cmd *c, int argc, char **argv)
{
	enum { O_FORMAT = 256, O_FAIL, O_ENABLE, O_DISABLE, O_LEVEL, O_NOCONF,
		O_PRINTCONF, O_BASE, O_WBASE, O_ASSERT, O_STRICT, O_NNA,
		O_UNUSED, O_REMAP, O_NOREMAP, O_REMAPFROM, O_MINRUNS, O_EXPLAIN, O_MAXW, O_ASSUME,
		O_SYMB, O_HOME, O_PRELUDE, O_FRAG, O_LIMP, O_ALSO,
		O_STDIN, O_SHOWSUP, O_SCAT, O_SROOT, O_SSUP,
		O_LIST, O_DESCRIBE, O_COLOR, O_VERSION };
	static const struct option lo[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-level", required_argument, NULL, O_FAIL },
		{ "enable", required_argument, NULL, O_ENABLE },
		{ "disable", required_argument, NULL, O_DISABLE },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "no-config", no_argument, NULL, O_NOCONF },
		{ "print-config", no_argument, NULL, O_PRINTCONF },
		{ "baseline", required_argument, NULL, O_BASE },
		{ "write-baseline", required_argument, NULL, O_WBASE },
		{ "assert", required_argument, NULL, O_ASSERT },
		{ "strict-assertions", no_argument, NULL, O_STRICT },
		{ "no-new-access", required_argument, NULL, O_NNA },
		{ "unused", required_argument, NULL, O_UNUSED },
		{ "remap", no_argument, NULL, O_REMAP },
		{ "no-remap", no_argument, NULL, O_NOREMAP },
		{ "remap-from", required_argument, NULL, O_REMAPFROM },
		{ "min-runs", required_argument, NULL, O_MINRUNS },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "max-witnesses", required_argument, NULL, O_MAXW },
		{ "assume", required_argument, NULL, O_ASSUME },
		{ "symbolic-params", no_argument, NULL, O_SYMB },
		{ "home-param", required_argument, NULL, O_HOME },
		{ "prelude", required_argument, NULL, O_PRELUDE },
		{ "fragment", no_argument, NULL, O_FRAG },
		{ "lint-imports", no_argument, NULL, O_LIMP },
		SB_COMPILE_LONGOPTS,
		{ "also-target", required_argument, NULL, O_ALSO },
		{ "stdin-filename", required_argument, NULL, O_STDIN },
		{ "show-suppressed", no_argument, NULL, O_SHOWSUP },
		{ "sarif-category", required_argument, NULL, O_SCAT },
		{ "sarif-root", required_argument, NULL, O_SROOT },
		{ "sarif-suppressions", no_argument, NULL, O_SSUP },
		{ "list-checks", no_argument, NULL, O_LIST },
		{ "describe", required_argument, NULL, O_DESCRIBE },
		{ "color", required_argument, NULL, O_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "text", "brief", "json", "sarif",
		"github", "junit" };
	uint32_t i;
	char *eq;
	int opt, v;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hD:I:o:c:", lo, NULL)) != -1) {
		if (sb_cli_compile_option(&c->o.co, opt, optarg,
		    sb_cli_usage_error))
			continue;
		switch (opt) {
		case O_FORMAT:
			for (i = 0; i < countof(formats) &&
			    strcmp(formats[i], optarg); i++)
				;
			if (i == countof(formats))
				sb_cli_usage_error("unknown format '%s' (text, "
				    "brief, json, sarif, github, junit)", optarg);
			c->format = (enum format)i;
			break;
		case 'o':
			c->output = optarg;
			break;
		case O_FAIL:
			if (strcmp(optarg, "none") == 0)
				c->o.fail_level = SB_LV_OFF;
			else if ((v = sb_lint_level_parse(optarg)) > 0)
				c->o.fail_level = (enum sb_lint_level)v;
			else
				sb_cli_usage_error("invalid --fail-level '%s' "
				    "(error, warning, note, none)", optarg);
			break;
		case O_ENABLE:
			levelop(c, 'e', optarg);
			break;
		case O_DISABLE:
			levelop(c, 'd', optarg);
			break;
		case O_LEVEL:
			levelop(c, 'l', optarg);
			break;
		case 'c':
			c->config = optarg;
			break;
		case O_NOCONF:
			c->no_config = 1;
			break;
		case O_PRINTCONF:
			c->print_config = 1;
			break;
		case O_BASE:
			c->baseline = optarg;
			break;
		case O_WBASE:
			c->write_baseline = optarg;
			break;
		case O_ASSERT:
			push(c, &c->o.asserts, &c->o.nasserts, optarg);
			break;
		case O_STRICT:
			c->o.strict_assertions = 1;
			break;
		case O_NNA:
			c->o.no_new_access = optarg;
			break;
		case O_UNUSED:
			c->o.unused = optarg;
			break;
		case O_REMAP:           /* the default; kept for old scripts */
			c->o.remap = 1;
			break;
		case O_NOREMAP:
			c->o.remap = 0;
			break;
		case O_REMAPFROM:
			c->o.remap_from = optarg;
			break;
		case O_MINRUNS:
			c->o.min_runs = (uint32_t)number("--min-runs", optarg);
			break;
		case O_EXPLAIN:
			c->o.explain = 1;
			break;
		case O_MAXW:
			c->o.max_witnesses = (uint32_t)number("--max-witnesses",
			    optarg);
			break;
		case O_ASSUME:
			if (!(eq = strrchr(optarg, '=')) || (strcmp(eq + 1,
			    "true") && strcmp(eq + 1, "false")))
				sb_cli_usage_error("--assume needs FACT=true or "
				    "FACT=false, got '%s'", optarg);
			*eq = 0;
			c->o.assume = sb_lint_realloc(&c->o, c->o.assume,
			    (c->o.nassume + 1) * sizeof *c->o.assume);
			c->o.assume[c->o.nassume].fact = optarg;
			c->o.assume[c->o.nassume++].value = eq[1] == 't';
			break;
		case O_SYMB:
			c->o.symbolic_params = 1;
			break;
		case O_HOME:
			push(c, &c->o.home_params, &c->o.nhome_params, optarg);
			break;
		case O_PRELUDE:
			push(c, &c->o.preludes, &c->o.npreludes, optarg);
			break;
		case O_FRAG:
			c->o.fragment = 1;
			break;
		case O_LIMP:
			c->o.lint_imports = 1;
			break;
		case O_ALSO:
			if (!sb_lint_names_find(optarg))
				sb_cli_usage_error("unknown target '%s' for "
				    "--also-target (%s)", optarg,
				    sb_lint_names_known());
			push(c, &c->o.also_targets, &c->o.nalso_targets, optarg);
			break;
		case O_STDIN:
			c->o.co.stdin_name = optarg;
			break;
		case O_SHOWSUP:
			c->eo.show_suppressed = 1;
			break;
		case O_SCAT:
			c->eo.sarif_category = optarg;
			break;
		case O_SROOT:
			c->eo.sarif_root = optarg;
			break;
		case O_SSUP:
			c->eo.sarif_suppressions = 1;
			break;
		case O_LIST:
			c->list_checks = 1;
			break;
		case O_DESCRIBE:
			c->describe = optarg;
			break;
		case O_COLOR:
			if ((v = sb_diag_parse_color(optarg)) < 0)
				sb_cli_usage_error("invalid argument '%s' for "
				    "--color (auto, always, never)", optarg);
			c->color = (enum sb_color)v;
			break;
		case 'h':
			usage();
		case O_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("%s", sb_cli_bad_option(argv, "hD:I:o:c:"));
		}
	}
	for (; optind < argc; optind++)
		push(c, &c->paths, &c->npaths, argv[optind]);
	if (c->npaths == 0 && !c->list_checks && !c->describe &&
	    !c->print_config)
		sb_cli_usage_error("no input file");
}

static int
describe(const char *what)
{
	int k = sb_lint_check_find(what, strlen(what));
	const struct sb_check_info *c;

	if (k < 0) {
		fprintf(stderr, "%s: unknown check '%s'\n", sb_progname(), what);
		return SB_EXIT_USAGE;
	}
	c = &sb_lint_checks[k];
	printf("%s %s\n  family: %s\n  default level: %s\n", c->id, c->name,
	    sb_lint_family_name(c->family), sb_lint_level_name(c->level));
	if (c->severity)
		printf("  security severity: %s\n", c->severity);
	printf("  %s\n  See LINT.md section 3 and sbpl-lint(1).\n", c->summary);
	return SB_EXIT_OK;
}

static void
summary(const struct sb_lint *L)
{
	uint32_t counts[4], sup, base;
	uint32_t unmatched = L->nfiles ? L->files[0].baseline_unmatched : 0;

	uint32_t i;

	for (i = 0; i < L->nfiles; i++)
		if (L->files[i].toobig)
			fprintf(stderr, "%s: %s: %u rules, more than %u: "
			    "redundancy, security and assertion checks were "
			    "not run\n", sb_progname(), L->files[i].path,
			    L->files[i].toobig, SB_LINT_MAX_RULES);
	for (i = 0; i < L->nfiles; i++)
		if (L->files[i].comparison_text)
			fprintf(stderr, "%s: %s\n", sb_progname(),
			    L->files[i].comparison_text);
	sb_lint_counts(L, counts, &sup, &base);
	fprintf(stderr, "%s: %u error%s, %u warning%s, %u note%s (%u "
	    "suppressed, %u in baseline)\n", sb_progname(),
	    counts[SB_LV_ERROR], counts[SB_LV_ERROR] == 1 ? "" : "s",
	    counts[SB_LV_WARNING], counts[SB_LV_WARNING] == 1 ? "" : "s",
	    counts[SB_LV_NOTE], counts[SB_LV_NOTE] == 1 ? "" : "s", sup, base);
	if (unmatched)
		fprintf(stderr, "%s: %u baseline entr%s no longer match\n",
		    sb_progname(), unmatched, unmatched == 1 ? "y" : "ies");
}

static int
emit(struct cmd *c, struct sb_lint *L)
{
	FILE *out = stdout;
	int r = 0;

	if (c->output && strcmp(c->output, "-") != 0 &&
	    !(out = fopen(c->output, "w"))) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", sb_progname(),
		    c->output, strerror(errno));
		return -1;
	}
	c->eo.color = sb_diag_want_color(out, c->color);
	switch (c->format) {
	case FMT_TEXT:
	case FMT_BRIEF:
		c->eo.brief = c->format == FMT_BRIEF;
		sb_lint_emit_text(L, out, &c->eo);
		break;
	case FMT_JSON:
		sb_lint_emit_json(L, out, &c->eo);
		break;
	case FMT_SARIF:
		sb_lint_emit_sarif(L, out, &c->eo);
		break;
	case FMT_GITHUB:
		sb_lint_emit_github(L, out, &c->eo);
		break;
	case FMT_JUNIT:
		r = sb_lint_emit_junit(L, out, &c->eo);
		break;
	}
	if (fflush(out) != 0 || ferror(out))
		r = -1;
	if (out != stdout)
		fclose(out);
	if (r < 0)
		fprintf(stderr, "%s: write error\n", sb_progname());
	return r;
}

int
main(int argc, char **argv)
{
	struct cmd c;
	struct sb_lint L;
	const char *baseline = NULL;
	int status, ran = 0;

	memset(&c, 0, sizeof c);
	memset(&L, 0, sizeof L);
	sb_lint_opts_init(&c.o);
	c.o.cov = sb_lint_cov_binding();
	c.color = SB_COLOR_AUTO;
	parseopts(&c, argc, argv);
	if (c.describe) {
		status = describe(c.describe);
		goto out;
	}
	if (sb_lint_configure(&c.o, c.config, c.no_config, c.npaths ?
	    c.paths[0] : NULL, c.ops, c.nops, c.print_config, c.baseline,
	    &baseline) < 0) {
		status = SB_EXIT_USAGE;
		goto out;
	}
	status = SB_EXIT_OK;
	if (c.print_config)
		goto out;
	if (c.list_checks) {
		sb_lint_list_checks(&c.o, stdout, c.format == FMT_JSON);
		goto out;
	}
	ran = 1;
	status = SB_EXIT_USAGE;
	if (sb_lint_run(&L, &c.o, c.paths, c.npaths) < 0)
		goto out;
	if (baseline && sb_lint_baseline_apply(&L, baseline) < 0)
		goto out;
	if (c.write_baseline && sb_lint_baseline_write(&L,
	    c.write_baseline) < 0) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", sb_progname(),
		    c.write_baseline, strerror(errno));
		goto out;
	}
	status = emit(&c, &L) < 0 ? SB_EXIT_USAGE : sb_lint_status(&L);
	summary(&L);
out:
	if (ran)
		sb_lint_free(&L);
	sb_cli_compile_free(&c.o.co);
	sb_lint_opts_free(&c.o);
	return status;
}
