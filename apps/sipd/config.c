/*
 * config.c - sipd's configuration schema (the tables below are the whole
 * list of keys; docs/config.md describes them) and loading it from a
 * file or a string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/http.h"

#include "config.h"
#include "config_dialplan.h"
#include "scalar.h"
#include "schema.h"
#include "yamldoc.h"

/* A configuration is a few kilobytes; a bigger file is a mistake (a log
 * or a binary given by error) and is refused before parsing. */
#define CONFIG_MAX (1024 * 1024)

#define PORT_SIP  5060
#define PORT_SIPS 5061

/* The schema stores enums through int (schema.h). */
_Static_assert(sizeof(enum sipd_log_level) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_log_format) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_transport) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_store_backend) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_auth_algo) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_fork) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sipd_proxy_auth) == sizeof(int), "enum size");

/* Value names, in the order of their enums in config.h. */
static const char *const log_levels[] = {
	"debug", "info", "notice", "warning", "error", NULL
};
static const char *const log_formats[] = { "text", "json", NULL };
static const char *const transports[] = { "udp", "tcp", "tls", NULL };
static const char *const backends[] = { "sqlite", "memory", "redis", NULL };
static const char *const auth_algos[] = { "sha-256", "md5", NULL };
static const char *const forks[] = { "parallel", "sequential", NULL };
static const char *const proxy_auths[] = { "auto", "on", "off", NULL };

/* HA1 hex lengths: MD5 and SHA-256 (RFC 7616 §3.4.2). */
#define HA1_MD5_LEN    32
#define HA1_SHA256_LEN 64

static int check_server(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line);
static int check_listen(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line);
static int check_transaction(struct sipd_schema_ctx *ctx, void *obj,
			     const yaml_node_t *node, int line);
static int check_config(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line);
static int check_registrar(struct sipd_schema_ctx *ctx, void *obj,
			   const yaml_node_t *node, int line);
static int check_auth(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line);
static int check_user(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line);
static int check_http(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line);
static int check_hep(struct sipd_schema_ctx *ctx, void *obj,
		     const yaml_node_t *node, int line);
static int check_proxy(struct sipd_schema_ctx *ctx, void *obj,
		       const yaml_node_t *node, int line);

#define SERVER(f) offsetof(struct sipd_config_server, f)
#define LOG(f)    offsetof(struct sipd_config_log, f)
#define TRACE(f)  offsetof(struct sipd_config_trace, f)
#define LISTEN(f) offsetof(struct sipd_listen, f)
#define TXN(f)    offsetof(struct sipd_config_transaction, f)
#define LIMITS(f) offsetof(struct sipd_config_limits, f)
#define CONFIG(f) offsetof(struct sipd_config, f)
#define STORE(f)  offsetof(struct sipd_config_store, f)
#define REDIS(f)  offsetof(struct sipd_config_redis, f)
#define REG(f)    offsetof(struct sipd_config_registrar, f)
#define AUTH(f)   offsetof(struct sipd_config_auth, f)
#define USER(f)   offsetof(struct sipd_config_user, f)
#define HEP(f)    offsetof(struct sipd_config_hep, f)
#define HTTP(f)   offsetof(struct sipd_config_http, f)
#define PROXY(f)  offsetof(struct sipd_config_proxy, f)

static const struct sipd_schema_key domain_entry = {
	.type = SIPD_SCHEMA_HOST,
};

static const struct sipd_schema_key server_keys[] = {
	{ .name = "name", .type = SIPD_SCHEMA_STRING, .offset = SERVER(name),
	  .def = "sipd" },
	{ .name = "domains", .type = SIPD_SCHEMA_LIST,
	  .offset = SERVER(domains), .count_offset = SERVER(domain_count),
	  .elem = &domain_entry },
	{ .name = NULL },
};

