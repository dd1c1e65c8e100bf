/*
 * fuzz_uri.c - libFuzzer target for the URI parser, printer and §19.1.4
 * comparison (a parsed URI must equal its own re-print).
 */
#include <stdint.h>
#include <stdlib.h>

#include "sip/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_pl raw = { (const char *)data, size };
	struct sip_uri u, u2;
	struct sip_buf b;
	char out[64];

	if (sip_uri_decode(&u, raw))
		return 0;
	sip_uri_unescape(u.user, out, sizeof(out));
	sip_buf_init(&b);
	sip_uri_print(&b, &u);
	if (!sip_buf_err(&b) && sip_uri_decode(&u2, sip_buf_pl_get(&b)) == 0 &&
	    u.scheme != SIP_URI_OTHER && !sip_uri_eq(&u, &u2))
		abort();
	sip_buf_reset(&b);
	return 0;
}
