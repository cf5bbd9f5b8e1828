/*
** The kernel-control socket between sbpl-mirrord and the mirror kext
** (DESIGN.md §8): message layouts, their encoders and strict decoders,
** and the kext's side of each request over the registry (registry.h).
** The socket itself is mirror_kext.c's (ctl_register) and
** sbpl-mirrord.c's (connect, setsockopt, getsockopt); everything here is
** plain bytes, so both ends and the tests share it.
**
** Transport. Requests that change state (load, unload) are setsockopt
** values with option SB_CTL_OPT_SET; the kext answers with an errno only.
** Requests that read (counters, samples, status) are getsockopt values
** with option SB_CTL_OPT_GET: xnu copies the caller's buffer in first, so
** the request travels in it and the reply replaces it, up to the
** buffer's size.
**
** Layout. Every message starts with a 16-byte header; all integers are
** little-endian; reserved and padding bytes must be zero.
**
**   header    u32 magic "SBKC"  u16 version 1  u16 type
**             u32 length (whole message)  u32 status (replies; 0 in requests)
**   LOAD      key[32] (SHA-256 of the blob)  target[16] (NUL-padded name)
**             u32 nrules  u16 k (samples per rule)  u16 nslots (ring)
**             u32 bloblen  u32 nmap  blob, padded to 4  u32 map[nmap]
**             (nmap 0: no rule map; every verdict counts as rule 0)
**   UNLOAD    key[32]
**   COUNTERS  request: key[32]  u32 start  u32 max
**             reply: key[32]  u32 nrules  u32 ncols  u32 next  u32 size
**             u32 refs  u32 ncells  u64 evals  u64 failures  u64 unmapped
**             u64 dropped  u64 missed  then ncells cells of
**             u32 rule  u16 op  u8 deny  u8 0  u64 count
**   SAMPLES   request: key[32]  u32 max
**             reply: key[32]  u32 nsamples  u32 0  then each sample:
**             u64 seq  i64 ts  i32 pid  u32 rule  u16 op  u8 deny  u8 flags
**             u8 nfacts  u8 0  u16 textlen  nfacts x (u8 filter  u8 kind
**             u16 off  u16 len  u16 0  u32 i  i32 port)  text, padded to 8
**   STATUS    request: empty
**             reply: u32 last status  u32 decode code  u32 decode offset
**             u32 profiles  u64 missed  msg[64] (NUL-padded)
**
** Freestanding (kext/freestanding.h): decoding allocates nothing and
** reads nothing outside the buffer it is given.
*/
#ifndef SB_KEXT_MACOS_CTL_H
#define SB_KEXT_MACOS_CTL_H

#include "kext/freestanding.h"
#include "kext/macos/counters.h"

#define SB_CTL_NAME "org.sbpl-tools.mirror"     /* the control's name */
#define SB_CTL_MAGIC 0x434b4253u                /* "SBKC" */
#define SB_CTL_VERSION 1

/* Socket option names (the level is SYSPROTO_CONTROL). */
enum { SB_CTL_OPT_SET = 1, SB_CTL_OPT_GET = 2 };

enum sb_ctl_type {
	SB_CTL_LOAD = 1,
	SB_CTL_UNLOAD = 2,
	SB_CTL_COUNTERS = 3,
	SB_CTL_SAMPLES = 4,
	SB_CTL_STATUS = 5
};

/* Limits of the protocol: what a LOAD may ask the kernel to allocate. */
enum {
	SB_CTL_HEADER = 16,
	SB_CTL_MAX_BLOB = 4 << 20,      /* bytes: far above FORMAT.md §10's limits */
	SB_CTL_MAX_RULES = 1 << 20,     /* rule ids */
	SB_CTL_MAX_K = 64,              /* samples per rule */
	SB_CTL_MAX_SLOTS = 4096,        /* ring slots */
	SB_CTL_MAX_COUNTERS = 64 << 20, /* bytes of counters and ring per profile */
	SB_CTL_TARGET = 16,             /* bytes of the target name field */
	SB_CTL_MSG = 64,                /* bytes of STATUS's message */
	SB_CTL_CELL = 16,               /* bytes per counter cell */
	SB_CTL_SAMPLE_FIXED = 32,       /* bytes per sample before its facts */
	SB_CTL_SAMPLE_FACT = 16         /* bytes per sample fact */
};

/* Outcomes, in reply headers and as the kext's errno (mirror_kext.c). */
enum sb_kstatus {
	SB_KST_OK,
	SB_KST_MALFORMED,       /* header, sizes, padding or fields invalid */
	SB_KST_VERSION,         /* another protocol version */
	SB_KST_TARGET,          /* a target the kext does not know */
	SB_KST_HASH,            /* the key is not the blob's SHA-256 */
	SB_KST_BLOB,            /* the blob or rule map failed sb_decode() */
	SB_KST_LIMIT,           /* too big, or too many profiles loaded */
	SB_KST_NOMEM,           /* the kernel could not allocate it */
	SB_KST_NOTFOUND,        /* no loaded profile has that key */
	SB_KST_SPACE,           /* the reply buffer is too small */
	SB_KST_COUNT
};

/* "ok", "malformed message", ...: static, lower case. */
const char *sb_kstatus_text(int st);

