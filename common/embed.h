/*
** Files compiled into the binaries by common/embed.sh: the stdlib-sb/
** library profiles (and later the coverage schema). Installed tools need
** no data files.
*/
#ifndef SB_COMMON_EMBED_H
#define SB_COMMON_EMBED_H

struct sb_embedded {
	const char *name;       /* path below the embedded folder: "system.sb" */
	const char *text;       /* the bytes, NUL-terminated */
	unsigned len;           /* bytes, the NUL excluded */
};

/* stdlib-sb/ (generated: $(O)/stdlib-sb/stdlib.c) */
extern const struct sb_embedded sb_stdlib[];
extern const unsigned sb_stdlib_count;

#endif
