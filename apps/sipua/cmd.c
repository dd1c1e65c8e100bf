/*
 * cmd.c - sipua's commands on the UA core: REGISTER with refresh and
 * unregister at exit (RFC 3261 §10.2), OPTIONS (§11) and MESSAGE (RFC
 * 3428) outside a dialog, call and answer; when the command is over and
 * with which exit status (docs/sipua.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sip/cseq.h"
#include "sip/msg.h"
#include "sip/out.h"

#include "sipua.h"


/* ---- REGISTER (RFC 3261 §10.2) ---- */

struct ua_reg {
	struct ua *ua;
	char callid[64], tag[32];
	uint32_t cseq;
	uint32_t expires;
	bool unreg;
};

static int build_register(struct ua_creq *cr, struct sip_out **op, void *arg)
{
	struct ua_reg *r = arg;
	struct ua *ua = r->ua;
	struct sip_out *o;
	char ruri[300];
	int err;

	snprintf(ruri, sizeof(ruri), "sip:%s", ua->o->domain);
	if ((err = sip_out_request(&o, SIP_PL("REGISTER"), sip_pl_str(ruri))))
		return err;
	snprintf(cr->ruri, sizeof(cr->ruri), "%s", ruri);
	err = sip_out_addf(o, SIP_HDR_MAX_FORWARDS, "70");
	if (!err)
		err = sip_out_addf(o, SIP_HDR_FROM, "<%s>;tag=%s", ua->aor, r->tag);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_TO, "<%s>", ua->aor);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_CALL_ID, "%s", r->callid);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_CSEQ, "%u REGISTER", ++r->cseq);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_CONTACT, "<%s>;expires=%u", ua->contact,
				   r->unreg ? 0 : r->expires);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_USER_AGENT, "sipua/0.1");
	if (err) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

static void start_command(void *arg);
static void reg_refresh(void *arg);

static void print_result(const char *result, uint16_t code)
{
	printf("SIPUA result=%s code=%u\n", result, code);
	fflush(stdout);
}

static void reg_resp(struct ua_creq *cr, struct sip_msg *m, int err, void *arg)
{
	struct ua_reg *r = arg;
	struct ua *ua = r->ua;
	bool only = !strcmp(ua->o->command, "register");

	if (m && m->scode < 200)
		return;
	if (r->unreg) {
		ua_event(ua, "UNREGISTERED code=%u", m ? m->scode : 408);
		ua->registered = false;
		uv_stop(&ua->loop);
		return;
	}
	if (!m || m->scode >= 300) {
		uint16_t code = m ? m->scode : 408;

		ua_event(ua, "REGISTER failed code=%u", code);
		print_result(m ? ua_result_for(code) : "timeout", code);
		ua_finish(ua, m ? ua_exit_for(code) : UA_EXIT_TIMEOUT);
		return;
	}
	bool first = !ua->registered;

	ua->registered = true;
	ua_event(ua, "REGISTERED code=%u expires=%u", m->scode, r->expires);
	ua_timer(ua, &ua->t_reg, (uint64_t)r->expires * 500, reg_refresh, r);
	if (!first)
		return;
	if (only) {
		print_result("registered", m->scode);
		if (!ua->o->interactive && !(ua->o->duration > 0)) {
			ua_finish(ua, UA_EXIT_OK);
			return;
		}
		if (ua->o->duration > 0)
			ua_timer(ua, &ua->t_wait, (uint64_t)(ua->o->duration * 1000),
				 start_command, ua);
		return;
	}
	start_command(ua);
}

static void reg_refresh(void *arg)
{
	struct ua_reg *r = arg;
	struct sip_txn_dest d;
	char uri[300];

	snprintf(uri, sizeof(uri), "sip:%s", r->ua->o->domain);
	if (!ua_dest(r->ua, uri, true, &d))
		(void)ua_request(r->ua, SIP_REGISTER, &d, build_register, reg_resp, r, NULL);
}

