/*
** sbpl-mirrord: the daemon of the mirror kext (DESIGN.md §8, COVERAGE.md
** §8.3). It compiles the profile through the library, so rule ids and
** fingerprints are the compiler's, records it in coverage.db, loads blob
** and rule map into the kext, prints the environment assignment that
** opts a process in, and polls the kext's counters every 200 ms into a
** 'macos-kext' run until SIGTERM or SIGINT, when it completes the run
** and unloads the profile.
**
** This file owns the command line and the kernel-control socket; the
** run itself (messages, polling, batches) is session.c and drain.c,
** tested on Linux. The socket needs macOS: elsewhere the command
** compiles (make check builds it) and says so when run.
**
** Exit status (DESIGN.md §10.4): 0 when the run completed, 1 when the
** profile has errors, 2 for usage, I/O, kext and database errors.
**
** Global state: the `volatile sig_atomic_t` flag set by the signal
** handler, the one exception to "no mutable globals" here.
*/
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __APPLE__
#include <sys/ioctl.h>
#include <sys/kern_control.h>
#include <sys/socket.h>
#include <sys/sys_domain.h>
#endif

#include "common/buf.h"
#include "common/cli.h"
#include "common/json_write.h"
#include "common/util.h"
#include "compiler/cliopts.h"
#include "compiler/compile.h"
#include "coverage/attrib.h"
#include "coverage/covdb.h"
#include "kext/macos/ctl.h"
#include "kext/macos/session.h"
#include "kext/target.h"

static volatile sig_atomic_t stopping;

struct opts {
	struct sb_options co;
	const char *profile;
	const char *db;
	const char *label;
	struct sb_ksession_opts so;
	long interval_ms;
	int quiet;
};

SB_NORETURN static void
usage(void)
{
	printf("Usage: %s [OPTION]... -p PROFILE.sb -o coverage.db\n"
	    "Load PROFILE into the mirror kext and record which of its rules "
	    "decide the\naccesses of every process started with the printed "
	    "SBPLCOV_PROFILE assignment\n(and its children), until SIGTERM or "
	    "SIGINT. Nothing is denied.\n"
	    "\n"
	    "  -p, --profile=FILE     the profile to count rules of\n"
	    "  -o, --output=FILE      coverage.db to add the run to\n"
	    "      --label=NAME       the run's label\n"
	    "      --interval=MS      poll the kext every MS milliseconds "
	    "(200)\n"
	    "      --samples=K        accesses kept per rule as events (8, at "
	    "most %d)\n"
	    "      --slots=N          the kext's sample ring (256, at most "
	    "%d)\n"
	    "  -q, --quiet            print only the assignment\n"
	    "  -D NAME=VALUE          set parameter NAME of the profile\n"
	    "  -I DIR                 search DIR for imported files\n"
	    "      --entitlements=F   entitlements plist\n"
	    "      --cpp              run the C preprocessor over the profile\n"
	    "      --target=T         vocabulary: macos14 (default)\n"
	    "  -h, --help             show this help and exit\n"
	    "      --version          show the version and exit\n"
	    "\n"
	    "Needs root, and the mirror kext loaded (kext/macos/README.md).\n",
	    sb_progname(), SB_CTL_MAX_K, SB_CTL_MAX_SLOTS);
	exit(SB_EXIT_OK);
}

static unsigned long
number(const char *opt, const char *arg, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || v > max)
		sb_cli_usage_error("invalid argument '%s' for --%s (0 to %lu)",
		    arg, opt, max);
	return v;
}

