#!/bin/bash
# sipua_register.sh SIPD - sipua against sipd's registrar with digest
# authentication (RFC 3261 10.2, 22): the account from a YAML file (-c)
# registers (401, then the answered REGISTER gets 200: exit 0,
# result=registered), and unregisters on exit (expires=0); a wrong
# password gets 401 again: exit 6, result=authfailed; OPTIONS to sipd:
# exit 0 result=ok code=200. Usage and file mistakes exit 2 with
# FILE:LINE.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_register "$@"

it_config 100 500 "server:
  domains: [ example.test ]
store:
  backend: memory
registrar:
  enabled: true
  min_expires: 60
users:
  - { name: alice, password: secret }"
it_sipd_start

cat >"$IT_DIR/alice.yaml" <<EOF
# sipua account
user: alice
password: secret
domain: example.test
proxy: 127.0.0.1:$IT_PORT
# sipua account
user: alice
password: secret
domain: example.test
proxy: 127.0.0.1:$IT_PORT
EOF
ua_start r1 -c "$IT_DIR/alice.yaml" --local-port "$UA_P1" --expires 120 register
ua_wait r1
ua_expect r1 0 result=registered code=200
ua_grep r1 "REGISTERED code=200 expires=120" "registered with the expiry asked"
ua_grep r1 "UNREGISTERED code=200" "unregistered on exit"

ua_start r2 -c "$IT_DIR/alice.yaml" --password wrong --local-port "$UA_P1" register
ua_wait r2
ua_expect r2 6 result=authfailed code=401

ua_start o1 --local-port "$UA_P1" options "sip:127.0.0.1:$IT_PORT"
ua_wait o1
ua_expect o1 0 result=ok code=200
ua_grep o1 "ALLOW .*REGISTER" "sipd's Allow lists REGISTER"

# usage and file errors: exit 2
printf 'user: alice\ncolour: blue\n' >"$IT_DIR/bad.yaml"
"$SIPUA" -c "$IT_DIR/bad.yaml" register >"$IT_DIR/bad.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "bad.yaml:2: unknown key \"colour\"" "$IT_DIR/bad.out"; then
	it_pass "unknown key in the account file: exit 2 with FILE:LINE"
else
	it_fail "unknown key: exit $rc, $(cat "$IT_DIR/bad.out")"
fi
"$SIPUA" --transport sctp call sip:x@127.0.0.1 >"$IT_DIR/bad2.out" 2>&1
rc=$?
[ $rc = 2 ] && it_pass "bad --transport: exit 2" || it_fail "bad --transport: exit $rc"
it_end
