/*
 * api_calls.c - GET /api/calls and the calls gauge, from the proxy's
 * call table (calls.h): {"calls":[{"call_id","from","to","state",
 * "started","answered"|null}]}, times as RFC 3339 UTC with milliseconds.
 */
#include <time.h>

#include "calls.h"
#include "log.h"
#include "mgmt.h"
#include "sipd.h"

size_t sipd_mgmt_calls_count(struct sipd *sd)
{
	return sipd_calls_count(sd);
}

static json_t *time_json(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	char t[SIPD_TIME_LEN];

	if (!ms)
		return json_null();
	return json_string(sipd_time_iso(t, &ts));
}

static bool add_call(const struct sipd_call_info *c, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s?,s:s?,s:s?,s:s?,s:o,s:o}",
		"call_id", c->call_id, "from", c->from, "to", c->to,
		"state", c->state, "started", time_json(c->started_ms),
		"answered", time_json(c->answered_ms)));
	return true;
}

void sipd_api_calls(struct sipd *sd, struct sip_http_req *rq)
{
	json_t *a = json_array();

	sipd_calls_foreach(sd, add_call, a);
	sip_http_reply_json(rq, 200, json_pack("{s:o}", "calls", a));
}
