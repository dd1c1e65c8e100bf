/*
 * out.c - building and printing outgoing messages (RFC 3261 §7, §8.1.1,
 * §8.2.6 responses, §16.6 request forwarding edits).
 *
 * A message under construction is a start line, an ordered list of header
 * entries (id, name, value) and a body. Values are either copied into the
 * out's arena or borrowed from a received message that outlives the out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/via.h"
#include "sip.h"

struct out_hdr {
	enum sip_hdr_id id;
	const char *name;        /* NUL-terminated; arena or static */
	struct sip_pl value;
	struct out_hdr *next;
};

struct sip_out {
	struct sip_arena *a;
	bool req;
	struct sip_pl method, ruri;
	uint16_t scode;
	struct sip_pl reason;
	struct out_hdr *head;
	struct sip_pl body;
};

static int out_new(struct sip_out **op)
{
	struct sip_arena *a = sip_arena_new(2048);
	struct sip_out *o;

	if (!a)
		return ENOMEM;
	o = sip_arena_zalloc(a, sizeof(*o));
	if (!o) {
		sip_arena_free(a);
		return ENOMEM;
	}
	o->a = a;
	*op = o;
	return 0;
}

static int copy_pl(struct sip_out *o, struct sip_pl in, struct sip_pl *out)
{
	char *p = sip_arena_strndup(o->a, in.p ? in.p : "", in.len);

	if (!p)
		return ENOMEM;
	*out = (struct sip_pl){ p, in.len };
	return 0;
}

void sip_out_free(struct sip_out *o)
{
	if (o)
		sip_arena_free(o->a);
}

