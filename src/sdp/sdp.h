/*
 * sdp.h - private to src/sdp/: the line lexer shared by the SDP parsers
 * (RFC 8866 §9 grammar: fields separated by single spaces) and the
 * attribute parser called by the line parser.
 */
#ifndef SRC_SDP_SDP_H
#define SRC_SDP_SDP_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/pl.h"
#include "sip/sdp.h"

/**
 * Next space-separated word of cursor @p c (leading spaces skipped), which
 * is advanced past it. Returns 0, or ENOENT when only spaces are left.
 */
int sip_sdp_word(struct sip_pl *c, struct sip_pl *w);

/** True when cursor @p c holds nothing but spaces. */
bool sip_sdp_end(const struct sip_pl *c);

/**
 * Split @p s at the first @p ch into @p head and @p tail (both exclude
 * it). Returns false, leaving both untouched, when @p ch is absent.
 */
bool sip_sdp_split(struct sip_pl s, char ch, struct sip_pl *head,
		   struct sip_pl *tail);

/** Whole slice as an unsigned 64-bit decimal. 0 or EINVAL. */
int sip_sdp_u64(struct sip_pl pl, uint64_t *out);

/**
 * "<nettype> <addrtype> <address>[/ttl[/count]]" of a c= line or the
 * tail of a=rtcp into @p *c. Returns 0 or EBADMSG.
 */
int sip_sdp_conn_decode(struct sip_pl v, struct sip_sdp_conn *c);

/** True for transport protocols carrying RTP ("RTP/AVP", "UDP/TLS/RTP/SAVPF"). */
bool sip_sdp_is_rtp(struct sip_pl proto);

/** The direction attribute named @p name, or SIP_SDP_DIR_UNSET. */
enum sip_sdp_dir sip_sdp_dir_parse(struct sip_pl name);

/**
 * One a= line value @p v (after "a=") at media level @p m, or at session
 * level when @p m is NULL. rtpmap, fmtp, ptime, maxptime, rtcp and the
 * directions are decoded into their fields, the rest kept in the attr
 * list; an rtpmap or fmtp naming no format of @p m is kept there too.
 * Returns 0; EBADMSG or E2BIG with @p *reason set.
 */
int sip_sdp_attr_decode(struct sip_sdp *sdp, struct sip_sdp_media *m,
			struct sip_pl v, const char **reason);

/**
 * Fill the session level of @p sdp from @p caps: o= (user, id, version,
 * address), s=, session c=, and "t=0 0" when it has no t= yet; strings
 * copied. Returns 0, EINVAL (no caps->addr) or ENOMEM.
 */
int sip_sdp_local_set(struct sip_sdp *sdp, const struct sip_sdp_caps *caps);

/** True for telephone-event/8000 (RFC 4733), matched case-insensitively. */
bool sip_sdp_is_dtmf(struct sip_pl name, uint32_t clock);

#endif
