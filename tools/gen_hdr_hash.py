#!/usr/bin/env python3
"""Print the perfect-hash slot table of src/sip/hdr.c.

Reads the header names from src/sip/hdr.c and searches the multipliers of
hash(name) = (len*A + lc(first)*B + lc(last) + lc(mid)*7) % 256 that give
every name its own slot; prints the constants and the table to paste into
hdr.c. Run it after adding a header name (hdr_test fails until then).
"""
import re
import sys

src = open(sys.argv[1] if len(sys.argv) > 1 else "src/sip/hdr.c").read()
names = re.findall(r'\[(SIP_HDR_\w+)\]\s*=\s*H\("([^"]+)"', src)


def h(name, a, b):
    l = name.lower()
    return (len(l) * a + ord(l[0]) * b + ord(l[-1]) + ord(l[len(l) // 2]) * 7) % 256


for a in range(1, 256):
    for b in range(256):
        slots = {}
        for idn, n in names:
            s = h(n, a, b)
            if s in slots:
                break
            slots[s] = idn
        else:
            print(f"enum {{ HASH_A = {a}, HASH_B = {b} }};")
            print("static const uint8_t hash_slot[256] = {")
            for s in sorted(slots):
                print(f"\t[{s}] = {slots[s]},")
            print("};")
            sys.exit(0)
sys.exit("no perfect hash found: widen the search")
