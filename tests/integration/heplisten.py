"""heplisten.py - a small HEPv3 collector for mgmt_hep.sh: listens on a
UDP port of 127.0.0.1, decodes each packet's chunks (HEP3 header,
total length, vendor/type/length chunks filling the packet exactly) and
writes one JSON object per packet to a file; exits after N packets or
T seconds.

usage: heplisten.py PORT OUTFILE COUNT SECONDS
"""
import json
import socket
import struct
import sys
import time

NAMES = {1: "family", 2: "proto", 3: "src4", 4: "dst4", 5: "src6", 6: "dst6",
         7: "sport", 8: "dport", 9: "tsec", 10: "tusec", 11: "ptype",
         12: "agent", 15: "payload", 17: "correlation"}


def decode(pkt):
    if pkt[:4] != b"HEP3":
        raise ValueError("no HEP3 header")
    total = struct.unpack("!H", pkt[4:6])[0]
    if total != len(pkt):
        raise ValueError("total length %d, packet %d" % (total, len(pkt)))
    out, off = {}, 6
    while off < len(pkt):
        if off + 6 > len(pkt):
            raise ValueError("truncated chunk header at %d" % off)
        vendor, ctype, clen = struct.unpack("!HHH", pkt[off:off + 6])
        if vendor != 0 or clen < 6 or off + clen > len(pkt):
            raise ValueError("bad chunk at %d: vendor %d len %d" % (off, vendor, clen))
        v = pkt[off + 6:off + clen]
        name = NAMES.get(ctype, "type%d" % ctype)
        if ctype in (1, 2, 11):
            v = v[0]
        elif ctype in (7, 8):
            v = struct.unpack("!H", v)[0]
        elif ctype in (9, 10, 12):
            v = struct.unpack("!I", v)[0]
        elif ctype in (3, 4):
            v = socket.inet_ntop(socket.AF_INET, v)
        elif ctype in (5, 6):
            v = socket.inet_ntop(socket.AF_INET6, v)
        else:
            v = v.decode("utf-8", "replace")
        out[name] = v
        off += clen
    return out


def main():
    port, path, count, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    end = time.time() + secs
    n = 0
    with open(path, "w") as f:
        while n < count and time.time() < end:
            s.settimeout(max(0.05, end - time.time()))
            try:
                pkt = s.recv(70000)
            except socket.timeout:
                break
            try:
                rec = decode(pkt)
            except ValueError as e:
                rec = {"error": str(e)}
            f.write(json.dumps(rec) + "\n")
            f.flush()
            n += 1


if __name__ == "__main__":
    main()
