/*
 * sipua.h - the scriptable user agent: options, the UA core (transport,
 * transactions, digest client on one libuv loop), calls (INVITE sessions
 * with their dialog, RFC 3261 §13-§15, RFC 3262, 3311, 4028, 6086, 3515)
 * and their media (RTP audio from/to WAV files, RFC 4733 DTMF).
 */
#ifndef SIPUA_H
#define SIPUA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "sip/dialog.h"
#include "sip/rtprx.h"
#include "sip/pacer.h"
#include "sip/dtmf.h"
#include "sip/sdp.h"
#include "sip/timer.h"
#include "sip/transport.h"
#include "sip/txn.h"
#include "sip/ua.h"
#include "sip/wav.h"

struct sip_auth_client;
struct sip_msg;
struct sip_out;

/* Exit statuses (docs/sipua.md). */
enum ua_exit {
	UA_EXIT_OK = 0,          /* answered / registered / 2xx */
	UA_EXIT_ERROR = 1,       /* local failure (socket, file, ...) */
	UA_EXIT_USAGE = 2,       /* bad command line or configuration */
	UA_EXIT_BUSY = 3,        /* 486, 600 */
	UA_EXIT_NOTFOUND = 4,    /* 404, 604, 480 */
	UA_EXIT_TIMEOUT = 5,     /* no final answer (408, Timer B/F), no call */
	UA_EXIT_AUTH = 6,        /* 401/407 we could not answer, 403 */
	UA_EXIT_DECLINED = 7,    /* 603 and every other failure response */
	UA_EXIT_CANCELLED = 8,   /* we cancelled before an answer (487) */
	UA_EXIT_NETWORK = 9,     /* transport error */
};

enum { UA_AT_MAX = 16, UA_CMD_MAX = 256 };

struct ua_at {
	double secs;             /* after the command starts */
	char cmd[UA_CMD_MAX];    /* an interactive command */
};

struct ua_opts {
	const char *command;     /* register, call, answer, options, message */
	const char *target;      /* URI for call/options/message */
	const char *text;        /* message text */
	/* account */
	const char *user, *password, *domain, *proxy, *display;
	const char *local_ip;
	uint16_t local_port;
	enum sip_tp_kind transport;
	uint32_t expires;        /* REGISTER */
	bool do_register;        /* call/answer: register first */
	/* call */
	const char *play, *record, *dtmf;
	bool dtmf_info;          /* DTMF as INFO application/dtmf-relay */
	double dtmf_delay;       /* s after media starts */
	double duration;         /* s after answer; 0: none */
	double hangup_after;     /* s after start; 0: none */
	double ring;             /* answer: ring this long first */
	uint16_t decline;        /* answer: refuse with this code */
	unsigned calls;          /* answer: calls to take (0: 1) */
	double wait;             /* answer: give up after this long; 0: none */
	int rel100;              /* 0 off, 1 supported (default), 2 required */
	uint32_t session_expires, min_se;
	bool refresh_update;     /* refresh with UPDATE instead of re-INVITE */
	bool pcma;               /* prefer PCMA */
	bool interactive;
	bool trace;
	unsigned t1;             /* ms, 0: 500 */
	struct ua_at at[UA_AT_MAX];
	unsigned nat;
	char *owned[16];         /* strings read from -c FILE */
	unsigned nowned;
};

/* ---- options (opts.c) ---- */

/** Parse argv (and -c FILE) into @p o. 0, or UA_EXIT_USAGE with a message printed. */
int ua_opts_parse(struct ua_opts *o, int argc, char **argv);
void ua_usage(FILE *f);
/** Free what ua_opts_parse() allocated. */
void ua_opts_free(struct ua_opts *o);

/* ---- the core (ua.c) ---- */

struct ua;
struct call;
struct ua_creq;
struct ua_reg;

/** A response (final or provisional) or a failure (@p resp NULL, @p err). */
typedef void (ua_resp_h)(struct ua_creq *cr, struct sip_msg *resp, int err, void *arg);
/** Build the request again (a new CSeq each time; no Via). */
typedef int (ua_build_h)(struct ua_creq *cr, struct sip_out **op, void *arg);

