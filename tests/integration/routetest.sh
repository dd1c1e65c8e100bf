#!/bin/bash
# routetest.sh SIPD - `sipd route test` on a dial plan exercising every
# kind of rule: a table of calls (number, --from, --source, --class) with
# the exact text and exit status expected (0 routed, 1 refused/unrouted,
# 2 usage or configuration error). Nothing is sent: no daemon runs.
. "$(dirname "$0")/lib.sh"
it_begin routetest "$@"
it_config 500 4000 "$(cat <<'YAML'
server:
  domains: [ example.test ]
users:
  - { name: alice, password: a, class: international }
  - { name: bob, password: b, class: national }
  - { name: carol, password: c }
dialplan:
  rules:
    - name: emergency
      match: { prefix: "112" }
      destination: { uri: "sip:${user}@192.0.2.99" }
    - name: international
      match: { regex: '^00([1-9]\d+)$' }
      rewrite: { replace: '+$1' }
      destination: { group: carriers }
      classes: [ international ]
    - name: national
      match: { regex: '^0([1-9]\d+)$' }
      rewrite: { replace: '+49$1' }
      destination: { group: carriers }
      classes: [ national, international ]
      fallthrough: true
    - name: operator
      match: { prefix: "0" }
      destination: { user: operator }
    - name: helpdesk
      match: { prefix: "800" }
      rewrite: { strip: 3, prefix: "hd-" }
      destination: { uri: "sip:${user}@192.0.2.50;transport=tcp" }
    - name: moved
      match: { prefix: "5" }
      destination: { redirect: "sip:${user}@new.example.test", code: 301 }
    - name: from-lab
      match: { cidr: 10.0.0.0/8 }
      destination: { redirect: "user:lab" }
    - name: from-admin
      match: { field: from, prefix: "admin" }
      destination: { user: "${user}" }
    - name: extensions
      match: { regex: '^[2-4]\d\d$' }
      destination: { user: "${user}" }
  gateways:
    - name: carriers
      members:
        - { uri: "sip:192.0.2.1:5060", priority: 1 }
        - { uri: "sip:192.0.2.2:5060;transport=tcp", priority: 2, weight: 3 }
        - { uri: "sip:192.0.2.3", priority: 3 }
YAML
)"

n=0
# case STATUS ARGS... <<EOF: the exact stdout of `sipd route test ARGS`.
case_() {
	local want_rc=$1 rc
	shift
	n=$((n + 1))
	"$SIPD" route test "$@" -c "$IT_CFG" >"$IT_DIR/out" 2>"$IT_DIR/err"
	rc=$?
	cat >"$IT_DIR/want"
	if [ "$rc" -ne "$want_rc" ]; then
		it_fail "route test $*: exit $rc, want $want_rc ($(cat "$IT_DIR/err"))"
	elif ! diff -u "$IT_DIR/want" "$IT_DIR/out" >"$IT_DIR/diff"; then
		it_fail "route test $*: output differs:"
		sed 's/^/  | /' "$IT_DIR/diff"
	else
		it_pass "route test $* -> exit $rc, $(tail -n 1 "$IT_DIR/out")"
	fi
}

case_ 0 112 <<'EOF'
number 112 (class none)
rule "emergency" matched (number prefix "112")
number unchanged: 112
destination: sip:112@192.0.2.99
EOF
case_ 0 0044207946 --from alice <<'EOF'
number 0044207946 from alice (class international)
rule "international" matched (number regex "^00([1-9]\d+)$")
rewritten: 0044207946 -> +44207946
destination: gateway group "carriers", tried in this order:
   1. sip:192.0.2.1:5060 (priority 1, weight 1)
   2. sip:192.0.2.2:5060;transport=tcp (priority 2, weight 3)
   3. sip:192.0.2.3 (priority 3, weight 1)
EOF
# No toll fraud: bob's class is refused, no later rule routes him.
case_ 1 0044207946 --from bob <<'EOF'
number 0044207946 from bob (class national)
rule "international" matched (number regex "^00([1-9]\d+)$")
refused: class national is not allowed (rule allows: international): the caller gets 403 Forbidden
EOF
case_ 0 030123456 --from bob <<'EOF'
number 030123456 from bob (class national)
rule "national" matched (number regex "^0([1-9]\d+)$")
rewritten: 030123456 -> +4930123456
destination: gateway group "carriers", tried in this order:
   1. sip:192.0.2.1:5060 (priority 1, weight 1)
   2. sip:192.0.2.2:5060;transport=tcp (priority 2, weight 3)
   3. sip:192.0.2.3 (priority 3, weight 1)
EOF
# fallthrough: carol (no class) goes on to the operator rule.
case_ 0 030123456 --from carol <<'EOF'
number 030123456 from carol (class none)
rule "operator" matched (number prefix "0")
number unchanged: 030123456
destination: registered user "operator" (location service)
EOF
case_ 0 030123456 --class national <<'EOF'
number 030123456 (class national)
rule "national" matched (number regex "^0([1-9]\d+)$")
rewritten: 030123456 -> +4930123456
destination: gateway group "carriers", tried in this order:
   1. sip:192.0.2.1:5060 (priority 1, weight 1)
   2. sip:192.0.2.2:5060;transport=tcp (priority 2, weight 3)
   3. sip:192.0.2.3 (priority 3, weight 1)
