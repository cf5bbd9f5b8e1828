/*
** Unit tests of compiler/lift.c and compiler/emit.c (FORMAT.md §18.2,
** DESIGN.md §13.4): lifting each Darwin 23-25 fixture and emitting it in
** order-preserving mode gives the file back byte for byte; a compact
** re-emission decodes and decides every query as the original does; the
** worked example of FORMAT.md §11, built through the graph API, is
** emitted as specified; our own output survives decode + lift + emit;
** format limits are reported. Fixtures come from $SBPL_SHARED.
*/
#include "tests/unit/blobs.h"

#include "common/arena.h"
#include "common/diag.h"
#include "compiler/emit.h"
#include "compiler/graph.h"
#include "kext/eval.h"

#define HANDMADE "constructed/sonoma-format-handmade.bin"

static void
lift__fixtures_are_rewritten_byte_for_byte(void **state)
{
	struct sb_arena a;
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_blob out = SB_BLOB_INIT;
	struct sb_graph *g;
	size_t i, len, k;
	uint8_t *p;

	(void)state;
	for (i = 0; i < countof(blob_fixtures); i++) {
		p = blob_need(blob_fixtures[i].path, &len);
		assert_int_equal(blob_decode(&bin, p, len,
		    blob_fixtures[i].target, &e), 0);
		sb_arena_init(&a);
		g = sb_lift(&a, &bin, 1, NULL);
		assert_non_null(g);
		assert_int_equal(g->nnodes, bin.node_count);
		assert_int_equal(sb_emit(g, SB_EMIT_PRESERVE, &out, NULL), 0);
		assert_int_equal(out.bytes.len, len);
		for (k = 0; k < len; k++)
			if ((uint8_t)out.bytes.data[k] != p[k])
				fail_msg("%s: first difference at byte %zu",
				    blob_fixtures[i].path, k);
		sb_blob_free(&out);
		sb_arena_free(&a);
		free(p);
	}
}

/* The facts the comparison queries carry: a few of each kind. */
static const char *const sample_strings[] = {
	"/private/var/mobile/Library/Preferences/com.apple.foo.plist",
	"/usr/lib/libSystem.B.dylib", "/System/Library/Frameworks",
	"/private/var/root", "/dev/null", "com.apple.cfprefsd.daemon",
	"com.apple.securityd", "/tmp/foo", "",
};

/* Whether two verdicts of two layouts of one graph say the same. */
static void
assert_same_verdict(const struct sb_bin *x, const struct sb_verdict *vx,
    const struct sb_bin *y, const struct sb_verdict *vy)
{
	const uint8_t *sx, *sy;

	assert_int_equal(vx->deny, vy->deny);
	assert_int_equal(vx->flags, vy->flags);
	assert_int_equal(vx->inline_id, vy->inline_id);
	assert_int_equal(vx->inline_aux, vy->inline_aux);
	assert_int_equal(vx->missing, vy->missing);
	if ((vx->flags & SB_BIN_INLINE) &&
	    sb_bin_inline_arg(x->target, vx->inline_id) == SB_BARG_STRING) {
		sx = sb_bin_item(x, vx->inline_arg);
		sy = sb_bin_item(y, vy->inline_arg);
		assert_int_equal(sb_bin_rd16(sx), sb_bin_rd16(sy));
		assert_memory_equal(sx, sy, 2u + sb_bin_rd16(sx));
	} else {
		assert_int_equal(vx->inline_arg, vy->inline_arg);
	}
}

static void
compare_decisions(const struct sb_bin *x, const struct sb_bin *y)
{
	struct sb_scratch sc;
	struct sb_query q;
	struct sb_verdict vx, vy;
	uint32_t op, s, f;
	static const uint8_t filters[] = { 1, 6, 0x33, 0x17, 0x3a };

	for (op = 0; op < x->op_count; op++)
		for (s = 0; s < countof(sample_strings); s++)
			for (f = 0; f <= countof(filters); f++) {
				memset(&q, 0, sizeof q);
				q.op = (uint16_t)op;
				if (f < countof(filters)) {
					q.nfacts = 1;
					q.facts[0].filter = filters[f];
					q.facts[0].kind = SB_FACT_STRING;
					q.facts[0].s = sample_strings[s];
					q.facts[0].len = (uint32_t)strlen(
					    sample_strings[s]);
				}
				assert_int_equal(sb_eval(x, &q, &sc, &vx), 0);
				assert_int_equal(sb_eval(y, &q, &sc, &vy), 0);
				assert_same_verdict(x, &vx, y, &vy);
			}
}

