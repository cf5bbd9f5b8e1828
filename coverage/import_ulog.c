/*
** The macOS unified log (COVERAGE.md §7.3) in each of its transports:
** ndjson and json (objects with an eventMessage), syslog and compact
** (timestamped lines, continuation lines carrying the message tag), and
** the legacy system.log. Every transport ends in the same message grammar
** (parsemsg()), and every target in the same argument rules
** (settarget()). Only the Sandbox kernel extension's records are kept;
** userland reporters only with --userland; everything else is skipped.
** Counts from logs are lower bounds: reports are coalesced and
** rate-limited.
*/
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/util.h"
#include "coverage/import.h"
#include "coverage/jsondoc.h"
#include "kext/target.h"

#define SANDBOX_SENDER "/Sandbox.kext/Contents/MacOS/Sandbox"
#define USERLAND_SUBSYSTEM "com.apple.sandbox.reporting"
#define USERLAND_CATEGORY "violation"

struct state {
	const struct sb_import_opts *o;
	struct sb_import_stats *st;
	const struct sb_access_sink *sink;
	const struct sb_target *t;
	struct sb_arena a;              /* per record */
	struct sb_jdoc doc;
	int stop;                       /* the sink said stop */
};

/* The first line of a report, cut into its parts. */
struct msg {
	uint64_t count;                 /* "N duplicate reports for": N */
	int platform;                   /* "System Policy:" */
	int64_t pid;
	enum sb_decision dec;
	const char *op, *target;        /* into the line */
	size_t oplen, targetlen;
};

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

/* "allow" or "deny" at S, followed by "(", " " or the end; its length. */
static size_t
decision(const char *s, size_t n, enum sb_decision *dec)
{
	size_t k;

	if (prefix(s, n, "allow")) {
		*dec = SB_DEC_ALLOW;
		k = 5;
	} else if (prefix(s, n, "deny")) {
		*dec = SB_DEC_DENY;
		k = 4;
	} else {
		return 0;
	}
	if (k < n && s[k] != '(' && s[k] != ' ')
		return 0;
	return k;
}

/* Whether a report starts here, so that a failure to parse is an error. */
static int
looksreport(const char *s, size_t n)
{
	size_t i = 0;

	if (prefix(s, n, "Sandbox: ") || prefix(s, n, "System Policy: "))
		return 1;
	while (i < n && isdig(s[i]))
		i++;
	return i > 0 && prefix(s + i, n - i, " duplicate report");
}