struct ua_creq {
	struct ua *ua;
	struct ua_creq *next;    /* in ua->creqs */
	enum sip_method method;
	char ruri[512];          /* set by the builder: for digest */
	struct sip_txn_dest dst;
	ua_build_h *build;
	ua_resp_h *resph;        /* NULL once the owner lost interest */
	void *arg;
	struct sip_txn *t;       /* current client transaction, borrowed */
	unsigned auth_tries;
	bool final;              /* a final response was delivered */
	void *own;               /* freed with the request (builder data) */
	struct sip_pl body;      /* borrowed by the builder */
};

struct ua {
	uv_loop_t loop;
	bool loop_ok, handles;   /* what ua_close() must undo */
	struct sip_timers *ts;
	uv_timer_t timer;
	uv_prepare_t prepare;
	uv_signal_t sigint, sigterm;
	union {                  /* stdin in interactive mode */
		uv_handle_t handle;
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tty_t tty;
	} in;
	bool in_open;
	char inbuf[1024];
	size_t inlen;
	struct sip_tp *tp;
	struct sip_txn_stack *txn;
	struct sip_auth_client *authc;
	struct ua_opts *o;
	char lhost[64];          /* our IP, for Via, Contact, SDP */
	uint16_t lport;
	char aor[256];           /* sip:user@domain */
	char contact[256];       /* <sip:user@ip:port;transport=tcp> URI */
	struct ua_creq *creqs;
	struct call *calls;
	unsigned ncalls;         /* calls started or taken so far */
	unsigned calls_done;
	int exit_code;           /* of the command */
	bool stopping;
	uint64_t bad_msgs;       /* malformed messages received */
	bool signalled;          /* SIGINT/SIGTERM: hanging up */
	uint64_t signal_ms;      /* when the signal came */
	struct sip_timer t_sig;  /* ... for at most this long */
	struct sip_timer t_start;    /* runs the command */
	struct sip_timer t_wait;     /* answer: --wait */
	struct sip_timer t_at[UA_AT_MAX];
	struct sip_timer t_reg;      /* registration refresh */
	bool registered;
	uint64_t t0;                 /* start, ms */
	struct ua_creq *reg;
	struct ua_reg *reg_state;     /* REGISTER's Call-ID, tag, CSeq (main.c) */
	struct ua_at_arg {           /* what each --at timer runs */
		struct ua *ua;
		unsigned i;
	} at_arg[UA_AT_MAX];
};

/** Open the core for @p o: loop, timers, transport, transactions. 0 or errno. */
int ua_open(struct ua *ua, struct ua_opts *o);
/** Tear everything down (safe after a failed ua_open()). */
void ua_close(struct ua *ua);
/** Read commands from stdin (interactive mode). 0 or errno. */
int ua_stdin(struct ua *ua);
/** Run the command of @p o to its end; returns the exit status (cmd.c). */
int ua_run(struct ua_opts *o);

/** Milliseconds on the loop's clock. */
uint64_t ua_now(struct ua *ua);
/** Bring the timer set to the loop's time (at the top of I/O callbacks). */
void ua_sync(struct ua *ua);
/** Arm @p t after @p ms. */
void ua_timer(struct ua *ua, struct sip_timer *t, uint64_t ms, sip_timer_h *h, void *arg);

/**
 * Send a request: @p build makes it, the core adds Via and credentials
 * (answering 401/407 once per realm) and runs the client transaction to
 * @p dst (NULL: from the Request-URI, or the proxy for out-of-dialog).
 */
/** Send @p cr again (after a 422: the builder makes the new request). */
int ua_creq_resend(struct ua_creq *cr);

int ua_request(struct ua *ua, enum sip_method m, const struct sip_txn_dest *dst,
	       ua_build_h *build, ua_resp_h *resph, void *arg, struct ua_creq **crp);

/** Where requests to @p uri go: proxy (when @p use_proxy) or its host. */
int ua_dest(struct ua *ua, const char *uri, bool use_proxy, struct sip_txn_dest *d);

/** Fresh Call-ID / tag into @p buf. */
void ua_callid(struct ua *ua, char *buf, size_t n);
void ua_tag(struct ua *ua, char *buf, size_t n);

