/*
** The operation map as a table (COVERAGE.md §6.5, §6.8): syscall records
** built by hand, no tracing, and the accesses each must give.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mirror/opmap.h"

static struct sb_opmap_cfg cfg;
static struct sb_sysrec rec;
static struct sb_opmap_out out;

/* A fresh record of syscall SYS by process 100. */
static void
mk(enum sb_sys sys)
{
	memset(&rec, 0, sizeof rec);
	memset(&cfg, 0, sizeof cfg);
	rec.sys = sys;
	rec.pid = rec.tid = 100;
	rec.ppid = 1;
	rec.signo = -1;
	rec.target_pid = -1;
	rec.sock.type = -1;
	rec.sock.port = -1;
}

/* Path I as the capture phase would have left it. */
static void
path(int i, const char *abs, int exists, enum sb_vtype vt)
{
	rec.path[i].literal = abs;
	rec.path[i].abs = abs;
	rec.path[i].exists = exists;
	rec.path[i].vtype = vt;
}

static uint32_t
map(void)
{
	return sb_opmap(&cfg, &rec, &out);
}

/* Access I is OP on ARG (NULL: none). */
static void
is(uint32_t i, const char *op, const char *arg)
{
	assert_true(i < out.n);
	assert_string_equal(out.acc[i].operation, op);
	if (arg)
		assert_string_equal(out.acc[i].argument, arg);
	else
		assert_null(out.acc[i].argument);
}

/* Access I has fact FILTER = VALUE (NULL: no such fact). */
static void
hasfact(uint32_t i, const char *filter, const char *value)
{
	uint32_t k;

	for (k = 0; k < out.acc[i].nfacts; k++)
		if (strcmp(out.acc[i].facts[k].filter, filter) == 0)
			break;
	if (!value) {
		assert_int_equal(k, out.acc[i].nfacts);
		return;
	}
	assert_true(k < out.acc[i].nfacts);
	assert_string_equal(out.acc[i].facts[k].value, value);
}

static void
open__read_only_existing__reads_data(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDONLY;
	path(0, "/etc/hosts", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "file-read-data", "/etc/hosts");
	hasfact(0, "vnode-type", "REGULAR-FILE");
	assert_string_equal(out.acc[0].syscall, "openat");
	assert_int_equal(out.acc[0].pid, 100);
	assert_int_equal(out.acc[0].count, 1);
	assert_int_equal(out.acc[0].arg_kind, SB_ACC_PATH);
}

static void
open__absent_without_create__gives_nothing(void **state)
{
	(void)state;
	mk(SB_SYS_open);
	rec.flags = O_RDONLY;
	path(0, "/nope", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 0);
}

static void
open__create_of_absent_file__is_file_write_create_only(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_WRONLY | O_CREAT | O_TRUNC;
	path(0, "/tmp/new", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 1);
	is(0, "file-write-create", "/tmp/new");
	hasfact(0, "vnode-type", "REGULAR-FILE");
}

static void
open__create_of_existing_file__writes_data(void **state)
{
	(void)state;
	mk(SB_SYS_creat);
	rec.flags = O_WRONLY | O_CREAT | O_TRUNC;
	path(0, "/tmp/old", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "file-write-data", "/tmp/old");
}

static void
open__read_write__reads_and_writes(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDWR;
	path(0, "/tmp/f", 1, SB_VT_REG);
	assert_int_equal(map(), 2);
	is(0, "file-read-data", "/tmp/f");
	is(1, "file-write-data", "/tmp/f");
}

static void
open__truncate_read_only__also_writes(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDONLY | O_TRUNC;
	path(0, "/tmp/f", 1, SB_VT_REG);
	assert_int_equal(map(), 2);
	is(1, "file-write-data", "/tmp/f");
}

static void
open__o_path__has_no_counterpart(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_PATH;
	path(0, "/etc", 1, SB_VT_DIR);
	assert_int_equal(map(), 0);
}

