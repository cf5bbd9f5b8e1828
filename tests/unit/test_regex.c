/*
** compiler/regex.c against a reference: the hand cases of LANGUAGE.md
** §7.3 and FORMAT.md §9, and every regex literal of the corpus checked
** against POSIX regexec (REG_EXTENDED) on 5,000 generated strings each:
** strings the program itself accepts (a random walk), mutated by one
** character more, less or changed, and random strings over the pattern's
** alphabet. Patterns POSIX reads differently (a backslash inside a
** bracket expression) or rejects are counted and listed, not compared.
*/
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <regex.h>

#include "tests/unit/fixture.h"

#include "common/arena.h"
#include "common/buf.h"
#include "compiler/regex.h"

struct rx {
	struct sb_arena a;
	struct sb_regex r;
	uint32_t scratch[3 * SB_RX_MAX_INSTS];
};

static int
compile(struct rx *x, const char *pat)
{
	struct sb_rx_error err;

	sb_arena_init(&x->a);
	return sb_regex_compile(&x->a, pat, strlen(pat), &x->r, &err);
}

static int
matches(struct rx *x, const char *s)
{
	return sb_regex_match(&x->r, s, strlen(s), x->scratch);
}

static void
expect(const char *pat, const char *s, int want)
{
	struct rx *x = test_malloc(sizeof *x);

	assert_int_equal(compile(x, pat), 0);
	if (matches(x, s) != want)
		fail_msg("%s on \"%s\": expected %d", pat, s, want);
	sb_arena_free(&x->a);
	test_free(x);
}

static void
regex__hand_cases__match_as_an_ere_search(void **state)
{
	(void)state;
	expect("^/usr/lib/.*\\.dylib$", "/usr/lib/libc.dylib", 1);
	expect("^/usr/lib/.*\\.dylib$", "/usr/lib/libc.dylibx", 0);
	expect("\\.plist$", "/Library/Preferences/a.plist", 1);
	expect("\\.plist$", "/a.plistx", 0);
	expect("^(/private)?/etc/hosts$", "/etc/hosts", 1);
	expect("^(/private)?/etc/hosts$", "/private/etc/hosts", 1);
	expect("^(/private)?/etc/hosts$", "/private/etc/hostsx", 0);
	expect("^/dev/u?random$", "/dev/urandom", 1);
	expect("^/dev/u?random$", "/dev/random", 1);
	expect("^/Users/[^/]+/Library$", "/Users/bob/Library", 1);
	expect("^/Users/[^/]+/Library$", "/Users/bob/x/Library", 0);
	expect("a|b|c", "xxcxx", 1);
	expect("a|b|c", "xyz", 0);
	expect("^x{2,3}$", "xx", 1);
	expect("^x{2,3}$", "xxxx", 0);
	expect("^x{2,}$", "xxxxx", 1);
	expect("^[[:digit:]]+$", "123", 1);
	expect("^[-0-9A-F]+$", "-0A", 1);
	expect("^[^.a]$", "b", 1);
	expect("^[^.a]$", "a", 0);
	expect("", "", 1);
	expect("^$", "", 1);
	expect("^$", "a", 0);
}

static void
regex__bad_patterns__are_rejected_with_a_position(void **state)
{
	static const char *const bad[] = { "(a", "a)", "[a", "*a", "a{2",
		"a{3,2}", "[z-a]", "\\" };
	struct sb_arena a;
	struct sb_regex r;
	struct sb_rx_error err;
	size_t i;

	(void)state;
	sb_arena_init(&a);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sb_regex_compile(&a, bad[i], strlen(bad[i]), &r, &err) == 0)
			fail_msg("'%s' was accepted", bad[i]);
	sb_arena_free(&a);
}

