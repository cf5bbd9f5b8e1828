/*
** Unit tests of the graph evaluator (kext/eval.c, pattern_vm.c,
** regex_vm.c; DESIGN.md §2.7): the worked example of FORMAT.md §11 with
** hand-derived queries, the pattern examples of §8.3-§8.4 and §15, the
** regex programs of §9 and one of Apple's, and graphs built through
** compiler/graph.h, emitted, decoded and evaluated for every argument
** kind of §6 (integers, bitmasks, network, strings, state flags,
** bitfields, booleans, regexes, entitlements), with the rule map.
*/
#include "tests/unit/blobs.h"

#include "common/arena.h"
#include "compiler/emit.h"
#include "compiler/graph.h"
#include "kext/eval.h"

#define HANDMADE "constructed/sonoma-format-handmade.bin"

/* A string fact for FILTER. */
static struct sb_fact
sfact(uint8_t filter, const char *s)
{
	struct sb_fact f;

	memset(&f, 0, sizeof f);
	f.filter = filter;
	f.kind = SB_FACT_STRING;
	f.s = s;
	f.len = (uint32_t)strlen(s);
	return f;
}

static struct sb_fact
ifact(uint8_t filter, uint8_t kind, uint32_t i)
{
	struct sb_fact f;

	memset(&f, 0, sizeof f);
	f.filter = filter;
	f.kind = kind;
	f.i = i;
	return f;
}

/* Evaluate OP with the N facts F; the verdict, asserting success. */
static struct sb_verdict
ask(const struct sb_bin *bin, uint16_t op, const struct sb_fact *f,
    unsigned n)
{
	struct sb_query q;
	struct sb_scratch sc;
	struct sb_verdict v;

	memset(&q, 0, sizeof q);
	q.op = op;
	q.nfacts = (uint8_t)n;
	if (n)
		memcpy(q.facts, f, n * sizeof *f);
	assert_int_equal(sb_eval(bin, &q, &sc, &v), SB_EVAL_OK);
	return v;
}

/* Terminal reached by OP on the path fact S (filter 1). */
static uint32_t
path_terminal(const struct sb_bin *bin, uint16_t op, const char *s)
{
	struct sb_fact f = sfact(1, s);

	return ask(bin, op, &f, 1).terminal;
}

static void
check_worked_example(const struct sb_bin *bin)
{
	struct sb_fact f;
	struct sb_verdict v;

	/* (allow file-read-data (literal "/tmp/foo") (subpath "/usr/lib")) */
	assert_int_equal(path_terminal(bin, 22, "/tmp/foo"), 3);
	assert_int_equal(path_terminal(bin, 22, "/usr/lib"), 3);
	assert_int_equal(path_terminal(bin, 22, "/usr/lib/libc.dylib"), 3);
	assert_int_equal(path_terminal(bin, 22, "/usr/lib/"), 3);
	assert_int_equal(path_terminal(bin, 22, "/usr/libexec"), 5);
	assert_int_equal(path_terminal(bin, 22, "/usr/li"), 5);
	assert_int_equal(path_terminal(bin, 22, "/tmp/foo/bar"), 5);
	assert_int_equal(path_terminal(bin, 22, "/tmp/fo"), 5);
	assert_int_equal(path_terminal(bin, 22, ""), 5);
	v = ask(bin, 22, NULL, 0);
	assert_int_equal(v.terminal, 5);
	assert_true(v.deny);
	assert_true(v.missing);
	assert_int_equal(v.tests, 2);
	f = sfact(1, "/tmp/foo");
	v = ask(bin, 22, &f, 1);
	assert_false(v.deny);
	assert_false(v.missing);
	assert_int_equal(v.flags, 0);
	assert_int_equal(v.tests, 1);
	/* (deny file-write-data (with message "no reading here")) */
	v = ask(bin, 32, &f, 1);
	assert_int_equal(v.terminal, 4);
	assert_true(v.deny);
	assert_int_equal(v.flags, 0x800005);
	assert_int_equal(v.inline_id, 10);
	assert_int_equal(v.inline_arg, 13);
	assert_memory_equal(sb_bin_item(bin, v.inline_arg),
	    "\x10\x00no reading here", 18);
	/* (allow mach-lookup (global-name "com.apple.cfprefsd.daemon")) */
	f = sfact(6, "com.apple.cfprefsd.daemon");
	assert_int_equal(ask(bin, 96, &f, 1).terminal, 3);
	f = sfact(6, "com.apple.cfprefsd.daemonx");
	assert_int_equal(ask(bin, 96, &f, 1).terminal, 5);
	f = sfact(1, "com.apple.cfprefsd.daemon");  /* a path is not a name */
	v = ask(bin, 96, &f, 1);
	assert_int_equal(v.terminal, 5);
	assert_true(v.missing);
	/* (deny default) and every other slot */
	v = ask(bin, 0, NULL, 0);
	assert_int_equal(v.terminal, 5);
	assert_int_equal(v.flags, 5);
	assert_int_equal(ask(bin, 189, NULL, 0).terminal, 5);
}

