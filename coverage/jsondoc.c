/*
** jsondoc.c: the importers' JSON reader (coverage/jsondoc.h). A recursive
** descent parser over a byte range that writes nodes into a reusable
** array and decoded strings into a reusable buffer sized before parsing,
** so string pointers never move while a document is built. Its contract
** is jansson's with JSON_REJECT_DUPLICATES; where jansson's behaviour is
** a choice rather than the RFC's (depth, integer range, "\u0000"), the
** choice is jansson's and says so.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/util.h"
#include "coverage/jsondoc.h"

/* jansson's JSON_PARSER_MAX_DEPTH: every value counts, the root is 1 */
#define MAXDEPTH 2048
/* objects with more members than this check duplicates through a table */
#define SMALLOBJ 16

struct parser {
	struct sb_jdoc *d;
	const char *p, *start, *end;
};

static int
fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (ps->d->err[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->d->err, sizeof ps->d->err, fmt, ap);
	va_end(ap);
	ps->d->erroff = (size_t)(at - ps->start);
	return -1;
}

static void
skipws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static uint32_t
newnode(struct parser *ps, enum sb_jtype type)
{
	struct sb_jdoc *d = ps->d;
	struct sb_jnode *v;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	v = &d->v[d->n];
	memset(v, 0, sizeof *v);
	v->type = type;
	v->off = (size_t)(ps->p - ps->start);
	return d->n++;
}

/* Length of the valid UTF-8 sequence at P (jansson's utf8_check_full), or 0. */
static int
utf8len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], v, i, n;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if ((size_t)(end - p) < n)
		return 0;
	v = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	return (int)n;
}

static int
hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *
pututf8(char *o, unsigned v)
{
	if (v < 0x80) {
		*o++ = (char)v;
	} else if (v < 0x800) {
		*o++ = (char)(0xc0 | v >> 6);
		*o++ = (char)(0x80 | (v & 0x3f));
	} else if (v < 0x10000) {
		*o++ = (char)(0xe0 | v >> 12);
		*o++ = (char)(0x80 | (v >> 6 & 0x3f));
		*o++ = (char)(0x80 | (v & 0x3f));
	} else {
		*o++ = (char)(0xf0 | v >> 18);
		*o++ = (char)(0x80 | (v >> 12 & 0x3f));
		*o++ = (char)(0x80 | (v >> 6 & 0x3f));
		*o++ = (char)(0x80 | (v & 0x3f));
	}
	return o;
}

/* One "\uXXXX" escape at *PP (the backslash), and its low surrogate. */
static int
uescape(struct parser *ps, const char **pp, char **oo)
{
	const char *p = *pp, *at = p;
	unsigned v, lo;

	if (hex4(p + 2, ps->end, &v) < 0)
		return fail(ps, at, "invalid \\u escape");
	p += 6;
	if (v >= 0xd800 && v <= 0xdbff) {
		if (ps->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    hex4(p + 2, ps->end, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, at, "invalid Unicode: lone high "
			    "surrogate");
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	} else if (v >= 0xdc00 && v <= 0xdfff) {
		return fail(ps, at, "invalid Unicode: lone low surrogate");
	} else if (v == 0) {
		return fail(ps, at, "\\u0000 is not allowed");
	}
	*oo = pututf8(*oo, v);
	*pp = p;
	return 0;
}

/* A byte that stands for itself inside a string: ASCII, printable, no '"' or '\\'. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* A string at ps->p (the opening quote), decoded into the string buffer. */
static int
string(struct parser *ps, const char **s, uint32_t *len)
{
	struct sb_jdoc *d = ps->d;
	const char *p = ps->p + 1;
	char *o = d->strs + d->slen, *begin = o;

	for (;;) {
		const char *run = p;
		unsigned char c;
		int k;

		/* the common case: a run of printable ASCII, copied at once */
		while (p < ps->end && plain((unsigned char)*p))
			p++;
		if (p > run) {
			memcpy(o, run, (size_t)(p - run));
			o += p - run;
		}
		if (p >= ps->end)
			return fail(ps, p, "premature end of input in a string");
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(ps, p, "control character 0x%x in a string",
			    c);
		if (c == '\\') {
			if (p + 1 >= ps->end)
				return fail(ps, p, "premature end of input in "
				    "a string");
			switch (p[1]) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (uescape(ps, &p, &o) < 0)
					return -1;
				continue;
			default:
				return fail(ps, p, "invalid escape");
			}
			p += 2;
			continue;
		}
		if (c < 0x80) {
			*o++ = (char)c;
			p++;
			continue;
		}
		if (!(k = utf8len((const unsigned char *)p,
		    (const unsigned char *)ps->end)))
			return fail(ps, p, "invalid UTF-8 in a string");
		memcpy(o, p, (size_t)k);
		o += k;
		p += k;
	}
	*o++ = 0;
	*s = begin;
	*len = (uint32_t)(o - begin - 1);
	d->slen = (size_t)(o - d->strs);
	ps->p = p + 1;
	return 0;
}

