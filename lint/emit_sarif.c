/*
** SARIF 2.1.0 output (LINT.md §5.4): the subset GitHub code scanning reads,
** filled completely: the rule metadata of every enabled check in
** checks.def order, one location per result relative to --sarif-root,
** related locations, and our finding fingerprint as
** primaryLocationLineHash (with ":1") and sbplLintFingerprint/v1.
*/
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json_write.h"
#include "lint/lint.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"

struct ctx {
	char root[PATH_MAX];            /* absolute, no trailing slash */
	int ruleindex[SB_NCHECKS];      /* -1 when the check is off */
};

static const char *
precision(const struct sb_check_info *c)
{
	if (c->family == 'E')
		return "high";
	if (c->family == 'C' || strcmp(c->id, "R8") == 0)
		return "medium";
	return "very-high";
}

static const char *
sarif_level(enum sb_lint_level lv)
{
	return lv == SB_LV_ERROR ? "error" : lv == SB_LV_WARNING ? "warning" :
	    "note";
}

static void
rule(struct sb_jw *w, const struct sb_check_info *c, enum sb_lint_level lv)
{
	char buf[1024];

	sb_jw_obj(w);
	sb_jw_kstr(w, "id", c->id);
	sb_jw_kstr(w, "name", c->name);
	sb_jw_key(w, "shortDescription");
	sb_jw_obj(w);
	sb_jw_kstr(w, "text", c->summary);
	sb_jw_end(w, '}');
	sb_jw_key(w, "fullDescription");
	sb_jw_obj(w);
	snprintf(buf, sizeof buf, "%s %s (%s): %s.", c->id, c->name,
	    sb_lint_family_name(c->family), c->summary);
	sb_jw_kstr(w, "text", buf);
	sb_jw_end(w, '}');
	sb_jw_key(w, "help");
	sb_jw_obj(w);
	snprintf(buf, sizeof buf, "%s %s: %s. See sbpl-lint(1) and LINT.md "
	    "section 3, check %s.", c->id, c->name, c->summary, c->id);
	sb_jw_kstr(w, "text", buf);
	snprintf(buf, sizeof buf, "**%s %s** (%s, default level %s)\n\n%s.\n\n"
	    "See `sbpl-lint(1)` and LINT.md section 3, check %s.", c->id,
	    c->name, sb_lint_family_name(c->family),
	    sb_lint_level_name(c->level), c->summary, c->id);
	sb_jw_kstr(w, "markdown", buf);
	sb_jw_end(w, '}');
	sb_jw_key(w, "defaultConfiguration");
	sb_jw_obj(w);
	sb_jw_kstr(w, "level", sarif_level(lv));
	sb_jw_end(w, '}');
	sb_jw_key(w, "properties");
	sb_jw_obj(w);
	sb_jw_key(w, "tags");
	sb_jw_arr(w);
	sb_jw_str(w, sb_lint_family_name(c->family));
	if (c->family == 'A')
		sb_jw_str(w, "security");
	sb_jw_end(w, ']');
	sb_jw_kstr(w, "precision", precision(c));
	sb_jw_kstr(w, "problem.severity", lv == SB_LV_NOTE ? "recommendation" :
	    sarif_level(lv));
	if (c->severity)
		sb_jw_kstr(w, "security-severity", c->severity);
	sb_jw_end(w, '}');
	sb_jw_end(w, '}');
}

/* FILE as a URI relative to the root, percent-encoded; 1 when relative. */
static int
uri(const struct ctx *x, const char *file, struct sb_buf *b)
{
	char abs[PATH_MAX];
	const char *p = file;
	size_t n = strlen(x->root);
	int rel = 1;

	if (file[0] != '/') {
		if (!getcwd(abs, sizeof abs))
			abs[0] = 0;
		if (strlen(abs) + strlen(file) + 2 < sizeof abs) {
			strcat(abs, "/");
			strcat(abs, file);
		}
		p = abs;
	}
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (strncmp(p, x->root, n) == 0 && p[n] == '/') {
		p += n + 1;
	} else {
		rel = 0;
		sb_buf_puts(b, "file://");
	}
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) || strchr("-._~/", c))
			sb_buf_putc(b, (char)c);
		else
			sb_buf_printf(b, "%%%02X", c);
	}
	return rel;
}

