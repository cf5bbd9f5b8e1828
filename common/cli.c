/*
** Shared command-line helpers.
*/
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/util.h"

void
sb_cli_version(void)
{
	printf("%s (sbpl-tools) %s\n", sb_progname(), SB_VERSION);
	exit(SB_EXIT_OK);
}

void
sb_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", sb_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    sb_progname());
	exit(SB_EXIT_USAGE);
}

const char *
sb_cli_bad_option(char *const *argv, const char *optstring)
{
	static char buf[300];
	size_t n = sizeof buf;
	const char *opt;
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (arg && arg[0] == '-' && arg[1] == '-') {
		size_t len = strcspn(arg, "=");
		if (optopt)
			snprintf(buf, n, "option '%.*s' needs an argument",
			    (int)len, arg);
		else
			snprintf(buf, n, "unrecognized option '%.*s'", (int)len,
			    arg);
	} else if (optopt && optopt != ':' && (opt = strchr(optstring,
	    optopt)) && opt[1] == ':') {
		snprintf(buf, n, "option '-%c' needs an argument", optopt);
	} else {
		snprintf(buf, n, "invalid option '-%c'", optopt ? optopt : '?');
	}
	return buf;
}
