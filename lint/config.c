/*
** Configuration (LINT.md §7.1, §7.3): the file found first among -c FILE,
** the nearest .sbpl-lint above the first input, $XDG_CONFIG_HOME/
** sbpl-lint/config and $(sysconfdir)/sbpl-lint.conf; then the command
** line's level changes in order. Unknown keys and ids are errors (exit 2),
** so a typo never silently checks nothing. Strings read here live until
** exit (they are referenced from the options).
*/
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "kext/target.h"
#include "lint/lint.h"

#ifndef SB_SYSCONFDIR
#define SB_SYSCONFDIR "/usr/local/etc"
#endif

int
sb_lint_apply_level(struct sb_lint_opts *o, const char *what, int kind,
    enum sb_lint_level level)
{
	int i, c = -1, any = 0;
	size_t n = strlen(what);

	if (strcmp(what, "all") != 0 && !(n == 1 && isupper((unsigned char)
	    what[0])) && (c = sb_lint_check_find(what, n)) < 0)
		return -1;
	for (i = 0; i < SB_NCHECKS; i++) {
		const struct sb_check_info *ci = &sb_lint_checks[i];
		if (c >= 0 ? i != c : n == 1 && ci->family != what[0])
			continue;
		any = 1;
		if (kind == 'e')
			o->levels[i] = ci->level != SB_LV_OFF ? ci->level :
			    SB_LV_NOTE;
		else if (kind == 'd')
			o->levels[i] = SB_LV_OFF;
		else
			o->levels[i] = level;
	}
	return any ? 0 : -1;
}

struct parse {
	const char *path;
	uint32_t line;
	char dir[PATH_MAX];
	int failed;
	/* [levels]: families first, then ids (specific over family) */
	struct lvl { char *what; enum sb_lint_level lv; uint32_t line; } *lv;
	uint32_t nlv;
};

static void
err(struct parse *p, uint32_t col, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s:%u:%u: error: ", p->path, p->line, col);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	p->failed = 1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	*e = 0;
	return s;
}

/* Cut a comment: '#' or ';' at the start or after white space. */
static void
uncomment(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((*p == '#' || *p == ';') && (p == s || p[-1] == ' ' ||
		    p[-1] == '\t')) {
			*p = 0;
			return;
		}
}

static void
push(struct sb_lint_opts *o, const char ***v, uint32_t *n, const char *s,
    int front)
{
	*v = sb_lint_realloc(o, *v, (*n + 1) * sizeof **v);
	if (front) {
		memmove(*v + 1, *v, *n * sizeof **v);
		(*v)[0] = s;
	} else {
		(*v)[*n] = s;
	}
	(*n)++;
}

static char *
relpath(struct parse *p, const char *v)
{
	struct sb_buf b = SB_BUF_INIT;

	if (v[0] == '/' || !p->dir[0])
		return xstrdup(v);
	sb_buf_printf(&b, "%s/%s", p->dir, v);
	return sb_buf_take(&b);
}

static void
toplevel(struct sb_lint_opts *o, struct parse *p, const char *k, char *v,
    const char **baseline)
{
	int lv;

	if (strcmp(k, "fail-level") == 0) {
		if (strcmp(v, "none") == 0)
			o->fail_level = SB_LV_OFF;
		else if ((lv = sb_lint_level_parse(v)) > 0)
			o->fail_level = (enum sb_lint_level)lv;
		else
			err(p, 1, "invalid fail-level '%s' (error, warning, "
			    "note, none)", v);
	} else if (strcmp(k, "target") == 0) {
		if (!o->co.target && !(o->co.target = sb_target_find(v,
		    strlen(v))))
			err(p, 1, "unknown target '%s'", v);
	} else if (strcmp(k, "define") == 0) {
		char *eq = strchr(v, '=');
		struct sb_define *d;
		if (!eq || eq == v) {
			err(p, 1, "define needs NAME=VALUE, got '%s'", v);
			return;
		}
		*eq = 0;
		d = sb_lint_own(o, xmalloc((o->co.nparams + 1) * sizeof *d));
		d[0].name = sb_lint_own(o, xstrdup(v));
		d[0].value = sb_lint_own(o, xstrdup(eq + 1));
		if (o->co.nparams)
			memcpy(d + 1, o->co.params, o->co.nparams * sizeof *d);
		o->co.params = d;
		o->co.nparams++;
	} else if (strcmp(k, "include") == 0) {
		const char **dirs = sb_lint_own(o, xmalloc((o->co.nincdirs + 1)
		    * sizeof *dirs));
		dirs[0] = sb_lint_own(o, relpath(p, v));
		if (o->co.nincdirs)
			memcpy(dirs + 1, o->co.incdirs, o->co.nincdirs *
			    sizeof *dirs);
		o->co.incdirs = dirs;
		o->co.nincdirs++;
	} else if (strcmp(k, "prelude") == 0) {
		push(o, &o->preludes, &o->npreludes, sb_lint_own(o,
		    relpath(p, v)), 1);
	} else if (strcmp(k, "assert") == 0) {
		push(o, &o->asserts, &o->nasserts, sb_lint_own(o,
		    relpath(p, v)), 0);
	} else if (strcmp(k, "baseline") == 0) {
		if (!*baseline)
			*baseline = sb_lint_own(o, relpath(p, v));
	} else if (strcmp(k, "require-reason") == 0) {
		if (strcmp(v, "yes") == 0)
			o->require_reason = 1;
		else if (strcmp(v, "no") == 0)
			o->require_reason = 0;
		else
			err(p, 1, "require-reason is 'yes' or 'no', got '%s'", v);
	} else {
		err(p, 1, "unknown key '%s'", k);
	}
}