EOF
case_ 0 800123 <<'EOF'
number 800123 (class none)
rule "helpdesk" matched (number prefix "800")
rewritten: 800123 -> hd-123
destination: sip:hd-123@192.0.2.50;transport=tcp
EOF
case_ 0 5100 <<'EOF'
number 5100 (class none)
rule "moved" matched (number prefix "5")
number unchanged: 5100
destination: redirect 301 to sip:5100@new.example.test
EOF
case_ 0 999 --source 10.20.30.40 <<'EOF'
number 999 source 10.20.30.40 (class none)
rule "from-lab" matched (source address network "10.0.0.0/8")
number unchanged: 999
destination: redirect 302 with the contacts of registered user "lab"
EOF
case_ 0 999 --from admin7 --source 192.0.2.7 <<'EOF'
number 999 from admin7 source 192.0.2.7 (class none)
rule "from-admin" matched (from user prefix "admin")
number unchanged: 999
destination: registered user "999" (location service)
EOF
case_ 0 301 <<'EOF'
number 301 (class none)
rule "extensions" matched (number regex "^[2-4]\d\d$")
number unchanged: 301
destination: registered user "301" (location service)
EOF
case_ 1 999 <<'EOF'
number 999 (class none)
no rule matched: the caller gets 404 Not Found
EOF
case_ 1 6000 --from alice <<'EOF'
number 6000 from alice (class international)
no rule matched: the caller gets 404 Not Found
EOF

# The commented example at the end of etc/sipd.yaml, uncommented, is a
# valid plan; so is the example of docs/config.md, whose sample output
# must be what sipd prints.
top=$(cd "$IT_SRC/../.." && pwd)
{
	sed -n '1,/^# users:/p' "$top/etc/sipd.yaml" | sed '$d'
	sed -n '/^# users:/,$p' "$top/etc/sipd.yaml" | sed 's/^# \{0,1\}//'
} >"$IT_DIR/example.yaml"
grep -q "^dialplan:" "$IT_DIR/example.yaml" || it_fail "etc/sipd.yaml has no commented dialplan example"
IT_CFG="$IT_DIR/example.yaml" case_ 0 030123 --from alice <<'EOF'
number 030123 from alice (class national)
rule "national" matched (number regex "^0([1-9]\d+)$")
rewritten: 030123 -> +4930123
destination: gateway group "pstn", tried in this order:
   1. sip:192.0.2.10 (priority 1, weight 2)
   2. sip:192.0.2.11;transport=tcp (priority 2, weight 1)
EOF
{
	echo "server: { domains: [ example.com ] }"
	sed -n '/^### dialplan/,/^| key/p' "$top/docs/config.md" |
		sed -n '/^```yaml$/,/^```$/p' | sed '1d;$d'
} >"$IT_DIR/doc.yaml"
sed -n '/^\$ sipd route test 0044207946 --from alice/,/^```$/p' "$top/docs/config.md" |
	sed '1d;$d' >"$IT_DIR/doc.want"
[ -s "$IT_DIR/doc.want" ] || it_fail "docs/config.md: no sample output of sipd route test"
IT_CFG="$IT_DIR/doc.yaml" case_ 0 0044207946 --from alice <"$IT_DIR/doc.want"
IT_CFG="$IT_DIR/doc.yaml" case_ 1 0044207946 --from bob <<'EOF'
number 0044207946 from bob (class national)
rule "international" matched (number regex "^00([1-9]\d+)$")
refused: class national is not allowed (rule allows: international): the caller gets 403 Forbidden
EOF

# Usage and configuration errors: exit 2, nothing on stdout.
usage_() {
	local rc
	"$SIPD" route "$@" >"$IT_DIR/out" 2>"$IT_DIR/err"
	rc=$?
	n=$((n + 1))
	if [ "$rc" -ne 2 ] || [ -s "$IT_DIR/out" ] || ! grep -q "$USAGE_WANT" "$IT_DIR/err"; then
		it_fail "route $*: exit $rc, stdout '$(cat "$IT_DIR/out")', stderr '$(cat "$IT_DIR/err")', want 2 and /$USAGE_WANT/"
	else
		it_pass "route $* -> exit 2, $(head -n 1 "$IT_DIR/err")"
	fi
}
USAGE_WANT="^usage: sipd route test" usage_ test -c "$IT_CFG"
USAGE_WANT="^usage: sipd route test" usage_ test 112
USAGE_WANT="^usage: sipd route test" usage_ list -c "$IT_CFG"
USAGE_WANT="^usage: sipd route test" usage_ test 112 --bogus -c "$IT_CFG"
USAGE_WANT="is not an IP address" usage_ test 112 --source nowhere -c "$IT_CFG"
USAGE_WANT=": No such file or directory" usage_ test 112 -c "$IT_DIR/absent.yaml"
printf 'log: { level: info }\n' >"$IT_DIR/noplan.yaml"
USAGE_WANT="no dial plan (dialplan.rules is empty)" usage_ test 112 -c "$IT_DIR/noplan.yaml"
printf 'dialplan:\n  rules:\n    - name: x\n      match: { regex: "(" }\n      destination: { user: x }\n' >"$IT_DIR/badre.yaml"
USAGE_WANT="badre.yaml:4: dialplan.rules\[0\].match.regex: bad regex '(': missing closing parenthesis at offset 1" \
	usage_ test 112 -c "$IT_DIR/badre.yaml"

it_note "$n cases"
it_end
