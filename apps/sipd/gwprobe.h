/*
 * gwprobe.h - gateway health: every gateway of every group of the
 * running dial plan is sent an OPTIONS (RFC 3261 §11) through a
 * non-INVITE client transaction when its probe is due
 * (dialplan.health.interval_ms, down_interval_ms while down), and the
 * result feeds sip_route_health_feed().
 *
 * A probe succeeds on any final response but 408 and 503: the gateway's
 * SIP stack answered, and a 404 or 405 to OPTIONS says nothing about its
 * ability to take calls. It fails on 503 (RFC 3261 §21.5.4: the server
 * is overloaded or in maintenance), 408, Timer F (64*T1 without a final
 * response) and transport errors. Transitions are logged (warning
 * "gateway down", notice "gateway up") and counted in
 * sd->dialplan.stats.
 *
 * One probe per gateway at a time. A probe remembers its gateway by group
 * name and URI, and its result goes to the gateway of that name in the
 * plan running when it ends, so a reload in between loses nothing.
 * A gateway's host is an IP literal (sip:192.0.2.1:5060;transport=tcp)
 * or a name looked up (A/AAAA through getaddrinfo on libuv's thread pool,
 * before each probe, the first address of a family we listen on taken;
 * not RFC 3263's NAPTR/SRV): a failed lookup is a failed probe. A gateway
 * that cannot be probed at all (sips:, TLS, no listener of its transport
 * and family for an IP literal) is logged once and stays up.
 * While sipd stops no probe is sent; one in flight counts as a
 * transaction with work left, so it may hold the graceful stop until it
 * ends or the drain deadline passes (drain.h).
 */
#ifndef SIPD_GWPROBE_H
#define SIPD_GWPROBE_H

struct sipd;
struct sipd_gwprobe;

/**
 * Start probing the gateways of sd->dialplan.plan on sd's transaction
 * stack and timers. Returns 0 or ENOMEM.
 */
int sipd_gwprobe_start(struct sipd_gwprobe **pp, struct sipd *sd);

/** The plan changed (reload): re-arm the timer for its gateways. */
void sipd_gwprobe_kick(struct sipd_gwprobe *p);

/**
 * Stop: cancel the timer, forget the probes in flight (their
 * transactions go with the stack). NULL is a no-op.
 */
void sipd_gwprobe_free(struct sipd_gwprobe *p);

#endif
