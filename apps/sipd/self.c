/*
 * self.c - recognising this server in Request-URIs (see self.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uv.h>

#include "self.h"
#include "sipd.h"

static int add_addr(struct sipd_self *s, const struct sip_tp_addr *a)
{
	struct sip_tp_addr *n;

	for (size_t i = 0; i < s->naddrs; i++)
		if (sip_tp_addr_ip_eq(&s->addrs[i], a))
			return 0;
	n = realloc(s->addrs, (s->naddrs + 1) * sizeof(*n));
	if (!n)
		return ENOMEM;
	s->addrs = n;
	s->addrs[s->naddrs++] = *a;
	return 0;
}

static int add_port(struct sipd_self *s, uint16_t port)
{
	uint16_t *n;

	for (size_t i = 0; i < s->nports; i++)
		if (s->ports[i] == port)
			return 0;
	n = realloc(s->ports, (s->nports + 1) * sizeof(*n));
	if (!n)
		return ENOMEM;
	s->ports = n;
	s->ports[s->nports++] = port;
	return 0;
}

/* A wildcard listener: every interface address of its family is ours. */
static int add_interfaces(struct sipd_self *s, int af)
{
	uv_interface_address_t *ifs;
	struct sip_tp_addr a;
	int n, r, err = 0;

	r = uv_interface_addresses(&ifs, &n);
	if (r)
		return -r;
	for (int i = 0; i < n && !err; i++) {
		if (ifs[i].address.address4.sin_family != af)
			continue;
		if (sip_tp_addr_set(&a, (const struct sockaddr *)&ifs[i].address))
			continue;
		err = add_addr(s, &a);
	}
	uv_free_interface_addresses(ifs, n);
	return err;
}

int sipd_self_init(struct sipd_self *s, const struct sipd_listener *lsn,
		   size_t n)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n && !err; i++) {
		const struct sip_tp_addr *a = &lsn[i].addr;

		if (sip_tp_addr_is_any(a))
			err = add_interfaces(s, sip_tp_addr_af(a));
		else
			err = add_addr(s, a);
		if (!err)
			err = add_port(s, sip_tp_addr_port(a));
	}
	if (err)
		sipd_self_free(s);
	return err;
}

void sipd_self_free(struct sipd_self *s)
{
	free(s->addrs);
	free(s->ports);
	memset(s, 0, sizeof(*s));
}

static struct sip_pl no_trailing_dot(struct sip_pl p)
{
	if (p.len > 1 && p.p[p.len - 1] == '.')
		p.len--;
	return p;
}

static bool domain_is(const char *domain, struct sip_pl host)
{
	struct sip_pl d = no_trailing_dot(sip_pl_str(domain));

	host = no_trailing_dot(host);
	return d.len == host.len && !strncasecmp(d.p, host.p, d.len);
}

static bool ip_is_self(const struct sipd_self *s,
		       const struct sipd_config_server *srv,
		       const struct sip_tp_addr *ip)
{
	struct sip_tp_addr d;

	for (size_t i = 0; i < s->naddrs; i++)
		if (sip_tp_addr_ip_eq(&s->addrs[i], ip))
			return true;
	for (size_t i = 0; i < srv->domain_count; i++)
		if (!sip_tp_addr_ip(&d, sip_pl_str(srv->domains[i]), 0) &&
		    sip_tp_addr_ip_eq(&d, ip))
			return true;
	return false;
}

bool sipd_self_host(const struct sipd_self *s,
		    const struct sipd_config_server *srv, struct sip_pl host,
		    enum sip_host_type type)
{
	struct sip_tp_addr ip;

	if (type == SIP_HOST_IPV4 || type == SIP_HOST_IPV6)
		return !sip_tp_addr_ip(&ip, host, 0) && ip_is_self(s, srv, &ip);
	if (type != SIP_HOST_NAME)
		return false;
	for (size_t i = 0; i < srv->domain_count; i++)
		if (domain_is(srv->domains[i], host))
			return true;
	return false;
}

bool sipd_self_uri(const struct sipd_self *s,
		   const struct sipd_config_server *srv, const struct sip_uri *u)
{
	bool port_ok = !u->has_port;

	if (u->scheme != SIP_URI_SIP && u->scheme != SIP_URI_SIPS)
		return false;
	if (!sipd_self_host(s, srv, u->host, u->host_type))
		return false;
	for (size_t i = 0; i < s->nports && !port_ok; i++)
		port_ok = s->ports[i] == u->port;
	return port_ok;
}

enum sip_host_type sipd_host_type(struct sip_pl host)
{
	if (memchr(host.p, ':', host.len))
		return SIP_HOST_IPV6;
	for (size_t i = 0; i < host.len; i++)
		if (!strchr("0123456789.", host.p[i]))
			return SIP_HOST_NAME;
	return SIP_HOST_IPV4;
}

bool sipd_host_in_list(char *const *v, size_t n, struct sip_pl host)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i]) == host.len && !strncasecmp(v[i], host.p, host.len))
			return true;
	return false;
}
