/*
 * out.h - building outgoing messages (RFC 3261 §7, §8.1.1, §8.2.6, §16.6).
 *
 * A struct sip_out is a start line plus an ordered list of header entries
 * and a body. It is built from typed parts, or from a received message
 * whose headers it borrows (the received message must outlive it), then
 * edited (Via pushed, Route popped, ...) and printed once. The received
 * buffer is never modified.
 */
#ifndef SIP_OUT_H
#define SIP_OUT_H

#include <stdint.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;
struct sip_out;

/** New request. @p method and @p ruri are copied. 0 or ENOMEM. */
int sip_out_request(struct sip_out **op, struct sip_pl method, struct sip_pl ruri);

/** New response with @p scode and @p reason (NULL: the RFC's phrase). */
int sip_out_response(struct sip_out **op, uint16_t scode, const char *reason);

enum sip_out_flags {
	SIP_OUT_CANON = 1 << 0, /* print typed headers from their parsed form,
	                           one value per line (needs a parsed message) */
};

/**
 * Start from received message @p m: same start line, every header, the
 * body. Borrows @p m (must outlive the result). With SIP_OUT_CANON every
 * header with a typed form is re-printed canonically. 0, ENOMEM, EBADMSG.
 */
int sip_out_from_msg(struct sip_out **op, struct sip_msg *m, unsigned flags);

/**
 * Response to request @p req per §8.2.6: Via (all), From, To (with
 * @p totag added when To has none and @p scode > 100; NULL for none),
 * Call-ID, CSeq copied; Timestamp copied for 100. Borrows @p req.
 */
int sip_out_reply(struct sip_out **op, struct sip_msg *req, uint16_t scode,
		  const char *reason, const char *totag);

/** Free (NULL allowed). */
void sip_out_free(struct sip_out *o);

/** Append a header; @p value is copied. @p name NULL: the id's name. */
int sip_out_add(struct sip_out *o, enum sip_hdr_id id, const char *name,
		struct sip_pl value);

/** Append a header formatted printf-style. */
int sip_out_addf(struct sip_out *o, enum sip_hdr_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Insert a header before every other (e.g. Record-Route, Via). */
int sip_out_prepend(struct sip_out *o, enum sip_hdr_id id, struct sip_pl value);

/** Remove every header with @p id. Returns how many were removed. */
int sip_out_remove(struct sip_out *o, enum sip_hdr_id id);

/** Replace the value(s) of @p id by one header with @p value (added if absent). */
int sip_out_set(struct sip_out *o, enum sip_hdr_id id, struct sip_pl value);

/** Push a Via value on top (§16.6 step 8). */
int sip_out_via_push(struct sip_out *o, struct sip_pl via);

/** Pop the topmost Via value (response forwarding, §16.7 step 3). ENOENT if none. */
int sip_out_via_pop(struct sip_out *o);

/** Remove the first Route value (§16.4 / §16.12). ENOENT if none. */
int sip_out_route_pop(struct sip_out *o);

/** Add a Record-Route value on top (§16.6 step 4). */
int sip_out_rr_add(struct sip_out *o, struct sip_pl value);

/** Replace the Request-URI (requests only). */
int sip_out_set_ruri(struct sip_out *o, struct sip_pl ruri);

/**
 * Decrement Max-Forwards (§16.6 step 3), adding "Max-Forwards: 70" when
 * absent. EINVAL when it is already 0 (caller answers 483).
 */
int sip_out_maxfwd_dec(struct sip_out *o);

/** Set the body and its type (Content-Type replaced; NULL type: keep). */
int sip_out_body(struct sip_out *o, const char *ctype, struct sip_pl body);

/**
 * Print into @p b (appended). Content-Length is always written from the
 * body. Returns 0 or ENOMEM.
 */
int sip_out_print(const struct sip_out *o, struct sip_buf *b);

/** Bytes sip_out_print() would append. */
size_t sip_out_size(const struct sip_out *o);

/**
 * Print into @p dst, which has room for sip_out_size() bytes (no NUL
 * added): one pass with no buffer to grow, for callers that allocate
 * the message's final home themselves.
 */
void sip_out_write(const struct sip_out *o, char *dst);

/** Default reason phrase of a status code (§21), or "Unknown". */
const char *sip_reason_phrase(uint16_t scode);

#endif
