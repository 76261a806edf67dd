/*
 * Unit tests for lib/flower-codec*.c on keys: each key field encoded alone,
 * checked attribute by attribute and round-tripped, and the keys and key
 * combinations the encoder must refuse.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <string.h>

/* Tests: one key field at a time, request attributes and round trip. */

/* Destination MAC with a partial mask. */
const char *
test_rt_eth_dst(void)
{
    static const uint8_t key[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t mask[6] = { 0xff, 0xff, 0xff, 0x00, 0x00, 0xf0 };
    struct flower_rule r;

    base_rule(&r);
    memcpy(r.key.eth_dst, key, 6);
    memcpy(r.mask.eth_dst, mask, 6);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ETH_DST, key,
                       TCA_FLOWER_KEY_ETH_DST_MASK, mask, 6);
}

/* Source MAC with a partial (multicast bit) mask. */
const char *
test_rt_eth_src(void)
{
    static const uint8_t key[6] = { 0x02, 0x00, 0x00, 0x00, 0xab, 0xcd };
    static const uint8_t mask[6] = { 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
    struct flower_rule r;

    base_rule(&r);
    memcpy(r.key.eth_src, key, 6);
    memcpy(r.mask.eth_src, mask, 6);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ETH_SRC, key,
                       TCA_FLOWER_KEY_ETH_SRC_MASK, mask, 6);
}

/* Ethertype: exact match, no mask attribute. */
const char *
test_rt_eth_type(void)
{
    uint16_t type = htons(ETH_P_ARP);
    struct flower_rule r;

    base_rule(&r);
    r.protocol = type;
    r.key.eth_type = type;
    r.mask.eth_type = 0xffff;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ETH_TYPE, &type, 0, NULL, 2);
}

/* VLAN id and priority (host order, no masks) with the inner type. */
const char *
test_rt_vlan(void)
{
    uint16_t tpid = htons(ETH_P_8021Q), inner = htons(ETH_P_IP);
    uint16_t vid = 100;
    uint8_t prio = 5;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    vlan_rule(&r, ETH_P_IP);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_ETH_TYPE, &tpid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ID, &vid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_PRIO, &prio, 1);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE, &inner, 2);
    return roundtrip(&r);
}

const char *
test_rt_vlan_8021ad(void)
{
    uint16_t tpid = htons(ETH_P_8021AD);
    struct flower_rule r;

    vlan_rule(&r, ETH_P_IPV6);
    r.protocol = tpid;
    r.key.eth_type = tpid;
    r.mask.vlan_prio = 0;
    r.key.vlan_prio = 0;
    CHECK(encode(&r) != NULL);
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_VLAN_PRIO);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ETH_TYPE, &tpid, 0, NULL, 2);
}

/* ICMP inside a VLAN: the ICMPv4 attributes follow the inner type. */
const char *
test_rt_vlan_icmp(void)
{
    uint8_t type = 8;
    struct flower_rule r;

    vlan_rule(&r, ETH_P_IP);
    r.key.ip_proto = IPPROTO_ICMP;
    r.mask.ip_proto = 0xff;
    r.key.icmp_type = type;
    r.mask.icmp_type = 0xff;
    TRY(CHECK_FIELD(&r, TCA_FLOWER_KEY_ICMPV4_TYPE, &type,
                    TCA_FLOWER_KEY_ICMPV4_TYPE_MASK, &r.mask.icmp_type, 1));
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_ICMPV6_TYPE);
    return NULL;
}

/* 802.1ad outer and 802.1Q inner tag, both with id and priority: the
 * outer TPID goes in ETH_TYPE, the inner one in VLAN_ETH_TYPE, the inner
 * tag in the CVLAN keys, and the UDP port follows the type after both. */
