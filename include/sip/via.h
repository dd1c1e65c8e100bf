/*
 * via.h - the Via header (RFC 3261 §20.42, §18.2.1, RFC 3581 rport).
 */
#ifndef SIP_VIA_H
#define SIP_VIA_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"
#include "sip/uri.h"

struct sip_msg;

struct sip_via {
	struct sip_pl raw;         /* this via-parm as written */
	struct sip_pl proto;       /* "SIP" */
	struct sip_pl version;     /* "2.0" */
	struct sip_pl transport;   /* "UDP", "TCP", "TLS", "SCTP", "WS", other token */
	struct sip_pl host;        /* IPv6 without brackets */
	enum sip_host_type host_type;
	uint16_t port;             /* 0 when absent */
	bool has_port;
	struct sip_pl params;      /* from the first ';' (included) */
	struct sip_pl branch;      /* unset when absent */
	struct sip_pl received;
	struct sip_pl maddr;
	uint32_t ttl;              /* 0-255 */
	bool has_ttl;
	bool rport;                /* rport parameter present */
	uint16_t rport_val;        /* its value, 0 when empty */
	struct sip_via *next;      /* next value, in message order across lines */
};

/**
 * All Via values of @p m in order (parsed once, cached). Returns 0,
 * ENOENT when the message has no Via, EBADMSG (m->err names the problem).
 */
int sip_msg_via(struct sip_msg *m, const struct sip_via **vp);

/** Parse one via-parm (no commas) into @p v. 0 or EBADMSG. */
int sip_via_decode(struct sip_via *v, struct sip_pl text);

/** Print one via-parm canonically: "SIP/2.0/UDP host:port;params". */
void sip_via_print(struct sip_buf *b, const struct sip_via *v);

/** True when the branch has the RFC 3261 magic cookie "z9hG4bK". */
bool sip_via_branch_is_rfc3261(const struct sip_via *v);

#endif
