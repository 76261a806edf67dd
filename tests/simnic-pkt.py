#!/usr/bin/env python3
"""Builds, sends and captures Ethernet frames for the simnic tests.

No scapy: frames are described by a small expression language,
    eth(dst='02:00:00:00:00:02')/vlan(vid=100)/ipv4(dst='10.0.0.2')/udp()
and built by hand here.  Subcommands:
    hex SPEC                     print the frame as hex
    send IFACE SPEC [COUNT]      send it COUNT times (default 1)
    capture IFACE OUT SECONDS [COUNT [MARK]]
                                 capture in the background into OUT, one
                                 hex frame per line, for SECONDS or until
                                 COUNT frames (only those that contain the
                                 text MARK, if given); returns once
                                 listening
    wait OUT                     wait until a capture has written OUT
"""

import ipaddress
import os
import socket
import struct
import sys
import time

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


class Layer:
    ethertype = None
    proto = None

    def __truediv__(self, other):
        stack = self.stack if isinstance(self, Stack) else [self]
        return Stack(stack + [other])


class Stack(Layer):
    def __init__(self, stack):
        self.stack = stack

    def build(self):
        data = b''
        for i in reversed(range(len(self.stack))):
            nxt = self.stack[i + 1] if i + 1 < len(self.stack) else None
            prev = self.stack[i - 1] if i > 0 else None
            data = self.stack[i].build(data, prev, nxt)
        return data


def as_stack(x):
    return x if isinstance(x, Stack) else Stack([x])


class eth(Layer):
    def __init__(self, dst='02:00:00:00:00:02', src='02:00:00:00:00:01',
                 type=None):
        self.dst, self.src, self.type = dst, src, type

    def build(self, rest, prev, nxt):
        t = self.type if self.type is not None else nxt.ethertype
        return mac(self.dst) + mac(self.src) + struct.pack('!H', t) + rest


class vlan(Layer):
    def __init__(self, vid=0, pcp=0, tpid=0x8100, type=None):
        self.vid, self.pcp, self.ethertype, self.type = vid, pcp, tpid, type

    def build(self, rest, prev, nxt):
        t = self.type if self.type is not None else nxt.ethertype
        return struct.pack('!HH', self.pcp << 13 | self.vid, t) + rest


class ipv4(Layer):
    ethertype = 0x0800

    def __init__(self, src='10.0.0.1', dst='10.0.0.2', ttl=64, tos=0,
                 proto=None, id=1, frag=0):
        self.src = ipaddress.IPv4Address(src).packed
        self.frag = frag            # Flags and fragment offset.
        self.dst = ipaddress.IPv4Address(dst).packed
        self.ttl, self.tos, self.p, self.id = ttl, tos, proto, id

    def pseudo(self, proto, length):
        return self.src + self.dst + struct.pack('!BBH', 0, proto, length)

    def build(self, rest, prev, nxt):
        p = self.p if self.p is not None else nxt.proto
        h = struct.pack('!BBHHHBBH4s4s', 0x45, self.tos, 20 + len(rest),
                        self.id,
                        self.frag, self.ttl, p, 0, self.src, self.dst)
        return h[:10] + struct.pack('!H', csum(h)) + h[12:] + rest


class ipv6(Layer):
    ethertype = 0x86dd

    def __init__(self, src='2001:db8::1', dst='2001:db8::2', hlim=64,
                 proto=None, tc=0, fl=0):
        self.src = ipaddress.IPv6Address(src).packed
        self.dst = ipaddress.IPv6Address(dst).packed
        self.hlim, self.p, self.tc, self.fl = hlim, proto, tc, fl

    def pseudo(self, proto, length):
        return self.src + self.dst + struct.pack('!IxxxB', length, proto)

    def build(self, rest, prev, nxt):
        p = self.p if self.p is not None else nxt.proto
        return (struct.pack('!IHBB', 6 << 28 | self.tc << 20 | self.fl,
                            len(rest), p, self.hlim)
                + self.src + self.dst + rest)


class udp(Layer):
    proto = 17

    def __init__(self, sport=1000, dport=2000, nocsum=False, more=0):
        # 'more': the datagram goes on for that many zero bytes that are
        # not in this frame (it is a first fragment).
        self.sport, self.dport, self.nocsum = sport, dport, nocsum
        self.more = more

    def build(self, rest, prev, nxt):
        n = 8 + len(rest) + self.more
        h = struct.pack('!HHHH', self.sport, self.dport, n, 0) + rest
        c = 0 if self.nocsum else csum(prev.pseudo(17, n) + h) or 0xffff
        return h[:6] + struct.pack('!H', c) + h[8:]


class tcp(Layer):
    proto = 6

    def __init__(self, sport=1000, dport=2000, flags=0x02):
        self.sport, self.dport, self.flags = sport, dport, flags

    def build(self, rest, prev, nxt):
        h = struct.pack('!HHIIBBHHH', self.sport, self.dport, 1, 0, 5 << 4,
                        self.flags, 8192, 0, 0) + rest
        c = csum(prev.pseudo(6, len(h)) + h)
        return h[:16] + struct.pack('!H', c) + h[18:]


