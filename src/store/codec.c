/*
 * codec.c - the text form of a binding stored as one Redis hash value
 * (docs/store-redis.md): "name=value" lines, '%', CR and LF escaped as
 * %XX. Text rather than a binary packing so that an operator can read a
 * binding with redis-cli; unknown names are skipped so that an older
 * node can read what a newer one wrote.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "store/store.h"

static void put_str(struct sip_buf *out, const char *name, const char *v)
{
	if (!v)
		return;
	sip_buf_puts(out, name);
	sip_buf_putc(out, '=');
	for (; *v; v++) {
		if (*v == '%' || *v == '\r' || *v == '\n')
			sip_buf_printf(out, "%%%02X", (unsigned char)*v);
		else
			sip_buf_putc(out, *v);
	}
	sip_buf_putc(out, '\n');
}

static void put_num(struct sip_buf *out, const char *name, unsigned long long v)
{
	sip_buf_printf(out, "%s=%llu\n", name, v);
}

void store_codec_binding_encode(struct sip_buf *out, const struct sip_binding *b)
{
	put_str(out, "contact", b->contact);
	put_str(out, "callid", b->callid);
	put_num(out, "cseq", b->cseq);
	put_num(out, "expires", b->expires);
	if (b->q >= 0)
		put_num(out, "q", (unsigned long long)b->q);
	put_str(out, "instance", b->instance);
	if (b->reg_id)
		put_num(out, "reg_id", b->reg_id);
	put_str(out, "path", b->path);
	put_str(out, "received", b->received);
	put_str(out, "transport", b->transport);
	put_str(out, "socket", b->socket);
	put_str(out, "user_agent", b->user_agent);
	put_num(out, "updated", b->updated);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescape [p, end) into *out (advancing past the NUL). */
static int unescape(const char *p, const char *end, char **out, const char **res)
{
	char *d = *out;

	*res = d;
	while (p < end) {
		if (*p == '%') {
			int hi, lo;

			if (end - p < 3 || (hi = hexval(p[1])) < 0 ||
			    (lo = hexval(p[2])) < 0 || (hi == 0 && lo == 0))
				return EBADMSG;
			*d++ = (char)(hi << 4 | lo);
			p += 3;
		} else {
			*d++ = *p++;
		}
	}
	*d++ = '\0';
	*out = d;
	return 0;
}

static int number(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return EBADMSG;
		if (n > (max - (uint64_t)(*s - '0')) / 10)
			return EBADMSG;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

static int set_field(struct sip_binding *b, const char *name, size_t nlen,
		     const char *v, bool *seen_expires)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{ "contact", offsetof(struct sip_binding, contact) },
		{ "callid", offsetof(struct sip_binding, callid) },
		{ "instance", offsetof(struct sip_binding, instance) },
		{ "path", offsetof(struct sip_binding, path) },
		{ "received", offsetof(struct sip_binding, received) },
		{ "transport", offsetof(struct sip_binding, transport) },
		{ "socket", offsetof(struct sip_binding, socket) },
		{ "user_agent", offsetof(struct sip_binding, user_agent) },
	};
	uint64_t n;

#define IS(lit) (nlen == sizeof(lit) - 1 && !memcmp(name, lit, nlen))
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (nlen == strlen(strs[i].name) && !memcmp(name, strs[i].name, nlen)) {
			*(const char **)((char *)b + strs[i].off) = v;
			return 0;
		}
	}
	if (IS("cseq")) {
		if (number(v, UINT32_MAX, &n))
			return EBADMSG;
		b->cseq = (uint32_t)n;
	} else if (IS("expires")) {
		if (number(v, UINT64_MAX, &b->expires))
			return EBADMSG;
		*seen_expires = true;
	} else if (IS("q")) {
		if (number(v, 1000, &n))
			return EBADMSG;
		b->q = (int)n;
	} else if (IS("reg_id")) {
		if (number(v, UINT32_MAX, &n))
			return EBADMSG;
		b->reg_id = (uint32_t)n;
	} else if (IS("updated")) {
		if (number(v, UINT64_MAX, &b->updated))
			return EBADMSG;
	}
#undef IS
	return 0;
}

int store_codec_binding_decode(struct sip_binding *b, const char *p, size_t len,
			       char *scratch, const char *aor, const char *key)
{
	const char *end = p + len;
	bool seen_expires = false;
	char *out = scratch;

	memset(b, 0, sizeof(*b));
	b->aor = aor;
	b->key = key;
	b->q = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *eq, *v;
		int err;

		eq = memchr(p, '=', (size_t)(eol - p));
		if (!eq)
			return EBADMSG;
		err = unescape(eq + 1, eol, &out, &v);
		if (!err)
			err = set_field(b, p, (size_t)(eq - p), v, &seen_expires);
		if (err)
			return err;
		p = nl ? nl + 1 : end;
	}
	if (!b->contact || !b->callid || !seen_expires)
		return EBADMSG;
	return 0;
}
