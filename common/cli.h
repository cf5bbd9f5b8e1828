/*
** Command-line plumbing shared by every tool: the version banner, the
** colour option, and the exit codes of DESIGN.md §10.4.
*/
#ifndef SB_COMMON_CLI_H
#define SB_COMMON_CLI_H

#include <stdio.h>

#include "common/util.h"

enum {
	SB_EXIT_OK = 0,         /* done */
	SB_EXIT_INPUT = 1,      /* errors in the input */
	SB_EXIT_USAGE = 2       /* usage, I/O or internal errors */
};

/* Print "PROG (sbpl-tools) VERSION" and exit 0. */
SB_NORETURN void sb_cli_version(void);
/*
** What was wrong with the option getopt_long() just refused with short
** options OPTSTRING (call it for the '?' case, with opterr set to 0 so
** getopt prints nothing itself):
** "unrecognized option '--bogus'", "option '-o' needs an argument", ...
** The text lives in a static buffer until the next call.
*/
const char *sb_cli_bad_option(char *const *argv, const char *optstring);
/* Print "PROG: MSG" and "Try 'PROG --help'." to stderr; exit 2. */
SB_NORETURN void sb_cli_usage_error(const char *fmt, ...) SB_PRINTF(1, 2);

#endif