static void
lift__compact_rewrite_keeps_every_decision(void **state)
{
	struct sb_arena a;
	struct sb_bin bin, again;
	struct sb_decode_error e;
	struct sb_blob out = SB_BLOB_INIT;
	struct sb_graph *g;
	size_t i, len;
	uint8_t *p;

	(void)state;
	for (i = 0; i < countof(blob_fixtures); i++) {
		if (blob_fixtures[i].profiles)
			continue;       /* single profiles: one op table */
		p = blob_need(blob_fixtures[i].path, &len);
		assert_int_equal(blob_decode(&bin, p, len,
		    blob_fixtures[i].target, &e), 0);
		sb_arena_init(&a);
		g = sb_lift(&a, &bin, 0, NULL);
		assert_non_null(g);
		assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, NULL), 0);
		if (blob_decode(&again, out.bytes.data, out.bytes.len,
		    blob_fixtures[i].target, &e) != 0)
			fail_msg("%s: compact output refused at %u: %s",
			    blob_fixtures[i].path, e.offset, e.msg);
		compare_decisions(&bin, &again);
		sb_blob_free(&out);
		sb_arena_free(&a);
		free(p);
	}
}

/* ----------------------------------------- the worked example, built */

static const uint8_t pat_tmp_foo[] = {
	0x0d, 0x00, 0x47, '/', 't', 'm', 'p', '/', 'f', 'o', 'o',
	0x0f, 0x00, 0x0f, 0x0a,
};
static const uint8_t pat_usr_lib[] = {
	0x11, 0x00, 0x47, '/', 'u', 's', 'r', '/', 'l', 'i', 'b',
	0x0f, 0x40, '/', 0x80, 0x0a, 0x00, 0x0f, 0x0a,
};
static const uint8_t pat_cfprefsd[] = {
	0x1e, 0x00, 0x58, 'c', 'o', 'm', '.', 'a', 'p', 'p', 'l', 'e', '.',
	'c', 'f', 'p', 'r', 'e', 'f', 's', 'd', '.', 'd', 'a', 'e', 'm', 'o',
	'n', 0x0f, 0x00, 0x0f, 0x0a,
};

/*
** FORMAT.md §11 through the graph API, nodes created bottom up so that
** the compact numbering is the example's n0-n5. RULES: give the three
** allow paths their own rule ids (1, 3) and the message rule id 2.
*/
static struct sb_graph *
worked_example(struct sb_arena *a, int rules)
{
	struct sb_graph *g = sb_graph_new(a, &sb_target_macos14);
	uint32_t dflt, msg, allow, allow3, n2, n1, n0;

	dflt = sb_graph_leaf(g, 0x000005, 0, 0, SB_GARG_IMM, 0, 0);
	msg = sb_graph_leaf(g, 0x800005, 10, 0, SB_GARG_ITEM,
	    sb_graph_string(g, "no reading here", 15), rules ? 2 : 0);
	allow3 = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, rules ? 3 : 0);
	allow = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, rules ? 1 : 0);
	n2 = sb_graph_test(g, 0x06, SB_GARG_ITEM, sb_graph_item(g,
	    SB_ITEM_PATTERN, pat_cfprefsd, sizeof pat_cfprefsd), allow3, dflt);
	n1 = sb_graph_test(g, 0x01, SB_GARG_ITEM, sb_graph_item(g,
	    SB_ITEM_PATTERN, pat_usr_lib, sizeof pat_usr_lib), allow, dflt);
	n0 = sb_graph_test(g, 0x01, SB_GARG_ITEM, sb_graph_item(g,
	    SB_ITEM_PATTERN, pat_tmp_foo, sizeof pat_tmp_foo), allow, n1);
	sb_graph_set_default(g, dflt);
	sb_graph_set_entry(g, 0, dflt);
	sb_graph_set_entry(g, 22, n0);          /* file-read-data */
	sb_graph_set_entry(g, 32, msg);         /* file-write-data */
	sb_graph_set_entry(g, 96, n2);          /* mach-lookup */
	return g;
}

