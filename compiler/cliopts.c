/*
** cliopts.c: the compile options every command shares (cliopts.h).
*/
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "compiler/cliopts.h"
#include "kext/target.h"

int
sb_cli_compile_option(struct sb_options *co, int c, const char *arg,
    void (*usage)(const char *fmt, ...))
{
	struct sb_define *d;
	const char **dirs;
	const char *eq;
	char *name;

	switch (c) {
	case 'D':
		if (!(eq = strchr(arg, '=')) || eq == arg)
			usage("-D needs NAME=VALUE, got '%s'", arg);
		name = xmalloc((size_t)(eq - arg) + 1);
		memcpy(name, arg, (size_t)(eq - arg));
		name[eq - arg] = 0;
		d = xrealloc((struct sb_define *)co->params, (co->nparams + 1) *
		    sizeof *d);
		d[co->nparams].name = name;
		d[co->nparams++].value = xstrdup(eq + 1);
		co->params = d;
		return 1;
	case 'I':
		dirs = xrealloc((const char **)co->incdirs, (co->nincdirs + 1) *
		    sizeof *dirs);
		dirs[co->nincdirs++] = xstrdup(arg);
		co->incdirs = dirs;
		return 1;
	case SB_OPT_TARGET:
		if (!(co->target = sb_target_find(arg, strlen(arg))))
			usage("unknown target '%s' (macos14)", arg);
		return 1;
	case SB_OPT_ENTITLEMENTS:
		co->entitlements = arg;
		return 1;
	case SB_OPT_CPP:
		co->cpp = 1;
		return 1;
	default:
		return 0;
	}
}

int
sb_cli_compile_given(const struct sb_options *co)
{
	return co->nparams || co->nincdirs || co->target ||
	    co->entitlements || co->cpp;
}

void
sb_cli_compile_free(struct sb_options *co)
{
	uint32_t i;

	for (i = 0; i < co->nparams; i++) {
		free((char *)co->params[i].name);
		free((char *)co->params[i].value);
	}
	for (i = 0; i < co->nincdirs; i++)
		free((char *)co->incdirs[i]);
	free((struct sb_define *)co->params);
	free((const char **)co->incdirs);
	co->params = NULL;
	co->incdirs = NULL;
	co->nparams = co->nincdirs = 0;
}
