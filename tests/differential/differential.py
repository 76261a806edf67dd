#!/usr/bin/env python3
"""Differential test of TC offload against the kernel datapath.

Generates random scenarios (a few OpenFlow rules and one packet that some
of them match), reproducibly from a seed, runs them on a running
ovs-vswitchd whose bridge br0 has ports ovs-d0..ovs-d3 (veth peers d0..d3,
in this network namespace), and records every packet that comes out of
d0..d3, bytes and all.  Run once with hw-offload=false and once with
hw-offload=true, tc-policy=skip_hw; "compare" then says whether the two
runs forwarded exactly the same packets.

    differential.py run --seed S --count N --out FILE
    differential.py compare SW-FILE TC-FILE

Each packet ends with a marker naming its scenario, so that a packet that
comes out late (after an upcall) is still counted for the right one.
"""

import argparse
import json
import random
import select
import socket
import struct
import subprocess
import sys
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


def build_l3(p, payload):
    """Returns (ethertype, bytes) of the L3 part of 'p'."""
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
            ext = struct.pack("!BxHI", proto, (offset << 3) | 1, 0x1234)
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
    hdr = struct.pack("!BBHHHBBH", 0x45, p["nw_tos"], 20 + len(l4), 0x4242,
                      frag, p["nw_ttl"], proto, 0) + src + dst
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return 0x0800, hdr + l4


def build_packet(p, scenario):
    payload = b"differential" + MARK + struct.pack("!I", scenario)
    eth_type, l3 = build_l3(p, payload)
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
        "nw_tos": rng.choice([0, 0x10, 0xb8]),
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
    for _ in range(rng.randint(1, 3)):
        match = gen_match(rng, p)
        if rng.random() < 0.7:
            match.insert(0, "in_port=" + in_port)
        rules.append("priority=%d,%s,actions=%s"
                     % (rng.randint(1, 100), ",".join(match),
                        gen_actions(rng, p, in_port, match)))
    rules.append("priority=0,actions=drop")
    return {"packet": p, "in_port": in_port, "rules": rules}


# Running.

def run_cmd(args, stdin=None):
    p = subprocess.run(args, input=stdin, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit("%s failed: %s%s" % (" ".join(args), p.stderr, stdin or ""))


def open_sockets():
    socks = {}
    for port in PORTS:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((port, ETH_P_ALL))
        s.setblocking(False)
        socks[port] = s
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
        ready, _, _ = select.select(list(socks.values()), [], [], timeout)
        for port, s in socks.items():
            if s not in ready:
                continue
            while True:
                frame = receive(s)
                if frame is None:
                    break
                if frame is False:
                    continue
                n = scenario_of(frame)
                if n is not None and n in results:
                    results[n]["out"].append([port, frame.hex()])


def count_offloaded():
    out = subprocess.run(["ovs-appctl", "dpctl/dump-flows", "type=tc"],
                         check=True, capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.strip())


def run(args):
    rng = random.Random(args.seed)
    socks = open_sockets()
    results = {}
    for n in range(args.count):
        sc = gen_scenario(rng)
        results[n] = {"rules": sc["rules"], "in_port": sc["in_port"],
                      "packet": sc["packet"], "out": [], "offloaded": 0}
        run_cmd(["ovs-ofctl", "replace-flows", "br0", "-"],
                "\n".join(sc["rules"]) + "\n")
        # Through the revalidators, so that no ukey outlives its flow.
        run_cmd(["ovs-appctl", "revalidator/purge"])
        frame = build_packet(sc["packet"], n)
        results[n]["sent"] = frame.hex()
        tx = socks[sc["in_port"][len("ovs-"):]]
        for _ in range(COPIES):
            tx.send(frame)
            drain(socks, results, args.gap)
        if args.count_offloaded:
            results[n]["offloaded"] = count_offloaded()
    drain(socks, results, 1.0)
    for r in results.values():
        r["out"].sort()
    with open(args.out, "w") as f:
        json.dump(results, f)


def compare(args):
    with open(args.sw) as f:
        sw = json.load(f)
    with open(args.tc) as f:
        tc = json.load(f)
    mismatches = 0
    offloaded = 0
    forwarded = 0
    for n in sorted(sw, key=int):
        offloaded += tc[n]["offloaded"] > 0
        forwarded += bool(sw[n]["out"])
        if sw[n]["out"] != tc[n]["out"]:
            mismatches += 1
            if mismatches <= 5:
                print("scenario %s differs:" % n)
                print("  in_port %s, sent %s" % (sw[n]["in_port"],
                                                 sw[n]["sent"]))
                for rule in sw[n]["rules"]:
                    print("  rule " + rule)
                print("  datapath: %s" % sw[n]["out"])
                print("  with TC:  %s" % tc[n]["out"])
    print("%d scenarios, %d forwarded something, %d with TC rules, "
          "%d mismatches" % (len(sw), forwarded, offloaded, mismatches))
    return 1 if mismatches else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--count", type=int, default=100)
    r.add_argument("--gap", type=float, default=0.15)
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
