/*
** Growable byte buffer. Owns its bytes: whoever initialises one frees it
** with sb_buf_free(). The bytes are always NUL-terminated past len.
*/
#ifndef SB_COMMON_BUF_H
#define SB_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/util.h"

struct sb_buf {
	char *data;     /* the bytes; NULL until the first write */
	size_t len;     /* bytes written */
	size_t cap;     /* bytes allocated, the NUL excluded */
};

#define SB_BUF_INIT { NULL, 0, 0 }

void sb_buf_free(struct sb_buf *b);
/* Make room for N more bytes. */
void sb_buf_reserve(struct sb_buf *b, size_t n);
void sb_buf_put(struct sb_buf *b, const void *p, size_t n);
void sb_buf_putc(struct sb_buf *b, int c);
void sb_buf_puts(struct sb_buf *b, const char *s);
void sb_buf_put_u16le(struct sb_buf *b, uint16_t v);
void sb_buf_put_u32le(struct sb_buf *b, uint32_t v);
/* Pad with zero bytes to a multiple of N. */
void sb_buf_align(struct sb_buf *b, size_t n);
void sb_buf_printf(struct sb_buf *b, const char *fmt, ...) SB_PRINTF(2, 3);
void sb_buf_vprintf(struct sb_buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (free() them) and reset B. */
char *sb_buf_take(struct sb_buf *b);
/* Append everything left in F to B: 0, or -1 after a read error (errno). */
int sb_buf_read(struct sb_buf *b, FILE *f);

#endif