static void
eval__worked_example_answers_hand_derived_queries(void **state)
{
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_query q;
	struct sb_scratch sc;
	struct sb_verdict v;
	size_t len;
	uint8_t *p = blob_need(HANDMADE, &len);

	(void)state;
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos14, &e), 0);
	check_worked_example(&bin);
	memset(&q, 0, sizeof q);
	q.op = 190;
	assert_int_equal(sb_eval(&bin, &q, &sc, &v), SB_EVAL_BADQUERY);
	q.op = 0;
	q.nfacts = SB_QUERY_MAX_FACTS + 1;
	assert_int_equal(sb_eval(&bin, &q, &sc, &v), SB_EVAL_BADQUERY);
	q.nfacts = 0;
	q.profile = 1;
	assert_int_equal(sb_eval(&bin, &q, &sc, &v), SB_EVAL_BADQUERY);
	free(p);
	/* the same graph in the Darwin 24 layout (§11, last paragraph) */
	p = blob_need("constructed/macos15-format-handmade.bin", &len);
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos15, &e), 0);
	check_worked_example(&bin);
	free(p);
}

/* ------------------------------------------------------------- patterns */

static const struct sb_qvar *
no_vars(const void *ctx, uint32_t index)
{
	(void)ctx;
	(void)index;
	return NULL;
}

struct vartab {
	const struct sb_qvar *v;
	uint32_t n;
};

static const struct sb_qvar *
tab_vars(const void *ctx, uint32_t index)
{
	const struct vartab *t = ctx;

	return index < t->n ? &t->v[index] : NULL;
}

static int
pmatch(const uint8_t *prog, size_t len, const char *s, const struct vartab *t)
{
	struct sb_scratch sc;
	uint32_t budget = SB_EVAL_BUDGET;

	return sb_pattern_run(prog, (uint32_t)len, s, (uint32_t)strlen(s),
	    t ? tab_vars : no_vars, t, &sc, &budget);
}

#define P(...) ((const uint8_t[]){ __VA_ARGS__ })
#define PLEN(...) sizeof((const uint8_t[]){ __VA_ARGS__ })
#define MATCHES(s, t, ...) pmatch(P(__VA_ARGS__), PLEN(__VA_ARGS__), s, t)

/* §8.4 trie: com.apple.alpha or com.apple.beta, exactly. */
#define TRIE 0x49, 'c', 'o', 'm', '.', 'a', 'p', 'p', 'l', 'e', '.', 0x0f, \
	0x44, 'a', 'l', 'p', 'h', 'a', 0x82, 0x00, 0x0f, 0x0a, \
	0x43, 'b', 'e', 't', 'a', 0x0f, 0x00, 0x0f, 0x0a

/* §8.4 SAVE block: subpath /Library/Foo or ${HOME}/Library/Foo. */
#define LIBFOO '/', 'L', 'i', 'b', 'r', 'a', 'r', 'y', '/', 'F', 'o', 'o'
#define SAVES 0x06, 0x4b, LIBFOO, 0x86, 0x40, '/', 0x80, 0x0a, 0x00, 0x80, \
	0x0a, 0x05, 0x10, 0x0f, 0x4b, LIBFOO, 0x0f, 0x40, '/', 0x80, 0x0a, \
	0x00, 0x0f, 0x0a

/* §8.2: /dev/bpf[0-9]+$ */
#define BPF 0x47, '/', 'd', 'e', 'v', '/', 'b', 'p', 'f', 0x0f, \
	0x0b, 0x00, '0', '9', 0x0f, 0x0b, 0x80, '0', '9', 0x00, 0x0f, 0x0a

/* §15: /[^/]+/SC_Info/ anywhere, as Apple lowers it */
#define SCINFO 0x03, '/', 0x0f, 0x0b, 0x01, 0x30, 0xff, 0x00, 0x2e, 0x0f, \
	0x02, '/', 0x0f, 0x47, 'S', 'C', '_', 'I', 'n', 'f', 'o', '/', \
	0x0f, 0x0a