static const struct sipd_schema_key log_keys[] = {
	{ .name = "level", .type = SIPD_SCHEMA_ENUM, .offset = LOG(level),
	  .names = log_levels, .def = "info" },
	{ .name = "format", .type = SIPD_SCHEMA_ENUM, .offset = LOG(format),
	  .names = log_formats, .def = "text" },
	{ .name = NULL },
};

static const struct sipd_schema_key hep_keys[] = {
	{ .name = "address", .type = SIPD_SCHEMA_ADDRESS, .offset = HEP(address) },
	{ .name = "port", .type = SIPD_SCHEMA_INT, .offset = HEP(port),
	  .min = 1, .max = 65535, .def = "9060" },
	{ .name = "id", .type = SIPD_SCHEMA_INT, .offset = HEP(id),
	  .min = 0, .max = 2147483647, .def = "2001" },
	{ .name = NULL },
};

static const struct sipd_schema_map hep_map = {
	.size = sizeof(struct sipd_config_hep),
	.keys = hep_keys,
	.check = check_hep,
};

static const struct sipd_schema_key trace_keys[] = {
	{ .name = "enabled", .type = SIPD_SCHEMA_BOOL,
	  .offset = TRACE(enabled), .def = "false" },
	{ .name = "ring_size", .type = SIPD_SCHEMA_INT,
	  .offset = TRACE(ring_size), .min = 16, .max = 1000000,
	  .def = "10000" },
	{ .name = "hep", .type = SIPD_SCHEMA_MAP, .offset = TRACE(hep),
	  .map = &hep_map },
	{ .name = NULL },
};

/* port has no default here: it depends on the transport (check_listen). */
static const struct sipd_schema_key listen_keys[] = {
	{ .name = "transport", .type = SIPD_SCHEMA_ENUM,
	  .offset = LISTEN(transport), .names = transports, .required = true },
	{ .name = "address", .type = SIPD_SCHEMA_ADDRESS,
	  .offset = LISTEN(address), .required = true },
	{ .name = "port", .type = SIPD_SCHEMA_INT, .offset = LISTEN(port),
	  .min = 1, .max = 65535 },
	{ .name = NULL },
};

static const struct sipd_schema_map listen_map = {
	.size = sizeof(struct sipd_listen),
	.keys = listen_keys,
	.check = check_listen,
};

static const struct sipd_schema_key listen_entry = {
	.type = SIPD_SCHEMA_MAP,
	.map = &listen_map,
};

static const struct sipd_schema_key transaction_keys[] = {
	{ .name = "t1_ms", .type = SIPD_SCHEMA_INT, .offset = TXN(t1_ms),
	  .min = 50, .max = 10000, .def = "500" },
	{ .name = "t2_ms", .type = SIPD_SCHEMA_INT, .offset = TXN(t2_ms),
	  .min = 500, .max = 60000, .def = "4000" },
	{ .name = "t4_ms", .type = SIPD_SCHEMA_INT, .offset = TXN(t4_ms),
	  .min = 500, .max = 60000, .def = "5000" },
	{ .name = NULL },
};

static const struct sipd_schema_key limits_keys[] = {
	{ .name = "max_message_size", .type = SIPD_SCHEMA_INT,
	  .offset = LIMITS(max_message_size), .min = 1024, .max = 65535,
	  .def = "65535" },
	{ .name = "tcp_max_connections", .type = SIPD_SCHEMA_INT,
	  .offset = LIMITS(tcp_max_connections), .min = 1, .max = 100000,
	  .def = "1024" },
	{ .name = "tcp_max_per_peer", .type = SIPD_SCHEMA_INT,
	  .offset = LIMITS(tcp_max_per_peer), .min = 1, .max = 10000,
	  .def = "64" },
	{ .name = "tcp_idle_timeout_s", .type = SIPD_SCHEMA_INT,
	  .offset = LIMITS(tcp_idle_timeout_s), .min = 1, .max = 86400,
	  .def = "120" },
	{ .name = NULL },
};

static const struct sipd_schema_map server_map = {
	.size = sizeof(struct sipd_config_server),
	.keys = server_keys,
	.check = check_server,
};

