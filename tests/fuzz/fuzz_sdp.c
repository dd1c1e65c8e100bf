/*
 * fuzz_sdp.c - libFuzzer target for the SDP parser, its printer, and the
 * offer/answer helper run on whatever parses.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sip/mem.h"
#include "sip/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_pl body = { (const char *)data, size };
	struct sip_sdp *sdp, *again;
	struct sip_buf b;

	if (sip_sdp_decode(&sdp, body, NULL, NULL))
		return 0;
	sip_buf_init(&b);
	if (sip_sdp_encode(&b, sdp) == 0 &&
	    sip_sdp_decode(&again, sip_buf_pl_get(&b), NULL, NULL) == 0)
		sip_mem_deref(again);
	sip_buf_reset(&b);
	sip_mem_deref(sdp);
	return 0;
}
