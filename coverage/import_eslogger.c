/*
** eslogger JSONL (COVERAGE.md §7.5): Endpoint Security notify events, one
** object per line, with a schema Apple declares unstable. The importer
** dispatches on the single key inside "event" through events[] (the
** table of §7.5), reads the process from process.audit_token.pid,
** process.ppid and process.executable.path, and refuses a schema_version
** it was not tested with unless --force-schema. Gaps in global_seq_num
** mean Endpoint Security dropped events: the run becomes partial.
** Field names follow the reconstructed record of §7.5 and Apple's
** es_event_*_t members; verify against a capture on each release.
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "coverage/import.h"
#include "coverage/jsondoc.h"

/* schema versions tested with this importer */
#define TESTED_SCHEMA 1

#define FREAD 0x1
#define FWRITE 0x2
#define PROT_EXEC_BIT 0x4

struct state {
	const struct sb_import_opts *o;
	struct sb_import_stats *st;
	const struct sb_access_sink *sink;
	struct sb_jdoc doc;
	struct sb_arena a;
	const struct sb_jnode *ev;      /* the event's own object */
	struct sb_access base;          /* process, time, position */
	int64_t lastseq;                /* global_seq_num seen last, or -1 */
	int stop;
	uint64_t lineno;
	const char *line;
	size_t len;
	int emitted;                    /* accesses of the current record */
};

/* Member PATH ("a.b.c") below V, or NULL. */
static const struct sb_jnode *
at(const struct sb_jdoc *d, const struct sb_jnode *v, const char *path)
{
	char key[64];
	const char *p = path, *dot;

	while (v && *p) {
		size_t n;
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = 0;
		v = sb_jdoc_get(d, v, key);
		p = dot ? dot + 1 : p + n;
	}
	return v;
}

static const char *
str(struct state *s, const char *path)
{
	return sb_jdoc_str(at(&s->doc, s->ev, path));
}

static int
num(struct state *s, const struct sb_jnode *v, int64_t *out)
{
	(void)s;
	if (!v || v->type != SB_J_INT)
		return -1;
	*out = v->i;
	return 0;
}

static void
emit(struct state *s, const char *op, const char *arg, enum sb_arg_kind kind,
    int approx, const struct sb_access_fact *facts, uint32_t nfacts)
{
	struct sb_access acc = s->base;

	if (s->stop)
		return;
	acc.operation = op;
	acc.argument = arg;
	acc.arg_kind = arg ? kind : SB_ACC_NONE;
	acc.approx = approx;
	if (nfacts > SB_ACCESS_MAX_FACTS)
		nfacts = SB_ACCESS_MAX_FACTS;
	if (nfacts)
		memcpy(acc.facts, facts, nfacts * sizeof *facts);
	acc.nfacts = nfacts;
	s->emitted++;
	s->st->accesses++;
	if (s->sink->put(s->sink->ctx, &acc) < 0)
		s->stop = 1;
}

static void
path(struct state *s, const char *op, const char *p)
{
	emit(s, op, p, SB_ACC_PATH, 0, NULL, 0);
}

/* "dir/name" of a new file: DIR.path and NAME below the event */
static const char *
joined(struct state *s, const char *dir, const char *name)
{
	const char *d = str(s, dir), *n = str(s, name);
	size_t dn, nn;
	char *out;

	if (!d || !n)
		return NULL;
	dn = strlen(d);
	nn = strlen(n);
	if (dn && d[dn - 1] == '/')
		dn--;
	out = sb_arena_alloc(&s->a, dn + nn + 2);
	memcpy(out, d, dn);
	out[dn] = '/';
	memcpy(out + dn + 1, n, nn + 1);
	return out;
}

/* The destination of create and rename: an existing file or a new path. */
static const char *
destination(struct state *s)
{
	const char *p = str(s, "destination.existing_file.path");

	if (p)
		return p;
	return joined(s, "destination.new_path.dir.path",
	    "destination.new_path.filename");
}

