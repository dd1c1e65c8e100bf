/*
 * dialog.h - private to src/dialog/: allocation, the state machine's
 * set_state, and copying message parts into dialog state.
 */
#ifndef SIP_DIALOG_PRIV_H
#define SIP_DIALOG_PRIV_H

#include "sip/addr.h"
#include "sip/dialog.h"

/** A zeroed dialog in state @p s with one reference, or NULL. */
struct sip_dialog *sip_dialog_new(enum sip_dialog_state s);

/** Move @p d to @p next; asserts the edge is legal (see dialog.c). */
void sip_dialog_set_state(struct sip_dialog *d, enum sip_dialog_state next);

/** NUL-terminated copy of @p pl from sip_mem (free with sip_mem_deref),
 *  or NULL when out of memory. */
char *sip_dialog_strdup(struct sip_pl pl);

/** Replace *sp by a copy of @p pl. 0 or ENOMEM (*sp unchanged). */
int sip_dialog_strset(char **sp, struct sip_pl pl);

/**
 * Route set from the Record-Route list @p rr: in order, or reversed when
 * @p reverse. On 0, *routesp / *np replace nothing: the caller swaps them
 * in with sip_dialog_routes_set(). 0 or ENOMEM.
 */
int sip_dialog_routes_build(const struct sip_addr *rr, bool reverse,
			    struct sip_dialog_route **routesp, size_t *np);

/** Free the old route set of @p d and install @p routes / @p n. */
void sip_dialog_routes_set(struct sip_dialog *d,
			   struct sip_dialog_route *routes, size_t n);

/** Free a route array of @p n elements (NULL allowed). */
void sip_dialog_routes_free(struct sip_dialog_route *routes, size_t n);

/** True for target refresh methods (§12.2, RFC 3311, RFC 6665 §4.3). */
bool sip_dialog_is_refresh(enum sip_method m);

/** Replace the remote target by the first Contact of @p m, if any.
 *  0, EBADMSG, ENOMEM. */
int sip_dialog_target_from(struct sip_dialog *d, struct sip_msg *m);

#endif
