/*
 * register.c - the registrar role of sipd: store, digest authentication
 * of REGISTER and the registrar, answered through the server
 * transaction (see register.h for the order of the checks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/addr.h"
#include "sip/auth.h"
#include "sip/authhdr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/registrar.h"
#include "sip/store.h"
#include "sip/txn.h"
#include "sip/uri.h"

#include "authn.h"
#include "register.h"
#include "reply.h"
#include "sipd.h"

/* One REGISTER between its arrival and its answer. */
struct reg_ctx {
	struct sipd *sd;
	struct sipd_held h;          /* the REGISTER, its transaction, source */
	struct sipd_authn an;        /* domain: the To host */
};

static void ctx_destroy(void *arg)
{
	struct reg_ctx *c = arg;

	sipd_held_release(&c->h);
}

static struct reg_ctx *ctx_new(struct sipd *sd, const struct sipd_req *rq)
{
	struct reg_ctx *c = sip_mem_zalloc(sizeof(*c), ctx_destroy);

	if (!c)
		return NULL;
	c->sd = sd;
	sipd_held_init(&c->h, rq);
	return c;
}

/* ---- answers ---- */

static void answer_bare(struct reg_ctx *c, uint16_t scode, const char *reason)
{
	sipd_reply(c->sd, &c->h.rq, scode, reason);
}

/* 401 with a challenge per configured algorithm (RFC 8760 §2.4). */
static void challenge(struct reg_ctx *c)
{
	struct sipd *sd = c->sd;
	struct sip_out *o;
	int err = sipd_reply_build(sd, &c->h.rq, 401, NULL, &o);

	if (err) {
		sd->stats.dropped++;
		return;
	}
	if (sipd_authn_challenge(&c->an, o)) {
		/* a 401 without its challenges would be useless */
		sip_out_free(o);
		answer_bare(c, 500, NULL);
		return;
	}
	if (sipd_reply_send(sd, &c->h.rq, o, 401))
		sd->stats.dropped++;
	sip_out_free(o);
}

static int build_h(void *arg, uint16_t scode, const char *reason,
		   struct sip_out **op)
{
	struct reg_ctx *c = arg;

	return sipd_reply_build(c->sd, &c->h.rq, scode, reason, op);
}

static void on_registrar(void *arg, struct sip_out *resp, uint16_t scode)
{
	struct reg_ctx *c = arg;

	if (resp) {
		if (sipd_reply_send(c->sd, &c->h.rq, resp, scode))
			c->sd->stats.dropped++;
		sip_out_free(resp);
	} else {
		answer_bare(c, scode, NULL);
	}
	sip_mem_deref(c);
}

/* Hand the request to the registrar, authenticated as c->an.username when
 * @p authed. Consumes the caller's reference on @p c. */
static void to_registrar(struct reg_ctx *c, bool authed)
{
	struct sip_user u = { .username = c->an.username, .domain = c->an.domain };
	struct sip_reg_req rr = {
		.m = c->h.m, .user = authed ? &u : NULL, .src = &c->h.src,
		.build = build_h, .build_arg = c,
	};

	if (!sip_registrar_handle(c->sd->registrar, &rr, on_registrar, c))
		return;   /* on_registrar releases c */
	answer_bare(c, 500, NULL);
	sip_mem_deref(c);
}

/* ---- authentication ---- */

/* sipd_authn_h: the verdict on the credentials. Consumes the reference
 * on @p c that sipd_register_request() handed to sipd_authn_start(). */
static void on_authn(void *arg, enum sipd_authn_verdict v)
{
	struct reg_ctx *c = arg;

	switch (v) {
	case SIPD_AUTHN_OK:
		to_registrar(c, true);
		return;
	case SIPD_AUTHN_CHALLENGE:
		challenge(c);
		break;
	case SIPD_AUTHN_REFUSE:
		answer_bare(c, c->an.scode, c->an.reason);
		break;
	case SIPD_AUTHN_CANCELED:
		break;
	}
	sip_mem_deref(c);
}

/* ---- the REGISTER path ---- */

/* Is @p host a registrar domain? registrar.domains when set, else this
 * server (server.domains and our addresses). */
static bool our_domain(struct sipd *sd, struct sip_pl host, enum sip_host_type type)
{
	const struct sipd_config_registrar *r = &sd->cfg->registrar;

	if (r->domain_count)
		return sipd_host_in_list(r->domains, r->domain_count, host);
	return sipd_self_host(&sd->self, &sd->cfg->server, host, type);
}