static void
eval__pattern_vm_runs_the_format_examples(void **state)
{
	static const struct sb_qstr home[] = { { "/Users/me", 9 } };
	static const struct sb_qvar vars[] = { { { "HOME", 4 }, home, 1 } };
	struct vartab t = { vars, 1 };

	(void)state;
	/* §8.3: literal, prefix, subpath */
	assert_int_equal(MATCHES("devfs", NULL,
	    0x44, 'd', 'e', 'v', 'f', 's', 0x0f, 0x00, 0x0f, 0x0a), 1);
	assert_int_equal(MATCHES("devfsx", NULL,
	    0x44, 'd', 'e', 'v', 'f', 's', 0x0f, 0x00, 0x0f, 0x0a), 0);
	assert_int_equal(MATCHES("csr-active", NULL,
	    0x43, 'c', 's', 'r', '-', 0x0f, 0x0a), 1);
	assert_int_equal(MATCHES("cs", NULL,
	    0x43, 'c', 's', 'r', '-', 0x0f, 0x0a), 0);
	assert_int_equal(MATCHES("anything", NULL, 0x0a), 1);
	/* §8.4 trie */
	assert_int_equal(MATCHES("com.apple.alpha", NULL, TRIE), 1);
	assert_int_equal(MATCHES("com.apple.beta", NULL, TRIE), 1);
	assert_int_equal(MATCHES("com.apple.alphax", NULL, TRIE), 0);
	assert_int_equal(MATCHES("com.apple.bet", NULL, TRIE), 0);
	assert_int_equal(MATCHES("com.apple.gamma", NULL, TRIE), 0);
	assert_int_equal(MATCHES("com.apple.", NULL, TRIE), 0);
	/* §8.4 SAVE / RESTORE with HOME = /Users/me */
	assert_int_equal(MATCHES("/Library/Foo", &t, SAVES), 1);
	assert_int_equal(MATCHES("/Library/Foo/x", &t, SAVES), 1);
	assert_int_equal(MATCHES("/Library/Foobar", &t, SAVES), 0);
	assert_int_equal(MATCHES("/Users/me/Library/Foo", &t, SAVES), 1);
	assert_int_equal(MATCHES("/Users/me/Library/Foo/bar", &t, SAVES), 1);
	assert_int_equal(MATCHES("/Users/me/Library/Fo", &t, SAVES), 0);
	assert_int_equal(MATCHES("/Users/you/Library/Foo", &t, SAVES), 0);
	/* an unknown variable does not match */
	assert_int_equal(MATCHES("/Users/me/Library/Foo", NULL, SAVES), 0);
	assert_int_equal(MATCHES("/Library/Foo", NULL, SAVES), 1);
	/* §8.2 repeating RANGE */
	assert_int_equal(MATCHES("/dev/bpf0", NULL, BPF), 1);
	assert_int_equal(MATCHES("/dev/bpf12", NULL, BPF), 1);
	assert_int_equal(MATCHES("/dev/bpf", NULL, BPF), 0);
	assert_int_equal(MATCHES("/dev/bpfx", NULL, BPF), 0);
	assert_int_equal(MATCHES("/dev/bpf1x", NULL, BPF), 0);
	/* §15 SCAN_ANY, with backtracking over its choices */
	assert_int_equal(MATCHES("/a/SC_Info/", NULL, SCINFO), 1);
	assert_int_equal(MATCHES("/x/y/b/SC_Info/z", NULL, SCINFO), 1);
	assert_int_equal(MATCHES("/SC_Info/", NULL, SCINFO), 0);
	assert_int_equal(MATCHES("/x/y/SC_Info", NULL, SCINFO), 0);
}

static void
eval__pattern_vm_forks_over_variable_values(void **state)
{
	static const struct sb_qstr homes[] = {
		{ "/Users/a", 8 }, { "/Users/ab", 9 }, { "", 0 },
	};
	static const struct sb_qvar vars[] = {
		{ { "X", 1 }, NULL, 0 }, { { "HOME", 4 }, homes, 3 },
	};
	struct vartab t = { vars, 2 };

	(void)state;
	/* subpath ${HOME}/Xcode as in §8.3 (variable 1) */
#define XCODE 0x11, 0x0f, 0x45, '/', 'X', 'c', 'o', 'd', 'e', 0x0f, 0x40, \
	'/', 0x80, 0x0a, 0x00, 0x0f, 0x0a
	assert_int_equal(MATCHES("/Users/a/Xcode", &t, XCODE), 1);
	/* the first value matches a prefix, the second the rest */
	assert_int_equal(MATCHES("/Users/ab/Xcode/x", &t, XCODE), 1);
	/* the empty value */
	assert_int_equal(MATCHES("/Xcode", &t, XCODE), 1);
	assert_int_equal(MATCHES("/Users/b/Xcode", &t, XCODE), 0);
	/* a variable without values, and VAR_LONG */
	assert_int_equal(MATCHES("/Xcode", &t, 0x10, 0x0f, 0x0a), 0);
	assert_int_equal(MATCHES("/Users/ab", &t, 0x01, 0x01, 0x00, 0x0f,
	    0x00, 0x0f, 0x0a), 1);
	assert_int_equal(MATCHES("/Users/ab", &t, 0x01, 0x02, 0x00, 0x0f,
	    0x0a), 0);
	/* SAVE, DROP, FAIL, underflow */
	assert_int_equal(MATCHES("ab", NULL, 0x06, 0x40, 'x', 0x81, 0x0a,
	    0x0a, 0x05, 0x07, 0x0f, 0x0a), 0);
	assert_int_equal(MATCHES("ab", NULL, 0x06, 0x40, 'a', 0x81, 0x0a,
	    0x0a, 0x05, 0x07, 0x0f, 0x0a), 1);
	assert_int_equal(MATCHES("ab", NULL, 0x09, 0x0a), 0);
	assert_int_equal(MATCHES("ab", NULL, 0x05, 0x0a), 0);
	/* running off the end is no match */
	assert_int_equal(MATCHES("ab", NULL, 0x41, 'a', 'b'), 0);
}

