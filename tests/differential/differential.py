#!/usr/bin/env python3
"""Differential test of TC offload against the kernel datapath.

Generates random scenarios (a few OpenFlow rules and one packet that some
of them match), reproducibly from a seed, runs them on a running
ovs-vswitchd whose bridge br0 has ports ovs-d0..ovs-d3 (veth peers d0..d3,
in this network namespace), and records every packet that comes out of
d0..d3, bytes and all.  Run once with hw-offload=false and once with
hw-offload=true, tc-policy=skip_hw; "compare" then says whether the two
runs forwarded exactly the same packets.

    differential.py run --seed S --count N [--batch K] --out FILE
    differential.py compare SW-FILE TC-FILE

Each packet ends with a marker naming its scenario, so that a packet that
comes out late (after an upcall) is still counted for the right one.

With --batch K, K scenarios run at once, one on each of the bridges
br0..brK-1 (bridge b > 0 has ports ovs-bBd0..ovs-bBd3, veth peers
bBd0..bBd3): per round, one "ovs-ofctl replace-flows" per bridge in
parallel, one revalidator purge, one drain per copy and one dump.  The
bridges share nothing a packet can cross, so a scenario's result does not
depend on K; the output records ports as d0..d3 whatever the bridge, and
a packet that came out of another scenario's bridge is recorded as such,
so that it shows up as a difference.  "compare" of two runs of the same
seed with different K checks this (it compares the scenarios of the first
file).
"""

import argparse
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

PORTS = ["d0", "d1", "d2", "d3"]
OVS_PORTS = ["ovs-" + p for p in PORTS]
MACS = ["02:00:00:00:00:%02x" % i for i in (1, 2, 3, 4)]
IP4S = ["10.0.0.%d" % i for i in (1, 2, 3, 4)]
IP6S = ["2001:db8::%d" % i for i in (1, 2, 3, 4)]
L4PORTS = [80, 443, 1000, 5000]
VIDS = [10, 20, 30]
MARK = b"OVSOFFLD"
COPIES = 3

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
PACKET_OUTGOING = 4


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


# Packet building.  A packet is described by a dict of fields, so that the
# generator can derive matches from it.

def l4_header(p, src, dst, proto, payload):
    """Builds the L4 header of 'p' with its checksum over 'payload'."""
    if proto in (6, 17):
        if proto == 6:
            hdr = struct.pack("!HHIIBBHHH", p["tp_src"], p["tp_dst"], 1, 0,
                              5 << 4, p["tcp_flags"], 8192, 0, 0)
        else:
            hdr = struct.pack("!HHHH", p["tp_src"], p["tp_dst"],
                              8 + len(payload), 0)
        if p["ipv6"]:
            pseudo = src + dst + struct.pack("!IxxxB", len(hdr) + len(payload),
                                             proto)
        else:
            pseudo = src + dst + struct.pack("!xBH", proto,
                                             len(hdr) + len(payload))
        c = csum(pseudo + hdr + payload)
        if proto == 17 and c == 0:
            c = 0xffff
        off = 16 if proto == 6 else 6
        return hdr[:off] + struct.pack("!H", c) + hdr[off + 2:]
    # ICMP echo (or ICMPv6 echo, whose checksum has a pseudo header).
    icmp_type = 128 if p["ipv6"] else 8
    hdr = struct.pack("!BBHHH", icmp_type, 0, 0, 7, 1)
    if p["ipv6"]:
        pseudo = src + dst + struct.pack("!IxxxB", len(hdr) + len(payload), 58)
        c = csum(pseudo + hdr + payload)
    else:
        c = csum(hdr + payload)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:]


