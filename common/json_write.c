/*
** The JSON writer of json_write.h.
*/
#include <string.h>

#include "common/source.h"
#include "common/json_write.h"

void
sb_jw_init(struct sb_jw *w)
{
	memset(w, 0, sizeof *w);
}

void
sb_jw_free(struct sb_jw *w)
{
	sb_buf_free(&w->b);
}

static void
indent(struct sb_jw *w, uint32_t depth)
{
	uint32_t i;

	sb_buf_putc(&w->b, '\n');
	for (i = 0; i < depth; i++)
		sb_buf_puts(&w->b, "  ");
}

/* Separator before a value (or a key) in the current container. */
static void
pre(struct sb_jw *w)
{
	if (w->afterkey) {
		w->afterkey = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth - 1])
		sb_buf_putc(&w->b, ',');
	w->count[w->depth - 1] = 1;
	indent(w, w->depth);
}

static void
openc(struct sb_jw *w, char c)
{
	pre(w);
	sb_buf_putc(&w->b, c);
	if (w->depth < SB_JW_DEPTH)
		w->count[w->depth] = 0;
	w->depth++;
}

void
sb_jw_obj(struct sb_jw *w)
{
	openc(w, '{');
}

void
sb_jw_arr(struct sb_jw *w)
{
	openc(w, '[');
}

void
sb_jw_end(struct sb_jw *w, char close)
{
	w->depth--;
	if (w->count[w->depth])
		indent(w, w->depth);
	sb_buf_putc(&w->b, close);
	if (w->depth == 0)
		sb_buf_putc(&w->b, '\n');
}

void
sb_jw_escape(struct sb_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t k;
		switch (c) {
		case '"': sb_buf_puts(b, "\\\""); i++; continue;
		case '\\': sb_buf_puts(b, "\\\\"); i++; continue;
		case '\n': sb_buf_puts(b, "\\n"); i++; continue;
		case '\r': sb_buf_puts(b, "\\r"); i++; continue;
		case '\t': sb_buf_puts(b, "\\t"); i++; continue;
		case '\b': sb_buf_puts(b, "\\b"); i++; continue;
		case '\f': sb_buf_puts(b, "\\f"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			sb_buf_printf(b, "\\u%04x", c);
			i++;
			continue;
		}
		k = sb_utf8_seq(s + i, (uint32_t)(n - i));
		if (k == 0) {
			sb_buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		sb_buf_put(b, s + i, k);
		i += k;
	}
}

void
sb_jw_key(struct sb_jw *w, const char *k)
{
	pre(w);
	sb_buf_putc(&w->b, '"');
	sb_jw_escape(&w->b, k, strlen(k));
	sb_buf_puts(&w->b, "\": ");
	w->afterkey = 1;
}

void
sb_jw_strn(struct sb_jw *w, const char *s, size_t n)
{
	pre(w);
	sb_buf_putc(&w->b, '"');
	sb_jw_escape(&w->b, s, n);
	sb_buf_putc(&w->b, '"');
}

void
sb_jw_str(struct sb_jw *w, const char *s)
{
	if (!s)
		sb_jw_null(w);
	else
		sb_jw_strn(w, s, strlen(s));
}

void
sb_jw_int(struct sb_jw *w, long long v)
{
	pre(w);
	sb_buf_printf(&w->b, "%lld", v);
}

void
sb_jw_bool(struct sb_jw *w, int v)
{
	pre(w);
	sb_buf_puts(&w->b, v ? "true" : "false");
}

void
sb_jw_null(struct sb_jw *w)
{
	pre(w);
	sb_buf_puts(&w->b, "null");
}

void
sb_jw_raw(struct sb_jw *w, const char *json)
{
	pre(w);
	sb_buf_puts(&w->b, json);
}

void
sb_jw_kstr(struct sb_jw *w, const char *k, const char *s)
{
	sb_jw_key(w, k);
	sb_jw_str(w, s);
}

void
sb_jw_kint(struct sb_jw *w, const char *k, long long v)
{
	sb_jw_key(w, k);
	sb_jw_int(w, v);
}
