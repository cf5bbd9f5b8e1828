/*
** Shared command-line helpers.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