static void
ignore(struct sb_lint_opts *o, struct parse *p, const char *k, char *v)
{
	int c = -1;
	char *g, *save = NULL;

	if (strcmp(k, "*") != 0 && (c = sb_lint_check_find(k, strlen(k))) < 0) {
		err(p, 1, "unknown check '%s' in [ignore]", k);
		return;
	}
	for (g = strtok_r(v, " \t,", &save); g; g = strtok_r(NULL, " \t,",
	    &save)) {
		o->ignores = sb_lint_realloc(o, o->ignores, (o->nignores + 1) *
		    sizeof *o->ignores);
		o->ignores[o->nignores].check = c;
		o->ignores[o->nignores].glob = sb_lint_own(o, xstrdup(g));
		o->ignores[o->nignores++].dir = sb_lint_own(o, xstrdup(p->dir[0]
		    ? p->dir : "."));
	}
}

static int
readfile(struct sb_lint_opts *o, const char *path, const char **baseline)
{
	FILE *f = fopen(path, "r");
	struct parse p;
	char line[4096], section[64] = "";
	const char *slash;
	uint32_t i;

	if (!f) {
		fprintf(stderr, "%s: cannot read configuration '%s': %s\n",
		    sb_progname(), path, strerror(errno));
		return -1;
	}
	memset(&p, 0, sizeof p);
	p.path = path;
	if ((slash = strrchr(path, '/')) != NULL)
		snprintf(p.dir, sizeof p.dir, "%.*s", (int)(slash - path), path);
	while (fgets(line, sizeof line, f)) {
		char *s, *eq, *k, *v;
		p.line++;
		uncomment(line);
		s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close) {
				err(&p, 1, "expected ']' to close '['%s", "");
				continue;
			}
			*close = 0;
			snprintf(section, sizeof section, "%s", s + 1);
			if (strcmp(section, "levels") && strcmp(section, "ignore") &&
			    strcmp(section, "sensitive-paths"))
				err(&p, 1, "unknown section '%s'", section);
			continue;
		}
		if (!(eq = strchr(s, '='))) {
			err(&p, 1, "expected 'key = value', got '%s'", s);
			continue;
		}
		*eq = 0;
		k = trim(s);
		v = trim(eq + 1);
		if (!section[0]) {
			toplevel(o, &p, k, v, baseline);
		} else if (strcmp(section, "levels") == 0) {
			int lv = sb_lint_level_parse(v);
			if (lv < 0)
				err(&p, 1, "invalid level '%s' (error, warning, "
				    "note, off)", v);
			else if (strcmp(k, "all") && !(strlen(k) == 1 &&
			    isupper((unsigned char)k[0])) &&
			    sb_lint_check_find(k, strlen(k)) < 0)
				err(&p, 1, "unknown check '%s'", k);
			else {
				p.lv = xrealloc(p.lv, (p.nlv + 1) * sizeof *p.lv);
				p.lv[p.nlv].what = xstrdup(k);
				p.lv[p.nlv].lv = (enum sb_lint_level)lv;
				p.lv[p.nlv++].line = p.line;
			}
		} else if (strcmp(section, "ignore") == 0) {
			ignore(o, &p, k, v);
		} else if (strcmp(section, "sensitive-paths") == 0) {
			if (strcmp(k, "read-write") && strcmp(k, "write")) {
				err(&p, 1, "unknown key '%s' in [sensitive-paths] "
				    "(read-write, write)", k);
				continue;
			}
			o->sens = sb_lint_realloc(o, o->sens, (o->nsens + 1) *
			    sizeof *o->sens);
			o->sens[o->nsens].path = sb_lint_own(o, xstrdup(v));
			o->sens[o->nsens++].write_only = strcmp(k, "write") == 0;
		}
	}
	fclose(f);
	/* "all", then family letters, then ids: specific over general */
	for (i = 0; i < p.nlv; i++)
		if (strcmp(p.lv[i].what, "all") == 0)
			sb_lint_apply_level(o, p.lv[i].what, 'l', p.lv[i].lv);
	for (i = 0; i < p.nlv; i++)
		if (strlen(p.lv[i].what) == 1)
			sb_lint_apply_level(o, p.lv[i].what, 'l', p.lv[i].lv);
	for (i = 0; i < p.nlv; i++) {
		if (strlen(p.lv[i].what) > 1 && strcmp(p.lv[i].what, "all"))
			sb_lint_apply_level(o, p.lv[i].what, 'l', p.lv[i].lv);
		free(p.lv[i].what);
	}
	free(p.lv);
	for (i = 0; i < SB_NCHECKS; i++)
		if (o->levels[i] != sb_lint_checks[i].level)
			o->origin[i] = path;
	return p.failed ? -1 : 0;
}

