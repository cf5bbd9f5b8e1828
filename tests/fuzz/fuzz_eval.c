/*
** libFuzzer entry for the reader and the evaluator (DESIGN.md §13.6):
** any input is evaluated as a profile with a small step limit and no
** file imports; it must evaluate or fail with a diagnostic, never crash,
** hang or leak.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sb_define params[] = {
		{ "HOME", "/Users/fuzz" }, { "TARGET_DIR", "/tmp/t" },
	};
	struct sb_options o;
	struct sb_unit u;
	char path[] = "/tmp/fuzz_eval_XXXXXX";
	const char *in = path;
	int fd, r;

	fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	memset(&o, 0, sizeof o);
	o.params = params;
	o.nparams = 2;
	o.max_steps = 200000;
	o.no_file_imports = 1;
	r = sb_compile(&u, &o, &in, 1, SB_STAGE_EVAL);
	if (r < 0 && sb_diag_count(&u.ctx.diag, SB_ERROR) == 0 && !u.io_error)
		abort();        /* a failed compile must say why */
	if (r == 0 && !u.profile)
		abort();
	sb_unit_free(&u);
	unlink(path);
	return 0;
}