const char *
test_rt_qinq_8021ad(void)
{
    uint16_t outer = htons(ETH_P_8021AD), inner = htons(ETH_P_8021Q);
    uint16_t type = htons(ETH_P_IP), port = htons(53);
    uint16_t vid = 100, cvid = 200;
    uint8_t prio = 5, cprio = 3;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.key.ip_proto = IPPROTO_UDP;
    r.mask.ip_proto = 0xff;
    r.key.tp_dst = port;
    r.mask.tp_dst = 0xffff;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_ETH_TYPE, &outer, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ID, &vid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_PRIO, &prio, 1);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE, &inner, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ID, &cvid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_PRIO, &cprio, 1);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE, &type, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_UDP_DST, &port, 2);
    return roundtrip(&r);
}

/* 802.1Q in 802.1Q with ids only; ICMPv6 follows the type after both. */
const char *
test_rt_qinq_8021q(void)
{
    uint16_t tpid = htons(ETH_P_8021Q), type = htons(ETH_P_IPV6);
    uint16_t vid = 100, cvid = 200;
    uint8_t icmp_type = 128;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    qinq_rule(&r, ETH_P_8021Q, ETH_P_8021Q, ETH_P_IPV6);
    r.key.vlan_prio = r.mask.vlan_prio = 0;
    r.key.cvlan_prio = r.mask.cvlan_prio = 0;
    r.key.ip_proto = IPPROTO_ICMPV6;
    r.mask.ip_proto = 0xff;
    r.key.icmp_type = icmp_type;
    r.mask.icmp_type = 0xff;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_ETH_TYPE, &tpid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ID, &vid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE, &tpid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ID, &cvid, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE, &type, 2);
    EXPECT_OPT(nlh, TCA_FLOWER_KEY_ICMPV6_TYPE, &icmp_type, 1);
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_VLAN_PRIO);
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_CVLAN_PRIO);
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_ICMPV4_TYPE);
    return roundtrip(&r);
}

/* Two tags with neither ids nor priorities, then an inner priority only,
 * then any type after both tags (no CVLAN_ETH_TYPE: the kernel leaves
 * basic.n_proto wildcarded). */
const char *
test_rt_qinq_partial(void)
{
    uint8_t cprio = 3;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    int pass;

    for (pass = 0; pass < 3; pass++) {
        qinq_rule(&r, ETH_P_8021AD, ETH_P_8021AD, ETH_P_ARP);
        r.key.vlan_id = r.mask.vlan_id = 0;
        r.key.vlan_prio = r.mask.vlan_prio = 0;
        r.key.cvlan_id = r.mask.cvlan_id = 0;
        if (pass == 0) {
            r.key.cvlan_prio = r.mask.cvlan_prio = 0;
        } else if (pass == 2) {
            r.key.cvlan_eth_type = r.mask.cvlan_eth_type = 0;
        }
        nlh = encode(&r);
        CHECK(nlh != NULL);
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_VLAN_ID);
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_VLAN_PRIO);
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ID);
        if (pass) {
            EXPECT_OPT(nlh, TCA_FLOWER_KEY_CVLAN_PRIO, &cprio, 1);
        } else {
            EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_CVLAN_PRIO);
        }
        if (pass == 2) {
            EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE);
        }
        TRY(roundtrip(&r));
    }
    return NULL;
}

/* IP protocol: exact match, no mask attribute. */
static const char *
test_rt_ip_proto(bool v6)
{
    uint8_t proto = IPPROTO_UDP;
    struct flower_rule r;

    l4_rule(&r, v6, proto);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_IP_PROTO, &proto, 0, NULL, 1);
}

VARIANT_TEST(rt_ip_proto_v4, test_rt_ip_proto, false)
VARIANT_TEST(rt_ip_proto_v6, test_rt_ip_proto, true)

/* IP TOS with a partial mask. */
static const char *
test_rt_ip_tos(bool v6)
{
    struct flower_rule r;

    ip_rule(&r, v6);
    r.key.ip_tos = 0xb8;
    r.mask.ip_tos = 0xfc;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_IP_TOS, &r.key.ip_tos,
                       TCA_FLOWER_KEY_IP_TOS_MASK, &r.mask.ip_tos, 1);
}

