/*
** The operation map (COVERAGE.md §6.5): a pure function from one syscall
** record to zero or more SBPL accesses. It reads the record and its
** configuration only: no system calls, no clock, no global state, so the
** unit tests drive it with records built by hand.
*/
#ifndef SB_MIRROR_OPMAP_H
#define SB_MIRROR_OPMAP_H

#include <stdint.h>

#include "coverage/access.h"
#include "mirror/sysrec.h"

/* --path-map FROM=TO: rewrite a path prefix before evaluation. */
struct sb_pathmap {
	const char *from;       /* absolute, no trailing '/' (except "/") */
	const char *to;
};

struct sb_opmap_cfg {
	const struct sb_pathmap *maps;  /* the longest matching FROM wins */
	uint32_t nmaps;
	int fd_ops;                     /* --fd-ops: count descriptor metadata reads */
};

/* Most accesses one syscall makes (uname: 4; rename with exchange: 4). */
#define SB_OPMAP_MAX 6
#define SB_OPMAP_TEXT 16384

/* The accesses of one record; strings live in TEXT or in the record. */
struct sb_opmap_out {
	struct sb_access acc[SB_OPMAP_MAX];
	uint32_t n;
	uint32_t used;                  /* bytes of TEXT in use */
	char text[SB_OPMAP_TEXT];
};

/*
** Map REC to accesses in *OUT (OUT->n of them, possibly 0). Every
** string of OUT points into OUT->text, into REC, or at a constant: it
** lives as long as both. Never fails; an argument that does not fit
** (longer than PATH_MAX after mapping) is cut and the access marked
** approximate.
*/
uint32_t sb_opmap(const struct sb_opmap_cfg *cfg, const struct sb_sysrec *rec,
    struct sb_opmap_out *out);

/* The kernel's name of syscall SYS ("openat"), or "?" . */
const char *sb_opmap_sysname(enum sb_sys sys);

/* Every operation some row of opmap.def can produce; *N of them. */
const char *const *sb_opmap_observable(uint32_t *n);

/*
** The operations syscall SYS can produce, into OPS (room for MAX); their
** number. For --trap=decisive: a syscall all of whose operations the
** profile decides the same way for every argument need not be trapped.
*/
uint32_t sb_opmap_sysops(enum sb_sys sys, const char **ops, uint32_t max);

/*
** Whether SYS must stay trapped whatever its operations: the tracer's
** own bookkeeping needs it (cwd, root, exe, forks, cache invalidation).
*/
int sb_opmap_bookkeeping(enum sb_sys sys);

#endif
