/*
** The libxml2 adapter (DESIGN.md §3): XML property lists read into a
** small tree (entitlements, Container.plist). Nothing else includes a
** libxml2 header. The streaming writer for Cobertura and JUnit joins it
** when those outputs land.
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

#endif