/* A LOAD as decoded: pointers into the message. */
struct sb_ctl_load {
	uint8_t key[32];
	char target[SB_CTL_TARGET];     /* NUL-terminated */
	uint32_t nrules;
	uint16_t k;
	uint16_t nslots;
	const uint8_t *blob;
	uint32_t bloblen;
	const uint8_t *map;             /* nmap little-endian u32 */
	uint32_t nmap;
};

/* Any request as decoded. */
struct sb_ctl_msg {
	uint16_t type;                  /* enum sb_ctl_type */
	uint32_t length;
	union {
		struct sb_ctl_load load;        /* LOAD */
		uint8_t key[32];                /* UNLOAD */
		struct {
			uint8_t key[32];
			uint32_t start, max;
		} counters;                     /* COUNTERS */
		struct {
			uint8_t key[32];
			uint32_t max;
		} samples;                      /* SAMPLES */
	} u;
};

/*
** Decode the request at BUF: its header's length must be at most LEN
** (setsockopt passes exactly the message; getsockopt a larger buffer).
** Returns SB_KST_OK, SB_KST_MALFORMED or SB_KST_VERSION.
*/
int sb_ctl_decode(const void *buf, size_t len, struct sb_ctl_msg *m);

/*
** Encoders for the daemon: write the message into BUF of CAP bytes and
** return its length, or 0 when CAP is too small or a field is out of the
** protocol's limits. LOAD takes the rule map as host integers in MAP
** (M->map is ignored) and copies M->key, target and blob.
*/
size_t sb_ctl_load_size(uint32_t bloblen, uint32_t nmap);
size_t sb_ctl_encode_load(void *buf, size_t cap, const struct sb_ctl_load *m,
                          const uint32_t *map);
size_t sb_ctl_encode_unload(void *buf, size_t cap, const uint8_t key[32]);
size_t sb_ctl_encode_counters(void *buf, size_t cap, const uint8_t key[32],
                              uint32_t start, uint32_t max);
size_t sb_ctl_encode_samples(void *buf, size_t cap, const uint8_t key[32],
                             uint32_t max);
size_t sb_ctl_encode_status(void *buf, size_t cap);

/* Bytes a COUNTERS reply with N cells takes. */
size_t sb_ctl_counters_size(uint32_t n);

/* A COUNTERS reply as decoded; cells stay encoded in the buffer. */
struct sb_ctl_counters {
	uint32_t status;
	uint8_t key[32];
	uint32_t nrules, ncols, next, size, refs, ncells;
	uint64_t evals, failures, unmapped, dropped, missed;
	const uint8_t *cells;           /* ncells x SB_CTL_CELL bytes */
};

/*
** Decode the reply in the LEN bytes at BUF. A reply whose status is not
** SB_KST_OK may be a bare header: then only status is set. Returns
** SB_KST_OK when the layout is valid (whatever the status it carries),
** else SB_KST_MALFORMED or SB_KST_VERSION.
*/
int sb_ctl_decode_counters(const void *buf, size_t len,
                           struct sb_ctl_counters *out);
/* Cell I (< ncells) of a decoded reply. */
void sb_ctl_cell(const struct sb_ctl_counters *r, uint32_t i,
                 struct sb_kcell *out);

/* A SAMPLES reply as decoded; samples stay encoded. */
struct sb_ctl_samples {
	uint32_t status;
	uint8_t key[32];
	uint32_t nsamples;
	const uint8_t *p;               /* the first sample */
	size_t len;                     /* bytes of samples */
};

int sb_ctl_decode_samples(const void *buf, size_t len,
                          struct sb_ctl_samples *out);
/*
** The sample at *POS (0 for the first) of a decoded reply into *OUT;
** advances *POS. Returns 0, or -1 after the last one.
*/
int sb_ctl_sample(const struct sb_ctl_samples *r, size_t *pos,
                  struct sb_ksample *out);

/* A STATUS reply as decoded. */
struct sb_ctl_status {
	uint32_t status;                /* of the reply */
	uint32_t last;                  /* outcome of the last LOAD or UNLOAD */
	uint32_t code, offset;          /* its sb_decode() error, when SB_KST_BLOB */
	uint32_t profiles;              /* loaded now */
	uint64_t missed;                /* accesses with no free work area */
	char msg[SB_CTL_MSG];           /* NUL-terminated */
};

int sb_ctl_decode_status(const void *buf, size_t len,
                         struct sb_ctl_status *out);

/* --- the kext's side -------------------------------------------------------- */

struct sb_kreg;

/*
** Carry out the LOAD or UNLOAD in the LEN bytes at BUF against R.
** Returns an enum sb_kstatus; other request types are SB_KST_MALFORMED.
*/
int sb_ctl_serve_set(struct sb_kreg *r, const void *buf, size_t len);

/*
** Answer the COUNTERS, SAMPLES or STATUS request at the start of BUF (CAP
** bytes, the getsockopt buffer) with a reply written over it, whose
** length goes to *OUTLEN. Returns the reply's status; a bare header is
** written for errors when CAP allows, else *OUTLEN is 0.
*/
int sb_ctl_serve_get(struct sb_kreg *r, void *buf, size_t cap,
                     size_t *outlen);

#endif
