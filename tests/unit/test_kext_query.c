/*
** Unit tests of the kext's query builder (kext/macos/query_build.c,
** DESIGN.md §8): hooks.def resolved against the default target and a
** target without operations, the facts each builder makes and their
** order, address text (RFC 5952's own examples), the proc_info call
** map, and queries built from hook arguments deciding on the compiled
** blob as the rule IR (compiler/match.c) decides them.
*/
#include "tests/unit/kext_fixture.h"

#include "compiler/match.h"
#include "kext/eval.h"
#include "kext/macos/query_build.h"

/* Operation K of hooks.def row H, parsed here independently of the module. */
static int
row_op(unsigned h, unsigned k, char *out, size_t n)
{
	const char *p = sb_hook_info(h)->operations;
	unsigned i = 0;

	for (;;) {
		size_t len;
		while (*p == ' ')
			p++;
		if (!*p)
			return -1;
		len = strcspn(p, " ");
		if (i++ == k) {
			snprintf(out, n, "%.*s", (int)len, p);
			return 0;
		}
		p += len;
	}
}

static int
op_of(const struct sb_target *t, const char *name)
{
	return sb_target_op_find(t, name, strlen(name));
}

static uint8_t
filter_of(const struct sb_target *t, const char *name)
{
	int id = sb_target_filter_find(t, name, strlen(name));

	assert_true(id > 0);
	return (uint8_t)id;
}

static uint32_t
value_of(const struct sb_target *t, const char *filter, const char *name)
{
	unsigned n, i;
	const struct sb_value_info *v = sb_target_filter_values(t,
	    filter_of(t, filter), &n);

	for (i = 0; v && i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].value;
	fail_msg("%s has no value %s", filter, name);
	return 0;
}

static void
kext_query__every_row__names_operations_of_the_default_target(void **state)
{
	const struct sb_target *t = sb_target_default();
	struct sb_qb qb;
	unsigned h, k, total = 0;
	uint16_t seen[512];
	unsigned nseen = 0, i;
	char name[64];

	(void)state;
	assert_int_equal(sb_qb_init(&qb, t), 0);
	for (h = 0; h < SB_HOOK_COUNT; h++) {
		for (k = 0; row_op(h, k, name, sizeof name) == 0; k++) {
			int op = op_of(t, name);
			assert_true(op >= 0 && (unsigned)op < t->op_count);
			assert_int_equal(sb_qb_slot(&qb, h, k), op);
			for (i = 0; i < nseen && seen[i] != op; i++)
				;
			if (i == nseen)
				seen[nseen++] = (uint16_t)op;
			total++;
		}
		assert_int_equal(qb.nops[h], k);
		assert_int_equal(sb_qb_slot(&qb, h, k), SB_NONE);
	}
	assert_true(total >= SB_HOOK_COUNT);
	/* the columns are the distinct operations, each once */
	assert_int_equal(qb.ncolumns, nseen);
	for (i = 0; i < nseen; i++)
		assert_int_equal(qb.columns[i], seen[i]);
}

static void
kext_query__a_target_without_operations__misses_every_name(void **state)
{
	struct sb_qb qb;
	unsigned h, k, total = 0;
	char name[64];
	struct sb_qb_args a;
	struct sb_query q;

	(void)state;
	for (h = 0; h < SB_HOOK_COUNT; h++)
		for (k = 0; row_op(h, k, name, sizeof name) == 0; k++)
			total++;
	/* macos15 is format-only: filters, no operation list */
	assert_int_equal(sb_qb_init(&qb, &sb_target_macos15), (int)total);
	assert_int_equal(qb.ncolumns, 0);
	memset(&a, 0, sizeof a);
	a.path = "/x";
	a.pathlen = 2;
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_open, 0, &a, &q),
	    -1);
}

