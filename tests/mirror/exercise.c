/*
** exercise: the mirror's deterministic workload (COVERAGE.md §6.8). It
** touches one marker path per operation under DIR, in a fixed order, one
** process at a time (every child is waited for before the parent makes
** another watched call), so that every backend must report the same
** multiset of (relative pid, operation, argument). Network traffic stays
** on 127.0.0.1, on PORT and PORT + 1. Built dynamic and static.
**
**   exercise DIR PORT          the workload; exit 0 when every step that
**                              must work worked
**   exercise child DIR         what the exec'd child does
**
** tests/mirror/exercise.sb and exercise.expected say what each step must
** produce; keep the three in step.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *dir;
static int failures;

static void
must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "exercise: %s: %s\n", what, strerror(errno));
		failures++;
	}
}

/* DIR/NAME in a static buffer (one of four, used in turn). */
static const char *
at(const char *name)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void
writefile(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | flags, 0644);

	must(fd >= 0, path);
	if (fd < 0)
		return;
	must(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
	close(fd);
}

static void
files(void)
{
	struct stat st;
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	char buf[64];
	int fd, dfd;
	void *m;

	must(mkdir(at("d"), 0755) == 0, "mkdir");
	writefile(at("d/created"), "#!/bin/sh\nexit 0\n", O_CREAT | O_EXCL);
	must((fd = open(at("d/created"), O_RDONLY)) >= 0, "open read");
	close(fd);
	must((fd = open(at("d/created"), O_RDWR)) >= 0, "open rdwr");
	close(fd);
	/* a failed open of an absent file: no access */
	must(open(at("d/absent"), O_RDONLY) < 0, "open absent");
	must(stat(at("d/created"), &st) == 0, "stat");
	must(access(at("d/created"), R_OK | W_OK) == 0, "access");
	must(symlink("created", at("d/link")) == 0, "symlink");
	must(lstat(at("d/link"), &st) == 0, "lstat");
	must(readlink(at("d/link"), buf, sizeof buf) > 0, "readlink");
	/* through the symlink: the access is on its target */
	must((fd = open(at("d/link"), O_RDONLY)) >= 0, "open link");
	close(fd);
	must(chmod(at("d/created"), 0755) == 0, "chmod");
	must(chmod(at("d/created"), 02755) == 0, "chmod setgid");
	must(chmod(at("d/created"), 0755) == 0, "chmod back");
	/* through /proc/self/fd: the access is on the file the fd names (as
	** tar restores a directory's mode), not on the tracer's own fd */
	must((fd = open(at("d/created"), O_RDONLY)) >= 0, "open for fd");
	snprintf(buf, sizeof buf, "/proc/self/fd/%d", fd);
	must(chmod(buf, 0755) == 0, "chmod via /proc/self/fd");
	close(fd);
	must(utimensat(AT_FDCWD, at("d/created"), ts, 0) == 0, "utimensat");
	must(truncate(at("d/created"), 17) == 0, "truncate");
	/* may be refused by the filesystem; the access is made anyway */
	setxattr(at("d/created"), "user.exercise", "1", 1, 0);
	must(link(at("d/created"), at("d/hard")) == 0, "link");
	must(rename(at("d/hard"), at("d/renamed")) == 0, "rename");
	must(unlink(at("d/renamed")) == 0, "unlink");
	must(mkfifo(at("d/fifo"), 0600) == 0, "mkfifo");
	/* an executable mapping (the filesystem may refuse it: noexec) */
	if ((fd = open(at("d/created"), O_RDONLY)) >= 0) {
		m = mmap(NULL, 17, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED)
			munmap(m, 17);
		close(fd);
	}
	/* relative to the cwd and to a directory descriptor */
	must(chdir(at("d")) == 0, "chdir");
	writefile("rel", "x", O_CREAT | O_EXCL);
	must(chdir("/") == 0, "chdir back");
	must((dfd = open(at("d"), O_RDONLY | O_DIRECTORY)) >= 0, "open dir");
	if (dfd >= 0) {
		must((fd = openat(dfd, "relat", O_WRONLY | O_CREAT | O_EXCL,
		    0644)) >= 0, "openat");
		close(fd);
		close(dfd);
	}
	/* O_PATH opens have no macOS counterpart: no access */
	if ((fd = open(at("d/created"), O_PATH)) >= 0)
		close(fd);
}

