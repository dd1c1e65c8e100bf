/*
 * route.c - the route set of a dialog (RFC 3261 §12.1.1, §12.1.2): copied
 * from Record-Route, in order on the UAS side, reversed on the UAC side.
 */
#include <errno.h>

#include "sip/mem.h"
#include "sip/uri.h"

#include "dialog/dialog.h"

void sip_dialog_routes_free(struct sip_dialog_route *routes, size_t n)
{
	size_t i;

	for (i = 0; routes && i < n; i++) {
		sip_mem_deref(routes[i].addr);
		sip_mem_deref(routes[i].uri);
	}
	sip_mem_deref(routes);
}

void sip_dialog_routes_set(struct sip_dialog *d,
			   struct sip_dialog_route *routes, size_t n)
{
	sip_dialog_routes_free(d->routes, d->nroutes);
	d->routes = routes;
	d->nroutes = n;
}

int sip_dialog_routes_build(const struct sip_addr *rr, bool reverse,
			    struct sip_dialog_route **routesp, size_t *np)
{
	struct sip_dialog_route *routes;
	const struct sip_addr *a;
	size_t n = 0, i = 0;

	for (a = rr; a; a = a->next)
		n++;
	if (n == 0) {
		*routesp = NULL;
		*np = 0;
		return 0;
	}
	routes = sip_mem_zalloc(n * sizeof *routes, NULL);
	if (!routes)
		return ENOMEM;
	for (a = rr; a; a = a->next, i++) {
		struct sip_dialog_route *r = &routes[reverse ? n - 1 - i : i];

		r->addr = sip_dialog_strdup(a->raw);
		r->uri = sip_dialog_strdup(a->uri_raw);
		if (!r->addr || !r->uri) {
			sip_dialog_routes_free(routes, n);
			return ENOMEM;
		}
		r->lr = sip_uri_param(&a->uri, "lr", NULL) == 0;
	}
	*routesp = routes;
	*np = n;
	return 0;
}