static void
lift__worked_example_is_emitted_as_specified(void **state)
{
	struct sb_arena a;
	struct sb_blob out = SB_BLOB_INIT;
	size_t len;
	uint8_t *hm = blob_need(HANDMADE, &len), *want;

	(void)state;
	/*
	** Ours is the handmade file without its unreferenced item @5
	** (bytes 0x1e8-0x207), so the later items move down by 4 units.
	*/
	want = malloc(len);
	memcpy(want, hm, 0x1e8);
	memcpy(want + 0x1e8, hm + 0x208, len - 0x208);
	want[0x1a0 + 2] = 0x05;         /* n2: pattern @9 -> @5 */
	want[0x1b0 + 6] = 0x09;         /* n4: message @13 -> @9 */
	sb_arena_init(&a);
	assert_int_equal(sb_emit(worked_example(&a, 0), SB_EMIT_COMPACT, &out,
	    NULL), 0);
	assert_int_equal(out.bytes.len, len - 32);
	assert_memory_equal(out.bytes.data, want, len - 32);
	assert_int_equal(out.nnodes, 6);
	sb_blob_free(&out);
	sb_arena_free(&a);
	free(want);
	free(hm);
}

/* lift(decode(emit(g))) is g, leaf rule ids included (DESIGN.md §13.4). */
static void
lift__our_output_lifts_back_to_the_same_graph(void **state)
{
	struct sb_arena a;
	struct sb_blob out = SB_BLOB_INIT, again = SB_BLOB_INIT;
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;
	struct sb_graph *g, *l;
	const struct sb_gnode *x, *y;
	uint32_t id, k;

	(void)state;
	sb_arena_init(&a);
	g = worked_example(&a, 1);
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, NULL), 0);
	assert_int_equal(out.nnodes, 7);        /* two allow leaves now */
	memset(&o, 0, sizeof o);
	o.target = &sb_target_macos14;
	o.rule_map = out.rule_map;
	o.rule_map_len = out.nnodes;
	o.nrules = 3;
	assert_int_equal(sb_decode(&bin, out.bytes.data, out.bytes.len, &o,
	    &e), 0);
	l = sb_lift(&a, &bin, 0, NULL);
	assert_non_null(l);
	assert_int_equal(l->nnodes, out.nnodes);
	for (id = 0; id < g->nnodes; id++) {
		k = out.node_index[id];
		assert_int_not_equal(k, SB_GRAPH_NONE);
		x = &g->nodes[id];
		y = &l->nodes[k];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->rule, y->rule);
		if (x->kind == SB_GN_LEAF) {
			assert_int_equal(x->flags, y->flags);
			assert_int_equal(x->inline_id, y->inline_id);
			assert_int_equal(x->argkind, y->argkind);
			if (x->argkind == SB_GARG_ITEM)
				assert_memory_equal(g->items[x->arg].bytes,
				    l->items[y->arg].bytes,
				    g->items[x->arg].len);
			continue;
		}
		assert_int_equal(x->filter, y->filter);
		assert_int_equal(out.node_index[x->match], y->match);
		assert_int_equal(out.node_index[x->unmatch], y->unmatch);
		assert_int_equal(g->items[x->arg].len, l->items[y->arg].len);
		assert_memory_equal(g->items[x->arg].bytes,
		    l->items[y->arg].bytes, g->items[x->arg].len);
	}
	/* and decode + preserving rewrite reproduces our bytes */
	l = sb_lift(&a, &bin, 1, NULL);
	assert_int_equal(sb_emit(l, SB_EMIT_PRESERVE, &again, NULL), 0);
	assert_int_equal(again.bytes.len, out.bytes.len);
	assert_memory_equal(again.bytes.data, out.bytes.data, out.bytes.len);
	assert_memory_equal(again.rule_map, out.rule_map,
	    out.nnodes * sizeof *out.rule_map);
	sb_blob_free(&again);
	/* emission is deterministic */
	assert_int_equal(sb_emit(worked_example(&a, 1), SB_EMIT_COMPACT,
	    &again, NULL), 0);
	assert_int_equal(again.bytes.len, out.bytes.len);
	assert_memory_equal(again.bytes.data, out.bytes.data, out.bytes.len);
	sb_blob_free(&again);
	sb_blob_free(&out);
	sb_arena_free(&a);
}

