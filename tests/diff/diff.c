/*
** Differential soundness (issue C, DESIGN.md §13.5): compile a profile,
** decode the blob, and ask the reference evaluator on the rule IR
** (compiler/match.c) and the graph evaluator on the bytes (kext/eval.c)
** the same generated queries; they must agree on the decision and the
** deciding rule. Queries use strings built from the profile's own
** literals, prefixes, subpaths and regex samples, each also perturbed
** (one character more or less, a sibling, a parent, a child, a case
** change), for every filter the profile tests at once, on operations that
** have rules and on others.
** It also checks that decoding the blob and encoding it again gives the
** same bytes.
** With -d the blob is decompiled, the SBPL compiled again, and the same
** queries asked of both blobs. With -b OTHER.bin the same queries are also asked of OTHER (a blob
** decompiled and compiled again), which must decide as the first does.
** Usage: diff [-n QUERIES] [-b OTHER.bin] [sbplc options] FILE...   (exit 1 on a
** disagreement, printing the smallest failing query found)
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "compiler/compile.h"
#include "compiler/decompile.h"
#include "compiler/emit.h"
#include "compiler/graph.h"
#include "compiler/match.h"
#include "compiler/profile.h"
#include "compiler/regex.h"
#include "kext/bin.h"
#include "kext/eval.h"
#include "kext/query.h"
#include "kext/target.h"

#define MAXPOOL 4096

/* Values seen for one filter. */
struct pool {
	const char **s;                 /* strings (owned) */
	uint32_t ns;
	int64_t *i;                     /* integers */
	uint32_t ni;
	uint32_t nnet;                  /* network tests seen */
	int used;
};

static uint64_t seed = 0x243f6a8885a308d3ull;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void
addstr(struct pool *p, const char *s, size_t n)
{
	char *c;

	if (p->ns >= MAXPOOL || n > 1000)
		return;
	c = xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = 0;
	p->s = xrealloc(p->s, (p->ns + 1) * sizeof *p->s);
	p->s[p->ns++] = c;
}

static void
addint(struct pool *p, int64_t v)
{
	p->i = xrealloc(p->i, (p->ni + 1) * sizeof *p->i);
	p->i[p->ni++] = v;
}

/* A string the regex program accepts, by a random walk. */
static void
sample(struct pool *p, const struct sb_regex *r)
{
	char out[256];
	uint32_t pc = 0, steps = 0, n = 0;

	while (pc < r->n && steps++ < 300 && n + 1 < sizeof out) {
		const struct sb_rx_inst *in = &r->prog[pc];
		switch (in->op) {
		case SB_RX_CHAR: out[n++] = (char)in->c; pc++; break;
		case SB_RX_ANY: out[n++] = (char)('a' + rnd() % 26); pc++; break;
		case SB_RX_CLASS:
			if (in->nranges) {
				unsigned k = (unsigned)(rnd() % in->nranges);
				unsigned lo = in->ranges[2 * k];
				unsigned hi = in->ranges[2 * k + 1];
				unsigned c = lo + (unsigned)(rnd() % (hi - lo + 1));
				out[n++] = (char)(c ? c : 'a');
			}
			pc++;
			break;
		case SB_RX_SPLIT: pc = rnd() % 3 ? pc + 1 : in->x; break;
		case SB_RX_JMP: pc = in->x; break;
		case SB_RX_MATCH: pc = r->n; break;
		default: pc++; break;
		}
	}
	addstr(p, out, n);
}

static void
collect(struct pool *pools, const struct sb_filter *f)
{
	uint32_t i;
	struct pool *p;

	if (!f)
		return;
	if (f->kind != SB_F_TEST) {
		for (i = 0; i < f->nkids; i++)
			collect(pools, f->kids[i]);
		return;
	}
	p = &pools[f->filter];
	p->used = 1;
	switch (f->arg.kind) {
	case SB_FA_STRING:
		if (f->pat == SB_PAT_REGEX && f->rx) {
			sample(p, f->rx);
			sample(p, f->rx);
			sample(p, f->rx);
		} else {
			addstr(p, f->arg.s, f->arg.len);
		}
		break;
	case SB_FA_INT:
	case SB_FA_BOOL:
		addint(p, f->arg.i);
		break;
	case SB_FA_NETWORK:
		p->nnet++;
		break;
	default:
		break;
	}
}

