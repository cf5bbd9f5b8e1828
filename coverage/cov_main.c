/*
** sbpl-mirror without the Linux tracer: import, merge and info only.
** coverage/module.mk builds it while mirror/sbpl-mirror.c does not exist;
** the tracer's main takes over and calls sb_cov_cli() for the rest.
*/
#include "coverage/cov_cli.h"

int
main(int argc, char **argv)
{
	return sb_cov_cli(argc - 1, argv + 1);
}
