/*
 * reload.c - live reconfiguration on SIGHUP (see reload.h): load, compare
 * with the running configuration, apply what may change live, keep the
 * running values of what needs a restart.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip/transport.h"

#include "dialplan.h"
#include "register.h"
#include "reload.h"
#include "sipd.h"
#include "trace.h"

#define ERR_MAX 512

static bool listen_same(const struct sipd_config *a, const struct sipd_config *b)
{
	struct sip_tp_addr x, y;

	if (a->listen_count != b->listen_count)
		return false;
	for (size_t i = 0; i < a->listen_count; i++) {
		const struct sipd_listen *l = &a->listen[i], *m = &b->listen[i];

		if (l->transport != m->transport || l->port != m->port ||
		    sip_tp_addr_ip(&x, sip_pl_str(l->address), 0) ||
		    sip_tp_addr_ip(&y, sip_pl_str(m->address), 0) ||
		    !sip_tp_addr_ip_eq(&x, &y))
			return false;
	}
	return true;
}

static bool domains_same(const struct sipd_config_server *a,
			 const struct sipd_config_server *b)
{
	if (a->domain_count != b->domain_count)
		return false;
	for (size_t i = 0; i < a->domain_count; i++)
		if (strcasecmp(a->domains[i], b->domains[i]))
			return false;
	return true;
}

static void changed(struct sipd *sd, const char *key, const char *from,
		    const char *to)
{
	sipd_log(&sd->log, SIPD_LOG_INFO, "reloaded", "key", key, "from", from,
		 "to", to, NULL);
}

static void needs_restart(struct sipd *sd, const char *key)
{
	sipd_log(&sd->log, SIPD_LOG_WARNING,
		 "changed in the file, but applied only at restart; running "
		 "value kept", "key", key, NULL);
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool list_same(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcasecmp(a[i], b[i]))
			return false;
	return true;
}

static bool store_same(const struct sipd_config_store *a,
		       const struct sipd_config_store *b)
{
	return a->backend == b->backend && str_same(a->path, b->path) &&
	       str_same(a->redis.host, b->redis.host) &&
	       a->redis.port == b->redis.port && a->redis.db == b->redis.db &&
	       str_same(a->redis.prefix, b->redis.prefix);
}

static bool registrar_same(const struct sipd_config_registrar *a,
			   const struct sipd_config_registrar *b)
{
	return a->enabled == b->enabled &&
	       list_same(a->domains, a->domain_count, b->domains, b->domain_count) &&
	       a->default_expires == b->default_expires &&
	       a->min_expires == b->min_expires && a->max_expires == b->max_expires &&
	       a->max_contacts == b->max_contacts &&
	       a->allow_third_party == b->allow_third_party;
}

static bool auth_same(const struct sipd_config_auth *a,
		      const struct sipd_config_auth *b)
{
	return a->register_ == b->register_ && str_same(a->realm, b->realm) &&
	       a->nonce_lifetime_s == b->nonce_lifetime_s &&
	       a->algorithm_count == b->algorithm_count &&
	       !memcmp(a->algorithms, b->algorithms,
		       a->algorithm_count * sizeof(*a->algorithms));
}

/* Swap section @p f of @p a and @p b (their strings go with them). */
#define SWAP(a, b, f) do { __typeof__((a)->f) t_ = (a)->f; \
	(a)->f = (b)->f; (b)->f = t_; } while (0)

/* The registrar's sections are read by running objects (the store, the
 * registrar, the nonce secret): they change only at restart. */
static unsigned keep_registrar(struct sipd *sd, struct sipd_config *nc,
			       struct sipd_config *old)
{
	unsigned count = 0;

	if (!store_same(&old->store, &nc->store)) {
		needs_restart(sd, "store");
		count++;
	}
	if (!registrar_same(&old->registrar, &nc->registrar)) {
		needs_restart(sd, "registrar");
		count++;
	}
	if (!auth_same(&old->auth, &nc->auth)) {
		needs_restart(sd, "auth");
		count++;
	}
	SWAP(nc, old, store);
	SWAP(nc, old, registrar);
	SWAP(nc, old, auth);
	return count;
}

