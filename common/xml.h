/*
** The libxml2 adapter (DESIGN.md §3): XML property lists read into a
** small tree (entitlements, Container.plist). Nothing else includes a
** libxml2 header. Also a streaming writer for JUnit and Cobertura.
*/
#ifndef SB_COMMON_XML_H
#define SB_COMMON_XML_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

enum sb_plist_kind {
	SB_PL_DICT, SB_PL_ARRAY, SB_PL_STRING, SB_PL_INT, SB_PL_BOOL,
	SB_PL_REAL, SB_PL_DATA, SB_PL_DATE
};

struct sb_plist {
	enum sb_plist_kind kind;
	const char *s;                  /* STRING, DATA (base64 text), DATE, REAL */
	int64_t i;                      /* INT; BOOL 0 or 1 */
	const char **keys;              /* DICT: keys, in document order */
	struct sb_plist **v;            /* DICT values, ARRAY items */
	uint32_t n;
	uint32_t line;                  /* where the element starts */
};

/* Where and why a document was rejected. */
struct sb_xml_error {
	uint32_t line, col;             /* 1-based; col 0 when unknown */
	char msg[200];
};

/*
** Parse the LEN bytes at TEXT as an XML property list into a tree in A.
** Returns the root's value, or NULL with *ERR filled. Entities are not
** expanded and nothing is fetched from the network.
*/
struct sb_plist *sb_plist_parse(struct sb_arena *a, const char *text,
    size_t len, struct sb_xml_error *err);
/* The value of KEY in DICT, or NULL. */
const struct sb_plist *sb_plist_get(const struct sb_plist *dict,
    const char *key);

/*
** A streaming XML writer (JUnit, Cobertura), through libxml2's text writer:
** UTF-8, two-space indentation, attributes in the order written. Invalid
** UTF-8 and control characters in text are replaced so the document
** stays well formed. Make one with sb_xmlw_new(), finish it with
** sb_xmlw_finish(), which returns the document (the caller free()s it)
** and frees the writer.
*/
struct sb_xmlw;

struct sb_xmlw *sb_xmlw_new(void);
/*
** <!DOCTYPE NAME SYSTEM "SYSID">, or PUBLIC "PUBID" "SYSID" when PUBID is
** not NULL. Call it once, before the first sb_xmlw_start().
*/
void sb_xmlw_doctype(struct sb_xmlw *w, const char *name, const char *pubid,
    const char *sysid);
void sb_xmlw_start(struct sb_xmlw *w, const char *name);
void sb_xmlw_attr(struct sb_xmlw *w, const char *name, const char *value);
void sb_xmlw_text(struct sb_xmlw *w, const char *text);
void sb_xmlw_end(struct sb_xmlw *w);
/* End every open element and return the document; NULL on failure. */
char *sb_xmlw_finish(struct sb_xmlw *w, size_t *len);

#endif
