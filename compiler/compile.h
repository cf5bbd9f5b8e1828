/*
** The driver every tool calls (DESIGN.md §2): sb_compile() reads the
** inputs, evaluates them as one program after the stub library, runs the
** finaliser, and builds the rule IR. Later stages (lowering, emission)
** are added here as they land; a tool asks for the stage it needs.
*/
#ifndef SB_COMPILER_COMPILE_H
#define SB_COMPILER_COMPILE_H

#include <stdint.h>

#include "common/ctx.h"
#include "parser/cst.h"

struct sb_graph;
struct sb_profile;
struct sb_target;

/* A -D NAME=VALUE parameter. */
struct sb_define {
	const char *name;
	const char *value;
};

struct sb_options {
	const struct sb_target *target;         /* NULL: the default target */
	const struct sb_define *params;         /* -D, later ones win */
	uint32_t nparams;
	const char *const *incdirs;             /* -I, in order */
	uint32_t nincdirs;
	const char *entitlements;               /* --entitlements FILE, or NULL */
	int cpp;                                /* --cpp: preprocess every input */
	const char *const *cppdefs;             /* --cpp-define */
	uint32_t ncppdefs;
	const char *stdin_name;                 /* name shown for "-" */
	int report_all;                         /* --report-all */
	uint64_t max_steps;                     /* 0: SB_LIMIT_EVAL_STEPS */
	int no_file_imports;                    /* only stdlib-sb/ (fuzzing) */
};

enum sb_stage {
	SB_STAGE_READ,          /* CSTs only */
	SB_STAGE_EVAL,          /* the rule IR */
	SB_STAGE_EMIT           /* the graph and the checked blob */
};

struct sb_unit {
	struct sb_ctx ctx;              /* arena, symbols, sources, diagnostics */
	struct sb_cst **files;          /* one CST per input file, in order */
	uint32_t nfiles;
	struct sb_profile *profile;     /* NULL when reading or evaluation failed */
	const struct sb_target *target;
	int io_error;                   /* an input could not be read (exit 2) */
	int internal_error;             /* our own output failed its check (exit 2) */
	struct sb_graph *graph;         /* SB_STAGE_EMIT: the lowered graph */
	uint8_t *blob;                  /* SB_STAGE_EMIT: the compiled bytes (malloc) */
	size_t bloblen;
	uint32_t *rule_map;             /* per blob node: rule id of a leaf, else 0 */
	uint32_t nnodes;
	uint8_t blob_sha256[32];        /* identity of blob */
};

/*
** Compile the NINPUTS files in INPUTS ("-" is standard input) as one
** program, in order, up to STAGE. Returns 0, or -1 after reporting to
** U->ctx.diag (or, for unreadable files, to stderr with U->io_error set).
** Free U with sb_unit_free() in either case.
*/
int sb_compile(struct sb_unit *u, const struct sb_options *o,
    const char *const *inputs, uint32_t ninputs, enum sb_stage stage);
void sb_unit_free(struct sb_unit *u);

#endif
