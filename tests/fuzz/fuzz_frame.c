/*
 * fuzz_frame.c - libFuzzer target for the TCP stream framer: frames the
 * input as one stream, decoding every framed message.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sip/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	enum sip_frame_kind kind;
	struct sip_msg *m;
	size_t n;

	while (size && sip_msg_frame(p, size, &kind, &n, NULL) == 0) {
		if (n == 0 || n > size)
			abort();
		if (kind == SIP_FRAME_MSG &&
		    sip_msg_decode(&m, p, n, NULL, SIP_DECODE_STREAM, NULL) == 0) {
			sip_msg_check(m);
			sip_msg_free(m);
		}
		p += n;
		size -= n;
	}
	return 0;
}
