/*
 * Unit tests for lib/flower-codec*.c on tunnels, as requests: each tunnel
 * key (enc_*) encoded alone, checked attribute by attribute and
 * round-tripped, Geneve options and the VXLAN GBP, act_tunnel_key set and
 * release, and the keys, options and sets the encoder must refuse.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <string.h>

/* flower and act_tunnel_key number the attributes of a Geneve TLV alike,
 * so that one check serves both. */
_Static_assert((int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS
               == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS
               && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE
               == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE
               && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA
               == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA,
               "Geneve TLV attributes differ");

/* Checks that 'outer' holds one Geneve nest of type 'geneve' per TLV of
 * 'opts', all with NLA_F_NESTED, each with the TLV's class, type and data
 * and nothing else. */
static const char *
expect_geneve_nests(const struct nlattr *outer, uint16_t geneve,
                    const struct flower_geneve_opts *opts)
{
    const struct nlattr *nest;
    size_t off = 0;

    CHECK(outer != NULL);
    CHECK(outer->nla_type & NLA_F_NESTED);
    mnl_attr_for_each_nested(nest, outer) {
        const uint8_t *tlv = &opts->data[off];
        size_t data_len;
        uint8_t type;

        if (off >= opts->len) {
            FAIL("more Geneve nests than the %u bytes of options hold",
                 opts->len);
        }
        data_len = (tlv[3] & 0x1f) * 4;
        type = tlv[2];
        CHECK(mnl_attr_get_type(nest) == geneve);
        CHECK(nest->nla_type & NLA_F_NESTED);
        CHECK(mnl_attr_get_payload_len(nest) == 8 + 8 + 4 + data_len);
        TRY(expect_payload(find_nested(nest,
                                       TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS),
                           "CLASS", tlv, 2));
        TRY(expect_payload(find_nested(nest,
                                       TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE),
                           "TYPE", &type, 1));
        TRY(expect_payload(find_nested(nest,
                                       TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA),
                           "DATA", tlv + 4, data_len));
        off += 4 + data_len;
    }
    if (off != opts->len) {
        FAIL("Geneve nests carry %zu bytes of options, expected %u", off,
             opts->len);
    }
    return NULL;
}

/* Tests: tunnel keys, one at a time. */

/* The key id (VNI) matches exactly or not at all: no mask attribute. */
const char *
test_rt_enc_key_id(void)
{
    uint32_t id = htonl(0x123456);
    struct flower_rule r;

    base_rule(&r);
    r.key.enc_key_id = id;
    r.mask.enc_key_id = 0xffffffff;
    TRY(CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_KEY_ID, &id, 0, NULL, 4));
    r.mask.enc_key_id = htonl(0x00ffffff);
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* Outer IPv4 source or destination address with a prefix mask. */
static const char *
test_rt_enc_ipv4_addr(bool dst)
{
    uint32_t addr = htonl(0xc0a80001), mask = htonl(0xffffff00);
    struct flower_rule r;

    base_rule(&r);
    *(dst ? &r.key.enc_ipv4_dst : &r.key.enc_ipv4_src) = addr;
    *(dst ? &r.mask.enc_ipv4_dst : &r.mask.enc_ipv4_src) = mask;
    TRY(dst
        ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IPV4_DST, &addr,
                      TCA_FLOWER_KEY_ENC_IPV4_DST_MASK, &mask, 4)
        : CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IPV4_SRC, &addr,
                      TCA_FLOWER_KEY_ENC_IPV4_SRC_MASK, &mask, 4));
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_IPV4_SRC);
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_ENC_IPV6_SRC);
    return NULL;
}
VARIANT_TEST(rt_enc_ipv4_src, test_rt_enc_ipv4_addr, false)
VARIANT_TEST(rt_enc_ipv4_dst, test_rt_enc_ipv4_addr, true)

