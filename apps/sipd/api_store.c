/*
 * api_store.c - /api/registrations and /api/users (API.md), through the
 * store interface (include/sip/store.h) and the location service
 * (include/sip/registrar.h). Store operations answer later: the request
 * is referenced by a small operation object until its handler runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/auth.h"
#include "sip/mem.h"
#include "sip/registrar.h"
#include "sip/store.h"
#include "sip/uri.h"

#include "mgmt.h"
#include "sipd.h"
#include "usercmd.h"

enum { NAME_MAX_LEN = 256 };

/* One store operation on behalf of a request. */
struct op {
	struct sipd *sd;
	struct sip_http_req *rq;            /* referenced */
	char aor[NAME_MAX_LEN + 8];
	char user[NAME_MAX_LEN];
	char domain[NAME_MAX_LEN];
	char *password;                     /* POST users: malloc'd */
	size_t pending;                     /* DELETE: removals in flight */
	int err;
};

static void op_destroy(void *arg)
{
	struct op *o = arg;

	sip_mem_deref(o->rq);
	free(o->password);
}

static struct op *op_new(struct sipd *sd, struct sip_http_req *rq)
{
	struct op *o = sip_mem_zalloc(sizeof(*o), op_destroy);

	if (!o) {
		sip_http_reply_error(rq, 500, "out of memory");
		return NULL;
	}
	o->sd = sd;
	o->rq = sip_mem_ref(rq);
	return o;
}

/* A store error as an HTTP answer. */
static void store_failed(struct sip_http_req *rq, int err)
{
	char text[128];

	snprintf(text, sizeof(text), "store: %s", strerror(err));
	sip_http_reply_error(rq, err == ECANCELED ? 503 : 500, text);
}

static bool have_store(struct sipd *sd, struct sip_http_req *rq)
{
	if (sd->store)
		return true;
	sip_http_reply_error(rq, 503, "no store is open");
	return false;
}

/* ---- registrations ---- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *path_list(const char *path)
{
	json_t *a = json_array();
	const char *p = path;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		const char *e = p + n;

		while (p < e && *p == ' ')
			p++;
		if (e > p)
			json_array_append_new(a, json_stringn(p, (size_t)(e - p)));
		p = *e ? e + 1 : e;
	}
	return a;
}

static json_t *contact_json(const struct sip_binding *b, uint64_t now)
{
	char source[SIP_TP_ADDRSTRLEN + 8], tp[8];
	json_t *src = json_null();
	size_t i;

	if (b->received) {
		for (i = 0; b->transport && b->transport[i] && i < sizeof(tp) - 1; i++)
			tp[i] = (char)(b->transport[i] | 0x20);
		tp[b->transport ? i : 0] = '\0';
		snprintf(source, sizeof(source), "%s:%s", tp[0] ? tp : "udp",
			 b->received);
		src = json_string(source);
	}
	return json_pack("{s:s,s:I,s:f,s:o,s:o,s:o,s:s,s:I,s:o,s:o}",
		"uri", b->contact,
		"expires", (json_int_t)sip_binding_remaining(b, now),
		"q", b->q < 0 ? 1.0 : b->q / 1000.0,
		"instance", str_or_null(b->instance),
		"reg_id", b->reg_id ? json_integer(b->reg_id) : json_null(),
		"path", path_list(b->path),
		"call_id", b->callid, "cseq", (json_int_t)b->cseq,
		"source", src, "user_agent", str_or_null(b->user_agent));
}

/* Bindings (grouped by AOR, as the store orders them) into an array of
 * {"aor", "contacts"}. */
static json_t *aors_json(const struct sip_bindings *bs, uint64_t now)
{
	json_t *a = json_array(), *cur = NULL;
	const char *aor = NULL;

	for (size_t i = 0; i < bs->n; i++) {
		const struct sip_binding *b = &bs->v[i];

		if (!aor || strcmp(aor, b->aor)) {
			cur = json_array();
			json_array_append_new(a, json_pack("{s:s,s:o}", "aor", b->aor,
							   "contacts", cur));
			aor = b->aor;
		}
		json_array_append_new(cur, contact_json(b, now));
	}
	return a;
}

static void on_list(void *arg, int err, struct sip_bindings *bs)
{
	struct op *o = arg;

	if (err)
		store_failed(o->rq, err);
	else
		sip_http_reply_json(o->rq, 200, json_pack("{s:o}", "registrations",
			aors_json(bs, sip_store_now(o->sd->store))));
	sip_mem_deref(o);
}

