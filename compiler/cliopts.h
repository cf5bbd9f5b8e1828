/*
** The options of every command that compiles a profile (sbplc, sbpl-query,
** sbpl-lint, sbpl-mirror run and import, sbpl-annotate, sbpl-mirrord):
** -D NAME=VALUE, -I DIR, --target=T, --entitlements=FILE and --cpp, parsed
** once here so that they mean the same everywhere. A command lists
** SB_COMPILE_LONGOPTS in its long options and "D:I:" in its short ones,
** and hands each option to sb_cli_compile_option() before its own switch.
*/
#ifndef SB_COMPILER_CLIOPTS_H
#define SB_COMPILER_CLIOPTS_H

#include <getopt.h>

#include "compiler/compile.h"

enum {
	SB_OPT_TARGET = 0x4000,
	SB_OPT_ENTITLEMENTS,
	SB_OPT_CPP
};

#define SB_COMPILE_LONGOPTS \
	{ "target", required_argument, NULL, SB_OPT_TARGET }, \
	{ "entitlements", required_argument, NULL, SB_OPT_ENTITLEMENTS }, \
	{ "cpp", no_argument, NULL, SB_OPT_CPP }

/*
** Take option C (getopt's answer) with argument ARG into CO when it is
** one of the compile options: 1, else 0. A malformed one is reported
** through USAGE, which does not return (sb_cli_usage_error(), or a
** command's own with another exit status). The -D and -I lists are the
** helper's: free them with sb_cli_compile_free().
*/
int sb_cli_compile_option(struct sb_options *co, int c, const char *arg,
    void (*usage)(const char *fmt, ...));
/* Whether any compile option was given. */
int sb_cli_compile_given(const struct sb_options *co);
void sb_cli_compile_free(struct sb_options *co);

#endif
