/*
 * table.c - the dialog table: dialogs hashed by Call-ID and local tag
 * (RFC 3261 §12: the dialog id), so that every fork of one request lands
 * in the same chain; lookups for incoming requests and responses, and the
 * forking-aware UAC feed of responses (§12.1.2, §13.2.2.4).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"

#include "dialog/dialog.h"

enum { DEFAULT_BUCKETS = 256 };

struct sip_dialog_table {
	struct sip_dialog **buckets;
	size_t nbuckets;
	size_t count;
};

/* FNV-1a over Call-ID and local tag. */
static size_t hash(struct sip_pl callid, struct sip_pl ltag)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < callid.len; i++)
		h = (h ^ (unsigned char)callid.p[i]) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (i = 0; i < ltag.len; i++)
		h = (h ^ (unsigned char)ltag.p[i]) * 16777619u;
	return h;
}

static void destroy(void *arg)
{
	struct sip_dialog_table *t = arg;
	size_t i;

	for (i = 0; i < t->nbuckets; i++) {
		while (t->buckets[i]) {
			struct sip_dialog *d = t->buckets[i];

			t->buckets[i] = d->tnext;
			d->tnext = NULL;
			d->table = NULL;
			sip_mem_deref(d);
		}
	}
	free(t->buckets);
}

int sip_dialog_table_alloc(struct sip_dialog_table **tp, size_t nbuckets)
{
	struct sip_dialog_table *t;
	size_t n = nbuckets ? nbuckets : DEFAULT_BUCKETS;

	if (!tp)
		return EINVAL;
	t = sip_mem_zalloc(sizeof *t, destroy);
	if (!t)
		return ENOMEM;
	t->buckets = calloc(n, sizeof *t->buckets);
	if (!t->buckets) {
		sip_mem_deref(t);
		return ENOMEM;
	}
	t->nbuckets = n;
	*tp = t;
	return 0;
}

size_t sip_dialog_table_count(const struct sip_dialog_table *t)
{
	return t->count;
}

static struct sip_dialog **bucket(const struct sip_dialog_table *t,
				  struct sip_pl callid, struct sip_pl ltag)
{
	return &t->buckets[hash(callid, ltag) % t->nbuckets];
}

static bool id_eq(const struct sip_dialog *d, struct sip_pl callid,
		  struct sip_pl ltag, struct sip_pl rtag)
{
	return sip_pl_eqs(callid, d->callid) && sip_pl_eqs(ltag, d->ltag) &&
	       sip_pl_eqs(rtag, d->rtag);
}

struct sip_dialog *sip_dialog_table_find(const struct sip_dialog_table *t,
					 struct sip_pl callid, struct sip_pl ltag,
					 struct sip_pl rtag)
{
	struct sip_dialog *d;

	if (!callid.p || !ltag.p || !rtag.p)
		return NULL;
	for (d = *bucket(t, callid, ltag); d; d = d->tnext)
		if (id_eq(d, callid, ltag, rtag))
			return d;
	return NULL;
}

int sip_dialog_table_add(struct sip_dialog_table *t, struct sip_dialog *d)
{
	struct sip_pl callid = sip_pl_str(d->callid);
	struct sip_pl ltag = sip_pl_str(d->ltag);
	struct sip_dialog **b;

	if (d->table)
		return EBUSY;
	if (sip_dialog_table_find(t, callid, ltag, sip_pl_str(d->rtag)))
		return EEXIST;
	b = bucket(t, callid, ltag);
	d->tnext = *b;
	*b = sip_mem_ref(d);
	d->table = t;
	t->count++;
	return 0;
}

int sip_dialog_table_remove(struct sip_dialog_table *t, struct sip_dialog *d)
{
	struct sip_dialog **pp;

	if (d->table != t)
		return ENOENT;
	pp = bucket(t, sip_pl_str(d->callid), sip_pl_str(d->ltag));
	for (; *pp; pp = &(*pp)->tnext) {
		if (*pp != d)
			continue;
		*pp = d->tnext;
		d->tnext = NULL;
		d->table = NULL;
		t->count--;
		sip_mem_deref(d);
		return 0;
	}
	return ENOENT;
}

struct sip_dialog *sip_dialog_table_find_req(const struct sip_dialog_table *t,
					     struct sip_msg *req)
{
	struct sip_msg_keys k;

	if (!req->req || sip_msg_keys(req, &k))
		return NULL;
	return sip_dialog_table_find(t, k.callid, k.to_tag, k.from_tag);
}

struct sip_dialog *sip_dialog_table_find_resp(const struct sip_dialog_table *t,
					      struct sip_msg *resp)
{
	struct sip_msg_keys k;

	if (resp->req || sip_msg_keys(resp, &k))
		return NULL;
	return sip_dialog_table_find(t, k.callid, k.from_tag, k.to_tag);
}

/* Terminate and remove the early dialogs of (callid, ltag) but @p keep. */
static void drop_early(struct sip_dialog_table *t, struct sip_pl callid,
		       struct sip_pl ltag, const struct sip_dialog *keep)
{
	struct sip_dialog **pp = bucket(t, callid, ltag);

	while (*pp) {
		struct sip_dialog *d = *pp;

		if (d == keep || d->state != SIP_DIALOG_EARLY ||
		    !sip_pl_eqs(callid, d->callid) || !sip_pl_eqs(ltag, d->ltag)) {
			pp = &d->tnext;
			continue;
		}
		sip_dialog_set_state(d, SIP_DIALOG_TERMINATED);
		*pp = d->tnext;
		d->tnext = NULL;
		d->table = NULL;
		t->count--;
		sip_mem_deref(d);
	}
}

/* 1xx/2xx with a To tag: the dialog of that tag, created if new. */
static int fork_dialog(struct sip_dialog_table *t, struct sip_msg *req,
		       struct sip_msg *resp, const struct sip_msg_keys *k,
		       struct sip_dialog **dp)
{
	struct sip_dialog *d;
	int err;

	d = sip_dialog_table_find(t, k->callid, k->from_tag, k->to_tag);
	if (d) {
		err = sip_dialog_uac_update(d, resp);
		if (err)
			return err;
		*dp = d;
		return 0;
	}
	err = sip_dialog_uac_alloc(&d, req, resp);
	if (err)
		return err;
	err = sip_dialog_table_add(t, d);
	sip_mem_deref(d);   /* the table's reference remains on success */
	if (err)
		return err;
	*dp = d;
	return 0;
}

int sip_dialog_table_uac_response(struct sip_dialog_table *t,
				  struct sip_msg *req, struct sip_msg *resp,
				  struct sip_dialog **dp)
{
	struct sip_dialog *d = NULL;
	struct sip_msg_keys k;
	int err;

	if (!t || !req || !resp || !req->req || resp->req)
		return EINVAL;
	err = sip_msg_keys(resp, &k);
	if (err)
		return err;
	if (!k.from_tag.p)
		return EBADMSG;
	if (resp->scode >= 300) {
		drop_early(t, k.callid, k.from_tag, NULL);
	} else if (resp->scode > 100 && k.to_tag.p && k.to_tag.len) {
		err = fork_dialog(t, req, resp, &k, &d);
		if (err)
			return err;
		/* one 2xx ends the other forks'
		 * early dialogs (their own 2xx would create new ones) */
		if (resp->scode >= 200)
			drop_early(t, k.callid, k.from_tag, d);
	}
	if (dp)
		*dp = d;
	return 0;
}