static void
regex__v3_item__is_formats_worked_example(void **state)
{
	static const unsigned char want[] = { 0x1c, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x16, 0x00, 0x19, 0x02, 0x2f, 0x02, 0x61, 0x02, 0x2f, 0x1b,
		0x62, 0x65, 0x02, 0x2f, 0x2f, 0x14, 0x00, 0x02, 0x66, 0x0a, 0x0c,
		0x00, 0x15, 0x00 };
	struct rx *x = test_malloc(sizeof *x);
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	assert_int_equal(compile(x, "^/a/[bcde]/f*"), 0);
	assert_int_equal(sb_regex_item(&x->r, &b), 0);
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	sb_buf_free(&b);
	sb_arena_free(&x->a);
	test_free(x);
}

/* --- the corpus differential ------------------------------------------- */

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A string the program accepts, by a random walk (bounded). */
static size_t
walk(const struct sb_regex *r, uint64_t *seed, char *out, size_t cap)
{
	uint32_t pc = 0, steps = 0;
	size_t n = 0;

	while (pc < r->n && steps++ < 400 && n + 1 < cap) {
		const struct sb_rx_inst *in = &r->prog[pc];
		switch (in->op) {
		case SB_RX_CHAR: out[n++] = (char)in->c; pc++; break;
		case SB_RX_ANY: out[n++] = (char)('a' + rnd(seed) % 26); pc++; break;
		case SB_RX_CLASS: {
			unsigned k = in->nranges ? (unsigned)(rnd(seed) % in->nranges) : 0;
			unsigned lo = in->nranges ? in->ranges[2 * k] : 'a';
			unsigned hi = in->nranges ? in->ranges[2 * k + 1] : 'a';
			unsigned c = lo + (unsigned)(rnd(seed) % (hi - lo + 1));
			out[n++] = (char)(c == 0 ? 1 : c);
			pc++;
			break;
		}
		case SB_RX_SPLIT: pc = rnd(seed) % 3 ? pc + 1 : in->x; break;
		case SB_RX_JMP: pc = in->x; break;
		case SB_RX_MATCH: pc = r->n; break;
		default: pc++; break;
		}
	}
	out[n] = 0;
	return n;
}

static void
mutate(uint64_t *seed, char *s, size_t *n, size_t cap, const char *alpha)
{
	size_t alen = strlen(alpha), at = *n ? (size_t)(rnd(seed) % *n) : 0;

	switch (rnd(seed) % 3) {
	case 0:
		if (*n + 2 < cap) {
			memmove(s + at + 1, s + at, *n - at + 1);
			s[at] = alpha[rnd(seed) % alen];
			(*n)++;
		}
		break;
	case 1:
		if (*n) {
			memmove(s + at, s + at + 1, *n - at);
			(*n)--;
		}
		break;
	default:
		if (*n)
			s[at] = alpha[rnd(seed) % alen];
		break;
	}
}

struct tally {
	unsigned patterns, strings, skipped;
};

/*
** PAT for POSIX: inside a bracket expression our dialect reads '\' as
** escaping the next byte ("[\.]"), POSIX as a literal; drop those
** backslashes. Returns -1 for an escaped ']', '^', '-' or '\' in
** brackets, which POSIX cannot spell the same way in place.
*/
static int
posixform(const char *pat, char *out, size_t size)
{
	size_t k = 0;
	int inclass = 0;

	for (; *pat && k + 1 < size; pat++) {
		if (!inclass && *pat == '\\' && pat[1]) {
			out[k++] = *pat++;
			out[k++] = *pat;
			continue;
		}
		if (!inclass && *pat == '[') {
			inclass = 1;
			out[k++] = *pat;
			if (pat[1] == '^')
				out[k++] = *++pat;
			if (pat[1] == ']')
				out[k++] = *++pat;
			continue;
		}
		if (inclass && *pat == '\\' && pat[1]) {
			if (strchr("]^-\\", pat[1]))
				return -1;
			continue;
		}
		if (inclass && *pat == ']')
			inclass = 0;
		out[k++] = *pat;
	}
	out[k] = 0;
	return 0;
}

