#!/bin/bash
# usercmd.sh SIPD - `sipd user add|rm|list` against the configured store
# (sqlite): exit codes of --help (0 ok, 1 store, 2 usage, 3 no such
# user), only HA1 hashes in the database (never the password), and a
# user added this way registers with digest once sipd starts.
. "$(dirname "$0")/lib.sh"
it_begin usercmd "$@"

it_config 500 4000 "$(cat <<EOF
server:
  domains: [ example.test ]
store:
  path: $IT_DIR/users.db
registrar:
  enabled: true
EOF
)"

expect() {   # expect STATUS WHAT CMD...
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$IT_DIR/cmd.out" 2>"$IT_DIR/cmd.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		it_pass "$what: exit $rc"
	else
		it_fail "$what: exit $rc, want $want ($(cat "$IT_DIR/cmd.err"))"
	fi
}

expect 0 "add carol" "$SIPD" user add carol s3cret-pw -c "$IT_CFG"
expect 0 "add dave in another domain" "$SIPD" user add dave pw2 --domain other.test -c "$IT_CFG"
expect 0 "list" "$SIPD" user list -c "$IT_CFG"
want=$'carol@example.test md5 sha-256\ndave@other.test md5 sha-256'
[ "$(cat "$IT_DIR/cmd.out")" = "$want" ] && it_pass "list output" ||
	it_fail "list printed '$(cat "$IT_DIR/cmd.out")', want '$want'"
if grep -qa "s3cret-pw" "$IT_DIR"/users.db*; then
	it_fail "the plaintext password is in the database"
else
	it_pass "no plaintext password in the database"
fi
expect 0 "rm dave" "$SIPD" user rm dave --domain other.test -c "$IT_CFG"
expect 3 "rm dave again" "$SIPD" user rm dave --domain other.test -c "$IT_CFG"
expect 2 "add without a password" "$SIPD" user add eve -c "$IT_CFG"
expect 2 "unknown verb" "$SIPD" user frob -c "$IT_CFG"
expect 2 "no -c" "$SIPD" user list
expect 2 "bad config" "$SIPD" user list -c "$IT_DIR/missing.yaml"

it_sipd_start
out=$(it_py <<'PY'
import os
from regclient import Client
c = Client(int(os.environ["IT_PORT"]), "carol", "example.test", "s3cret-pw")
r, _, _ = c.register(["<sip:carol@127.0.0.1:7001>"], 600)
print("OK" if r is not None and r.code == 200 else "carol's REGISTER: %r" % r)
PY
)
[ "$out" = OK ] && it_pass "a user added by the command registers" || it_fail "$out"
it_end
