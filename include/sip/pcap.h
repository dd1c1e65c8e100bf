/*
 * pcap.h - write SIP messages as a classic pcap capture (the
 * tcpdump/libpcap file format, version 2.4, microsecond time stamps,
 * LINKTYPE_RAW: each packet starts with its IPv4 or IPv6 header) that
 * tshark, Wireshark and sngrep read. The IP and UDP/TCP headers are made
 * up from the addresses of each message; TCP segments of one direction
 * of one connection get consecutive sequence numbers, so the reader can
 * follow the stream.
 */
#ifndef SIP_PCAP_H
#define SIP_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sip/buf.h"
#include "sip/transport.h"

/** LINKTYPE_RAW (tcpdump.org link-layer header types). */
#define SIP_PCAP_LINKTYPE_RAW 101

/** TCP directions whose sequence numbers are followed. */
#define SIP_PCAP_FLOWS 64

/** A writer: output buffer and TCP sequence state. */
struct sip_pcap {
	struct sip_buf *out;                /* borrowed */
	struct {
		struct sip_tp_addr src, dst;
		uint32_t seq;
	} flow[SIP_PCAP_FLOWS];
	size_t nflows;
	size_t packets;
};

/** One packet to write. */
struct sip_pcap_pkt {
	struct timespec time;
	bool tcp;                           /* else UDP */
	const struct sip_tp_addr *src;      /* same family as dst */
	const struct sip_tp_addr *dst;
	const void *payload;
	size_t len;
};

/** Start a capture into @p out: writes the file header. */
void sip_pcap_init(struct sip_pcap *w, struct sip_buf *out);

/**
 * Append one packet. Returns 0; EAFNOSUPPORT when the addresses are not
 * both IPv4 or both IPv6 (nothing written); ENOMEM (sticky in out).
 * A payload too long for one IP packet is truncated in the capture (its
 * original length is recorded).
 */
int sip_pcap_add(struct sip_pcap *w, const struct sip_pcap_pkt *p);

#endif
