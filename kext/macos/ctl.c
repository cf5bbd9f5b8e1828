/*
** ctl.c: the control socket's messages (layouts in ctl.h) and the kext's
** answers to them. Decoders check every length against the bytes they
** were given before reading, every count against the protocol's limits,
** and every reserved or padding byte for zero: a message is either
** exactly what ctl.h says or refused whole.
*/
#include "kext/macos/ctl.h"
#include "kext/macos/registry.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

enum {
	LOAD_FIXED = 64,        /* LOAD body before the blob */
	COUNTERS_FIXED = 96,    /* COUNTERS reply body before the cells */
	SAMPLES_FIXED = 40,     /* SAMPLES reply body before the samples */
	STATUS_BODY = 24 + SB_CTL_MSG
};

static const char *const status_text[SB_KST_COUNT] = {
	"ok",
	"malformed message",
	"another protocol version",
	"unknown target",
	"key is not the blob's SHA-256",
	"blob or rule map is invalid",
	"over the kext's limits",
	"out of kernel memory",
	"no such profile loaded",
	"reply buffer too small",
};

const char *
sb_kstatus_text(int st)
{
	if (st < 0 || st >= SB_KST_COUNT)
		return "unknown status";
	return status_text[st];
}

/* --- bytes ------------------------------------------------------------------ */

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static void
wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static bool
zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t
pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void
header(uint8_t *p, uint16_t type, uint32_t length, uint32_t status)
{
	wr32(p, SB_CTL_MAGIC);
	wr16(p + 4, SB_CTL_VERSION);
	wr16(p + 6, type);
	wr32(p + 8, length);
	wr32(p + 12, status);
}

/*
** Check the header at P (LEN bytes available): magic, version, a length
** that fits LEN and holds the header. Returns a status; *TYPE, *LENGTH
** and *STATUS get the fields.
*/
static int
read_header(const uint8_t *p, size_t len, uint16_t *type, uint32_t *length,
            uint32_t *status)
{
	if (len < SB_CTL_HEADER || rd32(p) != SB_CTL_MAGIC)
		return SB_KST_MALFORMED;
	if (rd16(p + 4) != SB_CTL_VERSION)
		return SB_KST_VERSION;
	*type = rd16(p + 6);
	*length = rd32(p + 8);
	*status = rd32(p + 12);
	if (*length < SB_CTL_HEADER || *length > len)
		return SB_KST_MALFORMED;
	return SB_KST_OK;
}

/* --- requests ---------------------------------------------------------------- */

static int
decode_load(const uint8_t *b, uint32_t n, struct sb_ctl_load *m)
{
	const uint8_t *t = b + 32;
	size_t tlen = 0, blobend;

	if (n < LOAD_FIXED)
		return SB_KST_MALFORMED;
	memcpy(m->key, b, 32);
	while (tlen < SB_CTL_TARGET && t[tlen])
		tlen++;
	/* a name, NUL-terminated inside the field, zeros after it */
	if (tlen == 0 || tlen == SB_CTL_TARGET ||
	    !zero(t + tlen, SB_CTL_TARGET - tlen))
		return SB_KST_MALFORMED;
	memcpy(m->target, t, SB_CTL_TARGET);
	m->nrules = rd32(b + 48);
	m->k = rd16(b + 52);
	m->nslots = rd16(b + 54);
	m->bloblen = rd32(b + 56);
	m->nmap = rd32(b + 60);
	if (m->nrules > SB_CTL_MAX_RULES || m->k > SB_CTL_MAX_K ||
	    m->nslots > SB_CTL_MAX_SLOTS || m->bloblen == 0 ||
	    m->bloblen > SB_CTL_MAX_BLOB || m->nmap > SB_BIN_MAX_NODES)
		return SB_KST_MALFORMED;
	blobend = LOAD_FIXED + (size_t)m->bloblen;
	if ((size_t)n != pad4(blobend) + (size_t)m->nmap * 4 ||
	    !zero(b + blobend, pad4(blobend) - blobend))
		return SB_KST_MALFORMED;
	m->blob = b + LOAD_FIXED;
	m->map = b + pad4(blobend);
	return SB_KST_OK;
}