static bool domain_h(void *arg, struct sip_pl host)
{
	struct sipd *sd = arg;

	if (sd->cfg->registrar.domain_count)
		return false;
	return sipd_self_host(&sd->self, &sd->cfg->server, host, sipd_host_type(host));
}

static bool third_party_h(void *arg, const char *to_aor, const char *from_aor,
			  const struct sip_user *user)
{
	struct sipd *sd = arg;

	(void)to_aor;
	(void)from_aor;
	(void)user;
	return sd->cfg->registrar.allow_third_party;
}

bool sipd_register_request(struct sipd *sd, const struct sipd_req *rq)
{
	const struct sip_uri *ruri;
	const struct sip_addr *to;
	struct reg_ctx *c;

	if (!sd->registrar || rq->m->mid != SIP_REGISTER || !rq->st)
		return false;
	c = ctx_new(sd, rq);
	if (!c) {
		sipd_reply(sd, rq, 500, NULL);
		return true;
	}
	/* not for us, or malformed: the registrar says which (404, 400) */
	if (!sd->auth || !sd->cfg->auth.register_ || sip_msg_ruri(rq->m, &ruri) || sip_msg_to(rq->m, &to) ||
	    !our_domain(sd, ruri->host, ruri->host_type) ||
	    !sipd_authn_domain(&c->an, sd, to->uri.host)) {
		to_registrar(c, false);
		return true;
	}
	sipd_authn_start(&c->an, sd, c->h.m, SIP_HDR_AUTHORIZATION,
			 &c->h.src.remote.u.sa, on_authn, c);
	return true;
}

/* ---- start, stop, users ---- */

static void store_log(void *arg, const char *line)
{
	struct sipd *sd = arg;

	sipd_log(&sd->log, SIPD_LOG_WARNING, "store", "detail", line, NULL);
}

static void user_done(void *arg, int err)
{
	struct sipd *sd = arg;

	if (err && err != ECANCELED)
		sipd_log(&sd->log, SIPD_LOG_ERROR, "user not stored",
			 "error", strerror(err), NULL);
}

static int put_user(struct sipd *sd, const struct sipd_config *cfg,
		    const struct sipd_config_user *cu)
{
	char md5[SIP_AUTH_HEX_SIZE], sha[SIP_AUTH_HEX_SIZE];
	struct sip_user u = {
		.username = cu->name, .domain = cu->domain,
		.ha1_md5 = cu->ha1_md5, .ha1_sha256 = cu->ha1_sha256,
	};
	int err;

	if (cu->password) {
		struct sip_pl realm = sip_pl_str(sipd_config_realm(cfg, cu->domain));

		err = sip_auth_ha1(SIP_AUTH_ALGO_MD5, sip_pl_str(cu->name), realm,
				   sip_pl_str(cu->password), md5);
		if (!err)
			err = sip_auth_ha1(SIP_AUTH_ALGO_SHA256, sip_pl_str(cu->name),
					   realm, sip_pl_str(cu->password), sha);
		if (err)
			return err;
		u.ha1_md5 = md5;
		u.ha1_sha256 = sha;
	}
	return sip_store_user_put(sd->store, &u, user_done, sd);
}

int sipd_register_load_users(struct sipd *sd, const struct sipd_config *cfg)
{
	int err;

	if (!sd->store)
		return 0;
	for (size_t i = 0; i < cfg->user_count; i++) {
		err = put_user(sd, cfg, &cfg->users[i]);
		if (err) {
			sipd_log(&sd->log, SIPD_LOG_ERROR, "user not stored",
				 "user", cfg->users[i].name, "error", strerror(err),
				 NULL);
			return err;
		}
	}
	return 0;
}

void sipd_register_store_conf(const struct sipd_config *cfg,
			      struct sip_store_conf *c)
{
	const struct sipd_config_store *s = &cfg->store;

	memset(c, 0, sizeof(*c));
	c->backend = sipd_store_backend_name(s->backend);
	c->sqlite_path = s->path;
	c->redis_host = s->redis.host;
	c->redis_port = (uint16_t)s->redis.port;
	c->redis_db = s->redis.db;
	c->redis_prefix = s->redis.prefix;
}

static int open_store(struct sipd *sd)
{
	struct sip_store_conf c;

	sipd_register_store_conf(sd->cfg, &c);
	c.log = store_log;
	c.log_arg = sd;
	return sip_store_open(&sd->store, &sd->loop, &c);
}

