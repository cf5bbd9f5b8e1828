/*
** covdb.c: everything that touches coverage.db, and the only file that
** includes sqlite3.h (DESIGN.md §3). It owns the file's identity and
** creation, the connection pragmas, crash detection, profile and run
** rows, the batch commit, the readers, merge and the checks. What an
** access means (attribution), how accesses are aggregated into batches
** (the recorder) and how a profile's identity is computed (identity.c)
** live elsewhere; this file only stores and reads rows.
**
** Transactions: every write is BEGIN IMMEDIATE … COMMIT, so concurrent
** writers serialize on the WAL write lock within busy_timeout; a failed
** statement rolls its whole transaction back.
*/
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/embed.h"
#include "common/util.h"
#include "coverage/covdb.h"
#include "coverage/jsondoc.h"
#include "kext/target.h"

/* coverage/schema.sql, embedded by coverage/module.mk */
extern const struct sb_embedded sb_covschema[];
extern const unsigned sb_covschema_count;

#define BUSY_TIMEOUT_MS 5000

/* Prepared statements kept for the life of the connection. */
enum stmt {
	ST_HIT, ST_ARM, ST_EVENT, ST_CAND, ST_PROC, ST_RUNCOUNT, ST_OBS,
	ST_COUNT
};

struct sb_covdb {
	sqlite3 *h;
	unsigned flags;
	struct sb_covdb_ops ops;
	char err[768];
	uint32_t crashed;               /* runs marked crashed at open */
	char boot[64];                  /* this machine's boot id */
	int64_t self_start;             /* this process's start time */
	sqlite3_stmt *st[ST_COUNT];
};

/* --- errors and small helpers -------------------------------------------- */