/* Outer IPv6 source or destination address with a prefix mask. */
static const char *
test_rt_enc_ipv6_addr(bool dst)
{
    struct in6_addr addr, mask;
    struct flower_rule r;

    memset(&addr, 0, sizeof addr);
    addr.s6_addr[0] = 0x20;
    addr.s6_addr[1] = 0x01;
    addr.s6_addr[15] = dst ? 2 : 1;
    memset(&mask, 0, sizeof mask);
    memset(&mask, 0xff, 8);
    base_rule(&r);
    *(dst ? &r.key.enc_ipv6_dst : &r.key.enc_ipv6_src) = addr;
    *(dst ? &r.mask.enc_ipv6_dst : &r.mask.enc_ipv6_src) = mask;
    TRY(dst
        ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IPV6_DST, &addr,
                      TCA_FLOWER_KEY_ENC_IPV6_DST_MASK, &mask, 16)
        : CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IPV6_SRC, &addr,
                      TCA_FLOWER_KEY_ENC_IPV6_SRC_MASK, &mask, 16));
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_ENC_IPV4_SRC);
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_ENC_IPV4_DST);
    return NULL;
}
VARIANT_TEST(rt_enc_ipv6_src, test_rt_enc_ipv6_addr, false)
VARIANT_TEST(rt_enc_ipv6_dst, test_rt_enc_ipv6_addr, true)

/* Outer TOS (ECN masked out) or TTL, whatever the inner ethertype. */
static const char *
test_rt_enc_ip(bool ttl)
{
    uint8_t value = ttl ? 64 : 0xb8, mask = ttl ? 0xff : 0xfc;
    struct flower_rule r;

    base_rule(&r);
    *(ttl ? &r.key.enc_ttl : &r.key.enc_tos) = value;
    *(ttl ? &r.mask.enc_ttl : &r.mask.enc_tos) = mask;
    TRY(ttl
        ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IP_TTL, &value,
                      TCA_FLOWER_KEY_ENC_IP_TTL_MASK, &mask, 1)
        : CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_IP_TOS, &value,
                      TCA_FLOWER_KEY_ENC_IP_TOS_MASK, &mask, 1));
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_IP_TOS);
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_IP_TTL);
    return NULL;
}
VARIANT_TEST(rt_enc_tos, test_rt_enc_ip, false)
VARIANT_TEST(rt_enc_ttl, test_rt_enc_ip, true)

/* Outer UDP source or destination port, without an IP protocol. */
static const char *
test_rt_enc_udp_port(bool dst)
{
    uint16_t port = htons(dst ? 4789 : 49152);
    uint16_t mask = htons(dst ? 0xffff : 0xc000);
    struct flower_rule r;

    base_rule(&r);
    *(dst ? &r.key.enc_tp_dst : &r.key.enc_tp_src) = port;
    *(dst ? &r.mask.enc_tp_dst : &r.mask.enc_tp_src) = mask;
    TRY(dst
        ? CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_UDP_DST_PORT, &port,
                      TCA_FLOWER_KEY_ENC_UDP_DST_PORT_MASK, &mask, 2)
        : CHECK_FIELD(&r, TCA_FLOWER_KEY_ENC_UDP_SRC_PORT, &port,
                      TCA_FLOWER_KEY_ENC_UDP_SRC_PORT_MASK, &mask, 2));
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_UDP_SRC);
    EXPECT_NO_OPT(buf, TCA_FLOWER_KEY_UDP_DST);
    return NULL;
}
VARIANT_TEST(rt_enc_udp_src, test_rt_enc_udp_port, false)
VARIANT_TEST(rt_enc_udp_dst, test_rt_enc_udp_port, true)

/* Every tunnel key at once, on an inner TCP rule, as OVS matches a packet
 * a VXLAN device received. */
const char *
test_rt_enc_all(void)
{
    struct flower_rule r;

    tunnel_match_rule(&r);
    CHECK(encode(&r) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_KEY_ID) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_IPV4_SRC) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_IPV4_DST) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_IP_TOS) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_IP_TTL) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_UDP_SRC_PORT) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_ENC_UDP_DST_PORT) != NULL);
    CHECK(find_opt(buf, TCA_FLOWER_KEY_TCP_DST) != NULL);
    return roundtrip(&r);
}

/* Tests: tunnel options. */

