/*
** Filter construction and normalisation, and the canonical text that rule
** fingerprints and --dump=rules print (DESIGN.md §2.4, §5).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "compiler/filter.h"
#include "kext/target.h"

static uint64_t
arghash(const struct sb_farg *a)
{
	uint64_t h = sb_hash_mix((uint64_t)a->kind, (uint64_t)a->i);

	if (a->s)
		h = sb_hash_mix(h, sb_hash_bytes(a->s, a->len, 0));
	return h;
}

static struct sb_filter *
alloc(struct sb_arena *a, enum sb_fkind kind, struct sb_span span)
{
	struct sb_filter *f = sb_arena_calloc(a, sizeof *f);

	f->kind = kind;
	f->span = span;
	return f;
}

const struct sb_filter *
sb_filter_test(struct sb_arena *a, uint16_t filter, uint8_t pat,
    const struct sb_farg *arg, struct sb_span span)
{
	struct sb_filter *f = alloc(a, SB_F_TEST, span);

	f->filter = filter;
	f->pat = pat;
	f->arg = *arg;
	f->hash = sb_hash_mix(sb_hash_mix(1, filter), sb_hash_mix(pat,
	    arghash(arg)));
	return f;
}

const struct sb_filter *
sb_filter_const(struct sb_arena *a, int value, struct sb_span span)
{
	struct sb_filter *f = alloc(a, value ? SB_F_TRUE : SB_F_FALSE, span);

	f->hash = value ? 0x7472756574727565ull : 0x66616c7366616c73ull;
	return f;
}

int
sb_filter_equal(const struct sb_filter *x, const struct sb_filter *y)
{
	uint32_t i;

	if (x == y)
		return 1;
	if (x->hash != y->hash || x->kind != y->kind || x->nkids != y->nkids ||
	    x->sealed != y->sealed)
		return 0;
	if (x->kind == SB_F_TEST)
		return x->filter == y->filter && x->pat == y->pat &&
		    x->arg.kind == y->arg.kind && x->arg.i == y->arg.i &&
		    x->arg.len == y->arg.len && (x->arg.s == y->arg.s ||
		    (x->arg.s && y->arg.s &&
		    memcmp(x->arg.s, y->arg.s, x->arg.len) == 0));
	for (i = 0; i < x->nkids; i++)
		if (!sb_filter_equal(x->kids[i], y->kids[i]))
			return 0;
	return 1;
}

static int
byhash(const void *pa, const void *pb)
{
	const struct sb_filter *a = *(const struct sb_filter *const *)pa;
	const struct sb_filter *b = *(const struct sb_filter *const *)pb;

	return (a->hash > b->hash) - (a->hash < b->hash);
}

const struct sb_filter *
sb_filter_join(struct sb_arena *a, enum sb_fkind kind,
    const struct sb_filter *const *kids, uint32_t n, struct sb_span span)
{
	const struct sb_filter **v;
	struct sb_filter *f;
	uint32_t i, j, k = 0, total = 0;

	/* ALL: TRUE is the unit, FALSE absorbs; ANY: the other way round */
	for (i = 0; i < n; i++)
		total += kids[i]->kind == kind && !kids[i]->sealed ?
		    kids[i]->nkids : 1;
	v = sb_arena_alloc(a, (total ? total : 1) * sizeof *v);
	for (i = 0; i < n; i++) {
		const struct sb_filter *c = kids[i];
		if (c->kind == kind && !c->sealed) {
			for (j = 0; j < c->nkids; j++)
				v[k++] = c->kids[j];
			continue;
		}
		if ((kind == SB_F_ALL && c->kind == SB_F_TRUE) ||
		    (kind == SB_F_ANY && c->kind == SB_F_FALSE))
			continue;
		if ((kind == SB_F_ALL && c->kind == SB_F_FALSE) ||
		    (kind == SB_F_ANY && c->kind == SB_F_TRUE))
			return sb_filter_const(a, kind == SB_F_ANY, span);
		v[k++] = c;
	}
	qsort(v, k, sizeof *v, byhash);
	for (i = j = 0; i < k; i++)
		if (j == 0 || !sb_filter_equal(v[j - 1], v[i]))
			v[j++] = v[i];
	k = j;
	if (k == 0)
		return sb_filter_const(a, kind == SB_F_ALL, span);
	if (k == 1)
		return v[0];
	f = alloc(a, kind, span);
	f->kids = v;
	f->nkids = k;
	f->hash = sb_hash_mix(kind == SB_F_ALL ? 2 : 3, k);
	for (i = 0; i < k; i++)
		f->hash = sb_hash_mix(f->hash, v[i]->hash);
	return f;
}

const struct sb_filter *
sb_filter_seq(struct sb_arena *a, const struct sb_filter *const *kids,
    uint32_t n, struct sb_span span)
{
	struct sb_filter *f;
	uint32_t i;

	if (n == 1)
		return kids[0];
	f = alloc(a, SB_F_ALL, span);
	f->kids = sb_arena_memdup(a, kids, n * sizeof *kids);
	f->nkids = n;
	f->sealed = 1;
	f->hash = sb_hash_mix(5, n);
	for (i = 0; i < n; i++)
		f->hash = sb_hash_mix(f->hash, kids[i]->hash);
	return f;
}