int
sb_ctl_decode(const void *buf, size_t len, struct sb_ctl_msg *m)
{
	const uint8_t *p = buf;
	uint32_t length, status, n;
	uint16_t type;
	int st;

	memset(m, 0, sizeof *m);
	if ((st = read_header(p, len, &type, &length, &status)) != SB_KST_OK)
		return st;
	if (status != 0)
		return SB_KST_MALFORMED;
	m->type = type;
	m->length = length;
	n = length - SB_CTL_HEADER;
	p += SB_CTL_HEADER;
	switch (type) {
	case SB_CTL_LOAD:
		return decode_load(p, n, &m->u.load);
	case SB_CTL_UNLOAD:
		if (n != 32)
			return SB_KST_MALFORMED;
		memcpy(m->u.key, p, 32);
		return SB_KST_OK;
	case SB_CTL_COUNTERS:
		if (n != 40)
			return SB_KST_MALFORMED;
		memcpy(m->u.counters.key, p, 32);
		m->u.counters.start = rd32(p + 32);
		m->u.counters.max = rd32(p + 36);
		return SB_KST_OK;
	case SB_CTL_SAMPLES:
		if (n != 36)
			return SB_KST_MALFORMED;
		memcpy(m->u.samples.key, p, 32);
		m->u.samples.max = rd32(p + 32);
		return SB_KST_OK;
	case SB_CTL_STATUS:
		return n == 0 ? SB_KST_OK : SB_KST_MALFORMED;
	}
	return SB_KST_MALFORMED;
}

size_t
sb_ctl_load_size(uint32_t bloblen, uint32_t nmap)
{
	return SB_CTL_HEADER + pad4(LOAD_FIXED + (size_t)bloblen) +
	       (size_t)nmap * 4;
}

size_t
sb_ctl_encode_load(void *buf, size_t cap, const struct sb_ctl_load *m,
                   const uint32_t *map)
{
	uint8_t *p = buf, *b = p + SB_CTL_HEADER;
	size_t len = sb_ctl_load_size(m->bloblen, m->nmap), tlen = 0;
	size_t blobend = LOAD_FIXED + (size_t)m->bloblen;

	while (tlen < SB_CTL_TARGET && m->target[tlen])
		tlen++;
	if (len > cap || tlen == 0 || tlen == SB_CTL_TARGET ||
	    m->nrules > SB_CTL_MAX_RULES || m->k > SB_CTL_MAX_K ||
	    m->nslots > SB_CTL_MAX_SLOTS || m->bloblen == 0 ||
	    m->bloblen > SB_CTL_MAX_BLOB || m->nmap > SB_BIN_MAX_NODES)
		return 0;
	memset(p, 0, len);
	header(p, SB_CTL_LOAD, (uint32_t)len, 0);
	memcpy(b, m->key, 32);
	memcpy(b + 32, m->target, tlen);
	wr32(b + 48, m->nrules);
	wr16(b + 52, m->k);
	wr16(b + 54, m->nslots);
	wr32(b + 56, m->bloblen);
	wr32(b + 60, m->nmap);
	memcpy(b + LOAD_FIXED, m->blob, m->bloblen);
	for (uint32_t i = 0; i < m->nmap; i++)
		wr32(b + pad4(blobend) + 4 * i, map[i]);
	return len;
}

static size_t
encode_keyed(void *buf, size_t cap, uint16_t type, const uint8_t key[32],
             uint32_t a, uint32_t b, size_t nwords)
{
	uint8_t *p = buf;
	size_t len = SB_CTL_HEADER + 32 + 4 * nwords;

	if (len > cap)
		return 0;
	header(p, type, (uint32_t)len, 0);
	memcpy(p + SB_CTL_HEADER, key, 32);
	if (nwords > 0)
		wr32(p + SB_CTL_HEADER + 32, a);
	if (nwords > 1)
		wr32(p + SB_CTL_HEADER + 36, b);
	return len;
}

size_t
sb_ctl_encode_unload(void *buf, size_t cap, const uint8_t key[32])
{
	return encode_keyed(buf, cap, SB_CTL_UNLOAD, key, 0, 0, 0);
}

size_t
sb_ctl_encode_counters(void *buf, size_t cap, const uint8_t key[32],
                       uint32_t start, uint32_t max)
{
	return encode_keyed(buf, cap, SB_CTL_COUNTERS, key, start, max, 2);
}

size_t
sb_ctl_encode_samples(void *buf, size_t cap, const uint8_t key[32],
                      uint32_t max)
{
	return encode_keyed(buf, cap, SB_CTL_SAMPLES, key, max, 0, 1);
}