def build_l3(p, payload, frag_id):
    """Returns (ethertype, bytes) of the L3 part of 'p'.  'frag_id' is its
    IPv4 id or IPv6 fragment identification."""
    if p["type"] == "arp":
        body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, p["arp_op"])
        body += mac_bytes(p["dl_src"]) + socket.inet_aton(p["nw_src"])
        body += mac_bytes("00:00:00:00:00:00") + socket.inet_aton(p["nw_dst"])
        return 0x0806, body + payload
    proto = p["nw_proto"]
    if p["ipv6"]:
        src = socket.inet_pton(socket.AF_INET6, p["nw_src"])
        dst = socket.inet_pton(socket.AF_INET6, p["nw_dst"])
        l4 = l4_header(p, src, dst, proto, payload) + payload
        nxt, ext = proto, b""
        if p["frag"] != "no":
            offset = 0 if p["frag"] == "first" else 8
            ext = struct.pack("!BxHI", proto, (offset << 3) | 1, frag_id)
            nxt = 44
            if p["frag"] == "later":
                l4 = payload
        hdr = struct.pack("!IHBB", (6 << 28) | (p["nw_tos"] << 20),
                          len(ext) + len(l4), nxt, p["nw_ttl"]) + src + dst
        return 0x86dd, hdr + ext + l4
    src = socket.inet_aton(p["nw_src"])
    dst = socket.inet_aton(p["nw_dst"])
    l4 = l4_header(p, src, dst, proto, payload) + payload
    frag = 0
    if p["frag"] == "first":
        frag = 0x2000
    elif p["frag"] == "later":
        frag = 0x2000 | 2
        l4 = payload
    hdr = struct.pack("!BBHHHBBH", 0x45, p["nw_tos"], 20 + len(l4),
                      frag_id & 0xffff, frag, p["nw_ttl"], proto, 0)
    hdr += src + dst
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return 0x0800, hdr + l4


def build_packet(p, scenario):
    payload = b"differential" + MARK + struct.pack("!I", scenario)
    # Fragments of different scenarios must never meet in one reassembly
    # queue (ct reassembles, queues are per namespace and live for 30 s,
    # and batched scenarios run side by side): the id names the scenario.
    eth_type, l3 = build_l3(p, payload, 0x4242 + scenario)
    if p["mpls"] is not None:
        label, ttl = p["mpls"]
        l3 = struct.pack("!I", (label << 12) | (1 << 8) | ttl) + l3
        eth_type = 0x8847
    frame = mac_bytes(p["dl_dst"]) + mac_bytes(p["dl_src"])
    for tpid, vid in p["vlans"]:
        frame += struct.pack("!HH", tpid, vid)
    return frame + struct.pack("!H", eth_type) + l3


def scenario_of(frame):
    """Returns the scenario number a frame carries, or None."""
    i = frame.rfind(MARK)
    if i < 0 or i + len(MARK) + 4 > len(frame):
        return None
    return struct.unpack("!I", frame[i + len(MARK):i + len(MARK) + 4])[0]


# Scenario generation.

def gen_packet(rng):
    kind = rng.choice(["ip4", "ip4", "ip6", "arp", "vlan", "qinq", "mpls",
                       "frag4", "frag6"])
    p = {
        "type": "arp" if kind == "arp" else "ip",
        "ipv6": kind in ("ip6", "frag6"),
        "dl_src": rng.choice(MACS),
        "dl_dst": rng.choice(MACS),
        "vlans": [],
        "mpls": None,
        "frag": "no",
        "nw_tos": rng.choice([0, 0x10, 0xb8, 0x03]),   # 0x03: ECN CE.
        "nw_ttl": rng.choice([5, 64, 255]),
        "nw_proto": rng.choice([6, 17, 1]),
        "tp_src": rng.choice(L4PORTS),
        "tp_dst": rng.choice(L4PORTS),
        "tcp_flags": rng.choice([0x02, 0x10, 0x18]),
        "arp_op": rng.choice([1, 2]),
    }
    pool = IP6S if p["ipv6"] else IP4S
    p["nw_src"], p["nw_dst"] = rng.choice(pool), rng.choice(pool)
    if p["ipv6"] and p["nw_proto"] == 1:
        p["nw_proto"] = 58
    if kind == "vlan":
        p["vlans"] = [(0x8100, rng.choice(VIDS) | (rng.randrange(8) << 13))]
    elif kind == "qinq":
        p["vlans"] = [(0x88a8, rng.choice(VIDS)), (0x8100, rng.choice(VIDS))]
    elif kind == "mpls":
        p["mpls"] = (rng.choice([16, 100, 1000]), rng.choice([5, 64]))
    elif kind in ("frag4", "frag6"):
        p["frag"] = rng.choice(["first", "later"])
    return p


def other(rng, value, pool):
    return value if rng.random() < 0.7 else rng.choice(pool)


