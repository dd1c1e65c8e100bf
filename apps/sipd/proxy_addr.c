/*
 * proxy_addr.c - addresses for the proxy role: our interface for a
 * destination (Via sent-by, Record-Route), "is this URI us / one of our
 * domains" (§16.4, §16.5), and a URI's next hop when its host is an IP
 * literal (RFC 3263 §4.1-4.2 without DNS: transport from the parameter,
 * port from the URI or 5060).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/uri.h"

#include "proxy_priv.h"
#include "sipd.h"

/* The listener for @p kind and family @p af: index + 1, 0 if none. */
unsigned px_iface_for(const struct sipd *sd, enum sip_tp_kind kind, int af)
{
	for (size_t i = 0; i < sd->nlsn; i++)
		if (sd->lsn[i].kind == kind && sip_tp_addr_af(&sd->lsn[i].addr) == af)
			return (unsigned)i + 1;
	return 0;
}

bool px_dest_from_ai(const struct sipd *sd, const struct addrinfo *res,
		     struct sip_txn_dest *dst)
{
	/* the port was parked in the address while the name was looked up */
	uint16_t port = ntohs(((const struct sockaddr_in *)&dst->addr)->sin_port);
	enum sip_tp_kind kind = dst->transport == SIP_TXN_TCP ? SIP_TP_TCP : SIP_TP_UDP;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct sip_tp_addr a;
		unsigned iface;

		if (sip_tp_addr_set(&a, ai->ai_addr))
			continue;
		iface = px_iface_for(sd, kind, sip_tp_addr_af(&a));
		if (!iface)
			continue;
		sip_tp_addr_set_port(&a, port);
		memcpy(&dst->addr, &a.u.ss, a.len);
		dst->addrlen = a.len;
		dst->iface = iface;
		return true;
	}
	return false;
}

int px_local_h(void *arg, const struct sip_txn_dest *dst, struct sip_buf *b)
{
	struct sipd *sd = arg;
	struct sip_tp_addr a;
	unsigned i = dst->iface;

	if (!i || i > sd->nlsn)
		i = px_iface_for(sd, dst->transport == SIP_TXN_TCP ? SIP_TP_TCP : SIP_TP_UDP,
			      dst->addr.ss_family);
	if (!i)
		return ENOENT;
	a = sd->lsn[i - 1].addr;
	if (sip_tp_addr_is_any(&a)) {
		/* a wildcard listener: an address of ours of that family */
		for (size_t k = 0; k < sd->self.naddrs; k++)
			if (sip_tp_addr_af(&sd->self.addrs[k]) == sip_tp_addr_af(&a)) {
				uint16_t port = sip_tp_addr_port(&a);

				a = sd->self.addrs[k];
				sip_tp_addr_set_port(&a, port);
				break;
			}
	}
	sip_tp_addr_print(b, &a, true);
	return sip_buf_err(b);
}

bool px_self_h(void *arg, const struct sip_uri *u)
{
	struct sipd *sd = arg;

	return sipd_self_uri(&sd->self, &sd->cfg->server, u);
}

/* One of the domains we serve (registrar.domains, else this server). */
bool px_our_domain(struct sipd *sd, struct sip_pl host)
{
	const struct sipd_config_registrar *r = &sd->cfg->registrar;

	if (r->domain_count && sipd_host_in_list(r->domains, r->domain_count, host))
		return true;
	return sipd_self_host(&sd->self, &sd->cfg->server, host, sipd_host_type(host));
}

/* Is Request-URI @p u for one of our domains? As px_our_domain(), but an
 * address of ours with a port we do not listen on is someone else. */
bool px_our_uri(struct sipd *sd, const struct sip_uri *u)
{
	const struct sipd_config_registrar *r = &sd->cfg->registrar;

	if (r->domain_count && sipd_host_in_list(r->domains, r->domain_count, u->host))
		return true;
	return sipd_self_uri(&sd->self, &sd->cfg->server, u);
}

/* Parse @p text into @p dst when its host is an IP literal: 0, ENOENT
 * for a name (resolve it), EINVAL, ENOTSUP (a transport we lack). */
int px_dest_of_uri(struct sipd *sd, const char *text, struct sip_txn_dest *dst,
		       char *host, size_t hostsz)
{
	struct sip_uri u;
	struct sip_pl tp;
	struct sip_tp_addr a;
	enum sip_tp_kind kind = SIP_TP_UDP;
	uint16_t port;

	memset(dst, 0, sizeof(*dst));
	if (sip_uri_decode(&u, sip_pl_str(text)) || !u.host.len)
		return EINVAL;
	if (u.scheme == SIP_URI_SIPS)
		return ENOTSUP;
	if (u.scheme != SIP_URI_SIP)
		return EINVAL;
	if (!sip_uri_param(&u, "transport", &tp)) {
		if (sip_pl_caseeqs(tp, "tcp"))
			kind = SIP_TP_TCP;
		else if (!sip_pl_caseeqs(tp, "udp"))
			return ENOTSUP;
	}
	port = u.has_port ? u.port : SIP_TP_PORT;
	dst->transport = kind == SIP_TP_TCP ? SIP_TXN_TCP : SIP_TXN_UDP;
	if (u.host_type == SIP_HOST_NAME) {
		if (u.host.len >= hostsz)
			return EINVAL;
		sip_pl_strcpy(u.host, host, hostsz);
		/* the port rides along for the resolver's answer */
		((struct sockaddr_in *)&dst->addr)->sin_port = htons(port);
		return ENOENT;
	}
	if (sip_tp_addr_ip(&a, u.host, port))
		return EINVAL;
	memcpy(&dst->addr, &a.u.ss, a.len);
	dst->addrlen = a.len;
	dst->iface = px_iface_for(sd, kind, sip_tp_addr_af(&a));
	return dst->iface ? 0 : ENOTSUP;
}