/*
** The message grammar of §7.3, in order: an optional "N duplicate
** report(s) for "; "Sandbox: " or "System Policy: "; the process name
** and "(PID)", the pid being the first "(DIGITS)" followed by a space, an
** optional "System Policy: " and "allow" or "deny" (so names with spaces
** and parentheses parse); "allow" or "deny", optionally "(N)"; one space
** and the operation; optionally spaces and the target. Returns 0, or -1
** with *AT at the byte that does not fit.
*/
static int
parsemsg(const char *s, size_t n, struct msg *m, size_t *at)
{
	size_t i = 0, j, k;

	memset(m, 0, sizeof *m);
	m->count = 1;
	if (n > 0 && isdig(s[0])) {
		uint64_t c = 0;
		for (; i < n && isdig(s[i]); i++)
			if (i < 18)     /* a count, not an overflow */
				c = c * 10 + (uint64_t)(s[i] - '0');
		if (i > 18)
			return *at = 0, -1;
		if (prefix(s + i, n - i, " duplicate reports for "))
			i += 23;
		else if (prefix(s + i, n - i, " duplicate report for "))
			i += 22;
		else
			return *at = i, -1;
		m->count = c ? c : 1;
	}
	if (prefix(s + i, n - i, "Sandbox: ")) {
		i += 9;
	} else if (prefix(s + i, n - i, "System Policy: ")) {
		i += 15;
		m->platform = 1;
	} else {
		return *at = i, -1;
	}
	for (j = i; j < n; j++) {
		size_t d;
		if (s[j] != '(' || j + 1 >= n || !isdig(s[j + 1]))
			continue;
		for (k = j + 1; k < n && isdig(s[k]); k++)
			;
		/* a pid has at most 10 digits */
		if (k + 1 >= n || s[k] != ')' || s[k + 1] != ' ' ||
		    k - j - 1 > 10)
			continue;
		d = k + 2;
		if (prefix(s + d, n - d, "System Policy: "))
			d += 15;
		if (!decision(s + d, n - d, &m->dec))
			continue;
		if (d != k + 2)
			m->platform = 1;
		m->pid = 0;
		for (k = j + 1; s[k] != ')'; k++)
			m->pid = m->pid * 10 + (s[k] - '0');
		i = d;
		break;
	}
	if (j >= n)
		return *at = i, -1;
	i += m->dec == SB_DEC_ALLOW ? 5 : 4;
	if (i < n && s[i] == '(') {
		for (k = i + 1; k < n && isdig(s[k]); k++)
			;
		if (k >= n || s[k] != ')' || k == i + 1)
			return *at = i, -1;
		i = k + 1;
	}
	if (i >= n || s[i] != ' ' || i + 1 >= n || s[i + 1] == ' ')
		return *at = i, -1;
	i++;
	m->op = s + i;
	while (i < n && s[i] != ' ')
		i++;
	m->oplen = (size_t)(s + i - m->op);
	while (i < n && s[i] == ' ')
		i++;
	m->target = s + i;
	m->targetlen = n - i;
	while (m->targetlen > 0 && m->target[m->targetlen - 1] == ' ')
		m->targetlen--;
	return 0;
}

/*
** A token that is not a known operation: the longest known operation
** that prefixes it is the operation, the rest the target (§7.3).
*/
static void
splitop(const struct sb_target *t, struct msg *m)
{
	size_t best = 0, k;
	unsigned i;

	if (sb_target_op_find(t, m->op, m->oplen) >= 0)
		return;
	for (i = 0; i < t->op_name_count; i++) {
		k = strlen(t->ops[i].name);
		if (k > best && k < m->oplen && memcmp(m->op, t->ops[i].name,
		    k) == 0)
			best = k;
	}
	if (!best || m->targetlen)
		return;
	m->target = m->op + best;
	m->targetlen = m->oplen - best;
	m->oplen = best;
}

static const char *
dup(struct state *s, const char *p, size_t n)
{
	return sb_arena_strndup(&s->a, p, n);
}

static int
alldigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdig(s[i]))
			return 0;
	return n > 0;
}

/* "(_IO "h" 47)": the ioctl-style command number of system-fsctl */
static int
fsctlnum(const char *s, size_t n, uint32_t *out)
{
	size_t i;
	uint32_t num = 0;

	if (!prefix(s, n, "(_IO \"") || n < 10 || s[7] != '"' || s[8] != ' ')
		return -1;
	for (i = 9; i < n && isdig(s[i]); i++)
		num = num * 10 + (uint32_t)(s[i] - '0');
	if (i == 9 || i + 1 != n || s[i] != ')' || num > 255)
		return -1;
	/* <sys/ioccom.h>: IOC_VOID | group << 8 | num */
	*out = 0x20000000u | (uint32_t)(unsigned char)s[6] << 8 | num;
	return 0;
}

static void
pathorname(struct state *s, const char *p, size_t n, struct sb_access *acc)
{
	acc->argument = dup(s, p, n);
	acc->arg_kind = n && p[0] == '/' ? SB_ACC_PATH : SB_ACC_NAME;
}

/* The target of a report as the access's argument (§7.3 "Arguments"). */
static void
settarget(struct state *s, const char *op, const char *tg, size_t n,
    struct sb_access *acc)
{
	uint32_t num;
	char buf[16];

