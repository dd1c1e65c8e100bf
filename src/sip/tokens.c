/*
 * tokens.c - token-list headers (RFC 3261 §25.1): Require (§20.32),
 * Proxy-Require (§20.29), Supported (§20.37), Unsupported (§20.40),
 * Allow (§20.5), Content-Encoding (§20.12), Accept-Encoding (§20.2), and
 * Allow-Events (RFC 6665 §8.4).
 *
 *   option-tag list: 1#token (Supported: *#token)
 *   Allow:           *#Method
 *   Allow-Events:    1#event-type, event-type = token-nodot *("." token-nodot)
 *   Content-Encoding 1#content-coding
 *   Accept-Encoding: *#(codings *(SEMI accept-param)), q is a qvalue
 */
#include <errno.h>

#include "sip/mem.h"
#include "sip/param.h"
#include "sip/tokens.h"
#include "sip.h"
#include "typed.h"

static const char *const bad[SIP_HDR__COUNT] = {
	[SIP_HDR_REQUIRE] = "Bad Require header",
	[SIP_HDR_PROXY_REQUIRE] = "Bad Proxy-Require header",
	[SIP_HDR_SUPPORTED] = "Bad Supported header",
	[SIP_HDR_UNSUPPORTED] = "Bad Unsupported header",
	[SIP_HDR_ALLOW] = "Bad Allow header",
	[SIP_HDR_ALLOW_EVENTS] = "Bad Allow-Events header",
	[SIP_HDR_CONTENT_ENCODING] = "Bad Content-Encoding header",
	[SIP_HDR_ACCEPT_ENCODING] = "Bad Accept-Encoding header",
};

static bool known(enum sip_hdr_id id)
{
	return id > SIP_HDR_OTHER && id < SIP_HDR__COUNT && bad[id];
}

/* accept-param = ("q" EQUAL qvalue) / generic-param */
static int check_accept_params(struct sip_pl params)
{
	struct sip_param p;
	unsigned q;

	if (sip_param_get(params, "q", &p) == 0 &&
	    (p.quoted || !sip_pl_isset(&p.value) || sip_typed_qvalue(p.value, &q)))
		return EBADMSG;
	return 0;
}

/* One list element of header @p id into @p t. 0 or EBADMSG. */
static int token_decode(enum sip_hdr_id id, struct sip_pl item, struct sip_token *t)
{
	struct sip_pl c = item, name, params = { item.p + item.len, 0 };

	if (sip_scan_token(&c, &name))
		return EBADMSG;
	if (id == SIP_HDR_ALLOW_EVENTS && !sip_typed_event_type(name))
		return EBADMSG;
	if (id == SIP_HDR_ACCEPT_ENCODING) {
		if (sip_typed_params(c, &params) || check_accept_params(params))
			return EBADMSG;
	} else if (!sip_scan_end(&c)) {
		return EBADMSG;
	}
	t->name = name;
	t->params = params;
	t->next = NULL;
	return 0;
}

/* Append the values of one header line to the list ending at @p *tail. */
static int decode_line(struct sip_msg *m, const struct sip_hdr *h,
		       struct sip_token ***tail)
{
	struct sip_pl c = h->value, item;
	struct sip_token *t;
	int err;

	/* an empty line lists nothing: the grammar allows it for Supported,
	 * Allow and Accept-Encoding, and for the others it requires or
	 * announces nothing, so it is harmless to accept */
	if (sip_scan_end(&c))
		return 0;
	while ((err = sip_scan_list_next(&c, &item)) == 0) {
		t = sip_arena_alloc(sip_msg_arena(m), sizeof(*t));
		if (!t)
			return ENOMEM;
		if (!item.len || token_decode(h->id, item, t))
			return EBADMSG;
		**tail = t;
		*tail = &t->next;
	}
	return err == ENOENT ? 0 : EBADMSG;
}

static int parse_tokens(struct sip_msg *m, const struct sip_hdr *first,
			const void **out)
{
	struct sip_token *head = NULL, **tail = &head;
	int err;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		err = decode_line(m, h, &tail);
		if (err == EBADMSG)
			sip_msg_set_err(m, first->id, bad[first->id]);
		if (err)
			return err;
	}
	*out = head;
	return 0;
}

int sip_msg_tokens(struct sip_msg *m, enum sip_hdr_id id,
		   const struct sip_token **first)
{
	const void *v;
	int err;

	if (!known(id))
		return EINVAL;
	err = sip_msg_typed(m, id, parse_tokens, &v);
	if (err)
		return err;
	*first = v;
	return 0;
}

bool sip_token_eq(enum sip_hdr_id id, struct sip_pl a, struct sip_pl b)
{
	if (id == SIP_HDR_ALLOW || id == SIP_HDR_ALLOW_EVENTS)
		return sip_pl_eq(a, b);
	return sip_pl_casecmp(a, b);
}

bool sip_msg_has_token(struct sip_msg *m, enum sip_hdr_id id, const char *tok)
{
	const struct sip_token *t;

	if (sip_msg_tokens(m, id, &t))
		return false;
	for (; t; t = t->next)
		if (sip_token_eq(id, t->name, sip_pl_str(tok)))
			return true;
	return false;
}

int sip_token_q(const struct sip_token *t, unsigned *q1000)
{
	struct sip_param p;

	if (sip_param_get(t->params, "q", &p) || !sip_pl_isset(&p.value))
		return ENOENT;
	return sip_typed_qvalue(p.value, q1000);
}

void sip_tokens_print(struct sip_buf *b, const struct sip_token *first)
{
	for (const struct sip_token *t = first; t; t = t->next) {
		if (t != first)
			sip_buf_puts(b, ", ");
		sip_buf_pl(b, t->name);
		sip_typed_params_print(b, t->params, NULL);
	}
}