static int
exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The configuration file to read, or NULL for none. */
static const char *
find(const char *first_input, char *buf, size_t size)
{
	char dir[PATH_MAX];
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *slash;

	if (first_input && strcmp(first_input, "-") != 0 &&
	    realpath(first_input, dir)) {
		while ((slash = strrchr(dir, '/')) != NULL) {
			*slash = 0;
			snprintf(buf, size, "%s/.sbpl-lint", dir);
			if (exists(buf))
				return buf;
			if (slash == dir)
				break;
		}
	}
	if (xdg && *xdg)
		snprintf(buf, size, "%s/sbpl-lint/config", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.config/sbpl-lint/config", home);
	else
		buf[0] = 0;
	if (buf[0] && exists(buf))
		return buf;
	snprintf(buf, size, "%s/sbpl-lint.conf", SB_SYSCONFDIR);
	return exists(buf) ? buf : NULL;
}

static void
print(const struct sb_lint_opts *o, const char *file, const char *baseline)
{
	uint32_t i;

	printf("# configuration: %s\n", file ? file : "(none)");
	printf("fail-level = %s\n", o->fail_level == SB_LV_OFF ? "none" :
	    sb_lint_level_name(o->fail_level));
	printf("require-reason = %s\n", o->require_reason ? "yes" : "no");
	for (i = 0; i < o->co.nparams; i++)
		printf("define = %s=%s\n", o->co.params[i].name,
		    o->co.params[i].value);
	for (i = 0; i < o->co.nincdirs; i++)
		printf("include = %s\n", o->co.incdirs[i]);
	for (i = 0; i < o->npreludes; i++)
		printf("prelude = %s\n", o->preludes[i]);
	for (i = 0; i < o->nasserts; i++)
		printf("assert = %s\n", o->asserts[i]);
	if (baseline)
		printf("baseline = %s\n", baseline);
	printf("\n[levels]\n");
	for (i = 0; i < SB_NCHECKS; i++)
		printf("%s = %s    # %s %s\n", sb_lint_checks[i].id,
		    sb_lint_level_name(o->levels[i]), sb_lint_checks[i].name,
		    o->origin[i] ? o->origin[i] : "(default)");
	if (o->nignores)
		printf("\n[ignore]\n");
	for (i = 0; i < o->nignores; i++)
		printf("%s = %s\n", o->ignores[i].check < 0 ? "*" :
		    sb_lint_checks[o->ignores[i].check].id, o->ignores[i].glob);
	if (o->nsens)
		printf("\n[sensitive-paths]\n");
	for (i = 0; i < o->nsens; i++)
		printf("%s = %s\n", o->sens[i].write_only ? "write" :
		    "read-write", o->sens[i].path);
}

int
sb_lint_configure(struct sb_lint_opts *o, const char *config, int no_config,
    const char *first_input, const struct sb_level_op *ops, uint32_t nops,
    int printit, const char *cli_baseline, const char **baseline_out)
{
	static char buf[PATH_MAX + 64];
	const char *file = NULL, *baseline = cli_baseline;
	uint32_t i;

	if (config)
		file = config;
	else if (!no_config)
		file = find(first_input, buf, sizeof buf);
	if (file && readfile(o, file, &baseline) < 0)
		return -1;
	for (i = 0; i < nops; i++) {
		int c;
		if (sb_lint_apply_level(o, ops[i].what, ops[i].kind,
		    ops[i].level) < 0) {
			fprintf(stderr, "%s: unknown check '%s'\n",
			    sb_progname(), ops[i].what);
			return -1;
		}
		c = sb_lint_check_find(ops[i].what, strlen(ops[i].what));
		if (c >= 0)
			o->origin[c] = "command line";
	}
	*baseline_out = baseline;
	if (printit)
		print(o, file, baseline);
	return 0;
}