/* The signal or task target's class against the acting process. */
static const char *
targetclass(struct state *s)
{
	int64_t tpid, tppid;

	if (num(s, at(&s->doc, s->ev, "target.audit_token.pid"), &tpid) < 0)
		return NULL;
	if (tpid == s->base.pid)
		return "self";
	if (tpid == 1)
		return "initproc";
	if (num(s, at(&s->doc, s->ev, "target.ppid"), &tppid) == 0 &&
	    tppid == s->base.pid)
		return "children";
	return "others";
}

static const char *
itoa(struct state *s, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return sb_arena_strndup(&s->a, buf, strlen(buf));
}

/* --- the events of §7.5 ------------------------------------------------- */

static int
ev_open(struct state *s)
{
	const char *p = str(s, "file.path");
	int64_t ff = FREAD;

	if (!p)
		return -1;
	(void)num(s, sb_jdoc_get(&s->doc, s->ev, "fflag"), &ff);
	if (ff & FREAD || !(ff & FWRITE))
		path(s, "file-read-data", p);
	if (ff & FWRITE)
		path(s, "file-write-data", p);
	return 0;
}

static int
ev_create(struct state *s)
{
	const char *p = destination(s);

	if (!p)
		return -1;
	path(s, "file-write-create", p);
	return 0;
}

static int
ev_rename(struct state *s)
{
	const char *src = str(s, "source.path"), *dst = destination(s);

	if (!src || !dst)
		return -1;
	path(s, "file-write-unlink", src);
	path(s, "file-write-create", dst);
	return 0;
}

static int
ev_link(struct state *s)
{
	const char *src = str(s, "source.path");
	const char *dst = joined(s, "target_dir.path", "target_filename");

	if (!src || !dst)
		return -1;
	path(s, "file-write-create", dst);
	path(s, "file-link", src);
	return 0;
}

static int
ev_clone(struct state *s)
{
	const char *src = str(s, "source.path");
	const char *dst = joined(s, "target_dir.path", "target_name");

	if (!src || !dst)
		return -1;
	path(s, "file-write-create", dst);
	path(s, "file-read-data", src);
	return 0;
}

static int
ev_exchangedata(struct state *s)
{
	const char *a = str(s, "file1.path"), *b = str(s, "file2.path");

	if (!a || !b)
		return -1;
	path(s, "file-read-data", a);
	path(s, "file-write-data", a);
	path(s, "file-read-data", b);
	path(s, "file-write-data", b);
	return 0;
}

/* Events whose one path is at FIELD and whose operation is fixed. */
struct simple {
	const char *key;        /* event key */
	const char *field;      /* path member below the event */
	const char *op;         /* operation */
	int approx;
};

static const struct simple simples[] = {
	{ "unlink", "target.path", "file-write-unlink", 0 },
	{ "truncate", "target.path", "file-write-data", 0 },
	{ "write", "target.path", "file-write-data", 0 },
	{ "stat", "target.path", "file-read-metadata", 0 },
	{ "access", "target.path", "file-read-metadata", 0 },
	{ "getattrlist", "target.path", "file-read-metadata", 0 },
	{ "readlink", "source.path", "file-read-metadata", 0 },
	{ "fsgetpath", "target.path", "file-read-metadata", 0 },
	{ "readdir", "target.path", "file-read-data", 0 },
	{ "getextattr", "target.path", "file-read-xattr", 0 },
	{ "listextattr", "target.path", "file-read-metadata", 0 },
	{ "setextattr", "target.path", "file-write-xattr", 0 },
	{ "deleteextattr", "target.path", "file-write-xattr", 0 },
	{ "setmode", "target.path", "file-write-mode", 0 },
	{ "setowner", "target.path", "file-write-owner", 0 },
	{ "utimes", "target.path", "file-write-times", 0 },
	{ "setflags", "target.path", "file-write-flags", 0 },
	{ "setacl", "target.path", "file-write-acl", 0 },
	{ "setattrlist", "target.path", "file-write*", 0 },
	{ "exec", "target.executable.path", "process-exec*", 0 },
	{ "chroot", "target.path", "file-chroot", 0 },
	{ "mount", "statfs.f_mntonname", "file-mount", 0 },
	{ "unmount", "statfs.f_mntonname", "file-unmount", 0 },
	{ "uipc_bind", NULL, "network-bind", 0 },
	{ "uipc_connect", "file.path", "network-outbound", 0 },
	{ "xpc_connect", "service_name", "mach-lookup", 1 },
};