static int
seterr(struct sb_covdb *db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof db->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* "WHAT: sqlite's message" */
static int
sqlerr(struct sb_covdb *db, const char *what)
{
	return seterr(db, "%s: %s", what, sqlite3_errmsg(db->h));
}

const char *
sb_covdb_errmsg(const struct sb_covdb *db)
{
	return db ? db->err : "out of memory";
}

uint32_t
sb_covdb_crashed(const struct sb_covdb *db)
{
	return db->crashed;
}

void
sb_cov_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

const char *
sb_run_status_name(enum sb_run_status st)
{
	static const char *const names[] = { "running", "complete", "partial",
		"crashed" };

	return (unsigned)st < countof(names) ? names[st] : "?";
}

const char *
sb_match_status_name(enum sb_match_status st)
{
	static const char *const names[] = { "exact", "ambiguous",
		"inconsistent", "unmatched" };

	return (unsigned)st < countof(names) ? names[st] : "?";
}

static enum sb_run_status
statusof(const char *s)
{
	if (s && strcmp(s, "complete") == 0)
		return SB_RUN_COMPLETE;
	if (s && strcmp(s, "partial") == 0)
		return SB_RUN_PARTIAL;
	if (s && strcmp(s, "crashed") == 0)
		return SB_RUN_CRASHED;
	return SB_RUN_RUNNING;
}

static const char *
decname(enum sb_decision d)
{
	return d == SB_DEC_ALLOW ? "allow" : d == SB_DEC_DENY ? "deny" :
	    "unknown";
}

static enum sb_decision
decof(const char *s)
{
	return s && strcmp(s, "allow") == 0 ? SB_DEC_ALLOW :
	    s && strcmp(s, "deny") == 0 ? SB_DEC_DENY : SB_DEC_UNKNOWN;
}

static const char *
kindname(enum sb_arg_kind k)
{
	static const char *const names[] = { "none", "path", "name", "address",
		"number" };

	return (unsigned)k < countof(names) ? names[k] : "none";
}

static int
exec(struct sb_covdb *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		seterr(db, "%s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void
rollback(struct sb_covdb *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* BEGIN IMMEDIATE: 0, SB_COVDB_BUSY, or -1. */
static int
begin(struct sb_covdb *db)
{
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY) {
		seterr(db, "coverage.db stayed locked for %d ms", BUSY_TIMEOUT_MS);
		return SB_COVDB_BUSY;
	}
	return sqlerr(db, "cannot start a transaction");
}

static int
commit(struct sb_covdb *db)
{
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlerr(db, "cannot commit");
		rollback(db);
		return -1;
	}
	return 0;
}

/* V (N elements of SIZE bytes, room for *CAP) with room for one more. */
static void *
grow(void *v, uint32_t n, uint32_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 16;
	return xrealloc(v, *cap * size);
}

static sqlite3_stmt *
prep(struct sb_covdb *db, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK) {
		sqlerr(db, "internal error preparing a statement");
		return NULL;
	}
	return s;
}

/* A cached statement, reset and with its bindings cleared. */
static sqlite3_stmt *
cached(struct sb_covdb *db, enum stmt which, const char *sql)
{
	if (!db->st[which] && !(db->st[which] = prep(db, sql)))
		return NULL;
	sqlite3_reset(db->st[which]);
	sqlite3_clear_bindings(db->st[which]);
	return db->st[which];
}

/* Step S to the end; 0 or -1 (S is reset either way). */
static int
run(struct sb_covdb *db, sqlite3_stmt *s, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sqlerr(db, what);
	return 0;
}

static void
bindtext(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void
bindblob(sqlite3_stmt *s, int i, const uint8_t *p, int n)
{
	if (p)
		sqlite3_bind_blob(s, i, p, n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void
bindopt(sqlite3_stmt *s, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static char *
coltext(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int
colblob(sqlite3_stmt *s, int i, uint8_t *out, int n)
{
	const void *p = sqlite3_column_blob(s, i);

	if (!p || sqlite3_column_bytes(s, i) != n)
		return -1;
	memcpy(out, p, (size_t)n);
	return 0;
}

int
sb_covdb_exec(struct sb_covdb *db, const char *sql)
{
	return exec(db, sql);
}

int
sb_covdb_query_i64(struct sb_covdb *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = prep(db, sql);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, "query");
	return rc == SQLITE_ROW ? 0 : seterr(db, "query returned no row");
}

/* --- the machine: clock, processes, boot --------------------------------- */

static int64_t
sysnow(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot. */
static int
sysprocstart(void *ctx, int64_t pid, int64_t *start)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;
	int field;

	(void)ctx;
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%" PRId64 "/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* the command name may hold spaces and parentheses: skip to the
	** last ')'; field 3 follows it */
	if (!(p = strrchr(buf, ')')))
		return -1;
	p++;
	for (field = 2; field < 22 && *p; field++) {
		while (*p == ' ')
			p++;
		if (field == 21)
			break;
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	if (!*p)
		return -1;
	*start = strtoll(p, NULL, 10);
	return 0;
}

static const char *
sysbootid(void *ctx)
{
	static char id[64];
	FILE *f;

	(void)ctx;
	if (id[0])
		return id;
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r"))) {
		if (fgets(id, sizeof id, f))
			id[strcspn(id, "\n")] = 0;
		fclose(f);
	}
	if (!id[0])
		snprintf(id, sizeof id, "unknown");
	return id;
}

int64_t
sb_covdb_now(const struct sb_covdb *db)
{
	return db->ops.now(db->ops.ctx);
}

/* Whether the writer of a 'running' row is gone (§2.4). */
static int
writergone(struct sb_covdb *db, int64_t pid, int64_t start, const char *boot)
{
	int64_t now;

	if (!boot || strcmp(boot, db->boot) != 0)
		return 1;
	if (db->ops.proc_start(db->ops.ctx, pid, &now) < 0)
		return 1;
	return now != start;
}

static void
randhex(char *out, size_t nbytes)
{
	uint8_t b[32];
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got = 0, i;

	if (nbytes > sizeof b)
		nbytes = sizeof b;
	if (f) {
		got = fread(b, 1, nbytes, f);
		fclose(f);
	}
	if (got < nbytes) {
		/* no /dev/urandom: time, pid and a counter still separate runs */
		static unsigned counter;
		uint64_t x = (uint64_t)sysnow(NULL) ^ ((uint64_t)getpid() << 32) ^
		    ++counter;
		for (i = 0; i < nbytes; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			b[i] = (uint8_t)(x >> 56);
		}
	}
	sb_cov_hex(b, nbytes, out);
}

/* --- creation and opening (§2.1, §2.8) ------------------------------------ */

/* Linux statfs magic numbers of filesystems WAL cannot trust. */
static int
netfs(const char *path, char *what, size_t n)
{
	static const struct {
		long magic;
		const char *name;
	} bad[] = {
		{ 0x6969, "NFS" }, { 0x517b, "SMB" }, { (long)0xff534d42, "CIFS" },
		{ (long)0xfe534d42, "SMB2" }, { 0x65735546, "FUSE" },
	};
	struct statfs s;
	size_t i;

	if (statfs(path, &s) < 0)
		return 0;
	for (i = 0; i < countof(bad); i++)
		if ((long)s.f_type == bad[i].magic ||
		    (unsigned long)s.f_type == (unsigned long)(unsigned)bad[i].magic) {
			snprintf(what, n, "%s", bad[i].name);
			return 1;
		}
	return 0;
}

static void
dirof(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, n, ".");
	else if (slash == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
}

static const char *
schematext(void)
{
	unsigned i;

	for (i = 0; i < sb_covschema_count; i++)
		if (strcmp(sb_covschema[i].name, "schema.sql") == 0)
			return sb_covschema[i].text;
	return NULL;
}

/* Skip white space and "--" comments. */
static const char *
skipsql(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (p[0] != '-' || p[1] != '-')
			return p;
		while (*p && *p != '\n')
			p++;
	}
}

/*
** Apply schema.sql on H: its PRAGMA lines first, outside any transaction
** (journal_mode cannot change inside one), then everything else in one
** transaction (§2.2).
*/
static int
applyschema(struct sb_covdb *db)
{
	const char *p = schematext(), *tail;
	int intx = 0;

	if (!p)
		return seterr(db, "internal error: schema.sql is not embedded");
	for (;;) {
		sqlite3_stmt *s = NULL;
		int rc;

		p = skipsql(p);
		if (!*p)
			break;
		if (strncmp(p, "PRAGMA", 6) != 0 && !intx) {
			if (exec(db, "BEGIN") < 0)
				return -1;
			intx = 1;
		}
		if (sqlite3_prepare_v2(db->h, p, -1, &s, &tail) != SQLITE_OK) {
			sqlerr(db, "internal error in schema.sql");
			rollback(db);
			return -1;
		}
		p = tail;
		if (!s)
			continue;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			sqlerr(db, "cannot create the schema");
			rollback(db);
			return -1;
		}
	}
	return intx ? commit(db) : 0;
}

static int
createmeta(struct sb_covdb *db)
{
	sqlite3_stmt *s;
	char at[32], hist[160];
	int64_t now = sb_covdb_now(db);

	snprintf(at, sizeof at, "%" PRId64, now);
	snprintf(hist, sizeof hist, "[{\"version\":%d,\"tool\":\"sbpl-tools %s\","
	    "\"at\":%" PRId64 "}]", SB_COVDB_SCHEMA_VERSION, SB_VERSION, now);
	if (!(s = prep(db, "INSERT INTO meta(key, value) VALUES "
	    "('created_by', ?1), ('created_at', ?2), ('schema_history', ?3)")))
		return -1;
	sqlite3_bind_text(s, 1, "sbpl-tools " SB_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, hist, -1, SQLITE_TRANSIENT);
	if (run(db, s, "cannot write meta") < 0) {
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/*
** Build PATH as a temporary file beside it, then link it into place: a
** failed creation leaves nothing, and of two creators racing, the second
** finds the first one's file and uses it.
*/
static int
create(struct sb_covdb *db, const char *path)
{
	size_t n = strlen(path) + 16;
	char *tmp = xmalloc(n);
	int fd, r = -1;

	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		seterr(db, "cannot create '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &db->h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		sqlerr(db, "cannot create coverage.db");
		goto out;
	}
	if (applyschema(db) < 0 || createmeta(db) < 0)
		goto out;
	if (sqlite3_close(db->h) != SQLITE_OK) {
		sqlerr(db, "cannot close the new coverage.db");
		goto out;
	}
	db->h = NULL;
	if (link(tmp, path) < 0 && errno != EEXIST) {
		seterr(db, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (db->h) {
		sqlite3_close(db->h);
		db->h = NULL;
	}
	unlink(tmp);
	{
		/* a connection that failed half-way may leave these */
		char side[PATH_MAX + 8];
		snprintf(side, sizeof side, "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", tmp);
		unlink(side);
	}
	free(tmp);
	return r;
}

/* application_id and user_version (§2.1): "not a coverage database" etc. */
static int
checkid(struct sb_covdb *db, const char *path)
{
	int64_t id = 0, version = 0;

	if (sb_covdb_query_i64(db, "PRAGMA application_id", &id) < 0 ||
	    id != SB_COVDB_APPLICATION_ID)
		return seterr(db, "'%s' is not a coverage database", path);
	if (sb_covdb_query_i64(db, "PRAGMA user_version", &version) < 0)
		return seterr(db, "'%s' is not a coverage database", path);
	if (version > SB_COVDB_SCHEMA_VERSION)
		return seterr(db, "'%s' has schema version %" PRId64 ", newer "
		    "than version %d that this sbpl-tools reads: use a newer "
		    "sbpl-tools", path, version, SB_COVDB_SCHEMA_VERSION);
	if (version < SB_COVDB_SCHEMA_VERSION)
		/* §2.8: no older version exists yet, so nothing migrates */
		return seterr(db, "'%s' has schema version %" PRId64 ", which "
		    "no sbpl-tools wrote: not a coverage database", path,
		    version);
	return 0;
}

/* Mark crashed every 'running' run whose writer is gone (§2.4). */
static int
markcrashed(struct sb_covdb *db)
{
	sqlite3_stmt *s, *u;
	int64_t *ids = NULL;
	uint32_t n = 0, cap = 0, i;
	int rc, r = -1;

	if (!(s = prep(db, "SELECT run_id, writer_pid, writer_start, boot_id "
	    "FROM runs WHERE status = 'running'")))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!writergone(db, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2),
		    (const char *)sqlite3_column_text(s, 3)))
			continue;
		ids = grow(ids, n, &cap, sizeof *ids);
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(ids);
		return sqlerr(db, "cannot read runs");
	}
	if (n == 0)
		return 0;
	if ((rc = begin(db)) != 0) {
		free(ids);
		return -1;
	}
	if (!(u = prep(db, "UPDATE runs SET status = 'crashed', ended_at = "
	    "heartbeat_at WHERE run_id = ?1 AND status = 'running'")))
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(u, 1, ids[i]);
		if (run(db, u, "cannot mark a crashed run") < 0)
			goto out;
		db->crashed += (uint32_t)sqlite3_changes(db->h);
	}
	r = commit(db);
out:
	if (r < 0)
		rollback(db);
	sqlite3_finalize(u);
	free(ids);
	return r;
}

int
sb_covdb_open(struct sb_covdb **out, const char *path, unsigned flags,
    const struct sb_covdb_ops *ops, char *err, size_t errsize)
{
	struct sb_covdb *db = xcalloc(1, sizeof *db);
	char dir[PATH_MAX], fs[16];
	struct stat st;
	int ro = (flags & SB_COVDB_READONLY) != 0;

	*out = NULL;
	db->flags = flags;
	if (ops)
		db->ops = *ops;
	if (!db->ops.now)
		db->ops.now = sysnow;
	if (!db->ops.proc_start)
		db->ops.proc_start = sysprocstart;
	if (!db->ops.boot_id)
		db->ops.boot_id = sysbootid;
	snprintf(db->boot, sizeof db->boot, "%s", db->ops.boot_id(db->ops.ctx));
	if (db->ops.proc_start(db->ops.ctx, getpid(), &db->self_start) < 0)
		db->self_start = 0;
	dirof(path, dir, sizeof dir);
	if (netfs(dir, fs, sizeof fs)) {
		seterr(db, "'%s' is on a network filesystem (%s); coverage.db "
		    "needs a local path (WAL needs shared memory and reliable "
		    "locks)", path, fs);
		goto fail;
	}
	if (stat(path, &st) < 0) {
		if (errno != ENOENT || !(flags & SB_COVDB_CREATE) || ro) {
			seterr(db, "cannot open '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (create(db, path) < 0)
			goto fail;
	} else if (!S_ISREG(st.st_mode)) {
		seterr(db, "'%s' is not a coverage database", path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &db->h, ro ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		if (db->h)
			sqlerr(db, path);
		else
			seterr(db, "cannot open '%s'", path);
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	if (checkid(db, path) < 0)
		goto fail;
	if (exec(db, "PRAGMA foreign_keys = ON") < 0 ||
	    exec(db, flags & SB_COVDB_SYNC_FULL ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL") < 0)
		goto fail;
	if (!ro && markcrashed(db) < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	snprintf(err, errsize, "%s", db->err);
	sb_covdb_close(db);
	return -1;
}

void
sb_covdb_close(struct sb_covdb *db)
{
	unsigned i;

	if (!db)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	if (db->h)
		sqlite3_close(db->h);
	free(db);
}

/* --- profiles (§2.3) -------------------------------------------------------- */

/* The main files this database belongs to: meta 'main_files', a JSON array. */
static int
mainfiles(struct sb_covdb *db, char **json)
{
	sqlite3_stmt *s = prep(db, "SELECT value FROM meta WHERE key = "
	    "'main_files'");
	int rc;

	*json = NULL;
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*json = coltext(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, "cannot read meta");
	return 0;
}

/* Whether JSON (an array of strings) holds NAME; *FIRST gets the first. */
static int
jsonhas(const char *json, const char *name, char *first, size_t n)
{
	struct sb_jdoc d = SB_JDOC_INIT;
	const struct sb_jnode *v;
	int found = 0;

	first[0] = 0;
	if (json && sb_jdoc_parse(&d, json, strlen(json)) == 0)
		for (v = sb_jdoc_first(&d, &d.v[0]); v; v = sb_jdoc_next(&d, v)) {
			if (!first[0] && v->s)
				snprintf(first, n, "%s", v->s);
			if (v->s && strcmp(v->s, name) == 0)
				found = 1;
		}
	sb_jdoc_free(&d);
	return found;
}

/* JSON string literal of S into B (no escapes beyond the required). */
static void
jsonstr(char **b, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + 6 * strlen(s) + 4;
	const unsigned char *p;

	if (need > *cap)
		*b = xrealloc(*b, *cap = need * 2);
	(*b)[(*len)++] = '"';
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			(*b)[(*len)++] = '\\';
			(*b)[(*len)++] = (char)*p;
		} else if (*p < 0x20) {
			*len += (size_t)sprintf(*b + *len, "\\u%04x", *p);
		} else {
			(*b)[(*len)++] = (char)*p;
		}
	}
	(*b)[(*len)++] = '"';
	(*b)[*len] = 0;
}

/* Append NAME to the JSON array OLD (NULL: a new array); caller frees. */
static char *
jsonadd(const char *old, const char *name)
{
	size_t len = 0, cap = 0;
	char *b = NULL;

	if (old && strlen(old) >= 2 && strcmp(old, "[]") != 0) {
		cap = strlen(old) + 16;
		b = xmalloc(cap);
		len = strlen(old) - 1;          /* drop the ']' */
		memcpy(b, old, len);
		b[len++] = ',';
	} else {
		cap = 16;
		b = xmalloc(cap);
		b[len++] = '[';
	}
	jsonstr(&b, &len, &cap, name);
	if (len + 2 > cap)
		b = xrealloc(b, cap = len + 2);
	b[len++] = ']';
	b[len] = 0;
	return b;
}

static int
setmainfiles(struct sb_covdb *db, const char *json)
{
	sqlite3_stmt *s = prep(db, "INSERT INTO meta(key, value) VALUES "
	    "('main_files', ?1) ON CONFLICT(key) DO UPDATE SET value = "
	    "excluded.value");
	int r;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, json, -1, SQLITE_TRANSIENT);
	r = run(db, s, "cannot write meta");
	sqlite3_finalize(s);
	return r;
}

/*
** The one-main-file rule of §2.3 for NAME, inside the caller's
** transaction: recorded when the file has none, added with FORCE.
*/
static int
claimmain(struct sb_covdb *db, const char *name, int force)
{
	char *json, first[256];
	int r = 0;

	if (mainfiles(db, &json) < 0)
		return -1;
	if (!json || !jsonhas(json, name, first, sizeof first)) {
		if (json && first[0] && !force) {
			r = seterr(db, "coverage.db belongs to profile '%s', not "
			    "'%s' (--force-profile adds it as another main "
			    "file)", first, name);
		} else {
			char *n = jsonadd(json, name);
			r = setmainfiles(db, n);
			free(n);
		}
	}
	free(json);
	return r;
}

static int
insertsources(struct sb_covdb *db, int64_t id, const struct sb_covprofile *p)
{
	sqlite3_stmt *s = prep(db, "INSERT OR IGNORE INTO profile_sources"
	    "(profile_id, src_no, origin, path, sha256, size) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	uint32_t i;
	int r = 0;

	if (!s)
		return -1;
	for (i = 0; i < p->nsources && r == 0; i++) {
		const struct sb_covsource *x = &p->sources[i];
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, x->src_no);
		bindtext(s, 3, x->origin);
		bindtext(s, 4, x->path);
		bindblob(s, 5, x->sha256, 32);
		sqlite3_bind_int64(s, 6, (int64_t)x->size);
		r = run(db, s, "cannot record a profile source");
	}
	sqlite3_finalize(s);
	return r;
}

static int
insertrules(struct sb_covdb *db, int64_t id, const struct sb_covprofile *p)
{
	sqlite3_stmt *s = prep(db, "INSERT OR IGNORE INTO rules(profile_id, "
	    "rule_id, fingerprint, action, operations, modifiers, canonical, "
	    "origin, src_no, line, col, end_line, end_col, anchor_src_no, "
	    "anchor_line, narms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16)");
	sqlite3_stmt *a = prep(db, "INSERT OR IGNORE INTO rule_arms(profile_id, "
	    "rule_id, arm_no, arm_hash, src_no, line, col, end_line, end_col) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	uint32_t i, k;
	int r = s && a ? 0 : -1;

	for (i = 0; i < p->nrules && r == 0; i++) {
		const struct sb_covrule *x = &p->rules[i];
		int site = x->src_no >= 0;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, x->id);
		bindtext(s, 3, x->fingerprint);
		bindtext(s, 4, x->action);
		bindtext(s, 5, x->operations);
		bindtext(s, 6, x->modifiers);
		bindtext(s, 7, x->canonical);
		bindtext(s, 8, x->origin);
		bindopt(s, 9, x->src_no, site);
		bindopt(s, 10, x->line, site);
		bindopt(s, 11, x->col, site);
		bindopt(s, 12, x->end_line, site);
		bindopt(s, 13, x->end_col, site);
		bindopt(s, 14, x->anchor_src_no, x->anchor_src_no >= 0);
		bindopt(s, 15, x->anchor_line, x->anchor_src_no >= 0);
		sqlite3_bind_int64(s, 16, x->narms ? x->narms : 1);
		if ((r = run(db, s, "cannot record a rule")) < 0)
			break;
		for (k = 0; x->arms && k < x->narms && r == 0; k++) {
			const struct sb_covarm *m = &x->arms[k];
			int msite = m->src_no >= 0;
			sqlite3_bind_int64(a, 1, id);
			sqlite3_bind_int64(a, 2, x->id);
			sqlite3_bind_int64(a, 3, m->arm_no);
			bindtext(a, 4, m->hash);
			bindopt(a, 5, m->src_no, msite);
			bindopt(a, 6, m->line, msite);
			bindopt(a, 7, m->col, msite);
			bindopt(a, 8, m->end_line, msite);
			bindopt(a, 9, m->end_col, msite);
			r = run(db, a, "cannot record an alternative");
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(a);
	return r;
}

int
sb_covdb_profile_find(struct sb_covdb *db, const uint8_t key[32], int64_t *id)
{
	sqlite3_stmt *s = prep(db, "SELECT profile_id FROM profiles WHERE "
	    "profile_key = ?1");
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, key, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, "cannot read profiles");
	return rc == SQLITE_ROW;
}

int
sb_covdb_profile(struct sb_covdb *db, const struct sb_covprofile *p,
    int force_profile, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int r = -1, inserted;

	if (begin(db) != 0)
		return -1;
	if (claimmain(db, p->main_name, force_profile) < 0)
		goto out;
	if (!(s = prep(db, "INSERT INTO profiles(profile_key, blob_sha256, "
	    "report_blob_sha256, rules_sha256, params_sha256, params_json, "
	    "entitlements_sha256, target, main_file, main_name, "
	    "compiler_version, rule_count, created_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	    "ON CONFLICT(profile_key) DO NOTHING")))
		goto out;
	bindblob(s, 1, p->key, 32);
	bindblob(s, 2, p->blob_sha256, 32);
	bindblob(s, 3, p->has_report_blob ? p->report_blob_sha256 : NULL, 32);
	bindblob(s, 4, p->rules_sha256, 32);
	bindblob(s, 5, p->params_sha256, 32);
	bindtext(s, 6, p->params_json);
	bindblob(s, 7, p->has_entitlements ? p->entitlements_sha256 : NULL, 32);
	bindtext(s, 8, p->target);
	bindtext(s, 9, p->main_file);
	bindtext(s, 10, p->main_name);
	bindtext(s, 11, p->compiler_version);
	sqlite3_bind_int64(s, 12, p->nrules ? p->nrules - 1 : 0);
	sqlite3_bind_int64(s, 13, sb_covdb_now(db));
	if (run(db, s, "cannot record the profile") < 0)
		goto out;
	inserted = sqlite3_changes(db->h) > 0;
	if (sb_covdb_profile_find(db, p->key, id) != 1)
		goto out;
	/* sources, rules and arms come with the profile row, once */
	if (inserted && (insertsources(db, *id, p) < 0 ||
	    insertrules(db, *id, p) < 0))
		goto out;
	r = commit(db);
out:
	sqlite3_finalize(s);
	if (r < 0)
		rollback(db);
	return r;
}

/* --- runs (§2.4) ------------------------------------------------------------ */

int
sb_covdb_run_begin(struct sb_covdb *db, const struct sb_covrun *r,
    int64_t *run_id, char *uuidout)
{
	sqlite3_stmt *s = NULL, *o = NULL;
	struct utsname u;
	char uuid[33];
	int64_t now = sb_covdb_now(db);
	uint32_t i;
	int ret = -1;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof u);
	randhex(uuid, 16);
	if (begin(db) != 0)
		return -1;
	if (!(s = prep(db, "INSERT INTO runs(run_uuid, profile_id, source, "
	    "evaluated_blob, label, continues, tool_version, command_json, "
	    "host, os, kernel, started_at, heartbeat_at, status, writer_pid, "
	    "writer_start, boot_id, assumptions_json, path_map_json, "
	    "lower_bounds, import_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?12, 'running', ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19)")))
		goto out;
	bindtext(s, 1, uuid);
	sqlite3_bind_int64(s, 2, r->profile_id);
	bindtext(s, 3, r->source);
	bindblob(s, 4, r->evaluated_blob, 32);
	bindtext(s, 5, r->label);
	bindopt(s, 6, r->continues, r->continues > 0);
	bindtext(s, 7, "sbpl-mirror " SB_VERSION);
	bindtext(s, 8, r->command_json);
	bindtext(s, 9, u.nodename[0] ? u.nodename : "unknown");
	bindtext(s, 10, u.sysname[0] ? u.sysname : "unknown");
	bindtext(s, 11, u.release[0] ? u.release : NULL);
	sqlite3_bind_int64(s, 12, now);
	sqlite3_bind_int64(s, 13, getpid());
	sqlite3_bind_int64(s, 14, db->self_start);
	bindtext(s, 15, db->boot);
	bindtext(s, 16, r->assumptions_json);
	bindtext(s, 17, r->path_map_json);
	sqlite3_bind_int(s, 18, r->lower_bounds != 0);
	bindblob(s, 19, r->import_digest, 32);
	if (run(db, s, "cannot start a run") < 0)
		goto out;
	*run_id = sqlite3_last_insert_rowid(db->h);
	if (!(o = prep(db, "INSERT OR IGNORE INTO run_observable(run_id, "
	    "operation) VALUES (?1, ?2)")))
		goto out;
	for (i = 0; i < r->nobservable; i++) {
		sqlite3_bind_int64(o, 1, *run_id);
		bindtext(o, 2, r->observable[i]);
		if (run(db, o, "cannot record observable operations") < 0)
			goto out;
	}
	if ((ret = commit(db)) == 0 && uuidout)
		memcpy(uuidout, uuid, 33);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(o);
	if (ret < 0)
		rollback(db);
	return ret;
}

int
sb_covdb_run_end(struct sb_covdb *db, int64_t run_id,
    enum sb_run_status status, const char *partial_reasons,
    const int *exit_code)
{
	sqlite3_stmt *s;
	int64_t now = sb_covdb_now(db);
	int r = -1;

	if (begin(db) != 0)
		return -1;
	if (!(s = prep(db, "UPDATE runs SET status = ?2, ended_at = ?3, "
	    "heartbeat_at = ?3, partial_reasons = ?4, exit_code = ?5 "
	    "WHERE run_id = ?1")))
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	bindtext(s, 2, sb_run_status_name(status));
	sqlite3_bind_int64(s, 3, now);
	bindtext(s, 4, partial_reasons && *partial_reasons ? partial_reasons :
	    NULL);
	bindopt(s, 5, exit_code ? *exit_code : 0, exit_code != NULL);
	if (run(db, s, "cannot finish the run") == 0)
		r = commit(db);
	sqlite3_finalize(s);
out:
	if (r < 0) {
		rollback(db);
		return -1;
	}
	/* §2.7: passive, so another writer's WAL is never truncated */
	sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
	    NULL);
	return 0;
}

static int
deleterun(struct sb_covdb *db, int64_t run_id)
{
	sqlite3_stmt *u = prep(db, "UPDATE runs SET continues = NULL WHERE "
	    "continues = ?1");
	sqlite3_stmt *d = prep(db, "DELETE FROM runs WHERE run_id = ?1");
	int r = u && d ? 0 : -1;

	if (r == 0) {
		sqlite3_bind_int64(u, 1, run_id);
		sqlite3_bind_int64(d, 1, run_id);
		r = run(db, u, "cannot delete a run");
		if (r == 0)
			r = run(db, d, "cannot delete a run");
	}
	sqlite3_finalize(u);
	sqlite3_finalize(d);
	return r;
}

int
sb_covdb_run_delete(struct sb_covdb *db, int64_t run_id)
{
	if (begin(db) != 0)
		return -1;
	if (deleterun(db, run_id) < 0) {
		rollback(db);
		return -1;
	}
	return commit(db);
}

/* --- imports (§2.6) ------------------------------------------------------- */

int
sb_covdb_import_put(struct sb_covdb *db, int64_t run_id,
    const struct sb_covimport *im)
{
	sqlite3_stmt *s;
	int r = -1;

	if (begin(db) != 0)
		return -1;
	if (!(s = prep(db, "INSERT OR REPLACE INTO imports(run_id, format, "
	    "source_id, path, byte_start, byte_end, line_start, prefix_sha256, "
	    "records, skipped, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11)")))
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	bindtext(s, 2, im->format);
	bindblob(s, 3, im->source_id, 32);
	bindtext(s, 4, im->path);
	sqlite3_bind_int64(s, 5, (int64_t)im->byte_start);
	sqlite3_bind_int64(s, 6, (int64_t)im->byte_end);
	sqlite3_bind_int64(s, 7, (int64_t)im->line_start);
	bindblob(s, 8, im->prefix_sha256, 32);
	sqlite3_bind_int64(s, 9, (int64_t)im->records);
	sqlite3_bind_int64(s, 10, (int64_t)im->skipped);
	sqlite3_bind_int64(s, 11, (int64_t)im->rejected);
	if (run(db, s, "cannot record the import") == 0)
		r = commit(db);
	sqlite3_finalize(s);
out:
	if (r < 0)
		rollback(db);
	return r;
}

int
sb_covdb_import_tails(struct sb_covdb *db, const uint8_t source_id[32],
    struct sb_covtail *t, uint32_t max, uint32_t *n)
{
	sqlite3_stmt *s = prep(db, "SELECT i.run_id, coalesce(r.continues, "
	    "r.run_id), i.byte_end, i.prefix_sha256 FROM imports i JOIN runs r "
	    "ON r.run_id = i.run_id WHERE i.source_id = ?1 AND r.status IN "
	    "('complete', 'partial') ORDER BY i.byte_end DESC, i.run_id DESC "
	    "LIMIT ?2");
	int rc;

	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, source_id, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
		t[*n].run_id = sqlite3_column_int64(s, 0);
		t[*n].chain = sqlite3_column_int64(s, 1);
		t[*n].byte_end = (uint64_t)sqlite3_column_int64(s, 2);
		if (colblob(s, 3, t[*n].prefix_sha256, 32) == 0)
			(*n)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, "cannot read imports");
	return 0;
}

int
sb_covdb_digest_find(struct sb_covdb *db, const uint8_t digest[32],
    int64_t *run_id, enum sb_run_status *status)
{
	sqlite3_stmt *s = prep(db, "SELECT run_id, status, writer_pid, "
	    "writer_start, boot_id FROM runs WHERE import_digest = ?1");
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, digest, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(s, 0);
		*status = statusof((const char *)sqlite3_column_text(s, 1));
		if (*status == SB_RUN_RUNNING && writergone(db,
		    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
		    (const char *)sqlite3_column_text(s, 4)))
			*status = SB_RUN_CRASHED;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db, "cannot read runs");
	return rc == SQLITE_ROW;
}

int
sb_covdb_import_drop_crashed(struct sb_covdb *db, const uint8_t source_id[32],
    uint64_t byte_start, uint32_t *n)
{
	sqlite3_stmt *s;
	int64_t ids[64];
	uint32_t k = 0, i;
	int rc;

	*n = 0;
	if (!(s = prep(db, "SELECT i.run_id FROM imports i JOIN runs r ON "
	    "r.run_id = i.run_id WHERE i.source_id = ?1 AND i.byte_start >= ?2 "
	    "AND r.status = 'crashed' LIMIT 64")))
		return -1;
	sqlite3_bind_blob(s, 1, source_id, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, (int64_t)byte_start);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		ids[k++] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlerr(db, "cannot read imports");
	for (i = 0; i < k; i++) {
		if (sb_covdb_run_delete(db, ids[i]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* --- the batch (§2.5) ------------------------------------------------------- */

static int
putevent(struct sb_covdb *db, int64_t run_id, const struct sb_covevent *e)
{
	sqlite3_stmt *s = cached(db, ST_EVENT, "INSERT INTO events(run_id, "
	    "seq, ts_ns, pid, proc_start_ns, operation, argument, arg_kind, "
	    "literal_path, facts_json, syscall, errno, approx, "
	    "reported_decision, decision, rule_id, match_status, dup_count, "
	    "message, stack, input_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
	    "?21)");
	sqlite3_stmt *c;
	int64_t id;
	uint32_t i;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, e->seq);
	sqlite3_bind_int64(s, 3, e->ts);
	bindopt(s, 4, e->pid, e->pid >= 0);
	bindopt(s, 5, e->proc_start, e->pid >= 0 && e->proc_start >= 0);
	bindtext(s, 6, e->operation);
	bindtext(s, 7, e->argument);
	bindtext(s, 8, kindname(e->kind));
	bindtext(s, 9, e->literal_path);
	bindtext(s, 10, e->facts_json);
	bindtext(s, 11, e->syscall);
	bindopt(s, 12, e->err, e->err != 0 || e->syscall);
	sqlite3_bind_int(s, 13, e->approx != 0);
	bindtext(s, 14, e->reported == SB_DEC_UNKNOWN ? NULL :
	    decname(e->reported));
	bindtext(s, 15, decname(e->decision));
	sqlite3_bind_int64(s, 16, e->rule);
	bindtext(s, 17, sb_match_status_name(e->status));
	sqlite3_bind_int64(s, 18, (int64_t)e->dup);
	bindtext(s, 19, e->message);
	bindtext(s, 20, e->stack);
	bindopt(s, 21, (int64_t)e->input_line, e->input_line > 0);
	if (run(db, s, "cannot write an event") < 0)
		return -1;
	id = sqlite3_last_insert_rowid(db->h);
	for (i = 0; i < e->ncands; i++) {
		if (!(c = cached(db, ST_CAND, "INSERT OR IGNORE INTO "
		    "event_candidates(event_id, rule_id) VALUES (?1, ?2)")))
			return -1;
		sqlite3_bind_int64(c, 1, id);
		sqlite3_bind_int64(c, 2, e->cands[i]);
		if (run(db, c, "cannot write a candidate") < 0)
			return -1;
	}
	return 0;
}

static int
puthit(struct sb_covdb *db, int64_t run_id, const struct sb_covhit *h)
{
	sqlite3_stmt *s = cached(db, ST_HIT, "INSERT INTO hits(run_id, rule_id, "
	    "operation, decision, decided, decided_approx, decided_ambiguous, "
	    "matched_overridden, inconsistent, first_ns, last_ns, "
	    "sample_argument) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12) ON CONFLICT(run_id, rule_id, operation, decision) DO "
	    "UPDATE SET decided = decided + excluded.decided, decided_approx = "
	    "decided_approx + excluded.decided_approx, decided_ambiguous = "
	    "decided_ambiguous + excluded.decided_ambiguous, "
	    "matched_overridden = matched_overridden + "
	    "excluded.matched_overridden, inconsistent = inconsistent + "
	    "excluded.inconsistent, first_ns = min(first_ns, "
	    "excluded.first_ns), last_ns = max(last_ns, excluded.last_ns), "
	    "sample_argument = coalesce(sample_argument, "
	    "excluded.sample_argument)");

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, h->rule);
	bindtext(s, 3, h->operation);
	bindtext(s, 4, h->decision == SB_DEC_ALLOW ? "allow" : "deny");
	sqlite3_bind_int64(s, 5, (int64_t)h->decided);
	sqlite3_bind_int64(s, 6, (int64_t)h->decided_approx);
	sqlite3_bind_int64(s, 7, (int64_t)h->decided_ambiguous);
	sqlite3_bind_int64(s, 8, (int64_t)h->matched_overridden);
	sqlite3_bind_int64(s, 9, (int64_t)h->inconsistent);
	sqlite3_bind_int64(s, 10, h->first_ns);
	sqlite3_bind_int64(s, 11, h->last_ns);
	bindtext(s, 12, h->sample);
	return run(db, s, "cannot write hits");
}

static int
putarm(struct sb_covdb *db, int64_t run_id, const struct sb_covarmhit *a)
{
	sqlite3_stmt *s = cached(db, ST_ARM, "INSERT INTO arm_hits(run_id, "
	    "rule_id, arm_no, matched) VALUES (?1, ?2, ?3, ?4) ON "
	    "CONFLICT(run_id, rule_id, arm_no) DO UPDATE SET matched = matched "
	    "+ excluded.matched");

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, a->rule);
	sqlite3_bind_int64(s, 3, a->arm);
	sqlite3_bind_int64(s, 4, (int64_t)a->matched);
	return run(db, s, "cannot write arm hits");
}

static int
putproc(struct sb_covdb *db, int64_t run_id, const struct sb_covproc *p)
{
	sqlite3_stmt *s = cached(db, ST_PROC, "INSERT INTO processes(run_id, "
	    "pid, start_ns, start_known, ppid, parent_start_ns, exe, argv_json, "
	    "end_ns, exit_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10) ON CONFLICT(run_id, pid, start_ns) DO UPDATE SET ppid = "
	    "coalesce(ppid, excluded.ppid), parent_start_ns = "
	    "coalesce(parent_start_ns, excluded.parent_start_ns), exe = "
	    "coalesce(excluded.exe, exe), argv_json = coalesce(excluded.argv_json, "
	    "argv_json), end_ns = coalesce(excluded.end_ns, end_ns), "
	    "exit_status = coalesce(excluded.exit_status, exit_status)");

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, p->pid);
	sqlite3_bind_int64(s, 3, p->start_ns);
	sqlite3_bind_int(s, 4, p->start_known != 0);
	bindopt(s, 5, p->ppid, p->ppid >= 0);
	bindopt(s, 6, p->parent_start, p->parent_start >= 0);
	bindtext(s, 7, p->exe);
	bindtext(s, 8, p->argv_json);
	bindopt(s, 9, p->end_ns, p->end_ns >= 0);
	bindopt(s, 10, p->exit_status, p->end_ns >= 0);
	return run(db, s, "cannot write a process");
}

int
sb_covdb_commit(struct sb_covdb *db, int64_t run_id,
    const struct sb_covbatch *b)
{
	sqlite3_stmt *s;
	uint32_t i;
	int rc;

	if ((rc = begin(db)) != 0)
		return rc;
	for (i = 0; i < b->nevents; i++)
		if (putevent(db, run_id, &b->events[i]) < 0)
			goto fail;
	for (i = 0; i < b->nhits; i++)
		if (puthit(db, run_id, &b->hits[i]) < 0)
			goto fail;
	for (i = 0; i < b->narms; i++)
		if (putarm(db, run_id, &b->arms[i]) < 0)
			goto fail;
	for (i = 0; i < b->nprocs; i++)
		if (putproc(db, run_id, &b->procs[i]) < 0)
			goto fail;
	if (!(s = cached(db, ST_RUNCOUNT, "UPDATE runs SET accesses = accesses "
	    "+ ?2, inconsistent = inconsistent + ?3, events_kept = events_kept "
	    "+ ?4, events_dropped = events_dropped + ?5, heartbeat_at = ?6 "
	    "WHERE run_id = ?1")))
		goto fail;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, (int64_t)b->accesses);
	sqlite3_bind_int64(s, 3, (int64_t)b->inconsistent);
	sqlite3_bind_int64(s, 4, b->nevents);
	sqlite3_bind_int64(s, 5, (int64_t)b->events_dropped);
	sqlite3_bind_int64(s, 6, sb_covdb_now(db));
	if (run(db, s, "cannot update the run") < 0)
		goto fail;
	rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	sqlerr(db, "cannot commit a batch");
	rollback(db);
	return (rc & 0xff) == SQLITE_BUSY ? SB_COVDB_BUSY : -1;
fail:
	rollback(db);
	return -1;
}

/* --- readers ------------------------------------------------------------------ */

int
sb_covdb_profiles_read(struct sb_covdb *db, struct sb_covprofile_row **rows,
    uint32_t *n)
{
	sqlite3_stmt *s = prep(db, "SELECT profile_id, profile_key, "
	    "blob_sha256, main_file, main_name, target, params_json, "
	    "compiler_version, rule_count, created_at FROM profiles ORDER BY "
	    "profile_id");
	uint32_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covprofile_row *p;
		*rows = grow(*rows, *n, &cap, sizeof **rows);
		p = &(*rows)[(*n)++];
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(s, 0);
		(void)colblob(s, 1, p->key, 32);
		(void)colblob(s, 2, p->blob_sha256, 32);
		p->main_file = coltext(s, 3);
		p->main_name = coltext(s, 4);
		p->target = coltext(s, 5);
		p->params_json = coltext(s, 6);
		p->compiler_version = coltext(s, 7);
		p->rule_count = (uint32_t)sqlite3_column_int64(s, 8);
		p->created_at = sqlite3_column_int64(s, 9);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		sb_covdb_profiles_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return sqlerr(db, "cannot read profiles");
	}
	return 0;
}

void
sb_covdb_profiles_free(struct sb_covprofile_row *rows, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].main_file);
		free(rows[i].main_name);
		free(rows[i].target);
		free(rows[i].params_json);
		free(rows[i].compiler_version);
	}
	free(rows);
}

static int
selected(const struct sb_covsel *sel, const struct sb_covrun_row *r)
{
	uint32_t i;

	if (!sel)
		return 1;
	if (sel->nruns) {
		for (i = 0; i < sel->nruns; i++)
			if (sel->runs[i] == r->id)
				break;
		if (i == sel->nruns)
			return 0;
	}
	if (sel->complete_only && r->status != SB_RUN_COMPLETE)
		return 0;
	if (sel->since && r->started_at < sel->since)
		return 0;
	if (sel->until && r->started_at > sel->until)
		return 0;
	if (sel->label && !(r->label && strcmp(sel->label, r->label) == 0))
		return 0;
	if (sel->nsources) {
		for (i = 0; i < sel->nsources; i++)
			if (strcmp(sel->sources[i], r->source) == 0)
				break;
		if (i == sel->nsources)
			return 0;
	}
	return 1;
}

static void
freerun(struct sb_covrun_row *r)
{
	uint32_t i;

	free(r->source);
	free(r->label);
	free(r->partial_reasons);
	free(r->tool_version);
	free(r->command_json);
	free(r->host);
	free(r->os);
	free(r->kernel);
	for (i = 0; i < r->nobservable; i++)
		free(r->observable[i]);
	free(r->observable);
}

static int
readobservable(struct sb_covdb *db, struct sb_covrun_row *r)
{
	sqlite3_stmt *s = cached(db, ST_OBS, "SELECT operation FROM "
	    "run_observable WHERE run_id = ?1 ORDER BY operation");
	uint32_t cap = 0;
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, r->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r->observable = grow(r->observable, r->nobservable, &cap,
		    sizeof *r->observable);
		r->observable[r->nobservable++] = coltext(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sqlerr(db, "cannot read observable operations");
	return 0;
}

int
sb_covdb_runs_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covrun_row **rows, uint32_t *n)
{
	sqlite3_stmt *s = prep(db, "SELECT run_id, profile_id, continues, "
	    "run_uuid, source, label, partial_reasons, tool_version, "
	    "command_json, host, os, kernel, status, started_at, heartbeat_at, "
	    "ended_at, exit_code, lower_bounds, accesses, inconsistent, "
	    "events_kept, events_dropped, writer_pid, writer_start, boot_id "
	    "FROM runs WHERE ?1 = 0 OR profile_id = ?1 ORDER BY run_id");
	uint32_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, profile_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covrun_row r;
		const unsigned char *uuid = sqlite3_column_text(s, 3);

		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(s, 0);
		r.profile_id = sqlite3_column_int64(s, 1);
		r.continues = sqlite3_column_int64(s, 2);
		snprintf(r.uuid, sizeof r.uuid, "%s", uuid ? (const char *)uuid :
		    "");
		r.source = coltext(s, 4);
		r.label = coltext(s, 5);
		r.partial_reasons = coltext(s, 6);
		r.tool_version = coltext(s, 7);
		r.command_json = coltext(s, 8);
		r.host = coltext(s, 9);
		r.os = coltext(s, 10);
		r.kernel = coltext(s, 11);
		r.status = statusof((const char *)sqlite3_column_text(s, 12));
		r.started_at = sqlite3_column_int64(s, 13);
		r.heartbeat_at = sqlite3_column_int64(s, 14);
		r.ended_at = sqlite3_column_int64(s, 15);
		r.has_exit = sqlite3_column_type(s, 16) != SQLITE_NULL;
		r.exit_code = sqlite3_column_int(s, 16);
		r.lower_bounds = sqlite3_column_int(s, 17);
		r.accesses = (uint64_t)sqlite3_column_int64(s, 18);
		r.inconsistent = (uint64_t)sqlite3_column_int64(s, 19);
		r.events_kept = (uint64_t)sqlite3_column_int64(s, 20);
		r.events_dropped = (uint64_t)sqlite3_column_int64(s, 21);
		/* readers apply the crash test in memory (§2.4) */
		if (r.status == SB_RUN_RUNNING && writergone(db,
		    sqlite3_column_int64(s, 22), sqlite3_column_int64(s, 23),
		    (const char *)sqlite3_column_text(s, 24))) {
			r.status = SB_RUN_CRASHED;
			r.ended_at = r.heartbeat_at;
		}
		if (!selected(sel, &r)) {
			freerun(&r);
			continue;
		}
		if (readobservable(db, &r) < 0) {
			freerun(&r);
			rc = SQLITE_ERROR;
			break;
		}
		*rows = grow(*rows, *n, &cap, sizeof **rows);
		(*rows)[(*n)++] = r;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		sb_covdb_runs_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return rc == SQLITE_ERROR ? -1 : sqlerr(db, "cannot read runs");
	}
	return 0;
}

void
sb_covdb_runs_free(struct sb_covrun_row *rows, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		freerun(&rows[i]);
	free(rows);
}

/* The selected runs' ids as a JSON array, for "IN (SELECT value FROM json_each(?))". */
static char *
runset(struct sb_covdb *db, int64_t profile_id, const struct sb_covsel *sel,
    struct sb_covrun_row **rows, uint32_t *n)
{
	size_t cap, len = 0;
	char *json;
	uint32_t i;

	if (sb_covdb_runs_read(db, profile_id, sel, rows, n) < 0)
		return NULL;
	cap = 16 + 24 * (size_t)*n;
	json = xmalloc(cap);
	json[len++] = '[';
	for (i = 0; i < *n; i++)
		len += (size_t)snprintf(json + len, cap - len, "%s%" PRId64,
		    i ? "," : "", (*rows)[i].id);
	json[len++] = ']';
	json[len] = 0;
	return json;
}

/*
** SQL prepared with its :runs bound to the ids of the runs SEL selects of
** PROFILE_ID (for "IN (SELECT value FROM json_each(:runs))") and its
** :profile to PROFILE_ID; NULL after an error.
*/
static sqlite3_stmt *
prepruns(struct sb_covdb *db, int64_t profile_id, const struct sb_covsel *sel,
    const char *sql)
{
	struct sb_covrun_row *runs;
	uint32_t nruns;
	sqlite3_stmt *s;
	char *set;
	int k;

	if (!(set = runset(db, profile_id, sel, &runs, &nruns)))
		return NULL;
	sb_covdb_runs_free(runs, nruns);
	if ((s = prep(db, sql))) {
		if ((k = sqlite3_bind_parameter_index(s, ":runs")) > 0)
			sqlite3_bind_text(s, k, set, -1, SQLITE_TRANSIENT);
		if ((k = sqlite3_bind_parameter_index(s, ":profile")) > 0)
			sqlite3_bind_int64(s, k, profile_id);
	}
	free(set);
	return s;
}

static int
isulog(const char *source)
{
	return strncmp(source, "macos-ulog-", 11) == 0;
}

/* Op-table slots a rule's operation names reach, as a bitset over SLOTS. */
static void
ruleslots(const struct sb_target *t, const char *ops, uint8_t *slots)
{
	const char *p = ops;

	memset(slots, 0, t->op_count);
	if (!*ops) {            /* rule 0: every operation */
		memset(slots, 1, t->op_count);
		return;
	}
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int op = sb_target_op_find(t, p, len);
		unsigned k;
		if (op >= 0 && (unsigned)op < t->op_count) {
			slots[op] = 1;
			for (k = 0; k < t->op_count; k++)
				if (sb_target_op_within(t, k, (unsigned)op))
					slots[k] = 1;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
}

static int
hasword(const char *s, const char *w)
{
	size_t k = strlen(w);
	const char *p = s;

	while ((p = strstr(p, w))) {
		if ((p == s || p[-1] == ' ') && (p[k] == 0 || p[k] == ' '))
			return 1;
		p += k;
	}
	return 0;
}

/* The op-table slots each run observes: NRUNS x op_count bytes. */
static uint8_t *
runslots(const struct sb_target *t, const struct sb_covrun_row *runs,
    uint32_t nruns)
{
	uint8_t *v = xcalloc((size_t)nruns * t->op_count + 1, 1);
	uint32_t i, k;

	for (i = 0; i < nruns; i++)
		for (k = 0; k < runs[i].nobservable; k++) {
			const char *o = runs[i].observable[k];
			int op = sb_target_op_find(t, o, strlen(o));
			if (op >= 0 && (unsigned)op < t->op_count)
				v[(size_t)i * t->op_count + (unsigned)op] = 1;
		}
	return v;
}

/* §4.2 for one rule, given the runs' slots RS and scratch SLOTS. */
static int
observable(const struct sb_target *t, const char *action, const char *ops,
    const char *mods, const struct sb_covrun_row *runs, uint32_t nruns,
    const uint8_t *rs, uint8_t *slots)
{
	int deny_noreport = action && strcmp(action, "deny") == 0 && mods &&
	    (hasword(mods, "no-report") || hasword(mods, "no-log"));
	uint32_t i, k;

	ruleslots(t, ops ? ops : "", slots);
	for (i = 0; i < nruns; i++) {
		if (deny_noreport && isulog(runs[i].source))
			continue;
		for (k = 0; k < t->op_count; k++)
			if (slots[k] && rs[(size_t)i * t->op_count + k])
				return 1;
	}
	return 0;
}

int
sb_cov_observable(const char *target, const char *action,
    const char *operations, const char *modifiers,
    const struct sb_covrun_row *runs, uint32_t nruns)
{
	const struct sb_target *t = target ? sb_target_find(target,
	    strlen(target)) : NULL;
	uint8_t *rs, *slots;
	int r;

	if (!t)
		return 0;
	rs = runslots(t, runs, nruns);
	slots = xcalloc(t->op_count + 1, 1);
	r = observable(t, action, operations, modifiers, runs, nruns, rs,
	    slots);
	free(rs);
	free(slots);
	return r;
}

int
sb_covdb_rule_stats_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covrule_stats **out, uint32_t *n)
{
	struct sb_covrun_row *runs = NULL;
	uint32_t nruns = 0, i, cap = 0;
	const struct sb_target *t = NULL;
	sqlite3_stmt *s = NULL;
	uint8_t *rs = NULL, *slots = NULL;
	char *set, *target = NULL;
	int crashed = 0, rc, r = -1;

	*out = NULL;
	*n = 0;
	if (!(set = runset(db, profile_id, sel, &runs, &nruns)))
		return -1;
	for (i = 0; i < nruns; i++)
		crashed |= runs[i].status == SB_RUN_CRASHED;
	/* the target's operation tree says which slots a rule reaches */
	if ((s = prep(db, "SELECT target FROM profiles WHERE profile_id = ?1"))) {
		sqlite3_bind_int64(s, 1, profile_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			target = coltext(s, 0);
		sqlite3_finalize(s);
	}
	if (target)
		t = sb_target_find(target, strlen(target));
	if (t) {
		rs = runslots(t, runs, nruns);
		slots = xcalloc(t->op_count + 1, 1);
	}
	if (!(s = prep(db, "SELECT r.rule_id, r.fingerprint, r.action, "
	    "r.operations, r.modifiers, coalesce(sum(h.decided), 0), "
	    "coalesce(sum(h.decided_approx), 0), "
	    "coalesce(sum(h.decided_ambiguous), 0), "
	    "coalesce(sum(h.matched_overridden), 0), "
	    "coalesce(sum(h.inconsistent), 0), coalesce(min(h.first_ns), 0), "
	    "coalesce(max(h.last_ns), 0), count(DISTINCT h.run_id) "
	    "FROM rules r LEFT JOIN hits h ON h.rule_id = r.rule_id AND "
	    "h.run_id IN (SELECT value FROM json_each(?2)) "
	    "WHERE r.profile_id = ?1 GROUP BY r.rule_id ORDER BY r.rule_id")))
		goto out;
	sqlite3_bind_int64(s, 1, profile_id);
	sqlite3_bind_text(s, 2, set, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covrule_stats *x;

		*out = grow(*out, *n, &cap, sizeof **out);
		x = &(*out)[(*n)++];
		memset(x, 0, sizeof *x);
		x->rule = (uint32_t)sqlite3_column_int64(s, 0);
		snprintf(x->fingerprint, sizeof x->fingerprint, "%s",
		    sqlite3_column_text(s, 1) ? (const char *)
		    sqlite3_column_text(s, 1) : "");
		x->decided = (uint64_t)sqlite3_column_int64(s, 5);
		x->decided_approx = (uint64_t)sqlite3_column_int64(s, 6);
		x->decided_ambiguous = (uint64_t)sqlite3_column_int64(s, 7);
		x->matched_overridden = (uint64_t)sqlite3_column_int64(s, 8);
		x->inconsistent = (uint64_t)sqlite3_column_int64(s, 9);
		x->first_ns = sqlite3_column_int64(s, 10);
		x->last_ns = sqlite3_column_int64(s, 11);
		x->runs_hit = (uint32_t)sqlite3_column_int64(s, 12);
		x->includes_crashed = crashed;
		if (t)
			x->observable = observable(t, (const char *)
			    sqlite3_column_text(s, 2), (const char *)
			    sqlite3_column_text(s, 3), (const char *)
			    sqlite3_column_text(s, 4), runs, nruns, rs, slots);
	}
	if (rc != SQLITE_DONE) {
		sqlerr(db, "cannot read hits");
		goto out;
	}
	r = 0;
out:
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(s);
	sb_covdb_runs_free(runs, nruns);
	free(set);
	free(target);
	free(rs);
	free(slots);
	return r;
}

/* Column I as a string in A ("" for NULL). */
static const char *
acol(struct sb_arena *a, sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t ? sb_arena_strndup(a, t, strlen(t)) : "";
}

int
sb_covdb_sources_read(struct sb_covdb *db, int64_t profile_id,
    struct sb_arena *a, struct sb_covsource **out, uint32_t *n)
{
	sqlite3_stmt *s = prep(db, "SELECT src_no, origin, path, sha256, size "
	    "FROM profile_sources WHERE profile_id = ?1 ORDER BY src_no");
	struct sb_covsource *v = NULL;
	uint32_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, profile_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covsource *x;
		v = grow(v, *n, &cap, sizeof *v);
		x = &v[(*n)++];
		x->src_no = (uint32_t)sqlite3_column_int64(s, 0);
		x->origin = acol(a, s, 1);
		x->path = acol(a, s, 2);
		memset(x->sha256, 0, 32);
		(void)colblob(s, 3, x->sha256, 32);
		x->size = (uint64_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return sqlerr(db, "cannot read profile sources");
	}
	if (*n)
		*out = sb_arena_memdup(a, v, *n * sizeof *v);
	free(v);
	return 0;
}

int
sb_covdb_rules_read(struct sb_covdb *db, int64_t profile_id,
    struct sb_arena *a, struct sb_covrule **out, uint32_t *n)
{
	sqlite3_stmt *s = prep(db, "SELECT rule_id, fingerprint, action, "
	    "operations, modifiers, canonical, origin, coalesce(src_no, -1), "
	    "coalesce(line, 0), coalesce(col, 0), coalesce(end_line, 0), "
	    "coalesce(end_col, 0), coalesce(anchor_src_no, -1), "
	    "coalesce(anchor_line, 0), narms FROM rules WHERE profile_id = ?1 "
	    "ORDER BY rule_id");
	struct sb_covrule *v = NULL;
	uint32_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, profile_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covrule *x;
		v = grow(v, *n, &cap, sizeof *v);
		x = &v[(*n)++];
		memset(x, 0, sizeof *x);
		x->id = (uint32_t)sqlite3_column_int64(s, 0);
		snprintf(x->fingerprint, sizeof x->fingerprint, "%s",
		    acol(a, s, 1));
		x->action = acol(a, s, 2);
		x->operations = acol(a, s, 3);
		x->modifiers = acol(a, s, 4);
		x->canonical = acol(a, s, 5);
		x->origin = acol(a, s, 6);
		x->src_no = (int32_t)sqlite3_column_int64(s, 7);
		x->line = (uint32_t)sqlite3_column_int64(s, 8);
		x->col = (uint32_t)sqlite3_column_int64(s, 9);
		x->end_line = (uint32_t)sqlite3_column_int64(s, 10);
		x->end_col = (uint32_t)sqlite3_column_int64(s, 11);
		x->anchor_src_no = (int32_t)sqlite3_column_int64(s, 12);
		x->anchor_line = (uint32_t)sqlite3_column_int64(s, 13);
		x->narms = (uint32_t)sqlite3_column_int64(s, 14);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return sqlerr(db, "cannot read rules");
	}
	if (*n)
		*out = sb_arena_memdup(a, v, *n * sizeof *v);
	free(v);
	return 0;
}

int
sb_covdb_hits_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covhit_row **rows, uint32_t *n)
{
	uint32_t cap = 0;
	sqlite3_stmt *s;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!(s = prepruns(db, profile_id, sel, "SELECT rule_id, operation, "
	    "decision, sum(decided), sum(decided_approx), "
	    "sum(decided_ambiguous), sum(matched_overridden), "
	    "sum(inconsistent), min(first_ns), max(last_ns), "
	    "min(sample_argument) FROM hits WHERE run_id IN "
	    "(SELECT value FROM json_each(:runs)) GROUP BY rule_id, operation, "
	    "decision ORDER BY rule_id, operation, decision")))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covhit_row *h;
		*rows = grow(*rows, *n, &cap, sizeof **rows);
		h = &(*rows)[(*n)++];
		h->rule = (uint32_t)sqlite3_column_int64(s, 0);
		h->operation = coltext(s, 1);
		h->decision = decof((const char *)sqlite3_column_text(s, 2));
		h->decided = (uint64_t)sqlite3_column_int64(s, 3);
		h->decided_approx = (uint64_t)sqlite3_column_int64(s, 4);
		h->decided_ambiguous = (uint64_t)sqlite3_column_int64(s, 5);
		h->matched_overridden = (uint64_t)sqlite3_column_int64(s, 6);
		h->inconsistent = (uint64_t)sqlite3_column_int64(s, 7);
		h->first_ns = sqlite3_column_int64(s, 8);
		h->last_ns = sqlite3_column_int64(s, 9);
		h->sample = coltext(s, 10);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		sb_covdb_hits_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return sqlerr(db, "cannot read hits");
	}
	return 0;
}

