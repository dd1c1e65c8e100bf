/*
 * dialog.c - the dialog object and its state machine (RFC 3261 §12,
 * §12.3, §13.2.2.4, §15).
 *
 *        1xx with To tag             2xx (received or sent)
 *   ---------------------> EARLY ----------------------------> CONFIRMED
 *                            |                                   |
 *                            | 300-699, 481/408,                 | BYE, 481/408
 *                            | another fork confirmed            |
 *                            V                                   V
 *                        TERMINATED <----------------------------+
 *   2xx -------------------------------------------------> CONFIRMED
 *
 * Edges and the functions performing them:
 *   (none)     -> EARLY       sip_dialog_uac_alloc(), sip_dialog_uas_alloc()
 *   (none)     -> CONFIRMED   same, with a 2xx
 *   EARLY      -> CONFIRMED   sip_dialog_confirm(), sip_dialog_uac_update()
 *   EARLY      -> TERMINATED  sip_dialog_uac_update(), sip_dialog_terminate(),
 *                             sip_dialog_table_uac_response()
 *   CONFIRMED  -> TERMINATED  sip_dialog_recv_request() (BYE),
 *                             sip_dialog_recv_response() (481/408),
 *                             sip_dialog_terminate()
 *
 * Invariants: every state has callid, ltag, rtag, local, remote, rtarget
 * set; TERMINATED is final.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"

#include "dialog/dialog.h"

static void destroy(void *arg)
{
	struct sip_dialog *d = arg;

	assert(d->table == NULL);
	sip_mem_deref(d->callid);
	sip_mem_deref(d->ltag);
	sip_mem_deref(d->rtag);
	sip_mem_deref(d->local);
	sip_mem_deref(d->remote);
	sip_mem_deref(d->luri);
	sip_mem_deref(d->ruri);
	sip_mem_deref(d->rtarget);
	sip_mem_deref(d->contact);
	sip_dialog_routes_free(d->routes, d->nroutes);
}

struct sip_dialog *sip_dialog_new(enum sip_dialog_state s)
{
	struct sip_dialog *d = sip_mem_zalloc(sizeof *d, destroy);

	if (d)
		d->state = s;
	return d;
}

const char *sip_dialog_state_name(enum sip_dialog_state s)
{
	switch (s) {
	case SIP_DIALOG_EARLY:      return "early";
	case SIP_DIALOG_CONFIRMED:  return "confirmed";
	case SIP_DIALOG_TERMINATED: return "terminated";
	}
	return "?";
}

static bool edge_legal(enum sip_dialog_state from, enum sip_dialog_state to)
{
	switch (from) {
	case SIP_DIALOG_EARLY:
		return to == SIP_DIALOG_CONFIRMED || to == SIP_DIALOG_TERMINATED;
	case SIP_DIALOG_CONFIRMED:
		return to == SIP_DIALOG_TERMINATED;
	case SIP_DIALOG_TERMINATED:
		return false;
	}
	return false;
}

static void assert_invariants(const struct sip_dialog *d)
{
	assert(d->callid && d->ltag && d->rtag);
	assert(d->local && d->remote && d->rtarget);
	(void)d;
}

void sip_dialog_set_state(struct sip_dialog *d, enum sip_dialog_state next)
{
	assert(edge_legal(d->state, next));
	(void)edge_legal;
	d->state = next;
	assert_invariants(d);
}

int sip_dialog_confirm(struct sip_dialog *d)
{
	if (d->state != SIP_DIALOG_EARLY)
		return EPROTO;
	sip_dialog_set_state(d, SIP_DIALOG_CONFIRMED);
	return 0;
}

void sip_dialog_terminate(struct sip_dialog *d)
{
	if (d->state != SIP_DIALOG_TERMINATED)
		sip_dialog_set_state(d, SIP_DIALOG_TERMINATED);
}

char *sip_dialog_strdup(struct sip_pl pl)
{
	char *s = sip_mem_zalloc(pl.len + 1, NULL);

	if (s && pl.len)
		memcpy(s, pl.p, pl.len);
	return s;
}

int sip_dialog_strset(char **sp, struct sip_pl pl)
{
	char *s = sip_dialog_strdup(pl);

	if (!s)
		return ENOMEM;
	sip_mem_deref(*sp);
	*sp = s;
	return 0;
}

bool sip_dialog_is_refresh(enum sip_method m)
{
	return m == SIP_INVITE || m == SIP_UPDATE || m == SIP_SUBSCRIBE ||
	       m == SIP_NOTIFY;
}

int sip_dialog_target_from(struct sip_dialog *d, struct sip_msg *m)
{
	const struct sip_addr *c;
	int err = sip_msg_contact(m, &c);

	if (err == ENOENT)
		return 0;
	if (err)
		return err;
	if (c->star)
		return EBADMSG;
	return sip_dialog_strset(&d->rtarget, c->uri_raw);
}
