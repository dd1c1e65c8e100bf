/*
 * dialog.h - dialog state (RFC 3261 §12): creation on the UAC (§12.1.2)
 * and UAS (§12.1.1) sides, requests within a dialog (§12.2.1.1), receiving
 * requests and responses within a dialog (§12.2.2, §12.2.1.2), and a table
 * finding the dialog of an incoming message. Shared by the user agent, the
 * B2BUA and presence. Transactions are not driven here: the caller adds the
 * Via and hands built requests to the transaction layer.
 *
 * A dialog owns copies of everything it keeps: the messages it was built
 * from may be freed right after each call.
 */
#ifndef SIP_DIALOG_H
#define SIP_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_buf;
struct sip_msg;
struct sip_out;

enum sip_dialog_state {
	SIP_DIALOG_EARLY,       /* created by a 1xx with a To tag */
	SIP_DIALOG_CONFIRMED,   /* a 2xx was received or sent */
	SIP_DIALOG_TERMINATED,  /* BYE, 481/408, non-2xx final, lost fork */
};

/* One element of the route set, in the order requests use it. */
struct sip_dialog_route {
	char *addr;   /* the Record-Route value as written (Route value) */
	char *uri;    /* its URI text */
	bool lr;      /* the URI has ;lr (loose router, RFC 3261 §16.12) */
};

/*
 * Dialog state of §12. All strings are owned, NUL-terminated copies.
 * Strings and the route array come from sip_mem (sip_mem_deref()).
 * Read the fields freely; change them only through the functions below.
 */
struct sip_dialog {
	enum sip_dialog_state state;
	bool uac;               /* created on the UAC side */
	/* dialog id (§12) */
	char *callid;
	char *ltag;             /* local tag */
	char *rtag;             /* remote tag */
	/* local and remote party: the From/To value as written, with tag */
	char *local;            /* e.g. "Alice <sip:a@x>;tag=1" */
	char *remote;
	char *luri;             /* local URI (From URI of our requests) */
	char *ruri;             /* remote URI (To URI of our requests) */
	char *rtarget;          /* remote target (peer's Contact URI) */
	char *contact;          /* our Contact URI */
	uint32_t lcseq;         /* local CSeq: last number we used */
	uint32_t invite_cseq;   /* CSeq of our last INVITE (for ACK) */
	uint32_t rcseq;         /* remote CSeq; meaningless unless rcseq_set */
	bool rcseq_set;         /* unset until a request arrives (UAC) */
	struct sip_dialog_route *routes;   /* route set */
	size_t nroutes;
	bool secure;            /* §12.1: sips Request-URI */
	/* private: table linkage */
	struct sip_dialog_table *table;    /* borrowed; NULL when in none */
	struct sip_dialog *tnext;
};

/**
 * UAC side (§12.1.2): a dialog from the request @p req we sent and a
 * response @p resp to it carrying a To tag (101-199: early, 2xx:
 * confirmed). Route set = Record-Route of @p resp reversed; remote target =
 * Contact of @p resp (the Request-URI of @p req if it has none); local
 * CSeq = CSeq of @p req; remote CSeq unset; our Contact from @p req.
 * Both messages are only read. Returns 0 with *dp holding one reference;
 * EINVAL (100, >= 300, no To tag, no From tag), EBADMSG (a needed header
 * is missing or bad), ENOMEM.
 */
int sip_dialog_uac_alloc(struct sip_dialog **dp, struct sip_msg *req,
			 struct sip_msg *resp);

/**
 * UAS side (§12.1.1): a dialog from the received request @p req and the
 * response we send to it: status @p scode (101-199: early, 2xx:
 * confirmed), our To tag @p ltag and our Contact URI @p contact.
 * Route set = Record-Route of @p req in order; remote target = Contact of
 * @p req; remote CSeq = CSeq of @p req; local CSeq = 0 (unset, §12.1.1).
 * Returns 0 with *dp holding one reference; EINVAL (bad @p scode, empty
 * tag, no From tag), EBADMSG, ENOMEM.
 */
int sip_dialog_uas_alloc(struct sip_dialog **dp, struct sip_msg *req,
			 uint16_t scode, struct sip_pl ltag, struct sip_pl contact);

/** Early -> confirmed (a 2xx sent or received). EPROTO in another state. */
int sip_dialog_confirm(struct sip_dialog *d);

/** Any state -> terminated (idempotent). */
void sip_dialog_terminate(struct sip_dialog *d);

/** "early", "confirmed", "terminated". */
const char *sip_dialog_state_name(enum sip_dialog_state s);

/**
 * UAC: a later response @p resp (To tag equal to d->rtag) to the request
 * that created the dialog: a 2xx confirms an early dialog and recomputes
 * route set and remote target from it (§13.2.2.4); a 300-699 terminates
 * an early dialog; 1xx only refreshes the remote target when it carries a
 * Contact. Returns 0, EINVAL (the response is not for this dialog),
 * EBADMSG, ENOMEM (the dialog is left as it was).
 */
int sip_dialog_uac_update(struct sip_dialog *d, struct sip_msg *resp);