static void
differential(const char *pat, struct tally *t)
{
	char posix[1100];
	struct rx *x = test_malloc(sizeof *x);
	regex_t ref;
	char s[512], alpha[128];
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ strlen(pat);
	size_t n, k = 0, i;
	const char *p, *open;
	int i2;

	memset(&x->a, 0, sizeof x->a);
	(void)open;
	if (posixform(pat, posix, sizeof posix) < 0 || compile(x, pat) != 0 ||
	    regcomp(&ref, posix, REG_EXTENDED | REG_NOSUB) != 0) {
		t->skipped++;
		sb_arena_free(&x->a);
		test_free(x);
		return;
	}
	for (p = pat; *p && k < sizeof alpha - 4; p++)
		if (!strchr("^$()|*+?{}[]\\.", *p) && !memchr(alpha, *p, k))
			alpha[k++] = *p;
	alpha[k++] = '/';
	alpha[k++] = 'x';
	alpha[k] = 0;
	for (i = 0; i < 5000; i++) {
		if (i % 2 == 0) {
			n = walk(&x->r, &seed, s, sizeof s);
			for (i2 = (int)(rnd(&seed) % 3); i2 > 0; i2--)
				mutate(&seed, s, &n, sizeof s, alpha);
		} else {
			n = (size_t)(rnd(&seed) % 24);
			for (k = 0; k < n; k++)
				s[k] = alpha[rnd(&seed) % strlen(alpha)];
			s[n] = 0;
		}
		if (matches(x, s) != (regexec(&ref, s, 0, NULL, 0) == 0))
			fail_msg("regex %s on \"%s\": ours %d, POSIX %d", pat, s,
			    matches(x, s), regexec(&ref, s, 0, NULL, 0) == 0);
		t->strings++;
	}
	t->patterns++;
	regfree(&ref);
	sb_arena_free(&x->a);
	test_free(x);
}

/* Every #"…" in FILE, and every "…" right after "(regex " with \\ undone. */
static void
scanfile(const char *path, struct tally *t)
{
	FILE *f = fopen(path, "rb");
	char *text, pat[1024];
	long len;
	const char *p, *q;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = test_malloc((size_t)len + 1);
	text[fread(text, 1, (size_t)len, f)] = 0;
	fclose(f);
	for (p = text; (p = strstr(p, "#\"")); p = q + 1) {
		if (!(q = strchr(p + 2, '"')) || q - p - 2 >= (long)sizeof pat)
			break;
		snprintf(pat, sizeof pat, "%.*s", (int)(q - p - 2), p + 2);
		differential(pat, t);
	}
	for (p = text; (p = strstr(p, "(regex \"")); p = q + 1) {
		size_t k = 0;
		for (q = p + 8; *q && *q != '"' && k + 1 < sizeof pat; q++) {
			if (*q == '\\' && q[1])
				q++;
			pat[k++] = *q;
		}
		pat[k] = 0;
		differential(pat, t);
	}
	test_free(text);
}

static void
regex__corpus_regexes__agree_with_posix(void **state)
{
	const char *shared = getenv("SBPL_SHARED");
	char path[8192], line[4096];
	struct tally t = { 0, 0, 0 };
	FILE *list;

	(void)state;
	snprintf(path, sizeof path, "%s/corpus/SOURCES.tsv",
	    shared ? shared : "../shared");
	if (!(list = fopen(path, "r"))) {
		printf("SKIP: %s not found\n", path);
		skip();
	}
	fgets(line, sizeof line, list);
	while (fgets(line, sizeof line, list)) {
		line[strcspn(line, "\t\n")] = 0;
		snprintf(path, sizeof path, "%s/corpus/%s",
		    shared ? shared : "../shared", line);
		scanfile(path, &t);
	}
	fclose(list);
	printf("regex: %u corpus patterns x 5000 strings agree with POSIX "
	    "(%u strings); %u patterns POSIX cannot spell the same way, not "
	    "compared\n", t.patterns, t.strings, t.skipped);
	assert_true(t.patterns > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regex__hand_cases__match_as_an_ere_search),
		cmocka_unit_test(regex__bad_patterns__are_rejected_with_a_position),
		cmocka_unit_test(regex__v3_item__is_formats_worked_example),
		cmocka_unit_test(regex__corpus_regexes__agree_with_posix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