static void
physical(struct sb_jw *w, const struct ctx *x, const struct sb_lint_file *F,
    struct sb_span span, const char *fallback)
{
	struct sb_source *s = sb_source_get(&F->unit.ctx.sources, span.src);
	struct sb_buf b = SB_BUF_INIT;
	struct sb_pos p;
	int rel;

	sb_jw_key(w, "physicalLocation");
	sb_jw_obj(w);
	sb_jw_key(w, "artifactLocation");
	sb_jw_obj(w);
	if (span.src != SB_NOSRC && s)
		sb_source_pos(s, span.off, &p);
	rel = uri(x, span.src != SB_NOSRC && s ? p.file : fallback, &b);
	sb_jw_kstr(w, "uri", b.data ? b.data : "");
	if (rel)
		sb_jw_kstr(w, "uriBaseId", "%SRCROOT%");
	sb_jw_end(w, '}');
	if (span.src != SB_NOSRC && s) {
		sb_jw_key(w, "region");
		sb_jw_obj(w);
		sb_jw_kint(w, "startLine", p.line);
		sb_jw_kint(w, "startColumn", p.cpcol);
		sb_source_pos(s, span.off + span.len, &p);
		sb_jw_kint(w, "endLine", p.line);
		sb_jw_kint(w, "endColumn", p.cpcol);
		sb_jw_end(w, '}');
	}
	sb_jw_end(w, '}');
	sb_buf_free(&b);
}

/* "Capitalised, with a full stop." and links to related locations. */
static void
message(struct sb_buf *b, const struct sb_finding *f)
{
	uint32_t i, n = f->nnotes < 10 ? f->nnotes : 10;

	sb_buf_puts(b, f->msg);
	if (b->len && islower((unsigned char)b->data[0]))
		b->data[0] = (char)toupper((unsigned char)b->data[0]);
	if (b->len && b->data[b->len - 1] != '.')
		sb_buf_putc(b, '.');
	for (i = 0; i < n; i++)
		sb_buf_printf(b, "%s[%s](%u)%s", i ? ", " : " See ",
		    f->notes[i].msg, i + 1, i + 1 == n ? "." : "");
}

static void
result(struct sb_jw *w, const struct ctx *x, const struct sb_lint_file *F,
    const struct sb_finding *f)
{
	const struct sb_check_info *c = &sb_lint_checks[f->check];
	struct sb_buf b = SB_BUF_INIT;
	char hex[17], fp[24];
	uint32_t i, n = f->nnotes < 10 ? f->nnotes : 10;

	sb_jw_obj(w);
	sb_jw_kstr(w, "ruleId", c->id);
	sb_jw_kint(w, "ruleIndex", x->ruleindex[f->check]);
	sb_jw_kstr(w, "level", sarif_level(f->level));
	sb_jw_key(w, "message");
	sb_jw_obj(w);
	message(&b, f);
	sb_jw_kstr(w, "text", b.data);
	sb_jw_end(w, '}');
	sb_jw_key(w, "locations");
	sb_jw_arr(w);
	sb_jw_obj(w);
	physical(w, x, F, f->span, F->path);
	sb_jw_end(w, '}');
	sb_jw_end(w, ']');
	if (n) {
		sb_jw_key(w, "relatedLocations");
		sb_jw_arr(w);
		for (i = 0; i < n; i++) {
			sb_jw_obj(w);
			sb_jw_kint(w, "id", i + 1);
			physical(w, x, F, f->notes[i].span, F->path);
			sb_jw_key(w, "message");
			sb_jw_obj(w);
			sb_jw_kstr(w, "text", f->notes[i].msg);
			sb_jw_end(w, '}');
			sb_jw_end(w, '}');
		}
		sb_jw_end(w, ']');
	}
	sb_jw_key(w, "partialFingerprints");
	sb_jw_obj(w);
	snprintf(fp, sizeof fp, "%s:1", sb_lint_hex(f->fingerprint, hex));
	sb_jw_kstr(w, "primaryLocationLineHash", fp);
	sb_jw_kstr(w, "sbplLintFingerprint/v1", hex);
	sb_jw_end(w, '}');
	if (f->suppressed) {
		sb_jw_key(w, "suppressions");
		sb_jw_arr(w);
		sb_jw_obj(w);
		sb_jw_kstr(w, "kind", f->suppressed == SB_SUPP_SOURCE ?
		    "inSource" : "external");
		sb_jw_kstr(w, "justification", f->reason ? f->reason :
		    "in the baseline");
		sb_jw_end(w, '}');
		sb_jw_end(w, ']');
	}
	sb_jw_end(w, '}');
	sb_buf_free(&b);
}