static void
parse(struct opts *o, int argc, char **argv)
{
	enum { OPT_LABEL = 256, OPT_INTERVAL, OPT_SAMPLES, OPT_SLOTS,
		OPT_VERSION };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "samples", required_argument, NULL, OPT_SAMPLES },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "quiet", no_argument, NULL, 'q' },
		SB_COMPILE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->interval_ms = 200;
	opterr = 0;             /* sb_cli_bad_option() says what was wrong */
	while ((c = getopt_long(argc, argv, "hqp:o:D:I:", longopts, NULL))
	    != -1) {
		if (sb_cli_compile_option(&o->co, c, optarg,
		    sb_cli_usage_error))
			continue;
		switch (c) {
		case 'p':
			o->profile = optarg;
			break;
		case 'o':
			o->db = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_INTERVAL:
			o->interval_ms = (long)number("interval", optarg, 60000);
			if (o->interval_ms == 0)
				sb_cli_usage_error("--interval must be at least "
				    "1 ms");
			break;
		case OPT_SAMPLES:
			o->so.samples = (uint32_t)number("samples", optarg,
			    SB_CTL_MAX_K);
			break;
		case OPT_SLOTS:
			o->so.slots = (uint32_t)number("slots", optarg,
			    SB_CTL_MAX_SLOTS);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage();
		case OPT_VERSION:
			sb_cli_version();
		default:
			sb_cli_usage_error("%s", sb_cli_bad_option(argv,
			    "hqp:o:D:I:"));
		}
	}
	if (!o->profile)
		sb_cli_usage_error("a profile is needed: -p PROFILE.sb");
	if (!o->db)
		sb_cli_usage_error("a database is needed: -o coverage.db");
	if (optind < argc)
		sb_cli_usage_error("unexpected argument '%s'", argv[optind]);
}

/* ARGV as a JSON array, for the run's command_json. free() it. */
static char *
jsonargv(int argc, char **argv)
{
	struct sb_buf b = SB_BUF_INIT;
	int i;

	sb_buf_putc(&b, '[');
	for (i = 0; i < argc; i++) {
		sb_buf_puts(&b, i ? ",\"" : "\"");
		sb_jw_escape(&b, argv[i], strlen(argv[i]));
		sb_buf_putc(&b, '"');
	}
	sb_buf_putc(&b, ']');
	return sb_buf_take(&b);
}

/* --- the kernel-control socket -------------------------------------------------- */

#ifdef __APPLE__
static int
kctl_set(void *ctx, const void *msg, size_t len)
{
	return setsockopt(*(int *)ctx, SYSPROTO_CONTROL, SB_CTL_OPT_SET, msg,
	    (socklen_t)len);
}

static int
kctl_get(void *ctx, void *buf, size_t cap, size_t *len)
{
	socklen_t n = (socklen_t)cap;

	if (getsockopt(*(int *)ctx, SYSPROTO_CONTROL, SB_CTL_OPT_GET, buf,
	    &n) < 0)
		return -1;
	*len = n;
	return 0;
}

