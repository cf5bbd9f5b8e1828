/*
** Small helpers every user-space module shares: array counts, the
** allocation wrappers that make out-of-memory fatal, and sb_fatal() for
** command files. DESIGN.md §9: out of memory is fatal only here.
*/
#ifndef SB_COMMON_UTIL_H
#define SB_COMMON_UTIL_H

#include <stddef.h>

#define countof(a) (sizeof(a) / sizeof((a)[0]))
#define SB_NORETURN _Noreturn

#if defined(__GNUC__)
#define SB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SB_PRINTF(f, a)
#endif

/*
** Allocate or exit. The caller owns and frees the result with free().
*/
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/*
** Print "PROG: MESSAGE" to stderr and exit with status 2. When FMT ends
** in ':', the system error for errno is appended (cproc's convention).
** For command files and out-of-memory only.
*/
SB_NORETURN void sb_fatal(const char *fmt, ...) SB_PRINTF(1, 2);

/* The last component of PATH (after its last '/'), inside PATH. */
const char *sb_basename(const char *path);

/* The program's short name, for messages. */
const char *sb_progname(void);

/*
** Write LEN bytes to PATH atomically: a temporary file beside it, synced,
** then renamed over PATH, so an error never leaves a partial or stale
** output. An existing PATH keeps its permission bits; a new one gets what
** the umask allows. "-" writes to standard output. Returns 0, or -1
** after printing why to stderr.
*/
int sb_write_atomic(const char *path, const void *bytes, size_t len);

#endif
