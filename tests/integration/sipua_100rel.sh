#!/bin/bash
# sipua_100rel.sh SIPD - reliable provisional responses (RFC 3262) both ways:
#  - sipua calls sipp (sipp/uas_100rel.xml): sipua offers 100rel, PRACKs
#    the reliable 180 with the right RAck, gets the 200, ACKs, hangs up
#    after --duration; exit 0 with result=answered;
#  - sipp calls sipua (sipp/uac_100rel.xml, Require: 100rel): sipua's 180
#    carries Require: 100rel and RSeq, the 200 waits for the PRACK.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_100rel "$@"

ua_sipp_uas uas100 uas_100rel.xml "$UA_P1"
ua_start a --local-port "$UA_P2" --duration 0.5 call "sip:b@127.0.0.1:$UA_P1"
ua_wait a
ua_sipp_wait uas100
ua_expect a 0 result=answered code=200
ua_grep a "PRACK rseq=1" "sipua PRACKed the reliable 180"

ua_start b --local-port "$UA_P3" answer
ua_sipp_uac uac100 uac_100rel.xml "127.0.0.1:$UA_P3"
ua_sipp_wait uac100
ua_wait b
ua_expect b 0 result=answered
ua_grep b "RINGING reliable rseq=1" "sipua sent its 180 reliably"
ua_grep b "PRACK received rseq=1" "sipua matched the PRACK"
it_end