/* Encodes 'r' and checks that its option key and mask are one Geneve nest
 * per TLV of its 'enc_geneve' key and mask, then round-trips it. */
static const char *
check_geneve_key(const struct flower_rule *r)
{
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    TRY(expect_geneve_nests(find_opt(nlh, TCA_FLOWER_KEY_ENC_OPTS),
                            TCA_FLOWER_KEY_ENC_OPTS_GENEVE,
                            &r->key.enc_geneve));
    TRY(expect_geneve_nests(find_opt(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK),
                            TCA_FLOWER_KEY_ENC_OPTS_GENEVE,
                            &r->mask.enc_geneve));
    return roundtrip(r);
}

/* One Geneve TLV, exact. */
const char *
test_rt_enc_geneve_one(void)
{
    struct flower_rule r;

    base_rule(&r);
    add_tlv(&r.key.enc_geneve, 0x0102, 0x80, 1, 0x10, 1);
    add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 1, 0xff, 0);
    return check_geneve_key(&r);
}

/* Two TLVs of different lengths, the second as long as a TLV can be: a
 * request carries one Geneve nest each. */
const char *
test_rt_enc_geneve_two(void)
{
    struct flower_rule r;

    base_rule(&r);
    add_tlv(&r.key.enc_geneve, 0x0102, 0x01, 2, 0x20, 1);
    add_tlv(&r.key.enc_geneve, 0xffff, 0x7f, 31, 0x40, 3);
    add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 2, 0xff, 0);
    add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 31, 0xff, 0);
    CHECK(r.key.enc_geneve.len == (4 + 8) + (4 + 124));
    return check_geneve_key(&r);
}

/* Masked class, type and data: the mask TLVs keep the key's lengths. */
const char *
test_rt_enc_geneve_masked(void)
{
    struct flower_rule r;

    base_rule(&r);
    add_tlv(&r.key.enc_geneve, 0x0102, 0x80, 2, 0x30, 1);
    add_tlv(&r.key.enc_geneve, 0x0103, 0x05, 1, 0x50, 1);
    add_tlv(&r.mask.enc_geneve, 0x0000, 0x7f, 2, 0x0f, 1);
    add_tlv(&r.mask.enc_geneve, 0xff00, 0x00, 1, 0x00, 0);
    return check_geneve_key(&r);
}

/* A VXLAN GBP: group 0x123, "don't learn", under a mask of the group and
 * that flag, in a VXLAN nest that has NLA_F_NESTED (the kernel wants it). */
const char *
test_rt_enc_vxlan_gbp(void)
{
    const struct nlattr *outer, *vxlan;
    uint32_t gbp = 0x00400123, mask = 0x0040ffff;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    r.key.enc_vxlan_gbp = gbp;
    r.mask.enc_vxlan_gbp = mask;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    outer = find_opt(nlh, TCA_FLOWER_KEY_ENC_OPTS);
    CHECK(outer != NULL);
    vxlan = find_nested(outer, TCA_FLOWER_KEY_ENC_OPTS_VXLAN);
    CHECK(vxlan != NULL);
    CHECK(vxlan->nla_type & NLA_F_NESTED);
    TRY(expect_payload(find_nested(vxlan, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP),
                       "GBP", &gbp, 4));
    outer = find_opt(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
    CHECK(outer != NULL);
    vxlan = find_nested(outer, TCA_FLOWER_KEY_ENC_OPTS_VXLAN);
    CHECK(vxlan != NULL);
    TRY(expect_payload(find_nested(vxlan, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP),
                       "GBP mask", &mask, 4));
    CHECK(find_nested(outer, TCA_FLOWER_KEY_ENC_OPTS_GENEVE) == NULL);
    return roundtrip(&r);
}

/* Tunnel keys the kernel would not match as asked. */
const char *
test_encode_rejects_enc(void)
{
    struct flower_rule r;

    tunnel_match_rule(&r);
    CHECK(encode(&r) != NULL);
    r.mask.enc_ipv6_dst.s6_addr[0] = 0xff;  /* Both families. */
    CHECK(encode(&r) == NULL);
    base_rule(&r);
    r.mask.enc_ipv4_dst = 0xffffffff;
    r.mask.enc_ipv6_src.s6_addr[15] = 0xff;
    CHECK(encode(&r) == NULL);

    base_rule(&r);
    add_tlv(&r.key.enc_geneve, 0x0102, 0x80, 1, 0x10, 1);
    add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 1, 0xff, 0);
    CHECK(encode(&r) != NULL);
    r.mask.enc_vxlan_gbp = 0xffff;          /* Geneve and GBP. */
    CHECK(encode(&r) == NULL);

    base_rule(&r);
    r.key.enc_vxlan_gbp = 0x01000001;       /* Bit not in a header. */
    r.mask.enc_vxlan_gbp = 0x0000ffff;
    CHECK(encode(&r) == NULL);
    r.key.enc_vxlan_gbp = 1;
    r.mask.enc_vxlan_gbp = 0x0001ffff;
    CHECK(encode(&r) == NULL);
    r.mask.enc_vxlan_gbp = 0x0048ffff;
    CHECK(encode(&r) != NULL);
    return NULL;
}

