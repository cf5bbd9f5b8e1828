/*
** The blocked phase (DESIGN.md §7.1): turn one trapped syscall into a
** struct sb_sysrec while its thread still waits, reading everything the
** thread could change once it runs on: path strings, its cwd and
** descriptor links, what each path names (one lstat, create versus
** open), socket addresses and types, signal targets. Both backends call
** it; the deferred phase (resolve.h) does the rest after the answer.
*/
#ifndef SB_MIRROR_CAPTURE_H
#define SB_MIRROR_CAPTURE_H

#include <stdint.h>

#include "mirror/proctab.h"
#include "mirror/seccomp.h"
#include "mirror/sysrec.h"

struct sb_capture {
	struct sb_proctab *procs;       /* the caller's; updated here */
	struct sb_sysmap map;           /* (arch, nr) → SB_SYS_* */
	uint64_t nlost;                 /* records with an unreadable string */
	char self[4096];                /* our own executable: the image the
	                                   command's process has until it execs */
	int64_t boot_ns;                /* boot time, for process start times */
	long hz;                        /* clock ticks a second */
};

/* Set up CX over the table PROCS. */
void sb_capture_init(struct sb_capture *cx, struct sb_proctab *procs);

/*
** Fill REC for the syscall NR (on AUDIT arch ARCH, with ARGS) that thread
** TID is blocked in. Returns 0; -1 when the thread is already gone, and
** then REC is to be dropped. A syscall the map does not know gives
** REC->sys == SB_SYS_NONE.
*/
int sb_capture(struct sb_capture *cx, int64_t tid, uint32_t arch, int64_t nr,
    const uint64_t args[6], struct sb_sysrec *rec);

/*
** Move SRC into DST: the strings in SRC's pool are copied into DST's (a
** record is otherwise never copied: see sysrec.h), and the descriptors
** SRC held now belong to DST.
*/
void sb_sysrec_move(struct sb_sysrec *dst, struct sb_sysrec *src);
/*
** The lookups capture left for later (struct sb_sysrec_path's LATER), made
** by the evaluating thread once the target runs on; before resolve.c.
*/
void sb_capture_late(struct sb_sysrec *rec);
/* Close the descriptors REC holds (a record that is dropped). */
void sb_sysrec_release(struct sb_sysrec *rec);

#endif
