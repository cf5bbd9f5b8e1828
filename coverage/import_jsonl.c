/*
** Generic JSONL (COVERAGE.md §7.2): the interchange and test format that
** `sbpl-mirror run --trace-out` writes. One object per line, at most 4,096
** bytes. Keys are strict: an unknown key, a value of the wrong type or an
** out-of-range value rejects the line with file:line:col at the key or
** value, so a misspelt key never silently drops data. Blank lines are
** skipped. Facts are copied as filter name and text; attribution decides
** what they mean.
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "coverage/import.h"
#include "coverage/jsondoc.h"

#define MAXLINE 4096

struct state {
	const struct sb_import_opts *o;
	struct sb_import_stats *st;
	struct sb_jdoc doc;
	struct sb_arena a;
	uint64_t lineno;
	const char *line;
	size_t len;
};

static int
bad(struct state *s, size_t at, const char *fmt, const char *arg)
{
	sb_import_reject(s->o, s->st, s->lineno, s->line, s->len, at, fmt, arg);
	return -1;
}

static int
typed(struct state *s, const struct sb_jnode *v, enum sb_jtype t,
    const char *msg)
{
	if (v->type == t)
		return 0;
	return bad(s, v->off, msg, v->key);
}

static int
hex16(const char *s, uint32_t n)
{
	uint32_t i;

	if (n != 16)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
facts(struct state *s, const struct sb_jnode *obj, struct sb_access *acc)
{
	const struct sb_jnode *m;

	if (typed(s, obj, SB_J_OBJECT, "key '%s' needs an object") < 0)
		return -1;
	for (m = sb_jdoc_first(&s->doc, obj); m; m = sb_jdoc_next(&s->doc, m)) {
		struct sb_access_fact *f;
		char num[32];

		if (acc->nfacts == SB_ACCESS_MAX_FACTS)
			return bad(s, m->keyoff, "more than 8 facts%s", "");
		if (m->keylen == 0 || strlen(m->key) != m->keylen)
			return bad(s, m->keyoff, "invalid fact name%s", "");
		f = &acc->facts[acc->nfacts++];
		f->filter = m->key;
		switch (m->type) {
		case SB_J_STRING:
			f->value = m->s;
			break;
		case SB_J_INT:
			snprintf(num, sizeof num, "%" PRId64, m->i);
			f->value = sb_arena_strndup(&s->a, num, strlen(num));
			break;
		case SB_J_TRUE:
		case SB_J_FALSE:
			f->value = m->type == SB_J_TRUE ? "true" : "false";
			break;
		default:
			return bad(s, m->off, "fact '%s' needs a string, an "
			    "integer or a boolean", m->key);
		}
	}
	return 0;
}

static int
argkind(struct state *s, const struct sb_jnode *v, enum sb_arg_kind *k)
{
	static const struct {
		const char *name;
		enum sb_arg_kind kind;
	} kinds[] = {
		{ "path", SB_ACC_PATH }, { "name", SB_ACC_NAME },
		{ "address", SB_ACC_ADDRESS }, { "number", SB_ACC_NUMBER },
		{ "none", SB_ACC_NONE },
	};
	size_t i;

	if (typed(s, v, SB_J_STRING, "key '%s' needs a string") < 0)
		return -1;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(v->s, kinds[i].name) == 0) {
			*k = kinds[i].kind;
			return 0;
		}
	return bad(s, v->off, "arg_kind '%s' is none of path, name, address, "
	    "number, none", v->s);
}

/* One member of the record object into ACC; -1 after rejecting the line. */
static int
member(struct state *s, const struct sb_jnode *m, struct sb_access *acc,
    int *kindset, int *haveop)
{
	const char *k = m->key;

	if (strcmp(k, "v") == 0) {
		if (m->type != SB_J_INT || m->i != 1)
			return bad(s, m->off, "unsupported version: '%s' must "
			    "be 1", k);
		return 0;
	}
	if (strcmp(k, "ts") == 0) {
		if (m->type == SB_J_INT) {
			acc->ts = m->i;
			return 0;
		}
		if (m->type == SB_J_STRING && sb_time_rfc3339(m->s, m->len,
		    &acc->ts) == 0)
			return 0;
		return bad(s, m->off, "key '%s' needs integer nanoseconds or "
		    "an RFC 3339 time", k);
	}
	if (strcmp(k, "pid") == 0 || strcmp(k, "ppid") == 0 ||
	    strcmp(k, "errno") == 0 || strcmp(k, "count") == 0) {
		if (typed(s, m, SB_J_INT, "key '%s' needs an integer") < 0)
			return -1;
		if (k[0] == 'p' && k[1] == 'i')
			acc->pid = m->i;
		else if (k[0] == 'p')
			acc->ppid = m->i;
		else if (k[0] == 'e')
			acc->err = (int32_t)m->i;
		else if (m->i < 1)
			return bad(s, m->off, "'%s' must be at least 1", k);
		else
			acc->count = (uint64_t)m->i;
		if (k[0] == 'e' && (m->i < 0 || m->i > 4095))
			return bad(s, m->off, "'%s' is out of range", k);
		return 0;
	}
	if (strcmp(k, "op") == 0 || strcmp(k, "arg") == 0 ||
	    strcmp(k, "exe") == 0 || strcmp(k, "syscall") == 0 ||
	    strcmp(k, "message") == 0) {
		if (typed(s, m, SB_J_STRING, "key '%s' needs a string") < 0)
			return -1;
		if (k[0] == 'o') {
			if (m->len == 0)
				return bad(s, m->off, "'%s' is empty", k);
			acc->operation = m->s;
			*haveop = 1;
		} else if (k[0] == 'a') {
			acc->argument = m->s;
		} else if (k[0] == 'e') {
			acc->exe = m->s;
		} else if (k[0] == 's') {
			acc->syscall = m->s;
		} else {
			acc->message = m->s;
		}
		return 0;
	}
	if (strcmp(k, "arg_kind") == 0) {
		*kindset = 1;
		return argkind(s, m, &acc->arg_kind);
	}
	if (strcmp(k, "facts") == 0)
		return facts(s, m, acc);
	if (strcmp(k, "decision") == 0) {
		if (m->type == SB_J_STRING && strcmp(m->s, "allow") == 0)
			acc->reported = SB_DEC_ALLOW;
		else if (m->type == SB_J_STRING && strcmp(m->s, "deny") == 0)
			acc->reported = SB_DEC_DENY;
		else
			return bad(s, m->off, "key '%s' needs \"allow\" or "
			    "\"deny\"", k);
		return 0;
	}
	if (strcmp(k, "rule") == 0) {
		if (m->type != SB_J_STRING || !hex16(m->s, m->len))
			return bad(s, m->off, "key '%s' needs a fingerprint of "
			    "16 lowercase hex digits", k);
		acc->reported_rule = m->s;
		return 0;
	}
	return bad(s, m->keyoff, "unknown key '%s'", k);
}