VARIANT_TEST(rt_ip_tos_v4, test_rt_ip_tos, false)
VARIANT_TEST(rt_ip_tos_v6, test_rt_ip_tos, true)

/* IP TTL with a full mask. */
static const char *
test_rt_ip_ttl(bool v6)
{
    struct flower_rule r;

    ip_rule(&r, v6);
    r.key.ip_ttl = 64;
    r.mask.ip_ttl = 0xff;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_IP_TTL, &r.key.ip_ttl,
                       TCA_FLOWER_KEY_IP_TTL_MASK, &r.mask.ip_ttl, 1);
}

VARIANT_TEST(rt_ip_ttl_v4, test_rt_ip_ttl, false)
VARIANT_TEST(rt_ip_ttl_v6, test_rt_ip_ttl, true)

/* The fragment flags travel as big-endian u32s. */
static const char *
test_rt_ip_flags(bool v6)
{
    static const uint8_t key_be[4] = { 0, 0, 0, 1 };
    static const uint8_t mask_be[4] = { 0, 0, 0, 3 };
    struct flower_rule r;

    ip_rule(&r, v6);
    r.key.ip_flags = TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
    r.mask.ip_flags = (TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
                       | TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_FLAGS, key_be,
                       TCA_FLOWER_KEY_FLAGS_MASK, mask_be, 4);
}

VARIANT_TEST(rt_ip_flags_v4, test_rt_ip_flags, false)
VARIANT_TEST(rt_ip_flags_v6, test_rt_ip_flags, true)

static const char *
test_rt_ipv4_addr(bool dst)
{
    uint32_t addr = htonl(0x0a000001), mask = htonl(0xffffff00);
    struct flower_rule r;

    ip_rule(&r, false);
    *(dst ? &r.key.ipv4_dst : &r.key.ipv4_src) = addr;
    *(dst ? &r.mask.ipv4_dst : &r.mask.ipv4_src) = mask;
    return (dst
            ? CHECK_FIELD(&r, TCA_FLOWER_KEY_IPV4_DST, &addr,
                          TCA_FLOWER_KEY_IPV4_DST_MASK, &mask, 4)
            : CHECK_FIELD(&r, TCA_FLOWER_KEY_IPV4_SRC, &addr,
                          TCA_FLOWER_KEY_IPV4_SRC_MASK, &mask, 4));
}

VARIANT_TEST(rt_ipv4_src, test_rt_ipv4_addr, false)
VARIANT_TEST(rt_ipv4_dst, test_rt_ipv4_addr, true)

static const char *
test_rt_ipv6_addr(bool dst)
{
    struct in6_addr addr, mask;
    struct flower_rule r;

    inet_pton(AF_INET6, "2001:db8::1", &addr);
    inet_pton(AF_INET6, "ffff:ffff:ffff:ffff::", &mask);
    ip_rule(&r, true);
    *(dst ? &r.key.ipv6_dst : &r.key.ipv6_src) = addr;
    *(dst ? &r.mask.ipv6_dst : &r.mask.ipv6_src) = mask;
    return (dst
            ? CHECK_FIELD(&r, TCA_FLOWER_KEY_IPV6_DST, &addr,
                          TCA_FLOWER_KEY_IPV6_DST_MASK, &mask, 16)
            : CHECK_FIELD(&r, TCA_FLOWER_KEY_IPV6_SRC, &addr,
                          TCA_FLOWER_KEY_IPV6_SRC_MASK, &mask, 16));
}

VARIANT_TEST(rt_ipv6_src, test_rt_ipv6_addr, false)
VARIANT_TEST(rt_ipv6_dst, test_rt_ipv6_addr, true)

