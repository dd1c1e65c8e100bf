"""siptest.py - the Python half of the integration tests' helpers.

Builds SIP requests, sends them over UDP or TCP to loopback only, frames
what comes back (Content-Length, RFC 3261 18.3), and reads sipp's
-trace_msg log. The shell half is lib.sh; tests import this module from
their python3 here-documents, and lib.sh runs its command line:

    python3 siptest.py ports N        N free ports (TCP+UDP, 127.0.0.1 and ::1)
    python3 siptest.py probe PORT     exit 0 once OPTIONS over UDP gets 200
    python3 siptest.py sipplog FILE   one line per message in a sipp log

Every address this module talks to is checked by loopback(): the tests
must never send a packet anywhere else.
"""
import ipaddress
import random
import re
import select
import socket
import sys
import time
from datetime import datetime

V4 = "127.0.0.1"
V6 = "::1"


def loopback(host):
    """Return host if it is 127.0.0.1 or ::1, else stop the test."""
    if ipaddress.ip_address(host) not in (ipaddress.ip_address(V4),
                                          ipaddress.ip_address(V6)):
        raise SystemExit("siptest: refusing to talk to %s (loopback only)" % host)
    return host


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def hostport(host, port):
    """host:port as in a SIP URI or Via (IPv6 in brackets)."""
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def v6_available():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((V6, 0))
        s.close()
        return True
    except OSError:
        return False


# ---- ports -------------------------------------------------------------

def free_ports(n, lo=20000, hi=32000):
    """n distinct ports free for TCP and UDP on 127.0.0.1 (and ::1 when
    there is IPv6), each with the next three free for UDP too (sipp's
    -mp uses port and port+2). Drawn below Linux's ephemeral range
    (32768-60999) so an outgoing connection cannot take one before the
    test binds it; held open until all are chosen so they differ."""
    hosts = [V4] + ([V6] if v6_available() else [])
    rng = random.Random()
    held, ports = [], []
    tries = 0
    while len(ports) < n:
        tries += 1
        if tries > 2000:
            raise SystemExit("siptest: no free ports found")
        p = rng.randrange(lo, hi, 4)
        socks = []
        try:
            for h in hosts:
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    s = socket.socket(family(h), kind)
                    socks.append(s)
                    s.bind((h, p))
                for extra in (1, 2, 3):
                    s = socket.socket(family(h), socket.SOCK_DGRAM)
                    socks.append(s)
                    s.bind((h, p + extra))
        except OSError:
            for s in socks:
                s.close()
            continue
        held += socks
        ports.append(p)
    for s in held:
        s.close()
    return ports


# ---- building requests -------------------------------------------------

def branch(tag=""):
    return "z9hG4bK-it%s-%08x" % (tag, random.getrandbits(32))


def request(method, host, port, transport="UDP", lhost=None, lport=9,
            branch_=None, cseq=1, callid=None, extra=(), body=b"",
            ruri=None, version="SIP/2.0"):
    """One request as bytes, CRLF line ends, Content-Length right.
    lhost/lport go into Via and From (where responses go over UDP)."""
    lhost = lhost or host
    branch_ = branch_ or branch()
    callid = callid or "it-%08x@itest" % random.getrandbits(32)
    ruri = ruri or "sip:%s" % hostport(host, port)
    if isinstance(body, str):
        body = body.encode()
    lines = [
        "%s %s %s" % (method, ruri, version),
        "Via: SIP/2.0/%s %s;branch=%s;rport" % (transport, hostport(lhost, lport), branch_),
        "Max-Forwards: 70",
        "From: <sip:itest@%s>;tag=it%08x" % (hostport(lhost, lport), random.getrandbits(32)),
        "To: <sip:%s>" % hostport(host, port),
        "Call-ID: %s" % callid,
        "CSeq: %d %s" % (cseq, method),
    ]
    lines += list(extra)
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---- parsing and framing -----------------------------------------------

