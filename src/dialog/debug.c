/*
 * debug.c - a readable dump of one dialog's §12 state, for logs and the
 * management interface.
 */
#include "sip/buf.h"

#include "dialog/dialog.h"

static const char *str(const char *s)
{
	return s ? s : "-";
}

void sip_dialog_debug(struct sip_buf *b, const struct sip_dialog *d)
{
	size_t i;

	sip_buf_printf(b, "state: %s (%s)%s\n", sip_dialog_state_name(d->state),
		       d->uac ? "uac" : "uas", d->secure ? " secure" : "");
	sip_buf_printf(b, "call-id: %s\nlocal-tag: %s\nremote-tag: %s\n",
		       str(d->callid), str(d->ltag), str(d->rtag));
	sip_buf_printf(b, "local: %s\nremote: %s\n", str(d->local),
		       str(d->remote));
	sip_buf_printf(b, "local-cseq: %lu\n", (unsigned long)d->lcseq);
	if (d->rcseq_set)
		sip_buf_printf(b, "remote-cseq: %lu\n", (unsigned long)d->rcseq);
	else
		sip_buf_puts(b, "remote-cseq: -\n");
	sip_buf_printf(b, "remote-target: %s\ncontact: %s\n", str(d->rtarget),
		       str(d->contact));
	for (i = 0; i < d->nroutes; i++)
		sip_buf_printf(b, "route: %s\n", d->routes[i].addr);
}
