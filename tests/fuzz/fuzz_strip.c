/*
** libFuzzer entry for sbpl-annotate's reader of annotated files
** (COVERAGE.md §3.3, §3.4): which form a text is in, --strip, and the
** reserved-text check. Any input must be read without a fault; what strip
** gives back is never longer than its input, strip of a plain text fails
** and of annotated SBPL succeeds, and a text with reserved " ;@cov " is found at a position that holds it.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annotate/strip.h"
#include "common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct sb_buf out = SB_BUF_INIT;
	enum sb_ann_kind kind = sb_ann_kind_of(text, size);
	uint32_t line, col, l = 1;
	size_t i;
	int r = sb_ann_strip(text, size, &out);

	/* a plain text never strips; a gcov text with a line that lacks
	** its two fields does not either */
	if (kind == SB_ANN_KIND_PLAIN && r == 0)
		abort();
	if (kind == SB_ANN_KIND_SBPL && r < 0)
		abort();
	if (r == 0 && out.len > size)
		abort();
	if (sb_ann_reserved(text, size, &line, &col)) {
		for (i = 0; i < size && l < line; i++)
			l += data[i] == '\n';
		if (l != line || i + col - 2 + 7 > size ||
		    memcmp(text + i + col - 2, " ;@cov ", 7) != 0)
			abort();
	}
	sb_buf_free(&out);
	return 0;
}