/* Port of 'proto' carried in 'attr'/'mask_attr'; the other protocols'
 * port attributes must be absent. */
static const char *
test_port(bool v6, uint8_t proto, bool dst, uint16_t attr,
          uint16_t mask_attr, const char *name)
{
    static const uint16_t all_attrs[] = {
        TCA_FLOWER_KEY_TCP_SRC, TCA_FLOWER_KEY_TCP_DST,
        TCA_FLOWER_KEY_UDP_SRC, TCA_FLOWER_KEY_UDP_DST,
        TCA_FLOWER_KEY_SCTP_SRC, TCA_FLOWER_KEY_SCTP_DST,
    };
    uint16_t port = htons(4789), mask = htons(0xfff0);
    struct flower_rule r;
    size_t i;

    l4_rule(&r, v6, proto);
    *(dst ? &r.key.tp_dst : &r.key.tp_src) = port;
    *(dst ? &r.mask.tp_dst : &r.mask.tp_src) = mask;
    TRY(check_field(&r, attr, name, &port, mask_attr, &mask, 2));
    encode(&r);
    for (i = 0; i < ARRAY_SIZE(all_attrs); i++) {
        if (all_attrs[i] != attr && find_opt(buf, all_attrs[i])) {
            FAIL("unexpected port attribute %u", all_attrs[i]);
        }
    }
    return NULL;
}

#define PORT_TEST(NAME, V6, PROTO, DST, ATTR)                           \
    const char *                                                        \
    test_##NAME(void)                                                   \
    {                                                                   \
        return test_port(V6, PROTO, DST, ATTR, ATTR##_MASK, #ATTR);     \
    }

PORT_TEST(rt_tcp_src, 0, IPPROTO_TCP, 0, TCA_FLOWER_KEY_TCP_SRC)
PORT_TEST(rt_tcp_dst, 0, IPPROTO_TCP, 1, TCA_FLOWER_KEY_TCP_DST)
PORT_TEST(rt_udp_src, 0, IPPROTO_UDP, 0, TCA_FLOWER_KEY_UDP_SRC)
PORT_TEST(rt_udp_dst, 0, IPPROTO_UDP, 1, TCA_FLOWER_KEY_UDP_DST)
PORT_TEST(rt_sctp_src, 0, IPPROTO_SCTP, 0, TCA_FLOWER_KEY_SCTP_SRC)
PORT_TEST(rt_sctp_dst, 0, IPPROTO_SCTP, 1, TCA_FLOWER_KEY_SCTP_DST)
PORT_TEST(rt_tcp_dst_v6, 1, IPPROTO_TCP, 1, TCA_FLOWER_KEY_TCP_DST)
PORT_TEST(rt_udp_src_v6, 1, IPPROTO_UDP, 0, TCA_FLOWER_KEY_UDP_SRC)

/* ICMP type or code in 'attr'; the other family's must be absent. */
static const char *
test_icmp(bool v6, bool code, uint16_t attr, uint16_t mask_attr,
          uint16_t other_attr, const char *name)
{
    uint8_t value = code ? 3 : 128, mask = 0xff;
    struct flower_rule r;

    l4_rule(&r, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    *(code ? &r.key.icmp_code : &r.key.icmp_type) = value;
    *(code ? &r.mask.icmp_code : &r.mask.icmp_type) = mask;
    TRY(check_field(&r, attr, name, &value, mask_attr, &mask, 1));
    encode(&r);
    if (find_opt(buf, other_attr)) {
        FAIL("attribute %u of the other ICMP family present", other_attr);
    }
    return NULL;
}

#define ICMP_TEST(NAME, V6, CODE, ATTR, OTHER)                          \
    const char *                                                        \
    test_##NAME(void)                                                   \
    {                                                                   \
        return test_icmp(V6, CODE, ATTR, ATTR##_MASK, OTHER, #ATTR);    \
    }

ICMP_TEST(rt_icmpv4_type, 0, 0, TCA_FLOWER_KEY_ICMPV4_TYPE,
          TCA_FLOWER_KEY_ICMPV6_TYPE)
ICMP_TEST(rt_icmpv4_code, 0, 1, TCA_FLOWER_KEY_ICMPV4_CODE,
          TCA_FLOWER_KEY_ICMPV6_CODE)
ICMP_TEST(rt_icmpv6_type, 1, 0, TCA_FLOWER_KEY_ICMPV6_TYPE,
          TCA_FLOWER_KEY_ICMPV4_TYPE)
ICMP_TEST(rt_icmpv6_code, 1, 1, TCA_FLOWER_KEY_ICMPV6_CODE,
          TCA_FLOWER_KEY_ICMPV4_CODE)

/* TCP flags: a big-endian u16 of 12 bits, with a mask; TCP only. */
static const char *
test_rt_tcp_flags(bool v6)
{
    static const uint8_t flags_be[2] = { 0x00, 0x12 };  /* SYN|ACK. */
    static const uint8_t mask_be[2] = { 0x0f, 0xff };
    struct flower_rule r;

    l4_rule(&r, v6, IPPROTO_TCP);
    r.key.tcp_flags = htons(0x012);
    r.mask.tcp_flags = htons(0x0fff);
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_TCP_FLAGS, flags_be,
                       TCA_FLOWER_KEY_TCP_FLAGS_MASK, mask_be, 2);
}

VARIANT_TEST(rt_tcp_flags_v4, test_rt_tcp_flags, false)
VARIANT_TEST(rt_tcp_flags_v6, test_rt_tcp_flags, true)

/* ARP sender or target IPv4 address: big-endian, with a partial mask. */
static const char *
test_rt_arp_ip(bool target)
{
    static const uint8_t addr_be[4] = { 10, 0, 0, 1 };
    static const uint8_t mask_be[4] = { 255, 255, 255, 0 };
    struct flower_rule r;

    arp_rule(&r);
    memcpy(target ? &r.key.arp_tip : &r.key.arp_sip, addr_be, 4);
    memcpy(target ? &r.mask.arp_tip : &r.mask.arp_sip, mask_be, 4);
    return (target
            ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_TIP, addr_be,
                          TCA_FLOWER_KEY_ARP_TIP_MASK, mask_be, 4)
            : CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_SIP, addr_be,
                          TCA_FLOWER_KEY_ARP_SIP_MASK, mask_be, 4));
}