static void on_removed(void *arg, int err)
{
	struct op *o = arg;

	if (err && !o->err)
		o->err = err;
	if (--o->pending)
		return;
	if (o->err)
		store_failed(o->rq, o->err);
	else
		sip_http_reply(o->rq, 204, NULL, "", 0);
	sip_mem_deref(o);
}

/* DELETE: every binding of the AOR, in one change set. */
static void remove_all(struct op *o, const struct sip_bindings *bs)
{
	struct sip_binding_change *c = calloc(bs->n, sizeof(*c));
	int err;

	if (!c) {
		store_failed(o->rq, ENOMEM);
		return;
	}
	for (size_t i = 0; i < bs->n; i++) {
		c[i].op = SIP_BINDING_DEL;
		c[i].b.aor = o->aor;
		c[i].b.key = bs->v[i].key;
	}
	o->pending = 1;
	err = sip_store_apply(o->sd->store, o->aor, c, bs->n, on_removed,
			      sip_mem_ref(o));
	free(c);
	if (err) {
		sip_mem_deref(o);
		store_failed(o->rq, err);
	}
}

/* The contacts of one AOR, in the location service's order. */
static json_t *contacts_json(const struct sip_bindings *bs, uint64_t now)
{
	json_t *a = json_array();

	for (size_t i = 0; i < bs->n; i++)
		json_array_append_new(a, contact_json(&bs->v[i], now));
	return a;
}

static void on_lookup(void *arg, int err, struct sip_bindings *bs)
{
	struct op *o = arg;

	if (err)
		store_failed(o->rq, err);
	else if (!bs->n)
		sip_http_reply_error(o->rq, 404, "no registration for this AOR");
	else if (!strcmp(sip_http_method(o->rq), "DELETE"))
		remove_all(o, bs);
	else
		sip_http_reply_json(o->rq, 200, json_pack("{s:s,s:o}", "aor", o->aor,
			"contacts", contacts_json(bs, sip_store_now(o->sd->store))));
	sip_mem_deref(o);
}

/* The canonical AOR of @p text: a sip/sips URI, or a bare user name in
 * the first local domain. Returns 0 or EINVAL. */
static int canon_aor(struct sipd *sd, const char *text, char *out, size_t size)
{
	const char *domain = sipd_mgmt_domain(sd);
	struct sip_uri uri;
	struct sip_buf b;
	int err = 0;

	sip_buf_init(&b);
	if (strchr(text, ':')) {
		if (sip_uri_decode(&uri, sip_pl_str(text)) ||
		    sip_aor_canon(&b, &uri))
			err = EINVAL;
	} else if (domain && *text && !strchr(text, '@')) {
		sip_aor_from_parts(&b, sip_pl_str(text), sip_pl_str(domain));
	} else {
		err = EINVAL;
	}
	if (!err && (sip_buf_err(&b) || b.len >= size))
		err = EINVAL;
	if (!err) {
		memcpy(out, b.p, b.len);
		out[b.len] = '\0';
	}
	sip_buf_reset(&b);
	return err;
}

void sipd_api_registrations(struct sipd *sd, struct sip_http_req *rq,
			    const char *aor)
{
	struct op *o;
	int err;

	if (!sd->store) {   /* no registrar, no store: nothing registered */
		if (aor)
			sip_http_reply_error(rq, 404, "no registration for this AOR");
		else
			sip_http_reply_json(rq, 200, json_pack("{s:[]}", "registrations"));
		return;
	}
	if (!(o = op_new(sd, rq)))
		return;
	if (!aor) {
		err = sip_store_list(sd->store, on_list, o);
		if (err == ENOTSUP)
			sip_http_reply_error(rq, 501, "this store backend cannot "
					     "list registrations; ask for one AOR");
	} else if (canon_aor(sd, aor, o->aor, sizeof(o->aor))) {
		sip_http_reply_error(rq, 400, "not a SIP URI or user name");
		err = EINVAL;
	} else {
		err = sip_location_lookup(sd->store, o->aor, on_lookup, o);
	}
	if (err) {
		if (err != ENOTSUP && err != EINVAL)
			store_failed(rq, err);
		sip_mem_deref(o);
	}
}

/* ---- users ---- */

static void on_users(void *arg, int err, struct sip_users *us)
{
	struct op *o = arg;
	json_t *a;

	if (err) {
		store_failed(o->rq, err);
		sip_mem_deref(o);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < us->n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}",
			"user", us->v[i].username, "domain", us->v[i].domain,
			"realm", sipd_config_realm(o->sd->cfg, us->v[i].domain)));
	sip_http_reply_json(o->rq, 200, json_pack("{s:o}", "users", a));
	sip_mem_deref(o);
}

