/*
** Allocation wrappers and sb_fatal(). Nothing here knows about SBPL.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

const char *
sb_progname(void)
{
#if defined(__APPLE__) || defined(__FreeBSD__)
	return getprogname();
#else
	return program_invocation_short_name;
#endif
}

void
sb_fatal(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(fmt);
	int err = errno;

	fprintf(stderr, "%s: ", sb_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(err));
	fputc('\n', stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		sb_fatal("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		sb_fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		sb_fatal("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

int
sb_write_atomic(const char *path, const void *bytes, size_t len)
{
	struct stat st;
	size_t n = strlen(path) + 8;
	char *tmp;
	FILE *f = NULL;
	mode_t mode;
	int fd, ok;

	if (strcmp(path, "-") == 0)
		return fwrite(bytes, 1, len, stdout) == len &&
		    fflush(stdout) == 0 ? 0 : -1;
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	tmp = xmalloc(n);
	snprintf(tmp, n, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "wb"))) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", sb_progname(),
		    path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	(void)fchmod(fd, mode);
	ok = fwrite(bytes, 1, len, f) == len;
	ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", sb_progname(),
		    path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

const char *
sb_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}