def gen_match(rng, p):
    """An OpenFlow match that 'p' may or may not satisfy."""
    m = []
    if rng.random() < 0.5:
        m.append("dl_src=" + other(rng, p["dl_src"], MACS))
    if rng.random() < 0.3:
        m.append("dl_dst=" + other(rng, p["dl_dst"], MACS))
    if p["vlans"] and rng.random() < 0.5:
        m.append("dl_vlan=%d" % other(rng, p["vlans"][0][1] & 0xfff, VIDS))
    elif not p["vlans"] and rng.random() < 0.2:
        m.append("vlan_tci=0")
    if p["mpls"] is not None:
        m.append("mpls")
        if rng.random() < 0.5:
            m.append("mpls_label=%d" % other(rng, p["mpls"][0],
                                             [16, 100, 1000]))
        return m
    if p["type"] == "arp":
        m.append("arp")
        if rng.random() < 0.5:
            m.append("arp_op=%d" % other(rng, p["arp_op"], [1, 2]))
        if rng.random() < 0.5:
            m.append("arp_tpa=" + other(rng, p["nw_dst"], IP4S))
        return m
    if p["vlans"] and len(p["vlans"]) > 1:
        return m
    m.append("ipv6" if p["ipv6"] else "ip")
    key = "ipv6" if p["ipv6"] else "nw"
    pool = IP6S if p["ipv6"] else IP4S
    if rng.random() < 0.5:
        m.append("%s_src=%s" % (key, other(rng, p["nw_src"], pool)))
    if rng.random() < 0.5:
        m.append("%s_dst=%s" % (key, other(rng, p["nw_dst"], pool)))
    if rng.random() < 0.2:
        m.append("nw_ttl=%d" % other(rng, p["nw_ttl"], [5, 64, 255]))
    frag = None
    if rng.random() < 0.3:
        frag = rng.choice(["no", "yes", "first", "later", "not_later"])
        m.append("nw_frag=" + frag)
    if rng.random() < 0.6:
        m.append("nw_proto=%d" % p["nw_proto"])
        if frag in ("yes", "later"):
            # OVS refuses L4 fields where there may be no L4 header.
            return m
        if p["nw_proto"] in (6, 17) and rng.random() < 0.6:
            m.append("tp_dst=%d" % other(rng, p["tp_dst"], L4PORTS))
        if p["nw_proto"] == 6 and rng.random() < 0.2:
            m.append("tcp_flags=%s" % rng.choice(["+syn", "-syn", "+ack"]))
    return m


def gen_actions(rng, p, in_port, match):
    acts = []
    ip = "ip" in match or "ipv6" in match
    l4 = (any(x.startswith("nw_proto=6") or x.startswith("nw_proto=17")
              for x in match)
          and "nw_frag=yes" not in match and "nw_frag=later" not in match)
    ip4 = "ip" in match
    popped = False
    for _ in range(rng.randint(0, 3)):
        choice = rng.random()
        if choice < 0.15:
            acts.append("mod_dl_src:" + rng.choice(MACS))
        elif choice < 0.25:
            acts.append("mod_dl_dst:" + rng.choice(MACS))
        elif choice < 0.35:
            acts.append("mod_vlan_vid:%d" % rng.choice(VIDS))
        elif choice < 0.42:
            acts.append("strip_vlan")
        elif choice < 0.5 and ip4:
            acts.append("mod_nw_dst:" + rng.choice(IP4S))
        elif choice < 0.58 and ip:
            acts.append(rng.choice(["mod_nw_ttl:9", "dec_ttl",
                                    "mod_nw_tos:32"]))
        elif choice < 0.66 and l4:
            acts.append("mod_tp_dst:%d" % rng.choice(L4PORTS))
        elif choice < 0.72 and ip4 and "mpls" not in match:
            acts.append("push_mpls:0x8847,set_field:%d->mpls_label"
                        % rng.choice([16, 100]))
            ip = l4 = ip4 = False   # Now an MPLS packet.
        elif choice < 0.78 and "mpls" in match and not popped:
            acts.append("pop_mpls:0x0800")
            popped = True
        elif choice < 0.84 and ip:
            acts.append("ct(commit,zone=%d)" % rng.choice([1, 2]))
        elif choice < 0.9:
            acts.append("output:" + rng.choice(OVS_PORTS))
    outs = [o for o in OVS_PORTS if o != in_port]
    r = rng.random()
    if r < 0.6:
        acts.append("output:" + rng.choice(outs))
    elif r < 0.75:
        acts += ["output:" + o for o in rng.sample(outs, 2)]
    elif r < 0.85:
        acts.append("flood")
    return ",".join(acts) if acts else "drop"