static int
record(struct state *s, const struct sb_access_sink *sink)
{
	const struct sb_jnode *root, *m;
	struct sb_access acc;
	int kindset = 0, haveop = 0;

	if (s->len > MAXLINE)
		return bad(s, MAXLINE, "line longer than 4096 bytes%s", "");
	if (sb_jdoc_parse(&s->doc, s->line, s->len) < 0)
		return bad(s, s->doc.erroff, "%s", s->doc.err);
	root = &s->doc.v[0];
	if (root->type != SB_J_OBJECT)
		return bad(s, 0, "expected an object%s", "");
	memset(&acc, 0, sizeof acc);
	acc.pid = acc.ppid = -1;
	acc.count = 1;
	acc.in_file = s->o->file;
	acc.in_line = s->lineno;
	for (m = sb_jdoc_first(&s->doc, root); m; m = sb_jdoc_next(&s->doc, m))
		if (member(s, m, &acc, &kindset, &haveop) < 0)
			return -1;
	if (!haveop)
		return bad(s, 0, "missing key '%s'", "op");
	if (!sb_jdoc_get(&s->doc, root, "v"))
		return bad(s, 0, "missing key '%s'", "v");
	if (!kindset)
		acc.arg_kind = !acc.argument ? SB_ACC_NONE :
		    acc.argument[0] == '/' ? SB_ACC_PATH : SB_ACC_NAME;
	if (acc.arg_kind == SB_ACC_NONE && acc.argument)
		return bad(s, sb_jdoc_get(&s->doc, root, "arg")->off,
		    "'%s' given with arg_kind none", "arg");
	if (acc.arg_kind != SB_ACC_NONE && !acc.argument)
		return bad(s, 0, "missing key '%s' for its arg_kind", "arg");
	s->st->records++;
	s->st->accesses++;
	return sink->put(sink->ctx, &acc) < 0 ? -2 : 0;
}

int
sb_import_jsonl(const char *buf, size_t len, const struct sb_import_opts *o,
    const struct sb_access_sink *sink, struct sb_import_stats *st)
{
	struct state s;
	struct sb_lines it;
	int r = 0;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.st = st;
	sb_arena_init(&s.a);
	sb_lines_init(&it, buf, len, o->first_line);
	while (sb_lines_next(&it)) {
		struct sb_arena_mark mark = sb_arena_mark(&s.a);
		size_t i;

		st->lines++;
		for (i = 0; i < it.len && (it.line[i] == ' ' ||
		    it.line[i] == '\t'); i++)
			;
		if (i == it.len) {
			st->skipped++;
			continue;
		}
		s.lineno = it.lineno;
		s.line = it.line;
		s.len = it.len;
		r = record(&s, sink);
		sb_arena_reset(&s.a, mark);
		if (r == -2)
			break;
		r = 0;
	}
	sb_jdoc_free(&s.doc);
	sb_arena_free(&s.a);
	return r == -2 ? -1 : 0;
}