void
sb_covdb_hits_free(struct sb_covhit_row *rows, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].operation);
		free(rows[i].sample);
	}
	free(rows);
}

int
sb_covdb_arms_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, struct sb_covarm_row **rows, uint32_t *n)
{
	uint32_t cap = 0;
	sqlite3_stmt *s;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!(s = prepruns(db, profile_id, sel, "SELECT a.rule_id, a.arm_no, "
	    "a.arm_hash, coalesce(sum(h.matched), 0) FROM rule_arms a "
	    "LEFT JOIN arm_hits h ON h.rule_id = a.rule_id AND "
	    "h.arm_no = a.arm_no AND h.run_id IN "
	    "(SELECT value FROM json_each(:runs)) WHERE a.profile_id = :profile "
	    "GROUP BY a.rule_id, a.arm_no ORDER BY a.rule_id, a.arm_no")))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sb_covarm_row *a;
		*rows = grow(*rows, *n, &cap, sizeof **rows);
		a = &(*rows)[(*n)++];
		a->rule = (uint32_t)sqlite3_column_int64(s, 0);
		a->arm = (uint32_t)sqlite3_column_int64(s, 1);
		snprintf(a->hash, sizeof a->hash, "%s",
		    sqlite3_column_text(s, 2) ? (const char *)
		    sqlite3_column_text(s, 2) : "");
		a->matched = (uint64_t)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return sqlerr(db, "cannot read alternatives");
	}
	return 0;
}