static void
eval__pattern_vm_budget_is_enforced(void **state)
{
	static const uint8_t prog[] = {
		0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x03, 'a',
		0x0f, 0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x40, 'b', 0x0f, 0x0a,
	};
	char s[64];
	struct sb_scratch sc;
	uint32_t budget = 100000;

	(void)state;
	memset(s, 'a', sizeof s - 1);
	s[sizeof s - 1] = 0;
	assert_int_equal(sb_pattern_run(prog, sizeof prog, s, 63, no_vars,
	    NULL, &sc, &budget), -1);
	assert_int_equal(budget, 0);
	s[62] = 'b';
	budget = 100000;
	assert_int_equal(sb_pattern_run(prog, sizeof prog, s, 63, no_vars,
	    NULL, &sc, &budget), 1);
}

/* ---------------------------------------------------------------- regexes */

static int
rmatch(const uint8_t *prog, size_t len, const char *s)
{
	struct sb_scratch sc;
	uint32_t budget = SB_EVAL_BUDGET;

	return sb_regex_run(prog, (uint32_t)len, s, (uint32_t)strlen(s), &sc,
	    &budget);
}

#define RX(s, ...) rmatch(P(__VA_ARGS__), PLEN(__VA_ARGS__), s)

/* ^/a/[bcde]/f* (FORMAT.md §9.5) */
#define RX95 0x19, 0x02, 0x2f, 0x02, 0x61, 0x02, 0x2f, 0x1b, 0x62, 0x65, \
	0x02, 0x2f, 0x2f, 0x14, 0x00, 0x02, 0x66, 0x0a, 0x0c, 0x00, 0x15, 0x00

static void
eval__regex_vm_runs_section_9_programs(void **state)
{
	(void)state;
	assert_int_equal(RX("/a/b/", RX95), 1);
	assert_int_equal(RX("/a/e/fff", RX95), 1);
	assert_int_equal(RX("/a/c/g", RX95), 1);    /* MATCH ends the search */
	assert_int_equal(RX("/a/f/", RX95), 0);
	assert_int_equal(RX("/a/b", RX95), 0);
	assert_int_equal(RX("x/a/b/", RX95), 0);
	/* unanchored ab: SPLIT X; "ab"; MATCH; X: ANY; JMP 0 (§9.3) */
#define RXAB 0x2f, 0x09, 0x00, 0x02, 'a', 0x02, 'b', 0x15, 0x00, 0x09, \
	0x0a, 0x00, 0x00
	assert_int_equal(RX("ab", RXAB), 1);
	assert_int_equal(RX("xxaby", RXAB), 1);
	assert_int_equal(RX("a", RXAB), 0);
	assert_int_equal(RX("ba", RXAB), 0);
	assert_int_equal(RX("", RXAB), 0);
	/* ^abc$ */
#define RXABC 0x19, 0x02, 'a', 0x02, 'b', 0x02, 'c', 0x29, 0x15, 0x00
	assert_int_equal(RX("abc", RXABC), 1);
	assert_int_equal(RX("abcd", RXABC), 0);
	assert_int_equal(RX("xabc", RXABC), 0);
	/* ^[^/]+$, the negated one-run class (§9.4) */
#define RXNOSLASH 0x19, 0x1b, 0x30, 0x2e, 0x2f, 0x0a, 0x00, 0x0a, 0x01, \
	0x00, 0x29, 0x15, 0x00
	assert_int_equal(RX("abc", RXNOSLASH), 1);
	assert_int_equal(RX("a/b", RXNOSLASH), 0);
	assert_int_equal(RX("", RXNOSLASH), 0);
	/* ^(a|b) with the alternative out of line */
#define RXALT 0x19, 0x2f, 0x09, 0x00, 0x02, 'a', 0x0a, 0x0b, 0x00, 0x02, \
	'b', 0x15, 0x00
	assert_int_equal(RX("a", RXALT), 1);
	assert_int_equal(RX("b", RXALT), 1);
	assert_int_equal(RX("bc", RXALT), 1);
	assert_int_equal(RX("c", RXALT), 0);
	/* ANY takes newline and NUL alike */
	assert_int_equal(rmatch(P(0x19, 0x09, 0x29, 0x15, 0x00), 5, "\n"), 1);
}

