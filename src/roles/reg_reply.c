/*
 * reg_reply.c - the registrar's answers (RFC 3261 §10.3 step 8): a 200
 * lists every current binding with the seconds it has left, and carries
 * a Date header ("The response SHOULD include a Date header field");
 * Path values are echoed to a UA that supports them (RFC 3327 §5.3) and
 * "Require: outbound" confirms RFC 5626 §6 processing. 423 carries
 * Min-Expires (§10.3 step 7, §20.23); 503 a Retry-After.
 */
#include <errno.h>
#include <stdlib.h>

#include "sip/out.h"
#include "sip/session.h"

#include "roles/roles.h"

enum { STORE_RETRY_AFTER = 5 };

/* qvalue from thousandths: 1000 -> "1", 500 -> "0.5", 5 -> "0.005" */
static void print_q(struct sip_buf *b, int q)
{
	char frac[4];
	int len = 3;

	if (q >= 1000) {
		sip_buf_puts(b, "1");
		return;
	}
	frac[0] = (char)('0' + q / 100);
	frac[1] = (char)('0' + q / 10 % 10);
	frac[2] = (char)('0' + q % 10);
	while (len > 0 && frac[len - 1] == '0')
		len--;
	sip_buf_puts(b, "0");
	if (len) {
		sip_buf_putc(b, '.');
		sip_buf_append(b, frac, (size_t)len);
	}
}

static void print_binding(struct sip_buf *b, const struct sip_binding *bd,
			  uint64_t now)
{
	sip_buf_putc(b, '<');
	sip_buf_puts(b, bd->contact);
	sip_buf_puts(b, ">;expires=");
	sip_buf_u32(b, (unsigned long)sip_binding_remaining(bd, now));
	if (bd->q >= 0) {
		sip_buf_puts(b, ";q=");
		print_q(b, bd->q);
	}
	if (bd->instance)
		sip_buf_printf(b, ";+sip.instance=\"%s\"", bd->instance);
	if (bd->reg_id)
		sip_buf_printf(b, ";reg-id=%u", (unsigned)bd->reg_id);
}

static int cmp(const void *a, const void *b)
{
	return sip_location_cmp(*(const struct sip_binding *const *)a,
				*(const struct sip_binding *const *)b);
}

/* One Contact line per binding, in location-service order. */
static int add_contacts(struct reg_tx *tx, struct sip_out *o)
{
	const struct reg_update *u = &tx->upd;
	const struct sip_binding **v;
	struct sip_buf b;
	int err = 0;

	if (!u->nafter)
		return 0;
	v = malloc(u->nafter * sizeof(*v));
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < u->nafter; i++)
		v[i] = u->after[i];
	qsort(v, u->nafter, sizeof(*v), cmp);
	sip_buf_init(&b);
	for (size_t i = 0; i < u->nafter && !err; i++) {
		b.len = 0;
		print_binding(&b, v[i], tx->now);
		err = sip_buf_err(&b);
		if (!err)
			err = sip_out_add(o, SIP_HDR_CONTACT, NULL, sip_buf_pl_get(&b));
	}
	sip_buf_reset(&b);
	free(v);
	return err;
}

static int add_date(struct reg_tx *tx, struct sip_out *o)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	err = sip_date_print(&b, (time_t)(tx->now / 1000));
	if (!err)
		err = sip_buf_err(&b);
	if (!err)
		err = sip_out_add(o, SIP_HDR_DATE, NULL, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

static int add_ok(struct reg_tx *tx, struct sip_out *o)
{
	int err = add_contacts(tx, o);

	if (!err && tx->path && tx->path_ok)
		err = sip_out_add(o, SIP_HDR_PATH, NULL, sip_pl_str(tx->path));
	if (!err && tx->outbound_used && tx->outbound_ok)
		err = sip_out_add(o, SIP_HDR_REQUIRE, NULL, SIP_PL("outbound"));
	if (!err)
		err = add_date(tx, o);
	return err;
}

struct sip_out *reg_reply_build(struct reg_tx *tx, uint16_t scode,
				const char *reason)
{
	struct sip_out *o;
	int err;

	if (tx->build)
		err = tx->build(tx->build_arg, scode, reason, &o);
	else
		err = sip_out_reply(&o, tx->m, scode, reason, tx->totag);
	if (err)
		return NULL;
	switch (scode) {
	case 200:
		err = add_ok(tx, o);
		break;
	case 423:
		err = sip_out_addf(o, SIP_HDR_MIN_EXPIRES, "%u",
				   (unsigned)tx->reg->conf.min_expires);
		break;
	case 503:
		err = sip_out_addf(o, SIP_HDR_RETRY_AFTER, "%u", STORE_RETRY_AFTER);
		break;
	default:
		err = 0;
		break;
	}
	if (err) {
		sip_out_free(o);
		return NULL;
	}
	return o;
}
