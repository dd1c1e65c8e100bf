/*
 * hep.c - HEP version 3 encoding of one captured message (see
 * sip/hep.h for the layout; the chunk types are those documented by the
 * HEP project, github.com/sipcapture/HEP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sip/hep.h"

enum { HDR = 6, CHUNK = 6, MAX = 65535 };

static void chunk(struct sip_buf *b, uint16_t type, const void *v, size_t len)
{
	uint8_t h[CHUNK] = { 0, 0, (uint8_t)(type >> 8), (uint8_t)type,
			     (uint8_t)((CHUNK + len) >> 8),
			     (uint8_t)(CHUNK + len) };

	sip_buf_append(b, h, sizeof(h));
	sip_buf_append(b, v, len);
}

static void chunk8(struct sip_buf *b, uint16_t type, uint8_t v)
{
	chunk(b, type, &v, 1);
}

static void chunk16(struct sip_buf *b, uint16_t type, uint16_t v)
{
	uint16_t n = htons(v);

	chunk(b, type, &n, 2);
}

static void chunk32(struct sip_buf *b, uint16_t type, uint32_t v)
{
	uint32_t n = htonl(v);

	chunk(b, type, &n, 4);
}

static void addresses(struct sip_buf *b, const struct sip_hep_msg *m)
{
	if (sip_tp_addr_af(m->src) == AF_INET) {
		chunk8(b, SIP_HEP_FAMILY, 2);
		chunk8(b, SIP_HEP_PROTO, m->tcp ? 6 : 17);
		chunk(b, SIP_HEP_SRC4, &m->src->u.in.sin_addr, 4);
		chunk(b, SIP_HEP_DST4, &m->dst->u.in.sin_addr, 4);
	} else {
		chunk8(b, SIP_HEP_FAMILY, 10);
		chunk8(b, SIP_HEP_PROTO, m->tcp ? 6 : 17);
		chunk(b, SIP_HEP_SRC6, &m->src->u.in6.sin6_addr, 16);
		chunk(b, SIP_HEP_DST6, &m->dst->u.in6.sin6_addr, 16);
	}
	chunk16(b, SIP_HEP_SPORT, sip_tp_addr_port(m->src));
	chunk16(b, SIP_HEP_DPORT, sip_tp_addr_port(m->dst));
}

int sip_hep_encode(struct sip_buf *out, const struct sip_hep_msg *m)
{
	int af = sip_tp_addr_af(m->src);
	size_t start = out->len, total;
	uint8_t *p;

	if ((af != AF_INET && af != AF_INET6) || sip_tp_addr_af(m->dst) != af)
		return EAFNOSUPPORT;
	sip_buf_append(out, "HEP3\0\0", HDR);
	addresses(out, m);
	chunk32(out, SIP_HEP_TSEC, (uint32_t)m->time.tv_sec);
	chunk32(out, SIP_HEP_TUSEC, (uint32_t)(m->time.tv_nsec / 1000));
	chunk8(out, SIP_HEP_PTYPE, 1);
	chunk32(out, SIP_HEP_AGENT, m->agent_id);
	if (m->correlation && m->correlation_len)
		chunk(out, SIP_HEP_CORR, m->correlation, m->correlation_len);
	chunk(out, SIP_HEP_PAYLOAD, m->payload, m->len);
	if (sip_buf_err(out))
		return ENOMEM;
	total = out->len - start;
	if (total > MAX) {
		out->len = start;
		return EMSGSIZE;
	}
	p = (uint8_t *)out->p + start;
	p[4] = (uint8_t)(total >> 8);
	p[5] = (uint8_t)total;
	return 0;
}