/* One of Apple's programs (ios17-platform.bin), found by its text. */
static void
eval__regex_vm_runs_an_apple_program(void **state)
{
	static const char *const yes[] = {
		"/private/var/mobile/Library/Safari/Bookmark",
		"/private/var/mobile/Library/Safari/com.apple.Bookmarks",
		"/private/var/euser12/Library/Safari/Bookmark",
		"/private/var/Users/bob/Library/Safari/Bookmark",
		"/private/var/0A-F9/Library/Safari/Bookmark",
	};
	static const char *const no[] = {
		"/private/var/root/Library/Safari/Bookmark",
		"/private/var/mobile/Library/Safari/Bookmar",
		"/private/var/euser/Library/Safari/Bookmark",
		"/private/var/Users//Library/Safari/Bookmark",
		"/var/mobile/Library/Safari/Bookmark",
	};
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_scratch sc;
	const uint8_t *item = NULL, *prog;
	uint32_t k, plen, i, budget;
	size_t len;
	uint8_t *p = blob_need("apple/ios17-platform.bin", &len);

	(void)state;
	assert_int_equal(blob_decode(&bin, p, len, &sb_target_macos14, &e), 0);
	for (k = 0; k < bin.regex_count && !item; k++) {
		const uint8_t *it = sb_bin_item(&bin,
		    sb_bin_tab(&bin, bin.regex_tab, k));

		plen = sb_bin_rd16(it + 6);
		for (i = 0; i + 9 <= plen; i++)
			if (memcmp(it + 8 + i, "\x02m\x02" "a\x02r\x02k\x15", 9) ==
			    0 && plen == 183)
				item = it;
	}
	assert_non_null(item);
	prog = item + 8;
	plen = sb_bin_rd16(item + 6);
	for (i = 0; i < countof(yes); i++) {
		budget = SB_EVAL_BUDGET;
		assert_int_equal(sb_regex_run(prog, plen, yes[i],
		    (uint32_t)strlen(yes[i]), &sc, &budget), 1);
	}
	for (i = 0; i < countof(no); i++) {
		budget = SB_EVAL_BUDGET;
		assert_int_equal(sb_regex_run(prog, plen, no[i],
		    (uint32_t)strlen(no[i]), &sc, &budget), 0);
	}
	free(p);
}

/* ------------------------------------------- built graphs, every kind */

struct built {
	struct sb_arena arena;
	struct sb_graph *g;
	uint32_t dflt;
	uint32_t nrules;
	struct sb_blob blob;
	struct sb_bin bin;
};

static void
built_begin(struct built *b)
{
	memset(b, 0, sizeof *b);
	sb_arena_init(&b->arena);
	b->g = sb_graph_new(&b->arena, &sb_target_macos14);
	b->dflt = sb_graph_leaf(b->g, 5, 0, 0, SB_GARG_IMM, 0, 0);
	sb_graph_set_default(b->g, b->dflt);
}

/* A new rule's allow leaf. */
static uint32_t
allow(struct built *b)
{
	return sb_graph_leaf(b->g, 0, 0, 0, SB_GARG_IMM, 0, ++b->nrules);
}

/* Emit, decode with the rule map. */
static void
built_end(struct built *b)
{
	struct sb_decode_opts o;
	struct sb_decode_error e;

	assert_int_equal(sb_emit(b->g, SB_EMIT_COMPACT, &b->blob, NULL), 0);
	memset(&o, 0, sizeof o);
	o.target = &sb_target_macos14;
	o.rule_map = b->blob.rule_map;
	o.rule_map_len = b->blob.nnodes;
	o.nrules = b->nrules;
	if (sb_decode(&b->bin, b->blob.bytes.data, b->blob.bytes.len, &o,
	    &e) != 0)
		fail_msg("our blob refused at %u: %s", e.offset, e.msg);
}

static void
built_free(struct built *b)
{
	sb_blob_free(&b->blob);
	sb_arena_free(&b->arena);
}

/* Rule deciding OP with facts F (0: the default). */
static uint32_t
rule_of(struct built *b, uint16_t op, const struct sb_fact *f, unsigned n)
{
	return ask(&b->bin, op, f, n).rule;
}

static struct sb_fact
nfact(uint32_t proto, const char *host, int32_t port)
{
	struct sb_fact f;

	memset(&f, 0, sizeof f);
	f.filter = 9;
	f.kind = SB_FACT_NETWORK;
	f.i = proto;
	f.s = host;
	f.len = host ? (uint32_t)strlen(host) : 0;
	f.port = port;
	return f;
}