static void
lift__graph_builder_hash_conses(void **state)
{
	struct sb_arena a;
	struct sb_graph *g;
	uint32_t d, l1, l2, t1, t2, s1, s2;

	(void)state;
	sb_arena_init(&a);
	g = sb_graph_new(&a, &sb_target_macos14);
	d = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	l1 = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1);
	l2 = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 2);
	assert_int_not_equal(l1, l2);   /* leaves are per rule */
	assert_int_equal(sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1), l1);
	s1 = sb_graph_string(g, "x", 1);
	s2 = sb_graph_string(g, "x", 1);
	assert_int_equal(s1, s2);
	assert_int_not_equal(sb_graph_string(g, "y", 1), s1);
	t1 = sb_graph_test(g, 0x17, SB_GARG_ITEM, s1, l1, d);
	t2 = sb_graph_test(g, 0x17, SB_GARG_ITEM, s2, l1, d);
	assert_int_equal(t1, t2);
	assert_int_not_equal(sb_graph_test(g, 0x17, SB_GARG_ITEM, s1, d, l1),
	    t1);
	assert_int_equal(sb_graph_test(g, 0x17, SB_GARG_ITEM, s1, l2, l2), l2);
	assert_int_equal(sb_graph_var(g, "HOME", 4), 0);
	assert_int_equal(sb_graph_var(g, "TMP", 3), 1);
	assert_int_equal(sb_graph_var(g, "HOME", 4), 0);
	assert_int_equal(sb_graph_state(g, "local:a", 7), 0);
	assert_int_equal(sb_graph_network(g, 7, 1, 443),
	    sb_graph_network(g, 7, 1, 443));
	sb_arena_free(&a);
}

static void
lift__dump_prints_the_worked_example(void **state)
{
	static const char want[] =
	    "graph macos14 type 0x0000: 6 nodes, 4 items, 0 regexes, "
	    "0 variables, 0 state flags\n"
	    "default: n5\n"
	    "profile\n"
	    "  187 of 190 slots enter n5\n"
	    "  op 22 file-read-data: n0\n"
	    "  op 32 file-write-data: n4\n"
	    "  op 96 mach-lookup: n2\n"
	    "n0 path #0 ? n3 : n1\n"
	    "n1 path #1 ? n3 : n5\n"
	    "n2 global-name #2 ? n3 : n5\n"
	    "n3 allow 0x000000\n"
	    "n4 deny 0x800005 report message #3\n"
	    "n5 deny 0x000005 report\n"
	    "#0 @0 pattern LIT \"/tmp/foo\" GUARD EOS GUARD SUCCESS\n"
	    "#1 @2 pattern LIT \"/usr/lib\" GUARD LIT \"/\" JNE @14 SUCCESS "
	    "@14: EOS GUARD SUCCESS\n"
	    "#2 @9 pattern LIT \"com.apple.cfprefsd.daemon\" GUARD EOS GUARD "
	    "SUCCESS\n"
	    "#3 @13 string \"no reading here\"\n"
	    "opaque +40 27 bytes: 1a 00 63 6f 6d 2e 61 70 70 6c 65 2e 63 66 "
	    "70 72 65 66 73 64 2e 64 61 65 6d 6f 6e\n";
	char *text = NULL;
	size_t tlen = 0, len;
	uint8_t *p = blob_need(HANDMADE, &len);
	FILE *f = open_memstream(&text, &tlen);

	(void)state;
	assert_non_null(f);
	assert_int_equal(sb_graph_dump_blob(f, p, len, NULL, NULL), 0);
	fclose(f);
	assert_string_equal(text, want);
	free(text);
	free(p);
}

static void
lift__targets_are_guessed_from_the_layout(void **state)
{
	size_t i, len;
	uint8_t *p;

	(void)state;
	for (i = 0; i < countof(blob_fixtures); i++) {
		p = blob_need(blob_fixtures[i].path, &len);
		assert_ptr_equal(sb_graph_guess_target(p, len),
		    blob_fixtures[i].target);
		free(p);
	}
	assert_null(sb_graph_guess_target("\0\0", 2));
}