static bool proxy_same(const struct sipd_config_proxy *a,
		       const struct sipd_config_proxy *b)
{
	if (a->enabled != b->enabled || a->record_route != b->record_route ||
	    a->timer_c_ms != b->timer_c_ms || a->fork != b->fork ||
	    a->branch_timeout_ms != b->branch_timeout_ms || a->auth != b->auth ||
	    a->stateless != b->stateless || a->redirect_code != b->redirect_code ||
	    a->call_timeout_s != b->call_timeout_s ||
	    a->redirect_domain_count != b->redirect_domain_count)
		return false;
	for (size_t i = 0; i < a->redirect_domain_count; i++)
		if (strcasecmp(a->redirect_domains[i], b->redirect_domains[i]))
			return false;
	return true;
}

/* The proxy's section is read by the running proxy (Timer C, the call
 * table, whether users authenticate): it changes only at restart. */
static unsigned keep_proxy(struct sipd *sd, struct sipd_config *nc,
			   struct sipd_config *old)
{
	unsigned count = 0;

	if (!proxy_same(&old->proxy, &nc->proxy)) {
		needs_restart(sd, "proxy");
		count++;
	}
	SWAP(nc, old, proxy);
	return count;
}

/* Keep the running values of the restart-only sections in @p nc, so
 * that sd->cfg always describes what is in effect. The listen arrays
 * are swapped, so freeing @p old frees the file's. */
static unsigned keep_restart_only(struct sipd *sd, struct sipd_config *nc,
				  struct sipd_config *old)
{
	struct sipd_listen *l = nc->listen;
	size_t n = nc->listen_count;
	unsigned count = 0;

	if (!listen_same(old, nc)) {
		needs_restart(sd, "listen");
		count++;
	}
	if (memcmp(&old->transaction, &nc->transaction, sizeof(nc->transaction))) {
		needs_restart(sd, "transaction");
		count++;
	}
	if (memcmp(&old->limits, &nc->limits, sizeof(nc->limits))) {
		needs_restart(sd, "limits");
		count++;
	}
	nc->listen = old->listen;
	nc->listen_count = old->listen_count;
	old->listen = l;
	old->listen_count = n;
	nc->transaction = old->transaction;
	nc->limits = old->limits;
	return count;
}

static unsigned apply_log(struct sipd *sd, const struct sipd_config *nc,
			  const struct sipd_config *old)
{
	unsigned count = 0;

	if (nc->log.level != old->log.level) {
		/* logged at the more verbose of the two levels, so it shows */
		sd->log.level = nc->log.level < old->log.level ?
			nc->log.level : old->log.level;
		changed(sd, "log.level", sipd_log_level_name(old->log.level),
			sipd_log_level_name(nc->log.level));
		count++;
	}
	sd->log.level = nc->log.level;
	if (nc->log.format != old->log.format) {
		sd->log.format = nc->log.format;
		changed(sd, "log.format", sipd_log_format_name(old->log.format),
			sipd_log_format_name(nc->log.format));
		count++;
	}
	sipd_trace_set_output(sd->trace, sd->log.f, sd->log.format);
	return count;
}

