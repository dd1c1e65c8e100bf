/*
 * reload.c - live reconfiguration on SIGHUP (see reload.h): load, compare
 * with the running configuration, apply what may change live, keep the
 * running values of what needs a restart.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip/transport.h"

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

void sipd_reload(struct sipd *sd)
{
	struct sipd_config *nc, *old = sd->cfg;
	char err[ERR_MAX];
	unsigned n;

	if (sipd_config_load(&nc, sd->config_path, err, sizeof(err))) {
		sipd_log(&sd->log, SIPD_LOG_ERROR,
			 "reload refused, running configuration kept",
			 "error", err, NULL);
		return;
	}
	n = keep_restart_only(sd, nc, old);
	n += apply_log(sd, nc, old);
	n += apply_trace(sd, nc, old);
	n += apply_server(sd, nc, old);
	/* from here on everything reads the new configuration */
	sd->cfg = nc;
	sipd_config_free(old);
	if (!n)
		sipd_log(&sd->log, SIPD_LOG_INFO, "configuration unchanged",
			 "file", sd->config_path, NULL);
}