def gen_scenario(rng):
    p = gen_packet(rng)
    in_port = rng.choice(OVS_PORTS)
    rules = []
    used = set()
    for _ in range(rng.randint(1, 3)):
        match = gen_match(rng, p)
        if rng.random() < 0.7:
            match.insert(0, "in_port=" + in_port)
        # Two rules of one priority that both match leave the choice to
        # the classifier's order, which can differ from run to run: each
        # rule gets its own priority.  (Moved without drawing again, so
        # that the scenarios that had distinct priorities stay the same.)
        priority = rng.randint(1, 100)
        while priority in used:
            priority = priority % 100 + 1
        used.add(priority)
        rules.append("priority=%d,%s,actions=%s"
                     % (priority, ",".join(match),
                        gen_actions(rng, p, in_port, match)))
    rules.append("priority=0,actions=drop")
    return {"packet": p, "in_port": in_port, "rules": rules}


# Running.

def bridge_ports(b):
    """The veth ends of bridge 'b' that we use, in the order of PORTS;
    bridge 0 keeps the unbatched names."""
    return PORTS if b == 0 else ["b%d%s" % (b, p) for p in PORTS]


# OpenFlow, to install rule sets without a process per rule set: one
# ovs-ofctl encodes every scenario's rules up front (to a fake switch,
# below), and each round sends the flow mods it encoded to each bridge
# over one connection that stays open.  Under TCG, starting ovs-ofctl
# once per scenario cost more than everything else put together.

OFPT_HELLO = 0
OFPT_ERROR = 1
OFPT_ECHO_REQUEST = 2
OFPT_ECHO_REPLY = 3
OFPT_VENDOR = 4
OFPT_FLOW_MOD = 14
OFPT_BARRIER_REQUEST = 18
OFPT_BARRIER_REPLY = 19
NX_VENDOR_ID = 0x2320
NXT_FLOW_MOD = 13