static const struct sipd_schema_map log_map = {
	.size = sizeof(struct sipd_config_log),
	.keys = log_keys,
};

static const struct sipd_schema_map trace_map = {
	.size = sizeof(struct sipd_config_trace),
	.keys = trace_keys,
};

static const struct sipd_schema_map transaction_map = {
	.size = sizeof(struct sipd_config_transaction),
	.keys = transaction_keys,
	.check = check_transaction,
};

static const struct sipd_schema_map limits_map = {
	.size = sizeof(struct sipd_config_limits),
	.keys = limits_keys,
};

static const struct sipd_schema_key redis_keys[] = {
	{ .name = "host", .type = SIPD_SCHEMA_HOST, .offset = REDIS(host),
	  .def = "127.0.0.1" },
	{ .name = "port", .type = SIPD_SCHEMA_INT, .offset = REDIS(port),
	  .min = 1, .max = 65535, .def = "6379" },
	{ .name = "db", .type = SIPD_SCHEMA_INT, .offset = REDIS(db),
	  .min = 0, .max = 1000000, .def = "0" },
	{ .name = "prefix", .type = SIPD_SCHEMA_STRING, .offset = REDIS(prefix),
	  .def = "'sipd:'" },
	{ .name = NULL },
};

static const struct sipd_schema_map redis_map = {
	.size = sizeof(struct sipd_config_redis),
	.keys = redis_keys,
};

static const struct sipd_schema_key store_keys[] = {
	{ .name = "backend", .type = SIPD_SCHEMA_ENUM, .offset = STORE(backend),
	  .names = backends, .def = "sqlite" },
	{ .name = "path", .type = SIPD_SCHEMA_STRING, .offset = STORE(path),
	  .def = "var/sipd.db" },
	{ .name = "redis", .type = SIPD_SCHEMA_MAP, .offset = STORE(redis),
	  .map = &redis_map },
	{ .name = NULL },
};

static const struct sipd_schema_map store_map = {
	.size = sizeof(struct sipd_config_store),
	.keys = store_keys,
};

static const struct sipd_schema_key registrar_keys[] = {
	{ .name = "enabled", .type = SIPD_SCHEMA_BOOL, .offset = REG(enabled),
	  .def = "false" },
	{ .name = "domains", .type = SIPD_SCHEMA_LIST, .offset = REG(domains),
	  .count_offset = REG(domain_count), .elem = &domain_entry },
	{ .name = "default_expires", .type = SIPD_SCHEMA_INT,
	  .offset = REG(default_expires), .min = 1, .max = 86400 * 7,
	  .def = "3600" },
	{ .name = "min_expires", .type = SIPD_SCHEMA_INT,
	  .offset = REG(min_expires), .min = 1, .max = 86400 * 7, .def = "60" },
	{ .name = "max_expires", .type = SIPD_SCHEMA_INT,
	  .offset = REG(max_expires), .min = 1, .max = 86400 * 7,
	  .def = "7200" },
	{ .name = "max_contacts", .type = SIPD_SCHEMA_INT,
	  .offset = REG(max_contacts), .min = 1, .max = 1000, .def = "10" },
	{ .name = "allow_third_party", .type = SIPD_SCHEMA_BOOL,
	  .offset = REG(allow_third_party), .def = "false" },
	{ .name = NULL },
};

static const struct sipd_schema_map registrar_map = {
	.size = sizeof(struct sipd_config_registrar),
	.keys = registrar_keys,
	.check = check_registrar,
};

static const struct sipd_schema_key algo_entry = {
	.type = SIPD_SCHEMA_ENUM,
	.names = auth_algos,
};

