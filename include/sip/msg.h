/*
 * msg.h - a SIP message (RFC 3261 §7): start line, indexed headers, body.
 *
 * sip_msg_decode() splits the bytes once: start line, one entry per header
 * line (name, id, value slice), the body. Typed views of headers (Via,
 * From, CSeq, ...) are parsed on first use by the getters declared in
 * via.h, addr.h, cseq.h, ... and cached in the message's arena. Every
 * slice points into the message's bytes and lives exactly as long as it.
 */
#ifndef SIP_MSG_H
#define SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_arena;
struct sip_uri;

/* Limits, checked before use. */
enum {
	SIP_MSG_MAX_SIZE = 65535,   /* whole message, header section + body */
	SIP_MSG_MAX_HEAD = 32768,   /* start line + headers, bytes */
	SIP_MSG_MAX_HDRS = 256,     /* header lines */
	SIP_MSG_MAX_LINE = 8192,    /* one header line, folds included */
};

struct sip_hdr {
	enum sip_hdr_id id;
	struct sip_pl name;      /* as written */
	struct sip_pl value;     /* trimmed; may contain folds (CRLF + WS) */
	struct sip_hdr *next;    /* next header with the same id, or NULL */
};

struct sip_msg {
	struct sip_pl raw;        /* the message bytes, start line to body end */
	bool req;                 /* request (true) or response */
	/* request line */
	struct sip_pl method;
	enum sip_method mid;
	struct sip_pl ruri;       /* Request-URI text */
	/* status line */
	uint16_t scode;
	struct sip_pl reason;     /* may be empty */
	struct sip_pl version;    /* "SIP/2.0" as written */
	/* headers, in message order */
	struct sip_hdr *hdrs;
	size_t nhdrs;
	struct sip_pl body;
	size_t trailing;          /* datagram bytes after the body, ignored */
	/* first error met (start line, framing, or a typed header), or NULL:
	 * a reason phrase fit for a 400 response, e.g. "Bad CSeq header" */
	const char *err;
	enum sip_hdr_id err_hdr;

	/* private to src/sip/: arena, owner reference, parse caches */
	struct sip_msg_priv *priv;
};

enum sip_decode_flags {
	SIP_DECODE_STREAM = 1 << 0, /* from TCP/TLS: Content-Length required,
	                               the message must end with the body */
};

/**
 * Decode one whole message from @p p / @p len.
 *
 * If @p owner is a sip_mem object that keeps the bytes alive, the message
 * takes a reference to it and slices point into @p p (zero copy);
 * with @p owner NULL the bytes are copied once into the message's arena.
 *
 * Returns 0 and sets @p *mp (free with sip_msg_free()); EBADMSG when the
 * bytes cannot be split into a message at all (no end of the header
 * section); E2BIG when over a limit; ENOMEM. A decoded message may still
 * be invalid (bad start line, Content-Length beyond the bytes, a bad
 * header) so that a server can answer 400: m->err says why; call
 * sip_msg_check() before acting on it. On failure
 * @p *reason, if not NULL, gets a static reason phrase.
 */
int sip_msg_decode(struct sip_msg **mp, const char *p, size_t len,
		   void *owner, unsigned flags, const char **reason);

/** Free a message and everything parsed from it (NULL allowed). */
void sip_msg_free(struct sip_msg *m);

/** The message's arena: scratch that dies with the message. */
struct sip_arena *sip_msg_arena(struct sip_msg *m);

/**
 * Check what every element needs before acting on a message (the "lazy"
 * parse): start line and version, Via (top), From/To tags, Call-ID, CSeq
 * (and its method against the request's), Max-Forwards, Content-Length.
 * Returns 0, or EBADMSG with m->err naming the problem; ENOMEM.
 */
int sip_msg_check(struct sip_msg *m);

/* The identifiers a transaction or a stateless element needs first. */
struct sip_msg_keys {
	struct sip_pl via;          /* the top via-parm as written */
	struct sip_pl branch;       /* its branch; unset when absent */
	uint32_t cseq;
	struct sip_pl cseq_method;
	struct sip_pl callid;
	struct sip_pl from_tag;     /* unset when absent */
	struct sip_pl to_tag;       /* unset when absent */
};

/**
 * The "lazy" parse: read the top Via and its branch, CSeq, Call-ID and the
 * From/To tags without typing whole headers (no URI is parsed), as fast as
 * possible. Only what is read is checked; a full check is sip_msg_check().
 * Returns 0 and fills @p k; EBADMSG (m->err set) when one of these headers
 * is missing or unreadable.
 */
int sip_msg_keys(struct sip_msg *m, struct sip_msg_keys *k);

/**
 * Parse every known header into its typed form (the "full" parse).
 * Returns 0 or the first error (m->err names it).
 */
int sip_msg_parse_all(struct sip_msg *m);

/** First header with @p id, or NULL. */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *m, enum sip_hdr_id id);

/** First header named @p name (case-insensitive, any id), or NULL. */
const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *m, const char *name);

/** Number of header lines with @p id. */
size_t sip_msg_hdr_count(const struct sip_msg *m, enum sip_hdr_id id);

/** The parsed Request-URI (requests only). 0, EBADMSG, EPROTO (response). */
int sip_msg_ruri(struct sip_msg *m, const struct sip_uri **up);

/** Record the first error of @p m (later errors are ignored). */
void sip_msg_set_err(struct sip_msg *m, enum sip_hdr_id id, const char *reason);

enum sip_frame_kind {
	SIP_FRAME_MSG,        /* a message of *lenp bytes */
	SIP_FRAME_KEEPALIVE,  /* *lenp bytes of CRLF keep-alive (RFC 5626 §4.4.1) */
};

/**
 * Stream framer for TCP/TLS. Looks at the @p len buffered bytes at @p p.
 * Returns 0 with *kind and *lenp set; ENODATA when more bytes are needed;
 * EBADMSG when the stream cannot be framed (no or bad Content-Length,
 * garbage) and E2BIG when over a limit: the connection must be closed.
 * @p reason gets a static explanation on error.
 */
int sip_msg_frame(const char *p, size_t len, enum sip_frame_kind *kind,
		  size_t *lenp, const char **reason);

#endif