int
sb_covdb_samples_read(struct sb_covdb *db, int64_t profile_id,
    const struct sb_covsel *sel, uint32_t rule, uint32_t max, char ***out,
    uint32_t *n)
{
	sqlite3_stmt *s;
	int rc = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	/*
	** Straight from the events_by_rule index, stopping at MAX distinct
	** arguments: a run that kept every event (--events=all) can hold
	** millions for one rule, and a GROUP BY over them all is what made
	** this slow. Order: by operation, oldest first within each.
	*/
	if (!(s = prepruns(db, profile_id, sel, "SELECT argument FROM events "
	    "WHERE run_id IN (SELECT value FROM json_each(:runs)) AND "
	    "rule_id = :rule AND argument IS NOT NULL AND "
	    "match_status <> 'unmatched'")))
		return -1;
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":rule"), rule);
	*out = xcalloc(max + 1, sizeof **out);
	while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(s, 0);
		uint32_t k;
		for (k = 0; a && k < *n; k++)
			if (strcmp((*out)[k], a) == 0)
				break;
		if (a && k == *n)
			(*out)[(*n)++] = coltext(s, 0);
	}
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sb_covdb_strings_free(*out, *n);
		*out = NULL;
		*n = 0;
		return sqlerr(db, "cannot read events");
	}
	return 0;
}

