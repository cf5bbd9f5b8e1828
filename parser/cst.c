/*
** CST printers: the structural dump for --dump=cst and goldens, and the
** trivia-preserving printer whose output equals the file it was read from.
*/
#include <inttypes.h>
#include <string.h>

#include "parser/cst.h"

/* ORDER: enum sb_node_kind */
static const char *const kindname[] = {
	"list", "vector", "symbol", "string", "number", "boolean", "char",
	"quote", "quasiquote", "unquote", "unquote-splicing",
};

const char *
sb_node_kindname(enum sb_node_kind kind)
{
	return kindname[kind];
}

static void
putpos(struct sb_source *s, uint32_t off, FILE *f)
{
	struct sb_pos pos;

	sb_source_pos(s, off, &pos);
	fprintf(f, "%u:%u", pos.line, pos.col);
}

/* The first and the last character of SP (not its last byte). */
static void
putrange(struct sb_source *s, struct sb_span sp, FILE *f)
{
	uint32_t last = sp.len ? sp.off + sp.len - 1 : sp.off;

	while (last > sp.off && ((unsigned char)s->text[last] & 0xc0) == 0x80)
		last--;
	putpos(s, sp.off, f);
	fputc('-', f);
	putpos(s, last, f);
}

/* Write LEN bytes of P as a C-style quoted string. */
static void
putquoted(const char *p, uint32_t len, FILE *f)
{
	uint32_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		uint32_t m;
		if (c >= 0x80) {
			/* valid UTF-8 as it is, any other byte escaped */
			m = sb_utf8_seq(p + i, len - i);
			if (m) {
				fwrite(p + i, 1, m, f);
				i += m - 1;
			} else {
				fprintf(f, "\\x%02x", c);
			}
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void
dumpnode(struct sb_source *s, const struct sb_node *n, int depth, FILE *f)
{
	uint32_t i;

	fprintf(f, "%*s%s ", depth * 2, "", kindname[n->kind]);
	putrange(s, n->span, f);
	switch (n->kind) {
	case SB_N_LIST:
	case SB_N_VECTOR:
		fputc('\n', f);
		for (i = 0; i < n->u.list.n; i++)
			dumpnode(s, n->u.list.items[i], depth + 1, f);
		if (n->u.list.tail) {
			fprintf(f, "%*s. ", (depth + 1) * 2, "");
			putpos(s, n->u.list.dot, f);
			fputc('\n', f);
			dumpnode(s, n->u.list.tail, depth + 1, f);
		}
		return;
	case SB_N_SYMBOL:
		fprintf(f, " %s\n", n->u.sym->name);
		return;
	case SB_N_STRING:
		fputs(n->u.str.raw ? " raw " : " ", f);
		putquoted(n->u.str.s, n->u.str.len, f);
		fputc('\n', f);
		return;
	case SB_N_NUMBER:
		if (n->u.num.isint)
			fprintf(f, " %" PRId64 "\n", n->u.num.i);
		else
			fprintf(f, " %.17g\n", n->u.num.d);
		return;
	case SB_N_BOOL:
		fprintf(f, " %s\n", n->u.boolean ? "#t" : "#f");
		return;
	case SB_N_CHAR:
		fprintf(f, " U+%04" PRIX32 "\n", n->u.ch);
		return;
	default:
		fputc('\n', f);
		dumpnode(s, n->u.quoted, depth + 1, f);
		return;
	}
}

void
sb_cst_dump(struct sb_ctx *ctx, const struct sb_cst *cst, FILE *f)
{
	struct sb_source *s = sb_source_get(&ctx->sources, cst->src);
	uint32_t i;

	for (i = 0; i < cst->nforms; i++)
		dumpnode(s, cst->forms[i], 0, f);
	for (i = 0; i < cst->ncomments; i++) {
		struct sb_span sp = { cst->src, cst->comments[i].off,
			cst->comments[i].len };
		fputs("comment ", f);
		putrange(s, sp, f);
		fputc(' ', f);
		putquoted(s->text + sp.off, sp.len, f);
		fputc('\n', f);
	}
}

/* State of the trivia-preserving printer. */
struct printer {
	const struct sb_cst *cst;
	struct sb_source *s;
	FILE *f;
	uint32_t pos;           /* bytes of the source printed so far */
	uint32_t nextcm;        /* first comment not yet passed */
	int bad;                /* trivia held something else */
};

/* Print the trivia up to OFF, checking it is whitespace and comments. */
static void
gap(struct printer *p, uint32_t off)
{
	const char *t = p->s->text;
	uint32_t i = p->pos;

	while (i < off) {
		const struct sb_comment *c = p->nextcm < p->cst->ncomments ?
		    &p->cst->comments[p->nextcm] : NULL;
		if (c && c->off == i) {
			i += c->len;
			p->nextcm++;
			continue;
		}
		if (t[i] == '#' && p->s->kind == SB_SRC_CPP &&
		    (i == 0 || t[i - 1] == '\n')) {
			while (i < off && t[i] != '\n')
				i++;
			continue;
		}
		if (!strchr(" \t\n\r\v\f", t[i]) || t[i] == 0)
			p->bad = 1;
		i++;
	}
	if (off > p->pos)
		fwrite(t + p->pos, 1, off - p->pos, p->f);
	p->pos = off;
}

static void
emit(struct printer *p, const char *text, uint32_t len)
{
	if (memcmp(p->s->text + p->pos, text, len) != 0)
		p->bad = 1;
	fwrite(text, 1, len, p->f);
	p->pos += len;
}

static void
printnode(struct printer *p, const struct sb_node *n)
{
	static const char *const prefix[] = { "'", "`", ",", ",@" };
	uint32_t i;

	gap(p, n->span.off);
	switch (n->kind) {
	case SB_N_LIST:
	case SB_N_VECTOR:
		emit(p, n->kind == SB_N_LIST ? "(" : "#(",
		    n->kind == SB_N_LIST ? 1 : 2);
		for (i = 0; i < n->u.list.n; i++)
			printnode(p, n->u.list.items[i]);
		if (n->u.list.tail) {
			gap(p, n->u.list.dot);
			emit(p, ".", 1);
			printnode(p, n->u.list.tail);
		}
		gap(p, n->u.list.close);
		emit(p, ")", 1);
		return;
	case SB_N_SYMBOL:
		emit(p, n->u.sym->name, n->u.sym->len);
		return;
	case SB_N_QUOTE:
	case SB_N_QUASI:
	case SB_N_UNQUOTE:
	case SB_N_SPLICE:
		emit(p, prefix[n->kind - SB_N_QUOTE],
		    n->kind == SB_N_SPLICE ? 2 : 1);
		printnode(p, n->u.quoted);
		return;
	default:
		/* literal text as written: escapes are not reconstructed */
		fwrite(p->s->text + n->span.off, 1, n->span.len, p->f);
		p->pos = n->span.off + n->span.len;
		return;
	}
}

int
sb_cst_print(struct sb_ctx *ctx, const struct sb_cst *cst, FILE *f)
{
	struct printer p = { cst, sb_source_get(&ctx->sources, cst->src), f,
		0, 0, 0 };
	uint32_t i;

	for (i = 0; i < cst->nforms; i++)
		printnode(&p, cst->forms[i]);
	gap(&p, p.s->len);
	return p.bad ? -1 : 0;
}
