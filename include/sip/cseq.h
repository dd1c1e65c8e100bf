/*
 * cseq.h - single-value scalar headers: CSeq (§20.16), Call-ID (§20.8),
 * Max-Forwards (§20.22), Expires (§20.19), Min-Expires (§20.23),
 * Content-Length (§20.14).
 */
#ifndef SIP_CSEQ_H
#define SIP_CSEQ_H

#include <stdint.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;

struct sip_cseq {
	uint32_t num;           /* < 2^31 (§8.1.1.5) */
	struct sip_pl method;
	enum sip_method mid;
};

/*
 * Typed access: 0, ENOENT when absent, EBADMSG (m->err names the problem,
 * e.g. "Bad CSeq header: number too large").
 */
int sip_msg_cseq(struct sip_msg *m, const struct sip_cseq **cp);
int sip_msg_callid(struct sip_msg *m, struct sip_pl *callid);
int sip_msg_max_forwards(struct sip_msg *m, uint32_t *hops);   /* 0-255 */
int sip_msg_expires(struct sip_msg *m, uint32_t *secs);
int sip_msg_min_expires(struct sip_msg *m, uint32_t *secs);
int sip_msg_content_length(struct sip_msg *m, uint32_t *len);

/** Print "num METHOD". */
void sip_cseq_print(struct sip_buf *b, const struct sip_cseq *c);

#endif
