/*
** import.c: what the importers share (coverage/import.h): the format
** table, detection from the first bytes, observable operations per
** format, the line walker, rejection messages and the time parsers.
** Each format's grammar lives in its own import_*.c.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/source.h"
#include "common/util.h"
#include "coverage/import.h"
#include "kext/target.h"

/* ORDER: enum sb_import_format */
static const struct {
	const char *name;       /* --from */
	const char *source;     /* runs.source */
} formats[] = {
	{ "jsonl", "jsonl" },
	{ "ulog-ndjson", "macos-ulog-ndjson" },
	{ "ulog-json", "macos-ulog-json" },
	{ "ulog-syslog", "macos-ulog-syslog" },
	{ "ulog-compact", "macos-ulog-compact" },
	{ "ulog-legacy", "macos-ulog-legacy" },
	{ "sandboxmirror", "sandboxmirror" },
	{ "eslogger", "eslogger" },
};

_Static_assert(sizeof formats / sizeof formats[0] == SB_IMPORT_NFORMATS,
    "formats[] must list every enum sb_import_format");

int
sb_import_format_find(const char *name)
{
	unsigned i;

	if (strcmp(name, "auto") == 0)
		return SB_IMPORT_AUTO;
	if (strcmp(name, "unified-log") == 0)
		return SB_IMPORT_UNIFIED;
	for (i = 0; i < SB_IMPORT_NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0)
			return (int)i;
	return -1;
}

const char *
sb_import_format_name(enum sb_import_format fmt)
{
	return (unsigned)fmt < SB_IMPORT_NFORMATS ? formats[fmt].name : "?";
}

const char *
sb_import_source(enum sb_import_format fmt)
{
	return (unsigned)fmt < SB_IMPORT_NFORMATS ? formats[fmt].source : "?";
}

/* --- lines and messages ---------------------------------------------------- */

void
sb_lines_init(struct sb_lines *it, const char *buf, size_t len,
    uint64_t first_line)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = (first_line ? first_line : 1) - 1;
	it->line = NULL;
	it->len = 0;
}

int
sb_lines_next(struct sb_lines *it)
{
	const char *nl;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	it->line = it->p;
	it->len = (size_t)((nl ? nl : it->end) - it->p);
	it->p = nl ? nl + 1 : it->end;
	if (it->len > 0 && it->line[it->len - 1] == '\r')
		it->len--;
	it->lineno++;
	return 1;
}

void
sb_import_reject(const struct sb_import_opts *o, struct sb_import_stats *st,
    uint64_t lineno, const char *line, size_t len, size_t at,
    const char *fmt, ...)
{
	struct sb_import_msg m;
	char msg[256];
	va_list ap;

	st->rejected++;
	if (!o->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (at > len)
		at = len;
	m.file = o->file ? o->file : "<input>";
	m.line = lineno;
	m.col = sb_display_width(line, (uint32_t)at, 0) + 1;
	m.text = line;
	m.textlen = len;
	m.msg = msg;
	o->diag(o->diagctx, &m);
}

/* --- detection (§7: "decided from the first non-blank bytes") ------------- */

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD hh:mm:ss" at S (N bytes available) */
static int
ulogstamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (n < sizeof shape - 1)
		return 0;
	for (i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !isdig(s[i]) : s[i] != shape[i])
			return 0;
	return 1;
}

/* "Mon dd hh:mm:ss " */
static int
legacystamp(const char *s, size_t n)
{
	return n >= 16 && s[0] >= 'A' && s[0] <= 'Z' && s[3] == ' ' &&
	    (s[4] == ' ' || isdig(s[4])) && isdig(s[5]) && s[6] == ' ' &&
	    isdig(s[7]) && s[9] == ':' && s[12] == ':' && s[15] == ' ';
}

static int
startswith(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Whether the JSON object text at S mentions "KEY": near its start. */
static int
haskey(const char *s, size_t n, const char *key)
{
	char pat[64];
	size_t k, i;

	k = (size_t)snprintf(pat, sizeof pat, "\"%s\"", key);
	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, pat, k) == 0)
			return 1;
	return 0;
}