void
sb_lint_emit_sarif(const struct sb_lint *L, FILE *out,
    const struct sb_emit_opts *eo)
{
	struct ctx x;
	struct sb_jw w;
	char id[512];
	uint32_t i, j;
	int k, idx = 0;

	if (!realpath(eo->sarif_root ? eo->sarif_root : ".", x.root))
		snprintf(x.root, sizeof x.root, "%s", eo->sarif_root ?
		    eo->sarif_root : ".");
	if (strcmp(x.root, "/") == 0)
		x.root[0] = 0;
	for (k = 0; k < SB_NCHECKS; k++)
		x.ruleindex[k] = L->o->levels[k] == SB_LV_OFF ? -1 : idx++;
	sb_jw_init(&w);
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "$schema", SARIF_SCHEMA);
	sb_jw_kstr(&w, "version", "2.1.0");
	sb_jw_key(&w, "runs");
	sb_jw_arr(&w);
	sb_jw_obj(&w);
	sb_jw_key(&w, "tool");
	sb_jw_obj(&w);
	sb_jw_key(&w, "driver");
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "name", "sbpl-lint");
	sb_jw_kstr(&w, "semanticVersion", SB_VERSION);
#ifdef SB_PROJECT_URL
	sb_jw_kstr(&w, "informationUri", SB_PROJECT_URL);
#endif
	sb_jw_key(&w, "rules");
	sb_jw_arr(&w);
	for (k = 0; k < SB_NCHECKS; k++)
		if (x.ruleindex[k] >= 0)
			rule(&w, &sb_lint_checks[k], L->o->levels[k]);
	sb_jw_end(&w, ']');
	sb_jw_end(&w, '}');
	sb_jw_end(&w, '}');
	sb_jw_key(&w, "automationDetails");
	sb_jw_obj(&w);
	if (eo->sarif_category)
		snprintf(id, sizeof id, "sbpl-lint/%s/", eo->sarif_category);
	else
		snprintf(id, sizeof id, "sbpl-lint/");
	sb_jw_kstr(&w, "id", id);
	sb_jw_end(&w, '}');
	sb_jw_key(&w, "results");
	sb_jw_arr(&w);
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			const struct sb_finding *f = &L->files[i].f[j];
			if (f->suppressed && !eo->sarif_suppressions)
				continue;
			result(&w, &x, &L->files[i], f);
		}
	sb_jw_end(&w, ']');
	sb_jw_end(&w, '}');
	sb_jw_end(&w, ']');
	sb_jw_end(&w, '}');
	fputs(w.b.data, out);
	if (w.b.len > 10u * 1024 * 1024)
		fprintf(stderr, "%s: warning: the SARIF log is larger than 10 "
		    "MB; GitHub refuses uploads over 10 MB after gzip\n",
		    sb_progname());
	sb_jw_free(&w);
}