/* Variables: every ${NAME} gets /Users/vartest/NAME. */
#define MAXVARS 32
struct vars {
	char names[MAXVARS][64];
	char values[MAXVARS][96];       /* "/Users/vartest/" + name */
	struct sb_mvar m[MAXVARS];
	struct sb_qvar q[MAXVARS];
	struct sb_qstr qv[MAXVARS];
	uint32_t n;
};

static void
findvars(struct vars *v, const char *s)
{
	const char *p, *close;
	uint32_t i;

	for (p = s; (p = strstr(p, "${")) && (close = strchr(p, '}')); p = close) {
		size_t n = (size_t)(close - p - 2);
		if (n == 0 || n >= sizeof v->names[0] || v->n == MAXVARS)
			continue;
		for (i = 0; i < v->n; i++)
			if (strlen(v->names[i]) == n &&
			    memcmp(v->names[i], p + 2, n) == 0)
				break;
		if (i < v->n)
			continue;
		memcpy(v->names[v->n], p + 2, n);
		v->names[v->n][n] = 0;
		memcpy(v->values[v->n], "/Users/vartest/", 15);
		memcpy(v->values[v->n] + 15, p + 2, n);
		v->values[v->n][15 + n] = 0;
		v->n++;
	}
}

/* Replace each ${NAME} in S with its value into OUT. */
static void
expandvars(const struct vars *v, const char *s, char *out, size_t size)
{
	size_t k = 0;
	uint32_t i;

	while (*s && k + 1 < size) {
		const char *close;
		if (s[0] == '$' && s[1] == '{' && (close = strchr(s, '}'))) {
			for (i = 0; i < v->n; i++)
				if (strlen(v->names[i]) == (size_t)(close - s - 2) &&
				    memcmp(v->names[i], s + 2, (size_t)(close -
				    s - 2)) == 0)
					break;
			if (i < v->n) {
				k += (size_t)snprintf(out + k, size - k, "%s",
				    v->values[i]);
				if (k >= size)
					k = size - 1;
				s = close + 1;
				continue;
			}
		}
		out[k++] = *s++;
	}
	out[k] = 0;
}

/* A perturbed copy of S into OUT (DESIGN.md §13.5's mutations). */
static void
perturb(const char *s, char *out, size_t size)
{
	size_t n = strlen(s);
	const char *slash;

	if (n + 8 >= size)
		n = size - 8;
	switch (rnd() % 9) {
	case 0: snprintf(out, size, "%.*s", (int)n, s); break;
	case 1: snprintf(out, size, "%.*sx", (int)n, s); break;
	case 2: snprintf(out, size, "%.*s", (int)(n ? n - 1 : 0), s); break;
	case 3: snprintf(out, size, "%.*s/child", (int)n, s); break;
	case 4: snprintf(out, size, "%.*s/", (int)n, s); break;
	case 5:
		slash = memchr(s, '/', n) ? strrchr(s, '/') : NULL;
		snprintf(out, size, "%.*s", (int)(slash ? slash - s : 0), s);
		break;
	case 6:
		slash = strrchr(s, '/');
		snprintf(out, size, "%.*s/sibling", (int)(slash ? slash - s : 0),
		    s);
		break;
	case 7:
		snprintf(out, size, "%.*s", (int)n, s);
		if (n) {
			size_t k = (size_t)(rnd() % n);
			if (out[k] >= 'a' && out[k] <= 'z')
				out[k] = (char)(out[k] - 'a' + 'A');
			else if (out[k] >= 'A' && out[k] <= 'Z')
				out[k] = (char)(out[k] - 'A' + 'a');
		}
		break;
	default:
		snprintf(out, size, "%.*s%c", (int)n, s, 'a' + (int)(rnd() % 26));
		break;
	}
}

static const char *const hosts[] = { "localhost", "127.0.0.1", "::1",
	"example.com" };
static const int64_t protos[] = { 5, 6, 9, 10, 1, 2 };
static const int32_t ports[] = { 0, 22, 53, 80, 443, 8080, 62078 };

