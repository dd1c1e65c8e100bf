#!/bin/bash
# sipua_exit.sh SIPD - how a call ends is the exit status and the summary
# line (docs/sipua.md), sipua calling sipp:
#   486 -> 3 result=busy; 404 -> 4 result=notfound; 603 -> 7 declined;
#   no answer (Timer B, T1 50 ms) -> 5 result=timeout code=408;
#   407 twice (wrong password) -> 6 result=authfailed code=407;
#   CANCEL before the answer (uas_cancel.xml) -> 8 result=cancelled 487;
# and sipp cancelling a call to sipua (uac_cancel.xml): sipua answers
# 200/487 and ends with 8 result=cancelled.
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_exit "$@"

for case in "486 Busy_Here 3 busy" "404 Not_Found 4 notfound" "603 Decline 7 decline"; do
	read -r code reason rc result <<<"$case"
	ua_sipp_uas "f$code" "uas_$result.xml" "$UA_P1"
	ua_start "a$code" --local-port "$UA_P2" call "sip:b@127.0.0.1:$UA_P1"
	ua_wait "a$code"
	ua_sipp_wait "f$code"
	ua_expect "a$code" "$rc" "result=${result/decline/declined}" "code=$code" duration=0.00
done

ua_sipp_uas silent uas_silent.xml "$UA_P1"
ua_start ato --local-port "$UA_P2" --t1 50 call "sip:b@127.0.0.1:$UA_P1"
ua_wait ato
ua_expect ato 5 result=timeout code=408

ua_sipp_uas auth uas_auth.xml "$UA_P3"
ua_start aauth --local-port "$UA_P2" --user u1 --password wrong --domain sipp.test \
	call "sip:b@127.0.0.1:$UA_P3"
ua_wait aauth
ua_sipp_wait auth
ua_expect aauth 6 result=authfailed code=407

ua_sipp_uas cancel1 uas_cancel.xml "$UA_P4"
ua_start acancel --local-port "$UA_P2" --hangup-after 0.5 call "sip:b@127.0.0.1:$UA_P4"
ua_wait acancel
ua_sipp_wait cancel1
ua_expect acancel 8 result=cancelled code=487

ua_start bcancel --local-port "$UA_P5" --ring 5 answer
ua_sipp_uac cancel2 uac_cancel.xml "127.0.0.1:$UA_P5"
ua_sipp_wait cancel2
ua_wait bcancel
ua_expect bcancel 8 result=cancelled code=487
it_end
