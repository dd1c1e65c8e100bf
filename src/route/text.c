/*
 * text.c - bounded text output and the names shown by the dry run and
 * the debug dump of the dial plan.
 */
#include <stdarg.h>
#include <stdio.h>

#include "route/route.h"

void route_say(struct route_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->trunc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->size - t->len) {
		t->trunc = true;
		t->len = t->size - 1;
		return;
	}
	t->len += (size_t)n;
}

const char *route_field_name(enum sip_route_field f)
{
	switch (f) {
	case SIP_ROUTE_RURI_USER:
		return "number";
	case SIP_ROUTE_FROM_USER:
		return "from user";
	case SIP_ROUTE_SOURCE:
		return "source address";
	}
	return "?";
}

const char *route_match_name(enum sip_route_match m)
{
	switch (m) {
	case SIP_ROUTE_PREFIX:
		return "prefix";
	case SIP_ROUTE_REGEX:
		return "regex";
	case SIP_ROUTE_CIDR:
		return "network";
	}
	return "?";
}