/* Geneve option lists the kernel would refuse, or store otherwise. */
const char *
test_encode_rejects_geneve(void)
{
    struct flower_rule good, r;
    struct nlmsghdr *nlh;

    base_rule(&good);
    add_tlv(&good.key.enc_geneve, 0x0102, 0x80, 2, 0x10, 1);
    add_tlv(&good.key.enc_geneve, 0x0103, 0x81, 1, 0x20, 1);
    add_tlv(&good.mask.enc_geneve, 0xffff, 0xff, 2, 0xff, 0);
    add_tlv(&good.mask.enc_geneve, 0xffff, 0xff, 1, 0xff, 0);
    CHECK(encode(&good) != NULL);

    r = good;
    r.key.enc_geneve.len = r.mask.enc_geneve.len = 18;  /* Cut TLV. */
    CHECK(encode(&r) == NULL);
    r = good;
    r.key.enc_geneve.len = r.mask.enc_geneve.len = 24;  /* Extra bytes. */
    CHECK(encode(&r) == NULL);
    r = good;
    r.key.enc_geneve.data[3] = r.mask.enc_geneve.data[3] = 5;   /* Past
                                                                 * the end. */
    CHECK(encode(&r) == NULL);
    r = good;
    r.key.enc_geneve.data[15] = r.mask.enc_geneve.data[15] = 0; /* No
                                                                 * data. */
    r.key.enc_geneve.len = r.mask.enc_geneve.len = 16;
    CHECK(encode(&r) == NULL);
    r = good;
    r.key.enc_geneve.data[3] |= 0x20;       /* Reserved bit. */
    r.mask.enc_geneve.data[3] |= 0x20;
    CHECK(encode(&r) == NULL);
    r = good;
    r.key.enc_geneve.len = r.mask.enc_geneve.len = 255;
    CHECK(encode(&r) == NULL);
    base_rule(&r);                          /* Reserved bit, lengths fit. */
    add_tlv(&r.key.enc_geneve, 0x0102, 0x80, 0x21, 0x10, 1);
    add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 0x21, 0xff, 0);
    CHECK(r.key.enc_geneve.len == 4 + 0x21 * 4);
    CHECK(encode(&r) == NULL);

    r = good;
    r.mask.enc_geneve.len = 12;             /* Mask shorter than key. */
    CHECK(encode(&r) == NULL);
    r = good;
    r.mask.enc_geneve.data[15] = 2;         /* Another TLV length. */
    CHECK(encode(&r) == NULL);
    r = good;
    memset(&r.key.enc_geneve, 0, sizeof r.key.enc_geneve);  /* Mask only. */
    CHECK(encode(&r) == NULL);

    /* No mask, no match, whatever the key holds. */
    r = good;
    memset(&r.mask.enc_geneve, 0, sizeof r.mask.enc_geneve);
    r.key.enc_geneve.len = 3;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_ENC_OPTS);
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
    return NULL;
}

/* Tests: act_tunnel_key. */

