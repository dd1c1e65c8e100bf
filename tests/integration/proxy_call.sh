#!/bin/bash
# proxy_call.sh SIPD - sipd as a record-routing stateful proxy (RFC 3261
# §16) between a sipp caller and a sipp callee registered with sipd: the
# whole call (INVITE/100/180/200/ACK/BYE/200) over UDP, over TCP, and
# UDP in / TCP out, where sipd must put two Record-Route values (RFC 5658:
# the TCP side's on top, each with r2=on) and route the ACK and BYE back
# over TCP by them.
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_call "$@"
px_config
it_sipd_start

read -r PU PT PT2 <<<"$(px_ports 3)"
px_register uasu "sip:uasu@127.0.0.1:$PU"
px_register uast "sip:uast@127.0.0.1:$PT;transport=tcp"
px_register uast2 "sip:uast2@127.0.0.1:$PT2;transport=tcp"

# call NAME UAS_TRANSPORT UAS_PORT USER UAC_TRANSPORT: one call.
call() {
	local name=$1 utr=$2 uport=$3 user=$4 ctr=$5 ok=0
	px_uas "$name-uas" proxy_uas.xml "$utr" "$uport"
	it_sipp_ok "$name-uac" proxy_uac.xml "$ctr" 4 -s "$user" || ok=1
	px_wait "$PX_PID" "$name-uas" || ok=1
	return $ok
}

# UDP both ways: one Record-Route, ours.
if call udp u1 "$PU" uasu u1; then
	rr=$(px_received udp-uas INVITE Record-Route)
	if [ "$rr" = "<sip:127.0.0.1:$IT_PORT;lr>" ]; then
		it_pass "UDP call complete, INVITE record-routed: $rr"
	else
		it_fail "UDP: callee saw Record-Route '$rr', want <sip:127.0.0.1:$IT_PORT;lr>"
	fi
	[ "$(px_count udp-uac received 'SIP/2.0 180')" -ge 1 ] ||
		it_fail "UDP: the caller never saw the 180"
fi

# TCP both ways: one Record-Route with transport=tcp.
if call tcp t1 "$PT2" uast2 t1; then
	rr=$(px_received tcp-uas INVITE Record-Route)
	if [ "$rr" = "<sip:127.0.0.1:$IT_PORT;transport=tcp;lr>" ]; then
		it_pass "TCP call complete, INVITE record-routed: $rr"
	else
		it_fail "TCP: callee saw Record-Route '$rr'"
	fi
fi

# UDP in, TCP out: two Record-Route values, ACK and BYE over TCP.
if call mixed t1 "$PT" uast u1; then
	rr=$(px_received mixed-uas INVITE Record-Route | tr '\n' ' ')
	want="<sip:127.0.0.1:$IT_PORT;transport=tcp;lr;r2=on> <sip:127.0.0.1:$IT_PORT;lr;r2=on> "
	if [ "$rr" = "$want" ]; then
		it_pass "UDP->TCP call complete, double Record-Route: $rr"
	else
		it_fail "UDP->TCP: callee saw Record-Route '$rr', want '$want'"
	fi
	# the caller's route set has both; sipd removed both before the callee
	route=$(px_received mixed-uas BYE Route)
	[ -z "$route" ] || it_fail "UDP->TCP: BYE reached the callee with Route '$route'"
fi
it_sipd_alive "after the calls"
it_end
