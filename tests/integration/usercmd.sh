#!/bin/bash
# usercmd.sh SIPD - `sipd user add|rm|import|list` against the configured store
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
# import: SIPp's users CSV shape ("SEQUENTIAL", then name;password;...)
{ echo SEQUENTIAL
  for i in $(seq 1 500); do printf 'imp%03d;pw%03d;[authentication];\n' "$i" "$i"; done
} >"$IT_DIR/users.csv"
expect 0 "import 500 users" "$SIPD" user import "$IT_DIR/users.csv" -c "$IT_CFG"
grep -q "^imported 500 users into example.test$" "$IT_DIR/cmd.out" &&
	it_pass "import reports 500 users" || it_fail "import said '$(cat "$IT_DIR/cmd.out")'"
expect 0 "list after import" "$SIPD" user list -c "$IT_CFG"
n=$(grep -c "^imp[0-9]*@example.test md5 sha-256$" "$IT_DIR/cmd.out")
[ "$n" -eq 500 ] && it_pass "500 imported users listed" || it_fail "$n imported users listed, want 500"
expect 1 "import of a missing file" "$SIPD" user import "$IT_DIR/nope.csv" -c "$IT_CFG"
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
if r is None or r.code != 200:
    print("carol's REGISTER: %r" % r)
else:
    c = Client(int(os.environ["IT_PORT"]), "imp042", "example.test", "pw042")
    r, _, _ = c.register(["<sip:imp042@127.0.0.1:7002>"], 600)
    print("OK" if r is not None and r.code == 200 else "imported user's REGISTER: %r" % r)
PY
)
[ "$out" = OK ] && it_pass "a user added by the command registers" || it_fail "$out"
it_end
