#!/bin/bash
# proxy_checks.sh SIPD - what the proxy refuses or asks before routing
# (RFC 3261 §16.3, §22.3) and the redirect server (§8.3):
#   Max-Forwards: 0 to a user                       483
#   a request looping back through sipd             482 (§16.3 step 4:
#     user "loop" is registered at sipd's own address, so the INVITE
#     comes back with sipd's Via and the same Request-URI)
#   Proxy-Require: an extension sipd lacks          420 + Unsupported
#   an INVITE from a local user without credentials 407 + Proxy-Authenticate,
#     then the same call with credentials goes through (sipp -au/-ap)
#   an INVITE to a redirect domain                  302 with both contacts
#     and their q-values
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_checks "$@"
it_config 100 600 "server:
  domains: [ example.test, redirect.test ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  register: false
  algorithms: [ md5 ]
users:
  - { name: alice, password: secret, domain: example.test }
proxy:
  enabled: true
  redirect_domains: [ redirect.test ]"
it_sipd_start

codes() { python3 "$IT_SRC/proxytest.py" invite "$IT_PORT" "$@"; }

out=$(codes "sip:bob@example.test" "Max-Forwards: 0")
[ "${out##* }" = 483 ] && it_pass "Max-Forwards 0: $out" || it_fail "Max-Forwards 0: got '$out', want 483"

out=$(codes "sip:bob@example.test" "Proxy-Require: x-nothing")
[ "${out##* }" = 420 ] && it_pass "Proxy-Require: $out" || it_fail "Proxy-Require: got '$out', want 420"

px_register loop "sip:loop@127.0.0.1:$IT_PORT"
out=$(codes "sip:loop@127.0.0.1:$IT_PORT")
[ "${out##* }" = 482 ] && it_pass "loop: $out" || it_fail "loop: got '$out', want 482"

# 407, then the call with credentials.
read -r PB <<<"$(px_ports 1)"
px_register bob "sip:bob@127.0.0.1:$PB"
px_uas auth-uas proxy_uas.xml u1 "$PB"
U=$PX_PID
# sipp's digest uri is remote_ip:port unless told: the Request-URI here
if it_sipp_ok auth-uac proxy_uac_auth.xml u1 4 -s bob -au alice -ap secret \
	-auth_uri "bob@127.0.0.1:$IT_PORT"; then
	it_pass "407 with Proxy-Authenticate, then the call went through with credentials"
fi
px_wait "$U" auth-uas
ch=$(px_received auth-uac 407 Proxy-Authenticate)
case $ch in
*'realm="example.test"'*) ;;
*) it_fail "407 challenge '$ch' does not name realm example.test" ;;
esac
# Redirect: 302 with both contacts and their q-values.
px_register rob "sip:rob@192.0.2.10:5070" 0.8 redirect.test
px_register rob "sip:rob@192.0.2.11:5070;transport=tcp" 0.3 redirect.test
out=$(python3 - "$IT_PORT" <<'PY'
import sys
from proxytest import invite
rs = invite(int(sys.argv[1]), "sip:rob@redirect.test")
final = rs[-1] if rs else None
print(final.code if final else None, "|", " ".join(final.all("contact")) if final else "")
PY
)
case $out in
"302 | "*"<sip:rob@192.0.2.10:5070>;q=0.8"*"<sip:rob@192.0.2.11:5070;transport=tcp>;q=0.3"*)
	it_pass "redirect: $out" ;;
*) it_fail "redirect: got '$out', want 302 with both contacts and q-values" ;;
esac
it_sipd_alive "after the checks"
it_end