static void
open__dev_shm__is_posix_shared_memory(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDWR | O_CREAT | O_EXCL;
	path(0, "/dev/shm/seg", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 1);
	is(0, "ipc-posix-shm-write-create", "seg");
	assert_int_equal(out.acc[0].arg_kind, SB_ACC_NAME);
	mk(SB_SYS_openat);
	rec.flags = O_RDWR;
	path(0, "/dev/shm/seg", 1, SB_VT_REG);
	assert_int_equal(map(), 2);
	is(0, "ipc-posix-shm-read-data", "seg");
	is(1, "ipc-posix-shm-write-data", "seg");
	mk(SB_SYS_openat);
	rec.flags = O_RDWR;
	path(0, "/dev/shm/sem.lock", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "ipc-posix-sem-open", "lock");
	mk(SB_SYS_unlink);
	path(0, "/dev/shm/sem.lock", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "ipc-posix-sem-unlink", "lock");
}

static void
open__proc_sys__is_an_approximate_sysctl(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDONLY;
	path(0, "/proc/sys/kernel/ostype", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "sysctl-read", "kern.ostype");
	assert_true(out.acc[0].approx);
	mk(SB_SYS_openat);
	rec.flags = O_WRONLY;
	path(0, "/proc/sys/net/ipv4/ip_forward", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "sysctl-write", "net.ipv4.ip_forward");
}

static void
stat__on_a_descriptor__counts_only_with_fd_ops(void **state)
{
	(void)state;
	mk(SB_SYS_newfstatat);
	path(0, "/etc/hosts", 1, SB_VT_REG);
	rec.path[0].literal = "";
	assert_int_equal(map(), 0);
	cfg.fd_ops = 1;
	assert_int_equal(map(), 1);
	is(0, "file-read-metadata", "/etc/hosts");
}

static void
stat__of_an_absent_path__still_reads_metadata(void **state)
{
	(void)state;
	mk(SB_SYS_newfstatat);
	path(0, "/no/such", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 1);
	is(0, "file-read-metadata", "/no/such");
	hasfact(0, "vnode-type", NULL);
}

static void
access__modes__map_to_read_write_exec(void **state)
{
	(void)state;
	mk(SB_SYS_access);
	path(0, "/bin/sh", 1, SB_VT_REG);
	rec.args[1] = F_OK;
	assert_int_equal(map(), 1);
	is(0, "file-read-metadata", "/bin/sh");
	rec.args[1] = R_OK | W_OK | X_OK;
	assert_int_equal(map(), 3);
	is(0, "file-read-data", "/bin/sh");
	is(1, "file-write-data", "/bin/sh");
	is(2, "process-exec", "/bin/sh");
	mk(SB_SYS_faccessat);
	path(0, "/gone", 0, SB_VT_UNKNOWN);
	rec.args[2] = R_OK;
	assert_int_equal(map(), 0);
}

static void
chmod__set_id_bits__add_file_write_setugid(void **state)
{
	(void)state;
	mk(SB_SYS_fchmodat);
	path(0, "/tmp/f", 1, SB_VT_REG);
	rec.args[2] = 04755;
	assert_int_equal(map(), 2);
	is(0, "file-write-mode", "/tmp/f");
	hasfact(0, "file-mode", "2541");
	is(1, "file-write-setugid", "/tmp/f");
	mk(SB_SYS_chmod);
	path(0, "/tmp/f", 1, SB_VT_REG);
	rec.args[1] = 0644;
	assert_int_equal(map(), 1);
	hasfact(0, "file-mode", "420");
}

static void
mkdir__creates_a_directory_unless_it_exists(void **state)
{
	(void)state;
	mk(SB_SYS_mkdir);
	path(0, "/tmp/d", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 1);
	is(0, "file-write-create", "/tmp/d");
	hasfact(0, "vnode-type", "DIRECTORY");
	path(0, "/tmp/d", 1, SB_VT_DIR);
	assert_int_equal(map(), 0);
	mk(SB_SYS_symlinkat);
	path(0, "/tmp/l", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 1);
	hasfact(0, "vnode-type", "SYMLINK");
}

static void
mknod__devices_are_file_mknod_and_approximate(void **state)
{
	(void)state;
	mk(SB_SYS_mknodat);
	path(0, "/dev/x", 0, SB_VT_UNKNOWN);
	rec.args[2] = S_IFCHR | 0600;
	assert_int_equal(map(), 1);
	is(0, "file-mknod", "/dev/x");
	assert_true(out.acc[0].approx);
	rec.args[2] = S_IFIFO | 0600;
	assert_int_equal(map(), 1);
	is(0, "file-write-create", "/dev/x");
	hasfact(0, "vnode-type", "FIFO");
}