static void
eval__built_graphs_answer_every_argument_kind(void **state)
{
	static const uint8_t syscalls[] = { 0x18 };     /* {3, 4} */
	static const uint8_t rx95[] = { 0x1c, 0x00, 0, 0, 0, 3, 0x16, 0x00,
		RX95 };
	struct built b;
	struct sb_graph *g;
	struct sb_fact f[2];
	uint32_t n;

	(void)state;
	built_begin(&b);
	g = b.g;
	/* 1: (uid 501) */
	sb_graph_set_entry(g, 1, sb_graph_test(g, 0x2c, SB_GARG_IMM, 501,
	    allow(&b), b.dflt));
	/* 2: (syscall-number 3 4) as a bitmask */
	sb_graph_set_entry(g, 2, sb_graph_test(g, 0xc1, SB_GARG_ITEM,
	    sb_graph_bitmask(g, syscalls, 1), allow(&b), b.dflt));
	/* 3: (remote tcp "localhost:62078"); 4: (remote tcp "*:*") */
	sb_graph_set_entry(g, 3, sb_graph_test(g, 0x09, SB_GARG_ITEM,
	    sb_graph_network(g, 7, 1, 62078), allow(&b), b.dflt));
	sb_graph_set_entry(g, 4, sb_graph_test(g, 0x09, SB_GARG_ITEM,
	    sb_graph_network(g, 7, 0, 0), allow(&b), b.dflt));
	/* 5: (extension "com.apple.app-sandbox.read") */
	sb_graph_set_entry(g, 5, sb_graph_test(g, 0x17, SB_GARG_ITEM,
	    sb_graph_string(g, "com.apple.app-sandbox.read", 26), allow(&b),
	    b.dflt));
	/* 6: (state-flag "local:Launched") */
	sb_graph_set_entry(g, 6, sb_graph_test(g, 0x55, SB_GARG_STATE,
	    sb_graph_state(g, "local:Launched", 14), allow(&b), b.dflt));
	/* 7: (file-mode #o644), a bitfield */
	sb_graph_set_entry(g, 7, sb_graph_test(g, 0x04, SB_GARG_IMM, 0644,
	    allow(&b), b.dflt));
	/* 8: (notification-payload #t) */
	sb_graph_set_entry(g, 8, sb_graph_test(g, 0x24, SB_GARG_IMM, 1,
	    allow(&b), b.dflt));
	/* 9: (regex #"^/a/[bcde]/f*") */
	sb_graph_set_entry(g, 9, sb_graph_test(g, 0x81, SB_GARG_REGEX,
	    sb_graph_regex(g, sb_graph_item(g, SB_ITEM_REGEX, rx95,
	    sizeof rx95)), allow(&b), b.dflt));
	/* 10: (require-not (extension "x")): the edges swapped */
	sb_graph_set_entry(g, 10, sb_graph_test(g, 0x17, SB_GARG_ITEM,
	    sb_graph_string(g, "x", 1), b.dflt, allow(&b)));
	/* 11: (require-all (uid 0) (extension "x")), then a later rule
	** (extension "y") that is tested first */
	n = sb_graph_test(g, 0x2c, SB_GARG_IMM, 0, sb_graph_test(g, 0x17,
	    SB_GARG_ITEM, sb_graph_string(g, "x", 1), allow(&b), b.dflt),
	    b.dflt);
	sb_graph_set_entry(g, 11, sb_graph_test(g, 0x17, SB_GARG_ITEM,
	    sb_graph_string(g, "y", 1), allow(&b), n));
	built_end(&b);

	f[0] = ifact(0x2c, SB_FACT_INT, 501);
	assert_int_equal(rule_of(&b, 1, f, 1), 1);
	f[0].i = 502;
	assert_int_equal(rule_of(&b, 1, f, 1), 0);
	f[0] = ifact(0x41, SB_FACT_INT, 4);
	assert_int_equal(rule_of(&b, 2, f, 1), 2);
	f[0].i = 3;
	assert_int_equal(rule_of(&b, 2, f, 1), 2);
	f[0].i = 5;
	assert_int_equal(rule_of(&b, 2, f, 1), 0);
	f[0].i = 100000;
	assert_int_equal(rule_of(&b, 2, f, 1), 0);
	f[0] = nfact(1 | 4, "127.0.0.1", 62078);
	assert_int_equal(rule_of(&b, 3, f, 1), 3);
	f[0] = nfact(2 | 4, "::1", 62078);
	assert_int_equal(rule_of(&b, 3, f, 1), 3);
	f[0] = nfact(1 | 4, "10.0.0.1", 62078);
	assert_int_equal(rule_of(&b, 3, f, 1), 0);
	f[0] = nfact(1 | 8, "localhost", 62078);
	assert_int_equal(rule_of(&b, 3, f, 1), 0);
	f[0] = nfact(1 | 4, "localhost", 62079);
	assert_int_equal(rule_of(&b, 3, f, 1), 0);
	f[0] = nfact(1 | 4, "localhost", -1);
	assert_int_equal(rule_of(&b, 3, f, 1), 0);
	f[0] = nfact(2 | 4, "example.com", 1);
	assert_int_equal(rule_of(&b, 4, f, 1), 4);
	f[0] = nfact(1 | 8, "example.com", 1);
	assert_int_equal(rule_of(&b, 4, f, 1), 0);
	f[0] = sfact(0x17, "com.apple.app-sandbox.read");
	assert_int_equal(rule_of(&b, 5, f, 1), 5);
	f[0] = sfact(0x17, "com.apple.app-sandbox.read-write");
	assert_int_equal(rule_of(&b, 5, f, 1), 0);
	/* several facts for one filter: any may match */
	f[0] = sfact(0x55, "local:Other");
	f[1] = sfact(0x55, "local:Launched");
	assert_int_equal(rule_of(&b, 6, f, 2), 6);
	assert_int_equal(rule_of(&b, 6, f, 1), 0);
	f[0] = ifact(0x04, SB_FACT_INT, 0755);
	assert_int_equal(rule_of(&b, 7, f, 1), 7);
	f[0].i = 0600;
	assert_int_equal(rule_of(&b, 7, f, 1), 0);
	f[0] = ifact(0x24, SB_FACT_BOOL, 1);
	assert_int_equal(rule_of(&b, 8, f, 1), 8);
	f[0].i = 0;
	assert_int_equal(rule_of(&b, 8, f, 1), 0);
	f[0] = sfact(1, "/a/c/ff");
	assert_int_equal(rule_of(&b, 9, f, 1), 9);
	f[0] = sfact(1, "/a/x/ff");
	assert_int_equal(rule_of(&b, 9, f, 1), 0);
	f[0] = sfact(0x17, "z");
	assert_int_equal(rule_of(&b, 10, f, 1), 10);
	f[0] = sfact(0x17, "x");
	assert_int_equal(rule_of(&b, 10, f, 1), 0);
	assert_int_equal(rule_of(&b, 10, f, 0), 10);   /* missing: no match */
	f[0] = sfact(0x17, "x");
	f[1] = ifact(0x2c, SB_FACT_INT, 0);
	assert_int_equal(rule_of(&b, 11, f, 2), 11);
	f[1].i = 1;
	assert_int_equal(rule_of(&b, 11, f, 2), 0);
	f[0] = sfact(0x17, "y");
	assert_int_equal(rule_of(&b, 11, f, 2), 12);
	assert_true(ask(&b.bin, 11, f, 1).missing == 0);
	built_free(&b);
}

