/*
** The importer interface (COVERAGE.md §7): each input format turns the
** bytes of one log into struct sb_access records for a sink. Importers
** know nothing of coverage.db, attribution or the profile; they read a
** buffer of complete lines (the caller maps the file and cuts it at the
** last newline, §2.6), count what they read, skip what is irrelevant,
** and report malformed records with file:line:col without stopping.
**
** Memory: constant per line (a per-record arena reset after each
** record), except ulog-json, which parses its one array whole. Strings in
** the accesses handed to the sink live until put() returns.
*/
#ifndef SB_COVERAGE_IMPORT_H
#define SB_COVERAGE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "coverage/access.h"

struct sb_target;

/* ORDER: formats[] in import.c */
enum sb_import_format {
	SB_IMPORT_JSONL,                /* generic JSONL (§7.2) */
	SB_IMPORT_ULOG_NDJSON,          /* log show --style ndjson (§7.3) */
	SB_IMPORT_ULOG_JSON,            /* log show --style json: one array */
	SB_IMPORT_ULOG_SYSLOG,          /* log show --style syslog */
	SB_IMPORT_ULOG_COMPACT,         /* log show --style compact */
	SB_IMPORT_ULOG_LEGACY,          /* system.log before macOS 10.12 */
	SB_IMPORT_SANDBOXMIRROR,        /* SandboxMirror logs (§7.4) */
	SB_IMPORT_ESLOGGER,             /* eslogger JSONL (§7.5) */
	SB_IMPORT_NFORMATS
};

/* --from values that are decided from the input: sb_import_format_find() */
enum { SB_IMPORT_AUTO = -2, SB_IMPORT_UNIFIED = -3 };

/*
** A pseudo-fact an importer adds to an access that is a platform-policy
** record ("System Policy:"): attribution stores it as 'unmatched' and
** counts it toward no rule (§7.3). Its value is "1".
*/
#define SB_FACT_PLATFORM "%platform-policy"

/* One message about the input: a malformed record, or a refusal. */
struct sb_import_msg {
	const char *file;       /* as given in the options */
	uint64_t line;          /* 1-based line in the file */
	uint32_t col;           /* 1-based display column */
	const char *text;       /* the offending line, not NUL-terminated */
	size_t textlen;
	const char *msg;        /* "unknown key 'oops'" */
};

typedef void (*sb_import_diag_fn)(void *ctx, const struct sb_import_msg *m);

struct sb_import_opts {
	const char *file;               /* name in messages; "<stdin>" for - */
	const struct sb_target *target; /* operation names (§7.3 splitting); NULL: default */
	int userland;                   /* --userland: keep userland reporters */
	int force_schema;               /* --force-schema: eslogger versions */
	uint64_t first_line;            /* line number of the buffer's first byte; 0 means 1 */
	sb_import_diag_fn diag;         /* NULL: messages are dropped */
	void *diagctx;
};

struct sb_import_stats {
	uint64_t lines;         /* lines read */
	uint64_t records;       /* records that produced accesses */
	uint64_t skipped;       /* irrelevant: other senders, preamble, trailer */
	uint64_t rejected;      /* malformed: reported, not imported */
	uint64_t accesses;      /* accesses handed to the sink */
	int lower_bounds;       /* counts may be low (coalesced logs, §7.3) */
	int dropped;            /* the source lost events (eslogger gaps) */
	int refused;            /* the whole input was refused (schema) */
};

/*
** The format of --from NAME: a format, SB_IMPORT_AUTO ("auto"),
** SB_IMPORT_UNIFIED ("unified-log"), or -1 when NAME is none of them.
*/
int sb_import_format_find(const char *name);
/* "ulog-ndjson": the --from spelling of FMT. */
const char *sb_import_format_name(enum sb_import_format fmt);
/* "macos-ulog-ndjson": the runs.source value of FMT (§2.2). */
const char *sb_import_source(enum sb_import_format fmt);

/*
** Decide the format from the first non-blank bytes of BUF (§7): any
** format, or with ULOG_ONLY a unified-log style. Returns the format, or
** -1 when nothing fits.
*/
int sb_import_detect(const char *buf, size_t len, int ulog_only);

/*
** The operations a run from FMT can observe, as names of T's concrete
** operations, into OUT (at most MAX); returns their number. Generic
** JSONL and the unified log observe every operation; SandboxMirror the
** operations of its hooks (§8.3); eslogger those of §7.5's table.
*/
uint32_t sb_import_observable(enum sb_import_format fmt,
    const struct sb_target *t, const char **out, uint32_t max);

/*
** Read the LEN bytes at BUF (complete lines) as FMT and put every access
** into SINK. Malformed records are counted in ST->rejected and reported
** through O->diag; they never stop the import. Returns 0 when the input
** was read to its end, or -1 when it was refused as a whole (ST->refused:
** an untested eslogger schema, reported through O->diag) or SINK's put()
** returned -1. ST is added to, not cleared.
*/
int sb_import_buffer(enum sb_import_format fmt, const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st);

/* The importers behind sb_import_buffer(), one file each. */
int sb_import_jsonl(const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st);
int sb_import_ulog(enum sb_import_format style, const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st);
int sb_import_sbmirror(const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st);
int sb_import_eslogger(const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st);

/* --- shared by the importers (import.c) ---------------------------------- */

/* Walks complete lines; a final line without a newline counts too. */
struct sb_lines {
	const char *p, *end;    /* what is left */
	uint64_t lineno;        /* of the current line */
	const char *line;       /* the current line, without "\n" or "\r\n" */
	size_t len;
};

void sb_lines_init(struct sb_lines *it, const char *buf, size_t len,
    uint64_t first_line);
/* Advance to the next line; 0 at the end. */
int sb_lines_next(struct sb_lines *it);

/*
** Report a malformed record at line LINENO (text LINE/LEN), byte AT of the
** line, and count it as rejected.
*/
void sb_import_reject(const struct sb_import_opts *o, struct sb_import_stats *st,
    uint64_t lineno, const char *line, size_t len, size_t at,
    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/*
** Times. Each returns 0 and nanoseconds since the epoch (UTC) in *NS, or
** -1. RFC 3339: "2025-03-04T18:11:12.345678901Z" or with an offset.
** Unified log: "2025-03-04 10:11:12[.frac][-0800]" (no offset: UTC);
** *USED gets the bytes consumed. ctime: "Tue Mar  4 10:11:12 2025", UTC.
*/
int sb_time_rfc3339(const char *s, size_t n, int64_t *ns);
int sb_time_ulog(const char *s, size_t n, int64_t *ns, size_t *used);
int sb_time_ctime(const char *s, size_t n, int64_t *ns);
/* Days from 1970-01-01 to Y-M-D of the proleptic Gregorian calendar. */
int64_t sb_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