static int
isdigitc(char c)
{
	return c >= '0' && c <= '9';
}

/* A number, by jansson's lexer: integers by strtoll, reals by strtod. */
static int
number(struct parser *ps, struct sb_jnode *v)
{
	const char *p = ps->p, *b = p;
	char tmp[64], *copy = tmp;
	size_t n;
	int real = 0;

	if (p < ps->end && *p == '-')
		p++;
	if (p < ps->end && *p == '0') {
		p++;
		if (p < ps->end && isdigitc(*p))
			return fail(ps, b, "invalid number");
	} else if (p < ps->end && isdigitc(*p)) {
		while (p < ps->end && isdigitc(*p))
			p++;
	} else {
		return fail(ps, b, "invalid token");
	}
	if (p < ps->end && *p == '.') {
		if (p + 1 >= ps->end || !isdigitc(p[1]))
			return fail(ps, b, "invalid number");
		p++;
		while (p < ps->end && isdigitc(*p))
			p++;
		real = 1;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || !isdigitc(*p))
			return fail(ps, b, "invalid number");
		while (p < ps->end && isdigitc(*p))
			p++;
		real = 1;
	}
	n = (size_t)(p - b);
	if (n >= sizeof tmp)
		copy = xmalloc(n + 1);
	memcpy(copy, b, n);
	copy[n] = 0;
	errno = 0;
	if (real) {
		v->type = SB_J_REAL;
		v->d = strtod(copy, NULL);
		if (errno == ERANGE && isinf(v->d)) {
			if (copy != tmp)
				free(copy);
			return fail(ps, b, "real number overflow");
		}
	} else {
		v->type = SB_J_INT;
		v->i = strtoll(copy, NULL, 10);
		if (errno == ERANGE) {
			if (copy != tmp)
				free(copy);
			return fail(ps, b, "too big integer");
		}
	}
	if (copy != tmp)
		free(copy);
	ps->p = p;
	return 0;
}

static int
literal(struct parser *ps, struct sb_jnode *v)
{
	static const struct {
		const char *word;
		enum sb_jtype type;
	} words[] = {
		{ "true", SB_J_TRUE }, { "false", SB_J_FALSE },
		{ "null", SB_J_NULL },
	};
	const char *p = ps->p;
	size_t n = 0, i;

	/* jansson reads a run of letters, then compares the word */
	while (p + n < ps->end && ((p[n] >= 'a' && p[n] <= 'z') ||
	    (p[n] >= 'A' && p[n] <= 'Z')))
		n++;
	for (i = 0; i < countof(words); i++)
		if (n == strlen(words[i].word) && memcmp(p, words[i].word,
		    n) == 0) {
			v->type = words[i].type;
			ps->p += n;
			return 0;
		}
	return fail(ps, p, "invalid token");
}

static int value(struct parser *ps, unsigned depth);

/* Keys of one object being parsed: the table is made past SMALLOBJ members. */
struct keyset {
	uint32_t *tab;          /* node indices; 0 marks an empty slot */
	uint32_t cap;           /* a power of two */
};

static int
samekey(const struct sb_jnode *x, const struct sb_jnode *y)
{
	return x->keylen == y->keylen && memcmp(x->key, y->key, x->keylen) == 0;
}

/* Add member M to K's table; 1 when its key is already there. */
static int
tableadd(struct sb_jdoc *d, struct keyset *k, uint32_t m)
{
	const struct sb_jnode *x = &d->v[m];
	uint32_t mask = k->cap - 1, j;

	j = (uint32_t)sb_hash_bytes(x->key, x->keylen, 0) & mask;
	for (; k->tab[j]; j = (j + 1) & mask)
		if (samekey(&d->v[k->tab[j]], x))
			return 1;
	k->tab[j] = m;
	return 0;
}

/*
** Whether member M of object OBJ repeats a key of an earlier member
** (JSON_REJECT_DUPLICATES). Small objects compare pairwise; larger ones
** switch to a hash table of at least four slots per member.
*/
static int
dupkey(struct sb_jdoc *d, struct keyset *k, uint32_t obj, uint32_t m)
{
	uint32_t i;

	if (!k->tab && d->v[obj].n <= SMALLOBJ) {
		for (i = obj + 1; i != m; i = d->v[i].next)
			if (samekey(&d->v[i], &d->v[m]))
				return 1;
		return 0;
	}
	if (!k->tab || 2 * d->v[obj].n > k->cap) {
		free(k->tab);
		k->cap = 64;
		while (k->cap < 4 * d->v[obj].n)
			k->cap *= 2;
		k->tab = xcalloc(k->cap, sizeof *k->tab);
		for (i = obj + 1; i != m; i = d->v[i].next)
			(void)tableadd(d, k, i);
	}
	return tableadd(d, k, m);
}

