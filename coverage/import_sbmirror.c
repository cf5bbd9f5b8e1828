/*
** SandboxMirror logs (COVERAGE.md §7.4). A record is an optional
** "(<ctime-style time>) " prefix, then "<process path>(<pid>) <thread
** name>[<tid hex>] " and a report; indented lines that follow are stack
** frames, kept verbatim. The operation is the quoted name after "Query
** rule", the argument the first quoted string after it. These logs carry
** no decision: attribution supplies the would-be decision and rule.
** "Initializing sandbox" records and other reports are skipped.
*/
#include <stddef.h>
#include <string.h>

#include "common/arena.h"
#include "coverage/import.h"

struct state {
	const struct sb_import_opts *o;
	struct sb_import_stats *st;
	const struct sb_access_sink *sink;
	struct sb_arena a;
	int stop;
};

/* A record waiting for its stack lines. */
struct pending {
	int have;
	uint64_t lineno;
	const char *line;
	size_t len;
	const char *stack, *stackend;   /* indented lines, in the buffer */
};

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
ishex(char c)
{
	return isdig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const char *
find(const char *s, size_t n, const char *pat)
{
	size_t k = strlen(pat), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, pat, k) == 0)
			return s + i;
	return NULL;
}

/*
** "<path>(<pid>) <thread>[0x<tid>] ": the pid is the first "(DIGITS) "
** after which a thread field ending in "[0xHEX] " follows, so paths with
** spaces and parentheses parse. Returns where the report starts, or 0.
*/
static size_t
header(const char *l, size_t n, size_t i, int64_t *pid, size_t *exelen)
{
	size_t j, k, t;

	for (j = i; j < n; j++) {
		if (l[j] != '(' || j + 1 >= n || !isdig(l[j + 1]))
			continue;
		for (k = j + 1; k < n && isdig(l[k]); k++)
			;
		/* a pid has at most 10 digits */
		if (k + 1 >= n || l[k] != ')' || l[k + 1] != ' ' ||
		    k - j - 1 > 10)
			continue;
		for (t = k + 2; t < n && l[t] != '[' && l[t] != ' '; t++)
			;
		if (t + 3 >= n || l[t] != '[' || l[t + 1] != '0' ||
		    l[t + 2] != 'x')
			continue;
		for (t += 3; t < n && ishex(l[t]); t++)
			;
		if (t + 1 >= n || l[t] != ']' || l[t + 1] != ' ')
			continue;
		*pid = 0;
		for (k = j + 1; l[k] != ')'; k++)
			*pid = *pid * 10 + (l[k] - '0');
		*exelen = j - i;
		return t + 2;
	}
	return 0;
}

/* The quoted string starting at or after S: its contents. */
static const char *
quoted(const char *s, const char *e, size_t *n)
{
	const char *q = memchr(s, '"', (size_t)(e - s)), *end;

	if (!q)
		return NULL;
	if (!(end = memchr(q + 1, '"', (size_t)(e - q - 1))))
		return NULL;
	*n = (size_t)(end - q - 1);
	return q + 1;
}

static void
flush(struct state *s, struct pending *p)
{
	struct sb_arena_mark mark = sb_arena_mark(&s->a);
	const char *l = p->line, *e = p->line + p->len, *op, *arg, *q;
	size_t n = p->len, i = 0, at, opn, argn, exelen;
	struct sb_access acc;

	if (!p->have)
		return;
	p->have = 0;
	memset(&acc, 0, sizeof acc);
	acc.ppid = -1;
	acc.count = 1;
	acc.in_file = s->o->file;
	acc.in_line = p->lineno;
	if (n && l[0] == '(') {
		const char *close = memchr(l, ')', n);
		if (!close || close + 1 >= e || close[1] != ' ' ||
		    sb_time_ctime(l + 1, (size_t)(close - l - 1), &acc.ts) < 0) {
			sb_import_reject(s->o, s->st, p->lineno, l, n, 1,
			    "expected a time like 'Tue Mar  4 10:11:12 2025'");
			return;
		}
		i = (size_t)(close - l) + 2;
	}
	if (!(at = header(l, n, i, &acc.pid, &exelen))) {
		sb_import_reject(s->o, s->st, p->lineno, l, n, i,
		    "expected '<process path>(<pid>) <thread>[0x<tid>] '");
		return;
	}
	if (find(l + at, n - at, "Initializing sandbox") ||
	    !(q = find(l + at, n - at, "Query rule "))) {
		s->st->skipped++;
		return;
	}
	q += 11;
	if (!(op = quoted(q, e, &opn)) || op != q + 1 || opn == 0) {
		sb_import_reject(s->o, s->st, p->lineno, l, n, (size_t)(q - l),
		    "expected the quoted operation after 'Query rule'");
		return;
	}
	acc.exe = sb_arena_strndup(&s->a, l + i, exelen);
	acc.operation = sb_arena_strndup(&s->a, op, opn);
	arg = quoted(op + opn + 1, e, &argn);
	/* "for process "4243"": a pid, which no filter takes (the target
	** class of signal and task operations is not in these logs) */
	if (arg && arg - op - (ptrdiff_t)opn >= 14 &&
	    memcmp(arg - 10, " process \"", 10) == 0)
		arg = NULL;
	if (arg) {
		acc.argument = sb_arena_strndup(&s->a, arg, argn);
		acc.arg_kind = argn && arg[0] == '/' ? SB_ACC_PATH :
		    SB_ACC_NAME;
	}
	if (p->stack) {
		size_t sn = (size_t)(p->stackend - p->stack);
		while (sn && (p->stack[sn - 1] == '\n' ||
		    p->stack[sn - 1] == '\r'))
			sn--;
		/* struct sb_access has no stack field (coverage/access.h):
		** the frames travel as the message tag */
		acc.message = sb_arena_strndup(&s->a, p->stack, sn);
	}
	s->st->records++;
	s->st->accesses++;
	if (s->sink->put(s->sink->ctx, &acc) < 0)
		s->stop = 1;
	sb_arena_reset(&s->a, mark);
}

int
sb_import_sbmirror(const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st)
{
	struct state s;
	struct sb_lines it;
	struct pending p;

	memset(&s, 0, sizeof s);
	memset(&p, 0, sizeof p);
	s.o = o;
	s.st = st;
	s.sink = sink;
	sb_arena_init(&s.a);
	sb_lines_init(&it, buf, len, o->first_line);
	while (!s.stop && sb_lines_next(&it)) {
		st->lines++;
		if (it.len && (it.line[0] == ' ' || it.line[0] == '\t')) {
			if (p.have) {
				if (!p.stack)
					p.stack = it.line;
				p.stackend = it.p;
			} else {
				st->skipped++;
			}
			continue;
		}
		flush(&s, &p);
		if (it.len == 0) {
			st->skipped++;
			continue;
		}
		p.have = 1;
		p.lineno = it.lineno;
		p.line = it.line;
		p.len = it.len;
		p.stack = p.stackend = NULL;
	}
	flush(&s, &p);
	sb_arena_free(&s.a);
	return s.stop ? -1 : 0;
}
