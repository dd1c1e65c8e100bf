#!/bin/bash
# sipua_refer.sh SIPD - blind transfer (RFC 3515) among three sipua, A
# driven interactively through its stdin:
#   A calls B; typed "dtmf 12" reaches B as RFC 4733 events; typed
#   "transfer sip:c@..." sends REFER; B (transferee) answers 202, NOTIFYs
#   "100 Trying", calls C (with Referred-By) and NOTIFYs the 200 as
#   message/sipfrag with Subscription-State terminated; A (transferor)
#   then hangs up: result=transferred. C answers and ends the new call.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_refer "$@"

ua_start c --local-port "$UA_P3" --duration 1 answer
ua_start b --local-port "$UA_P2" answer
sleep 0.3
ua_start_i a --local-port "$UA_P1" call "sip:b@127.0.0.1:$UA_P2"
sleep 0.8
echo "dtmf 12" >&"$UA_FD"
sleep 0.8
echo "transfer sip:c@127.0.0.1:$UA_P3" >&"$UA_FD"
ua_wait a
ua_wait b
ua_wait c
exec {UA_FD}>&-
ua_expect a 0 result=transferred code=200
ua_grep a "COMMAND dtmf 12" "A took the typed dtmf command"
ua_grep a "TRANSFER accepted code=202" "A's REFER was accepted with 202"
ua_grep a "TRANSFER progress 100" "A got the 100 Trying sipfrag NOTIFY"
ua_grep a "TRANSFER progress 200" "A got the 200 OK sipfrag NOTIFY"
ua_grep b "REFERRED to sip:c@127.0.0.1:$UA_P3 call=1" "B was referred to C"
ua_grep b "SIPUA result=answered .*dtmf_rx=12 .*call=1 side=uas" "B's first call got the typed DTMF"
ua_expect b 0 result=answered side=uac call=2
ua_expect c 0 result=answered side=uas
it_end
