/*
** Unit tests of kext/target.c and the macos14 tables it is built from:
** the operation list against the Sonoma fixture, the shape of the
** operation tree, the fixed decisions of LANGUAGE.md §6.3, filter
** argument kinds (FORMAT.md §16.2) and modifier applicability
** (LANGUAGE.md §6.4). Expected values are typed here from the documents,
** independently of the generator, so a wrong table or a wrong generator
** shows up as a failure. The fixture is read from $SBPL_SHARED (default
** ../shared); without it that test prints SKIP and is skipped.
*/
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kext/target.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

static const struct sb_target *
t14(void)
{
	return &sb_target_macos14;
}

static int
op(const char *name)
{
	return sb_target_op_find(t14(), name, strlen(name));
}

static int
filter(const char *name)
{
	return sb_target_filter_find(t14(), name, strlen(name));
}

static int
modifier(const char *name)
{
	return sb_target_modifier_find(t14(), name, strlen(name));
}

static void
target__macos14__is_the_default_with_a_14_byte_header(void **state)
{
	(void)state;
	assert_ptr_equal(sb_target_default(), t14());
	assert_ptr_equal(sb_target_find("macos14", 7), t14());
	assert_null(sb_target_find("macos1", 6));
	assert_null(sb_target_find("macos140", 8));
	assert_int_equal(t14()->header_size, 14);
	assert_int_equal(t14()->op_count, 190);
	assert_int_equal(t14()->op_name_count, 196);
	assert_false(t14()->has_profile_flag_table);
	assert_int_equal(t14()->bundle_record_words, 2);
}

/* FORMAT.md §16.1: the fixture lists the 196 names, index = line - 1. */
static void
ops__match_the_sonoma_fixture_in_order(void **state)
{
	const char *shared = getenv("SBPL_SHARED");
	char path[4096], line[256];
	unsigned n = 0;
	FILE *f;

	(void)state;
	if (!shared || !*shared)
		shared = "../shared";
	snprintf(path, sizeof(path), "%s/format-fixtures/tables/"
	         "macos14-sonoma-operations.txt", shared);
	f = fopen(path, "r");
	if (!f) {
		printf("SKIP: %s: %s\n", path, strerror(errno));
		skip();
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		assert_true(n < t14()->op_name_count);
		assert_string_equal(t14()->ops[n].name, line);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 196);
	assert_int_equal(n, t14()->op_name_count);
}

/* FORMAT.md §16.1 landmarks, for when the fixture is not at hand. */
static void
ops__landmarks_sit_at_their_indices(void **state)
{
	static const struct {
		int idx;
		const char *name;
	} marks[] = {
		{ 0, "default" }, { 10, "file*" }, { 21, "file-read*" },
		{ 22, "file-read-data" }, { 23, "file-read-metadata" },
		{ 27, "file-test-existence" }, { 29, "file-write*" },
		{ 32, "file-write-data" }, { 87, "mach*" },
		{ 96, "mach-lookup" }, { 100, "mach-register" },
		{ 108, "necp-client-open" }, { 109, "network*" },
		{ 111, "network-bind" }, { 112, "network-outbound" },
		{ 118, "process*" }, { 122, "process-fork" },
		{ 189, "process-exec-update-label" },
		{ 190, "default-message-filter" }, { 195, "xpc-message-send" },
	};

	(void)state;
	for (size_t i = 0; i < countof(marks); i++)
		assert_int_equal(op(marks[i].name), marks[i].idx);
	assert_int_equal(op("file-read"), -1);
	assert_int_equal(op("process-codesigning*"), -1);
}

static bool
is_terminal(unsigned i)
{
	return t14()->ops[i].flags &
	       (SB_OP_TERMINAL_ALLOW | SB_OP_TERMINAL_DENY);
}

