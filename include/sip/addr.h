/*
 * addr.h - name-addr / addr-spec headers (RFC 3261 §20.10 Contact, §20.20
 * From, §20.39 To, §20.30 Record-Route, §20.34 Route, RFC 3327 Path,
 * RFC 3608 Service-Route, RFC 3325 P-Asserted-Identity, RFC 3515 Refer-To,
 * RFC 3892 Referred-By, §20.31 Reply-To).
 */
#ifndef SIP_ADDR_H
#define SIP_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"
#include "sip/uri.h"

struct sip_msg;

struct sip_addr {
	struct sip_pl raw;        /* this value as written */
	struct sip_pl dname;      /* display name; quotes excluded, escapes kept;
	                             unset when absent */
	bool dname_quoted;
	bool angle;               /* URI was enclosed in <...> */
	struct sip_pl uri_raw;    /* the URI text */
	struct sip_uri uri;
	struct sip_pl params;     /* header params after the URI, from ';' */
	struct sip_pl tag;        /* "tag" param; unset when absent */
	bool star;                /* Contact: * */
	struct sip_addr *next;    /* next value (list headers) */
};

/**
 * Typed access; each parses once and caches. Return 0, ENOENT when the
 * header is absent, EBADMSG (m->err names the header and the problem).
 * From/To/Refer-To/Referred-By/Reply-To are single values; the others
 * are lists in message order across all lines of the header.
 */
int sip_msg_from(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_to(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_contact(struct sip_msg *m, const struct sip_addr **ap);

/** True when @p m's To header parses and has a tag: a request within a
 *  dialog (RFC 3261 §12.2). */
bool sip_msg_to_tagged(struct sip_msg *m);
int sip_msg_route(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_record_route(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_path(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_service_route(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_pai(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_ppi(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_refer_to(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_referred_by(struct sip_msg *m, const struct sip_addr **ap);
int sip_msg_reply_to(struct sip_msg *m, const struct sip_addr **ap);

/** Generic: the addr list of header @p id (one of the above). */
int sip_msg_addr(struct sip_msg *m, enum sip_hdr_id id, const struct sip_addr **ap);

/**
 * Parse one name-addr / addr-spec value (no top-level commas) into @p a.
 * @p allow_star: accept "*" (Contact). 0 or EBADMSG with @p *why set to a
 * static description ("unterminated quoted string", ...).
 */
int sip_addr_decode(struct sip_addr *a, struct sip_pl text, bool allow_star,
		    const char **why);

/** Print canonically: ["display" ]<uri>;params (or "*"). */
void sip_addr_print(struct sip_buf *b, const struct sip_addr *a);

/** Contact "expires" param. 0, ENOENT (absent) or EBADMSG. */
int sip_contact_expires(const struct sip_addr *a, uint32_t *secs);

/** Contact "q" param in thousandths (q=0.5 -> 500). 0, ENOENT or EBADMSG. */
int sip_contact_q(const struct sip_addr *a, unsigned *q1000);

#endif
