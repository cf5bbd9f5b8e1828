/*
** The normalised access record (COVERAGE.md §7.1): what every source of
** coverage (the Linux tracer, each importer, the macOS daemon) produces,
** and what attribution (coverage/attrib.c) turns into a deciding rule.
** Producers hand records to a sink; nothing here allocates. Strings are
** borrowed: they live until the sink's put() returns.
*/
#ifndef SB_COVERAGE_ACCESS_H
#define SB_COVERAGE_ACCESS_H

#include <stdint.h>

enum sb_arg_kind {
	SB_ACC_NONE,            /* no argument */
	SB_ACC_PATH,            /* a resolved absolute path */
	SB_ACC_NAME,            /* a service, sysctl, preference, … name */
	SB_ACC_ADDRESS,         /* "PROTO:HOST:PORT" (IPv6 hosts in brackets) */
	SB_ACC_NUMBER           /* a number (signal, syscall, ioctl, …) */
};

enum sb_decision { SB_DEC_UNKNOWN, SB_DEC_ALLOW, SB_DEC_DENY };

#define SB_ACCESS_MAX_FACTS 8

/* One more fact about the access: a filter name and its value. */
struct sb_access_fact {
	const char *filter;     /* "vnode-type", "target", "socket-domain", … */
	const char *value;      /* a named value ("REGULAR-FILE") or a number */
};

struct sb_access {
	const char *operation;          /* SBPL operation name, as the source names it */
	const char *argument;           /* see arg_kind; NULL for none */
	enum sb_arg_kind arg_kind;
	struct sb_access_fact facts[SB_ACCESS_MAX_FACTS];
	uint32_t nfacts;
	int64_t pid, ppid;              /* -1 when unknown */
	const char *exe;                /* executable path, or NULL */
	int64_t ts;                     /* nanoseconds since the epoch, or 0 */
	uint64_t count;                 /* occurrences this record stands for (>= 1) */
	enum sb_decision reported;      /* the source's own decision */
	const char *reported_rule;      /* a claimed fingerprint (16 hex), or NULL */
	const char *message;            /* message tag, or NULL */
	const char *syscall;            /* Linux or eslogger syscall name, or NULL */
	int32_t err;                    /* errno of the syscall, 0 if none */
	int approx;                     /* the mapping is approximate (COVERAGE.md §6.5) */
	const char *literal_path;       /* the path before resolution, or NULL */
	const char *in_file;            /* input position, for diagnostics */
	uint64_t in_line, in_offset;
};

/* Where producers send accesses. put() returns 0, or -1 to stop. */
struct sb_access_sink {
	void *ctx;
	int (*put)(void *ctx, const struct sb_access *a);
};

#endif