VARIANT_TEST(rt_arp_sip, test_rt_arp_ip, false)
VARIANT_TEST(rt_arp_tip, test_rt_arp_ip, true)

/* ARP opcode: the low byte, with a mask. */
const char *
test_rt_arp_op(void)
{
    uint8_t op = 2, mask = 0xff;
    struct flower_rule r;

    arp_rule(&r);
    r.key.arp_op = op;
    r.mask.arp_op = mask;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_OP, &op,
                       TCA_FLOWER_KEY_ARP_OP_MASK, &mask, 1);
}

/* ARP sender or target hardware address, with a partial mask. */
static const char *
test_rt_arp_ha(bool target)
{
    static const uint8_t ha[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
    static const uint8_t mask[6] = { 0xff, 0xff, 0xff, 0x00, 0x00, 0x00 };
    struct flower_rule r;

    arp_rule(&r);
    memcpy(target ? r.key.arp_tha : r.key.arp_sha, ha, 6);
    memcpy(target ? r.mask.arp_tha : r.mask.arp_sha, mask, 6);
    return (target
            ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_THA, ha,
                          TCA_FLOWER_KEY_ARP_THA_MASK, mask, 6)
            : CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_SHA, ha,
                          TCA_FLOWER_KEY_ARP_SHA_MASK, mask, 6));
}

VARIANT_TEST(rt_arp_sha, test_rt_arp_ha, false)
VARIANT_TEST(rt_arp_tha, test_rt_arp_ha, true)