static struct sb_fact
efact(uint8_t kind, const char *key, const char *v, uint32_t i)
{
	struct sb_fact f;

	memset(&f, 0, sizeof f);
	f.kind = kind;
	f.s = key;
	f.len = (uint32_t)strlen(key);
	f.v = v;
	f.vlen = v ? (uint32_t)strlen(v) : 0;
	f.i = i;
	return f;
}

static const uint8_t pat_abc[] = {
	0x0b, 0x00, 0x45, 'A', 'B', 'C', '1', '2', '3', 0x0f, 0x00, 0x0f, 0x0a,
};

static void
eval__entitlement_filters_read_entitlement_facts(void **state)
{
	static const char sandbox[] = "com.apple.security.app-sandbox";
	static const char team[] = "com.apple.developer.team-identifier";
	struct built b;
	struct sb_graph *g;
	struct sb_fact f[3];
	struct sb_verdict v;
	uint32_t k;

	(void)state;
	built_begin(&b);
	g = b.g;
	/* 1: (require-entitlement "...app-sandbox" (entitlement-value #t)) */
	sb_graph_set_entry(g, 1, sb_graph_test(g, 0x1e, SB_GARG_ITEM,
	    sb_graph_string(g, sandbox, strlen(sandbox)), sb_graph_test(g,
	    0x1f, SB_GARG_IMM, 1, allow(&b), b.dflt), b.dflt));
	/* 2: (require-entitlement "...team-identifier"
	**        (entitlement-value "ABC123")) */
	k = sb_graph_item(g, SB_ITEM_PATTERN, pat_abc, sizeof pat_abc);
	sb_graph_set_entry(g, 2, sb_graph_test(g, 0x1e, SB_GARG_ITEM,
	    sb_graph_string(g, team, strlen(team)), sb_graph_test(g, 0x20,
	    SB_GARG_ITEM, k, allow(&b), b.dflt), b.dflt));
	/* 3: %entitlement-is-present; 4: %entitlement-is-bool-true */
	sb_graph_set_entry(g, 3, sb_graph_test(g, 0x58, SB_GARG_ITEM,
	    sb_graph_string(g, team, strlen(team)), allow(&b), b.dflt));
	sb_graph_set_entry(g, 4, sb_graph_test(g, 0x57, SB_GARG_ITEM,
	    sb_graph_string(g, sandbox, strlen(sandbox)), allow(&b), b.dflt));
	built_end(&b);

	f[0] = efact(SB_FACT_ENT_BOOL, sandbox, NULL, 1);
	f[1] = efact(SB_FACT_ENT_STRING, team, "XYZ", 0);
	f[2] = efact(SB_FACT_ENT_STRING, team, "ABC123", 0);
	assert_int_equal(rule_of(&b, 1, f, 3), 1);
	assert_int_equal(rule_of(&b, 2, f, 3), 2);     /* any array element */
	assert_int_equal(rule_of(&b, 2, f, 2), 0);
	assert_int_equal(rule_of(&b, 3, f + 1, 1), 3);
	assert_int_equal(rule_of(&b, 3, f, 1), 0);
	assert_int_equal(rule_of(&b, 4, f, 1), 4);
	f[0].i = 0;
	assert_int_equal(rule_of(&b, 1, f, 1), 0);
	assert_int_equal(rule_of(&b, 4, f, 1), 0);
	/* no entitlement facts at all: not matched, and missing */
	v = ask(&b.bin, 1, NULL, 0);
	assert_int_equal(v.rule, 0);
	assert_true(v.missing);
	/* an entitlement fact of another kind of value is present only */
	f[0] = efact(SB_FACT_ENT_OTHER, sandbox, NULL, 0);
	v = ask(&b.bin, 1, f, 1);
	assert_int_equal(v.rule, 0);
	assert_false(v.missing);
	built_free(&b);
}

