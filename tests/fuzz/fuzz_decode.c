/*
** libFuzzer entry for the strict decoder (DESIGN.md §13.6, FORMAT.md
** §18.1): any bytes, under every format profile. When they validate,
** evaluating a few queries must not fault, and lifting them and emitting
** in order-preserving mode must give the same bytes back (§18.2); a
** difference aborts. Never allocates in the decoder or evaluator; the
** lift and the emission use the heap and must not leak.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "compiler/emit.h"
#include "compiler/graph.h"
#include "kext/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sb_qstr homes[] = { { "/Users/f", 8 }, { "", 0 } };
static const struct sb_qvar vars[] = {
	{ { "HOME", 4 }, homes, 2 }, { { "ANY_USER_HOME", 13 }, homes, 1 },
};

/* A few queries on op OP: path-like strings, an integer, an address. */
static void
poke(const struct sb_bin *bin, uint16_t op, const uint8_t *data, size_t size)
{
	static const char *const strings[] = {
		"/tmp/foo", "/usr/lib/x", "/Users/f/Library/Foo", "",
	};
	struct sb_scratch sc;
	struct sb_query q;
	struct sb_verdict v;
	unsigned k;

	for (k = 0; k <= sizeof strings / sizeof *strings; k++) {
		memset(&q, 0, sizeof q);
		q.op = op;
		q.vars = vars;
		q.nvars = 2;
		q.nfacts = 5;
		q.facts[0].filter = 1;
		q.facts[0].kind = SB_FACT_STRING;
		if (k < sizeof strings / sizeof *strings) {
			q.facts[0].s = strings[k];
			q.facts[0].len = (uint32_t)strlen(strings[k]);
		} else {        /* some of the input itself */
			q.facts[0].s = (const char *)data;
			q.facts[0].len = (uint32_t)(size < 48 ? size : 48);
		}
		q.facts[1] = q.facts[0];
		q.facts[1].filter = 6;
		q.facts[2].filter = 0x2c;
		q.facts[2].kind = SB_FACT_INT;
		q.facts[2].i = k;
		q.facts[3].filter = 9;
		q.facts[3].kind = SB_FACT_NETWORK;
		q.facts[3].i = 1 | 4;
		q.facts[3].s = "localhost";
		q.facts[3].len = 9;
		q.facts[3].port = 443;
		q.facts[4].kind = SB_FACT_ENT_BOOL;
		q.facts[4].s = "com.apple.security.app-sandbox";
		q.facts[4].len = 30;
		q.facts[4].i = 1;
		if (sb_eval(bin, &q, &sc, &v) == SB_EVAL_OK &&
		    sb_bin_node(bin, v.terminal)[0] != SB_BIN_TAG_TERMINAL)
			abort();
	}
}

static void
rewrite(const struct sb_bin *bin, const uint8_t *data, size_t size)
{
	struct sb_arena a;
	struct sb_blob out = SB_BLOB_INIT;
	struct sb_graph *g;

	sb_arena_init(&a);
	g = sb_lift(&a, bin, 1, NULL);
	if (g) {
		if (sb_emit(g, SB_EMIT_PRESERVE, &out, NULL) != 0 ||
		    out.bytes.len != size ||
		    memcmp(out.bytes.data, data, size) != 0) {
			fprintf(stderr, "fuzz_decode: preserving rewrite "
			    "differs (target %s)\n", bin->target->name);
			abort();
		}
		sb_blob_free(&out);
	}
	sb_arena_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sb_target *const *all;
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;
	unsigned n, i, op;

	all = sb_target_format_all(&n);
	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof o);
		o.target = all[i];
		if (sb_decode(&bin, data, size, &o, &e) != 0) {
			if (!e.msg || e.code == SB_DEC_OK)
				abort();
			continue;
		}
		for (op = 0; op < bin.op_count; op += 1 + bin.op_count / 6)
			poke(&bin, (uint16_t)op, data, size);
		poke(&bin, (uint16_t)(bin.op_count - 1), data, size);
		rewrite(&bin, data, size);
	}
	return 0;
}
