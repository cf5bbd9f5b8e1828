/*
** facts.c: access text into evaluator facts (compiler/facts.h), shared
** by sbpl-query's command line and coverage attribution.
*/
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/facts.h"
#include "kext/target.h"

const char *
sb_fact_mainfilter(const char *op, const char *arg)
{
	static const struct {
		const char *prefix;
		const char *filter;
	} map[] = {
		{ "mach-lookup", "global-name" },
		{ "mach-register", "global-name" },
		{ "mach-cross-domain-lookup", "global-name" },
		{ "sysctl", "sysctl-name" },
		{ "iokit-open", "iokit-registry-entry-class" },
		{ "iokit-get-properties", "iokit-property" },
		{ "iokit-set-properties", "iokit-property" },
		{ "user-preference", "preference-domain" },
		{ "managed-preference", "preference-domain" },
		{ "ipc-posix", "ipc-posix-name" },
		{ "network-outbound", "remote" },
		{ "network-inbound", "local" },
		{ "network-bind", "local" },
		{ "network", "remote" },
		{ "signal", "target" },
		{ "process-info", "target" },
		{ "mach-task", "target" },
		{ "mach-priv-task-port", "target" },
		{ "appleevent-send", "appleevent-destination" },
		{ "darwin-notification-post", "notification-name" },
		{ "distributed-notification-post", "notification-name" },
		{ "nvram", "nvram-variable" },
		{ "syscall-unix", "syscall-number" },
		{ "syscall-mach", "machtrap-number" },
		{ "system-fsctl", "fsctl-command" },
		{ "file-ioctl", "ioctl-command" },
		{ "authorization-right-obtain", "right-name" },
		{ "system-privilege", "privilege-id" },
		{ "boot-arg-set", "boot-arg" },
		{ "system-kext", "kext-bundle-id" },
	};
	size_t i;

	if (strstr(op, "issue-extension"))
		return "extension-class";
	if (strncmp(op, "network", 7) == 0 && arg && arg[0] == '/')
		return "path";
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strncmp(op, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].filter;
	return "path";
}

static const struct {
	const char *name;
	int64_t bits;
} protos[] = {
	{ "ip4", 1 }, { "ip6", 2 }, { "ip", 1 }, { "tcp4", 5 }, { "tcp6", 6 },
	{ "tcp", 5 }, { "udp4", 9 }, { "udp6", 10 }, { "udp", 9 },
};

int
sb_fact_network(struct sb_mfact *f, const char *v, int *proto_given)
{
	const char *colon, *rest = v, *port;
	size_t i;

	memset(f, 0, sizeof *f);
	f->kind = SB_MF_NETWORK;
	f->i = 5;
	*proto_given = 0;
	colon = strchr(v, ':');
	for (i = 0; colon && i < sizeof protos / sizeof protos[0]; i++)
		if ((size_t)(colon - v) == strlen(protos[i].name) &&
		    strncmp(v, protos[i].name, strlen(protos[i].name)) == 0) {
			f->i = protos[i].bits;
			rest = colon + 1;
			*proto_given = 1;
			break;
		}
	port = strrchr(rest, ':');
	if (!port)
		return -1;
	f->s = rest;
	f->len = (uint32_t)(port - rest);
	/* "[::1]:80": the host without its brackets */
	if (f->len >= 2 && rest[0] == '[' && rest[f->len - 1] == ']') {
		f->s++;
		f->len -= 2;
	}
	f->port = strcmp(port + 1, "*") == 0 ? -1 : strtoll(port + 1, NULL, 10);
	return 0;
}

int
sb_fact_make(const struct sb_target *t, struct sb_mfact *f, const char *name,
    size_t namelen, const char *v, const char **why)
{
	int id = sb_target_filter_find(t, name, namelen);
	const struct sb_value_info *vals;
	unsigned nv, i;
	char *end;
	int given;

	if (id < 0) {
		*why = "unknown filter";
		return -1;
	}
	memset(f, 0, sizeof *f);
	f->filter = (uint16_t)id;
	switch (t->filters[id].argkind) {
	case SB_ARG_NETWORK:
		if (sb_fact_network(f, v, &given) < 0) {
			*why = "not an address: write [PROTO:]HOST:PORT";
			return -1;
		}
		f->filter = (uint16_t)id;
		return 0;
	case SB_ARG_INT:
	case SB_ARG_BITFIELD:
		f->kind = SB_MF_INT;
		vals = sb_target_filter_values(t, (unsigned)id, &nv);
		for (i = 0; i < nv; i++)
			if (strcmp(vals[i].name, v) == 0) {
				f->i = vals[i].value;
				return 0;
			}
		f->i = strtoll(v, &end, 0);
		if (*v && !*end)
			return 0;
		/* a filter without named values takes any constant, as the
		** profile's own (socket-protocol IPPROTO_TCP) does */
		if (nv == 0)
			for (i = 0; i < t->filter_value_count; i++)
				if (strcmp(t->filter_values[i].name, v) == 0) {
					f->i = t->filter_values[i].value;
					return 0;
				}
		*why = "not a number or a named value of the filter";
		return -1;
	case SB_ARG_BOOL:
		f->kind = SB_MF_BOOL;
		f->i = strcmp(v, "#t") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0;
		return 0;
	default:
		f->kind = SB_MF_STRING;
		f->s = v;
		f->len = (uint32_t)strlen(v);
		return 0;
	}
}

int
sb_fact_findop(struct sb_unit *u, const char *name)
{
	struct sb_sym *s = sb_intern_find(&u->ctx.syms, name, strlen(name));
	struct sb_binding *b = s ? s->global : NULL;

	if (b && b->val && b->val->kind == SB_V_OP)
		return b->val->u.op;
	return sb_target_op_find(u->target, name, strlen(name));
}