static void
kext_query__file_hooks__put_the_path_first_then_the_other_facts(void **state)
{
	const struct sb_target *t = sb_target_default();
	static const char path[] = "/private/tmp/x";
	static const char xattr[] = "com.apple.quarantine";
	struct sb_qb qb;
	struct sb_qb_args a;
	struct sb_query q;

	(void)state;
	assert_int_equal(sb_qb_init(&qb, t), 0);
	memset(&a, 0, sizeof a);
	a.path = path;
	a.pathlen = (uint32_t)strlen(path);
	a.vtype = SB_QB_VREG;
	a.name = xattr;
	a.namelen = (uint32_t)strlen(xattr);
	a.has_number = true;
	a.number = 0x4004667a;

	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_open, 1, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "file-write-data"));
	assert_int_equal(q.nfacts, 2);
	assert_int_equal(q.facts[0].filter, filter_of(t, "path"));
	assert_int_equal(q.facts[0].kind, SB_FACT_STRING);
	assert_ptr_equal(q.facts[0].s, path);
	assert_int_equal(q.facts[0].len, strlen(path));
	assert_int_equal(q.facts[1].filter, filter_of(t, "vnode-type"));
	assert_int_equal(q.facts[1].kind, SB_FACT_INT);
	assert_int_equal(q.facts[1].i, value_of(t, "vnode-type",
	    "REGULAR-FILE"));

	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_getextattr, 0,
	    &a, &q), 0);
	assert_int_equal(q.op, op_of(t, "file-read-xattr"));
	assert_int_equal(q.nfacts, 3);
	assert_int_equal(q.facts[2].filter, filter_of(t, "xattr"));
	assert_ptr_equal(q.facts[2].s, xattr);

	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_ioctl, 0, &a,
	    &q), 0);
	assert_int_equal(q.nfacts, 3);
	assert_int_equal(q.facts[2].filter, filter_of(t, "ioctl-command"));
	assert_int_equal(q.facts[2].i, a.number);

	/* an unknown vnode type is no fact at all */
	a.vtype = SB_QB_VNONE;
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_rename, 1, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "file-write-create"));
	assert_int_equal(q.nfacts, 1);
	/* a terminal is the TTY value, not CHARACTER-DEVICE */
	a.vtype = SB_QB_VTTY;
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_vnode_check_stat, 0, &a,
	    &q), 0);
	assert_int_equal(q.facts[1].i, value_of(t, "vnode-type", "TTY"));
}

static void
kext_query__process_hooks__give_every_target_class_that_applies(void **state)
{
	const struct sb_target *t = sb_target_default();
	struct sb_qb qb;
	struct sb_qb_args a;
	struct sb_query q;

	(void)state;
	assert_int_equal(sb_qb_init(&qb, t), 0);
	memset(&a, 0, sizeof a);
	a.target = SB_QB_T_OTHERS | SB_QB_T_CHILDREN | SB_QB_T_PGRP;
	a.has_number = true;
	a.number = 15;
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_proc_check_signal, 0, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "signal"));
	assert_int_equal(q.nfacts, 4);
	/* in bit order: pgrp, others, children; then the signal */
	assert_int_equal(q.facts[0].i, value_of(t, "target", "pgrp"));
	assert_int_equal(q.facts[1].i, value_of(t, "target", "others"));
	assert_int_equal(q.facts[2].i, value_of(t, "target", "children"));
	assert_int_equal(q.facts[3].filter, filter_of(t, "signal-number"));
	assert_int_equal(q.facts[3].i, 15);
	/* the task-port row is indexed by xnu's task flavor */
	a.target = SB_QB_T_SELF;
	assert_int_equal(sb_qb_build(&qb,
	    SB_HOOK_proc_check_get_task_with_flavor, 3, &a, &q), 0);
	assert_int_equal(q.op, op_of(t, "mach-task-name"));
	assert_int_equal(q.nfacts, 1);
	assert_int_equal(q.facts[0].filter, filter_of(t, "target"));
	assert_int_equal(q.facts[0].i, value_of(t, "target", "self"));
}

static void
kext_query__proc_info_calls__map_to_their_operations(void **state)
{
	const struct sb_target *t = sb_target_default();
	/* xnu's PROC_INFO_CALL_* numbers and the operation each is */
	static const struct {
		int call;
		const char *op;
	} calls[] = {
		{ 1, "process-info-listpids" }, { 2, "process-info-pidinfo" },
		{ 3, "process-info-pidfdinfo" }, { 5, "process-info-setcontrol" },
		{ 6, "process-info-pidfileportinfo" },
		{ 8, "process-info-dirtycontrol" }, { 9, "process-info-rusage" },
	};
	struct sb_qb qb;
	size_t i;

	(void)state;
	assert_int_equal(sb_qb_init(&qb, t), 0);
	for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		int k = sb_qb_proc_info_op(calls[i].call);
		assert_true(k >= 0);
		assert_int_equal(sb_qb_slot(&qb, SB_HOOK_proc_check_proc_info,
		    (unsigned)k), op_of(t, calls[i].op));
	}
	assert_int_equal(sb_qb_proc_info_op(4), -1);   /* KERNMSGBUF */
	assert_int_equal(sb_qb_proc_info_op(7), -1);   /* TERMINATE */
}