static const struct sipd_schema_key auth_keys[] = {
	{ .name = "register", .type = SIPD_SCHEMA_BOOL, .offset = AUTH(register_),
	  .def = "true" },
	{ .name = "realm", .type = SIPD_SCHEMA_STRING, .offset = AUTH(realm) },
	{ .name = "nonce_lifetime_s", .type = SIPD_SCHEMA_INT,
	  .offset = AUTH(nonce_lifetime_s), .min = 10, .max = 86400,
	  .def = "300" },
	{ .name = "algorithms", .type = SIPD_SCHEMA_LIST,
	  .offset = AUTH(algorithms), .count_offset = AUTH(algorithm_count),
	  .elem = &algo_entry, .min = 1, .def = "[ sha-256, md5 ]" },
	{ .name = NULL },
};

static const struct sipd_schema_map auth_map = {
	.size = sizeof(struct sipd_config_auth),
	.keys = auth_keys,
	.check = check_auth,
};

static const struct sipd_schema_key allow_entry = {
	.type = SIPD_SCHEMA_STRING,
};

static const struct sipd_schema_key http_keys[] = {
	{ .name = "enabled", .type = SIPD_SCHEMA_BOOL, .offset = HTTP(enabled),
	  .def = "false" },
	{ .name = "address", .type = SIPD_SCHEMA_ADDRESS,
	  .offset = HTTP(address), .def = "127.0.0.1" },
	{ .name = "port", .type = SIPD_SCHEMA_INT, .offset = HTTP(port),
	  .min = 1, .max = 65535, .def = "8080" },
	{ .name = "token", .type = SIPD_SCHEMA_STRING, .offset = HTTP(token) },
	{ .name = "allow", .type = SIPD_SCHEMA_LIST, .offset = HTTP(allow),
	  .count_offset = HTTP(allow_count), .elem = &allow_entry, .max = 32 },
	{ .name = NULL },
};

static const struct sipd_schema_map http_map = {
	.size = sizeof(struct sipd_config_http),
	.keys = http_keys,
	.check = check_http,
};

static const struct sipd_schema_key user_keys[] = {
	{ .name = "name", .type = SIPD_SCHEMA_STRING, .offset = USER(name),
	  .required = true },
	{ .name = "password", .type = SIPD_SCHEMA_STRING,
	  .offset = USER(password) },
	{ .name = "ha1_md5", .type = SIPD_SCHEMA_STRING, .offset = USER(ha1_md5) },
	{ .name = "ha1_sha256", .type = SIPD_SCHEMA_STRING,
	  .offset = USER(ha1_sha256) },
	{ .name = "domain", .type = SIPD_SCHEMA_HOST, .offset = USER(domain) },
	{ .name = "class", .type = SIPD_SCHEMA_STRING, .offset = USER(class_) },
	{ .name = NULL },
};

static const struct sipd_schema_map user_map = {
	.size = sizeof(struct sipd_config_user),
	.keys = user_keys,
	.check = check_user,
};

static const struct sipd_schema_key user_entry = {
	.type = SIPD_SCHEMA_MAP,
	.map = &user_map,
};

static const struct sipd_schema_key proxy_keys[] = {
	{ .name = "enabled", .type = SIPD_SCHEMA_BOOL, .offset = PROXY(enabled),
	  .def = "false" },
	{ .name = "record_route", .type = SIPD_SCHEMA_BOOL,
	  .offset = PROXY(record_route), .def = "true" },
	{ .name = "timer_c_ms", .type = SIPD_SCHEMA_INT,
	  .offset = PROXY(timer_c_ms), .min = 500, .max = 3600000,
	  .def = "180000" },
	{ .name = "fork", .type = SIPD_SCHEMA_ENUM, .offset = PROXY(fork),
	  .names = forks, .def = "parallel" },
	{ .name = "branch_timeout_ms", .type = SIPD_SCHEMA_INT,
	  .offset = PROXY(branch_timeout_ms), .min = 0, .max = 3600000,
	  .def = "0" },
	{ .name = "auth", .type = SIPD_SCHEMA_ENUM, .offset = PROXY(auth),
	  .names = proxy_auths, .def = "auto" },
	{ .name = "stateless", .type = SIPD_SCHEMA_BOOL,
	  .offset = PROXY(stateless), .def = "false" },
	{ .name = "redirect_domains", .type = SIPD_SCHEMA_LIST,
	  .offset = PROXY(redirect_domains),
	  .count_offset = PROXY(redirect_domain_count), .elem = &domain_entry },
	{ .name = "redirect_code", .type = SIPD_SCHEMA_INT,
	  .offset = PROXY(redirect_code), .min = 301, .max = 302, .def = "302" },
	{ .name = "call_timeout_s", .type = SIPD_SCHEMA_INT,
	  .offset = PROXY(call_timeout_s), .min = 10, .max = 86400 * 7,
	  .def = "7200" },
	{ .name = NULL },
};

