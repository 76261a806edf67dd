/*
 * Unit tests for lib/flower-codec*.c on tunnels, as requests: each tunnel
 * key (enc_*) encoded alone, checked attribute by attribute and
 * round-tripped, and the keys the encoder must refuse.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <linux/pkt_cls.h>
#include <string.h>

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
    return NULL;
}
