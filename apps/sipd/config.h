/*
 * config.h - the sipd configuration: a YAML file (etc/sipd.yaml, keys in
 * docs/config.md) loaded into plain C fields, with the line of the first
 * mistake when it is wrong.
 */
#ifndef SIPD_CONFIG_H
#define SIPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/** log.level, most verbose first. */
enum sipd_log_level {
	SIPD_LOG_DEBUG,
	SIPD_LOG_INFO,
	SIPD_LOG_NOTICE,
	SIPD_LOG_WARNING,
	SIPD_LOG_ERROR,
};

/** log.format */
enum sipd_log_format {
	SIPD_LOG_TEXT,
	SIPD_LOG_JSON,
};

/** listen[].transport */
enum sipd_transport {
	SIPD_TRANSPORT_UDP,
	SIPD_TRANSPORT_TCP,
	SIPD_TRANSPORT_TLS,
};

/** server: who this server is. */
struct sipd_config_server {
	char *name;              /**< for logs and headers; "sipd" */
	char **domains;          /**< host names / IPs served; none: the
				      listen addresses */
	size_t domain_count;
};

/** log: what is logged and how. */
struct sipd_config_log {
	enum sipd_log_level level;   /**< info */
	enum sipd_log_format format; /**< text */
};

/** trace.hep: copy each traced message to a HEPv3 collector over UDP. */
struct sipd_config_hep {
	char *address;           /**< collector IP; NULL: no HEP export */
	unsigned port;           /**< 9060 */
	unsigned id;             /**< capture agent id; 2001 */
};

/** trace: the in-memory ring of recent messages. */
struct sipd_config_trace {
	bool enabled;            /**< false; `sipd --trace` sets it */
	unsigned ring_size;      /**< messages kept; 10000 */
	struct sipd_config_hep hep;
};

/** http: the management API (src/mgmt/, API.md). */
struct sipd_config_http {
	bool enabled;            /**< false */
	char *address;           /**< "127.0.0.1" */
	unsigned port;           /**< 8080 */
	char *token;             /**< bearer token; NULL: network rule */
	char **allow;            /**< without a token: peers served, as
				      "ADDR[/PREFIX]"; none: loopback */
	size_t allow_count;
};

/** One listen[] entry: a socket to open. */
struct sipd_listen {
	enum sipd_transport transport;
	char *address;           /**< IPv4 or IPv6 literal as written */
	unsigned port;           /**< 5060, 5061 for tls */
	int family;              /**< AF_INET or AF_INET6, from address */
};

/** transaction: RFC 3261 §17.1.1.1 timer values. */
struct sipd_config_transaction {
	unsigned t1_ms;          /**< RTT estimate; 500 */
	unsigned t2_ms;          /**< max retransmit interval; 4000 */
	unsigned t4_ms;          /**< max network lifetime; 5000 */
};

/** limits: what one peer or message may use. */
struct sipd_config_limits {
	unsigned max_message_size;    /**< bytes; 65535 */
	unsigned tcp_max_connections; /**< 1024 */
	unsigned tcp_max_per_peer;    /**< connections per peer IP; 64 */
	unsigned tcp_idle_timeout_s;  /**< 120 */
};

/** store.backend */
enum sipd_store_backend {
	SIPD_STORE_SQLITE,
	SIPD_STORE_MEMORY,
	SIPD_STORE_REDIS,
};

/** store.redis: where the shared Redis is. */
struct sipd_config_redis {
	char *host;              /**< "127.0.0.1" */
	unsigned port;           /**< 6379 */
	unsigned db;             /**< SELECT n; 0 */
	char *prefix;            /**< key prefix; "sipd:" */
};

/** store: where bindings and users are kept (include/sip/store.h). */
struct sipd_config_store {
	enum sipd_store_backend backend;  /**< sqlite */
	char *path;              /**< SQLite file; "var/sipd.db" */
	struct sipd_config_redis redis;
};

