/*
 * fuzz_msg.c - libFuzzer target for the message parser: decode, the lazy
 * check, the full typed parse, the canonical re-print and its re-decode.
 */
#include <stddef.h>
#include <stdint.h>

#include "sip/msg.h"
#include "sip/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *m, *m2;
	struct sip_out *o;
	struct sip_buf b;

	if (sip_msg_decode(&m, (const char *)data, size, NULL, 0, NULL))
		return 0;
	sip_msg_check(m);
	if (sip_msg_parse_all(m) == 0 && sip_out_from_msg(&o, m, SIP_OUT_CANON) == 0) {
		sip_buf_init(&b);
		if (sip_out_print(o, &b) == 0 &&
		    sip_msg_decode(&m2, b.p, b.len, NULL, 0, NULL) == 0) {
			sip_msg_parse_all(m2);
			sip_msg_free(m2);
		}
		sip_buf_reset(&b);
		sip_out_free(o);
	}
	sip_msg_free(m);
	return 0;
}