static unsigned apply_trace(struct sipd *sd, struct sipd_config *nc,
			    const struct sipd_config *old)
{
	char a[32], b[32];
	unsigned count = 0;

	if (sd->trace_cli)
		nc->trace.enabled = true;
	if (nc->trace.enabled != old->trace.enabled) {
		sipd_trace_enable(sd->trace, nc->trace.enabled);
		changed(sd, "trace.enabled", old->trace.enabled ? "true" : "false",
			nc->trace.enabled ? "true" : "false");
		count++;
	}
	if (nc->trace.ring_size != old->trace.ring_size) {
		snprintf(a, sizeof(a), "%u", old->trace.ring_size);
		snprintf(b, sizeof(b), "%u", nc->trace.ring_size);
		if (sipd_trace_resize(sd->trace, nc->trace.ring_size)) {
			sipd_log(&sd->log, SIPD_LOG_ERROR,
				 "out of memory: trace ring not resized",
				 "to", b, NULL);
			nc->trace.ring_size = old->trace.ring_size;
		} else {
			changed(sd, "trace.ring_size", a, b);
			count++;
		}
	}
	return count;
}

static void join_domains(const struct sipd_config_server *s, char *buf,
			 size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (!s->domain_count)
		snprintf(buf, size, "(none)");
	for (size_t i = 0; i < s->domain_count && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? "," : "", s->domains[i]);
}

static unsigned apply_server(struct sipd *sd, const struct sipd_config *nc,
			     const struct sipd_config *old)
{
	char a[ERR_MAX], b[ERR_MAX];
	unsigned count = 0;

	if (strcmp(nc->server.name, old->server.name)) {
		changed(sd, "server.name", old->server.name, nc->server.name);
		count++;
	}
	if (!domains_same(&nc->server, &old->server)) {
		join_domains(&old->server, a, sizeof(a));
		join_domains(&nc->server, b, sizeof(b));
		changed(sd, "server.domains", a, b);
		count++;
	}
	return count;
}

/* The management API's sections belong to running objects (the HTTP
 * server, the HEP socket): restart only. */
static unsigned keep_mgmt(struct sipd *sd, struct sipd_config *nc,
			  struct sipd_config *old)
{
	const struct sipd_config_http *a = &old->http, *b = &nc->http;
	const struct sipd_config_hep *x = &old->trace.hep, *y = &nc->trace.hep;
	unsigned count = 0;

	if (a->enabled != b->enabled || !str_same(a->address, b->address) ||
	    a->port != b->port || !str_same(a->token, b->token) ||
	    !list_same(a->allow, a->allow_count, b->allow, b->allow_count)) {
		needs_restart(sd, "http");
		count++;
	}
	if (!str_same(x->address, y->address) || x->port != y->port ||
	    x->id != y->id) {
		needs_restart(sd, "trace.hep");
		count++;
	}
	SWAP(nc, old, http);
	SWAP(nc, old, trace.hep);
	return count;
}

void sipd_reload(struct sipd *sd)
{
	char err[ERR_MAX];

	(void)sipd_reload_check(sd, err, sizeof(err));
}

int sipd_reload_check(struct sipd *sd, char *err, size_t errlen)
{
	struct sipd_config *nc, *old = sd->cfg;
	unsigned n;
	int e;

	if ((e = sipd_config_load(&nc, sd->config_path, err, errlen))) {
		sipd_log(&sd->log, SIPD_LOG_ERROR,
			 "reload refused, running configuration kept",
			 "error", err, NULL);
		return e;
	}
	n = keep_restart_only(sd, nc, old);
	n += keep_mgmt(sd, nc, old);
	n += keep_registrar(sd, nc, old);
	n += keep_proxy(sd, nc, old);
	n += apply_log(sd, nc, old);
	n += apply_trace(sd, nc, old);
	n += apply_server(sd, nc, old);
	/* the dial plan is swapped whole, its gateways' health kept */
	if (sipd_dialplan_reload(sd, nc))
		n++;
	/* from here on everything reads the new configuration */
	sd->cfg = nc;
	sipd_config_free(old);
	/* users[] is live: put again, so changed passwords take effect
	 * (users removed from the file stay in the store: `sipd user rm`) */
	if (nc->user_count && !sipd_register_load_users(sd, nc))
		n++;
	if (!n)
		sipd_log(&sd->log, SIPD_LOG_INFO, "configuration unchanged",
			 "file", sd->config_path, NULL);
	return 0;
}