static const struct sipd_schema_map proxy_map = {
	.size = sizeof(struct sipd_config_proxy),
	.keys = proxy_keys,
	.check = check_proxy,
};

/* The sections; a new one is a struct in config.h, a table above and a
 * row here. */
static const struct sipd_schema_key config_keys[] = {
	{ .name = "server", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(server),
	  .map = &server_map },
	{ .name = "log", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(log),
	  .map = &log_map },
	{ .name = "trace", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(trace),
	  .map = &trace_map },
	{ .name = "listen", .type = SIPD_SCHEMA_LIST, .offset = CONFIG(listen),
	  .count_offset = CONFIG(listen_count), .elem = &listen_entry,
	  .min = 1,
	  .def = "[ { transport: udp, address: 127.0.0.1 },"
		 "  { transport: tcp, address: 127.0.0.1 } ]" },
	{ .name = "transaction", .type = SIPD_SCHEMA_MAP,
	  .offset = CONFIG(transaction), .map = &transaction_map },
	{ .name = "limits", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(limits),
	  .map = &limits_map },
	{ .name = "store", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(store),
	  .map = &store_map },
	{ .name = "registrar", .type = SIPD_SCHEMA_MAP,
	  .offset = CONFIG(registrar), .map = &registrar_map },
	{ .name = "auth", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(auth),
	  .map = &auth_map },
	{ .name = "users", .type = SIPD_SCHEMA_LIST, .offset = CONFIG(users),
	  .count_offset = CONFIG(user_count), .elem = &user_entry },
	{ .name = "http", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(http),
	  .map = &http_map },
	{ .name = "proxy", .type = SIPD_SCHEMA_MAP, .offset = CONFIG(proxy),
	  .map = &proxy_map },
	{ .name = "dialplan", .type = SIPD_SCHEMA_MAP,
	  .offset = CONFIG(dialplan), .map = &sipd_config_dialplan_map },
	{ .name = NULL },
};

static const struct sipd_schema_map config_map = {
	.size = sizeof(struct sipd_config),
	.keys = config_keys,
	.check = check_config,
};

const char *sipd_transport_name(enum sipd_transport tp)
{
	if ((unsigned)tp >= sizeof(transports) / sizeof(transports[0]) - 1)
		return "?";
	return transports[tp];
}

const char *sipd_store_backend_name(enum sipd_store_backend b)
{
	if ((unsigned)b >= sizeof(backends) / sizeof(backends[0]) - 1)
		return "?";
	return backends[b];
}

const char *sipd_config_realm(const struct sipd_config *cfg, const char *domain)
{
	return cfg->auth.realm ? cfg->auth.realm : domain;
}

const char *sipd_config_user_class(const struct sipd_config *cfg,
				   const char *user)
{
	if (!user)
		return NULL;
	for (size_t i = 0; i < cfg->user_count; i++)
		if (!strcmp(cfg->users[i].name, user))
			return cfg->users[i].class_;
	return NULL;
}

/* Line of entry @p i of list @p key in map @p node, else @p line. */
static int entry_line(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		      const char *key, size_t i, int line)
{
	const yaml_node_t *list = sipd_schema_value(ctx, node, key);

	return sipd_yaml_line(sipd_schema_item(ctx, list, i), line);
}

