/*
** The tracer's overhead (COVERAGE.md §6.3, DESIGN.md §13.7): two workloads
** run untraced, under `sbpl-mirror run` with each backend, and under
** `strace -f`, interleaved in rounds in the same run: the median wall
** time of each, and the median of its ratios to the untraced run of the
** same round (paired: this machine's speed drifts between rounds by more
** than the differences measured, which a ratio of medians would fold in),
** with their range. The syscall-heavy workload is the
** one of COVERAGE.md §6.3 (three `find /usr/include -newer` passes, a tar
** of /usr/include, cat over the .conf files of /etc); the realistic one compiles a
** small generated C project with cc, one file after another. Targets:
** at most 4x on the first, 1.3x on the second, faster than strace -f.
** The mirror records into coverage.db as it is used (-o, one database a
** configuration, kept across the rounds so that each run is added to a
** file that has runs already: attribution, the batched commits and the
** per-rule counts are all in the time),
** once trapping every watched call and once with --trap=decisive, which
** leaves to the kernel what the profile decides alike for every argument
** (here file-read-metadata: the profile ends by allowing it for every
** path).
**
** Two more configurations are the floor of the unotify design on the
** machine at hand: the same seccomp filter as sbpl-mirror's (mirror/
** seccomp.c, linked in), every trap answered at once by a loop that reads
** nothing, decides nothing and records nothing; once with the filter of
** exact trapping, once with the one --trap=decisive installs for the
** benchmark's profile (its untrapped calls computed as sbpl-mirror
** computes them, sb_supervise_untrap). Their time less the untraced time,
** over the number of traps, is what one trap's round trip costs the
** target here; no tracer that stops the target at the same calls can be
** faster than the floor of its filter.
**
** bench/run pins benchmarks to one core; a tracer's cost depends on the
** supervisor having a core of its own, as it has in use, so this one
** widens its affinity to every core first (and says so).
**
** Usage: bench_mirror CORPUS_DIR [RESULTS.tsv]  (from the source root; $O
** names the build directory holding sbpl-mirror, build by default)
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "mirror/kernel.h"
#include "mirror/seccomp.h"
#include "mirror/supervisor.h"

#define REPS 9
#define NFILES 12

enum config {
	BASE, FLOOR, UNOTIFY, PTRACE, DFLOOR, DUNOTIFY, DPTRACE, STRACE,
	NCONFIG
};
static const char *const confname[NCONFIG] = {
	"untraced", "trap floor (answer only)", "unotify", "ptrace",
	"decisive floor", "unotify --trap=decisive", "ptrace --trap=decisive",
	"strace -f",
};
static const char *const confkey[NCONFIG] = {
	"base", "floor", "unotify", "ptrace", "decisive_floor",
	"unotify_decisive", "ptrace_decisive", "strace",
};

/* The calls --trap=decisive leaves to the kernel for the profile. */
static unsigned char decisive_skip[SB_SYS_COUNT];

/*
** A profile as one is written for a build: everything under the work
** tree and /tmp, reading the system, running the toolchain. It ends by
** allowing every metadata read, as profiles commonly do, which is what
** --trap=decisive can leave to the kernel (stat, lstat, readlink: most
** of what find, tar and cc's path lookups do).
*/
static const char profile[] =
    "(version 1)\n"
    "(deny default)\n"
    "(allow file-read* (subpath \"/usr\") (subpath \"/lib\")\n"
    "    (subpath \"/etc\") (subpath \"/proc\") (subpath \"/dev\"))\n"
    "(allow file-map-executable (subpath \"/usr\") (subpath \"/lib\"))\n"
    "(allow process-exec (subpath \"/usr/bin\") (subpath \"/bin\")\n"
    "    (subpath \"/usr/lib/gcc\") (subpath \"/usr/libexec\"))\n"
    "(allow process-fork)\n"
    "(allow file* (subpath (param \"WORK\")) (subpath \"/tmp\"))\n"
    "(allow file-write-data (literal \"/dev/null\"))\n"
    "(allow sysctl-read)\n"
    "(allow signal (target self))\n"
    "(allow file-read-metadata)\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
