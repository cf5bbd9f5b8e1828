/*
** synth: a coverage.db with synthetic counts for a profile, for the
** annotate round trips (COVERAGE.md §3.3, §3.4): one complete run whose
** counts are a function of the rule id, recorded through the writer API
** as sbpl-mirror records a real run.
**
**   synth DB [-D NAME=VALUE]... [-I DIR]... [--cpp] [--prelude F]... PROFILE
**
** Rule i decides h(i) accesses, where h(i) is 0 for every fifth rule;
** every third rule is also matched and overridden i times; of a hit rule
** with alternatives, the last alternative of every odd rule never matches.
** Every operation of the target is observable except mach-lookup, so the
** profiles that allow mach-lookup show unobservable rules too.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "coverage/covdb.h"
#include "kext/target.h"

static uint64_t
decided(uint32_t i)
{
	return i % 5 == 0 ? 0 : (uint64_t)(i * 37u % 1000u) + 1;
}

int
main(int argc, char **argv)
{
	struct sb_options o;
	struct sb_define defs[64];
	const char *incs[16], *inputs[16], *db_path, *obs[1024];
	struct sb_unit u;
	struct sb_covdb *db = NULL;
	struct sb_covprofile p;
	struct sb_covrun run;
	struct sb_covbatch b;
	struct sb_covhit *hits;
	struct sb_covarmhit *arms = NULL;
	uint32_t ninputs = 0, nobs = 0, narms = 0, i, k;
	int64_t pid, rid;
	char err[512];
	int a;

	memset(&o, 0, sizeof o);
	if (argc < 3) {
		fprintf(stderr, "usage: synth DB [options] PROFILE\n");
		return 2;
	}
	db_path = argv[1];
	for (a = 2; a < argc - 1; a++) {
		if (strcmp(argv[a], "-D") == 0 && a + 1 < argc - 1 &&
		    o.nparams < countof(defs)) {
			char *eq = strchr(argv[++a], '=');
			if (!eq)
				return 2;
			*eq = 0;
			defs[o.nparams].name = argv[a];
			defs[o.nparams++].value = eq + 1;
		} else if (strcmp(argv[a], "-I") == 0 && a + 1 < argc - 1 &&
		    o.nincdirs < countof(incs)) {
			incs[o.nincdirs++] = argv[++a];
		} else if (strcmp(argv[a], "--cpp") == 0) {
			o.cpp = 1;
		} else if (strcmp(argv[a], "--prelude") == 0 && a + 1 <
		    argc - 1 && ninputs < countof(inputs) - 1) {
			inputs[ninputs++] = argv[++a];
		} else {
			fprintf(stderr, "synth: unexpected '%s'\n", argv[a]);
			return 2;
		}
	}
	inputs[ninputs++] = argv[argc - 1];
	o.params = defs;
	o.incdirs = incs;
	if (sb_compile(&u, &o, inputs, ninputs, SB_STAGE_EMIT) < 0) {
		fprintf(stderr, "synth: %s does not compile\n", argv[argc - 1]);
		sb_unit_free(&u);
		return 1;
	}
	if (sb_covdb_open_unit(&db, &pid, db_path, SB_COVDB_CREATE |
	    SB_COVDB_SYNC_FULL, &u, &o, argv[argc - 1], 0, err,
	    sizeof err) < 0) {
		fprintf(stderr, "synth: %s\n", err);
		sb_unit_free(&u);
		return 2;
	}
	for (i = 0; i < u.target->op_count && nobs < countof(obs); i++)
		if (strcmp(u.target->ops[i].name, "mach-lookup") != 0)
			obs[nobs++] = u.target->ops[i].name;
	memset(&run, 0, sizeof run);
	run.profile_id = pid;
	run.source = "jsonl";
	run.label = "synthetic";
	run.observable = obs;
	run.nobservable = nobs;
	if (sb_covdb_run_begin(db, &run, &rid, NULL) < 0)
		goto dberr;

	/* the identity gives every rule's operations and alternatives */
	if (sb_cov_identity(&p, &u, &o, argv[argc - 1], NULL, err,
	    sizeof err) < 0) {
		fprintf(stderr, "synth: %s\n", err);
		return 2;
	}
	hits = xcalloc(p.nrules + 1, sizeof *hits);
	for (i = 1; i < p.nrules; i++) {
		const struct sb_covrule *r = &p.rules[i];
		const char *sp = strchr(r->operations, ' ');
		char *op = xmalloc(strlen(r->operations) + 1);
		memcpy(op, r->operations, sp ? (size_t)(sp - r->operations) :
		    strlen(r->operations) + 1);
		op[sp ? (size_t)(sp - r->operations) : strlen(r->operations)] = 0;
		hits[i - 1].rule = r->id;
		hits[i - 1].operation = op;
		hits[i - 1].decision = strcmp(r->action, "allow") == 0 ?
		    SB_DEC_ALLOW : SB_DEC_DENY;
		hits[i - 1].decided = decided(r->id);
		hits[i - 1].matched_overridden = r->id % 3 == 0 ? r->id : 0;
		hits[i - 1].first_ns = 1741111872000000000LL;
		hits[i - 1].last_ns = 1741111872000000000LL + r->id;
		if (r->narms >= 2 && decided(r->id)) {
			arms = xrealloc(arms, (narms + r->narms) * sizeof *arms);
			for (k = 0; k < r->narms; k++) {
				arms[narms].rule = r->id;
				arms[narms].arm = k;
				arms[narms++].matched = k + 1 == r->narms &&
				    r->id % 2 ? 0 : decided(r->id);
			}
		}
	}
	memset(&b, 0, sizeof b);
	b.hits = hits;
	b.nhits = p.nrules ? p.nrules - 1 : 0;
	b.arms = arms;
	b.narms = narms;
	for (i = 0; i < b.nhits; i++)
		b.accesses += hits[i].decided;
	if (sb_covdb_commit(db, rid, &b) != 0 ||
	    sb_covdb_run_end(db, rid, SB_RUN_COMPLETE, NULL, NULL) < 0)
		goto dberr;
	for (i = 0; i < b.nhits; i++)
		free((char *)hits[i].operation);
	free(hits);
	free(arms);
	sb_cov_identity_free(&p);
	sb_covdb_close(db);
	sb_unit_free(&u);
	return 0;
dberr:
	fprintf(stderr, "synth: %s\n", sb_covdb_errmsg(db));
	return 2;
}
