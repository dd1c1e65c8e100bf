/*
 * input.c - sipua's interactive commands: typed on stdin (-i, a terminal
 * or a pipe, one command a line) or scheduled with --at, and run on the
 * newest live call (docs/sipua.md lists them).
 */
#include <stdio.h>
#include <string.h>

#include "sipua.h"

/* ---- stdin ---- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct ua *ua = h->data;

	b->base = ua->inbuf + ua->inlen;
	b->len = sizeof(ua->inbuf) - ua->inlen - 1;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct ua *ua = s->data;
	char *nl;

	ua_sync(ua);
	if (n < 0) {
		uv_read_stop(s);
		return;
	}
	ua->inlen += (size_t)n;
	ua->inbuf[ua->inlen] = 0;
	while ((nl = strchr(ua->inbuf, '\n'))) {
		*nl = 0;
		if (nl > ua->inbuf && nl[-1] == '\r')
			nl[-1] = 0;
		ua_command(ua, ua->inbuf);
		ua->inlen -= (size_t)(nl + 1 - ua->inbuf);
		memmove(ua->inbuf, nl + 1, ua->inlen + 1);
	}
	if (ua->inlen >= sizeof(ua->inbuf) - 1)
		ua->inlen = 0;
}

int ua_stdin(struct ua *ua)
{
	int err;

	/* a terminal, or a pipe/fifo/file from a script */
	if (uv_guess_handle(0) == UV_TTY)
		err = uv_tty_init(&ua->loop, &ua->in.tty, 0, 1);
	else if (!(err = uv_pipe_init(&ua->loop, &ua->in.pipe, 0)))
		err = uv_pipe_open(&ua->in.pipe, 0);
	if (err)
		return -err;
	ua->in_open = true;
	ua->in.handle.data = ua;
	uv_read_start(&ua->in.stream, on_alloc, on_read);
	uv_unref(&ua->in.handle);
	return 0;
}

/* The call commands act on: the newest live one. */
static struct call *current(struct ua *ua)
{
	for (struct call *c = ua->calls; c; c = c->next)
		if (c->state != CALL_ENDED)
			return c;
	return NULL;
}

void ua_command(struct ua *ua, const char *line)
{
	char verb[32] = "", rest[UA_CMD_MAX] = "";
	struct call *c = current(ua);

	while (*line == ' ')
		line++;
	if (sscanf(line, "%31s %255[^\n]", verb, rest) < 1)
		return;
	ua_event(ua, "COMMAND %s%s%s", verb, *rest ? " " : "", rest);
	if (!strcmp(verb, "help")) {
		ua_event(ua, "COMMANDS hangup | dtmf DIGITS | hold [inactive] | resume | "
			 "update | transfer URI | info TEXT | quit");
		return;
	}
	if (!strcmp(verb, "quit")) {
		for (struct call *x = ua->calls; x; x = x->next)
			call_hangup(x);
		ua_finish(ua, ua->exit_code);
		return;
	}
	if (!c) {
		ua_event(ua, "ERROR no call for %s", verb);
		return;
	}
	if (!strcmp(verb, "hangup") || !strcmp(verb, "bye"))
		call_hangup(c);
	else if (!strcmp(verb, "dtmf") && *rest)
		call_dtmf(c, rest);
	else if (!strcmp(verb, "hold"))
		call_hold(c, !strcmp(rest, "inactive") ? SIP_SDP_INACTIVE : SIP_SDP_SENDONLY);
	else if (!strcmp(verb, "resume"))
		call_hold(c, SIP_SDP_SENDRECV);
	else if (!strcmp(verb, "transfer") && *rest)
		call_transfer(c, rest);
	else if (!strcmp(verb, "info"))
		call_info(c, rest);
	else if (!strcmp(verb, "update"))
		call_update(c);
	else
		ua_event(ua, "ERROR unknown command %s", verb);
}
