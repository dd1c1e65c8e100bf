/*
 * addr.c - socket addresses for the transport: parse and print
 * "1.2.3.4:5060" and "[::1]:5060" (RFC 3261 §25.1 hostport with an IP
 * host, IPv6reference per RFC 5118), compare, hash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/transport.h"
#include "tp.h"

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static void set_v4(struct sip_tp_addr *a, const void *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->u.in.sin_family = AF_INET;
	memcpy(&a->u.in.sin_addr, ip, 4);
	a->u.in.sin_port = htons(port);
	a->len = sizeof(a->u.in);
}

static void set_v6(struct sip_tp_addr *a, const void *ip, uint16_t port,
		   uint32_t scope)
{
	memset(a, 0, sizeof(*a));
	a->u.in6.sin6_family = AF_INET6;
	memcpy(&a->u.in6.sin6_addr, ip, 16);
	a->u.in6.sin6_port = htons(port);
	a->u.in6.sin6_scope_id = scope;
	a->len = sizeof(a->u.in6);
}

int sip_tp_addr_ip(struct sip_tp_addr *a, struct sip_pl ip, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];
	uint8_t bin[16];

	if (!a || !ip.p || !ip.len || ip.len >= sizeof(s))
		return EINVAL;
	memcpy(s, ip.p, ip.len);
	s[ip.len] = '\0';
	if (inet_pton(AF_INET, s, bin) == 1) {
		set_v4(a, bin, port);
		return 0;
	}
	if (inet_pton(AF_INET6, s, bin) == 1) {
		set_v6(a, bin, port, 0);
		return 0;
	}
	return EINVAL;
}

/* ":port" at the end of an address text: the whole rest must be digits. */
static int port_part(struct sip_pl rest, uint16_t *port)
{
	uint32_t v;

	if (!rest.len) {
		*port = 0;
		return 0;
	}
	if (rest.p[0] != ':')
		return EINVAL;
	rest.p++;
	rest.len--;
	if (sip_pl_u32(rest, 65535, &v))
		return EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int sip_tp_addr_decode(struct sip_tp_addr *a, struct sip_pl text)
{
	const char *c, *end;
	struct sip_pl ip, rest;
	uint16_t port;

	if (!a || !text.p || !text.len)
		return EINVAL;
	end = text.p + text.len;
	if (text.p[0] == '[') {
		c = memchr(text.p, ']', text.len);
		if (!c)
			return EINVAL;
		ip = (struct sip_pl){ text.p + 1, (size_t)(c - text.p) - 1 };
		rest = (struct sip_pl){ c + 1, (size_t)(end - c - 1) };
		if (!memchr(ip.p, ':', ip.len))
			return EINVAL;
	} else {
		c = memchr(text.p, ':', text.len);
		if (c && memchr(c + 1, ':', (size_t)(end - c - 1)))
			c = NULL;   /* bare IPv6: no port */
		if (c) {
			ip = (struct sip_pl){ text.p, (size_t)(c - text.p) };
			rest = (struct sip_pl){ c, text.len - ip.len };
		} else {
			ip = text;
			rest = (struct sip_pl){ text.p + text.len, 0 };
		}
	}
	if (port_part(rest, &port))
		return EINVAL;
	return sip_tp_addr_ip(a, ip, port);
}

int sip_tp_addr_set(struct sip_tp_addr *a, const struct sockaddr *sa)
{
	const struct sockaddr_in *in = (const void *)sa;
	const struct sockaddr_in6 *in6 = (const void *)sa;

	if (!a || !sa)
		return EINVAL;
	switch (sa->sa_family) {
	case AF_INET:
		set_v4(a, &in->sin_addr, ntohs(in->sin_port));
		return 0;
	case AF_INET6:
		if (!memcmp(&in6->sin6_addr, v4mapped, sizeof(v4mapped)))
			set_v4(a, (const uint8_t *)&in6->sin6_addr + 12,
			       ntohs(in6->sin6_port));
		else
			set_v6(a, &in6->sin6_addr, ntohs(in6->sin6_port),
			       in6->sin6_scope_id);
		return 0;
	default:
		return EAFNOSUPPORT;
	}
}

int sip_tp_addr_af(const struct sip_tp_addr *a)
{
	return a && a->len ? a->u.sa.sa_family : AF_UNSPEC;
}

uint16_t sip_tp_addr_port(const struct sip_tp_addr *a)
{
	switch (sip_tp_addr_af(a)) {
	case AF_INET:
		return ntohs(a->u.in.sin_port);
	case AF_INET6:
		return ntohs(a->u.in6.sin6_port);
	default:
		return 0;
	}
}

void sip_tp_addr_set_port(struct sip_tp_addr *a, uint16_t port)
{
	switch (sip_tp_addr_af(a)) {
	case AF_INET:
		a->u.in.sin_port = htons(port);
		break;
	case AF_INET6:
		a->u.in6.sin6_port = htons(port);
		break;
	default:
		break;
	}
}

/* The IP bytes and their length (0 when unset). */
static size_t ip_bytes(const struct sip_tp_addr *a, const uint8_t **p)
{
	switch (sip_tp_addr_af(a)) {
	case AF_INET:
		*p = (const uint8_t *)&a->u.in.sin_addr;
		return 4;
	case AF_INET6:
		*p = (const uint8_t *)&a->u.in6.sin6_addr;
		return 16;
	default:
		*p = NULL;
		return 0;
	}
}

bool sip_tp_addr_is_any(const struct sip_tp_addr *a)
{
	const uint8_t *p;
	size_t n = ip_bytes(a, &p);

	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return n > 0;
}

int sip_tp_addr_cmp(const struct sip_tp_addr *a, const struct sip_tp_addr *b,
		    bool with_port)
{
	int fa = sip_tp_addr_af(a), fb = sip_tp_addr_af(b);
	const uint8_t *pa, *pb;
	size_t n;
	int r;

	if (fa != fb)
		return fa < fb ? -1 : 1;
	n = ip_bytes(a, &pa);
	ip_bytes(b, &pb);
	if (n && (r = memcmp(pa, pb, n)) != 0)
		return r;
	if (with_port && sip_tp_addr_port(a) != sip_tp_addr_port(b))
		return sip_tp_addr_port(a) < sip_tp_addr_port(b) ? -1 : 1;
	return 0;
}

bool sip_tp_addr_eq(const struct sip_tp_addr *a, const struct sip_tp_addr *b)
{
	return sip_tp_addr_cmp(a, b, true) == 0;
}

bool sip_tp_addr_ip_eq(const struct sip_tp_addr *a, const struct sip_tp_addr *b)
{
	return sip_tp_addr_cmp(a, b, false) == 0;
}

void sip_tp_addr_print(struct sip_buf *b, const struct sip_tp_addr *a,
		       bool with_port)
{
	char s[INET6_ADDRSTRLEN];
	const uint8_t *p;
	int af = sip_tp_addr_af(a);

	if (af == AF_UNSPEC)
		return;
	ip_bytes(a, &p);
	if (af == AF_INET) {
		/* by hand: glibc's inet_ntop() formats IPv4 with sprintf,
		 * and this runs twice per REGISTER (received, socket) */
		for (int i = 0; i < 4; i++) {
			if (i)
				sip_buf_putc(b, '.');
			sip_buf_u32(b, p[i]);
		}
		if (with_port) {
			sip_buf_putc(b, ':');
			sip_buf_u32(b, sip_tp_addr_port(a));
		}
		return;
	}
	if (!inet_ntop(af, p, s, sizeof(s)))
		return;
	if (!with_port) {
		sip_buf_puts(b, s);
		return;
	}
	if (af == AF_INET6)
		sip_buf_putc(b, '[');
	sip_buf_puts(b, s);
	sip_buf_puts(b, af == AF_INET6 ? "]:" : ":");
	sip_buf_u32(b, sip_tp_addr_port(a));
}

const char *sip_tp_addr_fmt(const struct sip_tp_addr *a,
			    char buf[SIP_TP_ADDRSTRLEN])
{
	char s[INET6_ADDRSTRLEN];
	const uint8_t *p;
	int af = sip_tp_addr_af(a);

	ip_bytes(a, &p);
	if (af == AF_UNSPEC || !inet_ntop(af, p, s, sizeof(s))) {
		strcpy(buf, "-");
		return buf;
	}
	snprintf(buf, SIP_TP_ADDRSTRLEN, af == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 s, (unsigned)sip_tp_addr_port(a));
	return buf;
}

uint32_t tp_addr_hash(const struct sip_tp_addr *a, bool with_port)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	const uint8_t *p;
	size_t n = ip_bytes(a, &p);
	uint16_t port = with_port ? sip_tp_addr_port(a) : 0;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	return h;
}