void
sb_covdb_strings_free(char **v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* --- merge (§2.9) -------------------------------------------------------------- */

/* Copy every row of TABLE for the runs just mapped (COLS after run_id). */
static int
copyrunrows(struct sb_covdb *db, const char *table, const char *cols)
{
	char sql[1024];

	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO main.%s(run_id, %s) "
	    "SELECT m.new, %s FROM src.%s x JOIN temp.runmap m ON "
	    "x.run_id = m.old", table, cols, cols, table);
	return exec(db, sql);
}

static int
mergeprofiles(struct sb_covdb *db, struct sb_covmerge_stats *st)
{
	static const char *const sql[] = {
		"INSERT INTO main.profiles(profile_key, blob_sha256, "
		"report_blob_sha256, rules_sha256, params_sha256, params_json, "
		"entitlements_sha256, target, main_file, main_name, "
		"compiler_version, rule_count, created_at) SELECT profile_key, "
		"blob_sha256, report_blob_sha256, rules_sha256, params_sha256, "
		"params_json, entitlements_sha256, target, main_file, main_name, "
		"compiler_version, rule_count, created_at FROM src.profiles "
		"WHERE true ON CONFLICT(profile_key) DO NOTHING",
		"INSERT INTO temp.profmap(old, new) SELECT s.profile_id, "
		"m.profile_id FROM src.profiles s JOIN main.profiles m ON "
		"m.profile_key = s.profile_key",
		"INSERT OR IGNORE INTO main.profile_sources(profile_id, src_no, "
		"origin, path, sha256, size) SELECT p.new, x.src_no, x.origin, "
		"x.path, x.sha256, x.size FROM src.profile_sources x JOIN "
		"temp.profmap p ON p.old = x.profile_id",
		"INSERT OR IGNORE INTO main.rules(profile_id, rule_id, "
		"fingerprint, action, operations, modifiers, canonical, origin, "
		"src_no, line, col, end_line, end_col, anchor_src_no, "
		"anchor_line, narms) SELECT p.new, x.rule_id, x.fingerprint, "
		"x.action, x.operations, x.modifiers, x.canonical, x.origin, "
		"x.src_no, x.line, x.col, x.end_line, x.end_col, "
		"x.anchor_src_no, x.anchor_line, x.narms FROM src.rules x JOIN "
		"temp.profmap p ON p.old = x.profile_id",
		"INSERT OR IGNORE INTO main.rule_arms(profile_id, rule_id, "
		"arm_no, arm_hash, src_no, line, col, end_line, end_col) SELECT "
		"p.new, x.rule_id, x.arm_no, x.arm_hash, x.src_no, x.line, x.col, "
		"x.end_line, x.end_col FROM src.rule_arms x JOIN temp.profmap p "
		"ON p.old = x.profile_id",
	};
	size_t i;

	for (i = 0; i < countof(sql); i++) {
		if (exec(db, sql[i]) < 0)
			return -1;
		if (i == 0)
			st->profiles_added += (uint32_t)sqlite3_changes(db->h);
	}
	return 0;
}