/* Checks that action 'index' of request 'nlh' is a tunnel_key doing
 * 't_action' with verdict PIPE, and points '*options' to its options. */
static const char *
expect_tunnel_key(const struct nlmsghdr *nlh, uint16_t index, int t_action,
                  const struct nlattr **options)
{
    struct tc_tunnel_key p;

    TRY(expect_act_kind(nlh, index, "tunnel_key", options));
    TRY(get_parms(*options, TCA_TUNNEL_KEY_PARMS, &p, sizeof p));
    if (p.t_action != t_action || p.action != TC_ACT_PIPE) {
        FAIL("action %u: tunnel_key t_action %d action %d, expected %d %d",
             index, p.t_action, p.action, t_action, TC_ACT_PIPE);
    }
    return NULL;
}

/* An IPv4 set with every parameter, then the redirect to the tunnel
 * device: the id is a be32, NO_CSUM a u8. */
const char *
test_act_tunnel_set_v4(void)
{
    const struct flower_tunnel_set *t;
    const struct nlattr *options;
    uint8_t no_csum = 1;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_tunnel(&r, 0, false);
    r.actions[1].type = FLOWER_ACT_REDIRECT;
    r.actions[1].ifindex = 20;
    r.n_actions = 2;
    t = &r.actions[0].tunnel;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_SET, &options));
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_KEY_ID, &t->id, 4);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV4_SRC, &t->ipv4_src, 4);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV4_DST, &t->ipv4_dst, 4);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_DST_PORT, &t->tp_dst, 2);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_NO_CSUM, &no_csum, 1);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_TOS, &t->tos, 1);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_TTL, &t->ttl, 1);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV6_SRC);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV6_DST);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_OPTS);
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 20));
    return roundtrip(&r);
}

/* An IPv6 set without id, port, TOS or TTL, with checksums: those are
 * left out, as the kernel leaves them out of its dump, and NO_CSUM is 0. */
const char *
test_act_tunnel_set_v6(void)
{
    const struct flower_tunnel_set *t;
    const struct nlattr *options;
    uint8_t no_csum = 0;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_tunnel(&r, 0, true);
    r.actions[0].tunnel.has_id = false;
    r.actions[0].tunnel.id = 0;
    r.actions[0].tunnel.tp_dst = 0;
    r.actions[0].tunnel.tos = 0;
    r.actions[0].tunnel.ttl = 0;
    r.actions[0].tunnel.no_csum = false;
    r.actions[1].type = FLOWER_ACT_REDIRECT;
    r.actions[1].ifindex = 21;
    r.n_actions = 2;
    t = &r.actions[0].tunnel;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_SET, &options));
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV6_SRC, &t->ipv6_src, 16);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV6_DST, &t->ipv6_dst, 16);
    EXPECT_ACT_OPT(options, TCA_TUNNEL_KEY_NO_CSUM, &no_csum, 1);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_KEY_ID);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_DST_PORT);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_TOS);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_TTL);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV4_SRC);
    EXPECT_NO_ACT_OPT(options, TCA_TUNNEL_KEY_ENC_IPV4_DST);
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 21));
    return roundtrip(&r);
}

/* A set with the rule's Geneve options: one Geneve nest per TLV. */
const char *
test_act_tunnel_set_geneve(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_tunnel(&r, 0, false);
    r.actions[0].tunnel.geneve = true;
    add_tlv(&r.encap_geneve, 0x0102, 0x80, 1, 0x11, 1);
    add_tlv(&r.encap_geneve, 0x0104, 0x01, 3, 0x22, 1);
    r.actions[1].type = FLOWER_ACT_REDIRECT;
    r.actions[1].ifindex = 22;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_SET, &options));
    TRY(expect_geneve_nests(find_nested(options, TCA_TUNNEL_KEY_ENC_OPTS),
                            TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, &r.encap_geneve));
    return roundtrip(&r);
}

/* A set with a VXLAN-GBP (group 0x300, "policy applied"): a VXLAN nest,
 * with NLA_F_NESTED, in the set's options. */
