/*
** The SBPL reader: a Lemon grammar of datums (DESIGN.md §2.3) and, in the
** %code section, the driver sb_read() that pulls tokens from the scanner
** and feeds them to the engine, which lives on the C stack.
**
** The grammar knows nothing of allow, deny or define: those belong to the
** evaluator. Lists are written without an empty "data" production after
** the opener, because Debian's lemon 3.40.1 mis-compresses the tables for
** that shape (DESIGN.md §12.3).
**
** Syntax errors are found by the driver before the engine sees the token,
** so each message can say what was expected and where the opener was; the
** engine's own %syntax_error is a backstop that should never fire.
*/

%name sbParse
%token_prefix TK_
%token_type {struct sb_tokval}
%default_type {struct sb_node *}
%extra_context {struct sb_reader *r}

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "lexer/lex.h"
#include "lexer/literal.h"
#include "parser/cst.h"

#define YYNOERRORRECOVERY 1
/* a nesting level costs at most three engine stack entries */
#define YYSTACKDEPTH (3 * SB_LIMIT_NESTING + 64)

struct sb_reader;

/* What the engine carries for a token: the view and, for atoms, the node. */
struct sb_tokval {
	struct sb_token t;
	struct sb_node *node;
};

/* Items of a list being read, linked in arena cells. */
struct sb_cell {
	struct sb_node *node;
	struct sb_cell *next;
};

struct sb_cells {
	struct sb_cell *first, *last;
	uint32_t n;
};

static void engine_error(struct sb_reader *r, int major);
static void reader_top(struct sb_reader *r, struct sb_node *form);
static struct sb_cells cells_add(struct sb_reader *r, struct sb_cells *c,
    struct sb_node *n);
static struct sb_node *mklist(struct sb_reader *r, enum sb_node_kind kind,
    struct sb_tokval *open, struct sb_cells *items, struct sb_tokval *dot,
    struct sb_node *tail, struct sb_tokval *close);
static struct sb_node *mkquote(struct sb_reader *r, enum sb_node_kind kind,
    struct sb_tokval *q, struct sb_node *datum);
}

%syntax_error { (void)yyminor; engine_error(r, yymajor); }
%stack_overflow { engine_error(r, -1); }

%token LP RP DOT VECOPEN QUOTE QUASI UNQUOTE SPLICE
       SYMBOL STRING RAWSTRING NUMBER BOOL CHAR.
%token_class atom SYMBOL|STRING|RAWSTRING|NUMBER|BOOL|CHAR.
%type data {struct sb_cells}

program ::= .
program ::= forms.

forms ::= datum(A).                     { reader_top(r, A); }
forms ::= forms datum(A).               { reader_top(r, A); }

data(X) ::= datum(A).                   { X = cells_add(r, NULL, A); }
data(X) ::= data(D) datum(A).           { X = cells_add(r, &D, A); }

datum(X) ::= LP(O) RP(C).               { X = mklist(r, SB_N_LIST, &O, NULL, NULL, NULL, &C); }
datum(X) ::= LP(O) data(D) RP(C).       { X = mklist(r, SB_N_LIST, &O, &D, NULL, NULL, &C); }
datum(X) ::= LP(O) data(D) DOT(P) datum(T) RP(C).
                                        { X = mklist(r, SB_N_LIST, &O, &D, &P, T, &C); }
datum(X) ::= VECOPEN(O) RP(C).          { X = mklist(r, SB_N_VECTOR, &O, NULL, NULL, NULL, &C); }
datum(X) ::= VECOPEN(O) data(D) RP(C).  { X = mklist(r, SB_N_VECTOR, &O, &D, NULL, NULL, &C); }
datum(X) ::= QUOTE(Q) datum(A).         { X = mkquote(r, SB_N_QUOTE, &Q, A); }
datum(X) ::= QUASI(Q) datum(A).         { X = mkquote(r, SB_N_QUASI, &Q, A); }
datum(X) ::= UNQUOTE(Q) datum(A).       { X = mkquote(r, SB_N_UNQUOTE, &Q, A); }
datum(X) ::= SPLICE(Q) datum(A).        { X = mkquote(r, SB_N_SPLICE, &Q, A); }
datum(X) ::= atom(A).                   { X = A.node; }