static void
rename__unlinks_the_source_and_creates_the_target(void **state)
{
	(void)state;
	mk(SB_SYS_renameat2);
	path(0, "/tmp/a", 1, SB_VT_DIR);
	path(1, "/tmp/b", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 2);
	is(0, "file-write-unlink", "/tmp/a");
	is(1, "file-write-create", "/tmp/b");
	hasfact(1, "vnode-type", "DIRECTORY");
	rec.args[4] = 2;        /* RENAME_EXCHANGE */
	path(1, "/tmp/b", 1, SB_VT_REG);
	assert_int_equal(map(), 4);
	is(2, "file-write-unlink", "/tmp/b");
	is(3, "file-write-create", "/tmp/b");
}

static void
link__creates_the_name_and_links_the_file(void **state)
{
	(void)state;
	mk(SB_SYS_linkat);
	path(0, "/tmp/a", 1, SB_VT_REG);
	path(1, "/tmp/b", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 2);
	is(0, "file-write-create", "/tmp/b");
	hasfact(0, "vnode-type", "REGULAR-FILE");
	is(1, "file-link", "/tmp/a");
}

static void
unlink__of_an_absent_file__gives_nothing(void **state)
{
	(void)state;
	mk(SB_SYS_unlinkat);
	path(0, "/tmp/gone", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 0);
	path(0, "/tmp/here", 1, SB_VT_REG);
	assert_int_equal(map(), 1);
	is(0, "file-write-unlink", "/tmp/here");
}

static void
mmap__executable_file_mapping__maps_executable(void **state)
{
	(void)state;
	mk(SB_SYS_mmap);
	rec.args[2] = PROT_READ | PROT_EXEC;
	rec.args[3] = MAP_PRIVATE;
	rec.path[0].abs = "/usr/lib/libc.so.6";
	rec.path[0].exists = 1;
	rec.path[0].vtype = SB_VT_REG;
	assert_int_equal(map(), 1);
	is(0, "file-map-executable", "/usr/lib/libc.so.6");
	rec.args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	assert_int_equal(map(), 0);
}

static void
execve__of_a_script__adds_its_interpreter(void **state)
{
	(void)state;
	mk(SB_SYS_execve);
	path(0, "/tmp/s.sh", 1, SB_VT_REG);
	rec.interp = "/usr/bin/dash";
	assert_int_equal(map(), 2);
	is(0, "process-exec", "/tmp/s.sh");
	is(1, "process-exec-interpreter", "/usr/bin/dash");
	mk(SB_SYS_execve);
	path(0, "/usr/local/bin/cc", 0, SB_VT_UNKNOWN);
	assert_int_equal(map(), 0);     /* PATH search misses: ENOENT */
}

static void
clone__of_a_thread__is_no_fork(void **state)
{
	(void)state;
	mk(SB_SYS_clone);
	rec.flags = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
	assert_int_equal(map(), 0);
	rec.flags = SIGCHLD;
	assert_int_equal(map(), 1);
	is(0, "process-fork", NULL);
	assert_int_equal(out.acc[0].arg_kind, SB_ACC_NONE);
}

static void
kill__gives_the_target_class_and_the_macos_signal(void **state)
{
	(void)state;
	mk(SB_SYS_kill);
	rec.sigtarget = SB_SIG_SELF;
	rec.signo = SIGUSR1;
	assert_int_equal(map(), 1);
	is(0, "signal", NULL);
	hasfact(0, "target", "self");
	hasfact(0, "signal-number", "30");
	rec.sigtarget = SB_SIG_CHILDREN;
	rec.signo = SIGCHLD;
	map();
	hasfact(0, "target", "children");
	hasfact(0, "signal-number", "20");
	rec.sigtarget = SB_SIG_TREE;
	rec.signo = 0;
	map();
	hasfact(0, "target", "same-sandbox");
	hasfact(0, "signal-number", NULL);
}