/* The ARP keys follow the effective ethertype: RARP too, and ARP inside a
 * VLAN. */
const char *
test_rt_arp_rarp_vlan(void)
{
    uint32_t tip = htonl(0xc0a80001);
    uint16_t rarp = htons(ETH_P_RARP);
    uint8_t op = 3, mask = 0xff;
    struct flower_rule r;

    base_rule(&r);
    r.protocol = rarp;
    r.key.eth_type = rarp;
    r.mask.eth_type = 0xffff;
    r.key.arp_op = op;
    r.mask.arp_op = mask;
    TRY(CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_OP, &op,
                    TCA_FLOWER_KEY_ARP_OP_MASK, &mask, 1));

    vlan_rule(&r, ETH_P_ARP);
    r.key.arp_tip = tip;
    r.mask.arp_tip = 0xffffffff;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_ARP_TIP, &tip,
                       TCA_FLOWER_KEY_ARP_TIP_MASK, &r.mask.arp_tip, 4);
}

/* Conntrack state: a host-order u16 of TCA_FLOWER_KEY_CT_FLAGS_* bits. */
const char *
test_rt_ct_state(void)
{
    uint16_t state = (TCA_FLOWER_KEY_CT_FLAGS_TRACKED
                      | TCA_FLOWER_KEY_CT_FLAGS_ESTABLISHED);
    uint16_t mask = (state | TCA_FLOWER_KEY_CT_FLAGS_NEW
                     | TCA_FLOWER_KEY_CT_FLAGS_INVALID);
    struct flower_rule r;

    ip_rule(&r, false);
    r.key.ct_state = state;
    r.mask.ct_state = mask;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_CT_STATE, &state,
                       TCA_FLOWER_KEY_CT_STATE_MASK, &mask, 2);
}

/* Conntrack zone: a host-order u16, on any protocol. */
const char *
test_rt_ct_zone(void)
{
    uint16_t zone = 0x1234, mask = 0xffff;
    struct flower_rule r;

    base_rule(&r);
    r.key.ct_zone = zone;
    r.mask.ct_zone = mask;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_CT_ZONE, &zone,
                       TCA_FLOWER_KEY_CT_ZONE_MASK, &mask, 2);
}

/* Conntrack mark: a host-order u32 with a partial mask. */
const char *
test_rt_ct_mark(void)
{
    uint32_t mark = 0x12345678, mask = 0xffff0000;
    struct flower_rule r;

    ip_rule(&r, true);
    r.key.ct_mark = mark;
    r.mask.ct_mark = mask;
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_CT_MARK, &mark,
                       TCA_FLOWER_KEY_CT_MARK_MASK, &mask, 4);
}

/* Conntrack label: 16 bytes with a partial mask. */
const char *
test_rt_ct_label(void)
{
    struct flower_rule r;
    int i;

    ip_rule(&r, false);
    for (i = 0; i < 16; i++) {
        r.key.ct_label[i] = 0xa0 + i;
        r.mask.ct_label[i] = i < 4 ? 0xff : 0;
    }
    return CHECK_FIELD(&r, TCA_FLOWER_KEY_CT_LABELS, r.key.ct_label,
                       TCA_FLOWER_KEY_CT_LABELS_MASK, r.mask.ct_label, 16);
}

/* TCP flags need ip_proto TCP, the ARP fields ARP or RARP: the kernel
 * would ignore them anywhere else. */