static int
object(struct parser *ps, uint32_t self, unsigned depth)
{
	struct sb_jdoc *d = ps->d;
	struct keyset keys = { NULL, 0 };
	uint32_t prev = 0;
	int r = -1;

	ps->p++;
	skipws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		const char *key, *kat;
		uint32_t keylen, m;

		skipws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail(ps, ps->p, "string or '}' expected");
			break;
		}
		kat = ps->p;
		if (string(ps, &key, &keylen) < 0)
			break;
		skipws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			fail(ps, ps->p, "':' expected");
			break;
		}
		ps->p++;
		skipws(ps);
		m = d->n;
		if (value(ps, depth + 1) < 0)
			break;
		d->v[m].key = key;
		d->v[m].keylen = keylen;
		d->v[m].keyoff = (size_t)(kat - ps->start);
		if (prev)
			d->v[prev].next = m;
		prev = m;
		d->v[self].n++;
		if (dupkey(d, &keys, self, m)) {
			fail(ps, kat, "duplicate object key");
			break;
		}
		skipws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			r = 0;
			break;
		}
		fail(ps, ps->p, "',' or '}' expected");
		break;
	}
	free(keys.tab);
	return r;
}

static int
array(struct parser *ps, uint32_t self, unsigned depth)
{
	struct sb_jdoc *d = ps->d;
	uint32_t prev = 0;

	ps->p++;
	skipws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		uint32_t m;

		skipws(ps);
		m = d->n;
		if (value(ps, depth + 1) < 0)
			return -1;
		if (prev)
			d->v[prev].next = m;
		prev = m;
		d->v[self].n++;
		skipws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		return fail(ps, ps->p, "',' or ']' expected");
	}
}

static int
value(struct parser *ps, unsigned depth)
{
	uint32_t self;
	char c;

	if (depth > MAXDEPTH)
		return fail(ps, ps->p, "maximum parsing depth reached");
	if (ps->p >= ps->end)
		return fail(ps, ps->p, "unexpected end of input");
	self = newnode(ps, SB_J_NULL);
	c = *ps->p;
	switch (c) {
	case '{':
		ps->d->v[self].type = SB_J_OBJECT;
		return object(ps, self, depth);
	case '[':
		ps->d->v[self].type = SB_J_ARRAY;
		return array(ps, self, depth);
	case '"': {
		const char *s;
		uint32_t len;
		if (string(ps, &s, &len) < 0)
			return -1;
		ps->d->v[self].type = SB_J_STRING;
		ps->d->v[self].s = s;
		ps->d->v[self].len = len;
		return 0;
	}
	default:
		if (c == '-' || isdigitc(c))
			return number(ps, &ps->d->v[self]);
		return literal(ps, &ps->d->v[self]);
	}
}

int
sb_jdoc_parse(struct sb_jdoc *d, const char *text, size_t len)
{
	struct parser ps;

	d->n = 0;
	d->slen = 0;
	d->err[0] = 0;
	d->erroff = 0;
	/* decoded strings never outgrow their encoding: the closing quote
	** pays for the NUL */
	if (d->scap < len + 1) {
		free(d->strs);
		d->scap = len + 1;
		d->strs = xmalloc(d->scap);
	}
	ps.d = d;
	ps.p = ps.start = text;
	ps.end = text + len;
	skipws(&ps);
	if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
		return fail(&ps, ps.p, "'[' or '{' expected");
	if (value(&ps, 1) < 0)
		return -1;
	skipws(&ps);
	if (ps.p < ps.end)
		return fail(&ps, ps.p, "end of input expected");
	return 0;
}

void
sb_jdoc_free(struct sb_jdoc *d)
{
	free(d->v);
	free(d->strs);
	memset(d, 0, sizeof *d);
}

const struct sb_jnode *
sb_jdoc_first(const struct sb_jdoc *d, const struct sb_jnode *v)
{
	(void)d;
	if (!v || (v->type != SB_J_OBJECT && v->type != SB_J_ARRAY) || !v->n)
		return NULL;
	return v + 1;
}

const struct sb_jnode *
sb_jdoc_next(const struct sb_jdoc *d, const struct sb_jnode *v)
{
	return v && v->next ? &d->v[v->next] : NULL;
}

const struct sb_jnode *
sb_jdoc_get(const struct sb_jdoc *d, const struct sb_jnode *obj,
    const char *key)
{
	const struct sb_jnode *m;
	size_t n = strlen(key);

	if (!obj || obj->type != SB_J_OBJECT)
		return NULL;
	for (m = sb_jdoc_first(d, obj); m; m = sb_jdoc_next(d, m))
		if (m->keylen == n && memcmp(m->key, key, n) == 0)
			return m;
	return NULL;
}

const char *
sb_jdoc_str(const struct sb_jnode *v)
{
	return v && v->type == SB_J_STRING ? v->s : NULL;
}
