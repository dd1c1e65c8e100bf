"""proxytest.py - helpers of the proxy integration tests (proxy_*.sh):
REGISTER a contact without authentication, send one request and collect
the answers. Loopback only (siptest refuses anything else).

    python3 proxytest.py register PORT USER DOMAIN CONTACT [Q]
    python3 proxytest.py invite PORT RURI [HEADER...]   -> prints the codes
"""
import random
import sys

from siptest import Udp, branch


def register(port, user, domain, contact, q=None, expires=300):
    u = Udp()
    c = "<%s>" % contact + (";q=%s" % q if q else "")
    tag = "%08x" % random.getrandbits(32)
    raw = "\r\n".join([
        "REGISTER sip:%s SIP/2.0" % domain,
        "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (u.port, branch("r")),
        "Max-Forwards: 70",
        "From: <sip:%s@%s>;tag=%s" % (user, domain, tag),
        "To: <sip:%s@%s>" % (user, domain),
        "Call-ID: reg-%s-%s@itest" % (user, tag),
        "CSeq: 1 REGISTER",
        "Contact: %s" % c,
        "Expires: %d" % expires,
        "Content-Length: 0", "", ""]).encode()
    u.send(raw, port)
    while True:
        m = u.recv(3.0)
        if m is None:
            return None
        if m.code and m.code >= 200:
            return m.code


def invite(port, ruri, extra=(), method="INVITE", wait=2.0):
    """Send one request; every response that came (Msg list)."""
    u = Udp()
    tag = "%08x" % random.getrandbits(32)
    lines = [
        "%s %s SIP/2.0" % (method, ruri),
        "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (u.port, branch("i")),
        "From: <sip:itest@client.invalid>;tag=%s" % tag,
        "To: <%s>" % ruri,
        "Call-ID: inv-%s@itest" % tag,
        "CSeq: 1 %s" % method,
        "Contact: <sip:itest@127.0.0.1:%d>" % u.port,
    ]
    if not any(h.lower().startswith("max-forwards:") for h in extra):
        lines.append("Max-Forwards: 70")
    lines += list(extra)
    lines += ["Content-Length: 0", "", ""]
    u.send("\r\n".join(lines).encode(), port)
    out = []
    while True:
        m = u.recv(wait)
        if m is None:
            break
        out.append(m)
        if m.code and m.code >= 200:
            break
    u.close()
    return out


def main(argv):
    if argv[1] == "register":
        port, user, domain, contact = int(argv[2]), argv[3], argv[4], argv[5]
        code = register(port, user, domain, contact, argv[6] if len(argv) > 6 else None)
        print(code)
        return 0 if code == 200 else 1
    if argv[1] == "invite":
        rs = invite(int(argv[2]), argv[3], argv[4:])
        print(" ".join(str(m.code) for m in rs))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