/*
** LANGUAGE.md §8.1: every chain of parents ends at default, or at a
** fixed-decision operation (which has no parent); message-filter
** operations hang below default-message-filter only.
*/
static void
ops__parents_form_a_tree_rooted_at_default(void **state)
{
	const struct sb_target *t = t14();

	(void)state;
	assert_int_equal(t->ops[0].parent, SB_NONE);
	for (unsigned i = 0; i < t->op_name_count; i++) {
		bool mf = t->ops[i].flags & SB_OP_MESSAGE_FILTER;
		unsigned j = i, steps = 0;

		assert_int_equal(mf, i >= t->op_count);
		if (t->ops[i].parent == SB_NONE)
			assert_true(i == 0 || is_terminal(i));
		while (t->ops[j].parent != SB_NONE) {
			assert_true(t->ops[j].parent < t->op_name_count);
			assert_int_not_equal(t->ops[j].parent, j);
			j = t->ops[j].parent;
			assert_true(++steps <= t->op_name_count);
			assert_int_equal(!!(t->ops[j].flags &
			                    SB_OP_MESSAGE_FILTER), mf);
		}
		if (mf)
			assert_int_equal(j, op("default-message-filter"));
		else if (!is_terminal(j))
			assert_int_equal(j, 0);
		if (!is_terminal(i) && i != 0 && !mf)
			assert_true(sb_target_op_within(t, i, 0));
	}
}

/* Spot checks of LANGUAGE.md §8.1, including the Sonoma additions (†). */
static void
ops__tree_matches_language_8_1(void **state)
{
	static const char *const pairs[][2] = {
		{ "file-read-data", "file-read*" },
		{ "file-read*", "file*" },
		{ "file-mount-update", "file-mount" },
		{ "file-lock", "file*" },
		{ "network-bind", "network-inbound" },
		{ "network-inbound", "network*" },
		{ "mach-task*", "mach-priv-task-port" },
		{ "mach-task-read", "mach-task*" },
		{ "mach-task-inspect", "mach-task-read" },
		{ "mach-task-name", "mach-task-inspect" },
		{ "managed-preference-read", "user-preference-read" },
		{ "process-codesigning", "process*" },
		{ "process-exec-update-label", "process-exec*" },
		{ "process-legacy-codesigning*", "process*" },
		{ "process-legacy-codesigning-entitlements-der-blob-get",
		  "process-legacy-codesigning-entitlements-blob-get" },
		{ "syscall-mig", "syscall*" },
		{ "system-kas-info", "system*" },
		{ "ipc-posix-shm-write*", "ipc-posix-shm*" },
		{ "xpc-message-send", "default-message-filter" },
		{ "appleevent-send", "default" },
		{ "socket-ioctl", "default" },
	};

	(void)state;
	for (size_t i = 0; i < countof(pairs); i++) {
		int child = op(pairs[i][0]), parent = op(pairs[i][1]);

		assert_true(child >= 0 && parent >= 0);
		assert_int_equal(t14()->ops[child].parent, parent);
	}
	assert_true(sb_target_op_within(t14(), op("mach-task-name"),
	                                 op("mach-priv*")));
	assert_false(sb_target_op_within(t14(), op("file-write-setugid"),
	                                 op("file-write*")));
	assert_false(sb_target_op_within(t14(), 999, 0));
}

/* LANGUAGE.md §6.2: families are the wildcard names, and each has children. */
static void
ops__every_family_has_children(void **state)
{
	const struct sb_target *t = t14();
	unsigned families = 0;

	(void)state;
	for (unsigned i = 0; i < t->op_name_count; i++) {
		size_t n = strlen(t->ops[i].name);
		bool star = t->ops[i].name[n - 1] == '*';
		unsigned children = 0;

		assert_int_equal(!!(t->ops[i].flags & SB_OP_FAMILY), star);
		if (!star)
			continue;
		families++;
		for (unsigned k = 0; k < t->op_name_count; k++)
			children += t->ops[k].parent == i;
		assert_true(children > 0);
	}
	assert_int_equal(families, 34);
}