/* The runs of SRC, one by one: skip those present, map the others. */
static int
mergeruns(struct sb_covdb *db, int events, struct sb_covmerge_stats *st)
{
	sqlite3_stmt *s = prep(db, "SELECT x.run_id, x.run_uuid, "
	    "x.import_digest, x.status, x.writer_pid, x.writer_start, "
	    "x.boot_id, p.new FROM src.runs x JOIN temp.profmap p ON p.old = "
	    "x.profile_id ORDER BY x.run_id");
	sqlite3_stmt *present = prep(db, "SELECT 1 FROM main.runs WHERE "
	    "run_uuid = ?1 OR (?2 IS NOT NULL AND import_digest = ?2)");
	sqlite3_stmt *ins = prep(db, "INSERT INTO main.runs(run_uuid, "
	    "profile_id, source, evaluated_blob, label, continues, "
	    "tool_version, command_json, host, os, kernel, started_at, "
	    "heartbeat_at, ended_at, status, partial_reasons, exit_code, "
	    "writer_pid, writer_start, boot_id, assumptions_json, "
	    "path_map_json, lower_bounds, accesses, inconsistent, events_kept, "
	    "events_dropped, import_digest) SELECT run_uuid, ?2, source, "
	    "evaluated_blob, label, (SELECT new FROM temp.runmap WHERE old = "
	    "x.continues), tool_version, command_json, host, os, kernel, "
	    "started_at, heartbeat_at, CASE WHEN ?3 THEN heartbeat_at ELSE "
	    "ended_at END, CASE WHEN ?3 THEN 'crashed' ELSE status END, "
	    "partial_reasons, exit_code, writer_pid, writer_start, boot_id, "
	    "assumptions_json, path_map_json, lower_bounds, accesses, "
	    "inconsistent, CASE WHEN ?4 THEN events_kept ELSE 0 END, "
	    "events_dropped + CASE WHEN ?4 THEN 0 ELSE events_kept END, "
	    "import_digest FROM src.runs x WHERE run_id = ?1");
	sqlite3_stmt *map = prep(db, "INSERT INTO temp.runmap(old, new) "
	    "VALUES (?1, ?2)");
	int rc, r = -1;

	if (!s || !present || !ins || !map)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t old = sqlite3_column_int64(s, 0);
		enum sb_run_status status = statusof((const char *)
		    sqlite3_column_text(s, 3));
		int crashed = 0, there;

		sqlite3_bind_value(present, 1, sqlite3_column_value(s, 1));
		sqlite3_bind_value(present, 2, sqlite3_column_value(s, 2));
		there = sqlite3_step(present) == SQLITE_ROW;
		sqlite3_reset(present);
		if (there) {
			st->runs_present++;
			continue;
		}
		if (status == SB_RUN_RUNNING) {
			if (!writergone(db, sqlite3_column_int64(s, 4),
			    sqlite3_column_int64(s, 5),
			    (const char *)sqlite3_column_text(s, 6))) {
				st->runs_running++;
				continue;
			}
			crashed = 1;
		}
		sqlite3_bind_int64(ins, 1, old);
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(s, 7));
		sqlite3_bind_int(ins, 3, crashed);
		sqlite3_bind_int(ins, 4, events != 0);
		if (run(db, ins, "cannot copy a run") < 0)
			goto out;
		sqlite3_bind_int64(map, 1, old);
		sqlite3_bind_int64(map, 2, sqlite3_last_insert_rowid(db->h));
		if (run(db, map, "cannot copy a run") < 0)
			goto out;
		st->runs_added++;
	}
	if (rc != SQLITE_DONE) {
		sqlerr(db, "cannot read the runs to merge");
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(present);
	sqlite3_finalize(ins);
	sqlite3_finalize(map);
	return r;
}

