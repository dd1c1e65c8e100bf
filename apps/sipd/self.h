/*
 * self.h - "is this URI this server?" (RFC 3261 §16.4, §16.5: a request
 * whose Request-URI names the element itself is not forwarded). The
 * server is its listen addresses (every interface address when a
 * listener is bound to 0.0.0.0 or ::) and the domains of server.domains.
 */
#ifndef SIPD_SELF_H
#define SIPD_SELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/pl.h"
#include "sip/transport.h"
#include "sip/uri.h"

#include "config.h"

struct sipd_listener;

struct sipd_self {
	struct sip_tp_addr *addrs;   /* malloc'd; our IP addresses (ports unused) */
	size_t naddrs;
	uint16_t *ports;             /* malloc'd; the ports we listen on */
	size_t nports;
};

/**
 * Fill @p s from the @p n listeners at @p lsn (bound addresses). Returns
 * 0, ENOMEM, or the error of listing the interfaces; on failure @p s is
 * left empty (sipd_self_free() is still safe).
 */
int sipd_self_init(struct sipd_self *s, const struct sipd_listener *lsn,
		   size_t n);

/** Free what @p s holds and empty it. */
void sipd_self_free(struct sipd_self *s);

/**
 * True when @p host (a URI or Via host: IPv6 without brackets) of type
 * @p type is this server: one of our addresses, or a domain of @p srv
 * (host names compare ignoring ASCII case and a trailing dot; IP literals
 * as addresses).
 */
bool sipd_self_host(const struct sipd_self *s,
		    const struct sipd_config_server *srv, struct sip_pl host,
		    enum sip_host_type type);

/**
 * True when @p u is a sip: or sips: URI whose host is this server
 * (sipd_self_host()) and whose port, when present, is one we listen on.
 * The user part is not looked at. tel: and other schemes: false.
 */
bool sipd_self_uri(const struct sipd_self *s,
		   const struct sipd_config_server *srv, const struct sip_uri *u);

/** The type of a bare host: IPv6 has a colon, IPv4 only digits and dots. */
enum sip_host_type sipd_host_type(struct sip_pl host);

/** True when @p host is one of the @p n names of @p v (ASCII case ignored). */
bool sipd_host_in_list(char *const *v, size_t n, struct sip_pl host);

#endif