static void
kext_query__sockets__become_network_facts_or_unix_paths(void **state)
{
	const struct sb_target *t = sb_target_default();
	static const uint8_t v4[4] = { 127, 0, 0, 1 };
	static const uint8_t v6[16] = { [15] = 1 };
	struct sb_qb qb;
	struct sb_qb_args a;
	struct sb_query q;

	(void)state;
	assert_int_equal(sb_qb_init(&qb, t), 0);
	memset(&a, 0, sizeof a);
	sb_qb_set_inet(&a, SB_QB_AF_INET, SB_QB_TP_TCP, v4, 443);
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_socket_check_connect, 0, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "network-outbound"));
	assert_int_equal(q.nfacts, 1);
	assert_int_equal(q.facts[0].filter, filter_of(t, "remote"));
	assert_int_equal(q.facts[0].kind, SB_FACT_NETWORK);
	assert_int_equal(q.facts[0].i, SB_QB_NET_IP4 | SB_QB_NET_TCP);
	assert_int_equal(q.facts[0].len, strlen("127.0.0.1"));
	assert_memory_equal(q.facts[0].s, "127.0.0.1", q.facts[0].len);
	assert_int_equal(q.facts[0].port, 443);

	sb_qb_set_inet(&a, SB_QB_AF_INET6, SB_QB_TP_UDP, v6, -1);
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_socket_check_bind, 0, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "network-bind"));
	assert_int_equal(q.facts[0].filter, filter_of(t, "local"));
	assert_int_equal(q.facts[0].i, SB_QB_NET_IP6 | SB_QB_NET_UDP);
	assert_memory_equal(q.facts[0].s, "::1", 3);
	assert_int_equal(q.facts[0].port, -1);

	memset(&a, 0, sizeof a);
	a.family = SB_QB_AF_UNIX;
	a.path = "/var/run/x.sock";
	a.pathlen = (uint32_t)strlen(a.path);
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_socket_check_connect, 0, &a,
	    &q), 0);
	assert_int_equal(q.nfacts, 1);
	assert_int_equal(q.facts[0].filter, filter_of(t, "path"));

	memset(&a, 0, sizeof a);
	a.domain = 30;
	a.type = 2;
	a.protocol = -1;
	assert_int_equal(sb_qb_build(&qb, SB_HOOK_socket_check_create, 0, &a,
	    &q), 0);
	assert_int_equal(q.op, op_of(t, "system-socket"));
	assert_int_equal(q.nfacts, 2);
	assert_int_equal(q.facts[0].filter, filter_of(t, "socket-domain"));
	assert_int_equal(q.facts[0].i, 30);
	assert_int_equal(q.facts[1].filter, filter_of(t, "socket-type"));
	assert_int_equal(q.facts[1].i, 2);
}

