/*
** The import, merge and info subcommands of sbpl-mirror (COVERAGE.md
** §7, §2.9). mirror/sbpl-mirror.c owns the command and its `run`; it hands
** every other subcommand (and --help, --version) to sb_cov_cli(). Until
** the tracer exists, coverage/cov_main.c is the whole command.
*/
#ifndef SB_COVERAGE_COV_CLI_H
#define SB_COVERAGE_COV_CLI_H

/*
** Run `sbpl-mirror SUBCOMMAND ...`: ARGV[0] is the subcommand ("import",
** "merge", "info", or "--help", "--version"), its options follow; a main
** passes sb_cov_cli(argc - 1, argv + 1). Returns the exit status of
** DESIGN.md §10.4: 0 done, 1 profile errors or rejected input records,
** 2 usage, I/O or database errors. Usage errors exit(2) directly, as
** sb_cli_usage_error() does everywhere.
*/
int sb_cov_cli(int argc, char **argv);

/* The help text of the subcommands, for the tracer's own --help. */
void sb_cov_cli_help(void);

#endif