/**
 * Build request @p method within dialog @p d (§12.2.1.1): Request-URI and
 * Route from the remote target and route set (loose routing, or the
 * strict-router rewrite when the first route lacks ;lr: Request-URI = that
 * route without headers and "method", remote target as last Route),
 * Max-Forwards 70,
 * From/To with the dialog's tags, Call-ID, CSeq (local CSeq incremented
 * first, except for ACK and CANCEL which reuse the last INVITE's number),
 * and our Contact for INVITE, UPDATE, SUBSCRIBE, NOTIFY and REFER. The
 * caller adds Via (and a body). Returns 0 with *op (free with
 * sip_out_free()); EINVAL (SIP_METHOD_OTHER, ACK/CANCEL before any INVITE
 * of ours), EPROTO (terminated dialog), ENOMEM (local CSeq unchanged).
 */
int sip_dialog_request(struct sip_out **op, struct sip_dialog *d,
		       enum sip_method method);

/** True when request @p req belongs to @p d (Call-ID, To tag = local tag,
 *  From tag = remote tag). */
bool sip_dialog_match_req(const struct sip_dialog *d, struct sip_msg *req);

/** True when response @p resp belongs to @p d (Call-ID, From tag = local
 *  tag, To tag = remote tag). */
bool sip_dialog_match_resp(const struct sip_dialog *d, struct sip_msg *resp);

/**
 * A request @p req received within @p d (§12.2.2). Checks the CSeq
 * against the remote CSeq (unset: any is accepted) and records it; a
 * target refresh (INVITE, UPDATE, SUBSCRIBE, NOTIFY) with a Contact
 * replaces the remote target; BYE terminates the dialog.
 * Returns 0 (accepted); ERANGE when the CSeq is lower than the remote
 * CSeq: answer with *scode / *reason (500 "CSeq out of order"), dialog
 * unchanged; EPROTO when the dialog is terminated (answer *scode 481);
 * EINVAL (not for this dialog); EBADMSG; ENOMEM.
 * @p scode and @p reason may be NULL.
 */
int sip_dialog_recv_request(struct sip_dialog *d, struct sip_msg *req,
			    uint16_t *scode, const char **reason);

/**
 * A response @p resp to a request we sent within @p d (§12.2.1.2): 481
 * and 408 terminate the dialog; a 2xx to a target refresh (by its CSeq
 * method) with a Contact replaces the remote target. Returns 0, EINVAL
 * (not for this dialog), EBADMSG, ENOMEM.
 */
int sip_dialog_recv_response(struct sip_dialog *d, struct sip_msg *resp);

/**
 * Debug dump of @p d into @p b: state, id, parties, CSeqs, target and
 * route set, one "key: value" per line. Allocation failure is left
 * sticky in @p b (sip_buf_err()).
 */
void sip_dialog_debug(struct sip_buf *b, const struct sip_dialog *d);

/* ---- dialog table ---- */

struct sip_dialog_table;

/**
 * New table hashed by Call-ID and local tag, @p nbuckets chains (0: a
 * default). Release with sip_mem_deref(), which drops every dialog it
 * holds. 0 or ENOMEM.
 */
int sip_dialog_table_alloc(struct sip_dialog_table **tp, size_t nbuckets);

/**
 * Add @p d; the table takes a reference. EEXIST when a dialog with the
 * same id is present, EBUSY when @p d is already in a table.
 */
int sip_dialog_table_add(struct sip_dialog_table *t, struct sip_dialog *d);

/**
 * Remove @p d and drop the table's reference: @p d is freed unless the
 * caller holds another one. ENOENT when @p d is not in @p t.
 */
int sip_dialog_table_remove(struct sip_dialog_table *t, struct sip_dialog *d);

/** Number of dialogs held. */
size_t sip_dialog_table_count(const struct sip_dialog_table *t);

/** The dialog with this id, or NULL. Borrowed (the table's reference). */
struct sip_dialog *sip_dialog_table_find(const struct sip_dialog_table *t,
					 struct sip_pl callid, struct sip_pl ltag,
					 struct sip_pl rtag);

/** The dialog of incoming request @p req (local tag = To tag), or NULL. */
struct sip_dialog *sip_dialog_table_find_req(const struct sip_dialog_table *t,
					     struct sip_msg *req);

/** The dialog of incoming response @p resp (local tag = From tag), or NULL. */
struct sip_dialog *sip_dialog_table_find_resp(const struct sip_dialog_table *t,
					      struct sip_msg *resp);

/**
 * UAC: feed response @p resp to our dialog-creating request @p req
 * (forking aware, §12.1.2, §13.2.2.4): a 1xx with a To tag finds or
 * creates the early dialog of that tag; a 2xx confirms (or creates) the
 * dialog of its tag and terminates and removes the other early dialogs
 * of the request; a 300-699 terminates and removes them all.
 * On 0, *dp (may be NULL) is the dialog concerned, borrowed from the
 * table, or NULL (100, no To tag, 300-699). EBADMSG, ENOMEM.
 */
int sip_dialog_table_uac_response(struct sip_dialog_table *t,
				  struct sip_msg *req, struct sip_msg *resp,
				  struct sip_dialog **dp);

#endif
