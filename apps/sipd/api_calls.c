/*
 * api_calls.c - GET /api/calls and the calls gauge.
 *
 * PLACEHOLDER: sipd keeps no calls yet (the proxy role, which will list
 * them through apps/sipd/calls.h, is not merged). Until then the list is
 * empty and the count 0; this file is the one place to wire them.
 */
#include "mgmt.h"
#include "sipd.h"

size_t sipd_mgmt_calls_count(struct sipd *sd)
{
	(void)sd;
	return 0;
}

void sipd_api_calls(struct sipd *sd, struct sip_http_req *rq)
{
	(void)sd;
	sip_http_reply_json(rq, 200, json_pack("{s:[]}", "calls"));
}