static void
connect__inet_addresses__are_proto_host_port(void **state)
{
	(void)state;
	mk(SB_SYS_connect);
	rec.sock.family = AF_INET;
	rec.sock.type = SOCK_STREAM;
	rec.sock.host = "127.0.0.1";
	rec.sock.port = 8080;
	assert_int_equal(map(), 1);
	is(0, "network-outbound", "tcp:127.0.0.1:8080");
	assert_int_equal(out.acc[0].arg_kind, SB_ACC_ADDRESS);
	rec.sock.family = AF_INET6;
	rec.sock.type = SOCK_DGRAM;
	rec.sock.host = "::1";
	rec.sock.port = 53;
	map();
	is(0, "network-outbound", "udp6:[::1]:53");
	mk(SB_SYS_bind);
	rec.sock.family = AF_INET;
	rec.sock.type = SOCK_STREAM;
	rec.sock.host = "0.0.0.0";
	rec.sock.port = 0;
	map();
	is(0, "network-bind", "tcp:0.0.0.0:0");
}

static void
connect__unix_sockets__are_paths_or_abstract_names(void **state)
{
	(void)state;
	mk(SB_SYS_connect);
	rec.sock.family = AF_UNIX;
	rec.sock.path = "/run/x.sock";
	path(0, "/run/x.sock", 1, SB_VT_SOCK);
	assert_int_equal(map(), 1);
	is(0, "network-outbound", "/run/x.sock");
	assert_int_equal(out.acc[0].arg_kind, SB_ACC_PATH);
	mk(SB_SYS_connect);
	rec.sock.family = AF_UNIX;
	rec.sock.abstract = 1;
	rec.sock.path = "@bus";
	assert_int_equal(map(), 1);
	is(0, "network-outbound", "@bus");
	assert_true(out.acc[0].approx);
}

static void
sendmsg__without_an_address__gives_nothing(void **state)
{
	(void)state;
	mk(SB_SYS_sendmsg);
	assert_int_equal(map(), 0);
	mk(SB_SYS_listen);
	assert_int_equal(map(), 1);     /* a socket we could not inspect */
	is(0, "network-inbound", NULL);
	assert_true(out.acc[0].approx);
}

static void
socket__other_families__are_system_socket(void **state)
{
	(void)state;
	mk(SB_SYS_socket);
	rec.args[0] = AF_INET;
	rec.args[1] = SOCK_STREAM;
	assert_int_equal(map(), 0);
	rec.args[0] = AF_NETLINK;
	rec.args[1] = SOCK_RAW | SOCK_CLOEXEC;
	assert_int_equal(map(), 1);
	is(0, "system-socket", NULL);
	hasfact(0, "socket-domain", "AF_ROUTE");
	hasfact(0, "socket-type", "3");
	assert_true(out.acc[0].approx);
}

static void
uname__reads_four_sysctls(void **state)
{
	(void)state;
	mk(SB_SYS_uname);
	assert_int_equal(map(), 4);
	is(0, "sysctl-read", "kern.ostype");
	is(3, "sysctl-read", "hw.machine");
}

static void
ptrace__of_another_process__is_a_task_port(void **state)
{
	(void)state;
	mk(SB_SYS_ptrace);
	rec.target_pid = 200;
	rec.sigtarget = SB_SIG_OTHERS;
	assert_int_equal(map(), 1);
	is(0, "mach-priv-task-port", NULL);
	hasfact(0, "target", "others");
	mk(SB_SYS_process_vm_readv);
	rec.target_pid = 100;
	rec.sigtarget = SB_SIG_SELF;
	assert_int_equal(map(), 0);
}

static void
pathmap__longest_prefix_on_a_component_boundary(void **state)
{
	static const struct sb_pathmap maps[] = {
		{ "/tmp", "/private/tmp" },
		{ "/tmp/deep", "/elsewhere" },
		{ "/home/me", "/Users/me/" },
	};

	(void)state;
	mk(SB_SYS_openat);
	cfg.maps = maps;
	cfg.nmaps = 3;
	rec.flags = O_RDONLY;
	path(0, "/tmp/x", 1, SB_VT_REG);
	map();
	is(0, "file-read-data", "/private/tmp/x");
	assert_string_equal(out.acc[0].literal_path, "/tmp/x");
	path(0, "/tmp/deep/x", 1, SB_VT_REG);
	map();
	is(0, "file-read-data", "/elsewhere/x");
	path(0, "/tmpx", 1, SB_VT_REG);
	map();
	is(0, "file-read-data", "/tmpx");
	path(0, "/tmp", 1, SB_VT_DIR);
	map();
	is(0, "file-read-data", "/private/tmp");
	path(0, "/home/me/a", 1, SB_VT_REG);
	map();
	is(0, "file-read-data", "/Users/me/a");
}