const char *
test_act_tunnel_set_vxlan_gbp(void)
{
    const struct nlattr *options, *outer, *vxlan;
    uint32_t gbp = 0x00080300;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_tunnel(&r, 0, false);
    r.actions[0].tunnel.vxlan_gbp = true;
    r.actions[0].tunnel.gbp = gbp;
    r.actions[1].type = FLOWER_ACT_REDIRECT;
    r.actions[1].ifindex = 22;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_SET, &options));
    outer = find_nested(options, TCA_TUNNEL_KEY_ENC_OPTS);
    CHECK(outer != NULL);
    vxlan = find_nested(outer, TCA_TUNNEL_KEY_ENC_OPTS_VXLAN);
    CHECK(vxlan != NULL);
    CHECK(vxlan->nla_type & NLA_F_NESTED);
    TRY(expect_payload(find_nested(vxlan, TCA_TUNNEL_KEY_ENC_OPT_VXLAN_GBP),
                       "GBP", &gbp, 4));
    CHECK(find_nested(outer, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE) == NULL);
    return roundtrip(&r);
}

/* Decapsulation: a release then the redirect; and a release, a set, a
 * mirror and the redirect (re-encapsulation to two ports). */
const char *
test_act_tunnel_release(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    tunnel_match_rule(&r);
    r.actions[0].type = FLOWER_ACT_TUNNEL_RELEASE;
    r.actions[1].type = FLOWER_ACT_REDIRECT;
    r.actions[1].ifindex = 23;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_RELEASE, &options));
    CHECK(mnl_attr_get_payload_len(options)
          == MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof (struct tc_tunnel_key)));
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 23));
    TRY(roundtrip(&r));

    set_tunnel(&r, 1, true);
    r.actions[2].type = FLOWER_ACT_MIRROR;
    r.actions[2].ifindex = 24;
    r.actions[3].type = FLOWER_ACT_REDIRECT;
    r.actions[3].ifindex = 25;
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_tunnel_key(nlh, 1, TCA_TUNNEL_KEY_ACT_RELEASE, &options));
    TRY(expect_tunnel_key(nlh, 2, TCA_TUNNEL_KEY_ACT_SET, &options));
    TRY(expect_mirred(nlh, 3, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 24));
    return roundtrip(&r);
}

/* Sets the encoder must refuse: DF (no attribute in Linux 6.1's uapi),
 * addresses of both families or of neither, an id without 'has_id', bad
 * or empty Geneve options, Geneve options on two sets, a GBP with bits the
 * kernel drops, or without 'vxlan_gbp', or with Geneve options, a set
 * last. */