	acc->arg_kind = SB_ACC_NONE;
	if (n == 0 || strcmp(op, "process-fork") == 0 ||
	    strcmp(op, "signal") == 0)
		return;
	if (strncmp(op, "network", 7) == 0) {
		if (prefix(tg, n, "remote:"))
			tg += 7, n -= 7;
		else if (prefix(tg, n, "local:"))
			tg += 6, n -= 6;
		if (n && tg[0] == '/') {
			pathorname(s, tg, n, acc);
			return;
		}
		acc->argument = dup(s, tg, n);
		acc->arg_kind = SB_ACC_ADDRESS;
		return;
	}
	if (strstr(op, "issue-extension")) {
		const char *t = NULL, *c = NULL, *e = tg + n, *p = tg;
		size_t tn = 0, cn = 0;
		while (p < e) {
			const char *w = p;
			while (p < e && *p != ' ')
				p++;
			if (prefix(w, (size_t)(p - w), "target:"))
				t = w + 7, tn = (size_t)(p - t);
			else if (prefix(w, (size_t)(p - w), "class:"))
				c = w + 6, cn = (size_t)(p - c);
			while (p < e && *p == ' ')
				p++;
		}
		if (t)
			pathorname(s, t, tn, acc);
		if (c) {
			acc->facts[acc->nfacts].filter = "extension-class";
			acc->facts[acc->nfacts++].value = dup(s, c, cn);
		}
		if (t || c)
			return;
	}
	if (strcmp(op, "system-fsctl") == 0 && fsctlnum(tg, n, &num) == 0) {
		snprintf(buf, sizeof buf, "%u", num);
		acc->argument = dup(s, buf, strlen(buf));
		acc->arg_kind = SB_ACC_NUMBER;
		return;
	}
	if (alldigits(tg, n)) {
		acc->argument = dup(s, tg, n);
		acc->arg_kind = SB_ACC_NUMBER;
		return;
	}
	pathorname(s, tg, n, acc);
}

/*
** One report: MSG/N is the event message (its first line the report,
** the rest its tag), TAG/TAGLEN extra tag lines (syslog continuations).
** Puts the access, or rejects the record.
*/
static void
report(struct state *s, uint64_t lineno, const char *line, size_t linelen,
    size_t msgat, const char *msg, size_t n, const char *tag, size_t taglen,
    int64_t ts)
{
	const char *nl = memchr(msg, '\n', n);
	size_t first = nl ? (size_t)(nl - msg) : n, at;
	struct sb_access acc;
	struct msg m;

	if (first && msg[first - 1] == '\r')
		first--;
	if (parsemsg(msg, first, &m, &at) < 0) {
		sb_import_reject(s->o, s->st, lineno, line, linelen, msgat + at,
		    "not a sandbox report: %s", at < first ? "unexpected text" :
		    "it ends early");
		return;
	}
	splitop(s->t, &m);
	memset(&acc, 0, sizeof acc);
	acc.operation = dup(s, m.op, m.oplen);
	settarget(s, acc.operation, m.target, m.targetlen, &acc);
	acc.pid = m.pid;
	acc.ppid = -1;
	acc.ts = ts;
	acc.count = m.count;
	acc.reported = m.dec;
	acc.in_file = s->o->file;
	acc.in_line = lineno;
	if (m.platform && acc.nfacts < SB_ACCESS_MAX_FACTS) {
		acc.facts[acc.nfacts].filter = SB_FACT_PLATFORM;
		acc.facts[acc.nfacts++].value = "1";
	}
	if (nl && (size_t)(msg + n - (nl + 1)) > 0)
		acc.message = dup(s, nl + 1, (size_t)(msg + n - (nl + 1)));
	else if (taglen)
		acc.message = dup(s, tag, taglen);
	s->st->records++;
	s->st->accesses++;
	if (s->sink->put(s->sink->ctx, &acc) < 0)
		s->stop = 1;
}