/* Connect to the kext's control; the descriptor, or -1 with ERR set. */
static int
kctl_open(char *err, size_t errsize)
{
	struct ctl_info info;
	struct sockaddr_ctl sc;
	int fd = socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);

	if (fd < 0) {
		snprintf(err, errsize, "cannot open a control socket: %s",
		    strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof info);
	snprintf(info.ctl_name, sizeof info.ctl_name, "%s", SB_CTL_NAME);
	if (ioctl(fd, CTLIOCGINFO, &info) < 0) {
		snprintf(err, errsize, "the mirror kext is not loaded (no "
		    "control '%s'): %s", SB_CTL_NAME, strerror(errno));
		close(fd);
		return -1;
	}
	memset(&sc, 0, sizeof sc);
	sc.sc_len = sizeof sc;
	sc.sc_family = AF_SYSTEM;
	sc.ss_sysaddr = AF_SYS_CONTROL;
	sc.sc_id = info.ctl_id;
	sc.sc_unit = 0;
	if (connect(fd, (struct sockaddr *)&sc, sizeof sc) < 0) {
		snprintf(err, errsize, "cannot connect to the mirror kext "
		    "(root is needed): %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
#else
static int
kctl_set(void *ctx, const void *msg, size_t len)
{
	(void)ctx;
	(void)msg;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
kctl_get(void *ctx, void *buf, size_t cap, size_t *len)
{
	(void)ctx;
	(void)buf;
	(void)cap;
	(void)len;
	errno = ENOSYS;
	return -1;
}

static int
kctl_open(char *err, size_t errsize)
{
	snprintf(err, errsize, "the mirror kext needs macOS; on Linux, "
	    "sbpl-mirror run records coverage");
	return -1;
}
#endif

/* --- the run ------------------------------------------------------------------------ */

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: the sleep ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Poll every O->interval_ms until a signal; 0, or -1 after saying why. */
static int
serve(struct sb_ksession *s, const struct opts *o)
{
	struct timespec ts;

	ts.tv_sec = o->interval_ms / 1000;
	ts.tv_nsec = (o->interval_ms % 1000) * 1000000L;
	while (!stopping) {
		nanosleep(&ts, NULL);
		if (sb_ksession_poll(s) < 0) {
			fprintf(stderr, "%s: %s\n", sb_progname(),
			    sb_ksession_errmsg(s));
			return -1;
		}
	}
	return 0;
}

static int
run(struct opts *o, struct sb_unit *u, int argc, char **argv)
{
	struct sb_ktransport tr;
	struct sb_ksession *s;
	struct sb_ksession_stats st;
	struct sb_covdb *db;
	struct sb_attrib *at;
	int64_t profile;
	char err[1024], *cmd;
	int fd, rc;

	if ((fd = kctl_open(err, sizeof err)) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return SB_EXIT_USAGE;
	}
	if (sb_covdb_open_unit(&db, &profile, o->db, SB_COVDB_CREATE, u,
	    &o->co, o->profile, 0, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		close(fd);
		return SB_EXIT_USAGE;
	}
	at = sb_attrib_new(u, NULL);
	tr.set = kctl_set;
	tr.get = kctl_get;
	tr.ctx = &fd;
	o->so.label = o->label;
	o->so.command_json = cmd = jsonargv(argc, argv);
	o->so.attrib = at;
	catch_signals();
	rc = sb_ksession_start(&s, db, profile, u, &tr, &o->so, err,
	    sizeof err);
	free(cmd);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		sb_attrib_free(at);
		sb_covdb_close(db);
		close(fd);
		return SB_EXIT_USAGE;
	}
	printf("SBPLCOV_PROFILE=%s\n", sb_ksession_tag(s));
	fflush(stdout);
	if (!o->quiet)
		fprintf(stderr, "%s: profile loaded; start programs with the "
		    "assignment above in their environment; SIGTERM or ^C "
		    "ends the run\n", sb_progname());
	rc = serve(s, o);
	if (sb_ksession_end(s) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(),
		    sb_ksession_errmsg(s));
		rc = -1;
	}
	sb_ksession_stats(s, &st);
	if (!o->quiet)
		fprintf(stderr, "%s: %llu accesses counted, %llu sample "
		    "events, %llu batches%s\n", sb_progname(),
		    (unsigned long long)st.accesses,
		    (unsigned long long)st.events,
		    (unsigned long long)st.batches, st.lost ?
		    "; some accesses were not counted: the run is partial" :
		    "");
	sb_ksession_free(s);
	sb_attrib_free(at);
	sb_covdb_close(db);
	close(fd);
	return rc < 0 ? SB_EXIT_USAGE : SB_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sb_unit u;
	int rc;

	memset(&o, 0, sizeof o);
	parse(&o, argc, argv);
	if (sb_compile(&u, &o.co, &o.profile, 1, SB_STAGE_EMIT) < 0) {
		sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
		    sb_diag_want_color(stderr, SB_COLOR_AUTO));
		rc = u.io_error || u.internal_error ? SB_EXIT_USAGE :
		    SB_EXIT_INPUT;
		sb_unit_free(&u);
		return rc;
	}
	sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT,
	    sb_diag_want_color(stderr, SB_COLOR_AUTO));
	rc = run(&o, &u, argc, argv);
	sb_unit_free(&u);
	sb_cli_compile_free(&o.co);
	return rc;
}
