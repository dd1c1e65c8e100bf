/*
 * ua.h - user agent rules that need no I/O, shared by sipua and later the
 * B2BUA: session-timer negotiation (RFC 4028 §7-§10), message/sipfrag
 * status lines of REFER progress (RFC 3515 §2.4.5, RFC 3420) and
 * application/dtmf-relay bodies of INFO (the legacy usage RFC 6086 §2
 * keeps working), and the audio stream an offer/answer exchange yields
 * (RFC 3264).
 */
#ifndef SIP_UA_H
#define SIP_UA_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"
#include "sip/sdp.h"
#include "sip/session.h"

struct sip_msg;

/* ---- session timers (timer.c) ---- */

enum {
	SIP_ST_MIN_SE = 90,        /* RFC 4028 §4: the smallest Min-SE */
	SIP_ST_DEFAULT_SE = 1800,  /* §4: recommended Session-Expires */
};

/* What a session-refresh request says about timers (RFC 4028 §7.1). */
struct sip_st_req {
	bool supported;            /* Supported: timer */
	bool has_se;               /* Session-Expires present */
	uint32_t se;               /* its delta-seconds */
	enum sip_refresher refresher;
	uint32_t min_se;           /* Min-SE, 0 when absent */
};

/* The local policy. */
struct sip_st_local {
	uint32_t se;               /* interval we want; 0: no timer unless asked */
	uint32_t min_se;           /* smallest interval we accept */
};

/* Outcome of negotiation, on either side. */
struct sip_st_result {
	uint16_t scode;            /* UAS: 0 to go on, 422 to refuse */
	uint32_t min_se;           /* with 422: the Min-SE to send */
	bool active;               /* a session timer runs */
	uint32_t se;               /* its interval, seconds */
	enum sip_refresher refresher;   /* UAC or UAS (never NONE when active) */
	bool require;              /* UAS: put Require: timer in the 2xx */
};

/**
 * Read Supported, Session-Expires and Min-SE of @p m into @p r.
 * Returns 0 or EBADMSG (a malformed header; m->err names it).
 */
int sip_st_read(struct sip_msg *m, struct sip_st_req *r);

/**
 * UAS side (RFC 4028 §9): the answer to session-refresh request @p req
 * under policy @p local. An interval below local->min_se gets 422 with
 * our Min-SE. Otherwise the request's interval is kept (ours when it
 * asked none and we want one, never below its Min-SE); the refresher is
 * the request's choice, else the UAC when it supports timers, else us;
 * Require: timer when the UAC supports timers and a timer runs.
 */
void sip_st_uas(const struct sip_st_req *req, const struct sip_st_local *local,
		struct sip_st_result *out);

/**
 * UAC side (RFC 4028 §7.2): the 2xx @p resp's Session-Expires decides;
 * none means no timer. A response without a refresher parameter leaves
 * the refresh to the UAC (§7.2 says the UAS must set one; this is the
 * safe reading). Reads @p resp; EBADMSG when malformed.
 */
int sip_st_uac(struct sip_msg *resp, struct sip_st_result *out);

/**
 * §7.4 (a 422 answer): the interval for the retry, the larger of
 * @p current and the response's Min-SE. ENOENT when the 422 has no Min-SE.
 */
int sip_st_retry(struct sip_msg *resp, uint32_t current, uint32_t *se);

/** §10: the refresher sends its refresh at half the interval (ms). */
uint64_t sip_st_refresh_ms(uint32_t se);

/**
 * §10: the other side ends the session (BYE) when no refresh came by
 * interval - min(32, interval/3) seconds (ms).
 */
uint64_t sip_st_expire_ms(uint32_t se);

/* ---- the audio stream of an offer/answer exchange (stream.c) ---- */

/* What a completed exchange gives one side for its first audio stream. */
struct sip_ua_stream {
	int pt;                  /* PCMU (0) or PCMA (8): the answer's first, -1 */
	int dtmf_pt;             /* telephone-event payload type, -1 when none */
	char addr[64];           /* the peer's connection address (c=) */
	uint16_t port;           /* the peer's RTP port */
	uint16_t rtcp_port;      /* a=rtcp (RFC 3605), else port + 1 */
	bool send;               /* we may send: our side sends, theirs receives */
	bool recv;               /* we receive: our side receives, theirs sends */
};

/**
 * The first active audio stream of @p local and @p remote, one the offer
 * and the other the answer (@p local_is_offer). The codec and the
 * telephone-event number are read from the answer (RFC 3264 §6.1: the
 * answerer's formats are what both will use). Directions combine both
 * sides (§6.1, §8.4: a sendonly offer answered recvonly means only the
 * offerer sends; inactive stops both); an RFC 2543 hold (c= 0.0.0.0 or
 * ::) means we do not send. Returns 0; ENOENT when either side has no
 * active audio stream or no c= for it; EPROTONOSUPPORT when the answer
 * has no G.711 format.
 */
int sip_ua_stream(struct sip_ua_stream *out, const struct sip_sdp *local,
		  const struct sip_sdp *remote, bool local_is_offer);

/* ---- message/sipfrag (body.c) ---- */

/**
 * The status code of a message/sipfrag body @p body whose first line is
 * a status line ("SIP/2.0 180 Ringing"). Returns 0, or EBADMSG.
 */
int sip_sipfrag_status(struct sip_pl body, uint16_t *scode);

/** Print the sipfrag "SIP/2.0 <code> <reason>" CRLF (NULL: the RFC's phrase). */
void sip_sipfrag_print(struct sip_buf *b, uint16_t scode, const char *reason);

/* ---- application/dtmf-relay (body.c) ---- */

/**
 * Read "Signal=<digit>" and "Duration=<ms>" lines (any order, any case of
 * the names, CRLF or LF). @p *duration gets 0 when absent. Returns 0, or
 * EBADMSG without a valid Signal (0-9 * # A-D).
 */
int sip_dtmf_relay_decode(struct sip_pl body, char *digit, uint32_t *duration);

/** Print "Signal=<digit>" CRLF "Duration=<ms>" CRLF. */
void sip_dtmf_relay_print(struct sip_buf *b, char digit, uint32_t duration);

#endif
