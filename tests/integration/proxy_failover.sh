#!/bin/bash
# proxy_failover.sh SIPD - a call routed by the dial plan to a gateway
# group (dialplan.h, sip_route_failover_*): the first gateway (a sipp
# UAS) answers 503, sipd fails over to the second, which answers 200;
# the caller never sees the 503 and the call completes (ACK and BYE by
# the Record-Route). The dialled number 9555123 is rewritten (strip 1)
# into the gateways' Request-URI. Two more rules of the same plan: a
# redirect to a registered user's contacts (302 with both and their
# q-values) and a rule for a class the caller lacks (403).
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_failover "$@"
read -r G1 G2 <<<"$(px_ports 2)"
px_config "proxy:
  enabled: true
dialplan:
  rules:
    - name: pstn
      match: { prefix: \"9\" }
      rewrite: { strip: 1 }
      destination: { group: carriers }
    - name: lab
      match: { prefix: \"7\" }
      destination: { redirect: \"user:rob\" }
    - name: premium
      match: { prefix: \"0900\" }
      destination: { group: carriers }
      classes: [ rich ]
  gateways:
    - name: carriers
      members:
        - { uri: \"sip:127.0.0.1:$G1\", priority: 1 }
        - { uri: \"sip:127.0.0.1:$G2\", priority: 2 }
  health:
    enabled: false"
it_sipd_start

px_uas gw1 proxy_uas_503.xml u1 "$G1"
A=$PX_PID
px_uas gw2 proxy_uas.xml u1 "$G2"
B=$PX_PID
if it_sipp_ok fo-uac proxy_uac.xml u1 4 -s 9555123; then
	n=$(px_count fo-uac received "SIP/2.0 503")
	[ "$n" = 0 ] && it_pass "503 from the first gateway, 200 from the second: the caller got 200" ||
		it_fail "the caller saw the first gateway's 503"
fi
if px_wait "$A" gw1 && px_wait "$B" gw2; then
	r1=$(python3 - "$IT_DIR/gw1.msg" "$IT_DIR/gw2.msg" <<'PY'
import sys
from siptest import sipp_log
for p in sys.argv[1:]:
    for ts, d, _, m in sipp_log(p):
        if d == "received" and m.start.startswith("INVITE"):
            print(m.start.split()[1])
            break
PY
)
	want="sip:555123@127.0.0.1:$G1 sip:555123@127.0.0.1:$G2"
	[ "$(echo $r1)" = "$want" ] && it_pass "gateways tried in order with the rewritten number: $(echo $r1)" ||
		it_fail "gateway Request-URIs '$(echo $r1)', want '$want'"
fi

# Redirect to the contacts of user rob.
px_register rob "sip:rob@192.0.2.20:5070" 0.7
px_register rob "sip:rob@192.0.2.21:5070" 0.2
out=$(python3 - "$IT_PORT" <<'PY'
import sys
from proxytest import invite
port = int(sys.argv[1])
rs = invite(port, "sip:7000@127.0.0.1")
f = rs[-1] if rs else None
print(f.code if f else None, "|", " ".join(f.all("contact")) if f else "")
rs = invite(port, "sip:0900123@127.0.0.1")
print(rs[-1].code if rs else None)
PY
)
case $out in
"302 | <sip:rob@192.0.2.20:5070>;q=0.7 <sip:rob@192.0.2.21:5070>;q=0.2"*)
	it_pass "dial plan redirect: ${out%%$'\n'*}" ;;
*) it_fail "dial plan redirect: got '$out'" ;;
esac
[ "${out##*$'\n'}" = 403 ] && it_pass "dial plan class refused: 403" ||
	it_fail "dial plan class refused: got '${out##*$'\n'}', want 403"
it_end