/** registrar: RFC 3261 §10.3 (include/sip/registrar.h). */
struct sipd_config_registrar {
	bool enabled;            /**< false */
	char **domains;          /**< domains registered here; none:
				      server.domains */
	size_t domain_count;
	unsigned default_expires;  /**< s; 3600 */
	unsigned min_expires;      /**< s; 60 (shorter: 423) */
	unsigned max_expires;      /**< s; 7200 */
	unsigned max_contacts;     /**< bindings per AOR; 10 */
	bool allow_third_party;    /**< false: 403 unless the user is the AOR */
};

/** auth.algorithms entries, strongest first by default. */
enum sipd_auth_algo {
	SIPD_AUTH_SHA256,
	SIPD_AUTH_MD5,
};

/** auth: digest authentication (include/sip/auth.h). */
struct sipd_config_auth {
	bool register_;          /**< challenge REGISTER; true (key "register") */
	char *realm;             /**< one realm for every domain; NULL: each
				      domain is its own realm */
	unsigned nonce_lifetime_s;  /**< 300 */
	enum sipd_auth_algo *algorithms;  /**< offered in this order;
				      [sha-256, md5] */
	size_t algorithm_count;
};

/** One users[] entry: loaded into the store at start and on SIGHUP. */
struct sipd_config_user {
	char *name;
	char *password;          /**< or the HA1s below; NULL when not given */
	char *ha1_md5;           /**< hex MD5(name:realm:password) */
	char *ha1_sha256;        /**< hex SHA-256 of the same */
	char *domain;            /**< NULL in the file: the first registrar
				      domain, filled in by the loader */
	char *class_;            /**< dial plan permission class (key
				      "class"); NULL: none */
};

/** dialplan.rules[].match.field */
enum sipd_dp_field {
	SIPD_DP_RURI,            /**< the Request-URI user (the number) */
	SIPD_DP_FROM,            /**< the From user */
	SIPD_DP_SOURCE,          /**< the source IP address (cidr only) */
};

/** dialplan.rules[].match: one of prefix, regex, cidr; none: any call. */
struct sipd_dp_match {
	enum sipd_dp_field field;  /**< ruri */
	char *prefix;
	char *regex;             /**< PCRE2 */
	char *cidr;              /**< "10.0.0.0/8", "2001:db8::/32", an address */
};

/** dialplan.rules[].rewrite: replace, then strip, then prefix. */
struct sipd_dp_rewrite {
	char *replace;           /**< template with $1, ${2}, $$ (regex on ruri) */
	unsigned strip;          /**< leading characters removed; 0 */
	char *prefix;            /**< prepended; NULL: nothing */
};

/** dialplan.rules[].destination: exactly one of user, uri, redirect, group. */
struct sipd_dp_dest {
	char *user;              /**< registered user; "${user}": the number */
	char *uri;               /**< URI template, "${user}" = the number */
	char *redirect;          /**< URI template, or "user:" / "user:NAME" */
	unsigned code;           /**< redirect only: 301 or 302; 302 */
	char *group;             /**< gateway group name */
};

/** One dialplan.rules[] entry, tried in order. */
struct sipd_dp_rule {
	char *name;
	struct sipd_dp_match match;
	struct sipd_dp_rewrite rewrite;
	struct sipd_dp_dest destination;
	char **classes;          /**< caller classes allowed; none: everyone */
	size_t class_count;
	bool fallthrough;        /**< a refused caller tries the next rules */
};

/** One dialplan.gateways[].members[] entry. */
struct sipd_dp_gw {
	char *uri;               /**< sip: or sips: URI */
	unsigned priority;       /**< lower first; 1 */
	unsigned weight;         /**< share within the priority; 1 */
};

/** One dialplan.gateways[] entry: a group tried with failover. */
struct sipd_dp_group {
	char *name;
	struct sipd_dp_gw *members;
	size_t member_count;
};

/** dialplan.health: OPTIONS probes of every gateway. */
struct sipd_dp_health {
	bool enabled;            /**< true */
	unsigned interval_ms;    /**< between probes while up; 30000 */
	unsigned down_interval_ms; /**< while down; 0 in the file: interval */
	unsigned failures;       /**< consecutive, to mark down; 3 */
	unsigned successes;      /**< consecutive, to mark up again; 2 */
};