static void
eval__budget_exhaustion_is_reported(void **state)
{
	static const uint8_t pat[] = {
		0x19, 0x00,
		0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x03, 'a',
		0x0f, 0x03, 'a', 0x0f, 0x03, 'a', 0x0f, 0x03, 'a', 0x0f,
		0x03, 'a', 0x0f, 0x09,
	};
	struct built b;
	struct sb_query q;
	struct sb_scratch sc;
	struct sb_verdict v;
	char s[80];

	(void)state;
	built_begin(&b);
	/* eight SCAN_ANYs, then FAIL: every choice is tried */
	sb_graph_set_entry(b.g, 22, sb_graph_test(b.g, 0x01, SB_GARG_ITEM,
	    sb_graph_item(b.g, SB_ITEM_PATTERN, pat, sizeof pat), allow(&b),
	    b.dflt));
	built_end(&b);
	memset(s, 'a', sizeof s);
	memset(&q, 0, sizeof q);
	q.op = 22;
	q.nfacts = 1;
	q.facts[0].filter = 1;
	q.facts[0].kind = SB_FACT_STRING;
	q.facts[0].s = s;
	q.facts[0].len = 60;
	assert_int_equal(sb_eval(&b.bin, &q, &sc, &v), SB_EVAL_EXHAUSTED);
	q.facts[0].len = 10;
	assert_int_equal(sb_eval(&b.bin, &q, &sc, &v), SB_EVAL_OK);
	assert_int_equal(v.rule, 0);
	built_free(&b);
}

/* Every slot of every profile of the fixtures evaluates (smoke). */
static void
eval__apple_fixtures_evaluate_every_slot(void **state)
{
	struct sb_bin bin;
	struct sb_decode_error e;
	struct sb_query q;
	struct sb_scratch sc;
	struct sb_verdict v;
	size_t i, len;
	uint32_t p, op, np;
	uint8_t *blob;

	(void)state;
	for (i = 0; i < countof(blob_fixtures); i++) {
		blob = blob_need(blob_fixtures[i].path, &len);
		assert_int_equal(blob_decode(&bin, blob, len,
		    blob_fixtures[i].target, &e), 0);
		np = sb_bin_nprofiles(&bin);
		for (p = 0; p < np; p += 1 + np / 40)
			for (op = 0; op < bin.op_count; op++) {
				memset(&q, 0, sizeof q);
				q.op = (uint16_t)op;
				q.profile = (uint16_t)p;
				q.nfacts = 2;
				q.facts[0] = sfact(1,
				    "/private/var/mobile/Library/Caches/x");
				q.facts[1] = ifact(0x1d, SB_FACT_INT, 1);
				assert_int_equal(sb_eval(&bin, &q, &sc, &v),
				    SB_EVAL_OK);
				assert_int_equal(sb_bin_node(&bin,
				    v.terminal)[0], SB_BIN_TAG_TERMINAL);
			}
		/* a single profile's default slot decides at once */
		if (!blob_fixtures[i].profiles) {
			memset(&q, 0, sizeof q);
			assert_int_equal(sb_eval(&bin, &q, &sc, &v), 0);
			assert_int_equal(v.terminal, bin.node_count - 1u);
			assert_int_equal(v.tests, 0);
		}
		free(blob);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eval__worked_example_answers_hand_derived_queries),
		cmocka_unit_test(eval__pattern_vm_runs_the_format_examples),
		cmocka_unit_test(eval__pattern_vm_forks_over_variable_values),
		cmocka_unit_test(eval__pattern_vm_budget_is_enforced),
		cmocka_unit_test(eval__regex_vm_runs_section_9_programs),
		cmocka_unit_test(eval__regex_vm_runs_an_apple_program),
		cmocka_unit_test(eval__built_graphs_answer_every_argument_kind),
		cmocka_unit_test(eval__entitlement_filters_read_entitlement_facts),
		cmocka_unit_test(eval__budget_exhaustion_is_reported),
		cmocka_unit_test(eval__apple_fixtures_evaluate_every_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
