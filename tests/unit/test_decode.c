/*
** Unit tests of kext/decode.c (FORMAT.md §18.1, DESIGN.md §2.7): the
** Darwin 23-25 fixtures decode with zero errors and only the warnings
** FORMAT.md §19 allows; every kind of corruption is refused with the
** right code and offset, and none crashes (run under ASan to see that).
** Fixtures come from $SBPL_SHARED; without them those tests print SKIP.
*/
#include "tests/unit/blobs.h"

#include "common/arena.h"
#include "compiler/emit.h"
#include "compiler/graph.h"
#include "kext/eval.h"

#define HANDMADE "constructed/sonoma-format-handmade.bin"

/* Node I of the handmade blob starts at 0x190 (FORMAT.md §11). */
#define NODE(i) (0x190 + 8 * (i))

static void
expect_refused(const uint8_t *p, size_t len, const struct sb_target *t,
    enum sb_decode_code code, uint32_t offset)
{
	struct sb_bin bin;
	struct sb_decode_error e;

	assert_int_equal(blob_decode(&bin, p, len, t, &e), -1);
	assert_int_equal(e.code, code);
	if (offset != UINT32_MAX)
		assert_int_equal(e.offset, offset);
	assert_non_null(e.msg);
	assert_true(strlen(e.msg) > 0);
}

/* A copy of the handmade blob with byte OFF set to V. */
static void
expect_patched(uint32_t off, uint8_t v, enum sb_decode_code code,
    uint32_t where)
{
	size_t len;
	uint8_t *p = blob_need(HANDMADE, &len);

	p[off] = v;
	expect_refused(p, len, &sb_target_macos14, code, where);
	free(p);
}

static void
count_warning(void *ctx, uint32_t off, const char *msg)
{
	(void)off;
	assert_non_null(msg);
	(*(uint32_t *)ctx)++;
}

static void
decode__fixtures_decode_without_errors(void **state)
{
	size_t i, len;
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_decode_opts o;
	uint32_t warnings;
	uint8_t *p;

	(void)state;
	for (i = 0; i < countof(blob_fixtures); i++) {
		const struct blob_fixture *f = &blob_fixtures[i];

		p = blob_need(f->path, &len);
		memset(&o, 0, sizeof o);
		o.target = f->target;
		o.warn = count_warning;
		warnings = 0;
		o.warn_ctx = &warnings;
		if (sb_decode(&bin, p, len, &o, &e) != 0)
			fail_msg("%s: offset %u: %s", f->path, e.offset,
			    e.msg);
		assert_int_equal(bin.node_count, f->nodes);
		assert_int_equal(bin.profile_count, f->profiles);
		assert_int_equal(bin.op_count, f->target->op_count);
		assert_int_equal(warnings, f->warnings);
		assert_int_equal(bin.nwarnings, f->warnings);
		assert_int_equal(bin.data_end, len);
		free(p);
	}
}

/* The counts FORMAT.md §1.4 gives for the fixtures. */
static void
decode__fixture_tables_have_the_documented_sizes(void **state)
{
	struct sb_bin bin;
	struct sb_decode_error e;
	size_t len;
	uint8_t *p;

	(void)state;
	p = blob_need("apple/ios17-platform.bin", &len);
	assert_int_equal(len, 139529);
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos14, &e), 0);
	assert_int_equal(bin.regex_count, 8);
	assert_int_equal(bin.var_count, 7);
	assert_int_equal(bin.header_size, 14);
	assert_int_equal(sb_bin_entry(&bin, 0, 0), 9956);
	free(p);

	p = blob_need("apple/ios26-builtin-collection.bin", &len);
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_ios26, &e), 0);
	assert_int_equal(bin.type, SB_BIN_BUNDLE);
	assert_int_equal(bin.regex_count, 249);
	assert_int_equal(bin.var_count, 24);
	assert_int_equal(bin.state_count, 6);
	assert_int_equal(bin.pflag_count, 32);
	assert_int_equal(bin.policy_count, 10);
	assert_int_equal(bin.x_count, 28);
	assert_int_equal(bin.record_words, 4);
	assert_true(sb_bin_profile_find(&bin, "baseline", 8) >= 0);
	assert_int_equal(sb_bin_profile_find(&bin, "no-such-profile", 15), -1);
	free(p);

	p = blob_need("apple/macos15.2-platform.bin", &len);
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos15, &e), 0);
	assert_int_equal(bin.regex_count, 2);
	assert_int_equal(bin.var_count, 3);
	assert_int_equal(bin.header_size, 16);
	free(p);
}

