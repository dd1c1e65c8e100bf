/*
 * location.c - the location service (RFC 3261 §10, §16.5): the contacts
 * registered for an AOR, in the order a proxy tries them: q-value
 * highest first (§16.6 step 1: targets "in order of decreasing q"; no
 * q counts as 1.0), then the most recently refreshed, which is the device
 * the user touched last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/registrar.h"

static int effective_q(const struct sip_binding *b)
{
	return b->q < 0 ? 1000 : b->q;
}

int sip_location_cmp(const struct sip_binding *a, const struct sip_binding *b)
{
	int qa = effective_q(a), qb = effective_q(b);

	if (qa != qb)
		return qa > qb ? -1 : 1;
	if (a->updated != b->updated)
		return a->updated > b->updated ? -1 : 1;
	return strcmp(a->key, b->key);
}

static int cmp(const void *a, const void *b)
{
	return sip_location_cmp(a, b);
}

struct loc_req {
	sip_location_h *h;
	void *arg;
};

static void on_bindings(void *arg, int err, struct sip_bindings *bs)
{
	struct loc_req *lr = arg;

	/* the result is this lookup's own copy: sorting it is safe */
	if (!err && bs->n > 1)
		qsort(bs->v, bs->n, sizeof(*bs->v), cmp);
	lr->h(lr->arg, err, bs);
	sip_mem_deref(lr);
}

int sip_location_lookup(struct sip_store *st, const char *aor,
			sip_location_h *h, void *arg)
{
	struct loc_req *lr;
	int err;

	if (!st || !aor || !h)
		return EINVAL;
	lr = sip_mem_zalloc(sizeof(*lr), NULL);
	if (!lr)
		return ENOMEM;
	lr->h = h;
	lr->arg = arg;
	err = sip_store_lookup(st, aor, on_bindings, lr);
	if (err)
		sip_mem_deref(lr);
	return err;
}

int sip_location_lookup_uri(struct sip_store *st, const struct sip_uri *uri,
			    sip_location_h *h, void *arg)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	err = sip_aor_canon(&b, uri);
	if (!err)
		sip_buf_putc(&b, '\0');
	if (!err && sip_buf_err(&b))
		err = ENOMEM;
	if (!err)
		err = sip_location_lookup(st, b.p, h, arg);
	sip_buf_reset(&b);
	return err == EBADMSG ? EINVAL : err;
}
