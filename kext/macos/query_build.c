/*
** query_build.c: hooks.def resolved against a target, and hook
** arguments turned into struct sb_query facts (query_build.h). What a
** fact means to each filter kind is kext/query.h's business; what the
** hook extracts from xnu's objects is mirror_kext.c's.
*/
#include "kext/macos/query_build.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

static const struct sb_hook_info hooks[] = {
#define HOOK(name, operations, builder) { #name, operations, builder },
#include "kext/macos/hooks.def"
};

_Static_assert(countof(hooks) == SB_HOOK_COUNT, "hooks.def rows");

/* ORDER: enum sb_qb_vtype. */
static const char *const vtype_names[SB_QB_VCOUNT] = {
	NULL, "REGULAR-FILE", "DIRECTORY", "BLOCK-DEVICE", "CHARACTER-DEVICE",
	"SYMLINK", "SOCKET", "FIFO", "TTY",
};

/* ORDER: enum sb_qb_target bits. */
static const char *const target_names[SB_QB_T_COUNT] = {
	"self", "pgrp", "others", "children", "same-sandbox", "initproc",
};

const struct sb_hook_info *
sb_hook_info(unsigned h)
{
	return h < SB_HOOK_COUNT ? &hooks[h] : NULL;
}

static uint32_t
cstrlen(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* The base filter id named NAME in T, or 0 when T lacks it. */
static uint8_t
filter_id(const struct sb_target *t, const char *name)
{
	int id = sb_target_filter_find(t, name, cstrlen(name));

	return id > 0 && id < SB_BIN_FILTER_ALT ? (uint8_t)id : 0;
}

/* The value named NAME of filter ID in T, or UINT32_MAX. */
static uint32_t
value_of(const struct sb_target *t, uint8_t id, const char *name)
{
	const struct sb_value_info *v;
	unsigned n, i;
	uint32_t len = cstrlen(name);

	if (!id)
		return UINT32_MAX;
	v = sb_target_filter_values(t, id, &n);
	for (i = 0; v && i < n; i++)
		if (cstrlen(v[i].name) == len && memcmp(v[i].name, name, len) == 0)
			return v[i].value;
	return UINT32_MAX;
}

/* Add SLOT to the column list unless it is there; -1 when it is full. */
static int
add_column(struct sb_qb *qb, uint16_t slot)
{
	for (uint32_t i = 0; i < qb->ncolumns; i++)
		if (qb->columns[i] == slot)
			return 0;
	if (qb->ncolumns == SB_QB_MAX_COLUMNS)
		return -1;
	qb->columns[qb->ncolumns++] = slot;
	return 0;
}

/* Resolve the space-separated operation names of row H. */
static int
resolve_row(struct sb_qb *qb, unsigned h)
{
	const struct sb_target *t = qb->target;
	const char *p = hooks[h].operations;

	while (*p) {
		const char *end;
		int op;

		if (*p == ' ') {
			p++;
			continue;
		}
		for (end = p; *end && *end != ' '; end++)
			;
		if (qb->nops[h] == SB_QB_MAX_OPS)
			return -1;
		op = sb_target_op_find(t, p, (size_t)(end - p));
		if (op < 0 || (unsigned)op >= t->op_count) {
			/* absent, or a message-filter operation: no slot */
			qb->slot[h][qb->nops[h]++] = SB_NONE;
			qb->missing++;
		} else {
			qb->slot[h][qb->nops[h]++] = (uint16_t)op;
			if (add_column(qb, (uint16_t)op) < 0)
				return -1;
		}
		p = end;
	}
	return 0;
}

int
sb_qb_init(struct sb_qb *qb, const struct sb_target *t)
{
	unsigned h, i;

	memset(qb, 0, sizeof *qb);
	qb->target = t;
	for (h = 0; h < SB_HOOK_COUNT; h++)
		if (resolve_row(qb, h) < 0)
			return -1;
	qb->f_path = filter_id(t, "path");
	qb->f_vtype = filter_id(t, "vnode-type");
	qb->f_xattr = filter_id(t, "xattr");
	qb->f_ioctl = filter_id(t, "ioctl-command");
	qb->f_fsctl = filter_id(t, "fsctl-command");
	qb->f_fsname = filter_id(t, "filesystem-name");
	qb->f_target = filter_id(t, "target");
	qb->f_signal = filter_id(t, "signal-number");
	qb->f_local = filter_id(t, "local");
	qb->f_remote = filter_id(t, "remote");
	qb->f_domain = filter_id(t, "socket-domain");
	qb->f_type = filter_id(t, "socket-type");
	qb->f_protocol = filter_id(t, "socket-protocol");
	qb->f_sysctl = filter_id(t, "sysctl-name");
	qb->f_ipc = filter_id(t, "ipc-posix-name");
	qb->f_uctype = filter_id(t, "iokit-user-client-type");
	qb->f_property = filter_id(t, "iokit-property");
	qb->vtype[SB_QB_VNONE] = UINT32_MAX;
	for (i = 1; i < SB_QB_VCOUNT; i++)
		qb->vtype[i] = value_of(t, qb->f_vtype, vtype_names[i]);
	for (i = 0; i < SB_QB_T_COUNT; i++)
		qb->tclass[i] = value_of(t, qb->f_target, target_names[i]);
	if (!qb->f_path)
		return -1;
	return (int)qb->missing;
}

uint16_t
sb_qb_slot(const struct sb_qb *qb, unsigned h, unsigned k)
{
	if (h >= SB_HOOK_COUNT || k >= qb->nops[h])
		return SB_NONE;
	return qb->slot[h][k];
}

/* --- facts ---------------------------------------------------------------- */

/* A new fact of KIND for FILTER, or NULL: filter absent, query full. */
static struct sb_fact *
add(struct sb_query *q, uint8_t filter, enum sb_fact_kind kind)
{
	struct sb_fact *f;

	if (!filter || q->nfacts >= SB_QUERY_MAX_FACTS)
		return NULL;
	f = &q->facts[q->nfacts++];
	memset(f, 0, sizeof *f);
	f->filter = filter;
	f->kind = (uint8_t)kind;
	f->port = -1;
	return f;
}

static void
add_string(struct sb_query *q, uint8_t filter, const char *s, uint32_t len)
{
	struct sb_fact *f;

	if (s && (f = add(q, filter, SB_FACT_STRING))) {
		f->s = s;
		f->len = len;
	}
}

static void
add_int(struct sb_query *q, uint8_t filter, uint32_t v)
{
	struct sb_fact *f = add(q, filter, SB_FACT_INT);

	if (f)
		f->i = v;
}

static void
add_vtype(const struct sb_qb *qb, struct sb_query *q, uint8_t vt)
{
	if (vt > SB_QB_VNONE && vt < SB_QB_VCOUNT &&
	    qb->vtype[vt] != UINT32_MAX)
		add_int(q, qb->f_vtype, qb->vtype[vt]);
}

static void
add_targets(const struct sb_qb *qb, struct sb_query *q, uint32_t bits)
{
	for (unsigned i = 0; i < SB_QB_T_COUNT; i++)
		if ((bits & 1u << i) && qb->tclass[i] != UINT32_MAX)
			add_int(q, qb->f_target, qb->tclass[i]);
}

/* A socket address: a path for unix sockets, else a network fact. */
static void
add_address(const struct sb_qb *qb, struct sb_query *q, uint8_t filter,
            const struct sb_qb_args *a)
{
	struct sb_fact *f;
	uint32_t bits = 0;

	if (a->family == SB_QB_AF_UNIX) {
		add_string(q, qb->f_path, a->path, a->pathlen);
		return;
	}
	if (a->family == SB_QB_AF_INET)
		bits = SB_QB_NET_IP4;
	else if (a->family == SB_QB_AF_INET6)
		bits = SB_QB_NET_IP6;
	else
		return;
	if (a->transport == SB_QB_TP_TCP)
		bits |= SB_QB_NET_TCP;
	else if (a->transport == SB_QB_TP_UDP)
		bits |= SB_QB_NET_UDP;
	if (!(f = add(q, filter, SB_FACT_NETWORK)))
		return;
	f->i = bits;
	f->s = a->hostlen ? a->host : NULL;
	f->len = a->hostlen;
	f->port = a->port;
}

int
sb_qb_build(const struct sb_qb *qb, unsigned h, unsigned k,
            const struct sb_qb_args *a, struct sb_query *q)
{
	uint16_t slot = sb_qb_slot(qb, h, k);

	if (slot == SB_NONE)
		return -1;
	memset(q, 0, sizeof *q);
	q->op = slot;
	switch (hooks[h].kind) {
	case SB_QB_NONE:
		break;
	case SB_QB_PATH:
	case SB_QB_XATTR:
	case SB_QB_IOCTL:
		add_string(q, qb->f_path, a->path, a->pathlen);
		add_vtype(qb, q, a->vtype);
		if (hooks[h].kind == SB_QB_XATTR)
			add_string(q, qb->f_xattr, a->name, a->namelen);
		if (hooks[h].kind == SB_QB_IOCTL && a->has_number)
			add_int(q, qb->f_ioctl, a->number);
		break;
	case SB_QB_MOUNT:
		add_string(q, qb->f_path, a->path, a->pathlen);
		add_string(q, qb->f_fsname, a->name, a->namelen);
		break;
	case SB_QB_FSCTL:
		add_string(q, qb->f_path, a->path, a->pathlen);
		if (a->has_number)
			add_int(q, qb->f_fsctl, a->number);
		break;
	case SB_QB_SIGNAL:
	case SB_QB_TARGET:
		add_targets(qb, q, a->target);
		if (hooks[h].kind == SB_QB_SIGNAL && a->has_number)
			add_int(q, qb->f_signal, a->number);
		break;
	case SB_QB_REMOTE:
		add_address(qb, q, qb->f_remote, a);
		break;
	case SB_QB_LOCAL:
		add_address(qb, q, qb->f_local, a);
		break;
	case SB_QB_SOCKET:
		if (a->domain >= 0)
			add_int(q, qb->f_domain, (uint32_t)a->domain);
		if (a->type >= 0)
			add_int(q, qb->f_type, (uint32_t)a->type);
		if (a->protocol >= 0)
			add_int(q, qb->f_protocol, (uint32_t)a->protocol);
		break;
	case SB_QB_SYSCTL:
		add_string(q, qb->f_sysctl, a->name, a->namelen);
		break;
	case SB_QB_IPC:
		add_string(q, qb->f_ipc, a->name, a->namelen);
		break;
	case SB_QB_IOKIT:
		if (a->has_number)
			add_int(q, qb->f_uctype, a->number);
		break;
	case SB_QB_PROPERTY:
		add_string(q, qb->f_property, a->name, a->namelen);
		break;
	}
	return 0;
}

/* --- addresses as text ---------------------------------------------------- */

/* Append V in decimal at OUT + N; the new length. */
static uint32_t
put_dec(char *out, uint32_t n, uint32_t v)
{
	char tmp[10];
	uint32_t k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		out[n++] = tmp[--k];
	return n;
}

/* Append V in lower-case hex without leading zeros. */
static uint32_t
put_hex(char *out, uint32_t n, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[8];
	uint32_t k = 0;

	do {
		tmp[k++] = digits[v & 15];
		v >>= 4;
	} while (v);
	while (k)
		out[n++] = tmp[--k];
	return n;
}

uint32_t
sb_qb_format_ip4(const uint8_t a[4], char *out)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < 4; i++) {
		if (i)
			out[n++] = '.';
		n = put_dec(out, n, a[i]);
	}
	out[n] = 0;
	return n;
}