size_t
sb_ctl_encode_status(void *buf, size_t cap)
{
	if (cap < SB_CTL_HEADER)
		return 0;
	header(buf, SB_CTL_STATUS, SB_CTL_HEADER, 0);
	return SB_CTL_HEADER;
}

/* --- replies ------------------------------------------------------------------ */

size_t
sb_ctl_counters_size(uint32_t n)
{
	return SB_CTL_HEADER + COUNTERS_FIXED + (size_t)n * SB_CTL_CELL;
}

/*
** Check a reply's header: TYPE, and the exact LEN. A reply that carries
** an error may be a bare header (*BARE set).
*/
static int
reply_header(const uint8_t *p, size_t len, uint16_t want, uint32_t *status,
             bool *bare)
{
	uint32_t length;
	uint16_t type;
	int st;

	if ((st = read_header(p, len, &type, &length, status)) != SB_KST_OK)
		return st;
	if (type != want || length != len || *status >= SB_KST_COUNT)
		return SB_KST_MALFORMED;
	*bare = len == SB_CTL_HEADER;
	if (*bare && *status == SB_KST_OK)
		return SB_KST_MALFORMED;
	return SB_KST_OK;
}

int
sb_ctl_decode_counters(const void *buf, size_t len,
                       struct sb_ctl_counters *out)
{
	const uint8_t *p = buf, *b = p + SB_CTL_HEADER;
	bool bare;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = reply_header(p, len, SB_CTL_COUNTERS, &out->status,
	                       &bare)) != SB_KST_OK || bare)
		return st;
	if (len < SB_CTL_HEADER + COUNTERS_FIXED)
		return SB_KST_MALFORMED;
	memcpy(out->key, b, 32);
	out->nrules = rd32(b + 32);
	out->ncols = rd32(b + 36);
	out->next = rd32(b + 40);
	out->size = rd32(b + 44);
	out->refs = rd32(b + 48);
	out->ncells = rd32(b + 52);
	out->evals = rd64(b + 56);
	out->failures = rd64(b + 64);
	out->unmapped = rd64(b + 72);
	out->dropped = rd64(b + 80);
	out->missed = rd64(b + 88);
	out->cells = b + COUNTERS_FIXED;
	if (out->ncells > (len - SB_CTL_HEADER - COUNTERS_FIXED) /
	    SB_CTL_CELL || len != sb_ctl_counters_size(out->ncells) ||
	    out->next > out->size || out->ncols > SB_KCOUNTERS_MAX_SLOTS)
		return SB_KST_MALFORMED;
	for (uint32_t i = 0; i < out->ncells; i++) {
		const uint8_t *c = out->cells + (size_t)i * SB_CTL_CELL;
		if (c[6] > 1 || c[7] != 0 || rd32(c) > out->nrules)
			return SB_KST_MALFORMED;
	}
	return SB_KST_OK;
}

void
sb_ctl_cell(const struct sb_ctl_counters *r, uint32_t i,
            struct sb_kcell *out)
{
	const uint8_t *c = r->cells + (size_t)i * SB_CTL_CELL;

	out->rule = rd32(c);
	out->op = rd16(c + 4);
	out->deny = c[6];
	out->count = rd64(c + 8);
}

/*
** Check the sample at P (N bytes left) and return its encoded size, or
** 0 when it is malformed.
*/
static size_t
check_sample(const uint8_t *p, size_t n)
{
	size_t size;
	uint32_t nfacts, textlen, i;

	if (n < SB_CTL_SAMPLE_FIXED)
		return 0;
	nfacts = p[28];
	textlen = rd16(p + 30);
	if (p[26] > 1 || (p[27] & ~(SB_KSAMPLE_TRUNCATED |
	                              SB_KSAMPLE_MISSING)) || p[29] ||
	    nfacts > SB_KSAMPLE_FACTS || textlen > SB_KSAMPLE_TEXT)
		return 0;
	size = SB_CTL_SAMPLE_FIXED + (size_t)nfacts * SB_CTL_SAMPLE_FACT;
	if (size + textlen > n || pad8(size + textlen) > n)
		return 0;
	for (i = 0; i < nfacts; i++) {
		const uint8_t *f = p + SB_CTL_SAMPLE_FIXED +
		                   i * SB_CTL_SAMPLE_FACT;
		uint32_t off = rd16(f + 2), len = rd16(f + 4);
		if ((f[1] != SB_FACT_STRING && f[1] != SB_FACT_INT &&
		     f[1] != SB_FACT_BOOL && f[1] != SB_FACT_NETWORK) ||
		    f[6] || f[7] || off > textlen || len > textlen - off)
			return 0;
	}
	if (!zero(p + size + textlen, pad8(size + textlen) - size - textlen))
		return 0;
	return pad8(size + textlen);
}