static void
run(char *const argv[])
{
	pid_t pid = fork();
	int st;

	must(pid >= 0, "fork");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	must(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, argv[0]);
}

static void
processes(const char *self)
{
	char arg1[] = "child";
	char *child[] = { (char *)self, arg1, (char *)dir, NULL };
	char *script[] = { (char *)at("d/created"), NULL };
	pid_t pid;
	int st;

	run(child);
	run(script);
	/* a child killed by its parent */
	pid = fork();
	must(pid >= 0, "fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	must(kill(pid, SIGTERM) == 0, "kill child");
	must(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "wait child");
}

/* A thread's accesses are its process's; making it is no fork. */
static void *
threadmain(void *arg)
{
	(void)arg;
	writefile(at("d/thread"), "thread\n", O_CREAT | O_EXCL);
	return NULL;
}

static void
threads(void)
{
	pthread_t t;

	must(pthread_create(&t, NULL, threadmain, NULL) == 0,
	    "pthread_create");
	must(pthread_join(t, NULL) == 0, "pthread_join");
}

static void
onusr1(int sig)
{
	(void)sig;
}

static void
signals(void)
{
	signal(SIGUSR1, onusr1);
	must(kill(getpid(), SIGUSR1) == 0, "kill self");
}

static void
inet(int port)
{
	struct sockaddr_in a;
	int one = 1, l, c, s, u;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	must((l = socket(AF_INET, SOCK_STREAM, 0)) >= 0, "socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	must(bind(l, (struct sockaddr *)&a, sizeof a) == 0, "bind");
	must(listen(l, 1) == 0, "listen");
	must((c = socket(AF_INET, SOCK_STREAM, 0)) >= 0, "socket");
	must(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect");
	must((s = accept(l, NULL, NULL)) >= 0, "accept");
	close(s);
	close(c);
	close(l);
	a.sin_port = htons((unsigned short)(port + 1));
	must((u = socket(AF_INET, SOCK_DGRAM, 0)) >= 0, "socket udp");
	must(sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a) == 1,
	    "sendto");
	close(u);
}

static void
local(void)
{
	struct sockaddr_un a;
	int l, c;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", at("d/sock"));
	must((l = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0, "socket unix");
	must(bind(l, (struct sockaddr *)&a, sizeof a) == 0, "bind unix");
	must(listen(l, 1) == 0, "listen unix");
	must((c = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0, "socket unix");
	must(connect(c, (struct sockaddr *)&a, sizeof a) == 0,
	    "connect unix");
	close(c);
	close(l);
	/* another family: system-socket (netlink may be refused) */
	if ((c = socket(AF_NETLINK, SOCK_RAW, 0)) >= 0)
		close(c);
}

static void
ipc(int port)
{
	struct utsname u;
	char name[64], buf[64];
	int fd;

	snprintf(name, sizeof name, "/sbpl-exercise-%d", port);
	must((fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600)) >= 0,
	    "shm_open");
	close(fd);
	must(shm_unlink(name) == 0, "shm_unlink");
	must(uname(&u) == 0, "uname");
	if ((fd = open("/proc/sys/kernel/ostype", O_RDONLY)) >= 0) {
		must(read(fd, buf, sizeof buf) > 0, "read ostype");
		close(fd);
	}
}

static void
cleanup(void)
{
	unlink(at("d/created"));
	unlink(at("d/link"));
	unlink(at("d/fifo"));
	unlink(at("d/sock"));
	unlink(at("d/rel"));
	unlink(at("d/relat"));
	unlink(at("d/child"));
	unlink(at("d/thread"));
	must(rmdir(at("d")) == 0, "rmdir");
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child") == 0) {
		dir = argv[2];
		writefile(at("d/child"), "child\n", O_CREAT | O_EXCL);
		return failures != 0;
	}
	if (argc != 3 || argv[0][0] != '/') {
		fprintf(stderr, "usage: /path/to/exercise DIR PORT\n");
		return 2;
	}
	dir = argv[1];
	files();
	processes(argv[0]);
	threads();
	signals();
	inet(atoi(argv[2]));
	local();
	ipc(atoi(argv[2]));
	cleanup();
	return failures != 0;
}