static void on_user_put(void *arg, int err)
{
	struct op *o = arg;

	if (err)
		store_failed(o->rq, err);
	else
		sip_http_reply_json(o->rq, 201, json_pack("{s:s,s:s}", "user",
							  o->user, "domain",
							  o->domain));
	sip_mem_deref(o);
}

static void put_user(struct op *o)
{
	char md5[SIP_AUTH_HEX_SIZE], sha[SIP_AUTH_HEX_SIZE];
	struct sip_user u = { .username = o->user, .domain = o->domain,
			      .ha1_md5 = md5, .ha1_sha256 = sha };
	int err = sipd_user_ha1s(o->sd->cfg, o->user, o->password, o->domain,
				 md5, sha);

	if (!err)
		err = sip_store_user_put(o->sd->store, &u, on_user_put,
					 sip_mem_ref(o));
	if (err) {
		sip_mem_deref(o);
		store_failed(o->rq, err);
	}
}

static void on_user_deleted(void *arg, int err)
{
	struct op *o = arg;

	if (err)
		store_failed(o->rq, err);
	else
		sip_http_reply(o->rq, 204, NULL, "", 0);
	sip_mem_deref(o);
}

static void on_user_get(void *arg, int err, const struct sip_user *u)
{
	struct op *o = arg;
	bool post = !strcmp(sip_http_method(o->rq), "POST");

	if (err && err != ENOENT) {
		store_failed(o->rq, err);
	} else if (post && !err) {
		sip_http_reply_error(o->rq, 409, "user exists");
	} else if (post) {
		put_user(o);
	} else if (err == ENOENT) {
		sip_http_reply_error(o->rq, 404, "no such user");
	} else if ((err = sip_store_user_del(o->sd->store, o->user, o->domain,
					     on_user_deleted, sip_mem_ref(o)))) {
		sip_mem_deref(o);
		store_failed(o->rq, err);
	}
	sip_mem_deref(o);
}

/* A user name fit for an AOR's user part and a digest username. */
static bool good_name(const char *s)
{
	size_t n = strlen(s);

	return n && n < NAME_MAX_LEN && !strpbrk(s, "@:;?/ \t\r\n\"<>");
}

/* POST body {"user", "password", "realm"?} into @p o; false when bad
 * (answered 400). */
static bool read_new_user(struct op *o)
{
	const char *body, *user = NULL, *pw = NULL, *realm = NULL;
	json_error_t jerr;
	size_t len;
	json_t *j;
	bool ok;

	body = sip_http_body(o->rq, &len);
	j = json_loadb(body, len, 0, &jerr);
	ok = j && !json_unpack(j, "{s:s,s:s,s?s}", "user", &user, "password",
			       &pw, "realm", &realm) && good_name(user) && *pw;
	if (ok && !realm)
		realm = sipd_mgmt_domain(o->sd);
	ok = ok && realm && strlen(realm) < sizeof(o->domain) &&
	     (o->password = strdup(pw));
	if (ok) {
		snprintf(o->user, sizeof(o->user), "%s", user);
		snprintf(o->domain, sizeof(o->domain), "%s", realm);
	}
	json_decref(j);
	if (!ok)
		sip_http_reply_error(o->rq, 400, "want a JSON body {\"user\": NAME, "
				     "\"password\": TEXT, \"realm\": DOMAIN (optional)}");
	return ok;
}

void sipd_api_users(struct sipd *sd, struct sip_http_req *rq, const char *user)
{
	const char *domain = sip_http_query(rq, "realm");
	struct op *o;
	int err;

	if (!have_store(sd, rq) || !(o = op_new(sd, rq)))
		return;
	if (!user && !strcmp(sip_http_method(rq), "GET")) {
		err = sip_store_user_list(sd->store, on_users, o);
	} else if (!user) {
		if (!read_new_user(o)) {
			sip_mem_deref(o);
			return;
		}
		err = sip_store_user_get(sd->store, o->user, o->domain,
					 on_user_get, o);
	} else {
		if (!domain)
			domain = sipd_mgmt_domain(sd);
		if (!good_name(user) || !domain ||
		    strlen(domain) >= sizeof(o->domain)) {
			sip_http_reply_error(rq, 400, "bad user name or no realm");
			sip_mem_deref(o);
			return;
		}
		snprintf(o->user, sizeof(o->user), "%s", user);
		snprintf(o->domain, sizeof(o->domain), "%s", domain);
		err = sip_store_user_get(sd->store, o->user, o->domain,
					 on_user_get, o);
	}
	if (err) {
		store_failed(rq, err);
		sip_mem_deref(o);
	}
}