/** dialplan: the routing rules (include/sip/route.h); absent: none. */
struct sipd_config_dialplan {
	struct sipd_dp_rule *rules;
	size_t rule_count;       /**< 0: no dial plan */
	struct sipd_dp_group *gateways;
	size_t gateway_count;
	struct sipd_dp_health health;
};

/** proxy.fork: how a target set of several contacts is tried. */
enum sipd_fork {
	SIPD_FORK_PARALLEL,
	SIPD_FORK_SEQUENTIAL,
};

/** proxy.auth: 407 for requests from our own users before routing. */
enum sipd_proxy_auth {
	SIPD_PROXY_AUTH_AUTO,    /**< on when the file has users */
	SIPD_PROXY_AUTH_ON,
	SIPD_PROXY_AUTH_OFF,
};

/** proxy: RFC 3261 §16 (include/sip/proxy.h) and the redirect server. */
struct sipd_config_proxy {
	bool enabled;              /**< false */
	bool record_route;         /**< true */
	unsigned timer_c_ms;       /**< §16.8; 180000 */
	enum sipd_fork fork;       /**< parallel */
	unsigned branch_timeout_ms;  /**< sequential: ring time of one q
				      group; 0 = until its final */
	enum sipd_proxy_auth auth; /**< auto */
	bool stateless;            /**< foreign domains forwarded
				      statelessly (§16.11); false */
	char **redirect_domains;   /**< answered 3xx with the contacts */
	size_t redirect_domain_count;
	unsigned redirect_code;    /**< 302 (or 301) */
	unsigned call_timeout_s;   /**< an answered call leaves the call
				      table after this long without BYE; 7200 */
};

/** A loaded configuration: every field set (defaults filled in). */
struct sipd_config {
	struct sipd_config_server server;
	struct sipd_config_log log;
	struct sipd_config_trace trace;
	struct sipd_listen *listen;   /**< at least one entry */
	size_t listen_count;
	struct sipd_config_transaction transaction;
	struct sipd_config_limits limits;
	struct sipd_config_store store;
	struct sipd_config_registrar registrar;
	struct sipd_config_auth auth;
	struct sipd_config_user *users;
	size_t user_count;
	struct sipd_config_http http;
	struct sipd_config_proxy proxy;
	struct sipd_config_dialplan dialplan;
};

/**
 * Load the YAML file @p path into a new configuration *cfgp.
 *
 * On failure *cfgp is untouched and @p err (@p errlen bytes; always
 * NUL-terminated when errlen > 0, may be NULL when errlen is 0) gets one
 * line without a newline: "PATH:LINE: what is wrong" for a mistake in the
 * file (only the first one is reported), "PATH: reason" when the file
 * cannot be read.
 *
 * Returns 0, EINVAL for a mistake in the file, EFBIG when it is over
 * 1 MiB, ENOMEM, or the errno of opening/reading the file.
 * The result is freed with sipd_config_free().
 */
int sipd_config_load(struct sipd_config **cfgp, const char *path, char *err,
		     size_t errlen);

/**
 * As sipd_config_load(), from @p len bytes of @p text (need not be
 * NUL-terminated); @p name stands for the file name in messages.
 */
int sipd_config_parse(struct sipd_config **cfgp, const char *name,
		      const char *text, size_t len, char *err, size_t errlen);

/** Free @p cfg and everything it holds. NULL is a no-op. */
void sipd_config_free(struct sipd_config *cfg);

/** "sqlite", "memory" or "redis"; "?" if out of range. */
const char *sipd_store_backend_name(enum sipd_store_backend b);

/** The realm of @p domain: auth.realm, or the domain itself. */
const char *sipd_config_realm(const struct sipd_config *cfg, const char *domain);

/**
 * The dial plan class of user @p user: that of the first users[] entry
 * of that name (any domain), NULL when none or it has no class.
 */
const char *sipd_config_user_class(const struct sipd_config *cfg,
				   const char *user);

/** "udp", "tcp" or "tls" (as written in the file); "?" if out of range. */
const char *sipd_transport_name(enum sipd_transport tp);

#endif
