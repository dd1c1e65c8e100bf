/*
 * call.h - private to the call files (call.c, uac.c, uas.c, indialog.c):
 * what one side of a call uses of the others.
 */
#ifndef SIPUA_CALL_H
#define SIPUA_CALL_H

#include "sipua.h"

struct sip_st_result;

/* call.c: SDP and media */
/** Our offer (@p offer NULL) or our answer to @p offer, with c->ldir. */
int call_sdp_make(struct call *c, const struct sip_sdp *offer, struct sip_sdp **out);
/** @p s as text into @p b (initialised here; reset by the caller). */
int call_sdp_text(const struct sip_sdp *s, struct sip_buf *b);
/** @p s as @p o's application/sdp body. */
int call_sdp_body(struct sip_out *o, const struct sip_sdp *s);
/** The SDP body of @p m, or NULL (none, not SDP, malformed). */
struct sip_sdp *call_sdp_of(struct sip_msg *m);
/** Replace the last description we sent / received (reference taken over). */
void call_sdp_local(struct call *c, struct sip_sdp *s);
void call_sdp_remote(struct call *c, struct sip_sdp *s);
/** Apply the current pair to the media; report hold changes of the peer. */
void call_media_apply(struct call *c, bool local_is_offer);
/* call.c: the script and the end */
void call_on_hangup_timer(void *arg);
void call_on_digit(void *arg, char d);
/** The call is up: state, result and the script's timers. */
void call_answered(struct call *c);
/** The call is over: timers stopped, media closed, summary printed. */
void call_end(struct call *c, const char *result, uint16_t code);

/* indialog.c */
/** Where requests within @p c's dialog go (first route, else the target). */
int call_dest(struct call *c, struct sip_txn_dest *d);
/** Send @p m within the dialog with an optional body and extra header lines. */
void call_dreq(struct call *c, enum sip_method m, const char *ctype,
	       const char *body, const char *extra);
/** ACK for the 2xx to our last INVITE. */
void call_send_ack(struct call *c);
/**
 * A 2xx to our INVITE or UPDATE: its SDP answer applied to the media, its
 * session timer (RFC 4028) taken. True when a session timer runs (the
 * caller arms it with call_st_arm() when it should start now).
 */
bool call_take_answer(struct call *c, struct sip_msg *m);
/** (Re)arm the session timer: refresh when we refresh, else expiry. */
void call_st_arm(struct call *c);
/** Session-Expires and Require: timer of a 2xx, from @p st. */
void call_st_headers(struct sip_out *o, const struct sip_st_result *st);

/* uac.c */
/** Transferee: NOTIFY the REFER's dialog of this call's status @p code. */
void call_notify_xfer(struct call *c, uint16_t code);

/* uas.c */
/** Answer the INVITE now (or once the PRACK came), or decline. */
void call_answer_now(struct call *c);
/** Send 2xx @p o on @p st, retransmitted until the ACK. */
void call_send_ok(struct call *c, struct sip_txn *st, struct sip_out *o);

#endif