static int do_register(struct ua *ua, bool unreg)
{
	struct sip_txn_dest d;
	char uri[300];
	int err;

	if (!ua->reg_state) {
		ua->reg_state = calloc(1, sizeof(*ua->reg_state));
		if (!ua->reg_state)
			return ENOMEM;
		ua->reg_state->ua = ua;
		ua->reg_state->expires = ua->o->expires;
		ua_callid(ua, ua->reg_state->callid, sizeof(ua->reg_state->callid));
		ua_tag(ua, ua->reg_state->tag, sizeof(ua->reg_state->tag));
	}
	ua->reg_state->unreg = unreg;
	snprintf(uri, sizeof(uri), "sip:%s", ua->o->domain);
	if ((err = ua_dest(ua, uri, true, &d)))
		return err;
	return ua_request(ua, SIP_REGISTER, &d, build_register, reg_resp, ua->reg_state, &ua->reg);
}

/* ---- OPTIONS, MESSAGE (out of dialog, §11, RFC 3428) ---- */

struct ood {
	struct ua *ua;
	char callid[64], tag[32];
	uint32_t cseq;
};

static int build_ood(struct ua_creq *cr, struct sip_out **op, void *arg)
{
	struct ood *x = arg;
	struct ua *ua = x->ua;
	const char *mname = sip_method_name(cr->method);
	struct sip_out *o;
	int err;

	if ((err = sip_out_request(&o, sip_pl_str(mname), sip_pl_str(ua->o->target))))
		return err;
	snprintf(cr->ruri, sizeof(cr->ruri), "%s", ua->o->target);
	err = sip_out_addf(o, SIP_HDR_MAX_FORWARDS, "70");
	if (!err)
		err = sip_out_addf(o, SIP_HDR_FROM, "<%s>;tag=%s", ua->aor, x->tag);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_TO, "<%s>", ua->o->target);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_CALL_ID, "%s", x->callid);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_CSEQ, "%u %s", ++x->cseq, mname);
	if (!err)
		err = ua_add_common(ua, o, cr->method == SIP_OPTIONS);
	if (!err && cr->method == SIP_OPTIONS)
		err = sip_out_addf(o, SIP_HDR_ACCEPT, "application/sdp");
	if (!err && cr->method == SIP_MESSAGE)
		err = sip_out_body(o, "text/plain", sip_pl_str(ua->o->text));
	if (err) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

static void ood_resp(struct ua_creq *cr, struct sip_msg *m, int err, void *arg)
{
	struct ood *x = arg;
	struct ua *ua = x->ua;

	if (m && m->scode < 200)
		return;
	if (!m) {
		ua_event(ua, "%s failed: %s", sip_method_name(cr->method), strerror(err));
		print_result(err == ETIMEDOUT ? "timeout" : "network", 408);
		ua_finish(ua, err == ETIMEDOUT ? UA_EXIT_TIMEOUT : UA_EXIT_NETWORK);
		return;
	}
	ua_event(ua, "RESPONSE %u %.*s", m->scode, (int)m->reason.len, m->reason.p);
	if (cr->method == SIP_OPTIONS) {
		const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_ALLOW);

		if (h)
			ua_event(ua, "ALLOW %.*s", (int)h->value.len, h->value.p);
	}
	print_result(ua_result_for(m->scode), m->scode);
	ua_finish(ua, ua_exit_for(m->scode));
}

static int do_ood(struct ua *ua, enum sip_method m)
{
	struct ood *x = calloc(1, sizeof(*x));
	struct sip_txn_dest d;
	struct ua_creq *cr;
	int err;

	if (!x)
		return ENOMEM;
	x->ua = ua;
	ua_callid(ua, x->callid, sizeof(x->callid));
	ua_tag(ua, x->tag, sizeof(x->tag));
	if ((err = ua_dest(ua, ua->o->target, true, &d)) ||
	    (err = ua_request(ua, m, &d, build_ood, ood_resp, x, &cr))) {
		free(x);
		return err;
	}
	cr->own = x;
	return 0;
}

/* ---- the command ---- */

static void on_wait_timeout(void *arg)
{
	struct ua *ua = arg;

	if (ua->ncalls == 0) {
		ua_event(ua, "NO CALL within --wait");
		print_result("timeout", 0);
		ua_finish(ua, UA_EXIT_TIMEOUT);
	}
}

static void on_at(void *arg)
{
	struct ua_at_arg *a = arg;

	ua_command(a->ua, a->ua->o->at[a->i].cmd);
}

