/*
** Replays saved fuzz inputs without clang: make check links each fuzz
** entry point with this driver and runs it over tests/fuzzcases/<entry>/.
** Prints "replay: N passed, 0 failed"; a failing input crashes or aborts,
** which the suite counts as a failure.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
replay(const char *path)
{
	struct stat st;
	unsigned n = 0;

	if (stat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int k = scandir(path, &ents, NULL, alphasort), i;
		for (i = 0; i < k; i++) {
			char sub[4096];
			if (ents[i]->d_name[0] != '.') {
				snprintf(sub, sizeof sub, "%s/%s", path,
				    ents[i]->d_name);
				n += replay(sub);
			}
			free(ents[i]);
		}
		free(ents);
		return n;
	}
	{
		FILE *f = fopen(path, "rb");
		uint8_t *buf;
		size_t len;

		if (!f)
			return 0;
		buf = malloc((size_t)st.st_size + 1);
		len = fread(buf, 1, (size_t)st.st_size, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 1;
}

int
main(int argc, char **argv)
{
	unsigned n = 0;
	int i;

	for (i = 1; i < argc; i++)
		n += replay(argv[i]);
	printf("replay: %u passed, 0 failed\n", n);
	return 0;
}