%code {

/* One open list or pending quote prefix. */
struct frame {
	uint32_t off;           /* the opener's offset */
	int code;               /* TK_LP, TK_VECOPEN or a quote token */
	uint32_t nitems;        /* datums completed inside a list */
	int dotstate;           /* 0 no dot, 1 after '.', 2 after the tail */
	uint32_t dot;           /* offset of the '.' */
};

struct sb_reader {
	struct sb_ctx *ctx;
	struct sb_source *src;
	uint32_t srcid;
	int failed;                     /* an error was reported */
	struct frame frames[SB_LIMIT_NESTING + 1];
	uint32_t nframes;
	struct sb_node **top;           /* top-level forms (malloc) */
	uint32_t ntop, captop;
	struct sb_comment *cm;          /* comments (malloc) */
	uint32_t ncm, capcm;
	struct sb_token swallow;        /* last string spanning lines with ')' */
	int haveswallow;
	struct sb_token cur;            /* the token being fed */
};

static struct sb_span
span(struct sb_reader *r, uint32_t off, uint32_t len)
{
	struct sb_span s = { r->srcid, off, len };

	return s;
}

static void
error(struct sb_reader *r, uint32_t off, uint32_t len, const char *fmt,
    const char *arg)
{
	r->failed = 1;
	sb_diag(&r->ctx->diag, SB_ERROR, "syntax", span(r, off, len), fmt, arg);
}

static void
note(struct sb_reader *r, uint32_t off, uint32_t len, const char *fmt,
    const char *arg)
{
	sb_diag_note(&r->ctx->diag, span(r, off, len), fmt, arg);
}

static const char *
linecol(struct sb_reader *r, uint32_t off, char *buf, size_t size)
{
	return sb_diag_linecol(&r->ctx->diag, r->srcid, off, buf, size);
}

static void
engine_error(struct sb_reader *r, int major)
{
	if (r->failed)
		return;
	if (major < 0)
		error(r, r->cur.off, r->cur.len, "nesting too deep%s", "");
	else
		error(r, r->cur.off, r->cur.len, "unexpected %s",
		    sb_token_name(r->cur.code));
}

static void
reader_top(struct sb_reader *r, struct sb_node *form)
{
	if (r->ntop == r->captop) {
		r->captop = r->captop ? r->captop * 2 : 32;
		r->top = xrealloc(r->top, r->captop * sizeof *r->top);
	}
	r->top[r->ntop++] = form;
}

static struct sb_cells
cells_add(struct sb_reader *r, struct sb_cells *c, struct sb_node *n)
{
	struct sb_cell *cell = sb_arena_alloc(&r->ctx->arena, sizeof *cell);
	struct sb_cells out = { NULL, NULL, 0 };

	cell->node = n;
	cell->next = NULL;
	if (c)
		out = *c;
	if (out.last)
		out.last->next = cell;
	else
		out.first = cell;
	out.last = cell;
	out.n++;
	return out;
}

static struct sb_node *
newnode(struct sb_reader *r, enum sb_node_kind kind, uint32_t off,
    uint32_t len)
{
	struct sb_node *n = sb_arena_calloc(&r->ctx->arena, sizeof *n);

	n->kind = kind;
	n->span = span(r, off, len);
	return n;
}

static struct sb_node *
mklist(struct sb_reader *r, enum sb_node_kind kind, struct sb_tokval *open,
    struct sb_cells *items, struct sb_tokval *dot, struct sb_node *tail,
    struct sb_tokval *close)
{
	uint32_t end = close->t.off + 1;
	struct sb_node *n = newnode(r, kind, open->t.off, end - open->t.off);
	struct sb_cell *c;
	uint32_t i = 0;

	n->u.list.n = items ? items->n : 0;
	n->u.list.items = sb_arena_alloc(&r->ctx->arena,
	    n->u.list.n * sizeof *n->u.list.items);
	for (c = items ? items->first : NULL; c; c = c->next)
		n->u.list.items[i++] = c->node;
	n->u.list.tail = tail;
	n->u.list.dot = dot ? dot->t.off : 0;
	n->u.list.close = close->t.off;
	return n;
}

static struct sb_node *
mkquote(struct sb_reader *r, enum sb_node_kind kind, struct sb_tokval *q,
    struct sb_node *datum)
{
	uint32_t end = datum->span.off + datum->span.len;
	struct sb_node *n = newnode(r, kind, q->t.off, end - q->t.off);

	n->u.quoted = datum;
	return n;
}

/* Make the node of an atom token; NULL after reporting a bad literal. */
static struct sb_node *
atom(struct sb_reader *r, struct sb_token t)
{
	const char *p = r->src->text + t.off;
	struct sb_lit_error err;
	struct sb_node *n;

	if (t.len > SB_LIMIT_TOKEN_BYTES) {
		error(r, t.off, 1, "token longer than the limit of %s bytes",
		    "1048576");
		return NULL;
	}
	switch (t.code) {
	case TK_SYMBOL:
		n = newnode(r, SB_N_SYMBOL, t.off, t.len);
		n->u.sym = sb_intern(&r->ctx->syms, p, t.len);
		return n;
	case TK_STRING:
	case TK_RAWSTRING:
		n = newnode(r, SB_N_STRING, t.off, t.len);
		n->u.str.raw = t.code == TK_RAWSTRING;
		if (sb_lit_string(p, t.len, &r->ctx->arena, &n->u.str.s,
		    &n->u.str.len, &err) == 0)
			return n;
		break;
	case TK_NUMBER:
		n = newnode(r, SB_N_NUMBER, t.off, t.len);
		if (sb_lit_number(p, t.len, &n->u.num, &err) == 0)
			return n;
		break;
	case TK_BOOL:
		n = newnode(r, SB_N_BOOL, t.off, t.len);
		n->u.boolean = p[1] == 't';
		return n;
	default:
		n = newnode(r, SB_N_CHAR, t.off, t.len);
		if (sb_lit_char(p, t.len, &n->u.ch, &err) == 0)
			return n;
		break;
	}
	error(r, t.off + err.off, err.len, "%s", err.msg);
	return NULL;
}

static const char *const directives[] = {
	"if", "ifdef", "ifndef", "elif", "else", "endif", "include",
	"define", "undef", "pragma", "error", "line",
};

static int
isdirective(const char *p, uint32_t n)
{
	size_t i;

	for (i = 0; i < sizeof directives / sizeof directives[0]; i++)
		if (strlen(directives[i]) == n && memcmp(directives[i], p, n) == 0)
			return 1;
	return 0;
}

/* Report the TK_ILLEGAL token T. */
static void
illegal(struct sb_reader *r, const struct sb_lexer *l, struct sb_token t)
{
	const char *p = r->src->text + t.off;
	char buf[64], at[32];
	uint32_t wlen;

	switch (l->why) {
	case SB_LEX_UNTERMINATED_STRING:
	case SB_LEX_UNTERMINATED_RAW:
		/* the line the end of file is on (LANGUAGE.md §13.2) */
		linecol(r, r->src->len, at, sizeof at);
		*strchr(at, ':') = 0;
		error(r, t.off, l->why == SB_LEX_UNTERMINATED_RAW ? 2 : 1,
		    "unterminated string: end of file reached on line %s "
		    "without a closing '\"'", at);
		return;
	case SB_LEX_NUL:
		error(r, l->bad, 1, "NUL byte %s", l->bad > t.off &&
		    (*p == '"' || (p[0] == '#' && p[1] == '"')) ?
		    "inside a string" : "in source");
		return;
	case SB_LEX_BAD_UTF8:
		snprintf(buf, sizeof buf, "0x%02X",
		    (unsigned char)r->src->text[l->bad]);
		error(r, l->bad, 1, "invalid UTF-8 byte %s: source files must "
		    "be UTF-8", buf);
		return;
	case SB_LEX_CONTROL:
		snprintf(buf, sizeof buf, "0x%02X", (unsigned char)*p);
		error(r, t.off, 1, "invalid character %s", buf);
		return;
	default:
		break;
	}
	/* undefined sharp expressions: quote at most 24 bytes of the word,
	** cut at a character boundary */
	for (wlen = 0; wlen < t.len;) {
		uint32_t m = sb_utf8_seq(p + wlen, t.len - wlen);
		if (wlen + (m ? m : 1) > 24)
			break;
		wlen += m ? m : 1;
	}
	snprintf(buf, sizeof buf, "%.*s%s", (int)wlen, p,
	    wlen < t.len ? "..." : "");
	if (t.len >= 2 && (p[1] == '|' || p[1] == ';'))
		error(r, t.off, 2, "undefined sharp expression '%s': SBPL has "
		    "only ';' comments", buf);
	else if ((t.off == 0 || p[-1] == '\n') && isdirective(p + 1, t.len - 1))
		error(r, t.off, t.len, "undefined sharp expression '%s': this "
		    "looks like C preprocessor input; compile with --cpp", buf);
	else if ((t.len == 5 && memcmp(p, "#true", 5) == 0) ||
	    (t.len == 6 && memcmp(p, "#false", 6) == 0))
		error(r, t.off, t.len, "undefined sharp expression '%s': "
		    "booleans are written #t and #f", buf);
	else
		error(r, t.off, t.len ? t.len : 1,
		    "undefined sharp expression '%s'", buf);
}

/* "# 12 "file" 1 3": record the marker for the line that follows. */
static int
linemark(struct sb_reader *r, struct sb_token t)
{
	const char *p = r->src->text + t.off, *e = p + t.len, *q, *f = NULL;
	unsigned long line = 0;
	uint32_t next = t.off + t.len + 1;

	if (r->src->kind != SB_SRC_CPP || (t.off > 0 && p[-1] != '\n')) {
		if (t.off == 0 || p[-1] == '\n')
			error(r, t.off, 1, "undefined sharp expression '%s': "
			    "this looks like C preprocessor output; compile "
			    "with --cpp", "#");
		else
			error(r, t.off, 1, "undefined sharp expression '%s'",
			    "#");
		return -1;
	}
	for (q = p + 1; q < e && *q == ' '; q++)
		;
	for (; q < e && *q >= '0' && *q <= '9'; q++)
		line = line * 10 + (unsigned long)(*q - '0');
	while (q < e && *q == ' ')
		q++;
	if (q < e && *q == '"') {
		f = ++q;
		while (q < e && *q != '"')
			q++;
	}
	if (line == 0 || line > UINT32_MAX)
		line = 1;
	if (next > r->src->len)
		next = r->src->len;
	if (f)
		sb_source_mark(r->src, next, (uint32_t)line, f,
		    (size_t)(q - f));
	else if (r->src->nmarks)
		sb_source_mark(r->src, next, (uint32_t)line,
		    r->src->marks[r->src->nmarks - 1].file,
		    strlen(r->src->marks[r->src->nmarks - 1].file));
	else
		sb_source_mark(r->src, next, (uint32_t)line, r->src->path,
		    strlen(r->src->path));
	return 0;
}

static void
comment(struct sb_reader *r, struct sb_token t)
{
	if (r->ncm == r->capcm) {
		r->capcm = r->capcm ? r->capcm * 2 : 64;
		r->cm = xrealloc(r->cm, r->capcm * sizeof *r->cm);
	}
	r->cm[r->ncm].off = t.off;
	r->cm[r->ncm].len = t.len;
	r->ncm++;
}

static struct frame *
topframe(struct sb_reader *r)
{
	return r->nframes ? &r->frames[r->nframes - 1] : NULL;
}

static int
isquote(int code)
{
	return code == TK_QUOTE || code == TK_QUASI || code == TK_UNQUOTE ||
	    code == TK_SPLICE;
}

/* A datum just ended: close pending quotes, count it in its list. */
static void
completed(struct sb_reader *r)
{
	struct frame *f;

	while ((f = topframe(r)) && isquote(f->code))
		r->nframes--;
	if ((f = topframe(r))) {
		f->nitems++;
		if (f->dotstate == 1)
			f->dotstate = 2;
	}
}

static int
push(struct sb_reader *r, struct sb_token t)
{
	struct frame *f;

	if (r->nframes == SB_LIMIT_NESTING) {
		error(r, t.off, t.len, "nesting deeper than %s levels", "512");
		return -1;
	}
	f = &r->frames[r->nframes++];
	memset(f, 0, sizeof *f);
	f->off = t.off;
	f->code = t.code;
	return 0;
}

/*
** Check T against the open frames before the engine sees it; report and
** return -1 when it cannot come here.
*/
static int
check(struct sb_reader *r, struct sb_token t)
{
	struct frame *f = topframe(r);
	char at[32];

	if (t.code == TK_RP) {
		if (!f) {
			error(r, t.off, 1, "unexpected ')' with no open '('%s",
			    "");
			return -1;
		}
		if (isquote(f->code)) {
			error(r, t.off, 1, "expected a datum after '%s'",
			    sb_token_name(f->code));
			note(r, f->off, f->code == TK_SPLICE ? 2 : 1,
			    "'%s' is here", sb_token_name(f->code));
			return -1;
		}
		if (f->dotstate == 1) {
			error(r, t.off, 1, "expected a datum after '.'%s", "");
			note(r, f->dot, 1, "the '.' is here%s", "");
			return -1;
		}
		return 0;
	}
	if (t.code == TK_DOT) {
		if (f && isquote(f->code)) {
			error(r, t.off, 1, "expected a datum after '%s'",
			    sb_token_name(f->code));
			note(r, f->off, f->code == TK_SPLICE ? 2 : 1,
			    "'%s' is here", sb_token_name(f->code));
			return -1;
		}
		if (f && f->code == TK_VECOPEN) {
			error(r, t.off, 1, "unexpected '.' in a vector: only "
			    "lists can be dotted%s", "");
			return -1;
		}
		if (!f) {
			error(r, t.off, 1, "unexpected '.' outside a list%s", "");
			return -1;
		}
		if (f->dotstate) {
			error(r, t.off, 1, "unexpected second '.' in a list%s",
			    "");
			note(r, f->dot, 1, "the first '.' is here%s", "");
			return -1;
		}
		if (f->nitems == 0) {
			error(r, t.off, 1, "unexpected '.': a datum must come "
			    "before the '.' of a dotted list%s", "");
			return -1;
		}
		f->dotstate = 1;
		f->dot = t.off;
		return 0;
	}
	if (f && f->dotstate == 2) {
		error(r, t.off, t.len ? t.len : 1, "expected ')' after the "
		    "datum that follows '.' (the list opened at %s)",
		    linecol(r, f->off, at, sizeof at));
		note(r, f->dot, 1, "the '.' is here%s", "");
		return -1;
	}
	return 0;
}

/* End of file with lists or quotes still open. */
static void
unclosed(struct sb_reader *r)
{
	struct frame *f = topframe(r), *inner = NULL, *outer = NULL;
	uint32_t i, n = 0, eof = r->src->len;
	char a[32], b[32], msg[160];

	if (isquote(f->code)) {
		error(r, eof, 0, "expected a datum after '%s' before end of "
		    "file", sb_token_name(f->code));
		note(r, f->off, f->code == TK_SPLICE ? 2 : 1, "'%s' is here",
		    sb_token_name(f->code));
		return;
	}
	for (i = 0; i < r->nframes; i++)
		if (!isquote(r->frames[i].code)) {
			if (!outer)
				outer = &r->frames[i];
			inner = &r->frames[i];
			n++;
		}
	if (n == 1) {
		snprintf(msg, sizeof msg, "expected ')' to close '%s' at %s "
		    "before end of file", sb_token_name(inner->code),
		    linecol(r, inner->off, a, sizeof a));
		error(r, eof, 0, "%s", msg);
		note(r, inner->off, inner->code == TK_VECOPEN ? 2 : 1,
		    "'%s' opened here", sb_token_name(inner->code));
	} else {
		snprintf(msg, sizeof msg, "%u unclosed '(' at end of file: "
		    "innermost at %s, outermost at %s", n,
		    linecol(r, inner->off, a, sizeof a),
		    linecol(r, outer->off, b, sizeof b));
		error(r, eof, 0, "%s", msg);
		note(r, inner->off, inner->code == TK_VECOPEN ? 2 : 1,
		    "innermost '%s' opened here", sb_token_name(inner->code));
		note(r, outer->off, outer->code == TK_VECOPEN ? 2 : 1,
		    "outermost '%s' opened here", sb_token_name(outer->code));
	}
	if (r->haveswallow && r->swallow.off > inner->off) {
		struct sb_token s = r->swallow;
		snprintf(msg, sizeof msg, "the string opened at %s only closes "
		    "at %s and swallows the ')' inside it",
		    linecol(r, s.off, a, sizeof a),
		    linecol(r, s.off + s.len - 1, b, sizeof b));
		note(r, s.off, 1, "%s", msg);
	}
}

/* Remember a string that spans lines and holds ')' for unclosed(). */
static void
watchstring(struct sb_reader *r, struct sb_token t)
{
	const char *p = r->src->text + t.off;

	if (memchr(p, '\n', t.len) && memchr(p, ')', t.len)) {
		r->swallow = t;
		r->haveswallow = 1;
	}
}

static struct sb_cst *
finish(struct sb_reader *r)
{
	struct sb_cst *cst = sb_arena_calloc(&r->ctx->arena, sizeof *cst);

	cst->src = r->srcid;
	cst->nforms = r->ntop;
	cst->forms = sb_arena_memdup(&r->ctx->arena, r->top,
	    r->ntop * sizeof *r->top);
	cst->ncomments = r->ncm;
	cst->comments = sb_arena_memdup(&r->ctx->arena, r->cm,
	    r->ncm * sizeof *r->cm);
	return cst;
}

/* Feed one significant token; 0, or -1 after an error was reported. */
static int
feed(struct sb_reader *r, yyParser *p, const struct sb_lexer *l,
    struct sb_token t)
{
	struct sb_tokval v = { t, NULL };

	switch (t.code) {
	case TK_COMMENT:
		comment(r, t);
		return 0;
	case TK_LINEMARK:
		return linemark(r, t);
	case TK_ILLEGAL:
		illegal(r, l, t);
		return -1;
	}
	if (check(r, t) < 0)
		return -1;
	switch (t.code) {
	case TK_LP:
	case TK_VECOPEN:
	case TK_QUOTE:
	case TK_QUASI:
	case TK_UNQUOTE:
	case TK_SPLICE:
		if (push(r, t) < 0)
			return -1;
		break;
	case TK_RP:
		r->nframes--;
		break;
	case TK_DOT:
		break;
	default:
		if (t.code == TK_STRING || t.code == TK_RAWSTRING)
			watchstring(r, t);
		if (!(v.node = atom(r, t)))
			return -1;
		break;
	}
	r->cur = t;
	sbParse(p, t.code, v);
	if (r->failed)
		return -1;
	if (t.code == TK_RP || v.node)
		completed(r);
	return 0;
}

struct sb_cst *
sb_read(struct sb_ctx *ctx, uint32_t src)
{
	struct sb_reader *r = xcalloc(1, sizeof *r);
	struct sb_cst *cst = NULL;
	struct sb_lexer l;
	struct sb_token t;
	yyParser p;

	r->ctx = ctx;
	r->src = sb_source_get(&ctx->sources, src);
	r->srcid = src;
	sb_lex_init(&l, r->src->text, r->src->len);
	sbParseInit(&p, r);
	for (;;) {
		t = sb_lex_next(&l);
		if (t.code == TK_EOF)
			break;
		if (feed(r, &p, &l, t) < 0)
			goto out;
	}
	if (r->nframes) {
		unclosed(r);
		goto out;
	}
	r->cur = t;
	sbParse(&p, 0, (struct sb_tokval){ t, NULL });
	if (!r->failed)
		cst = finish(r);
out:
	sbParseFinalize(&p);
	free(r->top);
	free(r->cm);
	free(r);
	return cst;
}

}
