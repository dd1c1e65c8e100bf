/*
 * call.c - what both sides of a call share: the SDP of our offers and
 * answers (RFC 3264) and applying it to the media, the script's timers
 * (--duration, DTMF start, hang-up when the file is done), the result and
 * summary line, the end of a call. The sides are in uac.c and uas.c,
 * requests within the dialog in indialog.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/ctype.h"
#include "sip/event.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/session.h"
#include "sip/tokens.h"
#include "sip/ua.h"
#include "sip/uri.h"

#include "call.h"
#include "sipua.h"

/* ---- SDP ---- */

int call_sdp_make(struct call *c, const struct sip_sdp *offer, struct sip_sdp **out)
{
	struct ua *ua = c->ua;
	struct sip_sdp_codec codecs[] = {
		{ "PCMU", 8000, 1, NULL }, { "PCMA", 8000, 1, NULL },
	};
	char ip[64];
	size_t n = strlen(ua->lhost);

	/* RFC 3264 §8: one o= session id per call, the version bumped */
	if (!c->sess_id)
		c->sess_id = (uint64_t)time(NULL) * 1000 + c->id;
	if (ua->o->pcma) {
		codecs[0].name = "PCMA";
		codecs[1].name = "PCMU";
	}
	if (ua->lhost[0] == '[')
		snprintf(ip, sizeof(ip), "%.*s", (int)(n - 2), ua->lhost + 1);
	else
		snprintf(ip, sizeof(ip), "%s", ua->lhost);
	struct sip_sdp_stream_caps sc = {
		.type = "audio", .port = c->media.port, .codecs = codecs,
		.ncodecs = 2, .dtmf = true, .dir = c->ldir, .ptime = 20,
	};
	struct sip_sdp_caps caps = {
		.user = "sipua", .sess_id = c->sess_id,
		.sess_version = c->lsdp ? c->lsdp->origin.version + 1 : 1,
		.addr = ip, .name = "sipua", .streams = &sc, .nstreams = 1,
	};

	if (offer)
		return sip_sdp_answer(out, offer, &caps);
	return sip_sdp_offer(out, &caps);
}

int call_sdp_text(const struct sip_sdp *s, struct sip_buf *b)
{
	sip_buf_init(b);
	return sip_sdp_encode(b, s);
}

