/*
** Turning an access's text into evaluator facts: which filter an
** operation's main argument is for, and how a filter's value is read
** from text (a named constant, a number, a boolean, a [PROTO:]HOST:PORT
** address, a string). sbpl-query reads its command line with it and
** attribution (coverage/attrib.c) reads accesses with it, so an import
** reads an access exactly as sbpl-query reads its arguments.
*/
#ifndef SB_COMPILER_FACTS_H
#define SB_COMPILER_FACTS_H

#include <stddef.h>

#include "compiler/match.h"

struct sb_target;
struct sb_unit;

/*
** The filter OP's main argument ARG is for: a path for file and
** process-exec operations, global-name for mach-lookup, sysctl-name,
** remote or local for network operations (path for a unix socket path),
** target for signal, ... ARG may be NULL.
*/
const char *sb_fact_mainfilter(const char *op, const char *arg);

/*
** Parse "[PROTO:]HOST:PORT" into a NETWORK fact (PROTO tcp when left out,
** HOST may be a bracketed or bare IPv6 address, PORT "*" is none).
** *PROTO_GIVEN says whether PROTO was written. Returns 0, or -1 when V
** has no port. F->s points into V.
*/
int sb_fact_network(struct sb_mfact *f, const char *v, int *proto_given);

/*
** Fill F for the filter NAME/NAMELEN of target T from the text V: a named
** value or number for integer filters, #t/true/1 for booleans, an address
** for network filters, the string itself otherwise (F->s points into V).
** Returns 0, or -1 with a message in *WHY ("unknown filter", ...).
*/
int sb_fact_make(const struct sb_target *t, struct sb_mfact *f,
    const char *name, size_t namelen, const char *v, const char **why);

/*
** The op-table slot of the operation NAME as the unit's own bindings
** resolve it (aliases such as process-exec), or the target's index; -1
** when there is none. An index >= op_count is a message-filter operation.
*/
int sb_fact_findop(struct sb_unit *u, const char *name);

#endif
