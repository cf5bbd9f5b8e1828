/*
** GitHub workflow commands (LINT.md §5.5): one ::error, ::warning or
** ::notice line per unsuppressed finding. Data escapes % CR LF; property
** values also escape : and ,.
*/
#include "common/buf.h"
#include "lint/lint.h"

static void
escape(struct sb_buf *b, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': sb_buf_puts(b, "%25"); break;
		case '\r': sb_buf_puts(b, "%0D"); break;
		case '\n': sb_buf_puts(b, "%0A"); break;
		case ':':
			sb_buf_puts(b, property ? "%3A" : ":");
			break;
		case ',':
			sb_buf_puts(b, property ? "%2C" : ",");
			break;
		default:
			sb_buf_putc(b, *s);
		}
	}
}

void
sb_lint_emit_github(const struct sb_lint *L, FILE *out,
    const struct sb_emit_opts *eo)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i, j;

	(void)eo;
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			const struct sb_finding *f = &L->files[i].f[j];
			const struct sb_check_info *c = &sb_lint_checks[f->check];
			if (f->suppressed)
				continue;
			b.len = 0;
			sb_buf_printf(&b, "::%s file=", f->level == SB_LV_ERROR ?
			    "error" : f->level == SB_LV_WARNING ? "warning" :
			    "notice");
			escape(&b, f->file ? f->file : L->files[i].path, 1);
			if (f->haspos)
				sb_buf_printf(&b, ",line=%u,col=%u,endLine=%u,"
				    "endColumn=%u", f->start.line, f->start.col,
				    f->end.line, f->end.col);
			sb_buf_puts(&b, ",title=");
			escape(&b, c->label, 1);
			sb_buf_puts(&b, "::");
			escape(&b, f->msg, 0);
			fprintf(out, "%s\n", b.data);
		}
	sb_buf_free(&b);
}