/* One offset used as a string and as a pattern: the decoder cannot see it. */
static void
lift__an_offset_read_as_two_kinds_is_refused(void **state)
{
	struct sb_arena a;
	struct sb_graph *g;
	struct sb_blob out = SB_BLOB_INIT;
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_diag d;
	uint32_t dflt, allow, s, t1, t2;
	uint8_t *p;

	(void)state;
	sb_arena_init(&a);
	g = sb_graph_new(&a, &sb_target_macos14);
	dflt = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(g, dflt);
	allow = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1);
	s = sb_graph_string(g, "@a", 2);        /* 03 00 40 61 00 */
	t1 = sb_graph_test(g, 0x17, SB_GARG_ITEM, s, allow, dflt);
	t2 = sb_graph_test(g, 0x01, SB_GARG_ITEM, sb_graph_item(g,
	    SB_ITEM_PATTERN, pat_tmp_foo, sizeof pat_tmp_foo), allow, t1);
	sb_graph_set_entry(g, 22, t2);
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, NULL), 0);
	p = (uint8_t *)out.bytes.data;
	/* node 0 is t2; point its pattern at the string (LIT "a" EOS) */
	assert_int_equal(p[0x190 + 1], 0x01);
	p[0x190 + 2] = p[0x198 + 2];
	assert_int_equal(blob_decode(&bin, p, out.bytes.len,
	    &sb_target_macos14, &e), 0);
	sb_diag_init(&d, NULL);
	assert_null(sb_lift(&a, &bin, 1, &d));
	assert_int_equal(sb_diag_count(&d, SB_ERROR), 1);
	assert_string_equal(d.recs[0].msg, "data offset 2 is used as a pattern "
	    "and as a string");
	sb_diag_free(&d);
	sb_blob_free(&out);
	sb_arena_free(&a);
}

static void
lift__format_limits_are_errors(void **state)
{
	struct sb_arena a;
	struct sb_graph *g;
	struct sb_blob out = SB_BLOB_INIT;
	struct sb_diag d;
	uint32_t dflt, n, i;
	char name[16];

	(void)state;
	sb_arena_init(&a);
	sb_diag_init(&d, NULL);
	g = sb_graph_new(&a, &sb_target_macos14);
	dflt = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(g, dflt);
	/* an integer immediate above 0xffff */
	n = sb_graph_test(g, 0x2c, SB_GARG_IMM, 0x10000,
	    sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1), dflt);
	sb_graph_set_entry(g, 118, n);
	/* 256 variables */
	for (i = 0; i < 256; i++) {
		snprintf(name, sizeof name, "V%u", i);
		sb_graph_var(g, name, strlen(name));
	}
	/* a leaf with bytes 4-7 but no inline bit */
	sb_graph_set_entry(g, 119, sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 7,
	    2));
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, &d), -1);
	assert_int_equal(out.bytes.len, 0);
	assert_int_equal(sb_diag_count(&d, SB_ERROR), 3);
	assert_string_equal(d.recs[0].msg, "profile has 256 variables; the "
	    "format allows 255");
	sb_diag_free(&d);

	/* more than 65,535 nodes */
	sb_diag_init(&d, NULL);
	g = sb_graph_new(&a, &sb_target_macos14);
	dflt = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(g, dflt);
	n = dflt;
	for (i = 0; i < 65535; i++)
		n = sb_graph_test(g, 0x2c, SB_GARG_IMM, i & 0xffff,
		    sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1), n);
	sb_graph_set_entry(g, 118, n);
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, &d), -1);
	assert_string_equal(d.recs[0].msg, "profile needs 65537 nodes; the "
	    "format allows 65535");
	assert_int_equal(d.recs[0].nnotes, 1);
	assert_string_equal(d.recs[0].notes[0].msg, "rule 1 contributes "
	    "65536 nodes");
	sb_diag_free(&d);

	/* a data area beyond 512 KiB */
	sb_diag_init(&d, NULL);
	g = sb_graph_new(&a, &sb_target_macos14);
	dflt = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(g, dflt);
	n = dflt;
	{
		char *big = calloc(1, 60000);

		for (i = 0; i < 10; i++) {
			memset(big, 'a' + (int)i, 59999);
			n = sb_graph_test(g, 0x17, SB_GARG_ITEM,
			    sb_graph_string(g, big, 59999),
			    sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1), n);
		}
		free(big);
	}
	sb_graph_set_entry(g, 118, n);
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, &d), -1);
	assert_int_equal(sb_diag_count(&d, SB_ERROR), 1);
	assert_true(strstr(d.recs[0].msg, "512 KiB") != NULL);
	sb_diag_free(&d);
	sb_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lift__fixtures_are_rewritten_byte_for_byte),
		cmocka_unit_test(lift__compact_rewrite_keeps_every_decision),
		cmocka_unit_test(lift__worked_example_is_emitted_as_specified),
		cmocka_unit_test(lift__our_output_lifts_back_to_the_same_graph),
		cmocka_unit_test(lift__graph_builder_hash_conses),
		cmocka_unit_test(lift__dump_prints_the_worked_example),
		cmocka_unit_test(lift__targets_are_guessed_from_the_layout),
		cmocka_unit_test(lift__an_offset_read_as_two_kinds_is_refused),
		cmocka_unit_test(lift__format_limits_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
