/*
** jsonl.c: the --trace-out writer. Lines are built whole in a buffer and
** written at once; one over SB_JSONL_LINE_MAX bytes drops the optional
** exe first and is otherwise left out and counted. Strings are escaped
** as JSON requires; a byte that is not UTF-8 becomes \u00XX, which keeps
** the line valid at the price of that byte's meaning.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "mirror/jsonl.h"

int
sb_jsonl_open(struct sb_jsonl *w, const char *path)
{
	memset(w, 0, sizeof *w);
	w->path = path;
	w->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!w->f)
		return -1;
	if (w->f != stdout)
		setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

/* Bytes of the UTF-8 sequence at S (N left), or 0 if it is not one. */
static size_t
utf8len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (c >= 0xf5 || len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

void
sb_jsonl_string(struct sb_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	sb_buf_putc(b, '"');
	while (n > 0) {
		if (*p == '"' || *p == '\\') {
			sb_buf_putc(b, '\\');
			sb_buf_putc(b, *p);
			k = 1;
		} else if (*p < 0x20 || !(k = utf8len(p, n))) {
			sb_buf_printf(b, "\\u%04x", *p);
			k = 1;
		} else {
			sb_buf_put(b, p, k);
		}
		p += k;
		n -= k;
	}
	sb_buf_putc(b, '"');
}

static const char *
kindname(enum sb_arg_kind k)
{
	switch (k) {
	case SB_ACC_PATH: return "path";
	case SB_ACC_NAME: return "name";
	case SB_ACC_ADDRESS: return "address";
	case SB_ACC_NUMBER: return "number";
	default: return "none";
	}
}

/* A fact value: a number stays a number, a name is a string. */
static void
factvalue(struct sb_buf *b, const char *v)
{
	const char *p = v;

	if (*p == '-')
		p++;
	if (*p >= '0' && *p <= '9' && (p[0] != '0' || !p[1])) {
		while (*p >= '0' && *p <= '9')
			p++;
		if (!*p) {
			sb_buf_puts(b, v);
			return;
		}
	}
	sb_jsonl_string(b, v);
}

/* ,"rule":"<16 hex>" */
static void
hex16(struct sb_buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char h[16];
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		h[i] = digits[v & 15];
	sb_buf_puts(b, ",\"rule\":\"");
	sb_buf_put(b, h, 16);
	sb_buf_putc(b, '"');
}

/* The decimal digits of V. */
static void
num(struct sb_buf *b, long long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v :
	    (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	sb_buf_put(b, p, (size_t)(d + sizeof d - p));
}

static void
key(struct sb_buf *b, const char *k)
{
	sb_buf_puts(b, k);
}

static void
line(struct sb_buf *b, const struct sb_access *a, const struct sb_verdict *v,
    int withexe)
{
	uint32_t i;

	b->len = 0;
	key(b, "{\"v\":1,\"ts\":");
	num(b, a->ts);
	key(b, ",\"pid\":");
	num(b, a->pid);
	if (a->ppid >= 0) {
		key(b, ",\"ppid\":");
		num(b, a->ppid);
	}
	if (withexe && a->exe) {
		sb_buf_puts(b, ",\"exe\":");
		sb_jsonl_string(b, a->exe);
	}
	sb_buf_puts(b, ",\"op\":");
	sb_jsonl_string(b, a->operation);
	if (a->argument) {
		sb_buf_puts(b, ",\"arg\":");
		sb_jsonl_string(b, a->argument);
	}
	key(b, ",\"arg_kind\":\"");
	key(b, kindname(a->arg_kind));
	sb_buf_putc(b, '"');
	if (a->nfacts) {
		sb_buf_puts(b, ",\"facts\":{");
		for (i = 0; i < a->nfacts; i++) {
			if (i)
				sb_buf_putc(b, ',');
			sb_jsonl_string(b, a->facts[i].filter);
			sb_buf_putc(b, ':');
			factvalue(b, a->facts[i].value);
		}
		sb_buf_putc(b, '}');
	}
	if (a->syscall) {
		sb_buf_puts(b, ",\"syscall\":");
		sb_jsonl_string(b, a->syscall);
	}
	if (a->err) {
		key(b, ",\"errno\":");
		num(b, a->err);
	}
	if (v && v->known) {
		key(b, v->decision == SB_ALLOW ? ",\"decision\":\"allow\"" :
		    ",\"decision\":\"deny\"");
		if (v->rule)
			hex16(b, v->fingerprint);
	}
	if (a->count > 1)
		sb_buf_printf(b, ",\"count\":%llu",
		    (unsigned long long)a->count);
	sb_buf_puts(b, "}\n");
}

void
sb_jsonl_put(struct sb_jsonl *w, const struct sb_access *a,
    const struct sb_verdict *v)
{
	struct sb_buf *b = &w->buf;

	line(b, a, v, 1);
	if (b->len > SB_JSONL_LINE_MAX)
		line(b, a, v, 0);
	if (b->len > SB_JSONL_LINE_MAX)
		w->ntoolong++;
	else if (fwrite(b->data, 1, b->len, w->f) == b->len)
		w->nlines++;
}

int
sb_jsonl_close(struct sb_jsonl *w)
{
	int bad = ferror(w->f) != 0;

	if (fflush(w->f) != 0)
		bad = 1;
	if (w->f != stdout && fclose(w->f) != 0)
		bad = 1;
	w->f = NULL;
	sb_buf_free(&w->buf);
	return bad ? -1 : 0;
}