class icmp(Layer):
    proto = 1

    def __init__(self, type=8, code=0):
        self.type, self.code = type, code

    def build(self, rest, prev, nxt):
        h = struct.pack('!BBHI', self.type, self.code, 0, 0) + rest
        return h[:2] + struct.pack('!H', csum(h)) + h[4:]


class icmp6(Layer):
    proto = 58

    def __init__(self, type=128, code=0):
        self.type, self.code = type, code

    def build(self, rest, prev, nxt):
        h = struct.pack('!BBHI', self.type, self.code, 0, 0) + rest
        c = csum(prev.pseudo(58, len(h)) + h)
        return h[:2] + struct.pack('!H', c) + h[4:]


class arp(Layer):
    ethertype = 0x0806

    def __init__(self, op=1, sha='02:00:00:00:00:01', spa='10.0.0.1',
                 tha='00:00:00:00:00:00', tpa='10.0.0.2'):
        self.op, self.sha, self.tha = op, mac(sha), mac(tha)
        self.spa = ipaddress.IPv4Address(spa).packed
        self.tpa = ipaddress.IPv4Address(tpa).packed

    def build(self, rest, prev, nxt):
        return (struct.pack('!HHBBH', 1, 0x0800, 6, 4, self.op) + self.sha
                + self.spa + self.tha + self.tpa + rest)


class mpls(Layer):
    ethertype = 0x8847

    def __init__(self, label=16, tc=0, ttl=64, bos=1):
        self.lse = label << 12 | tc << 9 | bos << 8 | ttl

    def build(self, rest, prev, nxt):
        return struct.pack('!I', self.lse) + rest


def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = crc >> 1 ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


class sctp(Layer):
    proto = 132

    def __init__(self, sport=1000, dport=2000):
        self.sport, self.dport = sport, dport

    def build(self, rest, prev, nxt):
        # A common header (verification tag 1) and a DATA chunk around
        # 'rest', padded to 4 bytes.
        chunk = struct.pack('!BBHIHHI', 0, 3, 16 + len(rest), 1, 0, 0, 0)
        chunk += rest + b'\0' * (-len(rest) % 4)
        h = struct.pack('!HHII', self.sport, self.dport, 1, 0) + chunk
        return h[:8] + struct.pack('<I', crc32c(h)) + h[12:]


class geneve(Layer):
    def __init__(self, vni=0):
        self.vni = vni

    def build(self, rest, prev, nxt):
        return struct.pack('!HHI', 0, 0x6558, self.vni << 8) + rest


class vxlan(Layer):
    def __init__(self, vni=0):
        self.vni = vni

    def build(self, rest, prev, nxt):
        return struct.pack('!II', 0x08000000, self.vni << 8) + rest


class payload(Layer):
    ethertype = 0x88b5          # "local experimental", if nothing else.
    proto = 253

    def __init__(self, data=b'simnic test payload'):
        self.data = data if isinstance(data, bytes) else b'x' * data

    def build(self, rest, prev, nxt):
        return self.data + rest


class raw(payload):
    """Bytes given in hex, e.g. a whole inner frame."""

    def __init__(self, hexbytes):
        payload.__init__(self, bytes.fromhex(hexbytes))


def frame(spec):
    names = dict(eth=eth, vlan=vlan, ipv4=ipv4, ipv6=ipv6, udp=udp, tcp=tcp,
                 icmp=icmp, icmp6=icmp6, geneve=geneve, vxlan=vxlan,
                 payload=payload, raw=raw, arp=arp, mpls=mpls, sctp=sctp)
    f = as_stack(eval(spec, {'__builtins__': {}}, names))
    if not isinstance(f.stack[-1], payload):
        f = f / payload()
    return f.build()


def send(iface, spec, count):
    data = frame(spec)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for _ in range(count):
        s.send(data)


def restore_vlan(data, ancdata):
    for level, type_, cdata in ancdata:
        if level == SOL_PACKET and type_ == PACKET_AUXDATA:
            (status, _, _, _, _, tci, tpid) = struct.unpack('IIIHHHH',
                                                            cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                return data[:12] + struct.pack('!HH', tpid, tci) + data[12:]
    return data


def capture(iface, out, seconds, count, mark=None):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, ETH_P_ALL))
    if os.fork():
        os._exit(0)
    os.setsid()
    # Let go of the caller's stdout, so that it need not wait for us.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    lines = []
    end = time.time() + seconds
    while time.time() < end and len(lines) < count:
        s.settimeout(max(end - time.time(), 0.01))
        try:
            data, anc, _, addr = s.recvmsg(65536, 1024)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING or (mark and mark not in data):
            continue
        lines.append(restore_vlan(data, anc).hex())
    with open(out + '.tmp', 'w') as f:
        f.write(''.join(line + '\n' for line in lines))
    os.rename(out + '.tmp', out)


def wait(out):
    for _ in range(300):
        if os.path.exists(out):
            return
        time.sleep(0.1)
    sys.exit('%s: capture did not finish' % out)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'hex':
        print(frame(args[0]).hex())
    elif cmd == 'send':
        send(args[0], args[1], int(args[2]) if len(args) > 2 else 1)
    elif cmd == 'capture':
        capture(args[0], args[1], float(args[2]),
                int(args[3]) if len(args) > 3 else float('inf'),
                args[4].encode() if len(args) > 4 else None)
    elif cmd == 'wait':
        wait(args[0])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
