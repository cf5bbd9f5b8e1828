/*
** Property lists through libxml2's tree API. The parser context is ours
** alone (no global error handler): errors are read back from it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "common/source.h"
#include "common/xml.h"

static int
named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
nextelem(const xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static struct sb_plist *
fail(struct sb_xml_error *err, const xmlNode *n, const char *fmt,
    const char *arg)
{
	err->line = n ? (uint32_t)xmlGetLineNo(n) : 0;
	err->col = 0;
	snprintf(err->msg, sizeof err->msg, fmt, arg);
	return NULL;
}

static const char *
text(struct sb_arena *a, const xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = sb_arena_strndup(a, c ? (const char *)c : "",
	    c ? strlen((const char *)c) : 0);

	xmlFree(c);
	return s;
}

static struct sb_plist *value(struct sb_arena *a, const xmlNode *n,
    struct sb_xml_error *err, int depth);

static struct sb_plist *
container(struct sb_arena *a, const xmlNode *n, struct sb_plist *p,
    struct sb_xml_error *err, int depth)
{
	const xmlNode *c;
	uint32_t k = 0, cap = 0;

	for (c = nextelem(n->children); c; c = nextelem(c->next))
		cap++;
	p->v = sb_arena_alloc(a, (cap ? cap : 1) * sizeof *p->v);
	p->keys = sb_arena_alloc(a, (cap ? cap : 1) * sizeof *p->keys);
	for (c = nextelem(n->children); c; c = nextelem(c->next)) {
		if (p->kind == SB_PL_DICT) {
			if (!named(c, "key"))
				return fail(err, c, "expected <key> in <dict>, "
				    "got <%s>", (const char *)c->name);
			p->keys[p->n] = text(a, c);
			c = nextelem(c->next);
			if (!c)
				return fail(err, n, "<key>%s</key> has no value",
				    p->keys[p->n]);
		}
		if (!(p->v[p->n] = value(a, c, err, depth + 1)))
			return NULL;
		p->n++;
		k++;
	}
	(void)k;
	return p;
}

static struct sb_plist *
value(struct sb_arena *a, const xmlNode *n, struct sb_xml_error *err,
    int depth)
{
	struct sb_plist *p = sb_arena_calloc(a, sizeof *p);
	char *end;

	if (depth > 64)
		return fail(err, n, "property list nested deeper than %s "
		    "levels", "64");
	p->line = (uint32_t)xmlGetLineNo(n);
	if (named(n, "dict") || named(n, "array")) {
		p->kind = named(n, "dict") ? SB_PL_DICT : SB_PL_ARRAY;
		return container(a, n, p, err, depth);
	}
	if (named(n, "string")) {
		p->kind = SB_PL_STRING;
		p->s = text(a, n);
	} else if (named(n, "integer")) {
		p->kind = SB_PL_INT;
		p->s = text(a, n);
		p->i = strtoll(p->s, &end, 10);
		if (!*p->s || *end)
			return fail(err, n, "'%s' is not an integer", p->s);
	} else if (named(n, "true") || named(n, "false")) {
		p->kind = SB_PL_BOOL;
		p->i = named(n, "true");
	} else if (named(n, "real")) {
		p->kind = SB_PL_REAL;
		p->s = text(a, n);
	} else if (named(n, "data")) {
		p->kind = SB_PL_DATA;
		p->s = text(a, n);
	} else if (named(n, "date")) {
		p->kind = SB_PL_DATE;
		p->s = text(a, n);
	} else {
		return fail(err, n, "unknown property list element <%s>",
		    (const char *)n->name);
	}
	return p;
}

struct sb_plist *
sb_plist_parse(struct sb_arena *a, const char *text, size_t len,
    struct sb_xml_error *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlNode *root, *top;
	struct sb_plist *p = NULL;
	const xmlError *xe;

	memset(err, 0, sizeof *err);
	if (len >= 8 && memcmp(text, "bplist00", 8) == 0) {
		err->line = 1;
		snprintf(err->msg, sizeof err->msg, "binary property list: "
		    "convert it with 'plutil -convert xml1' first");
		return NULL;
	}
	if (len > INT32_MAX) {
		snprintf(err->msg, sizeof err->msg, "property list too large");
		return NULL;
	}
	if (!(ctxt = xmlNewParserCtxt())) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, "plist", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		xe = xmlCtxtGetLastError(ctxt);
		err->line = xe ? (uint32_t)xe->line : 0;
		err->col = xe ? (uint32_t)xe->int2 : 0;
		snprintf(err->msg, sizeof err->msg, "malformed XML: %s",
		    xe && xe->message ? xe->message : "unknown error");
		/* libxml2 ends its messages with a newline */
		err->msg[strcspn(err->msg, "\n")] = 0;
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "plist"))
		fail(err, root, "expected a <plist> document, got <%s>",
		    root ? (const char *)root->name : "nothing");
	else if (!(top = nextelem(root->children)))
		fail(err, root, "empty <plist>%s", "");
	else
		p = value(a, top, err, 0);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return p;
}