static void
decode__wrong_target_is_refused(void **state)
{
	size_t len;
	uint8_t *p = blob_need(HANDMADE, &len);

	(void)state;
	expect_refused(p, len, &sb_target_macos15, SB_DEC_HEADER, 4);
	expect_refused(p, len, &sb_target_ios26, SB_DEC_HEADER, 4);
	free(p);
	p = blob_need("constructed/macos15-format-handmade.bin", &len);
	expect_refused(p, len, &sb_target_macos14, SB_DEC_HEADER, 4);
	free(p);
}

static void
decode__every_truncation_is_refused(void **state)
{
	size_t len, n;
	uint8_t *p = blob_need(HANDMADE, &len), *q;

	(void)state;
	for (n = 0; n < len; n++) {
		q = malloc(n + 1);
		memcpy(q, p, n);
		expect_refused(q, n, &sb_target_macos14, SB_DEC_TRUNCATED,
		    UINT32_MAX);
		free(q);
	}
	free(p);
}

static void
decode__truncated_apple_blobs_are_refused(void **state)
{
	size_t i, len, n, step;
	struct sb_bin bin;
	struct sb_decode_error e;
	uint8_t *p, *q;

	(void)state;
	for (i = 0; i < 5; i++) {
		const struct blob_fixture *f = &blob_fixtures[i];

		p = blob_need(f->path, &len);
		step = len / 61 + 1;
		for (n = 0; n < len; n += step) {
			/* a copy of exactly n bytes, so ASan sees overreads */
			q = malloc(n + 1);
			memcpy(q, p, n);
			assert_int_equal(blob_decode(&bin, q, n, f->target, &e),
			    -1);
			free(q);
		}
		q = malloc(len > 1 ? len - 1 : 1);
		memcpy(q, p, len - 1);
		assert_int_equal(blob_decode(&bin, q, len - 1, f->target, &e),
		    -1);
		assert_int_equal(e.code, SB_DEC_TRUNCATED);
		free(q);
		free(p);
	}
}

static void
decode__header_corruptions_are_refused(void **state)
{
	(void)state;
	expect_patched(0, 0x01, SB_DEC_HEADER, 0);     /* unknown type bit */
	expect_patched(1, 0x80, SB_DEC_HEADER, 8);     /* bundle, no profiles */
	expect_patched(8, 0x01, SB_DEC_HEADER, 8);     /* single with profiles */
	expect_patched(4, 0xbf, SB_DEC_HEADER, 4);     /* op count */
	expect_patched(2, 0x00, SB_DEC_HEADER, 2);     /* no nodes */
	expect_patched(3, 0x01, SB_DEC_TRUNCATED, 2);  /* 262 nodes */
	expect_patched(0x18a, 0x01, SB_DEC_PADDING, 0x18a);
	expect_patched(10, 0x01, SB_DEC_REGEX, UINT32_MAX); /* 1 regex */
}

static void
decode__edge_corruptions_are_refused(void **state)
{
	(void)state;
	/* match edge of n0 past the array, then backwards, then to itself */
	expect_patched(NODE(0) + 4, 0x06, SB_DEC_EDGE, NODE(0) + 4);
	expect_patched(NODE(1) + 4, 0x00, SB_DEC_EDGE, NODE(1) + 4);
	expect_patched(NODE(1) + 6, 0x01, SB_DEC_EDGE, NODE(1) + 6);
	expect_patched(NODE(2) + 5, 0x01, SB_DEC_EDGE, NODE(2) + 4);
	/* op table entry past the node array */
	expect_patched(0x0e + 2 * 22, 0x09, SB_DEC_TABLE, 0x0e + 2 * 22);
}