/* --- ndjson and json ----------------------------------------------------- */

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int
streq(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/* One log object V (from LINE, for messages) */
static void
object(struct state *s, const struct sb_jnode *v, uint64_t lineno,
    const char *line, size_t linelen, size_t base)
{
	const struct sb_jdoc *d = &s->doc;
	const char *sender, *msg, *stamp;
	const struct sb_jnode *mv;
	int64_t ts = 0;
	size_t used;

	if (v->type != SB_J_OBJECT) {
		sb_import_reject(s->o, s->st, lineno, line, linelen,
		    v->off - base, "expected a log object");
		return;
	}
	sender = sb_jdoc_str(sb_jdoc_get(d, v, "senderImagePath"));
	if (!(sender && endswith(sender, SANDBOX_SENDER)) && !(s->o->userland &&
	    streq(sb_jdoc_str(sb_jdoc_get(d, v, "subsystem")),
	    USERLAND_SUBSYSTEM) && streq(sb_jdoc_str(sb_jdoc_get(d, v,
	    "category")), USERLAND_CATEGORY))) {
		s->st->skipped++;
		return;
	}
	mv = sb_jdoc_get(d, v, "eventMessage");
	if (!(msg = sb_jdoc_str(mv))) {
		sb_import_reject(s->o, s->st, lineno, line, linelen,
		    v->off - base, "a Sandbox record without an eventMessage");
		return;
	}
	stamp = sb_jdoc_str(sb_jdoc_get(d, v, "timestamp"));
	if (stamp && sb_time_ulog(stamp, strlen(stamp), &ts, &used) < 0)
		ts = 0;
	if (!looksreport(msg, mv->len)) {
		s->st->skipped++;
		return;
	}
	/* columns inside a decoded string are approximate: point at it */
	report(s, lineno, line, linelen, mv->off - base, msg, mv->len, NULL, 0,
	    ts);
}

static int
ndjson(struct state *s, const char *buf, size_t len)
{
	struct sb_lines it;
	int first = 1;

	sb_lines_init(&it, buf, len, s->o->first_line);
	while (!s->stop && sb_lines_next(&it)) {
		struct sb_arena_mark mark = sb_arena_mark(&s->a);
		size_t i = 0;

		s->st->lines++;
		while (i < it.len && (it.line[i] == ' ' || it.line[i] == '\t'))
			i++;
		if (i == it.len) {
			s->st->skipped++;
			continue;
		}
		if (it.line[i] != '{' && first) {
			/* "Filtering the log data using …" */
			first = 0;
			s->st->skipped++;
			continue;
		}
		first = 0;
		if (sb_jdoc_parse(&s->doc, it.line, it.len) < 0) {
			sb_import_reject(s->o, s->st, it.lineno, it.line, it.len,
			    s->doc.erroff, "%s", s->doc.err);
			continue;
		}
		if (sb_jdoc_get(&s->doc, &s->doc.v[0], "finished") &&
		    !sb_jdoc_get(&s->doc, &s->doc.v[0], "eventMessage")) {
			s->st->skipped++;       /* {"count":…,"finished":…} */
			continue;
		}
		object(s, &s->doc.v[0], it.lineno, it.line, it.len, 0);
		sb_arena_reset(&s->a, mark);
	}
	return s->stop ? -1 : 0;
}

/* The line around byte OFF of BUF, without its newline. */
static const char *
linearound(const char *buf, size_t len, size_t off, size_t *linelen)
{
	const char *b = buf + off, *e;

	while (b > buf && b[-1] != '\n')
		b--;
	e = memchr(b, '\n', len - (size_t)(b - buf));
	*linelen = e ? (size_t)(e - b) : len - (size_t)(b - buf);
	if (*linelen && b[*linelen - 1] == '\r')
		(*linelen)--;
	return b;
}

/* Advance *LINENO from byte *POS to byte OFF (offsets only grow). */
static void
countlines(const char *buf, size_t off, size_t *pos, uint64_t *lineno)
{
	for (; *pos < off; (*pos)++)
		if (buf[*pos] == '\n')
			(*lineno)++;
}

/* --style json: one array of the ndjson objects, parsed whole */
static int
jsonarray(struct state *s, const char *buf, size_t len)
{
	const struct sb_jnode *v;
	uint64_t lineno = s->o->first_line ? s->o->first_line : 1;
	const char *line;
	size_t pos = 0, i, linelen;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			s->st->lines++;
	if (len && buf[len - 1] != '\n')
		s->st->lines++;
	if (sb_jdoc_parse(&s->doc, buf, len) < 0) {
		countlines(buf, s->doc.erroff, &pos, &lineno);
		line = linearound(buf, len, s->doc.erroff, &linelen);
		sb_import_reject(s->o, s->st, lineno, line, linelen,
		    s->doc.erroff - (size_t)(line - buf), "%s", s->doc.err);
		return 0;
	}
	if (s->doc.v[0].type != SB_J_ARRAY) {
		line = linearound(buf, len, s->doc.v[0].off, &linelen);
		countlines(buf, s->doc.v[0].off, &pos, &lineno);
		sb_import_reject(s->o, s->st, lineno, line, linelen,
		    s->doc.v[0].off - (size_t)(line - buf), "expected an array "
		    "of log objects (--style json)");
		return 0;
	}
	for (v = sb_jdoc_first(&s->doc, &s->doc.v[0]); v && !s->stop;
	    v = sb_jdoc_next(&s->doc, v)) {
		struct sb_arena_mark mark = sb_arena_mark(&s->a);

		countlines(buf, v->off, &pos, &lineno);
		line = linearound(buf, len, v->off, &linelen);
		object(s, v, lineno, line, linelen, (size_t)(line - buf));
		sb_arena_reset(&s->a, mark);
	}
	return s->stop ? -1 : 0;
}

/* --- syslog, compact and legacy lines -------------------------------------- */

/* A record waiting for its continuation lines. */
struct pending {
	int have;
	uint64_t lineno;
	const char *line;               /* its first line */
	size_t linelen;
	size_t msgat;                   /* where the message starts in it */
	int64_t ts;
	const char *tag, *tagend;       /* continuation lines, in the buffer */
};

static void
flush(struct state *s, struct pending *p)
{
	struct sb_arena_mark mark;
	size_t taglen;

	if (!p->have)
		return;
	mark = sb_arena_mark(&s->a);
	taglen = p->tag ? (size_t)(p->tagend - p->tag) : 0;
	while (taglen && (p->tag[taglen - 1] == '\n' ||
	    p->tag[taglen - 1] == '\r'))
		taglen--;
	report(s, p->lineno, p->line, p->linelen, p->msgat, p->line + p->msgat,
	    p->linelen - p->msgat, p->tag, taglen, p->ts);
	sb_arena_reset(&s->a, mark);
	p->have = 0;
}

/*
** After the time of a syslog or compact line: the sender in parentheses
** that follows the process field ("kernel[0]: (Sandbox)" or
** "kernel[0:694a7] (Sandbox)"). Returns where the message starts, or 0
** when the line is not the Sandbox extension's (or, with --userland, a
** userland reporter's).
*/
static size_t
sender(struct state *s, const char *l, size_t n, size_t i)
{
	size_t k, close;
	int kernel;

	for (k = i; k + 2 < n; k++)
		if (l[k] == ']' && ((l[k + 1] == ' ' && l[k + 2] == '(') ||
		    (k + 3 < n && l[k + 1] == ':' && l[k + 2] == ' ' &&
		    l[k + 3] == '(')))
			break;
	if (k + 2 >= n)
		return 0;
	k += l[k + 1] == ':' ? 3 : 2;
	for (close = k; close < n && l[close] != ')'; close++)
		;
	if (close >= n)
		return 0;
	kernel = close - k - 1 == 7 && memcmp(l + k + 1, "Sandbox", 7) == 0;
	k = close + 1;
	while (k < n && l[k] == ' ')
		k++;
	if (k < n && l[k] == '<') {             /* <Sandbox`kernel_report> */
		while (k < n && l[k] != '>')
			k++;
		k++;
		while (k < n && l[k] == ' ')
			k++;
	}
	if (k < n && l[k] == '[') {             /* [subsystem:category] */
		const char *want = "[" USERLAND_SUBSYSTEM ":" USERLAND_CATEGORY
		    "]";
		size_t w = strlen(want);
		if (!kernel && s->o->userland && n - k >= w &&
		    memcmp(l + k, want, w) == 0)
			kernel = 1;
		while (k < n && l[k] != ']')
			k++;
		k++;
		while (k < n && l[k] == ' ')
			k++;
	}
	return kernel && k < n ? k : 0;
}

static int
dashes(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n && l[i] == '-'; i++)
		;
	return n >= 10 && i == n;
}

