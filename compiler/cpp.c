/*
** The C preprocessor as a child process. "-undef" matters: GCC on Linux
** predefines unix=1 and would turn syscall-unix into syscall-1. Output
** keeps line markers (no -P) so diagnostics point at the .sb.in lines.
*/
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "compiler/cpp.h"

extern char **environ;

static const char *const defaults[] = {
	"-E", "-undef", "-x", "c", "-w",
	"-D__MAC_OS_X_VERSION_MIN_REQUIRED=140000",
	"-DPLATFORM(x)=PLATFORM_##x", "-DPLATFORM_MAC=1",
	"-DUSE(x)=USE_##x", "-DHAVE(x)=HAVE_##x", "-DENABLE(x)=ENABLE_##x",
};

int64_t
sb_cpp_source(struct sb_ctx *ctx, const char *path, const char *const *defs,
    size_t ndefs)
{
	const char *prog = getenv("SBPL_CPP");
	size_t n = 0, i, argc = countof(defaults) + 2 * ndefs + 4;
	char **argv = xcalloc(argc, sizeof *argv);
	struct sb_buf out = SB_BUF_INIT;
	posix_spawn_file_actions_t fa;
	int fd[2], status, err;
	pid_t pid;
	char chunk[65536];
	ssize_t r;
	int64_t id = -1;

	argv[n++] = (char *)(prog && *prog ? prog : "cc");
	for (i = 0; i < countof(defaults); i++)
		argv[n++] = (char *)defaults[i];
	for (i = 0; i < ndefs; i++) {
		argv[n++] = (char *)"-D";
		argv[n++] = (char *)defs[i];
	}
	argv[n++] = (char *)path;
	argv[n] = NULL;
	if (pipe(fd) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", sb_progname(), strerror(errno));
		free(argv);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (err) {
		fprintf(stderr, "%s: cannot run the C preprocessor '%s': %s\n",
		    sb_progname(), argv[0], strerror(err));
		close(fd[0]);
		free(argv);
		return -1;
	}
	while ((r = read(fd[0], chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (out.len + (size_t)r <= SB_LIMIT_SOURCE_BYTES)
			sb_buf_put(&out, chunk, (size_t)r);
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "%s: the C preprocessor failed on '%s'\n",
		    sb_progname(), path);
	else if (out.len >= SB_LIMIT_SOURCE_BYTES)
		fprintf(stderr, "%s: preprocessed '%s' is larger than %u "
		    "bytes\n", sb_progname(), path, SB_LIMIT_SOURCE_BYTES);
	else
		id = sb_source_add(&ctx->sources, SB_SRC_CPP, path,
		    out.data ? out.data : "", out.len, 1);
	sb_buf_free(&out);
	free(argv);
	return id;
}
