/*
** Helpers shared by the binary-layer unit tests (test_decode.c,
** test_lift.c, test_eval_bin.c): reading the format fixtures from
** $SBPL_SHARED (default ../shared) and decoding a buffer. Header-only and
** static inline, like fixture.h. A test whose fixture is missing prints
** "SKIP: reason" and calls skip().
*/
#ifndef SB_TESTS_UNIT_BLOBS_H
#define SB_TESTS_UNIT_BLOBS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kext/bin.h"
#include "kext/target.h"

/* A fixture: path below format-fixtures/, its target and what it is. */
struct blob_fixture {
	const char *path;
	const struct sb_target *target;
	uint16_t nodes;
	uint16_t profiles;
	uint32_t warnings;      /* decoder warnings expected (FORMAT.md §19) */
};

/* The Darwin 23-25 fixtures of FORMAT.md §1.4 and §18.1. */
static const struct blob_fixture blob_fixtures[] = {
	{ "apple/ios17-platform.bin", &sb_target_macos14, 9957, 0, 0 },
	{ "apple/ios17-protobox-collection.bin", &sb_target_macos14, 15271,
	  573, 1 },
	{ "apple/macos15.2-platform.bin", &sb_target_macos15, 8171, 0, 0 },
	{ "apple/ios26-platform.bin", &sb_target_ios26, 9652, 0, 0 },
	{ "apple/ios26-builtin-collection.bin", &sb_target_ios26, 39399, 281,
	  14 },
	{ "constructed/sonoma-format-handmade.bin", &sb_target_macos14, 6, 0,
	  0 },
	{ "constructed/macos15-format-handmade.bin", &sb_target_macos15, 6, 0,
	  0 },
};

/*
** The bytes of format-fixtures/REL in a malloc'd buffer (the caller
** frees it) and their number in *LEN, or NULL when the file is missing.
*/
static inline uint8_t *
blob_read(const char *rel, size_t *len)
{
	const char *shared = getenv("SBPL_SHARED");
	char path[4096];
	uint8_t *buf;
	long n;
	FILE *f;

	*len = 0;
	snprintf(path, sizeof path, "%s/format-fixtures/%s",
	    shared && *shared ? shared : "../shared", rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* blob_read(), or print SKIP and skip the test. */
static inline uint8_t *
blob_need(const char *rel, size_t *len)
{
	uint8_t *b = blob_read(rel, len);

	if (!b) {
		printf("SKIP: format fixture %s not found (set SBPL_SHARED)\n",
		    rel);
		skip();
	}
	return b;
}

/* Decode LEN bytes at P for T without a rule map; 0 or -1, *E filled. */
static inline int
blob_decode(struct sb_bin *bin, const void *p, size_t len,
    const struct sb_target *t, struct sb_decode_error *e)
{
	struct sb_decode_opts o;

	memset(&o, 0, sizeof o);
	o.target = t;
	return sb_decode(bin, p, len, &o, e);
}

#endif