static int
timedlines(struct state *s, const char *buf, size_t len)
{
	struct sb_lines it;
	struct pending p;
	int trailer = 0;

	memset(&p, 0, sizeof p);
	sb_lines_init(&it, buf, len, s->o->first_line);
	while (!s->stop && sb_lines_next(&it)) {
		int64_t ts;
		size_t used, at;

		s->st->lines++;
		if (sb_time_ulog(it.line, it.len, &ts, &used) < 0) {
			if (p.have && !trailer && !dashes(it.line, it.len)) {
				if (!p.tag)
					p.tag = it.line;
				p.tagend = it.p;
				continue;
			}
			if (dashes(it.line, it.len))
				trailer = 1;
			flush(s, &p);
			s->st->skipped++;
			continue;
		}
		flush(s, &p);
		trailer = 0;
		if (!(at = sender(s, it.line, it.len, used))) {
			s->st->skipped++;
			continue;
		}
		if (!looksreport(it.line + at, it.len - at)) {
			s->st->skipped++;
			continue;
		}
		p.have = 1;
		p.lineno = it.lineno;
		p.line = it.line;
		p.linelen = it.len;
		p.msgat = at;
		p.ts = ts;
		p.tag = p.tagend = NULL;
	}
	flush(s, &p);
	return s->stop ? -1 : 0;
}