int
sb_ctl_decode_samples(const void *buf, size_t len,
                      struct sb_ctl_samples *out)
{
	const uint8_t *p = buf, *b = p + SB_CTL_HEADER;
	size_t pos = 0, n;
	bool bare;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = reply_header(p, len, SB_CTL_SAMPLES, &out->status,
	                       &bare)) != SB_KST_OK || bare)
		return st;
	if (len < SB_CTL_HEADER + SAMPLES_FIXED || !zero(b + 36, 4))
		return SB_KST_MALFORMED;
	memcpy(out->key, b, 32);
	out->nsamples = rd32(b + 32);
	out->p = b + SAMPLES_FIXED;
	out->len = len - SB_CTL_HEADER - SAMPLES_FIXED;
	for (uint32_t i = 0; i < out->nsamples; i++) {
		if (!(n = check_sample(out->p + pos, out->len - pos)))
			return SB_KST_MALFORMED;
		pos += n;
	}
	return pos == out->len ? SB_KST_OK : SB_KST_MALFORMED;
}

int
sb_ctl_sample(const struct sb_ctl_samples *r, size_t *pos,
              struct sb_ksample *out)
{
	const uint8_t *p = r->p + *pos;
	size_t n;

	if (*pos >= r->len || !(n = check_sample(p, r->len - *pos)))
		return -1;
	memset(out, 0, sizeof *out);
	out->seq = rd64(p);
	out->ts = (int64_t)rd64(p + 8);
	out->pid = (int32_t)rd32(p + 16);
	out->rule = rd32(p + 20);
	out->op = rd16(p + 24);
	out->deny = p[26];
	out->flags = p[27];
	out->nfacts = p[28];
	out->textlen = rd16(p + 30);
	for (uint32_t i = 0; i < out->nfacts; i++) {
		const uint8_t *f = p + SB_CTL_SAMPLE_FIXED +
		                   i * SB_CTL_SAMPLE_FACT;
		out->facts[i].filter = f[0];
		out->facts[i].kind = f[1];
		out->facts[i].off = rd16(f + 2);
		out->facts[i].len = rd16(f + 4);
		out->facts[i].i = rd32(f + 8);
		out->facts[i].port = (int32_t)rd32(f + 12);
	}
	memcpy(out->text, p + SB_CTL_SAMPLE_FIXED +
	       (size_t)out->nfacts * SB_CTL_SAMPLE_FACT, out->textlen);
	*pos += n;
	return 0;
}

int
sb_ctl_decode_status(const void *buf, size_t len, struct sb_ctl_status *out)
{
	const uint8_t *p = buf, *b = p + SB_CTL_HEADER;
	size_t mlen = 0;
	bool bare;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = reply_header(p, len, SB_CTL_STATUS, &out->status,
	                       &bare)) != SB_KST_OK || bare)
		return st;
	if (len != SB_CTL_HEADER + STATUS_BODY)
		return SB_KST_MALFORMED;
	out->last = rd32(b);
	out->code = rd32(b + 4);
	out->offset = rd32(b + 8);
	out->profiles = rd32(b + 12);
	out->missed = rd64(b + 16);
	while (mlen < SB_CTL_MSG && b[24 + mlen])
		mlen++;
	if (mlen == SB_CTL_MSG || !zero(b + 24 + mlen, SB_CTL_MSG - mlen))
		return SB_KST_MALFORMED;
	memcpy(out->msg, b + 24, mlen + 1);
	return SB_KST_OK;
}

/* --- the kext's side ------------------------------------------------------------ */

int
sb_ctl_serve_set(struct sb_kreg *r, const void *buf, size_t len)
{
	struct sb_ctl_msg m;
	int st;

	if ((st = sb_ctl_decode(buf, len, &m)) != SB_KST_OK)
		return st;
	if (m.length != len)
		return SB_KST_MALFORMED;
	if (m.type == SB_CTL_LOAD)
		return sb_kreg_load(r, &m.u.load);
	if (m.type == SB_CTL_UNLOAD)
		return sb_kreg_unload(r, m.u.key);
	return SB_KST_MALFORMED;
}