static void start_command(void *arg)
{
	struct ua *ua = arg;
	struct ua_opts *o = ua->o;
	int err = 0;

	for (unsigned i = 0; i < o->nat; i++) {
		ua->at_arg[i].ua = ua;
		ua->at_arg[i].i = i;
		ua_timer(ua, &ua->t_at[i], (uint64_t)(o->at[i].secs * 1000), on_at,
			 &ua->at_arg[i]);
	}
	if (!strcmp(o->command, "register")) {
		ua_finish(ua, UA_EXIT_OK);   /* --duration elapsed */
		return;
	}
	if (!strcmp(o->command, "call"))
		err = call_start(ua, o->target, NULL, NULL);
	else if (!strcmp(o->command, "options"))
		err = do_ood(ua, SIP_OPTIONS);
	else if (!strcmp(o->command, "message"))
		err = do_ood(ua, SIP_MESSAGE);
	else if (!strcmp(o->command, "answer")) {
		ua_event(ua, "WAITING for calls on %s", ua->contact);
		if (o->wait > 0)
			ua_timer(ua, &ua->t_wait, (uint64_t)(o->wait * 1000),
				 on_wait_timeout, ua);
	}
	if (err) {
		fprintf(stderr, "sipua: %s: %s\n", o->command, strerror(err));
		if (strcmp(o->command, "call"))
			print_result("failed", 0);
		ua_finish(ua, UA_EXIT_ERROR);
	}
}

void ua_call_done(struct ua *ua, struct call *c)
{
	int code = call_exit_code(c);
	unsigned live = 0, incoming = 0;

	if (code && !ua->exit_code)
		ua->exit_code = code;
	for (struct call *x = ua->calls; x; x = x->next) {
		if (x->state != CALL_ENDED)
			live++;
		else if (!x->uac && !x->refused)
			incoming++;
	}
	if (live)
		return;
	if (!strcmp(ua->o->command, "answer") && !ua->signalled &&
	    incoming < (ua->o->calls ? ua->o->calls : 1))
		return;
	ua_finish(ua, ua->exit_code);
}

static void on_stop_timeout(void *arg)
{
	uv_stop(&((struct ua *)arg)->loop);
}

void ua_finish(struct ua *ua, int code)
{
	if (ua->stopping)
		return;
	ua->stopping = true;
	if (!ua->exit_code)
		ua->exit_code = code;
	sip_timer_cancel(&ua->t_reg);
	sip_timer_cancel(&ua->t_wait);
	sip_timer_cancel(&ua->t_sig);
	for (unsigned i = 0; i < UA_AT_MAX; i++)
		sip_timer_cancel(&ua->t_at[i]);
	if (ua->registered && !do_register(ua, true)) {
		ua_timer(ua, &ua->t_wait, 3000, on_stop_timeout, ua);
		return;
	}
	uv_stop(&ua->loop);
}

int ua_run(struct ua_opts *o)
{
	struct ua *ua = calloc(1, sizeof(*ua));
	int err;

	if (!ua)
		return UA_EXIT_ERROR;
	if ((err = ua_open(ua, o))) {
		fprintf(stderr, "sipua: cannot start: %s\n", strerror(err));
		ua_close(ua);
		free(ua);
		return UA_EXIT_ERROR;
	}
	if (o->interactive && ua_stdin(ua))
		fprintf(stderr, "sipua: stdin is not readable; interactive mode off\n");
	if (o->do_register || !strcmp(o->command, "register")) {
		if (!o->domain || !o->user) {
			fprintf(stderr, "sipua: --register needs --user and --domain\n");
			ua_close(ua);
			free(ua);
			return UA_EXIT_USAGE;
		}
		err = do_register(ua, false);
	} else {
		ua_timer(ua, &ua->t_start, 0, start_command, ua);
	}
	if (!err)
		uv_run(&ua->loop, UV_RUN_DEFAULT);
	else
		fprintf(stderr, "sipua: cannot register: %s\n", strerror(err));
	err = err ? UA_EXIT_ERROR : ua->exit_code;
	ua_close(ua);
	free(ua);
	return err;
}