const struct sb_filter *
sb_filter_not(struct sb_arena *a, const struct sb_filter *c,
    struct sb_span span)
{
	struct sb_filter *f;

	if (c->kind == SB_F_NOT)
		return c->kids[0];
	if (c->kind == SB_F_TRUE || c->kind == SB_F_FALSE)
		return sb_filter_const(a, c->kind == SB_F_FALSE, span);
	f = alloc(a, SB_F_NOT, span);
	f->kids = sb_arena_alloc(a, sizeof *f->kids);
	f->kids[0] = c;
	f->nkids = 1;
	f->hash = sb_hash_mix(4, c->hash);
	return f;
}

const char *
sb_filter_spelling(const struct sb_target *t, uint16_t id, uint8_t pat,
    char *buf, size_t size)
{
	const char *name = id < t->filter_count && t->filters[id].name ?
	    t->filters[id].name : "?";
	const char *p;

	if (strcmp(name, "path") == 0) {
		switch (pat) {
		case SB_PAT_PREFIX: return "prefix";
		case SB_PAT_SUBPATH: return "subpath";
		case SB_PAT_REGEX: return "regex";
		default: return "literal";
		}
	}
	switch (pat) {
	case SB_PAT_PREFIX:
		/* a prefix-kind filter's own name already means prefix */
		if (id < t->filter_count && t->filters[id].argkind ==
		    SB_ARG_PREFIX)
			return name;
		snprintf(buf, size, "%s-prefix", name);
		return buf;
	case SB_PAT_REGEX:
		snprintf(buf, size, "%s-regex", name);
		return buf;
	case SB_PAT_SUBPATH:
		/* insert "sub" before "path": mount-relative-subpath */
		if ((p = strstr(name, "path")) != NULL) {
			snprintf(buf, size, "%.*ssub%s", (int)(p - name), name,
			    p);
			return buf;
		}
		return name;
	default:
		return name;
	}
}

static void
quoted(struct sb_buf *b, const char *s, uint32_t len, int raw)
{
	uint32_t i;

	if (raw && !memchr(s, '"', len)) {
		sb_buf_puts(b, "#\"");
		sb_buf_put(b, s, len);
		sb_buf_putc(b, '"');
		return;
	}
	sb_buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_buf_putc(b, '\\');
		if (c == '\n')
			sb_buf_puts(b, "\\n");
		else if (c == '\t')
			sb_buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_buf_printf(b, "\\x%02x", c);
		else
			sb_buf_putc(b, (char)c);
	}
	sb_buf_putc(b, '"');
}

void
sb_filter_text(struct sb_buf *b, const struct sb_target *t,
    const struct sb_filter *f)
{
	static const char *const join[] = { "", "require-all", "require-any",
		"require-not" };
	char name[96];
	uint32_t i;

	switch (f->kind) {
	case SB_F_TRUE:
		sb_buf_puts(b, "(require-all)");
		return;
	case SB_F_FALSE:
		sb_buf_puts(b, "(require-any)");
		return;
	case SB_F_ALL:
	case SB_F_ANY:
	case SB_F_NOT:
		sb_buf_printf(b, "(%s", join[f->kind]);
		for (i = 0; i < f->nkids; i++) {
			sb_buf_putc(b, ' ');
			sb_filter_text(b, t, f->kids[i]);
		}
		sb_buf_putc(b, ')');
		return;
	case SB_F_TEST:
		break;
	}
	sb_buf_printf(b, "(%s", sb_filter_spelling(t, f->filter, f->pat, name,
	    sizeof name));
	switch (f->arg.kind) {
	case SB_FA_NONE:
		break;
	case SB_FA_STRING:
		sb_buf_putc(b, ' ');
		quoted(b, f->arg.s, f->arg.len, f->pat == SB_PAT_REGEX);
		break;
	case SB_FA_BOOL:
		sb_buf_puts(b, f->arg.i ? " #t" : " #f");
		break;
	case SB_FA_INT:
		if (f->arg.cname)
			sb_buf_printf(b, " %s", f->arg.cname);
		else
			sb_buf_printf(b, " %lld", (long long)f->arg.i);
		break;
	case SB_FA_BLOCK:
		sb_buf_printf(b, " %s", f->arg.s);
		break;
	case SB_FA_NETWORK:
		if (f->arg.cname)
			sb_buf_printf(b, " %s", f->arg.cname);
		else
			sb_buf_printf(b, " %lld", (long long)f->arg.i);
		if (f->arg.s) {
			sb_buf_putc(b, ' ');
			quoted(b, f->arg.s, f->arg.len, 0);
		}
		break;
	}
	sb_buf_putc(b, ')');
}