class Msg:
    """A received message: start line, headers (name, value) in order,
    body, and the exact bytes."""

    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            n, _, v = line.partition(":")
            self.headers.append((n.strip(), v.strip()))
        m = re.match(r"SIP/2\.0 (\d{3}) (.*)$", self.start)
        self.code = int(m.group(1)) if m else None
        self.reason = m.group(2) if m else None

    COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id",
               "l": "content-length", "k": "supported", "c": "content-type"}

    def all(self, name):
        name = name.lower()
        return [v for n, v in self.headers
                if self.COMPACT.get(n.lower(), n.lower()) == name]

    def get(self, name):
        vals = self.all(name)
        return vals[0] if vals else None

    def has(self, name):
        return self.get(name) is not None

    def __repr__(self):
        return "<%s>" % self.start


def frame(buf):
    """Split a stream buffer into whole messages by Content-Length.
    Returns (messages, rest). A missing Content-Length on a stream is a
    framing error (RFC 3261 18.3: it MUST be present): raises ValueError.
    Keep-alive CRLFs between messages (RFC 5626 4.4.1) are returned as
    the message b"\\r\\n"."""
    out = []
    while buf:
        if buf.startswith(b"\r\n"):
            # no message starts with CRLF: a pong
            out.append(b"\r\n")
            buf = buf[2:]
            continue
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            break
        head = buf[:end]
        m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$", head)
        if not m:
            raise ValueError("response without Content-Length on a stream: %r" % head[:200])
        total = end + 4 + int(m.group(1))
        if len(buf) < total:
            break
        out.append(buf[:total])
        buf = buf[total:]
    return out, buf


# ---- transports --------------------------------------------------------

class Udp:
    """A UDP socket on loopback; send() to sipd, recv() whatever comes."""

    def __init__(self, host=V4):
        loopback(host)
        self.host = host
        self.sock = socket.socket(family(host), socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.port = self.sock.getsockname()[1]

    def send(self, data, port, host=None):
        self.sock.sendto(data, (loopback(host or self.host), port))

    def recv(self, timeout):
        """The next datagram as Msg, or None after timeout seconds."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        data, _ = self.sock.recvfrom(70000)
        return Msg(data)

    def recv_all(self, quiet, first=None):
        """Every datagram until none came for `quiet` seconds (waiting
        `first` seconds for the first one)."""
        out = []
        m = self.recv(first if first is not None else quiet)
        while m is not None:
            out.append(m)
            m = self.recv(quiet)
        return out

    def close(self):
        self.sock.close()


class Tcp:
    """A TCP connection to sipd; reads frame the stream by Content-Length."""

    def __init__(self, port, host=V4, timeout=5.0):
        self.sock = socket.create_connection((loopback(host), port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = host
        self.lport = self.sock.getsockname()[1]
        self.buf = b""
        self.closed = False

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, timeout):
        """Read once (up to timeout). False when nothing came."""
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, OSError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def recv(self, timeout):
        """The next whole message as Msg (b"\\r\\n" pongs included as a
        Msg with start ""), or None after timeout or on close."""
        deadline = time.monotonic() + timeout
        while True:
            msgs, rest = frame(self.buf)
            if msgs:
                self.buf = self.buf[len(msgs[0]):]
                return Msg(msgs[0])
            left = deadline - time.monotonic()
            if left <= 0 or not self._fill(left):
                return None

    def recv_all(self, quiet, first=None):
        out = []
        m = self.recv(first if first is not None else quiet)
        while m is not None:
            out.append(m)
            m = self.recv(quiet)
        return out

    def wait_closed(self, timeout):
        """True if the peer closes (or resets) within timeout; data read
        meanwhile is kept in buf."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._fill(left)
        return True

    def close(self):
        self.sock.close()


def options_ok(port, host=V4, transport="udp", timeout=3.0):
    """Send one OPTIONS; return the Msg if it was answered 200, else
    None."""
    if transport == "udp":
        u = Udp(host)
        try:
            u.send(request("OPTIONS", host, port, "UDP", lport=u.port), port)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                m = u.recv(deadline - time.monotonic())
                if m is not None and m.code is not None and m.code >= 200:
                    return m if m.code == 200 else None
            return None
        finally:
            u.close()
    t = Tcp(port, host, timeout)
    try:
        t.send(request("OPTIONS", host, port, "TCP", lport=t.lport))
        m = t.recv(timeout)
        return m if m is not None and m.code == 200 else None
    finally:
        t.close()


# ---- sipp's -trace_msg log ---------------------------------------------

SIPP_HDR = re.compile(
    rb"^-{20,} (\d{4}-\d\d-\d\d[ \t]\d\d:\d\d:\d\d\.\d{6})\n"
    rb"(UDP|TCP|TLS|SCTP) message (sent|received) "
    rb"(?:\((\d+) bytes\)|\[(\d+)\] bytes ?):\n\n",
    re.M)


def sipp_log(path):
    """Every message in a sipp -trace_msg log, in order, as tuples
    (time in seconds, 'sent'|'received', transport, Msg)."""
    data = open(path, "rb").read()
    out = []
    for m in SIPP_HDR.finditer(data):
        ts = datetime.strptime(m.group(1).decode().replace("\t", " "),
                               "%Y-%m-%d %H:%M:%S.%f").timestamp()
        n = int(m.group(4) or m.group(5))
        raw = data[m.end():m.end() + n]
        out.append((ts, m.group(3).decode(), m.group(2).decode(), Msg(raw)))
    return out


# ---- sipd's --trace output ---------------------------------------------

# apps/sipd/trace.h, text format: a header line, the message as it was on
# the wire (exactly that many bytes), an empty line.
#   2025-01-31T12:00:00.123Z recv UDP 127.0.0.1:5060 <- 127.0.0.1:40312 (412 bytes)
TRACE_HDR = re.compile(
    rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) (recv|send) (\w+) (\S+) (<-|->) (\S+) "
    rb"\((\d+) bytes\)\n", re.M)