/* LANGUAGE.md §6.3, the 13.0 column: the working assumption for Sonoma. */
static void
ops__terminal_operations_of_language_6_3_are_marked(void **state)
{
	static const char *const deny[] = {
		"file-write-setugid", "job-creation", "storage-class-map",
	};
	static const char *const allow[] = {
		"system-privilege", "mach-derive-port", "mach-kernel-endpoint",
		"default-message-filter",
	};
	static const char *const ordinary[] = {
		"darwin-notification-post", "dynamic-code-generation",
		"socket-ioctl", "nvram*", "process-info*",
		"process-info-codesignature", "syscall-unix",
		"iokit-get-properties", "mach-cross-domain-lookup", "file-link",
		"file-clone", "file-map-executable", "file-test-existence",
		"default",
	};
	unsigned marked = 0;

	(void)state;
	for (size_t i = 0; i < countof(deny); i++) {
		int k = op(deny[i]);

		assert_true(k >= 0);
		assert_int_equal(t14()->ops[k].flags & ~SB_OP_MESSAGE_FILTER,
		                 SB_OP_TERMINAL_DENY);
		assert_int_equal(t14()->ops[k].parent, SB_NONE);
	}
	for (size_t i = 0; i < countof(allow); i++) {
		int k = op(allow[i]);

		assert_true(k >= 0);
		assert_int_equal(t14()->ops[k].flags & ~SB_OP_MESSAGE_FILTER,
		                 SB_OP_TERMINAL_ALLOW);
		assert_int_equal(t14()->ops[k].parent, SB_NONE);
	}
	for (size_t i = 0; i < countof(ordinary); i++)
		assert_false(is_terminal((unsigned)op(ordinary[i])));
	for (unsigned i = 0; i < t14()->op_name_count; i++)
		marked += is_terminal(i);
	assert_int_equal(marked, countof(deny) + countof(allow));
}

/* FORMAT.md §16.2: ids 0x01-0x5d, each with a kind and a category. */
static void
filters__have_argument_kinds_and_categories(void **state)
{
	const struct sb_target *t = t14();
	unsigned defined = 0;

	(void)state;
	assert_int_equal(t->filter_count, 0x5e);
	assert_null(t->filters[0].name);
	for (unsigned id = 1; id < t->filter_count; id++) {
		const struct sb_filter_info *f = &t->filters[id];

		assert_non_null(f->name);
		defined++;
		assert_true(f->argkind >= SB_ARG_BOOL &&
		            f->argkind <= SB_ARG_PROFILE_FLAG);
		assert_int_not_equal(f->categories, 0);
		assert_true(f->categories < ((uint64_t)1 << t->category_count) ||
		            t->category_count == 64);
		if (f->prerequisite != SB_NONE)
			assert_non_null(t->filters[f->prerequisite].name);
	}
	assert_int_equal(defined, 0x5d);
}

static void
filters__kinds_and_ids_match_format_16_2(void **state)
{
	static const struct {
		int id;
		const char *name;
		int kind;
	} rows[] = {
		{ 0x01, "path", SB_ARG_PATH },
		{ 0x03, "xattr", SB_ARG_PATTERN },
		{ 0x04, "file-mode", SB_ARG_BITFIELD },
		{ 0x06, "global-name", SB_ARG_PATTERN },
		{ 0x08, "local", SB_ARG_NETWORK },
		{ 0x09, "remote", SB_ARG_NETWORK },
		{ 0x0b, "socket-domain", SB_ARG_INT },
		{ 0x17, "extension", SB_ARG_STRING },
		{ 0x19, "appleevent-destination", SB_ARG_PREFIX },
		{ 0x1c, "preference-domain", SB_ARG_PREFIX },
		{ 0x1d, "vnode-type", SB_ARG_INT },
		{ 0x1f, "%entitlement-boolean", SB_ARG_BOOL },
		{ 0x27, "process-path", SB_ARG_PATH },
		{ 0x36, "reboot-flags", SB_ARG_BITFIELD },
		{ 0x44, "user-intent-extension", SB_ARG_STRING },
		{ 0x55, "state-flag", SB_ARG_STATE_FLAG },
		{ 0x5b, "mount-root-path", SB_ARG_PATH },
		{ 0x5c, "codesigning-operation", SB_ARG_INT },
		{ 0x5d, "kas-info-selector", SB_ARG_INT },
	};

	(void)state;
	for (size_t i = 0; i < countof(rows); i++) {
		assert_int_equal(filter(rows[i].name), rows[i].id);
		assert_int_equal(t14()->filters[rows[i].id].argkind,
		                 rows[i].kind);
	}
	assert_int_equal(t14()->filters[0x1f].prerequisite, 0x1e);
	assert_int_equal(t14()->filters[0x01].prerequisite, SB_NONE);
	assert_int_equal(filter("literal"), -1);
}

