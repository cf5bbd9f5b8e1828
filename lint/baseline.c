/*
** Baselines (LINT.md §7.4): --write-baseline records the current
** unsuppressed findings; --baseline hides findings that match an entry by
** id and finding fingerprint, as a multiset, and counts entries that no
** longer match. Reading goes through common/json.c.
*/
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/json_write.h"
#include "lint/lint.h"

int
sb_lint_baseline_apply(struct sb_lint *L, const char *path)
{
	char err[512], hex[17];
	struct sb_json *root = sb_json_load(path, err, sizeof err), *list;
	uint8_t *used;
	size_t n, k;
	uint32_t i, j, unmatched = 0;

	if (!root) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return -1;
	}
	list = sb_json_get(root, "findings");
	if (!sb_json_string(sb_json_get(root, "format")) ||
	    strcmp(sb_json_string(sb_json_get(root, "format")),
	    "sbpl-lint-baseline") != 0 || !list ||
	    sb_json_typeof(list) != SB_JSON_ARRAY) {
		fprintf(stderr, "%s: %s: not an sbpl-lint baseline (expected "
		    "\"format\": \"sbpl-lint-baseline\" and \"findings\")\n",
		    sb_progname(), path);
		sb_json_free(root);
		return -1;
	}
	n = sb_json_len(list);
	used = calloc(n + 1, 1);
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			struct sb_finding *f = &L->files[i].f[j];
			if (f->suppressed)
				continue;
			sb_lint_hex(f->fingerprint, hex);
			for (k = 0; k < n; k++) {
				const struct sb_json *e = sb_json_at(list, k);
				const char *id = sb_json_string(sb_json_get(e,
				    "id"));
				const char *fp = sb_json_string(sb_json_get(e,
				    "fingerprint"));
				if (used[k] || !id || !fp ||
				    strcmp(fp, hex) != 0 ||
				    sb_lint_check_find(id, strlen(id)) !=
				    (int)f->check)
					continue;
				used[k] = 1;
				f->suppressed = SB_SUPP_BASELINE;
				break;
			}
		}
	for (k = 0; k < n; k++)
		unmatched += !used[k];
	if (L->nfiles)
		L->files[0].baseline_unmatched = unmatched;
	free(used);
	sb_json_free(root);
	return 0;
}

int
sb_lint_baseline_write(const struct sb_lint *L, const char *path)
{
	struct sb_jw w;
	char hex[17];
	uint32_t i, j;
	FILE *f;
	int r = 0;

	sb_jw_init(&w);
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "format", "sbpl-lint-baseline");
	sb_jw_kint(&w, "version", 1);
	sb_jw_key(&w, "findings");
	sb_jw_arr(&w);
	for (i = 0; i < L->nfiles; i++)
		for (j = 0; j < L->files[i].nf; j++) {
			const struct sb_finding *x = &L->files[i].f[j];
			if (x->suppressed == SB_SUPP_SOURCE)
				continue;
			sb_jw_obj(&w);
			sb_jw_kstr(&w, "id", sb_lint_checks[x->check].id);
			sb_jw_kstr(&w, "fingerprint", sb_lint_hex(x->fingerprint,
			    hex));
			sb_jw_kstr(&w, "file", x->file ? x->file :
			    L->files[i].path);
			sb_jw_kstr(&w, "message", x->msg);
			sb_jw_end(&w, '}');
		}
	sb_jw_end(&w, ']');
	sb_jw_end(&w, '}');
	if (!(f = fopen(path, "w"))) {
		r = -1;
	} else {
		fputs(w.b.data, f);
		if (fclose(f) != 0)
			r = -1;
	}
	sb_jw_free(&w);
	return r;
}