/* Host names compare case-insensitively (RFC 3261 §19.1.4), and a
 * trailing dot (the fully qualified spelling) names the same host. */
static bool same_host(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);

	la -= la > 1 && a[la - 1] == '.';
	lb -= lb > 1 && b[lb - 1] == '.';
	return la == lb && !strncasecmp(a, b, la);
}

static int check_server(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line)
{
	const struct sipd_config_server *s = obj;

	for (size_t i = 1; i < s->domain_count; i++)
		for (size_t j = 0; j < i; j++)
			if (same_host(s->domains[i], s->domains[j]))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "domains", i,
						   line),
					"%s.domains[%zu] repeats %s.domains[%zu]"
					" '%s'", ctx->path, i, ctx->path, j,
					s->domains[j]);
	return 0;
}

static int check_listen(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line)
{
	struct sipd_listen *l = obj;

	if (!l->port)
		l->port = l->transport == SIPD_TRANSPORT_TLS ? PORT_SIPS :
							       PORT_SIP;
	/* Already validated as an address: this only learns the family. */
	sipd_scalar_ip(l->address, strlen(l->address), &l->family, NULL);
	return 0;
}

/* T2 caps the retransmission interval that starts at T1 (§17.1.2.2), so
 * T1 > T2 would make the first interval the longest. */
static int check_transaction(struct sipd_schema_ctx *ctx, void *obj,
			     const yaml_node_t *node, int line)
{
	const struct sipd_config_transaction *t = obj;
	const yaml_node_t *v;

	if (t->t1_ms <= t->t2_ms)
		return 0;
	v = sipd_schema_value(ctx, node, "t1_ms");
	if (!v)
		v = sipd_schema_value(ctx, node, "t2_ms");
	return sipd_schema_error(ctx, sipd_yaml_line(v, line),
				 "%s.t1_ms (%u) must not be greater than "
				 "%s.t2_ms (%u)", ctx->path, t->t1_ms,
				 ctx->path, t->t2_ms);
}

/* Line of key @p key in map @p node, else @p line. */
static int key_line(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		    const char *key, int line)
{
	return sipd_yaml_line(sipd_schema_value(ctx, node, key), line);
}

/* §10.3 step 7: the default expiry lies within [min, max]. */
static int check_registrar(struct sipd_schema_ctx *ctx, void *obj,
			   const yaml_node_t *node, int line)
{
	const struct sipd_config_registrar *r = obj;

	if (r->min_expires > r->max_expires)
		return sipd_schema_error(ctx, key_line(ctx, node, "min_expires", line),
					 "%s.min_expires (%u) must not be greater "
					 "than %s.max_expires (%u)", ctx->path,
					 r->min_expires, ctx->path, r->max_expires);
	if (r->default_expires < r->min_expires ||
	    r->default_expires > r->max_expires)
		return sipd_schema_error(ctx,
					 key_line(ctx, node, "default_expires", line),
					 "%s.default_expires (%u) must lie within "
					 "min_expires (%u) and max_expires (%u)",
					 ctx->path, r->default_expires,
					 r->min_expires, r->max_expires);
	for (size_t i = 1; i < r->domain_count; i++)
		for (size_t j = 0; j < i; j++)
			if (same_host(r->domains[i], r->domains[j]))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "domains", i, line),
					"%s.domains[%zu] repeats %s.domains[%zu]"
					" '%s'", ctx->path, i, ctx->path, j,
					r->domains[j]);
	return 0;
}

static int check_auth(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line)
{
	const struct sipd_config_auth *a = obj;

	for (size_t i = 1; i < a->algorithm_count; i++)
		for (size_t j = 0; j < i; j++)
			if (a->algorithms[i] == a->algorithms[j])
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "algorithms", i, line),
					"%s.algorithms[%zu] repeats '%s'",
					ctx->path, i, auth_algos[a->algorithms[i]]);
	return 0;
}

/* A redirect domain named twice is a typo; Timer C shorter than the
 * sequential ring time would cut every group short. */
