/*
 * drain.h - the graceful stop (SIGTERM, SIGINT).
 *
 * On the first signal sipd stops taking new work: new requests are
 * answered 503 (Service Unavailable) by the core, so clients fail over at
 * once instead of retransmitting into silence. (The transport has no way
 * yet to close a listener alone: UDP sockets stay open because they also
 * carry the retransmissions of responses; TCP listeners too, for now.)
 * Transactions with work left run on, and the loop stops when none is
 * left or at the deadline, whichever comes first. A second signal stops
 * at once. sipd then exits 0.
 *
 * Work left: a transaction still waiting for its final response (client:
 * Calling, Trying, Proceeding; server: Trying, Proceeding), and an INVITE
 * server transaction whose non-2xx final response is not acknowledged yet
 * (Completed: Timer G resends it until the ACK). States that only absorb
 * retransmissions (Completed of non-INVITE, Confirmed, Accepted) do not
 * hold the stop.
 *
 * Deadline: min(4 s, 64*T1). 64*T1 is the longest any transaction waits
 * for its peer (Timers B, F, H), so nothing legitimate is cut short with
 * a small T1; 4 s keeps a restart quick with the default T1 of 500 ms
 * (64*T1 = 32 s) and leaves a second for tear-down under the 5 s that a
 * supervisor (or a test harness) may allow before SIGKILL.
 */
#ifndef SIPD_DRAIN_H
#define SIPD_DRAIN_H

#include <stdint.h>

#include "sip/txn.h"

struct sipd;
struct sipd_config;

/** The longest a graceful stop lasts under @p cfg, in milliseconds. */
uint64_t sipd_drain_deadline_ms(const struct sipd_config *cfg);

/**
 * sip_txn_trace_h (@p arg is the sipd): follows every transaction's
 * state to count those with work left (sd->busy), logs the change at
 * debug, and ends a drain when the count reaches 0.
 */
void sipd_drain_observe(void *arg, const struct sip_txn *t,
			enum sip_txn_state from, enum sip_txn_state to);

/**
 * Signal @p signame arrived: begin the graceful stop, or, when one is
 * under way, stop the loop now.
 */
void sipd_drain_start(struct sipd *sd, const char *signame);

#endif