static void
kext_query__ipv6_text__follows_rfc_5952(void **state)
{
	static const struct {
		uint8_t a[16];
		const char *text;
	} cases[] = {
		{ { 0 }, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		/* §4.2.2: one zero group is not shortened */
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 },
		  "2001:db8:0:1:1:1:1:1" },
		/* §4.2.3: the longest run; the first of equal runs */
		{ { 0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
		  "2001:0:0:1::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 },
		  "2001:db8::1:0:0:1" },
		/* §5: IPv4-mapped addresses */
		{ { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 }, "::ffff:192.0.2.1" },
		{ { 0xfe, 0x80, [15] = 0xab }, "fe80::ab" },
	};
	char out[SB_QB_HOST_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t n = sb_qb_format_ip6(cases[i].a, out);
		assert_string_equal(out, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
	}
	assert_int_equal(sb_qb_format_ip4((const uint8_t[]){ 10, 0, 255, 7 },
	    out), strlen("10.0.255.7"));
	assert_string_equal(out, "10.0.255.7");
}

/* --- built queries against the compiled profile ---------------------------- */

static const char prof_sb[] =
	"(version 1)\n"
	"(deny default)\n"
	"(allow file-read-data (subpath \"/usr/lib\"))\n"
	"(allow file-write-data (subpath \"/private/tmp\"))\n"
	"(deny file-write-data (vnode-type DIRECTORY))\n"
	"(allow network-outbound (remote tcp \"localhost:443\"))\n"
	"(allow signal (target children))\n"
	"(allow sysctl-read (sysctl-name \"kern.ostype\"))\n";

/* The query Q as compiler/match.c takes it. */
static struct sb_mresult
match(struct sb_matcher *m, const struct sb_query *q, struct sb_mfact *f)
{
	struct sb_mquery mq;
	struct sb_mresult r;
	unsigned i;

	for (i = 0; i < q->nfacts; i++) {
		memset(&f[i], 0, sizeof f[i]);
		f[i].filter = q->facts[i].filter;
		f[i].kind = q->facts[i].kind == SB_FACT_STRING ? SB_MF_STRING :
		    q->facts[i].kind == SB_FACT_NETWORK ? SB_MF_NETWORK :
		    SB_MF_INT;
		f[i].s = q->facts[i].s;
		f[i].len = q->facts[i].len;
		f[i].i = q->facts[i].i;
		f[i].port = q->facts[i].port;
	}
	memset(&mq, 0, sizeof mq);
	mq.op = q->op;
	mq.facts = f;
	mq.nfacts = q->nfacts;
	sb_match(m, &mq, &r);
	return r;
}

/* Build hook H's operation K from A, evaluate both ways, return the rule. */
static uint32_t
decide(const struct sb_qb *qb, const struct sb_bin *bin,
    struct sb_matcher *m, unsigned h, unsigned k, const struct sb_qb_args *a,
    int *deny)
{
	struct sb_query q;
	struct sb_scratch sc;
	struct sb_verdict v;
	struct sb_mfact f[SB_QUERY_MAX_FACTS];
	struct sb_mresult r;

	assert_int_equal(sb_qb_build(qb, h, k, a, &q), 0);
	assert_int_equal(sb_eval(bin, &q, &sc, &v), SB_EVAL_OK);
	r = match(m, &q, f);
	assert_int_equal(v.rule, r.rule);
	assert_int_equal(v.deny, r.decision == SB_DENY);
	*deny = v.deny;
	return v.rule;
}

static void
kext_query__built_queries__decide_as_the_rule_ir_does(void **state)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 }, far[4] = { 192, 0, 2,
		1 };
	struct sb_unit u;
	struct sb_bin bin;
	struct sb_arena arena;
	struct sb_matcher *m;
	struct sb_qb qb;
	struct sb_qb_args a;
	uint32_t deflt;
	int deny;

	(void)state;
	kx_compile(&u, prof_sb);
	kx_decode(&bin, &u);
	sb_arena_init(&arena);
	m = sb_matcher_new(&arena, u.profile);
	assert_int_equal(sb_qb_init(&qb, u.target), 0);
	deflt = kx_rule(&u, "default", SB_DENY);

	memset(&a, 0, sizeof a);
	a.path = "/usr/lib/libc.dylib";
	a.pathlen = (uint32_t)strlen(a.path);
	a.vtype = SB_QB_VREG;
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_vnode_check_open, 0, &a,
	    &deny), kx_rule(&u, "file-read-data", SB_ALLOW));
	assert_false(deny);
	/* the write half of open is another operation */
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_vnode_check_open, 1, &a,
	    &deny), deflt);
	assert_true(deny);
	a.path = "/private/tmp/d";
	a.pathlen = (uint32_t)strlen(a.path);
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_vnode_check_truncate, 0,
	    &a, &deny), kx_rule(&u, "file-write-data", SB_ALLOW));
	/* the later deny wins for directories: the vnode type decides */
	a.vtype = SB_QB_VDIR;
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_vnode_check_truncate, 0,
	    &a, &deny), kx_rule(&u, "file-write-data", SB_DENY));
	assert_true(deny);

	memset(&a, 0, sizeof a);
	sb_qb_set_inet(&a, SB_QB_AF_INET, SB_QB_TP_TCP, lo, 443);
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_socket_check_connect, 0,
	    &a, &deny), kx_rule(&u, "network-outbound", SB_ALLOW));
	sb_qb_set_inet(&a, SB_QB_AF_INET, SB_QB_TP_TCP, far, 443);
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_socket_check_connect, 0,
	    &a, &deny), deflt);

	memset(&a, 0, sizeof a);
	a.target = SB_QB_T_OTHERS | SB_QB_T_CHILDREN;
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_proc_check_signal, 0, &a,
	    &deny), kx_rule(&u, "signal", SB_ALLOW));
	a.target = SB_QB_T_OTHERS;
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_proc_check_signal, 0, &a,
	    &deny), deflt);

	memset(&a, 0, sizeof a);
	a.name = "kern.ostype";
	a.namelen = (uint32_t)strlen(a.name);
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_system_check_sysctlbyname,
	    0, &a, &deny), kx_rule(&u, "sysctl-read", SB_ALLOW));
	assert_int_equal(decide(&qb, &bin, m, SB_HOOK_system_check_sysctlbyname,
	    1, &a, &deny), deflt);
	sb_arena_free(&arena);
	sb_unit_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kext_query__every_row__names_operations_of_the_default_target),
		cmocka_unit_test(kext_query__a_target_without_operations__misses_every_name),
		cmocka_unit_test(kext_query__file_hooks__put_the_path_first_then_the_other_facts),
		cmocka_unit_test(kext_query__process_hooks__give_every_target_class_that_applies),
		cmocka_unit_test(kext_query__proc_info_calls__map_to_their_operations),
		cmocka_unit_test(kext_query__sockets__become_network_facts_or_unix_paths),
		cmocka_unit_test(kext_query__ipv6_text__follows_rfc_5952),
		cmocka_unit_test(kext_query__built_queries__decide_as_the_rule_ir_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
