#!/bin/bash
# sipua_timer.sh SIPD - session timers (RFC 4028) against sipp, short
# intervals (sipua's --min-se allows below the RFC's 90 s for tests):
#  - sipua calls (sipp/uas_timer.xml): Session-Expires 1 is refused with
#    422 Min-SE 3; sipua retries with 3, is made the refresher, and
#    refreshes by re-INVITE at 1.5 s;
#  - sipua answers (uac_timer.xml): Session-Expires 1 below --min-se 2
#    gets 422 with Min-SE 2; the retry (3, refresher=uas) gets a 200 with
#    Session-Expires 3;refresher=uas and Require: timer, and sipua
#    refreshes by UPDATE (--refresh-update) at 1.5 s.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_timer "$@"

ua_sipp_uas st1 uas_timer.xml "$UA_P1"
ua_start a --local-port "$UA_P2" --session-expires 1 --min-se 1 --duration 2.3 \
	call "sip:b@127.0.0.1:$UA_P1"
ua_wait a
ua_sipp_wait st1
ua_expect a 0 result=answered
ua_grep a "RETRY 422 se=3" "sipua retried after 422 with the Min-SE"
ua_grep a "REFRESH INVITE se=3" "sipua refreshed by re-INVITE"

ua_start b --local-port "$UA_P3" --min-se 2 --refresh-update answer
ua_sipp_uac st2 uac_timer.xml "127.0.0.1:$UA_P3"
ua_sipp_wait st2
ua_wait b
ua_expect b 0 result=answered
ua_grep b "REJECT 422 min_se=2" "sipua refused a too small interval"
ua_grep b "REFRESH UPDATE se=3" "sipua refreshed by UPDATE"
it_end