static int
detectline(const char *s, size_t n, int ulog_only)
{
	size_t i;

	if (n > 0 && s[0] == '[')
		return SB_IMPORT_ULOG_JSON;
	if (n > 0 && s[0] == '{') {
		if (haskey(s, n, "eventMessage") ||
		    haskey(s, n, "senderImagePath") ||
		    haskey(s, n, "messageType"))
			return SB_IMPORT_ULOG_NDJSON;
		if (ulog_only)
			return -1;
		if (haskey(s, n, "schema_version") || haskey(s, n, "event"))
			return SB_IMPORT_ESLOGGER;
		if (haskey(s, n, "v") || haskey(s, n, "op"))
			return SB_IMPORT_JSONL;
		return -1;
	}
	if (ulogstamp(s, n)) {
		/* syslog: an offset after the time; compact: a level letter */
		for (i = 19; i < n && (isdig(s[i]) || s[i] == '.'); i++)
			;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			return SB_IMPORT_ULOG_SYSLOG;
		return SB_IMPORT_ULOG_COMPACT;
	}
	if (legacystamp(s, n))
		return SB_IMPORT_ULOG_LEGACY;
	if (ulog_only)
		return -1;
	if (n > 1 && (s[0] == '(' || s[0] == '/'))
		return SB_IMPORT_SANDBOXMIRROR;
	return -1;
}

int
sb_import_detect(const char *buf, size_t len, int ulog_only)
{
	struct sb_lines it;
	int r;

	sb_lines_init(&it, buf, len, 1);
	while (sb_lines_next(&it)) {
		const char *s = it.line;
		size_t n = it.len;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n == 0)
			continue;
		/* preambles of log show: the predicate line, the header row */
		if (startswith(s, n, "Filtering the log data") ||
		    startswith(s, n, "Skipping") ||
		    startswith(s, n, "Timestamp "))
			continue;
		r = detectline(s, n, ulog_only);
		return r;
	}
	return -1;
}

/* --- observable operations ---------------------------------------------- */

/* SandboxMirror's hooks (§8.3), and check_sandbox's mach-lookup (§7.4) */
static const char *const sbmirror_ops[] = {
	"file-read-data", "file-write-data", "file-write-create",
	"file-write-unlink", "file-link", "file-read-metadata",
	"file-read-xattr", "file-write-xattr", "file-write-mode",
	"file-write-setugid", "file-write-owner", "file-write-times",
	"file-write-flags", "file-write-acl", "process-exec*",
	"file-map-executable", "file-ioctl", "file-chroot", "file-revoke",
	"file-search", "file-mount", "file-mount-update", "file-unmount",
	"system-fsctl", "process-fork", "signal", "mach-priv-task-port",
	"mach-task-name", "process-info*", "network-outbound", "network-bind",
	"network-inbound", "system-socket", "sysctl-read", "sysctl-write",
	"ipc-posix-shm*", "ipc-posix-sem*", "ipc-sysv*", "iokit-open*",
	"iokit-get-properties", "iokit-set-properties", "nvram*",
	"pseudo-tty", "mach-lookup",
};

/* eslogger's events (§7.5) */
static const char *const eslogger_ops[] = {
	"file-read-data", "file-write-data", "file-write-create",
	"file-write-unlink", "file-link", "file-read-metadata",
	"file-read-xattr", "file-write-xattr", "file-write-mode",
	"file-write-owner", "file-write-times", "file-write-flags",
	"file-write-acl", "file-write*", "file-map-executable",
	"process-exec*", "process-fork", "signal", "mach-priv-task-port",
	"mach-task-name", "mach-task-read", "mach-task-inspect",
	"process-info*", "network-bind", "network-outbound", "iokit-open*",
	"file-mount", "file-unmount", "file-chroot", "pseudo-tty",
	"system-set-time", "mach-lookup", "system-suspend-resume",
};

static uint32_t
addop(const struct sb_target *t, unsigned op, const char **out, uint32_t n,
    uint32_t max)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcmp(out[i], t->ops[op].name) == 0)
			return n;
	if (n < max)
		out[n++] = t->ops[op].name;
	return n;
}

static uint32_t
expand(const struct sb_target *t, const char *const *names, size_t nnames,
    const char **out, uint32_t max)
{
	uint32_t n = 0;
	size_t i;
	unsigned k;

	for (i = 0; i < nnames; i++) {
		int op = sb_target_op_find(t, names[i], strlen(names[i]));
		if (op < 0 || (unsigned)op >= t->op_count)
			continue;
		n = addop(t, (unsigned)op, out, n, max);
		if (!(t->ops[op].flags & SB_OP_FAMILY))
			continue;
		for (k = 0; k < t->op_count; k++)
			if (sb_target_op_within(t, k, (unsigned)op))
				n = addop(t, k, out, n, max);
	}
	return n;
}

uint32_t
sb_import_observable(enum sb_import_format fmt, const struct sb_target *t,
    const char **out, uint32_t max)
{
	uint32_t n = 0;
	unsigned k;

	if (!t)
		t = sb_target_default();
	switch (fmt) {
	case SB_IMPORT_SANDBOXMIRROR:
		return expand(t, sbmirror_ops, countof(sbmirror_ops), out, max);
	case SB_IMPORT_ESLOGGER:
		return expand(t, eslogger_ops, countof(eslogger_ops), out, max);
	default:
		for (k = 0; k < t->op_count && n < max; k++)
			out[n++] = t->ops[k].name;
		return n;
	}
}