/* "Mon dd hh:mm:ss host kernel[0]: message" */
static int
legacy(struct state *s, const char *buf, size_t len)
{
	struct sb_lines it;

	sb_lines_init(&it, buf, len, s->o->first_line);
	while (!s->stop && sb_lines_next(&it)) {
		struct sb_arena_mark mark = sb_arena_mark(&s->a);
		const char *l = it.line, *c;
		size_t n = it.len, k;

		s->st->lines++;
		if (n < 16 || l[3] != ' ' || l[6] != ' ' || l[9] != ':' ||
		    l[12] != ':' || l[15] != ' ') {
			s->st->skipped++;
			continue;
		}
		for (k = 16; k < n && l[k] != ' '; k++)        /* host */
			;
		k++;
		if (k >= n || !prefix(l + k, n - k, "kernel[") ||
		    !(c = memchr(l + k, ']', n - k)) ||
		    !prefix(c, (size_t)(l + n - c), "]: ")) {
			s->st->skipped++;
			continue;
		}
		k = (size_t)(c - l) + 3;
		if (!looksreport(l + k, n - k)) {
			s->st->skipped++;
			continue;
		}
		/* no year in the line: the time is unknown */
		report(s, it.lineno, l, n, k, l + k, n - k, NULL, 0, 0);
		sb_arena_reset(&s->a, mark);
	}
	return s->stop ? -1 : 0;
}

int
sb_import_ulog(enum sb_import_format style, const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st)
{
	struct state s;
	int r;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.st = st;
	s.sink = sink;
	s.t = o->target ? o->target : sb_target_default();
	sb_arena_init(&s.a);
	st->lower_bounds = 1;
	switch (style) {
	case SB_IMPORT_ULOG_NDJSON:
		r = ndjson(&s, buf, len);
		break;
	case SB_IMPORT_ULOG_JSON:
		r = jsonarray(&s, buf, len);
		break;
	case SB_IMPORT_ULOG_SYSLOG:
	case SB_IMPORT_ULOG_COMPACT:
		r = timedlines(&s, buf, len);
		break;
	case SB_IMPORT_ULOG_LEGACY:
		r = legacy(&s, buf, len);
		break;
	default:
		r = -1;
	}
	sb_jdoc_free(&s.doc);
	sb_arena_free(&s.a);
	return r;
}