static int check_proxy(struct sipd_schema_ctx *ctx, void *obj,
		       const yaml_node_t *node, int line)
{
	const struct sipd_config_proxy *p = obj;

	for (size_t i = 1; i < p->redirect_domain_count; i++)
		for (size_t j = 0; j < i; j++)
			if (same_host(p->redirect_domains[i], p->redirect_domains[j]))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "redirect_domains", i, line),
					"%s.redirect_domains[%zu] repeats "
					"%s.redirect_domains[%zu] '%s'", ctx->path, i,
					ctx->path, j, p->redirect_domains[j]);
	if (p->branch_timeout_ms && p->branch_timeout_ms > p->timer_c_ms)
		return sipd_schema_error(ctx,
			key_line(ctx, node, "branch_timeout_ms", line),
			"%s.branch_timeout_ms (%u) must not be greater than "
			"%s.timer_c_ms (%u)", ctx->path, p->branch_timeout_ms,
			ctx->path, p->timer_c_ms);
	return 0;
}

static bool is_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* A user is known by a password or by HA1s, never both: the HA1s are
 * derived from the password, and two sources could disagree. */
static int check_user(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line)
{
	const struct sipd_config_user *u = obj;

	if (!u->password && !u->ha1_md5 && !u->ha1_sha256)
		return sipd_schema_error(ctx, line, "%s needs password, or "
					 "ha1_md5 and/or ha1_sha256", ctx->path);
	if (u->password && (u->ha1_md5 || u->ha1_sha256))
		return sipd_schema_error(ctx, key_line(ctx, node, "password", line),
					 "%s: give password or HA1 hashes, not both",
					 ctx->path);
	if (u->ha1_md5 && !is_hex(u->ha1_md5, HA1_MD5_LEN))
		return sipd_schema_error(ctx, key_line(ctx, node, "ha1_md5", line),
					 "%s.ha1_md5 must be %d hex digits",
					 ctx->path, HA1_MD5_LEN);
	if (u->ha1_sha256 && !is_hex(u->ha1_sha256, HA1_SHA256_LEN))
		return sipd_schema_error(ctx, key_line(ctx, node, "ha1_sha256", line),
					 "%s.ha1_sha256 must be %d hex digits",
					 ctx->path, HA1_SHA256_LEN);
	return 0;
}

/* trace.hep is off when absent; written, it needs its collector. */
static int check_hep(struct sipd_schema_ctx *ctx, void *obj,
		     const yaml_node_t *node, int line)
{
	const struct sipd_config_hep *h = obj;

	if (node && !h->address)
		return sipd_schema_error(ctx, line, "missing required key "
					 "'address' in %s", ctx->path);
	return 0;
}

/* http.allow entries are networks "ADDR[/PREFIX]"; a token is sent in an
 * HTTP header, so it is printable ASCII without spaces (RFC 6750 §2.1
 * b64token characters). */
static int check_http(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line)
{
	const struct sipd_config_http *h = obj;
	struct sip_http_net net;

	for (size_t i = 0; i < h->allow_count; i++)
		if (sip_http_net_parse(&net, h->allow[i]))
			return sipd_schema_error(ctx,
				entry_line(ctx, node, "allow", i, line),
				"%s.allow[%zu] '%s' is not an address or "
				"ADDRESS/PREFIX network", ctx->path, i,
				h->allow[i]);
	for (const char *p = h->token; p && *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789-._~+/=", *p))
			return sipd_schema_error(ctx,
				key_line(ctx, node, "token", line),
				"%s.token may hold only letters, digits and "
				"-._~+/=", ctx->path);
	return 0;
}

/* Users without a domain take the first registrar domain, else the first
 * server domain; two entries may not name the same user. */
static int check_users(struct sipd_schema_ctx *ctx, struct sipd_config *cfg,
		       const yaml_node_t *node, int line)
{
	const char *def = cfg->registrar.domain_count ? cfg->registrar.domains[0] :
			  cfg->server.domain_count ? cfg->server.domains[0] : NULL;

	for (size_t i = 0; i < cfg->user_count; i++) {
		struct sipd_config_user *u = &cfg->users[i];

		if (!u->domain && !def)
			return sipd_schema_error(ctx,
				entry_line(ctx, node, "users", i, line),
				"users[%zu] has no domain, and neither "
				"registrar.domains nor server.domains names one", i);
		if (!u->domain && !(u->domain = strdup(def)))
			return ENOMEM;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(u->name, cfg->users[j].name) &&
			    same_host(u->domain, cfg->users[j].domain))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "users", i, line),
					"users[%zu] repeats users[%zu] '%s@%s'",
					i, j, u->name, u->domain);
	}
	return 0;
}