class OfConn:
    """An OpenFlow 1.0 connection (Nicira extensions and all, as ovs-ofctl
    speaks it by default) on a stream socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, kind, xid, body=b""):
        self.sock.sendall(struct.pack("!BBHI", 1, kind, 8 + len(body), xid)
                          + body)

    def recv(self):
        """Returns the next message as (type, xid, bytes), or None at
        EOF."""
        while True:
            if len(self.buf) >= 8:
                _, kind, length, xid = struct.unpack("!BBHI", self.buf[:8])
                if len(self.buf) >= length:
                    msg, self.buf = self.buf[:length], self.buf[length:]
                    return kind, xid, msg
            data = self.sock.recv(1 << 16)
            if not data:
                return None
            self.buf += data


def is_flow_mod(msg):
    kind = msg[1]
    return kind == OFPT_FLOW_MOD or (
        kind == OFPT_VENDOR and len(msg) >= 16
        and struct.unpack("!II", msg[8:16]) == (NX_VENDOR_ID, NXT_FLOW_MOD))


def with_xid(msg, xid):
    return msg[:4] + struct.pack("!I", xid) + msg[8:]


def numbered(rule):
    """'rule' with port numbers for names: every bridge's ports are
    ovs-..d0..d3 with OpenFlow numbers 1..4 (ofport_request)."""
    return re.sub(r"\bovs-d(\d)\b", lambda m: str(int(m.group(1)) + 1), rule)


def encode_rule_sets(rule_sets):
    """Has ovs-ofctl encode "delete all flows" followed by each rule set of
    'rule_sets', as "ovs-ofctl --no-names add-flows" would send them to a
    switch.  Returns (prologue, delete, [[flow mod] per rule set]), where
    'prologue' are the messages that set the flow format on a connection
    first."""
    text = "delete\n" + "".join(numbered(rule) + "\n"
                                for rules in rule_sets for rule in rules)
    mods = encode_flow_mods(text, 60 + len(text) // 5000)
    if mods is None:
        sys.exit("ovs-ofctl failed to encode the rules")
    prologue, mods = mods
    if len(mods) != 1 + sum(len(rules) for rules in rule_sets):
        sys.exit("ovs-ofctl sent %d flow mods for %d rules"
                 % (len(mods), sum(len(rules) for rules in rule_sets)))
    sets, i = [], 1
    for rules in rule_sets:
        sets.append(mods[i:i + len(rules)])
        i += len(rules)
    return prologue, mods[0], sets


def encode_flow_mods(text, timeout):
    """Returns (prologue, flow mods) that "ovs-ofctl --no-names add-flows"
    sends for the flows in 'text', or None (having said why) if it
    failed.  'timeout' is in seconds: OVS's tests give its utilities 30 s
    (OVS_CTL_TIMEOUT), and 30,000 rules can take longer under TCG."""
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "ofctl.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(600)
    prologue, mods = [], []
    failure = None
    with open(os.path.join(tmp, "stderr"), "w+") as err:
        # ovs-ofctl parses all of stdin before it connects.
        p = subprocess.Popen(["ovs-ofctl", "--no-names",
                              "--timeout=%d" % timeout, "add-flows",
                              "unix:" + path, "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=err, text=True)
        p.stdin.write(text)
        p.stdin.close()
        conn = OfConn(listener.accept()[0])
        while True:
            try:
                m = conn.recv()
            except OSError as e:
                failure = "after %d flow mods: %s" % (len(mods), e)
                break
            if m is None:
                break
            kind, xid, msg = m
            if kind == OFPT_HELLO:
                conn.send(OFPT_HELLO, xid)
            elif kind == OFPT_ECHO_REQUEST:
                conn.send(OFPT_ECHO_REPLY, xid, msg[8:])
            elif kind == OFPT_BARRIER_REQUEST:
                conn.send(OFPT_BARRIER_REPLY, xid)
            elif is_flow_mod(msg):
                mods.append(msg)
            elif not mods:
                prologue.append(msg)
            else:
                sys.exit("ovs-ofctl sent an unexpected message: %s"
                         % msg.hex())
        status = p.wait()
        err.seek(0)
        if status or failure:
            print("ovs-ofctl add-flows (exit status %d) failed %s: %s"
                  % (status, failure or "", err.read()), file=sys.stderr)
    listener.close()
    os.unlink(path)
    os.unlink(os.path.join(tmp, "stderr"))
    os.rmdir(tmp)
    return None if status or failure else (prologue, mods)


class Bridge:
    """A connection to bridge 'name' that replaces its flows."""

    def __init__(self, name, prologue, delete):
        rundir = os.environ.get("OVS_RUNDIR", "/var/run/openvswitch")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(os.path.join(rundir, name + ".mgmt"))
        self.name = name
        self.conn = OfConn(sock)
        self.conn.send(OFPT_HELLO, 0)
        self.delete = delete
        self.pending = None
        self.send(prologue)
        self.wait()

    def send(self, mods):
        """Sends 'mods' with a barrier behind them (see wait())."""
        msgs = [with_xid(m, i + 1) for i, m in enumerate(mods)]
        self.pending = mods
        self.conn.sock.sendall(b"".join(msgs))
        self.conn.send(OFPT_BARRIER_REQUEST, 0xffffffff)

    def replace(self, mods):
        self.send([self.delete] + mods)

    def wait(self):
        """Waits for the switch to have done what send() sent; exits on
        any error, with the message that caused it."""
        while True:
            m = self.conn.recv()
            if m is None:
                sys.exit("%s closed its OpenFlow connection" % self.name)
            kind, xid, msg = m
            if kind == OFPT_BARRIER_REPLY and xid == 0xffffffff:
                return
            if kind == OFPT_ECHO_REQUEST:
                self.conn.send(OFPT_ECHO_REPLY, xid, msg[8:])
            elif kind == OFPT_ERROR:
                bad = (self.pending[xid - 1].hex()
                       if 0 < xid <= len(self.pending) else "?")
                sys.exit("%s: OpenFlow error %s for %s (decode with "
                         "ovs-ofctl ofp-print)" % (self.name, msg.hex(), bad))


def open_sockets(batch):
    """Returns {socket: (bridge, port)} for the veth ends of 'batch'
    bridges, port being the name in PORTS."""
    socks = {}
    for b in range(batch):
        for port, dev in zip(PORTS, bridge_ports(b)):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(ETH_P_ALL))
            s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
            s.bind((dev, ETH_P_ALL))
            s.setblocking(False)
            socks[s] = (b, port)
    return socks


def receive(sock):
    """Returns the next frame 'sock' received (VLAN tag put back), False if
    it was our own transmission, or None if there is none."""
    try:
        data, anc, _, addr = sock.recvmsg(65536, socket.CMSG_SPACE(20))
    except BlockingIOError:
        return None
    if addr[2] == PACKET_OUTGOING:
        return False
    for level, kind, value in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(value) >= 20:
            status, _, _, _, _, tci, tpid = struct.unpack("=IIIHHHH",
                                                          value[:20])
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def drain(socks, results, wait):
    deadline = time.time() + wait
    while True:
        timeout = deadline - time.time()
        if timeout <= 0:
            break
        ready, _, _ = select.select(list(socks), [], [], timeout)
        for s in ready:
            bridge, port = socks[s]
            while True:
                frame = receive(s)
                if frame is None:
                    break
                if frame is False:
                    continue
                n = scenario_of(frame)
                if n is None or n not in results:
                    continue
                if results[n]["bridge"] != bridge:
                    # Never expected: the bridges would not be independent.
                    port = "br%d:%s" % (bridge, port)
                results[n]["out"].append([port, frame.hex()])


class Appctl:
    """ovs-appctl without a process per command: one JSON-RPC connection to
    ovs-vswitchd's control socket (under TCG, starting ovs-appctl costs more
    than what it asks)."""

    def __init__(self):
        rundir = os.environ.get("OVS_RUNDIR", "/var/run/openvswitch")
        with open(os.path.join(rundir, "ovs-vswitchd.pid")) as f:
            pid = int(f.read())
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(os.path.join(rundir, "ovs-vswitchd.%d.ctl" % pid))
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.id = 0

    def __call__(self, *args):
        self.id += 1
        self.sock.sendall(json.dumps({"method": args[0],
                                      "params": list(args[1:]),
                                      "id": self.id}).encode())
        while True:
            try:
                reply, end = self.decoder.raw_decode(self.buf.lstrip())
                self.buf = self.buf.lstrip()[end:]
                break
            except ValueError:
                data = self.sock.recv(1 << 20)
                if not data:
                    sys.exit("ovs-vswitchd closed its control socket")
                self.buf += data.decode()
        if reply.get("error") is not None:
            sys.exit("ovs-appctl %s failed: %s" % (" ".join(args),
                                                    reply["error"]))
        return reply["result"]


def count_offloaded(appctl, bridge_of):
    """Returns {bridge: number of TC flows whose in_port is on it}, given
    {OVS port name: bridge}."""
    out = appctl("dpctl/dump-flows", "--names", "type=tc")
    counts = {}
    for line in out.splitlines():
        m = re.search(r"in_port\(([^)]*)\)", line)
        if m and m.group(1) in bridge_of:
            b = bridge_of[m.group(1)]
            counts[b] = counts.get(b, 0) + 1
    return counts


def datapath_lookups(appctl):
    """Returns the datapath's "lookups: ..." line: how many packets missed
    (went up to ovs-vswitchd) and hit its flows."""
    for line in appctl("dpctl/show").splitlines():
        if "lookups:" in line:
            return line.strip()
    return "?"


def run(args):
    rng = random.Random(args.seed)
    scenarios = [gen_scenario(rng) for _ in range(args.count)]
    start = time.time()
    prologue, delete, rule_mods = encode_rule_sets(
        [sc["rules"] for sc in scenarios])
    encoding = time.time() - start
    socks = open_sockets(args.batch)
    tx = {socks[s]: s for s in socks}
    bridge_of = {"ovs-" + dev: b for b in range(args.batch)
                 for dev in bridge_ports(b)}
    bridges = [Bridge("br%d" % b, prologue, delete)
               for b in range(args.batch)]
    appctl = Appctl()
    results = {}
    # Where the time goes, for choosing K.
    spent = {"encode": encoding, "flows": 0.0, "purge": 0.0, "send": 0.0,
             "dump": 0.0}
    lookups = datapath_lookups(appctl)
    for first in range(0, args.count, args.batch):
        # One scenario per bridge: scenario n on bridge n % K.
        batch = range(first, min(first + args.batch, args.count))
        for n in batch:
            sc = scenarios[n]
            results[n] = {"rules": sc["rules"], "in_port": sc["in_port"],
                          "packet": sc["packet"], "out": [], "offloaded": 0,
                          "bridge": n - first}
        t0 = time.time()
        # The last round's flows go first, through the revalidators, so
        # that no ukey outlives its flow.  Not while they dump: one that
        # is dumping finds the flows deleted under it without their ukeys,
        # fetches them and warns.  A dump has just ended when
        # revalidator/wait returns, and the next one is due in 500 ms
        # (rule changes would start one at once: they come after).
        appctl("revalidator/wait")
        appctl("revalidator/purge")
        t1 = time.time()
        # What "ovs-ofctl replace-flows" would leave: these rules only.
        for n in batch:
            bridges[n - first].replace(rule_mods[n])
        for n in batch:
            bridges[n - first].wait()
        t2 = time.time()
        frames = {}
        for n in batch:
            frames[n] = build_packet(results[n]["packet"], n)
            results[n]["sent"] = frames[n].hex()
        # The first copy goes up to ovs-vswitchd, which installs the flow;
        # the later ones go through the flow (in TC if offloaded).
        for _ in range(COPIES):
            for n in batch:
                port = results[n]["in_port"][len("ovs-"):]
                tx[(n - first, port)].send(frames[n])
            drain(socks, results, args.gap)
        t3 = time.time()
        if args.count_offloaded:
            counts = count_offloaded(appctl, bridge_of)
            for n in batch:
                results[n]["offloaded"] = counts.get(n - first, 0)
        t4 = time.time()
        spent["purge"] += t1 - t0
        spent["flows"] += t2 - t1
        spent["send"] += t3 - t2
        spent["dump"] += t4 - t3
        if args.progress and (first // args.batch) % 20 == 0:
            with open(args.progress, "a") as f:
                f.write("%s: %d of %d scenarios after %.0f s\n"
                        % (args.out, first + len(batch), args.count,
                           time.time() - start))
    drain(socks, results, 1.0)
    for r in results.values():
        r["out"].sort()
        # Which bridge ran it is not part of the result.
        del r["bridge"]
    with open(args.out, "w") as f:
        json.dump(results, f)
    print("%d scenarios, %d at a time, in %.0f s (%s); datapath before: "
          "%s; after: %s"
          % (args.count, args.batch, time.time() - start,
             ", ".join("%s %.0f s" % kv for kv in spent.items()),
             lookups, datapath_lookups(appctl)), file=sys.stderr)


def compare(args):
    with open(args.sw) as f:
        sw = json.load(f)
    with open(args.tc) as f:
        tc = json.load(f)
    mismatches = 0
    offloaded = 0
    forwarded = 0
    strays = 0
    for n in sorted(sw, key=int):
        offloaded += tc[n]["offloaded"] > 0
        forwarded += bool(sw[n]["out"])
        # A port "brB:dI" is another scenario's bridge (see drain()).
        strays += sum(":" in port
                      for run in (sw, tc) for port, _ in run[n]["out"])
        if sw[n]["out"] != tc[n]["out"]:
            mismatches += 1
            if mismatches <= 20:
                print("scenario %s differs:" % n)
                print("  in_port %s, sent %s" % (sw[n]["in_port"],
                                                 sw[n]["sent"]))
                for rule in sw[n]["rules"]:
                    print("  rule " + rule)
                print("  datapath: %s" % sw[n]["out"])
                print("  with TC:  %s" % tc[n]["out"])
    if strays:
        print("%d packets came out of another scenario's bridge" % strays)
    print("%d scenarios, %d forwarded something, %d with TC rules, "
          "%d mismatches" % (len(sw), forwarded, offloaded, mismatches))
    return 1 if mismatches or strays else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--count", type=int, default=100)
    r.add_argument("--gap", type=float, default=0.15)
    r.add_argument("--batch", type=int, default=1)
    r.add_argument("--progress", help="file to append progress lines to")
    r.add_argument("--count-offloaded", action="store_true")
    r.add_argument("--out", required=True)
    c = sub.add_parser("compare")
    c.add_argument("sw")
    c.add_argument("tc")
    args = parser.parse_args()
    if args.cmd == "run":
        run(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
