#!/usr/bin/env python3
"""send-sources.py DEV N: sends N UDP packets on DEV, from 10.a.b.c for the
N first addresses, so that each is a flow of its own (bench-tc.sh)."""

import socket
import struct
import sys


def csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def packet(i):
    src = bytes([10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff])
    udp = struct.pack("!HHHH", 1000, 2000, 8 + 18, 0) + b"\0" * 18
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0)
    ip += src + bytes([10, 255, 0, 1])
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("020000000002020000000001") + struct.pack("!H", 0x800)
    return eth + ip + udp


def main():
    dev, n = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    for i in range(n):
        s.send(packet(i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