const char *
test_act_tunnel_refuse(void)
{
    struct flower_rule good, r;

    base_rule(&good);
    set_tunnel(&good, 0, false);
    good.actions[1].type = FLOWER_ACT_REDIRECT;
    good.actions[1].ifindex = 20;
    good.n_actions = 2;
    CHECK(encode(&good) != NULL);

    r = good;
    r.actions[0].tunnel.dont_fragment = true;
    CHECK(encode(&r) == NULL);
    r = good;
    r.actions[0].tunnel.ipv6_dst.s6_addr[15] = 1;
    CHECK(encode(&r) == NULL);
    r = good;
    r.actions[0].tunnel.ipv6_src.s6_addr[0] = 0xfe;
    CHECK(encode(&r) == NULL);
    r = good;
    r.actions[0].tunnel.ipv4_dst = 0;       /* IPv4 source, no dst. */
    CHECK(encode(&r) == NULL);
    r.actions[0].tunnel.ipv4_src = 0;       /* No address at all. */
    CHECK(encode(&r) == NULL);
    r = good;
    r.actions[0].tunnel.has_id = false;
    CHECK(encode(&r) == NULL);
    r.actions[0].tunnel.id = 0;
    CHECK(encode(&r) != NULL);

    r = good;
    r.actions[0].tunnel.geneve = true;      /* No options. */
    CHECK(encode(&r) == NULL);
    add_tlv(&r.encap_geneve, 0x0102, 0x80, 1, 0x11, 1);
    CHECK(encode(&r) != NULL);
    r.encap_geneve.data[3] = 2;             /* TLV past the end. */
    CHECK(encode(&r) == NULL);
    r.encap_geneve.data[3] = 1;
    r.actions[1] = r.actions[0];            /* A second Geneve set. */
    r.actions[2].type = FLOWER_ACT_REDIRECT;
    r.actions[2].ifindex = 20;
    r.n_actions = 3;
    CHECK(encode(&r) == NULL);
    r.actions[1].tunnel.geneve = false;
    CHECK(encode(&r) != NULL);

    r = good;
    r.actions[0].tunnel.gbp = 0x00480001;   /* No 'vxlan_gbp'. */
    CHECK(encode(&r) == NULL);
    r.actions[0].tunnel.vxlan_gbp = true;
    CHECK(encode(&r) != NULL);
    r.actions[0].tunnel.gbp = 0x00010001;   /* A flag the kernel drops. */
    CHECK(encode(&r) == NULL);
    r.actions[0].tunnel.gbp = 0x00480001;
    r.actions[0].tunnel.geneve = true;      /* And Geneve options. */
    add_tlv(&r.encap_geneve, 0x0102, 0x80, 1, 0x11, 1);
    CHECK(encode(&r) == NULL);

    r = good;
    r.n_actions = 1;                        /* A set ends no list. */
    CHECK(encode(&r) == NULL);
    r.actions[0].type = FLOWER_ACT_TUNNEL_RELEASE;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* The largest request the model allows still fits FLOWER_MSG_BUFSIZE:
 * every kind of key with 31 Geneve TLVs in key and mask, and 16 actions of
 * which 14 IPv6 tunnel sets, the first with 31 TLVs, and a pedit of 32
 * keys. */
const char *
test_tunnel_msg_size(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;
    int i;

    tunnel_match_rule(&r);
    memset(r.mask.eth_dst, 0xff, 6);
    memset(r.mask.eth_src, 0xff, 6);
    r.key.enc_ipv4_src = r.key.enc_ipv4_dst = 0;
    r.mask.enc_ipv4_src = r.mask.enc_ipv4_dst = 0;
    memset(&r.mask.enc_ipv6_src, 0xff, 16);
    memset(&r.mask.enc_ipv6_dst, 0xff, 16);
    r.mask.ip_tos = r.mask.ip_ttl = 0xff;
    r.mask.ipv4_src = r.mask.ipv4_dst = 0xffffffff;
    r.mask.tp_src = r.mask.tcp_flags = 0xffff;
    r.mask.ip_flags = 1;
    r.mask.ct_state = r.mask.ct_zone = 0xffff;
    r.mask.ct_mark = 0xffffffff;
    memset(r.mask.ct_label, 0xff, 16);
    for (i = 0; i < 31; i++) {
        add_tlv(&r.key.enc_geneve, i, i, 1, i, 1);
        add_tlv(&r.mask.enc_geneve, 0xffff, 0xff, 1, 0xff, 0);
        add_tlv(&r.encap_geneve, i, i, 1, i, 1);
    }
    for (i = 0; i < FLOWER_MAX_ACTIONS - 2; i++) {
        set_tunnel(&r, i, true);
    }
    r.actions[0].tunnel.geneve = true;
    for (i = 0; i < FLOWER_MAX_PEDIT_KEYS; i++) {
        set_pedit_key(&r, i, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 4 * i, 0, ~0U);
    }
    set_pedit(&r, FLOWER_MAX_ACTIONS - 2, 0, FLOWER_MAX_PEDIT_KEYS);
    r.actions[FLOWER_MAX_ACTIONS - 1].type = FLOWER_ACT_REDIRECT;
    r.actions[FLOWER_MAX_ACTIONS - 1].ifindex = 20;
    r.n_actions = FLOWER_MAX_ACTIONS;
    r.has_cookie = true;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    if (nlh->nlmsg_len > FLOWER_MSG_BUFSIZE) {
        FAIL("request of %u bytes", nlh->nlmsg_len);
    }
    return roundtrip(&r);
}
