/*
** The growable buffer behind every output the tools write.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

void
sb_buf_free(struct sb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
sb_buf_reserve(struct sb_buf *b, size_t n)
{
	size_t cap;

	if (b->data && b->cap - b->len >= n)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap - b->len < n)
		cap *= 2;
	b->data = xrealloc(b->data, cap + 1);
	b->cap = cap;
	b->data[b->len] = 0;
}

void
sb_buf_put(struct sb_buf *b, const void *p, size_t n)
{
	sb_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void
sb_buf_putc(struct sb_buf *b, int c)
{
	char ch = (char)c;

	sb_buf_put(b, &ch, 1);
}

void
sb_buf_puts(struct sb_buf *b, const char *s)
{
	sb_buf_put(b, s, strlen(s));
}

void
sb_buf_put_u16le(struct sb_buf *b, uint16_t v)
{
	unsigned char x[2] = { v & 0xff, v >> 8 };

	sb_buf_put(b, x, 2);
}

void
sb_buf_put_u32le(struct sb_buf *b, uint32_t v)
{
	unsigned char x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    v >> 24 };

	sb_buf_put(b, x, 4);
}

void
sb_buf_align(struct sb_buf *b, size_t n)
{
	static const char zero[64];

	while (b->len % n)
		sb_buf_put(b, zero, n - b->len % n > sizeof zero ? sizeof zero :
		    n - b->len % n);
}

void
sb_buf_vprintf(struct sb_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sb_buf_reserve(b, (size_t)n + 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sb_buf_printf(struct sb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
sb_buf_take(struct sb_buf *b)
{
	char *p = b->data;

	if (!p)
		p = xcalloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int
sb_buf_read(struct sb_buf *b, FILE *f)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_buf_put(b, chunk, n);
	return ferror(f) ? -1 : 0;
}