static void
decode__node_corruptions_are_refused(void **state)
{
	(void)state;
	expect_patched(NODE(3), 0x02, SB_DEC_TAG, NODE(3));
	/* filter 0 and the regex form of a string filter */
	expect_patched(NODE(0) + 1, 0x00, SB_DEC_FILTER, NODE(0) + 1);
	expect_patched(NODE(0) + 1, 0x97, SB_DEC_FILTER, NODE(0) + 1);
	/* the regex form of path with no regex table */
	expect_patched(NODE(0) + 1, 0x81, SB_DEC_TABLE, NODE(0) + 2);
	/* the default terminal is not last / not entered by slot 0 */
	expect_patched(NODE(5), 0x00, SB_DEC_EDGE, UINT32_MAX);
	expect_patched(0x0e, 0x04, SB_DEC_TERMINAL, 0x0e);
	/* inline bit without a modifier id; message string offset wrong */
	expect_patched(NODE(4) + 4, 0x00, SB_DEC_TERMINAL, NODE(4) + 4);
	expect_patched(NODE(4) + 6, 0x0e, SB_DEC_TRUNCATED, 0x230);
	expect_patched(NODE(4) + 7, 0x10, SB_DEC_TRUNCATED, NODE(4) + 6);
}

/* A terminal payload without the inline bit is a warning (§4.2, §19). */
static void
decode__terminal_payload_is_a_warning(void **state)
{
	size_t len;
	uint8_t *p = blob_need(HANDMADE, &len);
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;
	uint32_t warnings = 0;

	(void)state;
	p[NODE(3) + 4] = 2;     /* the protobox collection's 02 00 00 00 */
	memset(&o, 0, sizeof o);
	o.target = &sb_target_macos14;
	o.warn = count_warning;
	o.warn_ctx = &warnings;
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), 0);
	assert_int_equal(warnings, 1);
	p[NODE(3) + 2] = 0x10;  /* and a flag bit no modifier names */
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), 0);
	assert_int_equal(warnings, 3);
	free(p);
}

static void
decode__item_corruptions_are_refused(void **state)
{
	(void)state;
	/* n0's pattern offset past the end of the blob */
	expect_patched(NODE(0) + 3, 0xff, SB_DEC_TRUNCATED, NODE(0) + 2);
	/* a string item without its NUL: the message at 0x228 */
	expect_patched(0x239, 'x', SB_DEC_ITEM, 0x239);
	expect_patched(0x230, 0x00, SB_DEC_ITEM, 0x230);
	/* a pattern length running past the end */
	expect_patched(0x229, 0x01, SB_DEC_TRUNCATED, UINT32_MAX);
	/* n2 pointing at the plain string @5 as if it were a pattern */
	expect_patched(NODE(2) + 2, 0x05, SB_DEC_PATTERN, UINT32_MAX);
}

static void
decode__pattern_corruptions_are_refused(void **state)
{
	const uint32_t lit = 0x1c2, sub = 0x1d2;        /* program starts */

	(void)state;
	/* unknown opcodes: 0x20-0x3f, 0x0c */
	expect_patched(lit + 9, 0x20, SB_DEC_PATTERN, lit + 9);
	expect_patched(lit + 9, 0x0c, SB_DEC_PATTERN, lit + 9);
	/* a jump into the middle of LIT("/"): GUARD at 9 becomes JNE +1 */
	expect_patched(sub + 9, 0x80, SB_DEC_PATTERN, sub + 11);
	/* a jump past the end: the JNE +1 at 12 becomes JNE +8 */
	expect_patched(sub + 12, 0x87, SB_DEC_PATTERN, sub + 12);
	/* a literal running past the program */
	expect_patched(lit, 0x4f, SB_DEC_PATTERN, lit);
	/* a variable without a variable table */
	expect_patched(lit + 9, 0x10, SB_DEC_PATTERN, lit + 9);
	/* an empty pattern */
	expect_patched(0x1c0, 0x00, SB_DEC_PATTERN, 0x1c0);
}

