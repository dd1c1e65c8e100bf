"""gwsim.py - a gateway for the integration tests: answers OPTIONS on
loopback UDP ports the way its mode file says, and logs what it got.

    python3 gwsim.py DIR LIFETIME_S PORT...

For each PORT: the mode is read from DIR/gw-PORT.mode before each answer
("200", "503", any status code, or "silent": no answer; absent: 200);
every request is logged to DIR/gw-PORT.log as "TIME METHOD BRANCH" and
the first one is kept whole in DIR/gw-PORT.first. Exits after LIFETIME_S
seconds; sockets bind 127.0.0.1 (and ::1 when the host has it, same
port, so that a gateway named "localhost" answers on either).
"""
import os
import select
import socket
import sys
import time

from siptest import Msg, V4, V6, loopback, top_branch, v6_available

REASONS = {200: "OK", 503: "Service Unavailable", 404: "Not Found",
           408: "Request Timeout", 500: "Server Internal Error"}


def mode(d, port):
    try:
        with open(os.path.join(d, "gw-%d.mode" % port)) as f:
            return f.read().strip() or "200"
    except FileNotFoundError:
        return "200"


def answer(req, code):
    """A response to req per RFC 3261 8.2.6: Via, From, Call-ID, CSeq
    copied, To with a tag."""
    to = req.get("To") or ""
    if ";tag=" not in to:
        to += ";tag=gwsim"
    lines = ["SIP/2.0 %d %s" % (code, REASONS.get(code, "Other"))]
    lines += ["Via: %s" % v for v in req.all("Via")]
    lines += ["From: %s" % req.get("From"), "To: %s" % to,
              "Call-ID: %s" % req.get("Call-ID"), "CSeq: %s" % req.get("CSeq"),
              "Content-Length: 0"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def serve(d, lifetime, ports):
    socks = {}
    hosts = [V4] + ([V6] if v6_available() else [])
    for p in ports:
        for h in hosts:
            s = socket.socket(socket.AF_INET6 if h == V6 else socket.AF_INET,
                              socket.SOCK_DGRAM)
            s.bind((loopback(h), p))
            socks[s] = p
    end = time.time() + lifetime
    while time.time() < end:
        r, _, _ = select.select(list(socks), [], [], 0.2)
        for s in r:
            data, peer = s.recvfrom(70000)
            port = socks[s]
            req = Msg(data)
            method = req.start.split(" ", 1)[0]
            first = os.path.join(d, "gw-%d.first" % port)
            if not os.path.exists(first):
                with open(first, "wb") as f:
                    f.write(data)
            with open(os.path.join(d, "gw-%d.log" % port), "a") as f:
                f.write("%.3f %s %s\n" % (time.time(), method, top_branch(req)))
            m = mode(d, port)
            if m == "silent" or req.code is not None:
                continue
            s.sendto(answer(req, int(m)), (loopback(peer[0]), peer[1]))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    serve(sys.argv[1], float(sys.argv[2]), [int(p) for p in sys.argv[3:]])