static long
value_of(unsigned owner, const char *name, bool of_modifier)
{
	unsigned n;
	const struct sb_value_info *v = of_modifier ?
		sb_target_modifier_values(t14(), owner, &n) :
		sb_target_filter_values(t14(), owner, &n);

	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(v[i].owner, owner);
		if (strcmp(v[i].name, name) == 0)
			return (long)v[i].value;
	}
	return -1;
}

/* LANGUAGE.md §7.4, FORMAT.md §6: named constants, grouped by owner. */
static void
values__named_constants_are_bound_per_filter(void **state)
{
	const struct sb_target *t = t14();
	unsigned n;

	(void)state;
	assert_int_equal(value_of(0x0b, "AF_INET", false), 2);
	assert_int_equal(value_of(0x0b, "AF_UNIX", false), 1);
	assert_int_equal(value_of(0x0b, "AF_LOCAL", false), 1);
	assert_int_equal(value_of(0x34, "SIGKILL", false), 9);
	assert_int_equal(value_of(0x1d, "REGULAR-FILE", false), 1);
	assert_int_equal(value_of(0x1d, "TTY", false), 0xffff);
	assert_int_equal(value_of(0x0e, "self", false), 1);
	assert_int_equal(value_of(0x08, "tcp", false), 7);
	assert_int_equal(value_of(0x10, "BIOCSETF", false), 0x4267);
	assert_true(value_of(0x41, "SYS_read", false) > 0);
	assert_int_equal(value_of(0x0b, "SIGKILL", false), -1);
	assert_null(sb_target_filter_values(t, 0x01, &n));
	assert_int_equal(n, 0);
	/* overrides.txt: Sonoma's routine numbering is unknown */
	assert_null(sb_target_filter_values(t, 0x4c, &n));
	for (unsigned i = 1; i < t->filter_value_count; i++)
		assert_true(t->filter_values[i - 1].owner <=
		            t->filter_values[i].owner);
	for (unsigned i = 0; i < t->filter_value_count; i++) {
		assert_non_null(t->filters[t->filter_values[i].owner].name);
		assert_true(t->filter_values[i].value <= 0xffff);
	}
	assert_int_equal(value_of(2, "EPERM", true), 1);
	assert_int_equal(value_of(2, "ENOENT", true), 2);
}

/* LANGUAGE.md §6.4: on which decisions each modifier may appear. */
static void
modifiers__valid_actions_match_language_6_4(void **state)
{
	static const struct {
		const char *name;
		int actions;
		int argkind;
	} rows[] = {
		{ "report", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "no-report", SB_ACTION_DENY, SB_ARG_NONE },
		{ "send-signal", SB_ACTION_BOTH, SB_ARG_INT },
		{ "message", SB_ACTION_BOTH, SB_ARG_STRING },
		{ "telemetry", SB_ACTION_BOTH, SB_ARG_NONE },
		{ "telemetry-backtrace", SB_ACTION_BOTH, SB_ARG_NONE },
		{ "errno", SB_ACTION_DENY, SB_ARG_INT },
		{ "no-sandbox", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "default-sandbox", SB_ACTION_ALLOW, SB_ARG_STRING },
		{ "grant", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "no-times", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "no-approval-prompt", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "no-storage-class", SB_ACTION_ALLOW, SB_ARG_NONE },
		{ "user-approval", SB_ACTION_ALLOW, SB_ARG_STRING },
		{ "authority", SB_ACTION_BOTH, SB_ARG_NONE },
		{ "sip-override", SB_ACTION_BOTH, SB_ARG_NONE },
		{ "assign-storage-class", SB_ACTION_ALLOW, SB_ARG_STRING },
		{ "enable-state-flag", SB_ACTION_BOTH, SB_ARG_STRING },
		{ "message-filter", SB_ACTION_ALLOW, SB_ARG_POLICY },
	};
	const struct sb_target *t = t14();

	(void)state;
	assert_int_equal(t->modifier_count, 20);
	for (size_t i = 0; i < countof(rows); i++) {
		int id = modifier(rows[i].name);
		const struct sb_modifier_info *m;

		assert_true(id > 0);
		m = &t->modifiers[id];
		assert_int_equal(m->actions, rows[i].actions);
		assert_int_equal(m->argkind, rows[i].argkind);
		assert_int_equal(m->is_inline, rows[i].argkind != SB_ARG_NONE);
		if (m->is_inline)
			assert_int_equal(m->mask | m->flag, 0);
		else
			assert_int_equal(m->flag & ~m->mask, 0);
	}
	/* FORMAT.md §4.3, §4.4: bits and inline ids */
	assert_int_equal(modifier("report"), 3);
	assert_int_equal(t->modifiers[3].mask, 0x4);
	assert_int_equal(t->modifiers[3].flag, 0x4);
	assert_int_equal(t->modifiers[modifier("no-report")].flag, 0);
	assert_int_equal(t->modifiers[modifier("telemetry-backtrace")].mask,
	                 0x180);
	assert_int_equal(modifier("message"), 10);
	assert_int_equal(modifier("message-filter"), 19);
	assert_int_equal(modifier("no-log"), -1);
}