/* A one-regex profile built and emitted by the project: its bytes. */
static struct sb_blob
regex_blob(const uint8_t *prog, uint16_t plen)
{
	struct sb_arena a;
	struct sb_graph *g;
	struct sb_blob out = SB_BLOB_INIT;
	uint8_t item[64];
	uint32_t dflt, allow, rx, t;

	assert_true(plen + 8u <= sizeof item);
	item[0] = (uint8_t)(plen + 6);
	item[1] = 0;
	item[2] = item[3] = item[4] = 0;
	item[5] = 3;
	item[6] = (uint8_t)plen;
	item[7] = 0;
	memcpy(item + 8, prog, plen);
	sb_arena_init(&a);
	g = sb_graph_new(&a, &sb_target_macos14);
	dflt = sb_graph_leaf(g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(g, dflt);
	allow = sb_graph_leaf(g, 0, 0, 0, SB_GARG_IMM, 0, 1);
	rx = sb_graph_regex(g, sb_graph_item(g, SB_ITEM_REGEX, item,
	    plen + 8u));
	t = sb_graph_test(g, 0x81, SB_GARG_REGEX, rx, allow, dflt);
	sb_graph_set_entry(g, 22, t);
	assert_int_equal(sb_emit(g, SB_EMIT_COMPACT, &out, NULL), 0);
	sb_arena_free(&a);
	return out;
}

/* ^/a/[bcde]/f* (FORMAT.md §9.5) */
static const uint8_t rx95[] = {
	0x19, 0x02, 0x2f, 0x02, 0x61, 0x02, 0x2f, 0x1b, 0x62, 0x65, 0x02, 0x2f,
	0x2f, 0x14, 0x00, 0x02, 0x66, 0x0a, 0x0c, 0x00, 0x15, 0x00,
};

static void
expect_regex_refused(const uint8_t *prog, uint16_t plen, int patch_at,
    uint8_t v, enum sb_decode_code code)
{
	struct sb_blob b = regex_blob(prog, plen);
	uint8_t *p = (uint8_t *)b.bytes.data;
	size_t len = b.bytes.len;
	uint32_t start = (uint32_t)len - plen;  /* the one item ends the file */

	if (patch_at >= 0)
		p[start + (uint32_t)patch_at] = v;
	expect_refused(p, len, &sb_target_macos14, code, UINT32_MAX);
	sb_blob_free(&b);
}

static void
decode__regex_corruptions_are_refused(void **state)
{
	struct sb_blob b = regex_blob(rx95, sizeof rx95);
	struct sb_bin bin;
	struct sb_decode_error e;
	uint8_t bad[sizeof rx95];

	(void)state;
	assert_int_equal(blob_decode(&bin, b.bytes.data, b.bytes.len,
	    &sb_target_macos14, &e), 0);
	assert_int_equal(bin.regex_count, 1);
	/* the version word */
	b.bytes.data[b.bytes.len - sizeof rx95 - 3] = 2;
	expect_refused((uint8_t *)b.bytes.data, b.bytes.len,
	    &sb_target_macos14, SB_DEC_REGEX, UINT32_MAX);
	sb_blob_free(&b);
	/* SPLIT into the middle of CLASS; JMP past the end */
	expect_regex_refused(rx95, sizeof rx95, 13, 0x08, SB_DEC_REGEX);
	expect_regex_refused(rx95, sizeof rx95, 18, 0x40, SB_DEC_REGEX);
	/* MATCH not followed by 00; unknown opcode; group opcode */
	expect_regex_refused(rx95, sizeof rx95, 21, 0x01, SB_DEC_REGEX);
	expect_regex_refused(rx95, sizeof rx95, 0, 0x03, SB_DEC_REGEX);
	expect_regex_refused(rx95, sizeof rx95, 0, 0x06, SB_DEC_REGEX);
	/* CLASS with zero pairs */
	expect_regex_refused(rx95, sizeof rx95, 7, 0x0b, SB_DEC_REGEX);
	/* falling off the end: the final MATCH becomes two ANYs */
	memcpy(bad, rx95, sizeof bad);
	bad[20] = bad[21] = 0x09;
	expect_regex_refused(bad, sizeof bad, -1, 0, SB_DEC_REGEX);
	/* a negated class with two pairs (FORMAT.md §19) */
	{
		static const uint8_t neg[] = { 0x2b, 0x2f, 0x2e, 0x30, 0x2d,
			0x15, 0x00 };

		expect_regex_refused(neg, sizeof neg, -1, 0, SB_DEC_REGEX);
	}
}

static void
decode__rule_map_is_checked(void **state)
{
	size_t len;
	uint8_t *p = blob_need(HANDMADE, &len);
	uint32_t map[6] = { 0, 0, 0, 1, 2, 0 };
	struct sb_decode_opts o;
	struct sb_decode_error e;
	struct sb_bin bin;

	(void)state;
	memset(&o, 0, sizeof o);
	o.target = &sb_target_macos14;
	o.rule_map = map;
	o.rule_map_len = 6;
	o.nrules = 2;
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), 0);
	assert_ptr_equal(bin.rule_map, map);
	o.nrules = 1;
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), -1);
	assert_int_equal(e.code, SB_DEC_RULEMAP);
	o.nrules = 2;
	map[0] = 1;
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), -1);
	assert_int_equal(e.code, SB_DEC_RULEMAP);
	map[0] = 0;
	o.rule_map_len = 5;
	assert_int_equal(sb_decode(&bin, p, len, &o, &e), -1);
	assert_int_equal(e.code, SB_DEC_RULEMAP);
	free(p);
}