const char *
test_encode_rejects_new_keys(void)
{
    struct flower_rule r;

    l4_rule(&r, false, IPPROTO_TCP);
    r.mask.tcp_flags = htons(0x0fff);
    CHECK(encode(&r) != NULL);
    l4_rule(&r, false, IPPROTO_UDP);
    r.mask.tcp_flags = htons(0x0fff);
    CHECK(encode(&r) == NULL);
    ip_rule(&r, true);
    r.mask.tcp_flags = htons(0x0002);       /* No ip_proto at all. */
    CHECK(encode(&r) == NULL);

    arp_rule(&r);
    r.mask.arp_op = 0xff;
    CHECK(encode(&r) != NULL);
    ip_rule(&r, false);
    r.mask.arp_op = 0xff;
    CHECK(encode(&r) == NULL);
    base_rule(&r);
    r.mask.arp_sip = 0xffffffff;            /* No ethertype. */
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_IP);
    r.mask.arp_tha[0] = 0xff;               /* Inner type IPv4. */
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* Fields with a zero mask are left out, whatever their key holds. */
const char *
test_zero_mask_not_encoded(void)
{
    static const uint16_t absent[] = {
        TCA_FLOWER_KEY_ETH_DST, TCA_FLOWER_KEY_ETH_DST_MASK,
        TCA_FLOWER_KEY_ETH_SRC, TCA_FLOWER_KEY_VLAN_ID,
        TCA_FLOWER_KEY_VLAN_PRIO, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
        TCA_FLOWER_KEY_IP_PROTO, TCA_FLOWER_KEY_IP_TOS,
        TCA_FLOWER_KEY_IP_TTL, TCA_FLOWER_KEY_IPV4_SRC,
        TCA_FLOWER_KEY_IPV4_SRC_MASK, TCA_FLOWER_KEY_IPV4_DST,
        TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_TCP_SRC,
        TCA_FLOWER_KEY_UDP_SRC, TCA_FLOWER_KEY_ICMPV4_TYPE,
        TCA_FLOWER_KEY_FLAGS, TCA_FLOWER_KEY_FLAGS_MASK,
        TCA_FLOWER_KEY_TCP_FLAGS, TCA_FLOWER_KEY_ARP_SIP,
        TCA_FLOWER_KEY_ARP_OP, TCA_FLOWER_KEY_ARP_SHA,
        TCA_FLOWER_KEY_CT_STATE, TCA_FLOWER_KEY_CT_ZONE,
        TCA_FLOWER_KEY_CT_MARK, TCA_FLOWER_KEY_CT_LABELS,
        TCA_FLOWER_KEY_CVLAN_ID, TCA_FLOWER_KEY_CVLAN_PRIO,
        TCA_FLOWER_KEY_CVLAN_ETH_TYPE,
    };
    struct flower_rule r;
    struct nlmsghdr *nlh;
    size_t i;

    ip_rule(&r, false);
    memset(r.key.eth_dst, 0xaa, 6);
    memset(r.key.eth_src, 0xbb, 6);
    memset(&r.key.ipv6_src, 0xcc, 16);
    r.key.vlan_id = 10;
    r.key.vlan_prio = 3;
    r.key.vlan_eth_type = htons(ETH_P_IP);
    r.key.cvlan_id = 20;
    r.key.cvlan_prio = 2;
    r.key.cvlan_eth_type = htons(ETH_P_IP);
    r.key.ip_proto = IPPROTO_TCP;
    r.key.ip_tos = 4;
    r.key.ip_ttl = 5;
    r.key.ip_flags = 1;
    r.key.ipv4_src = htonl(0x01020304);
    r.key.ipv4_dst = htonl(0x05060708);
    r.key.tp_src = htons(1);
    r.key.icmp_type = 8;
    r.key.tcp_flags = htons(2);
    r.key.arp_sip = htonl(1);
    r.key.arp_op = 1;
    memset(r.key.arp_sha, 0xdd, 6);
    r.key.ct_state = TCA_FLOWER_KEY_CT_FLAGS_TRACKED;
    r.key.ct_zone = 3;
    r.key.ct_mark = 4;
    memset(r.key.ct_label, 0xee, 16);

    nlh = encode(&r);
    CHECK(nlh != NULL);
    for (i = 0; i < ARRAY_SIZE(absent); i++) {
        if (find_opt(nlh, absent[i])) {
            FAIL("attribute %u encoded despite a zero mask", absent[i]);
        }
    }
    CHECK(find_opt(nlh, TCA_FLOWER_KEY_ETH_TYPE) != NULL);
    return NULL;
}

