#!/bin/bash
# sipua_dialog.sh SIPD - mid-dialog requests between sipua and sipp, both
# directions:
#  - hold/resume by re-INVITE (RFC 3264 8.4): sipua holds sipp
#    (sipp/uas_hold.xml checks a=sendonly, a=sendrecv, a=inactive,
#    a=sendrecv); sipp holds
#    sipua (uac_hold.xml checks sipua answers a=recvonly, then sendrecv)
#    and sipua reports HELD / RESUMED;
#  - UPDATE (RFC 3311) with an SDP offer: sent by sipua (uas_update.xml)
#    and answered by sipua (uac_update.xml);
#  - glare (RFC 3261 14): sipua refuses a re-INVITE with 491 while its
#    own is pending, and retries its own after a 491 (uas_glare.xml);
#  - early media: an SDP answer in a 183 starts the audio before the 200
#    (uas_early.xml, sipp echoing RTP);
#  - an INVITE without SDP: sipua offers in the 200 and takes the answer
#    from the ACK (uac_lateoffer.xml);
#  - INFO (RFC 6086): sipua sends DTMF as application/dtmf-relay and a
#    text INFO (uas_info.xml checks the bodies); sipua receives dtmf-relay
#    INFOs (uac_info.xml) and reports the digits in its summary.
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_dialog "$@"

# sipua holds and resumes
ua_sipp_uas hold1 uas_hold.xml "$UA_P1"
ua_start a1 --local-port "$UA_P2" --at 0.4:hold --at 0.8:resume \
	--at "1.2:hold inactive" --at 1.6:resume --duration 2 \
	call "sip:b@127.0.0.1:$UA_P1"
ua_wait a1
ua_sipp_wait hold1
ua_expect a1 0 result=answered

# sipp holds sipua
ua_start b1 --local-port "$UA_P3" answer
ua_sipp_uac hold2 uac_hold.xml "127.0.0.1:$UA_P3"
ua_sipp_wait hold2
ua_wait b1
ua_expect b1 0 result=answered
ua_grep b1 "HELD call=1" "sipua reported the hold"
ua_grep b1 "RESUMED call=1" "sipua reported the resume"

# UPDATE both ways
ua_sipp_uas upd1 uas_update.xml "$UA_P1"
ua_start a2 --local-port "$UA_P2" --at 0.4:update --duration 1 call "sip:b@127.0.0.1:$UA_P1"
ua_wait a2
ua_sipp_wait upd1
ua_expect a2 0 result=answered
ua_grep a2 "RESPONSE 200 UPDATE" "sipua got 200 for its UPDATE"

ua_start b2 --local-port "$UA_P3" answer
ua_sipp_uac upd2 uac_update.xml "127.0.0.1:$UA_P3"
ua_sipp_wait upd2
ua_wait b2
ua_expect b2 0 result=answered
ua_grep b2 "UPDATE received" "sipua answered the UPDATE"

# crossing re-INVITEs: sipua answers 491 to sipp's, and retries its own
# after sipp's 491 (2.1-4 s later: it placed the call)
ua_sipp_uas glare uas_glare.xml "$UA_P1"
ua_start a4 --local-port "$UA_P2" --at 0.3:hold --duration 5.5 call "sip:b@127.0.0.1:$UA_P1"
ua_wait a4
ua_sipp_wait glare
ua_expect a4 0 result=answered
ua_grep a4 "GLARE 491 retry in (2[1-9][0-9][0-9]|3[0-9][0-9][0-9]) ms" "sipua retried after 491 within 2.1-4 s"

# INFO both ways
ua_sipp_uas info1 uas_info.xml "$UA_P1"
ua_start a3 --local-port "$UA_P2" --dtmf-info --dtmf 12 --dtmf-delay 0.2 \
	--at "0.6:info hello" --duration 1.2 call "sip:b@127.0.0.1:$UA_P1"
ua_wait a3
ua_sipp_wait info1
ua_expect a3 0 result=answered

ua_start b3 --local-port "$UA_P3" answer
ua_sipp_uac info2 uac_info.xml "127.0.0.1:$UA_P3"
ua_sipp_wait info2
ua_wait b3
ua_expect b3 0 result=answered 'dtmf_rx=5#'
# early media: the 183's SDP starts the audio before the answer; sipp
# echoes it back (-rtp_echo), so sipua receives RTP while it rings
ua_sipp_uas early uas_early.xml "$UA_P1" -rtp_echo
ua_start a5 --local-port "$UA_P2" --duration 0.3 call "sip:b@127.0.0.1:$UA_P1"
ua_wait a5
ua_sipp_wait early
ua_expect a5 0 result=answered 'rtp_rx~^[0-9]{2,}$'
ua_grep a5 "EARLY MEDIA 183" "sipua started early media on the 183's SDP"

# an INVITE without SDP: offer in sipua's 200, answer in sipp's ACK
ua_start b4 --local-port "$UA_P3" answer
ua_sipp_uac late uac_lateoffer.xml "127.0.0.1:$UA_P3"
ua_sipp_wait late
ua_wait b4
ua_expect b4 0 result=answered
ua_grep b4 "MEDIA pt=0 dtmf_pt=101" "sipua took the answer from the ACK"
it_end