int
main(int argc, char **argv)
{
	struct sb_options o;
	struct sb_define params[64];
	const char *incdirs[16];
	struct sb_unit u;
	struct sb_bin bin;
	struct sb_decode_opts dopts;
	struct sb_decode_error derr;
	struct sb_matcher *m;
	struct pool *pools;
	struct vars vars;
	struct sb_scratch *scratch = xmalloc(sizeof *scratch);
	unsigned long nqueries = 10000, q, bad = 0;
	const char *other = NULL;       /* -b: a second blob to compare */
	int decomp = 0;                 /* -d: compare with the decompiled profile */
	struct sb_unit *ounit = NULL;
	const char *toolarge = NULL;    /* why the decompiled copy was not compared */
	struct sb_bin obin;
	char *obytes = NULL;
	uint8_t *hit;
	uint32_t nhit = 0;
	uint32_t i, nslots;
	uint16_t *slots;
	int c;
	char *eq;

	memset(&o, 0, sizeof o);
	memset(&vars, 0, sizeof vars);
	while ((c = getopt(argc, argv, "n:D:I:cb:d")) != -1) {
		switch (c) {
		case 'd': decomp = 1; break;
		case 'b': other = optarg; break;
		case 'n': nqueries = strtoul(optarg, NULL, 10); break;
		case 'c': o.cpp = 1; break;
		case 'D':
			if ((eq = strchr(optarg, '=')) && o.nparams < 64) {
				*eq = 0;
				params[o.nparams].name = optarg;
				params[o.nparams++].value = eq + 1;
			}
			break;
		case 'I':
			if (o.nincdirs < 16)
				incdirs[o.nincdirs++] = optarg;
			break;
		default:
			return 2;
		}
	}
	o.params = params;
	o.incdirs = incdirs;
	if (sb_compile(&u, &o, (const char *const *)argv + optind,
	    (uint32_t)(argc - optind), SB_STAGE_EMIT) < 0) {
		sb_diag_render(&u.ctx.diag, stderr, SB_DIAG_TEXT, 0);
		printf("diff: the profile does not compile\n");
		return 2;
	}
	memset(&dopts, 0, sizeof dopts);
	dopts.target = u.target;
	dopts.rule_map = u.rule_map;
	dopts.rule_map_len = u.nnodes;
	dopts.nrules = u.profile->nrules;
	if (sb_decode(&bin, u.blob, u.bloblen, &dopts, &derr) < 0) {
		printf("diff: our blob does not decode: %s\n", derr.msg);
		return 1;
	}
	/* decoding the output and encoding it again gives the same bytes,
	** both re-emitted from the graph and with every offset preserved */
	for (i = 0; i < 2; i++) {
		struct sb_blob again = SB_BLOB_INIT;
		struct sb_graph *g = sb_lift(&u.ctx.arena, &bin, (int)i, NULL);
		if (!g || sb_emit(g, i ? SB_EMIT_PRESERVE : SB_EMIT_COMPACT,
		    &again, NULL) < 0 || again.bytes.len != u.bloblen ||
		    memcmp(again.bytes.data, u.blob, u.bloblen) != 0) {
			printf("diff: decoding and re-encoding (%s) does not give "
			    "the same bytes\n", i ? "preserving" : "compact");
			return 1;
		}
		sb_blob_free(&again);
	}
	if (decomp) {
		/* --decompile the blob, compile that text, compare the two; a
		** profile too large for the decompiler (or whose decompiled
		** text is too large for the format) is reported, not compared */
		char path[] = "/tmp/sbpl_decompiled_XXXXXX";
		int fd = mkstemp(path);
		FILE *df = fd >= 0 ? fdopen(fd, "w") : NULL;
		struct sb_diag quiet;
		struct sb_options oo;
		const char *in = path;
		struct sb_graph *lg = sb_lift(&u.ctx.arena, &bin, 0, NULL);
		int dr;

		sb_diag_init(&quiet, &u.ctx.sources);
		dr = df && lg ? sb_decompile(lg, df, &quiet) : -1;
		if (df)
			fclose(df);
		memset(&oo, 0, sizeof oo);
		ounit = xmalloc(sizeof *ounit);
		if (dr < 0) {
			toolarge = "the decompiler refused it as too large";
		} else if (sb_compile(ounit, &oo, &in, 1, SB_STAGE_EMIT) < 0) {
			if (sb_diag_count(&ounit->ctx.diag, SB_ERROR) &&
			    strstr(ounit->ctx.diag.recs[0].msg, "the format "
			    "allows")) {
				toolarge = "its decompiled text needs more nodes "
				    "than the format allows";
			} else {
				sb_diag_render(&ounit->ctx.diag, stderr,
				    SB_DIAG_TEXT, 0);
				printf("diff: the decompiled profile (%s) does not "
				    "compile\n", path);
				return 1;
			}
		} else {
			memset(&dopts, 0, sizeof dopts);
			dopts.target = u.target;
			if (sb_decode(&obin, ounit->blob, ounit->bloblen, &dopts,
			    &derr) < 0)
				return 1;
			other = "the decompiled profile";
		}
		if (!other) {
			sb_unit_free(ounit);
			free(ounit);
			ounit = NULL;
		}
		sb_diag_free(&quiet);
		unlink(path);
	} else if (other) {
		FILE *bf = fopen(other, "rb");
		long blen;
		struct sb_decode_opts oo;
		if (!bf) {
			printf("diff: cannot read %s\n", other);
			return 2;
		}
		fseek(bf, 0, SEEK_END);
		blen = ftell(bf);
		fseek(bf, 0, SEEK_SET);
		obytes = xmalloc((size_t)blen + 1);
		if (fread(obytes, 1, (size_t)blen, bf) != (size_t)blen)
			return 2;
		fclose(bf);
		memset(&oo, 0, sizeof oo);
		oo.target = u.target;
		if (sb_decode(&obin, obytes, (size_t)blen, &oo, &derr) < 0) {
			printf("diff: %s does not decode: %s\n", other, derr.msg);
			return 1;
		}
	}
	pools = xcalloc(u.target->filter_count, sizeof *pools);
	for (i = 0; i < u.profile->nrules; i++)
		collect(pools, u.profile->rules[i]->filter);
	for (i = 0; i < u.target->filter_count; i++) {
		uint32_t k;
		for (k = 0; k < pools[i].ns; k++)
			findvars(&vars, pools[i].s[k]);
	}
	for (i = 0; i < vars.n; i++) {
		vars.m[i].name = vars.names[i];
		vars.m[i].value = vars.values[i];
		vars.qv[i].s = vars.values[i];
		vars.qv[i].len = (uint32_t)strlen(vars.values[i]);
		vars.q[i].name.s = vars.names[i];
		vars.q[i].name.len = (uint32_t)strlen(vars.names[i]);
		vars.q[i].values = &vars.qv[i];
		vars.q[i].nvalues = 1;
	}
	slots = xmalloc(u.target->op_count * sizeof *slots);
	for (nslots = i = 0; i < u.target->op_count; i++)
		if (u.profile->ops[i].n || rnd() % 8 == 0)
			slots[nslots++] = (uint16_t)i;
	m = sb_matcher_new(&u.ctx.arena, u.profile);
	hit = xcalloc(u.profile->nrules + 1, 1);
	for (q = 0; q < nqueries && nslots; q++) {
		static char strs[SB_QUERY_MAX_FACTS][1200];
		struct sb_mfact mf[SB_QUERY_MAX_FACTS];
		struct sb_query kq;
		struct sb_mquery mq;
		struct sb_mresult mr;
		struct sb_verdict kv;
		uint32_t nf = 0, f;
		int r;

		memset(&kq, 0, sizeof kq);
		memset(&mq, 0, sizeof mq);
		kq.op = slots[rnd() % nslots];
		for (f = 1; f < u.target->filter_count && nf < SB_QUERY_MAX_FACTS;
		    f++) {
			const struct pool *p = &pools[f];
			char tmp[1200];
			if (!p->used || rnd() % 5 == 0)
				continue;
			memset(&mf[nf], 0, sizeof mf[nf]);
			mf[nf].filter = (uint16_t)f;
			kq.facts[nf].filter = (uint8_t)f;
			if (p->ns) {
				expandvars(&vars, p->s[rnd() % p->ns], tmp,
				    sizeof tmp);
				perturb(tmp, strs[nf], sizeof strs[nf]);
				mf[nf].kind = SB_MF_STRING;
				mf[nf].s = strs[nf];
				mf[nf].len = (uint32_t)strlen(strs[nf]);
				kq.facts[nf].kind = SB_FACT_STRING;
				kq.facts[nf].s = strs[nf];
				kq.facts[nf].len = mf[nf].len;
			} else if (p->nnet) {
				const char *h = hosts[rnd() % 4];
				mf[nf].kind = SB_MF_NETWORK;
				mf[nf].s = h;
				mf[nf].len = (uint32_t)strlen(h);
				mf[nf].i = protos[rnd() % 6];
				mf[nf].port = ports[rnd() % 7];
				kq.facts[nf].kind = SB_FACT_NETWORK;
				kq.facts[nf].s = h;
				kq.facts[nf].len = mf[nf].len;
				kq.facts[nf].i = (uint32_t)mf[nf].i;
				kq.facts[nf].port = (int32_t)mf[nf].port;
			} else if (p->ni) {
				int64_t v = rnd() % 4 ? p->i[rnd() % p->ni] :
				    (int64_t)(rnd() % 64);
				int isbool = u.target->filters[f].argkind ==
				    SB_ARG_BOOL;
				if (isbool)
					v &= 1;
				mf[nf].kind = isbool ? SB_MF_BOOL : SB_MF_INT;
				mf[nf].i = v;
				kq.facts[nf].kind = isbool ? SB_FACT_BOOL :
				    SB_FACT_INT;
				kq.facts[nf].i = (uint32_t)v;
			} else {
				continue;
			}
			nf++;
		}
		kq.nfacts = (uint8_t)nf;
		kq.vars = vars.q;
		kq.nvars = vars.n;
		mq.op = kq.op;
		mq.facts = mf;
		mq.nfacts = nf;
		mq.vars = vars.m;
		mq.nvars = vars.n;
		sb_match(m, &mq, &mr);
		if (!hit[mr.rule]) {
			hit[mr.rule] = 1;
			nhit += mr.rule != 0;
		}
		r = sb_eval(&bin, &kq, scratch, &kv);
		if (other && r == SB_EVAL_OK) {
			/* the other blob (a decompiled and recompiled copy)
			** must decide the same way, modifiers included */
			struct sb_verdict ov;
			if (sb_eval(&obin, &kq, scratch, &ov) != SB_EVAL_OK ||
			    ov.flags != kv.flags || ov.inline_id != kv.inline_id ||
			    ov.inline_arg != kv.inline_arg) {
				if (bad++ < 5)
					printf("DISAGREE op %s: compiled flags 0x%06x, "
					    "%s flags 0x%06x\n",
					    u.target->ops[kq.op].name, kv.flags, other,
					    ov.flags);
				continue;
			}
		}
		if (r != SB_EVAL_OK || kv.deny != (mr.decision == SB_DENY) ||
		    kv.rule != mr.rule) {
			if (bad++ < 5) {
				printf("DISAGREE op %s: IR %s rule %u, graph %s "
				    "rule %u (eval %d); facts:",
				    u.target->ops[kq.op].name,
				    mr.decision == SB_DENY ? "deny" : "allow",
				    mr.rule, kv.deny ? "deny" : "allow", kv.rule,
				    r);
				for (i = 0; i < nf; i++)
					printf(" %s=%s/%lld",
					    u.target->filters[mf[i].filter].name,
					    mf[i].s ? mf[i].s : "",
					    (long long)mf[i].i);
				printf("\n");
			}
		}
	}
	printf("diff: %lu queries over %u operations decided by %u of %u rules, "
	    "%lu disagreements%s%s%s\n", q, nslots, nhit, u.profile->nrules,
	    bad, ounit ? " (also against the decompiled profile)" : "",
	    toolarge ? "; not compared with its decompiled copy: " : "",
	    toolarge ? toolarge : "");
	for (i = 0; i < u.target->filter_count; i++) {
		uint32_t k;
		for (k = 0; k < pools[i].ns; k++)
			free((char *)pools[i].s[k]);
		free(pools[i].s);
		free(pools[i].i);
	}
	free(pools);
	free(slots);
	free(hit);
	sb_unit_free(&u);
	free(scratch);
	free(obytes);
	if (ounit)
		sb_unit_free(ounit);
	free(ounit);
	return bad ? 1 : 0;
}