int call_sdp_body(struct sip_out *o, const struct sip_sdp *s)
{
	struct sip_buf b;
	int err = call_sdp_text(s, &b);

	if (!err)
		err = sip_out_body(o, "application/sdp", sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

/* The SDP body of @p m, or NULL (no body, not SDP, malformed). */
struct sip_sdp *call_sdp_of(struct sip_msg *m)
{
	const struct sip_ctype *ct;
	struct sip_sdp *s = NULL;

	if (!m->body.len || sip_msg_ctype(m, &ct) || !sip_ctype_is(ct, "application", "sdp"))
		return NULL;
	if (sip_sdp_decode(&s, m->body, NULL, NULL))
		return NULL;
	return s;
}

void call_sdp_local(struct call *c, struct sip_sdp *s)
{
	sip_mem_deref(c->lsdp);
	c->lsdp = s;
}

void call_sdp_remote(struct call *c, struct sip_sdp *s)
{
	sip_mem_deref(c->rsdp);
	c->rsdp = s;
}

void call_media_apply(struct call *c, bool local_is_offer)
{
	bool held = c->rsdp && sip_sdp_held(c->rsdp);
	int err = media_apply(&c->media, c->lsdp, c->rsdp, local_is_offer);

	if (err)
		ua_event(c->ua, "ERROR media: %s", strerror(err));
	if (!local_is_offer && held != c->hold_rx) {
		c->hold_rx = held;
		ua_event(c->ua, "%s call=%u", held ? "HELD" : "RESUMED", c->id);
	}
}

/* ---- the summary ---- */

const char *ua_result_for(uint16_t code)
{
	switch (code) {
	case 486:
	case 600:
		return "busy";
	case 404:
	case 604:
	case 480:
		return "notfound";
	case 408:
		return "timeout";
	case 401:
	case 407:
	case 403:
		return "authfailed";
	case 487:
		return "cancelled";
	case 603:
		return "declined";
	default:
		return code >= 200 && code < 300 ? "ok" : "failed";
	}
}

int ua_exit_for(uint16_t code)
{
	switch (code) {
	case 486:
	case 600:
		return UA_EXIT_BUSY;
	case 404:
	case 604:
	case 480:
		return UA_EXIT_NOTFOUND;
	case 408:
		return UA_EXIT_TIMEOUT;
	case 401:
	case 407:
	case 403:
		return UA_EXIT_AUTH;
	case 487:
		return UA_EXIT_CANCELLED;
	default:
		return code >= 200 && code < 300 ? UA_EXIT_OK : UA_EXIT_DECLINED;
	}
}

int call_exit_code(const struct call *c)
{
	const char *r = c->result ? c->result : "failed";

	if (!strcmp(r, "answered") || !strcmp(r, "transferred") ||
	    !strcmp(r, "expired") || !strcmp(r, "declined-local"))
		return UA_EXIT_OK;
	if (!strcmp(r, "timeout"))
		return UA_EXIT_TIMEOUT;
	if (!strcmp(r, "network"))
		return UA_EXIT_NETWORK;
	if (!strcmp(r, "cancelled"))
		return UA_EXIT_CANCELLED;
	if (!strcmp(r, "authfailed"))
		return UA_EXIT_AUTH;
	return ua_exit_for(c->code);
}

void call_summary(struct call *c, FILE *f)
{
	double dur = c->t_answer ? (double)(c->t_end - c->t_answer) / 1000.0 : 0.0;

	fprintf(f, "SIPUA result=%s code=%u duration=%.2f dtmf_rx=%s rtp_rx=%llu "
		"rtp_tx=%llu rtcp_rx=%llu call=%u side=%s\n",
		c->result ? c->result : "failed", c->code, dur,
		c->dtmf_rx[0] ? c->dtmf_rx : "-",
		(unsigned long long)c->media.rtp_rx,
		(unsigned long long)c->media.rtp_tx,
		(unsigned long long)c->media.rtcp_rx, c->id, c->uac ? "uac" : "uas");
	fflush(f);
}

/* ---- timers of the script ---- */

void call_on_hangup_timer(void *arg)
{
	call_hangup(arg);
}

static void on_done_poll(void *arg)
{
	struct call *c = arg;

	if (c->state != CALL_ACTIVE)
		return;
	if (media_idle(&c->media))
		ua_timer(c->ua, &c->t_dur, 300, call_on_hangup_timer, c);
	else
		ua_timer(c->ua, &c->t_done, 100, on_done_poll, c);
}

void call_on_digit(void *arg, char d)
{
	struct call *c = arg;
	size_t n = strlen(c->dtmf_rx);

	if (n + 1 < sizeof(c->dtmf_rx)) {
		c->dtmf_rx[n] = d;
		c->dtmf_rx[n + 1] = 0;
	}
	ua_event(c->ua, "DTMF %c call=%u", d, c->id);
}

static void on_dtmf_start(void *arg)
{
	struct call *c = arg;

	call_dtmf(c, c->ua->o->dtmf);
}

/* The call is up: the script's timers start. */
void call_answered(struct call *c)
{
	struct ua_opts *o = c->ua->o;

	c->state = CALL_ACTIVE;
	c->t_answer = ua_now(c->ua);
	c->result = "answered";
	c->code = 200;
	ua_event(c->ua, "ANSWERED call=%u", c->id);
	if (o->duration > 0)
		ua_timer(c->ua, &c->t_dur, (uint64_t)(o->duration * 1000), call_on_hangup_timer, c);
	else if (o->play && !(o->hangup_after > 0))
		ua_timer(c->ua, &c->t_done, 200, on_done_poll, c);
	if (o->dtmf && c->uac == (strcmp(o->command, "call") == 0))
		ua_timer(c->ua, &c->t_ring, (uint64_t)(o->dtmf_delay * 1000), on_dtmf_start, c);
	call_st_arm(c);
}

/* ---- end ---- */

/* Every timer of the call but t_ok, which call_end() leaves running
 * and call_free() stops. */
static void stop_timers(struct call *c)
{
	sip_timer_cancel(&c->t_ring);
	sip_timer_cancel(&c->t_dur);
	sip_timer_cancel(&c->t_hang);
	sip_timer_cancel(&c->t_done);
	sip_timer_cancel(&c->t_st);
	sip_timer_cancel(&c->t_rel);
	sip_timer_cancel(&c->t_glare);
}

void call_end(struct call *c, const char *result, uint16_t code)
{
	if (c->state == CALL_ENDED)
		return;
	c->state = CALL_ENDED;
	c->result = result ? result : "failed";
	c->code = code;
	c->t_end = ua_now(c->ua);
	stop_timers(c);
	if (c->dlg)
		sip_dialog_terminate(c->dlg);
	if (c->media.rtcp_bye)
		ua_event(c->ua, "RTCP BYE received call=%u", c->id);
	media_close(&c->media);
	ua_event(c->ua, "ENDED result=%s code=%u call=%u", c->result, code, c->id);
	call_summary(c, stdout);
	ua_call_done(c->ua, c);
}

void call_free(struct call *c)
{
	stop_timers(c);
	sip_timer_cancel(&c->t_ok);
	sip_out_free(c->ok);
	sip_out_free(c->rel);
	sip_mem_deref(c->dlg);
	sip_mem_deref(c->lsdp);
	sip_mem_deref(c->rsdp);
	free(c);
}