/* An error reply: a bare header, when it fits. */
static int
bare(uint8_t *p, size_t cap, uint16_t type, int st, size_t *outlen)
{
	*outlen = 0;
	if (cap >= SB_CTL_HEADER) {
		header(p, type, SB_CTL_HEADER, (uint32_t)st);
		*outlen = SB_CTL_HEADER;
	}
	return st;
}

static int
serve_counters(struct sb_kreg *r, uint8_t *p, size_t cap,
               const struct sb_ctl_msg *m, size_t *outlen)
{
	uint8_t *b = p + SB_CTL_HEADER, *c;
	const struct sb_kcounters *k;
	struct sb_kprof *prof;
	struct sb_kcell cells[32];
	uint32_t max = m->u.counters.max, pos = m->u.counters.start, n = 0;
	uint32_t got, next, i;

	if (cap < sb_ctl_counters_size(0))
		return bare(p, cap, SB_CTL_COUNTERS, SB_KST_SPACE, outlen);
	if (!(prof = sb_kreg_find(r, m->u.counters.key)))
		return bare(p, cap, SB_CTL_COUNTERS, SB_KST_NOTFOUND, outlen);
	k = &prof->counters;
	if (max > (cap - sb_ctl_counters_size(0)) / SB_CTL_CELL)
		max = (uint32_t)((cap - sb_ctl_counters_size(0)) / SB_CTL_CELL);
	if (pos > sb_kcounters_size(k))
		pos = sb_kcounters_size(k);
	c = b + COUNTERS_FIXED;
	next = pos;
	while (n < max && next < sb_kcounters_size(k)) {
		uint32_t want = max - n < countof(cells) ? max - n :
		                (uint32_t)countof(cells);
		got = sb_kcounters_read(k, next, cells, want, &next);
		for (i = 0; i < got; i++, n++) {
			uint8_t *x = c + (size_t)n * SB_CTL_CELL;
			wr32(x, cells[i].rule);
			wr16(x + 4, cells[i].op);
			x[6] = cells[i].deny;
			x[7] = 0;
			wr64(x + 8, cells[i].count);
		}
	}
	header(p, SB_CTL_COUNTERS, (uint32_t)sb_ctl_counters_size(n),
	       SB_KST_OK);
	memcpy(b, prof->key, 32);
	wr32(b + 32, k->nrules);
	wr32(b + 36, k->ncols);
	wr32(b + 40, next);
	wr32(b + 44, sb_kcounters_size(k));
	wr32(b + 48, SB_ATOMIC_LOAD(&prof->refs));
	wr32(b + 52, n);
	wr64(b + 56, SB_ATOMIC_LOAD(&k->evals));
	wr64(b + 64, SB_ATOMIC_LOAD(&k->failures));
	wr64(b + 72, SB_ATOMIC_LOAD(&k->unmapped));
	wr64(b + 80, SB_ATOMIC_LOAD(&k->dropped));
	wr64(b + 88, SB_ATOMIC_LOAD(&r->missed));
	*outlen = sb_ctl_counters_size(n);
	return SB_KST_OK;
}

/* Where serve_samples() writes: the reply buffer and its room. */
struct sink {
	uint8_t *p;
	size_t pos, cap;
	uint32_t n, max;
};

static int
put_sample(void *ctx, const struct sb_ksample *s)
{
	struct sink *k = ctx;
	size_t size = SB_CTL_SAMPLE_FIXED + (size_t)s->nfacts *
	              SB_CTL_SAMPLE_FACT + s->textlen;
	uint8_t *p = k->p + k->pos;

	if (k->n == k->max || pad8(size) > k->cap - k->pos)
		return -1;
	memset(p, 0, pad8(size));
	wr64(p, s->seq);
	wr64(p + 8, (uint64_t)s->ts);
	wr32(p + 16, (uint32_t)s->pid);
	wr32(p + 20, s->rule);
	wr16(p + 24, s->op);
	p[26] = s->deny;
	p[27] = s->flags;
	p[28] = s->nfacts;
	wr16(p + 30, s->textlen);
	for (uint32_t i = 0; i < s->nfacts; i++) {
		uint8_t *f = p + SB_CTL_SAMPLE_FIXED + i * SB_CTL_SAMPLE_FACT;
		f[0] = s->facts[i].filter;
		f[1] = s->facts[i].kind;
		wr16(f + 2, s->facts[i].off);
		wr16(f + 4, s->facts[i].len);
		wr32(f + 8, s->facts[i].i);
		wr32(f + 12, (uint32_t)s->facts[i].port);
	}
	memcpy(p + SB_CTL_SAMPLE_FIXED + (size_t)s->nfacts *
	       SB_CTL_SAMPLE_FACT, s->text, s->textlen);
	k->pos += pad8(size);
	k->n++;
	return 0;
}