class TraceEntry:
    def __init__(self, m, raw):
        self.time = m.group(1).decode()
        self.dir = m.group(2).decode()
        self.transport = m.group(3).decode()
        self.local = m.group(4).decode()
        self.peer = m.group(6).decode()
        self.msg = Msg(raw)


def sipd_trace(path):
    """The traced messages in sipd's stderr, in order (log lines between
    them are skipped; a message is taken by its byte count, so a log-like
    line inside one cannot confuse it)."""
    data = open(path, "rb").read()
    out, pos = [], 0
    while True:
        m = TRACE_HDR.search(data, pos)
        if not m:
            return out
        n = int(m.group(7))
        out.append(TraceEntry(m, data[m.end():m.end() + n]))
        pos = m.end() + n


def top_branch(msg):
    via = msg.get("Via") or ""
    m = re.search(r";\s*branch\s*=\s*([^;,\s]+)", via)
    return m.group(1) if m else None


def log_fields(path, msg):
    """key=value fields of the last text log line whose message is msg
    (e.g. sipd's "stopped" summary), as a dict; None if there is none."""
    found = None
    for line in open(path, "rb").read().decode("latin-1").splitlines():
        m = re.match(r"^\S+Z \w+ (.*)$", line)
        if m and (m.group(1) == msg or m.group(1).startswith(msg + " ")):
            found = dict(re.findall(r"(\w+)=(\S+)", m.group(1)[len(msg):]))
    return found


# ---- command line (used by lib.sh) -------------------------------------

def main(argv):
    if len(argv) >= 3 and argv[1] == "ports":
        print(" ".join(str(p) for p in free_ports(int(argv[2]))))
        return 0
    if len(argv) >= 3 and argv[1] == "probe":
        try:
            return 0 if options_ok(int(argv[2]), V4, "udp", 0.5) else 1
        except OSError:
            return 1
    if len(argv) >= 2 and argv[1] == "v6":
        return 0 if v6_available() else 1
    if len(argv) >= 3 and argv[1] == "sipplog":
        t0 = None
        for ts, d, tr, msg in sipp_log(argv[2]):
            t0 = t0 if t0 is not None else ts
            print("%8.3f %-8s %s %s" % (ts - t0, d, tr, msg.start))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