static bool same_socket(const struct sipd_listen *a,
			const struct sipd_listen *b)
{
	unsigned char ia[SIPD_IP_LEN] = { 0 };
	unsigned char ib[SIPD_IP_LEN] = { 0 };

	if (a->transport != b->transport || a->port != b->port ||
	    a->family != b->family)
		return false;
	sipd_scalar_ip(a->address, strlen(a->address), NULL, ia);
	sipd_scalar_ip(b->address, strlen(b->address), NULL, ib);
	return !memcmp(ia, ib, sizeof(ia));
}

static int check_config(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line)
{
	struct sipd_config *cfg = obj;

	for (size_t i = 1; i < cfg->listen_count; i++) {
		const struct sipd_listen *l = &cfg->listen[i];

		for (size_t j = 0; j < i; j++)
			if (same_socket(l, &cfg->listen[j]))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "listen", i,
						   line),
					"listen[%zu] repeats listen[%zu] "
					"(%s %s port %u)", i, j,
					sipd_transport_name(l->transport),
					l->address, l->port);
	}
	return check_users(ctx, cfg, node, line);
}

int sipd_config_parse(struct sipd_config **cfgp, const char *name,
		      const char *text, size_t len, char *err, size_t errlen)
{
	struct sipd_schema_ctx ctx = {
		.name = name, .err = err, .errlen = errlen,
	};
	struct sipd_config *cfg = NULL;
	yaml_document_t doc;
	int e;

	e = sipd_yaml_load(&doc, name, text, len, err, errlen);
	if (e)
		return e;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		e = ENOMEM;
		goto out;
	}
	ctx.doc = &doc;
	e = sipd_schema_fill(&ctx, &config_map, cfg);
out:
	yaml_document_delete(&doc);
	if (e == ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", name);
	if (e) {
		sipd_config_free(cfg);
		return e;
	}
	*cfgp = cfg;
	return 0;
}

/* Read the whole file, refusing more than CONFIG_MAX bytes. */
static int read_file(const char *path, char **textp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int e = 0;

	if (!f)
		return errno;
	buf = malloc(CONFIG_MAX + 1);
	if (!buf) {
		e = ENOMEM;
		goto out;
	}
	errno = 0;
	n = fread(buf, 1, CONFIG_MAX + 1, f);
	if (ferror(f))
		e = errno ? errno : EIO;
	else if (n > CONFIG_MAX)
		e = EFBIG;
out:
	fclose(f);
	if (e) {
		free(buf);
		return e;
	}
	*textp = buf;
	*lenp = n;
	return 0;
}

int sipd_config_load(struct sipd_config **cfgp, const char *path, char *err,
		     size_t errlen)
{
	char *text;
	size_t len;
	int e;

	e = read_file(path, &text, &len);
	if (e) {
		if (errlen)
			snprintf(err, errlen, "%s: %s", path,
				 e == EFBIG ? "larger than 1 MiB" :
					      strerror(e));
		return e;
	}
	e = sipd_config_parse(cfgp, path, text, len, err, errlen);
	free(text);
	return e;
}

void sipd_config_free(struct sipd_config *cfg)
{
	if (!cfg)
		return;
	sipd_schema_free(&config_map, cfg);
	free(cfg);
}
