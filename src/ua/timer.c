/*
 * timer.c - session-timer negotiation (RFC 4028 §7 UAC, §9 UAS, §10
 * refresh and expiry times). Pure functions over parsed headers.
 */
#include <errno.h>

#include "sip/msg.h"
#include "sip/session.h"
#include "sip/tokens.h"
#include "sip/ua.h"

int sip_st_read(struct sip_msg *m, struct sip_st_req *r)
{
	const struct sip_session_expires *se;
	uint32_t min = 0;
	int err;

	*r = (struct sip_st_req){ 0 };
	r->supported = sip_msg_has_token(m, SIP_HDR_SUPPORTED, "timer");
	err = sip_msg_session_expires(m, &se);
	if (err == 0) {
		r->has_se = true;
		r->se = se->secs;
		r->refresher = se->refresher;
	} else if (err != ENOENT) {
		return EBADMSG;
	}
	err = sip_msg_min_se(m, &min);
	if (err && err != ENOENT)
		return EBADMSG;
	r->min_se = min;
	return 0;
}

void sip_st_uas(const struct sip_st_req *req, const struct sip_st_local *local,
		struct sip_st_result *out)
{
	uint32_t se;

	*out = (struct sip_st_result){ 0 };
	if (req->has_se && req->se < local->min_se) {
		/* §9: too small for us, and the UAC can fix it */
		out->scode = 422;
		out->min_se = local->min_se;
		return;
	}
	if (req->has_se)
		se = req->se;
	else if (local->se)
		se = local->se < req->min_se ? req->min_se : local->se;
	else
		return;
	if (se < local->min_se)
		se = local->min_se;
	out->active = true;
	out->se = se;
	if (req->has_se && req->refresher != SIP_REFRESHER_NONE)
		out->refresher = req->refresher;
	else
		out->refresher = req->supported ? SIP_REFRESHER_UAC : SIP_REFRESHER_UAS;
	/* §9: a UAS may not make a UAC that lacks the extension refresh */
	if (!req->supported)
		out->refresher = SIP_REFRESHER_UAS;
	out->require = req->supported;
}

int sip_st_uac(struct sip_msg *resp, struct sip_st_result *out)
{
	const struct sip_session_expires *se;
	int err = sip_msg_session_expires(resp, &se);

	*out = (struct sip_st_result){ 0 };
	if (err == ENOENT)
		return 0;
	if (err)
		return EBADMSG;
	out->active = true;
	out->se = se->secs;
	out->refresher = se->refresher == SIP_REFRESHER_UAS ?
		SIP_REFRESHER_UAS : SIP_REFRESHER_UAC;
	return 0;
}

int sip_st_retry(struct sip_msg *resp, uint32_t current, uint32_t *se)
{
	uint32_t min;
	int err = sip_msg_min_se(resp, &min);

	if (err == ENOENT)
		return ENOENT;
	if (err)
		return EBADMSG;
	*se = min > current ? min : current;
	return 0;
}

uint64_t sip_st_refresh_ms(uint32_t se)
{
	return (uint64_t)se * 1000 / 2;
}

uint64_t sip_st_expire_ms(uint32_t se)
{
	uint32_t margin = se / 3 < 32 ? se / 3 : 32;

	return (uint64_t)(se - margin) * 1000;
}