/** Common headers of our requests and responses. */
int ua_add_common(struct ua *ua, struct sip_out *o, bool contact);

/**
 * §12.1.1: copy the Record-Route values of @p req, in order, into a
 * dialog-creating response @p o (1xx with a To tag, 2xx).
 */
void ua_copy_rr(struct sip_out *o, const struct sip_msg *req);

/** Reply to server transaction @p st with a bare @p code. */
void ua_reply(struct ua *ua, struct sip_txn *st, uint16_t code, const char *reason);

/** Print a line on stdout (flushed) prefixed for the machine reader. */
void ua_event(struct ua *ua, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Run a command line typed or scheduled ("hangup", "dtmf 12#"...). */
void ua_command(struct ua *ua, const char *line);

/** A call ended: count it, stop when the command is over. */
void ua_call_done(struct ua *ua, struct call *c);

/** Finish: unregister when registered, then stop the loop. */
void ua_finish(struct ua *ua, int code);

/* ---- media (media.c) ---- */

struct media {
	struct ua *ua;
	uv_udp_t rtp, rtcp;
	bool open;
	uint16_t port;           /* local RTP port (even) */
	struct sockaddr_storage raddr, rcaddr;   /* remote RTP / RTCP */
	bool have_remote;
	bool running;
	bool send, recv;         /* direction now */
	int pt, dtmf_pt;
	uv_timer_t tick;
	uint64_t start_ms;
	uint64_t ticks;          /* receive ticks done */
	struct sip_pacer pacer;
	bool pacer_on;
	struct sip_wav_reader wav;
	bool wav_open, play_done;
	struct sip_wav_writer rec;
	bool rec_open, rec_started;
	unsigned rec_gap;        /* dry ticks since the last frame written */
	struct sip_rtprx rx;
	bool rx_on;
	struct sip_dtmf_tx dtx;
	char dtmf_q[64];         /* digits waiting */
	bool dtmf_sending;
	uint32_t dtmf_gap;       /* slots of silence left after a digit */
	uint64_t rtp_rx, rtp_tx;
	uint64_t rtcp_rx, rtcp_tx;   /* compound packets */
	bool rtcp_bye, bye_sent;     /* RTCP BYE received / sent */
	uint32_t ssrc;
	uint64_t octets;
	uint64_t last_sr;
	uint8_t rtp_buf[2048];   /* one datagram at a time (loop thread) */
	uint8_t rtcp_buf[1024];
	void (*digit_h)(void *arg, char d);
	void *digit_arg;
};

/**
 * Bind an RTP/RTCP port pair on our address and start receiving. @p m is
 * zeroed first (set digit_h after). 0, EINVAL, EADDRINUSE (no free pair
 * in 100 tries), EIO.
 */
int media_open(struct media *m, struct ua *ua);
/**
 * Apply a negotiated exchange (local SDP @p l, remote @p r; which was the
 * offer): peer address and directions every time; codec, pacer (the
 * --play file or silence), receiver and recording on the first one.
 * Returns 0 or the error of sip_ua_stream(), the WAV file, the pacer.
 */
int media_apply(struct media *m, const struct sip_sdp *l, const struct sip_sdp *r,
		bool local_is_offer);
/** Queue RFC 4733 digits (sent 100 ms each, 60 ms apart, in the audio's slots). */
void media_dtmf(struct media *m, const char *digits);
/** True when the file (if any) was sent and no DTMF is waiting. */
bool media_idle(const struct media *m);
/** Send the RTCP BYE (RFC 3550 §6.6) now, once: we are leaving. */
void media_bye(struct media *m);
/** RTCP BYE if not sent, close the sockets and files (idempotent). */
void media_close(struct media *m);

/* ---- calls (call.c) ---- */

enum call_state {
	CALL_CALLING,    /* INVITE sent, nothing back */
	CALL_EARLY,      /* provisional with a To tag / ringing */
	CALL_INCOMING,   /* INVITE received, not answered */
	CALL_ACTIVE,     /* 2xx sent or received */
	CALL_ENDING,     /* BYE or CANCEL sent */
	CALL_ENDED,
};

struct call {
	struct ua *ua;
	struct call *next;
	unsigned id;
	bool uac;
	enum call_state state;
	struct sip_dialog *dlg;      /* early or confirmed */
	char callid[64], ltag[32];
	char target[512];            /* UAC: the URI called */
	struct ua_creq *inv;         /* UAC: the INVITE */
	uint32_t inv_cseq;
	/* UAS */
	struct sip_txn *ist;         /* borrowed until TERMINATED */
	struct sip_msg *invite;      /* the request (owned by ist) */
	struct sip_out *ok;          /* our 2xx, retransmitted until ACK */
	struct sip_timer t_ok;
	uint64_t ok_ivl;
	bool acked;
	bool rel100;                 /* this INVITE's 1xx go reliably */
	uint32_t rseq;
	struct sip_out *rel;         /* reliable 1xx awaiting PRACK */
	struct sip_timer t_rel;
	uint64_t rel_ivl, rel_sent;
	bool answer_pending;         /* answer once the PRACK comes */
	/* offer/answer */
	uint64_t sess_id;            /* o= session id of our descriptions */
	struct sip_sdp *lsdp;        /* last description we sent */
	struct sip_sdp *rsdp;        /* last one received */
	bool offer_in_ack;           /* UAS: we offered in the 2xx */
	enum sip_sdp_dir ldir;       /* our direction policy (hold) */
	struct media media;
	/* session timer */
	bool st_on, st_we_refresh;
	uint32_t se;
	struct sip_timer t_st;
	/* transfer */
	struct call *xfer_of;        /* transferee: the call whose REFER made us */
	bool refer_sub;              /* transferee: NOTIFYs owed on this dialog */
	bool transferring;           /* transferor: REFER accepted */
	/* timers of the script */
	struct sip_timer t_ring, t_dur, t_hang, t_done;
	/* outcome */
	uint16_t code;
	const char *result;
	uint64_t t_begin, t_answer, t_end;
	char dtmf_rx[64];
	bool hold_rx;                /* peer holds us */
	bool refused;                /* INVITE refused before it became a call */
	bool hangup_pending;         /* hang up once a provisional came */
	char info_q[64];             /* digits waiting to go as INFO */
	bool info_out;               /* an INFO digit awaits its answer */
	bool offer_out;              /* our re-INVITE/UPDATE offer awaits its answer */
	struct sip_timer t_glare;    /* retry after 491 (RFC 3261 §14.1) */
};

/** Start an outgoing call to @p uri. */
int call_start(struct ua *ua, const char *uri, struct call *xfer_of, struct call **cp);
/** A new INVITE outside any dialog (server transaction @p st). */
void call_incoming(struct ua *ua, struct sip_txn *st, struct sip_msg *req);
/** A request within @p c's dialog. */
void call_request(struct call *c, struct sip_txn *st, struct sip_msg *req);
/** An ACK for our 2xx. */
void call_ack(struct call *c, struct sip_msg *ack);
/** CANCEL matched @p c's INVITE. */
void call_cancelled(struct call *c);
/** Hang up: CANCEL while ringing (once a provisional came), 603 to an
 *  unanswered incoming call, BYE when up. */
void call_hangup(struct call *c);
/** re-INVITE offering @p dir (SENDONLY/INACTIVE hold, SENDRECV resume). */
void call_hold(struct call *c, enum sip_sdp_dir dir);
/** DTMF as RFC 4733 events, or INFO dtmf-relay with --dtmf-info. */
void call_dtmf(struct call *c, const char *digits);
/** INFO with a text/plain body. */
void call_info(struct call *c, const char *text);
/** REFER to @p uri (blind transfer); BYE once the NOTIFY says 2xx. */
void call_transfer(struct call *c, const char *uri);
/** UPDATE with a new offer (RFC 3311). */
void call_update(struct call *c);
/** Free a call whose media is closed (at exit). */
void call_free(struct call *c);
/** The summary line of @p c. */
void call_summary(struct call *c, FILE *f);
/** Exit status for how @p c ended. */
int call_exit_code(const struct call *c);
/** Exit status for a final response code. */
int ua_exit_for(uint16_t code);
const char *ua_result_for(uint16_t code);

#endif