static void
pathmap__of_the_root__prefixes_everything(void **state)
{
	static const struct sb_pathmap maps[] = { { "/", "/System/Volumes" } };

	(void)state;
	mk(SB_SYS_openat);
	cfg.maps = maps;
	cfg.nmaps = 1;
	rec.flags = O_RDONLY;
	path(0, "/etc/hosts", 1, SB_VT_REG);
	map();
	is(0, "file-read-data", "/System/Volumes/etc/hosts");
}

static void
resolved__path_is_preferred_over_the_joined_one(void **state)
{
	(void)state;
	mk(SB_SYS_openat);
	rec.flags = O_RDONLY;
	path(0, "/bin/sh", 1, SB_VT_REG);
	rec.path[0].literal = "sh";
	rec.path[0].resolved = "/usr/bin/dash";
	map();
	is(0, "file-read-data", "/usr/bin/dash");
	assert_string_equal(out.acc[0].literal_path, "sh");
}

static void
sysnames__come_from_the_table(void **state)
{
	uint32_t n, i;
	const char *const *ops = sb_opmap_observable(&n);

	(void)state;
	assert_string_equal(sb_opmap_sysname(SB_SYS_openat), "openat");
	assert_string_equal(sb_opmap_sysname(SB_SYS_NONE), "?");
	assert_true(n > 30);
	for (i = 0; i < n; i++)
		assert_non_null(ops[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open__read_only_existing__reads_data),
		cmocka_unit_test(open__absent_without_create__gives_nothing),
		cmocka_unit_test(
		    open__create_of_absent_file__is_file_write_create_only),
		cmocka_unit_test(open__create_of_existing_file__writes_data),
		cmocka_unit_test(open__read_write__reads_and_writes),
		cmocka_unit_test(open__truncate_read_only__also_writes),
		cmocka_unit_test(open__o_path__has_no_counterpart),
		cmocka_unit_test(open__dev_shm__is_posix_shared_memory),
		cmocka_unit_test(open__proc_sys__is_an_approximate_sysctl),
		cmocka_unit_test(stat__on_a_descriptor__counts_only_with_fd_ops),
		cmocka_unit_test(stat__of_an_absent_path__still_reads_metadata),
		cmocka_unit_test(access__modes__map_to_read_write_exec),
		cmocka_unit_test(chmod__set_id_bits__add_file_write_setugid),
		cmocka_unit_test(mkdir__creates_a_directory_unless_it_exists),
		cmocka_unit_test(mknod__devices_are_file_mknod_and_approximate),
		cmocka_unit_test(
		    rename__unlinks_the_source_and_creates_the_target),
		cmocka_unit_test(link__creates_the_name_and_links_the_file),
		cmocka_unit_test(unlink__of_an_absent_file__gives_nothing),
		cmocka_unit_test(
		    mmap__executable_file_mapping__maps_executable),
		cmocka_unit_test(execve__of_a_script__adds_its_interpreter),
		cmocka_unit_test(clone__of_a_thread__is_no_fork),
		cmocka_unit_test(
		    kill__gives_the_target_class_and_the_macos_signal),
		cmocka_unit_test(connect__inet_addresses__are_proto_host_port),
		cmocka_unit_test(
		    connect__unix_sockets__are_paths_or_abstract_names),
		cmocka_unit_test(sendmsg__without_an_address__gives_nothing),
		cmocka_unit_test(socket__other_families__are_system_socket),
		cmocka_unit_test(uname__reads_four_sysctls),
		cmocka_unit_test(ptrace__of_another_process__is_a_task_port),
		cmocka_unit_test(
		    pathmap__longest_prefix_on_a_component_boundary),
		cmocka_unit_test(pathmap__of_the_root__prefixes_everything),
		cmocka_unit_test(
		    resolved__path_is_preferred_over_the_joined_one),
		cmocka_unit_test(sysnames__come_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
