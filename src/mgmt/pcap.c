/*
 * pcap.c - SIP messages as a pcap capture with made-up IPv4/IPv6 and
 * UDP/TCP headers (see sip/pcap.h). Formats: the pcap file format
 * (tcpdump.org, "magic" 0xa1b2c3d4, version 2.4); IPv4 RFC 791 with its
 * header checksum (RFC 1071); IPv6 RFC 8200; UDP RFC 768 (checksum 0
 * over IPv4, computed over IPv6 as RFC 8200 §8.1 requires); TCP
 * RFC 9293 (checksum left 0: readers do not verify it by default).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sip/pcap.h"

enum {
	IP4_HDR = 20, IP6_HDR = 40, UDP_HDR = 8, TCP_HDR = 20,
	IP_MAX = 65535,
	SNAPLEN = 65535 + IP6_HDR,
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The file's own fields are in the writer's byte order (the magic tells
 * the reader which). */
static void le32(struct sip_buf *b, uint32_t v)
{
	sip_buf_append(b, &v, 4);
}

static void le16(struct sip_buf *b, uint16_t v)
{
	sip_buf_append(b, &v, 2);
}

void sip_pcap_init(struct sip_pcap *w, struct sip_buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	le32(out, 0xa1b2c3d4);
	le16(out, 2);
	le16(out, 4);
	le32(out, 0);          /* thiszone */
	le32(out, 0);          /* sigfigs */
	le32(out, SNAPLEN);
	le32(out, SIP_PCAP_LINKTYPE_RAW);
}

/* RFC 1071 one's complement sum, folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Next sequence number of the TCP direction src -> dst, advanced by len. */
static uint32_t next_seq(struct sip_pcap *w, const struct sip_pcap_pkt *p,
			size_t len)
{
	size_t i;
	uint32_t seq;

	for (i = 0; i < w->nflows; i++)
		if (sip_tp_addr_eq(&w->flow[i].src, p->src) &&
		    sip_tp_addr_eq(&w->flow[i].dst, p->dst))
			break;
	if (i == w->nflows) {
		/* a full table starts over: old flows just look new */
		if (i == SIP_PCAP_FLOWS)
			i = w->nflows = 0;
		w->flow[i].src = *p->src;
		w->flow[i].dst = *p->dst;
		w->flow[i].seq = 1;
		w->nflows++;
	}
	seq = w->flow[i].seq;
	w->flow[i].seq += (uint32_t)len;
	return seq;
}

static size_t l4_header(struct sip_pcap *w, const struct sip_pcap_pkt *p,
			uint8_t *h, size_t len)
{
	put16(h, sip_tp_addr_port(p->src));
	put16(h + 2, sip_tp_addr_port(p->dst));
	if (!p->tcp) {
		put16(h + 4, (uint16_t)(UDP_HDR + len));
		put16(h + 6, 0);
		return UDP_HDR;
	}
	put32(h + 4, next_seq(w, p, len));
	put32(h + 8, 1);                   /* ack */
	h[12] = (TCP_HDR / 4) << 4;
	h[13] = 0x18;                      /* PSH, ACK */
	put16(h + 14, 65535);              /* window */
	put16(h + 16, 0);                  /* checksum */
	put16(h + 18, 0);
	return TCP_HDR;
}

static size_t ip4_header(uint8_t *h, const struct sip_pcap_pkt *p,
			 size_t total)
{
	memset(h, 0, IP4_HDR);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)total);
	h[6] = 0x40;                       /* don't fragment */
	h[8] = 64;
	h[9] = p->tcp ? 6 : 17;
	memcpy(h + 12, &p->src->u.in.sin_addr, 4);
	memcpy(h + 16, &p->dst->u.in.sin_addr, 4);
	put16(h + 10, csum_fold(csum_add(0, h, IP4_HDR)));
	return IP4_HDR;
}

static size_t ip6_header(uint8_t *h, const struct sip_pcap_pkt *p,
			 size_t plen)
{
	memset(h, 0, IP6_HDR);
	h[0] = 0x60;
	put16(h + 4, (uint16_t)plen);
	h[6] = p->tcp ? 6 : 17;
	h[7] = 64;
	memcpy(h + 8, &p->src->u.in6.sin6_addr, 16);
	memcpy(h + 24, &p->dst->u.in6.sin6_addr, 16);
	return IP6_HDR;
}

/* RFC 8200 §8.1: the UDP checksum over IPv6 covers a pseudo-header. */
static void udp6_checksum(uint8_t *ip, uint8_t *udp, const void *payload,
			  size_t len)
{
	uint8_t pseudo[8] = { 0 };
	uint32_t sum;
	uint16_t c;

	put32(pseudo, (uint32_t)(UDP_HDR + len));
	pseudo[7] = 17;
	sum = csum_add(0, ip + 8, 32);
	sum = csum_add(sum, pseudo, sizeof(pseudo));
	sum = csum_add(sum, udp, UDP_HDR);
	sum = csum_add(sum, payload, len);
	c = csum_fold(sum);
	put16(udp + 6, c ? c : 0xffff);
}

int sip_pcap_add(struct sip_pcap *w, const struct sip_pcap_pkt *p)
{
	int af = sip_tp_addr_af(p->src);
	bool v6 = af == AF_INET6;
	uint8_t hdr[IP6_HDR + TCP_HDR];
	size_t iph = v6 ? IP6_HDR : IP4_HDR, l4h = p->tcp ? TCP_HDR : UDP_HDR;
	size_t len = p->len, n;

	if ((af != AF_INET && af != AF_INET6) || sip_tp_addr_af(p->dst) != af)
		return EAFNOSUPPORT;
	if (len > IP_MAX - iph - l4h)
		len = IP_MAX - iph - l4h;
	n = l4_header(w, p, hdr + iph, len);
	if (v6) {
		ip6_header(hdr, p, n + len);
		if (!p->tcp)
			udp6_checksum(hdr, hdr + iph, p->payload, len);
	} else {
		ip4_header(hdr, p, iph + n + len);
	}
	le32(w->out, (uint32_t)p->time.tv_sec);
	le32(w->out, (uint32_t)(p->time.tv_nsec / 1000));
	le32(w->out, (uint32_t)(iph + n + len));
	le32(w->out, (uint32_t)(iph + n + p->len));
	sip_buf_append(w->out, hdr, iph + n);
	sip_buf_append(w->out, p->payload, len);
	w->packets++;
	return sip_buf_err(w->out) ? ENOMEM : 0;
}