int sip_out_request(struct sip_out **op, struct sip_pl method, struct sip_pl ruri)
{
	struct sip_out *o;
	int err = out_new(&o);

	if (err)
		return err;
	o->req = true;
	if ((err = copy_pl(o, method, &o->method)) ||
	    (err = copy_pl(o, ruri, &o->ruri))) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

int sip_out_response(struct sip_out **op, uint16_t scode, const char *reason)
{
	struct sip_out *o;
	int err = out_new(&o);

	if (err)
		return err;
	o->scode = scode;
	o->reason = sip_pl_str(reason ? reason : sip_reason_phrase(scode));
	if ((err = copy_pl(o, o->reason, &o->reason))) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

/* Header entry whose value is borrowed (caller guarantees lifetime). */
static struct out_hdr *entry_new(struct sip_out *o, enum sip_hdr_id id,
				 const char *name, struct sip_pl value)
{
	struct out_hdr *h = sip_arena_zalloc(o->a, sizeof(*h));

	if (!h)
		return NULL;
	h->id = id;
	h->name = name ? name : sip_hdr_name(id);
	h->value = value;
	return h;
}

static void append_entry(struct sip_out *o, struct out_hdr *h)
{
	struct out_hdr **pp = &o->head;

	while (*pp)
		pp = &(*pp)->next;
	*pp = h;
}

static int add_borrowed(struct sip_out *o, enum sip_hdr_id id, const char *name,
			struct sip_pl value)
{
	struct out_hdr *h = entry_new(o, id, name, value);

	if (!h)
		return ENOMEM;
	append_entry(o, h);
	return 0;
}

int sip_out_add(struct sip_out *o, enum sip_hdr_id id, const char *name,
		struct sip_pl value)
{
	struct sip_pl v;
	char *n = NULL;

	if (!name && !sip_hdr_name(id))
		return EINVAL;
	if (name && !(n = sip_arena_strndup(o->a, name, strlen(name))))
		return ENOMEM;
	if (copy_pl(o, value, &v))
		return ENOMEM;
	return add_borrowed(o, id, n, v);
}

static int vformat(struct sip_out *o, struct sip_pl *out, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return EINVAL;
	p = sip_arena_alloc(o->a, (size_t)n + 1);
	if (!p)
		return ENOMEM;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	*out = (struct sip_pl){ p, (size_t)n };
	return 0;
}

int sip_out_addf(struct sip_out *o, enum sip_hdr_id id, const char *fmt, ...)
{
	struct sip_pl v;
	va_list ap;
	int err;

	if (!sip_hdr_name(id))
		return EINVAL;
	va_start(ap, fmt);
	err = vformat(o, &v, fmt, ap);
	va_end(ap);
	return err ? err : add_borrowed(o, id, NULL, v);
}

int sip_out_prepend(struct sip_out *o, enum sip_hdr_id id, struct sip_pl value)
{
	struct sip_pl v;
	struct out_hdr *h;

	if (!sip_hdr_name(id))
		return EINVAL;
	if (copy_pl(o, value, &v) || !(h = entry_new(o, id, NULL, v)))
		return ENOMEM;
	h->next = o->head;
	o->head = h;
	return 0;
}

int sip_out_remove(struct sip_out *o, enum sip_hdr_id id)
{
	struct out_hdr **pp = &o->head;
	int n = 0;

	while (*pp) {
		if ((*pp)->id == id) {
			*pp = (*pp)->next;
			n++;
		} else {
			pp = &(*pp)->next;
		}
	}
	return n;
}

static struct out_hdr *find(const struct sip_out *o, enum sip_hdr_id id)
{
	for (struct out_hdr *h = o->head; h; h = h->next)
		if (h->id == id)
			return h;
	return NULL;
}

int sip_out_set(struct sip_out *o, enum sip_hdr_id id, struct sip_pl value)
{
	struct out_hdr *h = find(o, id);
	struct sip_pl v;

	if (!h)
		return sip_out_add(o, id, NULL, value);
	if (copy_pl(o, value, &v))
		return ENOMEM;
	h->value = v;
	/* keep the first line, drop the others */
	for (struct out_hdr **pp = &h->next; *pp;) {
		if ((*pp)->id == id)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
	return 0;
}

int sip_out_via_push(struct sip_out *o, struct sip_pl via)
{
	return sip_out_prepend(o, SIP_HDR_VIA, via);
}

/* Drop the first value of the first @p id header; the header goes when it
 * held only that value (§7.3.1: "a, b" on one line is two values). */
static int pop_first_value(struct sip_out *o, enum sip_hdr_id id)
{
	struct out_hdr **pp = &o->head;
	struct sip_pl cur, item;

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	if (!*pp)
		return ENOENT;
	cur = (*pp)->value;
	if (sip_scan_list_next(&cur, &item))
		return EBADMSG;
	cur = cur.p ? sip_pl_trim(cur) : cur;
	if (!cur.p || !cur.len)
		*pp = (*pp)->next;
	else
		(*pp)->value = cur;
	return 0;
}

int sip_out_via_pop(struct sip_out *o)
{
	return pop_first_value(o, SIP_HDR_VIA);
}

int sip_out_route_pop(struct sip_out *o)
{
	return pop_first_value(o, SIP_HDR_ROUTE);
}

int sip_out_rr_add(struct sip_out *o, struct sip_pl value)
{
	return sip_out_prepend(o, SIP_HDR_RECORD_ROUTE, value);
}

int sip_out_set_ruri(struct sip_out *o, struct sip_pl ruri)
{
	if (!o->req)
		return EINVAL;
	return copy_pl(o, ruri, &o->ruri);
}

int sip_out_maxfwd_dec(struct sip_out *o)
{
	struct out_hdr *h = find(o, SIP_HDR_MAX_FORWARDS);
	uint32_t n;
	struct sip_pl v;
	char tmp[16];

	if (!h)
		return sip_out_add(o, SIP_HDR_MAX_FORWARDS, NULL, SIP_PL("70"));
	if (sip_pl_u32(h->value, 255, &n))
		return EBADMSG;
	if (n == 0)
		return EINVAL;
	snprintf(tmp, sizeof(tmp), "%u", n - 1);
	if (copy_pl(o, sip_pl_str(tmp), &v))
		return ENOMEM;
	h->value = v;
	return 0;
}

int sip_out_body(struct sip_out *o, const char *ctype, struct sip_pl body)
{
	int err;

	if (ctype && (err = sip_out_set(o, SIP_HDR_CONTENT_TYPE, sip_pl_str(ctype))))
		return err;
	if (!body.len) {
		o->body = (struct sip_pl){ NULL, 0 };
		return 0;
	}
	return copy_pl(o, body, &o->body);
}

/* Decimal digits of @p v. */
static size_t ndigits(size_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

size_t sip_out_size(const struct sip_out *o)
{
	size_t n;

	if (o->req)
		n = o->method.len + 1 + o->ruri.len + sizeof(" SIP/2.0\r\n") - 1;
	else
		n = sizeof("SIP/2.0 200 \r\n") - 1 + o->reason.len;
	for (const struct out_hdr *h = o->head; h; h = h->next)
		if (h->id != SIP_HDR_CONTENT_LENGTH)
			n += strlen(h->name) + 2 + h->value.len + 2;
	return n + sizeof("Content-Length: \r\n\r\n") - 1 +
	       ndigits(o->body.len) + o->body.len;
}

static char *put(char *d, const void *p, size_t len)
{
	if (len)
		memcpy(d, p, len);
	return d + len;
}

void sip_out_write(const struct sip_out *o, char *d)
{
	size_t nd;

	if (o->req) {
		d = put(d, o->method.p, o->method.len);
		*d++ = ' ';
		d = put(d, o->ruri.p, o->ruri.len);
		d = put(d, " SIP/2.0\r\n", 10);
	} else {
		d = put(d, "SIP/2.0 ", 8);
		*d++ = (char)('0' + o->scode / 100 % 10);
		*d++ = (char)('0' + o->scode / 10 % 10);
		*d++ = (char)('0' + o->scode % 10);
		*d++ = ' ';
		d = put(d, o->reason.p, o->reason.len);
		d = put(d, "\r\n", 2);
	}
	for (const struct out_hdr *h = o->head; h; h = h->next) {
		if (h->id == SIP_HDR_CONTENT_LENGTH)
			continue;
		d = put(d, h->name, strlen(h->name));
		d = put(d, ": ", 2);
		d = put(d, h->value.p, h->value.len);
		d = put(d, "\r\n", 2);
	}
	d = put(d, "Content-Length: ", 16);
	nd = ndigits(o->body.len);
	for (size_t i = nd, v = o->body.len; i-- > 0; v /= 10)
		d[i] = (char)('0' + v % 10);
	d = put(d + nd, "\r\n\r\n", 4);
	put(d, o->body.p, o->body.len);
}

int sip_out_print(const struct sip_out *o, struct sip_buf *b)
{
	char *d = sip_buf_reserve(b, sip_out_size(o));

	if (d)
		sip_out_write(o, d);
	return sip_buf_err(b);
}

int sip_out_add_ref(struct sip_out *o, enum sip_hdr_id id, struct sip_pl name,
		    struct sip_pl value)
{
	char *n = sip_arena_strndup(o->a, name.p, name.len);

	if (!n)
		return ENOMEM;
	return add_borrowed(o, id, n, value);
}