/* sip_auth_block_h: a source just crossed the failed-attempt limit. */
static void on_blocked(void *arg, const struct sockaddr *src, uint32_t failures,
		       uint32_t block_s)
{
	struct sipd *sd = arg;
	struct sip_tp_addr a = { .len = src->sa_family == AF_INET6 ?
		sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in) };
	char peer[SIP_TP_ADDRSTRLEN], n[16], secs[16];

	memcpy(&a.u, src, a.len);
	snprintf(n, sizeof(n), "%u", (unsigned)failures);
	snprintf(secs, sizeof(secs), "%u", (unsigned)block_s);
	sipd_log(&sd->log, SIPD_LOG_WARNING, "source blocked after failed authentication",
		 "peer", sip_tp_addr_fmt(&a, peer), "failures", n,
		 "seconds", secs, NULL);
}

int sipd_register_auth_start(struct sipd *sd)
{
	const struct sipd_config_auth *a = &sd->cfg->auth;
	struct sip_auth_config c;

	if (sd->auth)
		return 0;
	c = (struct sip_auth_config){
		.lookup = sipd_authn_lookup, .lookup_arg = sd,
		.nonce_ttl = a->nonce_lifetime_s,
		.blocked = on_blocked, .blocked_arg = sd,
	};

	for (size_t i = 0; i < a->algorithm_count && i < SIP_AUTH_ALGOS_MAX; i++)
		c.algos[i] = a->algorithms[i] == SIPD_AUTH_MD5 ?
			SIP_AUTH_ALGO_MD5 : SIP_AUTH_ALGO_SHA256;
	return sip_auth_alloc(&sd->auth, &c);
}

static int start_registrar(struct sipd *sd)
{
	const struct sipd_config_registrar *r = &sd->cfg->registrar;
	const struct sipd_config_server *srv = &sd->cfg->server;
	char **list = r->domain_count ? r->domains : srv->domains;
	size_t n = r->domain_count ? r->domain_count : srv->domain_count;
	const char **domains = calloc(n + 1, sizeof(*domains));
	struct sip_registrar_conf c = {
		.is_local = domain_h, .domain_arg = sd,
		.default_expires = r->default_expires,
		.min_expires = r->min_expires,
		.max_expires = r->max_expires,
		.max_contacts = r->max_contacts,
		.third_party = third_party_h, .policy_arg = sd,
	};
	int err;

	if (!domains)
		return ENOMEM;
	for (size_t i = 0; i < n; i++)
		domains[i] = list[i];
	c.domains = domains;
	err = sip_registrar_alloc(&sd->registrar, sd->store, &c);
	free(domains);
	return err;
}

int sipd_register_start(struct sipd *sd)
{
	const char *what = NULL;
	int err = 0;

	if (!sd->cfg->registrar.enabled)
		return 0;
	if ((err = open_store(sd)))
		what = "store";
	else if (sd->cfg->auth.register_ && (err = sipd_register_auth_start(sd)))
		what = "authentication";
	else if ((err = start_registrar(sd)))
		what = "registrar";
	else if ((err = sipd_register_load_users(sd, sd->cfg)))
		what = "users";
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start", "step", what,
			 "error", strerror(err), "backend",
			 sipd_store_backend_name(sd->cfg->store.backend), NULL);
		return err;
	}
	sipd_log(&sd->log, SIPD_LOG_INFO, "registrar on", "store",
		 sip_store_backend(sd->store), "auth",
		 sd->auth ? "register" : "off", NULL);
	return 0;
}

/* The digest counters, at stop (the failed-attempt limit's among them). */
static void log_auth_stats(struct sipd *sd)
{
	const struct sip_auth_stats *st;
	char v[5][24];

	if (!sd->auth)
		return;
	st = sip_auth_stats(sd->auth);
	snprintf(v[0], sizeof(v[0]), "%llu", (unsigned long long)st->challenges);
	snprintf(v[1], sizeof(v[1]), "%llu", (unsigned long long)st->successes);
	snprintf(v[2], sizeof(v[2]), "%llu", (unsigned long long)st->failures);
	snprintf(v[3], sizeof(v[3]), "%llu", (unsigned long long)st->blocked);
	snprintf(v[4], sizeof(v[4]), "%llu", (unsigned long long)st->forbidden);
	sipd_log(&sd->log, SIPD_LOG_INFO, "authentication", "challenges", v[0],
		 "successes", v[1], "failures", v[2], "blocked", v[3],
		 "forbidden", v[4], NULL);
}

void sipd_register_stop(struct sipd *sd)
{
	log_auth_stats(sd);
	sd->registrar = sip_mem_deref(sd->registrar);
	sd->store = sip_mem_deref(sd->store);
	sd->auth = sip_mem_deref(sd->auth);
}