static int
ev_lookup(struct state *s)
{
	const char *p = joined(s, "source_dir.path", "relative_target");

	if (!p)
		return -1;
	path(s, "file-read-metadata", p);
	return 0;
}

static int
ev_mmap(struct state *s)
{
	const char *p = str(s, "source.path");
	int64_t prot = 0;

	if (!p || num(s, sb_jdoc_get(&s->doc, s->ev, "protection"), &prot) < 0)
		return -1;
	if (prot & PROT_EXEC_BIT)
		path(s, "file-map-executable", p);
	else
		s->st->skipped++;
	return 0;
}

static int
ev_fork(struct state *s)
{
	emit(s, "process-fork", NULL, SB_ACC_NONE, 0, NULL, 0);
	return 0;
}

/* signal, get_task*, proc_check, proc_suspend_resume: a target process */
static int
targeted(struct state *s, const char *op, int approx)
{
	struct sb_access_fact f[2];
	uint32_t n = 0;
	const char *cls = targetclass(s);
	int64_t sig;

	if (!cls)
		return -1;
	f[n].filter = "target";
	f[n++].value = cls;
	if (strcmp(op, "signal") == 0 &&
	    num(s, sb_jdoc_get(&s->doc, s->ev, "sig"), &sig) == 0) {
		f[n].filter = "signal-number";
		f[n++].value = itoa(s, sig);
	}
	emit(s, op, NULL, SB_ACC_NONE, approx, f, n);
	return 0;
}

static const struct {
	const char *key;
	const char *op;
	int approx;
} targets[] = {
	{ "signal", "signal", 0 },
	{ "get_task", "mach-priv-task-port", 0 },
	{ "get_task_name", "mach-task-name", 0 },
	{ "get_task_read", "mach-task-read", 0 },
	{ "get_task_inspect", "mach-task-inspect", 0 },
	/* the flavour does not say which process-info-* operation */
	{ "proc_check", "process-info*", 1 },
	{ "proc_suspend_resume", "system-suspend-resume", 0 },
};

static int
ev_iokit(struct state *s)
{
	const char *cls = str(s, "user_client_class");
	struct sb_access_fact f[1];
	uint32_t n = 0;
	int64_t type;

	if (!cls)
		return -1;
	if (num(s, sb_jdoc_get(&s->doc, s->ev, "user_client_type"),
	    &type) == 0) {
		f[n].filter = "iokit-user-client-type";
		f[n++].value = itoa(s, type);
	}
	emit(s, "iokit-open*", cls, SB_ACC_NAME, 0, f, n);
	return 0;
}

static int
ev_bare(struct state *s, const char *op)
{
	emit(s, op, NULL, SB_ACC_NONE, 0, NULL, 0);
	return 0;
}

/* Dispatch on event key KEY; -1 when a field the event needs is missing. */
static int
dispatch(struct state *s, const char *key)
{
	size_t i;

	if (strcmp(key, "open") == 0)
		return ev_open(s);
	if (strcmp(key, "create") == 0)
		return ev_create(s);
	if (strcmp(key, "rename") == 0)
		return ev_rename(s);
	if (strcmp(key, "link") == 0)
		return ev_link(s);
	if (strcmp(key, "clone") == 0)
		return ev_clone(s);
	if (strcmp(key, "exchangedata") == 0)
		return ev_exchangedata(s);
	if (strcmp(key, "lookup") == 0)
		return ev_lookup(s);
	if (strcmp(key, "mmap") == 0)
		return ev_mmap(s);
	if (strcmp(key, "fork") == 0)
		return ev_fork(s);
	if (strcmp(key, "iokit_open") == 0)
		return ev_iokit(s);
	if (strcmp(key, "pty_grant") == 0)
		return ev_bare(s, "pseudo-tty");
	if (strcmp(key, "settime") == 0)
		return ev_bare(s, "system-set-time");
	for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(key, targets[i].key) == 0)
			return targeted(s, targets[i].op, targets[i].approx);
	for (i = 0; i < sizeof simples / sizeof simples[0]; i++) {
		const struct simple *e = &simples[i];
		const char *p;
		if (strcmp(key, e->key) != 0)
			continue;
		if (!e->field)         /* uipc_bind: a new socket file */
			p = joined(s, "dir.path", "filename");
		else
			p = str(s, e->field);
		if (!p)
			return -1;
		emit(s, e->op, p, p[0] == '/' ? SB_ACC_PATH : SB_ACC_NAME,
		    e->approx, NULL, 0);
		return 0;
	}
	s->st->skipped++;               /* an event of no operation */
	return 0;
}