/* Rules the kernel would not match as asked cannot be encoded. */
const char *
test_encode_rejects(void)
{
    struct flower_rule r;

    base_rule(&r);
    CHECK(encode(&r) != NULL);

    r.n_actions = FLOWER_MAX_ACTIONS + 1;
    CHECK(encode(&r) == NULL);
    r.n_actions = -1;
    CHECK(encode(&r) == NULL);
    base_rule(&r);
    r.actions[0].type = 99;
    CHECK(encode(&r) == NULL);
    base_rule(&r);
    r.n_actions = 0;
    r.has_cookie = true;
    CHECK(encode(&r) == NULL);

    ip_rule(&r, false);
    r.mask.tp_src = 0xffff;                 /* Port without ip_proto. */
    CHECK(encode(&r) == NULL);
    l4_rule(&r, false, IPPROTO_TCP);
    r.mask.icmp_type = 0xff;                /* ICMP type on TCP. */
    CHECK(encode(&r) == NULL);
    l4_rule(&r, true, IPPROTO_ICMP);
    r.mask.icmp_type = 0xff;                /* ICMPv4 proto on IPv6. */
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);
    r.mask.eth_type = htons(0x00ff);        /* Partial exact-only mask. */
    CHECK(encode(&r) == NULL);
    base_rule(&r);
    r.mask.ip_proto = 0xff;                 /* ip_proto without IP. */
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);
    r.mask.ip_flags = 1 << 5;               /* Unknown flag. */
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);
    r.mask.ipv4_src = 0xffffffff;
    r.mask.ipv6_dst.s6_addr[0] = 0xff;      /* IPv4 would hide IPv6. */
    CHECK(encode(&r) == NULL);

    vlan_rule(&r, ETH_P_IP);
    r.mask.vlan_id = 0x00ff;                /* Partial VLAN id mask. */
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_IP);
    r.mask.vlan_prio = 0x1;
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);
    r.mask.vlan_id = 0x0fff;                /* VLAN id, untagged type. */
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);
    r.mask.vlan_eth_type = 0xffff;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* The CVLAN keys need two VLAN TPIDs (the kernel ignores them otherwise)
 * and match exactly or not at all; a third tag never matches. */
const char *
test_encode_rejects_qinq(void)
{
    struct flower_rule r;

    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    CHECK(encode(&r) != NULL);

    vlan_rule(&r, ETH_P_IP);                /* One tag only. */
    r.mask.cvlan_id = 0x0fff;
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_IP);
    r.mask.cvlan_prio = 0x7;
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_IP);
    r.key.cvlan_eth_type = htons(ETH_P_IP);
    r.mask.cvlan_eth_type = 0xffff;
    CHECK(encode(&r) == NULL);
    ip_rule(&r, false);                     /* No tag at all. */
    r.mask.cvlan_id = 0x0fff;
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.vlan_eth_type = 0;               /* Inner TPID wildcarded. */
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.key.vlan_eth_type = htons(ETH_P_IP);  /* Inner "TPID" not a TPID. */
    CHECK(encode(&r) == NULL);

    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.cvlan_id = 0x0ff0;               /* Partial masks. */
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.cvlan_prio = 0x4;
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.cvlan_eth_type = htons(0xff00);
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.vlan_eth_type = htons(0xfff0);
    CHECK(encode(&r) == NULL);

    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q);  /* Third tag. */
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021AD);
    CHECK(encode(&r) == NULL);

    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
    r.mask.cvlan_eth_type = 0;              /* Any type: no IP keys. */
    r.mask.ip_proto = 0xff;
    CHECK(encode(&r) == NULL);
    return NULL;
}
