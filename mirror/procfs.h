/*
** A traced process as /proc and process_vm_readv(2) show it: its memory,
** its cwd, root, exe and descriptor links, its parent and start time.
** Every call takes a thread id (a notification names the thread) and
** reads the state of that moment; callers cache.
*/
#ifndef SB_MIRROR_PROCFS_H
#define SB_MIRROR_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
** Read LEN bytes at ADDR in TID's memory into BUF. Returns the bytes
** read (short at an unmapped page), or -1 with errno set.
*/
ssize_t sb_procfs_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/*
** Read the NUL-terminated string at ADDR in TID's memory into BUF (CAP
** bytes, always terminated). Returns its length, or -1 when not even one
** byte could be read; *CUT is set when no NUL came within CAP - 1 bytes.
*/
ssize_t sb_procfs_string(pid_t tid, uint64_t addr, char *buf, size_t cap,
    int *cut);

/*
** readlink(2) of /proc/TID/NAME ("cwd", "root", "exe", "fd/3") into BUF
** (CAP bytes, terminated). Returns the length, or -1 with errno set.
*/
ssize_t sb_procfs_link(pid_t tid, const char *name, char *buf, size_t cap);

/* The same for descriptor FD of TID. */
ssize_t sb_procfs_fdlink(pid_t tid, int fd, char *buf, size_t cap);

struct sb_procinfo {
	int64_t tgid;           /* the process TID belongs to */
	int64_t ppid;           /* its parent */
	int64_t pgrp;           /* its process group */
	uint64_t start;         /* start time in clock ticks since boot */
};

/*
** Fill *OUT for TID from /proc/TID/stat; its thread group is TID when
** pidfd_open(2) takes it as a leader, else read from /proc/TID/status.
** 0, or -1 (gone).
*/
int sb_procfs_info(pid_t tid, struct sb_procinfo *out);

/*
** The same from /proc/TID/stat alone, without /proc/TID/status: TGID is
** left as TID. For a task already known, which cannot change group.
*/
int sb_procfs_stat(pid_t tid, struct sb_procinfo *out);

/*
** TID's arguments (/proc/TID/cmdline, NUL-separated) into BUF, at most
** CAP bytes; their length, or -1.
*/
ssize_t sb_procfs_cmdline(pid_t tid, char *buf, size_t cap);

/* Boot time in nanoseconds since the epoch, and clock ticks a second. */
int sb_procfs_boot(int64_t *boot_ns, long *hz);

/* The pid a pidfd FD of TID refers to (its fdinfo), or -1. */
int64_t sb_procfs_pidfd_pid(pid_t tid, int fd);

#endif