static int
mergerows(struct sb_covdb *db, int events, struct sb_covmerge_stats *st)
{
	if (copyrunrows(db, "run_observable", "operation") < 0 ||
	    copyrunrows(db, "processes", "pid, start_ns, start_known, ppid, "
	    "parent_start_ns, exe, argv_json, end_ns, exit_status") < 0 ||
	    copyrunrows(db, "hits", "rule_id, operation, decision, decided, "
	    "decided_approx, decided_ambiguous, matched_overridden, "
	    "inconsistent, first_ns, last_ns, sample_argument") < 0 ||
	    copyrunrows(db, "arm_hits", "rule_id, arm_no, matched") < 0 ||
	    copyrunrows(db, "imports", "format, source_id, path, byte_start, "
	    "byte_end, line_start, prefix_sha256, records, skipped, "
	    "rejected") < 0)
		return -1;
	if (!events)
		return 0;
	if (copyrunrows(db, "events", "seq, ts_ns, pid, proc_start_ns, tid, "
	    "operation, argument, arg_kind, literal_path, facts_json, syscall, "
	    "errno, approx, reported_decision, decision, rule_id, "
	    "match_status, dup_count, message, stack, input_line") < 0)
		return -1;
	st->events_copied += (uint64_t)sqlite3_changes(db->h);
	/* event ids are renumbered: (run, seq) is the key across files */
	return exec(db, "INSERT OR IGNORE INTO main.event_candidates(event_id, "
	    "rule_id) SELECT ne.event_id, c.rule_id FROM src.event_candidates c "
	    "JOIN src.events oe ON oe.event_id = c.event_id JOIN temp.runmap m "
	    "ON m.old = oe.run_id JOIN main.events ne ON ne.run_id = m.new AND "
	    "ne.seq = oe.seq");
}