/* Decode, and evaluate a few queries when it validates. */
static int
decode_and_poke(const uint8_t *p, size_t len, const struct sb_target *t)
{
	static const char *const paths[] = { "/tmp/foo", "/usr/lib/x", "" };
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_scratch sc;
	struct sb_query q;
	struct sb_verdict v;
	unsigned op, k;

	if (blob_decode(&bin, p, len, t, &e) != 0)
		return 0;
	for (op = 0; op < bin.op_count; op += 11)
		for (k = 0; k < countof(paths); k++) {
			memset(&q, 0, sizeof q);
			q.op = (uint16_t)op;
			q.nfacts = 2;
			q.facts[0].filter = 1;
			q.facts[0].kind = SB_FACT_STRING;
			q.facts[0].s = paths[k];
			q.facts[0].len = (uint32_t)strlen(paths[k]);
			q.facts[1] = q.facts[0];
			q.facts[1].filter = 6;
			assert_true(sb_eval(&bin, &q, &sc, &v) >= SB_EVAL_EXHAUSTED);
		}
	return 1;
}

static void
decode__flipped_bytes_do_not_crash(void **state)
{
	static const uint8_t masks[] = { 0xff, 0x01, 0x80, 0x10 };
	size_t len, i, m;
	uint8_t *p = blob_need(HANDMADE, &len), *q;
	unsigned accepted = 0, total = 0;

	(void)state;
	for (i = 0; i < len; i++)
		for (m = 0; m < countof(masks); m++) {
			q = malloc(len);
			memcpy(q, p, len);
			q[i] ^= masks[m];
			accepted += (unsigned)decode_and_poke(q, len,
			    &sb_target_macos14);
			total++;
			free(q);
		}
	/* flips inside strings and unreferenced bytes are harmless */
	assert_true(accepted < total);
	free(p);
}

static void
decode__apple_blob_corruptions_are_refused(void **state)
{
	struct sb_bin bin;
	struct sb_decode_error e;
	size_t len;
	uint8_t *p = blob_need("apple/ios17-platform.bin", &len);
	uint32_t i, at = 0;

	(void)state;
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos14, &e), 0);
	/* the first test node: point its match edge at itself */
	for (i = 0; i < bin.node_count; i++)
		if (sb_bin_node(&bin, i)[0] == SB_BIN_TAG_TEST)
			break;
	at = bin.node_base + 8 * i;
	p[at + 4] = (uint8_t)i;
	p[at + 5] = (uint8_t)(i >> 8);
	expect_refused(p, len, &sb_target_macos14, SB_DEC_EDGE, at + 4);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode__fixtures_decode_without_errors),
		cmocka_unit_test(decode__fixture_tables_have_the_documented_sizes),
		cmocka_unit_test(decode__wrong_target_is_refused),
		cmocka_unit_test(decode__every_truncation_is_refused),
		cmocka_unit_test(decode__truncated_apple_blobs_are_refused),
		cmocka_unit_test(decode__header_corruptions_are_refused),
		cmocka_unit_test(decode__edge_corruptions_are_refused),
		cmocka_unit_test(decode__node_corruptions_are_refused),
		cmocka_unit_test(decode__terminal_payload_is_a_warning),
		cmocka_unit_test(decode__item_corruptions_are_refused),
		cmocka_unit_test(decode__pattern_corruptions_are_refused),
		cmocka_unit_test(decode__regex_corruptions_are_refused),
		cmocka_unit_test(decode__rule_map_is_checked),
		cmocka_unit_test(decode__flipped_bytes_do_not_crash),
		cmocka_unit_test(decode__apple_blob_corruptions_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