/* --- dispatch --------------------------------------------------------------- */

int
sb_import_buffer(enum sb_import_format fmt, const char *buf, size_t len,
    const struct sb_import_opts *o, const struct sb_access_sink *sink,
    struct sb_import_stats *st)
{
	switch (fmt) {
	case SB_IMPORT_JSONL:
		return sb_import_jsonl(buf, len, o, sink, st);
	case SB_IMPORT_SANDBOXMIRROR:
		return sb_import_sbmirror(buf, len, o, sink, st);
	case SB_IMPORT_ESLOGGER:
		return sb_import_eslogger(buf, len, o, sink, st);
	case SB_IMPORT_ULOG_NDJSON:
	case SB_IMPORT_ULOG_JSON:
	case SB_IMPORT_ULOG_SYSLOG:
	case SB_IMPORT_ULOG_COMPACT:
	case SB_IMPORT_ULOG_LEGACY:
		return sb_import_ulog(fmt, buf, len, o, sink, st);
	default:
		return -1;
	}
}

/* --- times ------------------------------------------------------------------ */

int64_t
sb_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* N decimal digits at S into *V; 0 or -1. */
static int
digits(const char *s, size_t n, int64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "YYYY-MM-DD?hh:mm:ss" at S with separator SEP; seconds since the epoch. */
static int
datetime(const char *s, size_t n, char sep, int64_t *secs)
{
	int64_t y, mo, d, h, mi, se;

	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != sep ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &se))
		return -1;
	/* nanoseconds in 64 bits reach from 1678 to 2262 */
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || y < 1678 || y > 2261)
		return -1;
	*secs = sb_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se;
	return 0;
}

/* ".frac" at S: nanoseconds, and bytes used */
static size_t
fraction(const char *s, size_t n, int64_t *ns)
{
	size_t i = 1;
	int64_t scale = 100000000;

	*ns = 0;
	if (n == 0 || s[0] != '.')
		return 0;
	for (; i < n && isdig(s[i]); i++) {
		*ns += (s[i] - '0') * scale;
		scale /= 10;
	}
	return i;
}

/* "+hh:mm", "-hhmm" or "Z" at S: offset in seconds and bytes used; 0 none */
static size_t
offset(const char *s, size_t n, int64_t *off)
{
	int64_t h, m;

	*off = 0;
	if (n >= 1 && s[0] == 'Z')
		return 1;
	if (n < 5 || (s[0] != '+' && s[0] != '-'))
		return 0;
	if (digits(s + 1, 2, &h) < 0)
		return 0;
	if (s[3] == ':') {
		if (n < 6 || digits(s + 4, 2, &m) < 0)
			return 0;
		*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
		return 6;
	}
	if (digits(s + 3, 2, &m) < 0)
		return 0;
	*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
	return 5;
}

int
sb_time_rfc3339(const char *s, size_t n, int64_t *ns)
{
	int64_t secs, frac, off;
	size_t i, k;

	if (datetime(s, n, 'T', &secs) < 0)
		return -1;
	i = 19;
	i += fraction(s + i, n - i, &frac);
	if (!(k = offset(s + i, n - i, &off)) || i + k != n)
		return -1;
	*ns = (secs - off) * 1000000000 + frac;
	return 0;
}

int
sb_time_ulog(const char *s, size_t n, int64_t *ns, size_t *used)
{
	int64_t secs, frac, off;
	size_t i;

	if (datetime(s, n, ' ', &secs) < 0)
		return -1;
	i = 19;
	i += fraction(s + i, n - i, &frac);
	i += offset(s + i, n - i, &off);
	*ns = (secs - off) * 1000000000 + frac;
	*used = i;
	return 0;
}

static int
month(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(names + 3 * i, s, 3) == 0)
			return i + 1;
	return 0;
}

int
sb_time_ctime(const char *s, size_t n, int64_t *ns)
{
	int64_t d, h, mi, se, y;
	int mo;

	/* "Tue Mar  4 10:11:12 2025" */
	if (n != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':' || s[19] != ' ' ||
	    !strstr("SunMonTueWedThuFriSat", (char[4]){ s[0], s[1], s[2], 0 }))
		return -1;
	if (!(mo = month(s + 4)))
		return -1;
	if (digits(s + 8 + (s[8] == ' '), s[8] == ' ' ? 1 : 2, &d) < 0 ||
	    digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 ||
	    digits(s + 17, 2, &se) < 0 || digits(s + 20, 4, &y) < 0)
		return -1;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1678 ||
	    y > 2261)
		return -1;
	*ns = (sb_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se) * 1000000000;
	return 0;
}