/* Check SRC's identity; merge its main files into ours (§2.3). */
static int
mergemain(struct sb_covdb *db, const char *src, int force)
{
	sqlite3_stmt *s = prep(db, "SELECT value FROM src.meta WHERE key = "
	    "'main_files'");
	struct sb_jdoc d = SB_JDOC_INIT;
	const struct sb_jnode *v;
	char *json = NULL;
	int rc, r = 0;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		json = coltext(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return seterr(db, "'%s' is not a coverage database", src);
	if (json && sb_jdoc_parse(&d, json, strlen(json)) == 0)
		for (v = sb_jdoc_first(&d, &d.v[0]); v && r == 0;
		    v = sb_jdoc_next(&d, v))
			if (v->s)
				r = claimmain(db, v->s, force);
	sb_jdoc_free(&d);
	free(json);
	return r;
}

static int
attach(struct sb_covdb *db, const char *src)
{
	sqlite3_stmt *s = prep(db, "ATTACH DATABASE ?1 AS src");
	int64_t id = 0, version = 0;
	int r;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, src, -1, SQLITE_TRANSIENT);
	r = run(db, s, src);
	sqlite3_finalize(s);
	if (r < 0)
		return -1;
	if (sb_covdb_query_i64(db, "PRAGMA src.application_id", &id) < 0 ||
	    id != SB_COVDB_APPLICATION_ID ||
	    sb_covdb_query_i64(db, "PRAGMA src.user_version", &version) < 0) {
		seterr(db, "'%s' is not a coverage database", src);
		return -1;
	}
	if (version != SB_COVDB_SCHEMA_VERSION) {
		seterr(db, "'%s' has schema version %" PRId64 ", not %d", src,
		    version, SB_COVDB_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

int
sb_covdb_merge(struct sb_covdb *dst, const char *src, int events,
    int force_profile, struct sb_covmerge_stats *st)
{
	struct stat a, b;
	int r = -1;

	memset(st, 0, sizeof *st);
	if (stat(src, &a) < 0)
		return seterr(dst, "cannot open '%s': %s", src, strerror(errno));
	if (stat(sqlite3_db_filename(dst->h, "main"), &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return seterr(dst, "cannot merge '%s' into itself", src);
	if (attach(dst, src) < 0) {
		sqlite3_exec(dst->h, "DETACH DATABASE src", NULL, NULL, NULL);
		return -1;
	}
	if (exec(dst, "CREATE TEMP TABLE IF NOT EXISTS profmap(old INTEGER "
	    "PRIMARY KEY, new INTEGER); CREATE TEMP TABLE IF NOT EXISTS "
	    "runmap(old INTEGER PRIMARY KEY, new INTEGER); DELETE FROM "
	    "temp.profmap; DELETE FROM temp.runmap") < 0)
		goto detach;
	if (begin(dst) != 0)
		goto detach;
	if (mergemain(dst, src, force_profile) < 0 ||
	    mergeprofiles(dst, st) < 0 || mergeruns(dst, events, st) < 0 ||
	    mergerows(dst, events, st) < 0) {
		rollback(dst);
		goto detach;
	}
	r = commit(dst);
detach:
	{
		char saved[sizeof dst->err];
		memcpy(saved, dst->err, sizeof saved);
		sqlite3_exec(dst->h, "DETACH DATABASE src", NULL, NULL, NULL);
		memcpy(dst->err, saved, sizeof saved);
	}
	return r;
}

/* --- checks ---------------------------------------------------------------- */

/* Print every row of SQL except those equal to OK; the number printed. */
static int
report(struct sb_covdb *db, const char *sql, const char *ok, FILE *out)
{
	sqlite3_stmt *s = prep(db, sql);
	int rc, found = 0, i;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *first = (const char *)sqlite3_column_text(s, 0);
		if (ok && first && strcmp(first, ok) == 0)
			continue;
		found++;
		for (i = 0; i < sqlite3_column_count(s); i++)
			fprintf(out, "%s%s", i ? " " : "",
			    sqlite3_column_text(s, i) ? (const char *)
			    sqlite3_column_text(s, i) : "NULL");
		fputc('\n', out);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlerr(db, "check");
	return found;
}

int
sb_covdb_check(struct sb_covdb *db, unsigned flags, FILE *out)
{
	static const char *const events_sql[] = {
		/* runs.accesses is the sum of the events' counts */
		"SELECT 'run', r.run_id, 'accesses', r.accesses, 'events', "
		"coalesce((SELECT sum(dup_count) FROM events e WHERE e.run_id = "
		"r.run_id), 0) FROM runs r WHERE r.accesses <> coalesce((SELECT "
		"sum(dup_count) FROM events e WHERE e.run_id = r.run_id), 0)",
		/* the hits of each run equal its attributed events */
		"SELECT 'run', r.run_id, 'hits', coalesce((SELECT "
		"sum(decided + decided_approx + decided_ambiguous + "
		"inconsistent) FROM hits h WHERE h.run_id = r.run_id), 0), "
		"'events', coalesce((SELECT sum(dup_count) FROM events e WHERE "
		"e.run_id = r.run_id AND e.match_status <> 'unmatched'), 0) "
		"FROM runs r WHERE coalesce((SELECT sum(decided + "
		"decided_approx + decided_ambiguous + inconsistent) FROM hits h "
		"WHERE h.run_id = r.run_id), 0) <> coalesce((SELECT "
		"sum(dup_count) FROM events e WHERE e.run_id = r.run_id AND "
		"e.match_status <> 'unmatched'), 0)",
		/* and the event rows counted match the rows there */
		"SELECT 'run', r.run_id, 'events_kept', r.events_kept, 'rows', "
		"(SELECT count(*) FROM events e WHERE e.run_id = r.run_id) FROM "
		"runs r WHERE r.events_kept <> (SELECT count(*) FROM events e "
		"WHERE e.run_id = r.run_id)",
	};
	int total = 0, k;
	size_t i;

	if ((k = report(db, "PRAGMA integrity_check", "ok", out)) < 0)
		return -1;
	total += k;
	if ((k = report(db, "PRAGMA foreign_key_check", NULL, out)) < 0)
		return -1;
	total += k;
	for (i = 0; (flags & SB_COVCHECK_ALL_EVENTS) && i < countof(events_sql);
	    i++) {
		if ((k = report(db, events_sql[i], NULL, out)) < 0)
			return -1;
		total += k;
	}
	return total;
}

/* --- the writer's shortcut --------------------------------------------------- */

int
sb_covdb_open_unit(struct sb_covdb **db, int64_t *profile_id,
    const char *path, unsigned flags, struct sb_unit *u,
    const struct sb_options *o, const char *main_file, int force_profile,
    char *err, size_t errsize)
{
	struct sb_covprofile p;

	*db = NULL;
	if (sb_cov_identity(&p, u, o, main_file, NULL, err, errsize) < 0) {
		sb_cov_identity_free(&p);
		return -1;
	}
	if (sb_covdb_open(db, path, flags | SB_COVDB_CREATE, NULL, err,
	    errsize) < 0) {
		sb_cov_identity_free(&p);
		return -1;
	}
	if (sb_covdb_profile(*db, &p, force_profile, profile_id) < 0) {
		snprintf(err, errsize, "%s", (*db)->err);
		sb_covdb_close(*db);
		*db = NULL;
		sb_cov_identity_free(&p);
		return -1;
	}
	sb_cov_identity_free(&p);
	return 0;
}