/* RFC 5952 §4: the longest run of zero groups, two or more, the first of equals. */
static void
zero_run(const uint16_t g[8], int *start, int *len)
{
	int i = 0;

	*start = -1;
	*len = 0;
	while (i < 8) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i >= 2 && j - i > *len) {
			*start = i;
			*len = j - i;
		}
		i = j > i ? j : i + 1;
	}
}

uint32_t
sb_qb_format_ip6(const uint8_t a[16], char *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	uint16_t g[8];
	uint32_t n = 0;
	int start, len, i;

	if (memcmp(a, mapped, sizeof mapped) == 0) {
		memcpy(out, "::ffff:", 7);
		return 7 + sb_qb_format_ip4(a + 12, out + 7);
	}
	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	zero_run(g, &start, &len);
	for (i = 0; i < 8; i++) {
		if (i == start) {
			out[n++] = ':';
			out[n++] = ':';
			i += len - 1;
			continue;
		}
		if (i && i != start + len)
			out[n++] = ':';
		n = put_hex(out, n, g[i]);
	}
	out[n] = 0;
	return n;
}

void
sb_qb_set_inet(struct sb_qb_args *a, enum sb_qb_family family,
               enum sb_qb_transport transport, const uint8_t *addr,
               int32_t port)
{
	a->family = (uint8_t)family;
	a->transport = (uint8_t)transport;
	a->port = port >= 0 && port <= 65535 ? port : -1;
	a->hostlen = 0;
	a->host[0] = 0;
	if (family == SB_QB_AF_INET && addr)
		a->hostlen = sb_qb_format_ip4(addr, a->host);
	else if (family == SB_QB_AF_INET6 && addr)
		a->hostlen = sb_qb_format_ip6(addr, a->host);
}

/*
** proc_info(2) call numbers (xnu's PROC_INFO_CALL_*, a private header)
** in the order of hooks.def's proc_check_proc_info row. ORDER: that row.
*/
int
sb_qb_proc_info_op(int callnum)
{
	static const int calls[] = {
		0x1,    /* LISTPIDS: process-info-listpids */
		0x2,    /* PIDINFO: process-info-pidinfo */
		0x3,    /* PIDFDINFO: process-info-pidfdinfo */
		0x5,    /* SETCONTROL: process-info-setcontrol */
		0x6,    /* PIDFILEPORTINFO: process-info-pidfileportinfo */
		0x8,    /* DIRTYCONTROL: process-info-dirtycontrol */
		0x9,    /* PIDRUSAGE: process-info-rusage */
	};

	for (unsigned i = 0; i < countof(calls); i++)
		if (calls[i] == callnum)
			return (int)i;
	return -1;
}