static int
serve_samples(struct sb_kreg *r, uint8_t *p, size_t cap,
              const struct sb_ctl_msg *m, size_t *outlen)
{
	struct sb_kprof *prof;
	struct sink k;

	if (cap < SB_CTL_HEADER + SAMPLES_FIXED)
		return bare(p, cap, SB_CTL_SAMPLES, SB_KST_SPACE, outlen);
	if (!(prof = sb_kreg_find(r, m->u.samples.key)))
		return bare(p, cap, SB_CTL_SAMPLES, SB_KST_NOTFOUND, outlen);
	k.p = p + SB_CTL_HEADER + SAMPLES_FIXED;
	k.pos = 0;
	k.cap = cap - SB_CTL_HEADER - SAMPLES_FIXED;
	k.n = 0;
	k.max = m->u.samples.max;
	sb_kcounters_take(&prof->counters, put_sample, &k);
	header(p, SB_CTL_SAMPLES, (uint32_t)(SB_CTL_HEADER + SAMPLES_FIXED +
	                                     k.pos), SB_KST_OK);
	memcpy(p + SB_CTL_HEADER, prof->key, 32);
	wr32(p + SB_CTL_HEADER + 32, k.n);
	wr32(p + SB_CTL_HEADER + 36, 0);
	*outlen = SB_CTL_HEADER + SAMPLES_FIXED + k.pos;
	return SB_KST_OK;
}

static int
serve_status(struct sb_kreg *r, uint8_t *p, size_t cap, size_t *outlen)
{
	uint8_t *b = p + SB_CTL_HEADER;
	const char *msg = r->last == SB_KST_BLOB && r->lasterr.msg ?
	                  r->lasterr.msg : sb_kstatus_text((int)r->last);
	size_t n = 0;

	if (cap < SB_CTL_HEADER + STATUS_BODY)
		return bare(p, cap, SB_CTL_STATUS, SB_KST_SPACE, outlen);
	memset(p, 0, SB_CTL_HEADER + STATUS_BODY);
	header(p, SB_CTL_STATUS, SB_CTL_HEADER + STATUS_BODY, SB_KST_OK);
	wr32(b, r->last);
	wr32(b + 4, (uint32_t)r->lasterr.code);
	wr32(b + 8, r->lasterr.offset);
	wr32(b + 12, r->nprofiles);
	wr64(b + 16, SB_ATOMIC_LOAD(&r->missed));
	while (msg[n] && n < SB_CTL_MSG - 1)
		n++;
	memcpy(b + 24, msg, n);
	*outlen = SB_CTL_HEADER + STATUS_BODY;
	return SB_KST_OK;
}

int
sb_ctl_serve_get(struct sb_kreg *r, void *buf, size_t cap, size_t *outlen)
{
	struct sb_ctl_msg m;
	uint8_t *p = buf;
	int st;

	*outlen = 0;
	if ((st = sb_ctl_decode(buf, cap, &m)) != SB_KST_OK)
		return bare(p, cap, cap >= 8 ? rd16(p + 6) : 0, st, outlen);
	/* the profile must not be freed under us; one sample reader at a time */
	sb_kreg_lock(r);
	switch (m.type) {
	case SB_CTL_COUNTERS:
		st = serve_counters(r, p, cap, &m, outlen);
		break;
	case SB_CTL_SAMPLES:
		st = serve_samples(r, p, cap, &m, outlen);
		break;
	case SB_CTL_STATUS:
		st = serve_status(r, p, cap, outlen);
		break;
	default:
		st = bare(p, cap, m.type, SB_KST_MALFORMED, outlen);
	}
	sb_kreg_unlock(r);
	return st;
}