const struct sb_plist *
sb_plist_get(const struct sb_plist *dict, const char *key)
{
	uint32_t i;

	if (!dict || dict->kind != SB_PL_DICT)
		return NULL;
	for (i = 0; i < dict->n; i++)
		if (strcmp(dict->keys[i], key) == 0)
			return dict->v[i];
	return NULL;
}

/* --- the writer -------------------------------------------------------- */

struct sb_xmlw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};

struct sb_xmlw *
sb_xmlw_new(void)
{
	struct sb_xmlw *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	x->buf = xmlBufferCreate();
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	if (!x->w) {
		if (x->buf)
			xmlBufferFree(x->buf);
		free(x);
		return NULL;
	}
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL);
	return x;
}

/* TEXT with invalid UTF-8 and control characters replaced; free() it. */
static char *
clean(const char *text)
{
	size_t n = strlen(text), i = 0, o = 0;
	char *r = malloc(3 * n + 1);

	if (!r)
		return NULL;
	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		uint32_t k = sb_utf8_seq(text + i, (uint32_t)(n - i));
		if (k == 0 || (c < 0x20 && c != '\n' && c != '\t' &&
		    c != '\r') || c == 0x7f) {
			memcpy(r + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(r + o, text + i, k);
		o += k;
		i += k;
	}
	r[o] = 0;
	return r;
}

void
sb_xmlw_doctype(struct sb_xmlw *w, const char *name, const char *pubid,
    const char *sysid)
{
	/* indenting, libxml2 would break the line before SYSTEM, and not
	** end the line after the declaration */
	xmlTextWriterSetIndent(w->w, 0);
	xmlTextWriterWriteDTD(w->w, BAD_CAST name, BAD_CAST pubid,
	    BAD_CAST sysid, NULL);
	xmlTextWriterWriteRaw(w->w, BAD_CAST "\n");
	xmlTextWriterSetIndent(w->w, 1);
}

void
sb_xmlw_start(struct sb_xmlw *w, const char *name)
{
	xmlTextWriterStartElement(w->w, BAD_CAST name);
}

void
sb_xmlw_attr(struct sb_xmlw *w, const char *name, const char *value)
{
	char *v = clean(value);

	xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST (v ? v :
	    ""));
	free(v);
}

void
sb_xmlw_text(struct sb_xmlw *w, const char *text)
{
	char *v = clean(text);

	xmlTextWriterWriteString(w->w, BAD_CAST (v ? v : ""));
	free(v);
}

void
sb_xmlw_end(struct sb_xmlw *w)
{
	xmlTextWriterEndElement(w->w);
}

char *
sb_xmlw_finish(struct sb_xmlw *w, size_t *len)
{
	char *r = NULL;
	int ok = xmlTextWriterEndDocument(w->w) >= 0;

	xmlFreeTextWriter(w->w);
	if (ok) {
		*len = (size_t)xmlBufferLength(w->buf);
		r = malloc(*len + 1);
		if (r) {
			memcpy(r, xmlBufferContent(w->buf), *len);
			r[*len] = 0;
		}
	}
	xmlBufferFree(w->buf);
	free(w);
	return r;
}