/* LANGUAGE.md §7.4 and §6.4: categories and modifiers per operation. */
static void
ops__accept_filters_and_modifiers_from_the_tables(void **state)
{
	const struct sb_target *t = t14();

	(void)state;
	assert_true(sb_target_op_accepts_filter(t, op("file-read-data"),
	                                        filter("path")));
	assert_true(sb_target_op_accepts_filter(t, op("file-read-data"),
	                                        filter("vnode-type")));
	assert_true(sb_target_op_accepts_filter(t, op("mach-lookup"),
	                                        filter("global-name")));
	assert_false(sb_target_op_accepts_filter(t, op("mach-lookup"),
	                                         filter("path")));
	assert_true(sb_target_op_accepts_filter(t, op("file-write-xattr"),
	                                        filter("xattr")));
	assert_false(sb_target_op_accepts_filter(t, op("file-write-data"),
	                                         filter("xattr")));
	assert_true(sb_target_op_accepts_filter(t, op("signal"),
	                                        filter("signal-number")));
	assert_true(sb_target_op_accepts_filter(t, op("signal"),
	                                        filter("target")));
	assert_true(sb_target_op_accepts_filter(t, op("network-outbound"),
	                                        filter("remote")));
	assert_true(sb_target_op_accepts_filter(t, op("system-kas-info"),
	                                        filter("kas-info-selector")));
	assert_true(sb_target_op_accepts_filter(t, op("syscall-mig"),
	                                        filter("kernel-mig-routine")));
	assert_true(sb_target_op_accepts_filter(t, op("file-lock"),
	                                        filter("path")));
	/* every operation with the common categories takes process filters */
	assert_true(sb_target_op_accepts_filter(t, op("lsopen"),
	                                        filter("signing-identifier")));
	assert_false(sb_target_op_accepts_filter(t, 0, 0));

	assert_true(sb_target_op_accepts_modifier(t, op("file-read-data"),
	                                          modifier("report")));
	assert_true(sb_target_op_accepts_modifier(t, op("process-exec*"),
	                                          modifier("no-sandbox")));
	assert_false(sb_target_op_accepts_modifier(t, op("file-read-data"),
	                                           modifier("no-sandbox")));
	assert_true(sb_target_op_accepts_modifier(t, op("file-read-metadata"),
	                                          modifier("no-times")));
	assert_true(sb_target_op_accepts_modifier(t, op("storage-class-map"),
	                                          modifier("assign-storage-class")));
	for (unsigned i = 0; i < t->op_name_count; i++)
		assert_int_not_equal(t->ops[i].modifiers, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target__macos14__is_the_default_with_a_14_byte_header),
		cmocka_unit_test(ops__match_the_sonoma_fixture_in_order),
		cmocka_unit_test(ops__landmarks_sit_at_their_indices),
		cmocka_unit_test(ops__parents_form_a_tree_rooted_at_default),
		cmocka_unit_test(ops__tree_matches_language_8_1),
		cmocka_unit_test(ops__every_family_has_children),
		cmocka_unit_test(ops__terminal_operations_of_language_6_3_are_marked),
		cmocka_unit_test(ops__accept_filters_and_modifiers_from_the_tables),
		cmocka_unit_test(filters__have_argument_kinds_and_categories),
		cmocka_unit_test(filters__kinds_and_ids_match_format_16_2),
		cmocka_unit_test(values__named_constants_are_bound_per_filter),
		cmocka_unit_test(modifiers__valid_actions_match_language_6_4),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