writefile(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Run ARGV with stdout and stderr to /dev/null; wall seconds, or -1. */
static double
timed(const char *const argv[])
{
	double t0 = now();
	int st, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return now() - t0;
}

/*
** The trap floor: /bin/sh -c SCRIPT under sbpl-mirror's filter, each trap
** answered unread, as unotify.c answers (synchronous wake-up, continue).
** Wall seconds, or -1; *NTRAPS the traps answered.
*/
static double
floorrun(const char *script, const unsigned char *skip, long *ntraps)
{
	struct sb_seccomp_opts o;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct seccomp_notif_sizes sz;
	struct pollfd p;
	double t0 = now();
	int ready[2], go[2], fd = -1, pidfd, lis, st, sent;
	char c = 0;
	pid_t pid;

	*ntraps = 0;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0 ||
	    sz.seccomp_notif > sizeof req || sz.seccomp_notif_resp >
	    sizeof resp || pipe(ready) < 0)
		return -1;
	if (pipe(go) < 0) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(ready[0]);
		close(ready[1]);
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		memset(&o, 0, sizeof o);
		o.action = SB_SECCOMP_NOTIFY;
		o.no_new_privs = 1;
		o.skip = skip;
		close(ready[0]);
		close(go[1]);
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		fd = sb_seccomp_install(&o);
		if (write(ready[1], &fd, sizeof fd) != sizeof fd ||
		    fd < 0 || read(go[0], &c, 1) != 1)
			_exit(125);
		close(fd);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &fd, sizeof fd) != sizeof fd || fd < 0 ||
	    (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    (lis = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0)) < 0) {
		close(ready[0]);
		close(go[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	close(pidfd);
	ioctl(lis, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    (unsigned long long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	sent = write(go[1], &c, 1) == 1;
	close(go[1]);
	if (!sent) {
		close(lis);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	for (;;) {
		p.fd = lis;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (!(p.revents & POLLIN)) {
			if (p.revents & (POLLHUP | POLLERR))
				break;
			continue;
		}
		memset(&req, 0, sizeof req);
		if (ioctl(lis, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		memset(&resp, 0, sizeof resp);
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(lis, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			(*ntraps)++;
	}
	close(lis);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return now() - t0;
}

/* decisive_skip for PROF with WORK as its parameter, as sbpl-mirror's. */
static int
untrap(const char *prof, const char *work)
{
	struct sb_define def = { "WORK", work };
	struct sb_options o;
	struct sb_unit u;
	const char *in[1] = { prof };
	int rc;

	memset(&o, 0, sizeof o);
	o.params = &def;
	o.nparams = 1;
	if ((rc = sb_compile(&u, &o, in, 1, SB_STAGE_EVAL)) == 0)
		sb_supervise_untrap(&u, decisive_skip);
	sb_unit_free(&u);
	return rc;
}

static int
bycmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The C project: NFILES sources with the usual headers, and a script. */
static int
project(const char *work, char *script, size_t cap)
{
	char path[4096], text[2048];
	int i;

	snprintf(path, sizeof path, "%s/proj", work);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof path, "%s/proj/proj.h", work);
	writefile(path, "#include <stdio.h>\n#include <stdlib.h>\n"
	    "#include <string.h>\n#include <errno.h>\n#include <math.h>\n"
	    "#include <ctype.h>\n#include <time.h>\n#include <unistd.h>\n"
	    "int work(int);\n");
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/proj/f%d.c", work, i);
		snprintf(text, sizeof text, "#include \"proj.h\"\n"
		    "static double t%d[64];\n"
		    "int f%d(int x) {\n"
		    "\tchar b[64]; int i;\n"
		    "\tfor (i = 0; i < 64; i++) t%d[i] = sin(i * x);\n"
		    "\tsnprintf(b, sizeof b, \"%%d %%g\", x, t%d[x & 63]);\n"
		    "\treturn (int)strlen(b) + toupper(b[0]) + (int)time(0) "
		    "%% 2;\n}\n", i, i, i, i);
		writefile(path, text);
	}
	snprintf(path, sizeof path, "%s/proj/main.c", work);
	writefile(path, "#include \"proj.h\"\nint f0(int);\n"
	    "int main(void) { return f0(3) < 0; }\n");
	snprintf(script, cap, "cd '%s/proj' && rm -f *.o prog && "
	    "for f in f*.c main.c; do cc -O2 -c \"$f\" || exit 1; done && "
	    "cc -o prog *.o -lm", work);
	return 0;
}

struct workload {
	const char *key;
	const char *name;
	char script[16384];
	long traps;                     /* answered by the floor's loop */
	long dtraps;                    /* the same, with the decisive filter */
	double t[NCONFIG][REPS];
	double median[NCONFIG];
	double ratio[NCONFIG];          /* median of the rounds' ratios */
	double lo[NCONFIG], hi[NCONFIG];        /* their range */
};

static void
measure(struct workload *w, const char *mirror, const char *prof,
    const char *work, int have_strace)
{
	char param[4200], db[NCONFIG][4200];
	const char *argv[NCONFIG][16];
	int c, r, k;

	snprintf(param, sizeof param, "WORK=%s", work);
	argv[BASE][0] = "/bin/sh";
	argv[BASE][1] = "-c";
	argv[BASE][2] = w->script;
	argv[BASE][3] = NULL;
	for (c = UNOTIFY; c <= DPTRACE; c++) {
		k = 0;
		argv[c][k++] = mirror;
		argv[c][k++] = "run";
		argv[c][k++] = "-q";
		argv[c][k++] = c == UNOTIFY || c == DUNOTIFY ?
		    "--backend=unotify" : "--backend=ptrace";
		if (c == DUNOTIFY || c == DPTRACE)
			argv[c][k++] = "--trap=decisive";
		argv[c][k++] = "-p";
		argv[c][k++] = prof;
		argv[c][k++] = "-D";
		argv[c][k++] = param;
		snprintf(db[c], sizeof db[c], "%s/%s.db", work, confkey[c]);
		argv[c][k++] = "-o";
		argv[c][k++] = db[c];
		argv[c][k++] = "--";
		argv[c][k++] = "/bin/sh";
		argv[c][k++] = "-c";
		argv[c][k++] = w->script;
		argv[c][k] = NULL;
	}
	argv[STRACE][0] = "strace";
	argv[STRACE][1] = "-f";
	argv[STRACE][2] = "-o";
	argv[STRACE][3] = "/dev/null";
	argv[STRACE][4] = "/bin/sh";
	argv[STRACE][5] = "-c";
	argv[STRACE][6] = w->script;
	argv[STRACE][7] = NULL;
	/* one warm-up of each, then the repetitions interleaved */
	for (r = -1; r < REPS; r++)
		for (c = 0; c < NCONFIG; c++) {
			double t = c == FLOOR ? floorrun(w->script, NULL,
			    &w->traps) : c == DFLOOR ? floorrun(w->script,
			    decisive_skip, &w->dtraps) : c == STRACE &&
			    !have_strace ? -1 : timed(argv[c]);
			if (r >= 0)     /* the first round warms up */
				w->t[c][r] = t;
		}
	for (c = 0; c < NCONFIG; c++) {
		double q[REPS];
		for (r = 0; r < REPS; r++)
			q[r] = w->t[c][r] < 0 || w->t[BASE][r] <= 0 ? -1 :
			    w->t[c][r] / w->t[BASE][r];
		qsort(q, REPS, sizeof q[0], bycmp);
		w->ratio[c] = q[0] < 0 ? -1 : q[REPS / 2];
		w->lo[c] = q[0];
		w->hi[c] = q[REPS - 1];
	}
	for (c = 0; c < NCONFIG; c++) {
		qsort(w->t[c], REPS, sizeof w->t[c][0], bycmp);
		w->median[c] = w->t[c][0] < 0 ? -1 : w->t[c][REPS / 2];
	}
}

/* What one stop costs the target with the filter of config FL, and
** what the mirror with the same filter (config MIR) adds a trap. */
static void
floors(const struct workload *w, FILE *out, const char *key, int fl,
    int mir, long traps)
{
	double stop, add;

	if (w->median[fl] <= 0 || traps <= 0)
		return;
	stop = (w->median[fl] - w->median[BASE]) * 1e6 / (double)traps;
	add = (w->median[mir] - w->median[fl]) * 1e6 / (double)traps;
	printf("  %s: %ld traps a run; one stop costs the target %.2f us, "
	    "the mirror adds %.2f us a trap\n", confname[fl], traps, stop,
	    add);
	if (out) {
		fprintf(out, "mirror_%s_%straps\t%ld\n", w->key, key, traps);
		fprintf(out, "mirror_%s_%strap_us\t%.2f\n", w->key, key,
		    stop);
	}
}

static void
report(const struct workload *w, FILE *out, double target)
{
	int c;

	printf("mirror %s (%d rounds; median time, and the median of the "
	    "rounds' ratios to the untraced run of the same round, with "
	    "their range):\n", w->name, REPS);
	for (c = 0; c < NCONFIG; c++) {
		if (w->median[c] < 0) {
			printf("  %-24s  not run\n", confname[c]);
			continue;
		}
		if (c == BASE)
			printf("  %-24s  %7.3f s\n", confname[c], w->median[c]);
		else
			printf("  %-24s  %7.3f s  %5.2fx  (%.2f-%.2f)\n",
			    confname[c], w->median[c], w->ratio[c], w->lo[c],
			    w->hi[c]);
		if (out) {
			fprintf(out, "mirror_%s_%s_s\t%.3f\n", w->key,
			    confkey[c], w->median[c]);
			if (c != BASE)
				fprintf(out, "mirror_%s_%s_ratio\t%.2f\n",
				    w->key, confkey[c], w->ratio[c]);
		}
	}
	floors(w, out, "", FLOOR, UNOTIFY, w->traps);
	floors(w, out, "decisive_", DFLOOR, DUNOTIFY, w->dtraps);
	printf("  target: at most %.1fx: unotify%s, unotify --trap=decisive%s; "
	    "faster than strace -f%s\n", target,
	    w->ratio[UNOTIFY] <= target ? " met" : " NOT met",
	    w->ratio[DUNOTIFY] <= target ? " met" : " NOT met",
	    w->median[STRACE] < 0 ? " (not run)" :
	    w->median[UNOTIFY] < w->median[STRACE] &&
	    w->median[PTRACE] < w->median[STRACE] ? " (met by both backends)" :
	    " (NOT met)");
	if (w->ratio[FLOOR] > target)
		printf("  (no tracer that stops the target at every watched "
		    "call meets it here: the trap floor alone is %.2fx)\n",
		    w->ratio[FLOOR]);
	if (w->ratio[DFLOOR] > 0)
		printf("  (stopping at the calls --trap=decisive traps costs "
		    "%.2fx alone; the mirror's own work adds %.2fx)\n",
		    w->ratio[DFLOOR], w->ratio[DUNOTIFY] - w->ratio[DFLOOR]);
}

int
main(int argc, char **argv)
{
	const char *o = getenv("O") ? getenv("O") : "build";
	char path[4096], *mirror, *work, prof[4200], ref[4200];
	struct workload *w = calloc(2, sizeof *w);
	int have_strace = system("strace -V >/dev/null 2>&1") == 0;
	cpu_set_t all;
	FILE *out = NULL;
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc < 2 || !w) {
		fprintf(stderr, "usage: bench_mirror CORPUS_DIR [RESULTS.tsv]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/sbpl-mirror", o);
	if (access(path, X_OK) < 0 || !(mirror = realpath(path, NULL))) {
		printf("mirror: %s not built; skipped\n", path);
		return 0;
	}
	CPU_ZERO(&all);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET((int)i, &all);
	if (sched_setaffinity(0, sizeof all, &all) == 0)
		printf("mirror: affinity widened to %ld cores\n", n);
	snprintf(path, sizeof path, "%s/bench/mirror.XXXXXX", o);
	if (!mkdtemp(path) || !(work = realpath(path, NULL))) {
		perror("bench_mirror: mkdtemp");
		return 1;
	}
	snprintf(prof, sizeof prof, "%s/bench.sb", work);
	snprintf(ref, sizeof ref, "%s/ref", work);
	writefile(prof, profile);
	writefile(ref, "");
	if (untrap(prof, work) < 0) {
		fprintf(stderr, "bench_mirror: the benchmark's profile does not "
		    "compile\n");
		return 1;
	}
	w[0].key = "micro";
	w[0].name = "syscall-heavy (find, tar, cat)";
	snprintf(w[0].script, sizeof w[0].script,
	    "touch -d 2020-01-01 '%s' && "
	    "for i in 1 2 3; do find /usr/include -newer '%s' >/dev/null; "
	    "done && tar cf - /usr/include 2>/dev/null >/dev/null; "
	    "for f in /etc/*.conf; do cat \"$f\" >/dev/null; done; true",
	    ref, ref);
	w[1].key = "cc";
	w[1].name = "realistic (cc over a small C project)";
	if (project(work, w[1].script, sizeof w[1].script) < 0) {
		perror("bench_mirror: project");
		return 1;
	}
	if (argc > 2)
		out = fopen(argv[2], "a");
	measure(&w[0], mirror, prof, work, have_strace);
	report(&w[0], out, 4.0);
	measure(&w[1], mirror, prof, work, have_strace);
	report(&w[1], out, 1.3);
	if (out)
		fclose(out);
	snprintf(ref, sizeof ref, "rm -rf '%s'", work);
	if (system(ref) != 0)
		fprintf(stderr, "bench_mirror: could not remove %s\n", work);
	free(w);
	free(work);
	free(mirror);
	return 0;
}
