/*
 * param.c - header parameters, RFC 3261 §25.1:
 *   *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
 *   gen-value = token / host / quoted-string.
 */
#include <errno.h>

#include "sip/param.h"
#include "sip.h"

/* gen-value chars beyond token: host may be an IPv6 reference "[...]" and
 * ':' appears in IPv6 hosts. */
static bool is_value_char(int c)
{
	return sip_is_token(c) || c == '[' || c == ']' || c == ':';
}

int sip_param_next(struct sip_pl *cur, struct sip_param *out)
{
	struct sip_pl c = *cur;
	struct sip_param p = { { 0 }, { 0 }, false };

	if (!c.p || sip_scan_end(&c))
		return ENOENT;
	if (sip_scan_char(&c, ';'))
		return EBADMSG;
	sip_scan_lws(&c);
	if (sip_scan_token(&c, &p.name))
		return EBADMSG;
	if (sip_scan_try(&c, '=')) {
		sip_scan_lws(&c);
		if (c.len && c.p[0] == '"') {
			if (sip_scan_quoted(&c, &p.value))
				return EBADMSG;
			p.quoted = true;
		} else if (sip_scan_span(&c, is_value_char, &p.value)) {
			return EBADMSG;
		}
	}
	*cur = c;
	*out = p;
	return 0;
}

int sip_param_get(struct sip_pl params, const char *name, struct sip_param *out)
{
	struct sip_param p;

	while (sip_param_next(&params, &p) == 0) {
		if (sip_pl_caseeqs(p.name, name)) {
			*out = p;
			return 0;
		}
	}
	return ENOENT;
}

bool sip_param_exists(struct sip_pl params, const char *name)
{
	struct sip_param p;

	return sip_param_get(params, name, &p) == 0;
}

int sip_param_check(struct sip_pl params)
{
	struct sip_param p;
	int err;

	while ((err = sip_param_next(&params, &p)) == 0)
		;
	return err == ENOENT ? 0 : err;
}

void sip_param_print(struct sip_buf *b, struct sip_pl params)
{
	struct sip_param p;

	while (sip_param_next(&params, &p) == 0) {
		sip_buf_putc(b, ';');
		sip_buf_pl(b, p.name);
		if (!sip_pl_isset(&p.value))
			continue;
		sip_buf_putc(b, '=');
		if (p.quoted)
			sip_buf_putc(b, '"');
		sip_buf_pl(b, p.value);
		if (p.quoted)
			sip_buf_putc(b, '"');
	}
}
