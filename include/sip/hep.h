/*
 * hep.h - HEP version 3 (the HOMER/sipcapture encapsulation protocol):
 * one captured SIP message as one packet of "chunks" for a collector
 * (HOMER, heplify-server, Wireshark's "hep" dissector).
 *
 * Layout: "HEP3", the total length (16 bits), then chunks, each a
 * vendor id (16 bits, 0 = generic), a type id (16 bits), the chunk's
 * length including these 6 bytes (16 bits) and its value; all numbers in
 * network byte order. Generic chunk types written here:
 *   1 IP family (8 bits: 2 IPv4, 10 IPv6)   2 IP protocol (17 UDP, 6 TCP)
 *   3/4 IPv4 source/destination             5/6 IPv6 source/destination
 *   7/8 source/destination port             9 seconds since the Epoch
 *   10 microseconds                         11 protocol type (1 = SIP)
 *   12 capture agent id (32 bits)           15 the message itself
 *   17 correlation id (the Call-ID), when given
 */
#ifndef SIP_HEP_H
#define SIP_HEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sip/buf.h"
#include "sip/transport.h"

enum {
	SIP_HEP_FAMILY = 1, SIP_HEP_PROTO = 2, SIP_HEP_SRC4 = 3,
	SIP_HEP_DST4 = 4, SIP_HEP_SRC6 = 5, SIP_HEP_DST6 = 6,
	SIP_HEP_SPORT = 7, SIP_HEP_DPORT = 8, SIP_HEP_TSEC = 9,
	SIP_HEP_TUSEC = 10, SIP_HEP_PTYPE = 11, SIP_HEP_AGENT = 12,
	SIP_HEP_PAYLOAD = 15, SIP_HEP_CORR = 17,
};

/** One message to encapsulate. */
struct sip_hep_msg {
	struct timespec time;
	bool tcp;                        /* else UDP */
	const struct sip_tp_addr *src;   /* same family as dst */
	const struct sip_tp_addr *dst;
	uint32_t agent_id;
	const char *correlation;         /* Call-ID, or NULL */
	size_t correlation_len;
	const void *payload;
	size_t len;
};

/**
 * Encode @p m as one HEP3 packet appended to @p out. Returns 0,
 * EAFNOSUPPORT (mixed or unknown families), EMSGSIZE (over 65535 bytes:
 * HEP3 lengths are 16 bits), ENOMEM.
 */
int sip_hep_encode(struct sip_buf *out, const struct sip_hep_msg *m);

#endif