static int
bad(struct state *s, size_t col, const char *msg, const char *arg)
{
	sb_import_reject(s->o, s->st, s->lineno, s->line, s->len, col, msg,
	    arg);
	return 0;
}

/* One line; -1 when the whole input is refused. */
static int
record(struct state *s)
{
	const struct sb_jnode *root, *event, *v;
	const char *ts;
	int64_t version, seq;
	uint64_t before = s->st->skipped;

	if (sb_jdoc_parse(&s->doc, s->line, s->len) < 0)
		return bad(s, s->doc.erroff, "%s", s->doc.err);
	root = &s->doc.v[0];
	if (root->type != SB_J_OBJECT)
		return bad(s, 0, "expected an event object%s", "");
	v = sb_jdoc_get(&s->doc, root, "schema_version");
	if (num(s, v, &version) < 0)
		return bad(s, v ? v->off : 0, "expected an integer "
		    "'schema_version'%s", "");
	if (version != TESTED_SCHEMA && !s->o->force_schema) {
		char msg[160];
		snprintf(msg, sizeof msg, "eslogger schema_version %" PRId64
		    " was not tested with this importer (tested: %d); "
		    "--force-schema reads it anyway", version, TESTED_SCHEMA);
		sb_import_reject(s->o, s->st, s->lineno, s->line, s->len,
		    v->off, "%s", msg);
		s->st->refused = 1;
		return -1;
	}
	memset(&s->base, 0, sizeof s->base);
	s->base.pid = s->base.ppid = -1;
	s->base.count = 1;
	s->base.in_file = s->o->file;
	s->base.in_line = s->lineno;
	if ((ts = sb_jdoc_str(sb_jdoc_get(&s->doc, root, "time"))) &&
	    sb_time_rfc3339(ts, strlen(ts), &s->base.ts) < 0)
		return bad(s, sb_jdoc_get(&s->doc, root, "time")->off,
		    "expected an RFC 3339 '%s'", "time");
	(void)num(s, at(&s->doc, root, "process.audit_token.pid"),
	    &s->base.pid);
	(void)num(s, at(&s->doc, root, "process.ppid"), &s->base.ppid);
	s->base.exe = sb_jdoc_str(at(&s->doc, root,
	    "process.executable.path"));
	if (num(s, sb_jdoc_get(&s->doc, root, "global_seq_num"), &seq) == 0) {
		if (s->lastseq >= 0 && seq > s->lastseq + 1)
			s->st->dropped = 1;
		s->lastseq = seq;
	}
	event = sb_jdoc_get(&s->doc, root, "event");
	if (!event || event->type != SB_J_OBJECT || event->n != 1)
		return bad(s, event ? event->off : 0, "expected 'event' with "
		    "exactly one member%s", "");
	s->ev = sb_jdoc_first(&s->doc, event);
	s->emitted = 0;
	if (dispatch(s, s->ev->key) < 0)
		return bad(s, s->ev->off, "event '%s' lacks a field its "
		    "operation needs", s->ev->key);
	if (s->emitted)
		s->st->records++;
	else if (s->st->skipped == before)
		s->st->skipped++;
	return 0;
}

int
sb_import_eslogger(const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st)
{
	struct state s;
	struct sb_lines it;
	int r = 0;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.st = st;
	s.sink = sink;
	s.lastseq = -1;
	sb_arena_init(&s.a);
	sb_lines_init(&it, buf, len, o->first_line);
	while (!s.stop && sb_lines_next(&it)) {
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
		r = record(&s);
		sb_arena_reset(&s.a, mark);
		if (r < 0)
			break;
	}
	sb_jdoc_free(&s.doc);
	sb_arena_free(&s.a);
	return r < 0 || s.stop ? -1 : 0;
}
