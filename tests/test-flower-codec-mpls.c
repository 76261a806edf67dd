/*
 * Unit tests for lib/flower-codec*.c on MPLS: round trips of the match on
 * the outermost label stack entry, alone and after VLAN tags, the
 * encodings the kernel would not take as given, and kernel dumps of such
 * matches, well formed or not.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <string.h>

/* Helpers. */

/* Initializes 'r' to base_rule() restricted to ethertype 'type' (host
 * order), without any LSE field. */
static void
mpls_rule(struct flower_rule *r, uint16_t type)
{
    base_rule(r);
    r->protocol = htons(type);
    r->key.eth_type = htons(type);
    r->mask.eth_type = 0xffff;
}

/* Makes 'r' match the outermost LSE in full: label 0xabcde, TC 5, BOS 1,
 * TTL 64. */
static void
match_lse(struct flower_rule *r)
{
    r->key.mpls_label = 0xabcde;
    r->mask.mpls_label = 0xfffff;
    r->key.mpls_tc = 5;
    r->mask.mpls_tc = 0x7;
    r->key.mpls_bos = 1;
    r->mask.mpls_bos = 0x1;
    r->key.mpls_ttl = 64;
    r->mask.mpls_ttl = 0xff;
}

/* Checks that the request for 'r' carries the key attributes of the LSE
 * fields it matches, and no others. */
static const char *
expect_lse_attrs(const struct flower_rule *r)
{
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    if (r->mask.mpls_label) {
        EXPECT_OPT(nlh, TCA_FLOWER_KEY_MPLS_LABEL, &r->key.mpls_label, 4);
    } else {
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_MPLS_LABEL);
    }
    if (r->mask.mpls_tc) {
        EXPECT_OPT(nlh, TCA_FLOWER_KEY_MPLS_TC, &r->key.mpls_tc, 1);
    } else {
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_MPLS_TC);
    }
    if (r->mask.mpls_bos) {
        EXPECT_OPT(nlh, TCA_FLOWER_KEY_MPLS_BOS, &r->key.mpls_bos, 1);
    } else {
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_MPLS_BOS);
    }
    if (r->mask.mpls_ttl) {
        EXPECT_OPT(nlh, TCA_FLOWER_KEY_MPLS_TTL, &r->key.mpls_ttl, 1);
    } else {
        EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_MPLS_TTL);
    }
    EXPECT_NO_OPT(nlh, TCA_FLOWER_KEY_MPLS_OPTS);
    return roundtrip(r);
}

/* Tests: match keys. */

/* Each LSE field alone: its attribute in host order, no mask attribute,
 * and back with the full mask of its width. */
const char *
test_rt_mpls_fields(void)
{
    struct flower_rule r;

    mpls_rule(&r, ETH_P_MPLS_UC);
    r.key.mpls_label = 0xfffff;
    r.mask.mpls_label = 0xfffff;
    TRY(expect_lse_attrs(&r));

    mpls_rule(&r, ETH_P_MPLS_UC);
    r.key.mpls_label = 3;               /* Reserved labels match too. */
    r.mask.mpls_label = 0xfffff;
    TRY(expect_lse_attrs(&r));

    mpls_rule(&r, ETH_P_MPLS_MC);
    r.key.mpls_tc = 7;
    r.mask.mpls_tc = 0x7;
    TRY(expect_lse_attrs(&r));

    mpls_rule(&r, ETH_P_MPLS_UC);
    r.mask.mpls_bos = 0x1;              /* BOS 0: a value of 0 matches. */
    TRY(expect_lse_attrs(&r));

    mpls_rule(&r, ETH_P_MPLS_MC);
    r.key.mpls_ttl = 0;
    r.mask.mpls_ttl = 0xff;
    return expect_lse_attrs(&r);
}

/* The whole LSE, on either MPLS ethertype. */
const char *
test_rt_mpls_lse(void)
{
    struct flower_rule r;

    mpls_rule(&r, ETH_P_MPLS_UC);
    match_lse(&r);
    TRY(expect_lse_attrs(&r));
    mpls_rule(&r, ETH_P_MPLS_MC);
    match_lse(&r);
    return expect_lse_attrs(&r);
}

/* cls_flower reads the LSE after one or two VLAN tags too: the effective
 * ethertype is the one after the tags. */
const char *
test_rt_mpls_vlan(void)
{
    struct flower_rule r;

    vlan_rule(&r, ETH_P_MPLS_UC);
    match_lse(&r);
    TRY(expect_lse_attrs(&r));
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_MPLS_MC);
    match_lse(&r);
    return expect_lse_attrs(&r);
}

/* What the kernel would not match exactly as given: partial or wider
 * masks, values wider than their field, and LSE fields without an MPLS
 * effective ethertype (cls_flower would ignore them). */
const char *
test_encode_rejects_mpls(void)
{
    struct flower_rule r;

    mpls_rule(&r, ETH_P_MPLS_UC);
    match_lse(&r);
    CHECK(encode(&r) != NULL);          /* Control. */

    r.mask.mpls_label = 0xff000;
    CHECK(encode(&r) == NULL);
    r.mask.mpls_label = 0xffffffff;
    CHECK(encode(&r) == NULL);
    match_lse(&r);
    r.mask.mpls_tc = 0x3;
    CHECK(encode(&r) == NULL);
    r.mask.mpls_tc = 0xff;
    CHECK(encode(&r) == NULL);
    match_lse(&r);
    r.mask.mpls_bos = 0xff;
    CHECK(encode(&r) == NULL);
    match_lse(&r);
    r.mask.mpls_ttl = 0xf0;
    CHECK(encode(&r) == NULL);

    match_lse(&r);
    r.key.mpls_label = 0x100000;
    CHECK(encode(&r) == NULL);
    match_lse(&r);
    r.key.mpls_tc = 8;
    CHECK(encode(&r) == NULL);
    match_lse(&r);
    r.key.mpls_bos = 2;
    CHECK(encode(&r) == NULL);

    ip_rule(&r, false);
    match_lse(&r);
    CHECK(encode(&r) == NULL);
    base_rule(&r);                      /* No ethertype at all. */
    r.key.mpls_ttl = 1;
    r.mask.mpls_ttl = 0xff;
    CHECK(encode(&r) == NULL);
    mpls_rule(&r, ETH_P_MPLS_UC);
    r.mask.eth_type = 0;
    r.mask.mpls_tc = 0x7;
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_IP);            /* The type after the tag. */
    r.key.eth_type = htons(ETH_P_MPLS_UC);
    r.mask.mpls_bos = 0x1;
    CHECK(encode(&r) == NULL);
    vlan_rule(&r, ETH_P_MPLS_UC);
    r.mask.vlan_eth_type = 0;
    r.mask.mpls_bos = 0x1;
    CHECK(encode(&r) == NULL);
    qinq_rule(&r, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IPV6);
    r.key.vlan_eth_type = htons(ETH_P_MPLS_UC);
    r.mask.mpls_label = 0xfffff;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* Tests: kernel dumps of MPLS matches. */

/* Builds the dump entry of a rule of filter protocol 'protocol' with the
 * keys 'keys' (each 'size' bytes long: 1, 2 or 4) and a redirect to 9. */
static struct nlmsghdr *
reply_keys(uint16_t protocol, const struct opt *keys, size_t n_keys)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(protocol));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list;
    size_t i;

    for (i = 0; i < n_keys; i++) {
        mnl_attr_put(nlh, keys[i].type, keys[i].size, keys[i].data);
    }
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, NO_TM);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* The LSE as fl_dump_key_mpls() reports it decodes to the rule that was
 * added, after VLAN tags too (where fl_dump_key() puts the type after
 * the tag in ETH_TYPE and the TPID nowhere but in the filter protocol). */
const char *
test_decode_mpls_dump(void)
{
    uint16_t mpls = htons(ETH_P_MPLS_UC), vid = 100;
    uint32_t label = 0xabcde;
    uint8_t tc = 5, bos = 1, ttl = 64, prio = 5;
    const struct opt keys[] = {
        { TCA_FLOWER_KEY_ETH_TYPE, &mpls, 2 },
        { TCA_FLOWER_KEY_MPLS_TTL, &ttl, 1 },
        { TCA_FLOWER_KEY_MPLS_TC, &tc, 1 },
        { TCA_FLOWER_KEY_MPLS_LABEL, &label, 4 },
        { TCA_FLOWER_KEY_MPLS_BOS, &bos, 1 },
        { TCA_FLOWER_KEY_VLAN_ID, &vid, 2 },
        { TCA_FLOWER_KEY_VLAN_PRIO, &prio, 1 },
        { TCA_FLOWER_KEY_VLAN_ETH_TYPE, &mpls, 2 },
    };
    struct flower_rule r, expected;

    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 5), &r), 0);
    mpls_rule(&expected, ETH_P_MPLS_UC);
    match_lse(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    TRY(compare_rules(&expected, &r));

    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 2), &r), 0);
    expected.key.mpls_label = expected.mask.mpls_label = 0;
    expected.key.mpls_tc = expected.mask.mpls_tc = 0;
    expected.key.mpls_bos = expected.mask.mpls_bos = 0;
    TRY(compare_rules(&expected, &r));

    CHECK_ERR(decode_copy(reply_keys(ETH_P_8021Q, keys, 8), &r), 0);
    vlan_rule(&expected, ETH_P_MPLS_UC);
    match_lse(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    return compare_rules(&expected, &r);
}

/* LSE keys the kernel never reports: values wider than their field, keys
 * without an MPLS ethertype, attributes of the wrong size (EPROTO); and
 * the nested TCA_FLOWER_KEY_MPLS_OPTS of deeper LSEs, valid but not ours
 * (EOPNOTSUPP). */
const char *
test_bad_mpls_keys(void)
{
    uint16_t mpls = htons(ETH_P_MPLS_UC), ip = htons(ETH_P_IP);
    uint32_t label = 0xfffff, bad_label = 0x100000;
    uint8_t tc = 7, bad_tc = 8, bos = 1, bad_bos = 2, zeros[4] = { 0 };
    struct nlattr lse = { sizeof lse, TCA_FLOWER_KEY_MPLS_OPTS_LSE
                                      | NLA_F_NESTED };
    struct opt keys[] = {
        { TCA_FLOWER_KEY_ETH_TYPE, &mpls, 2 },
        { TCA_FLOWER_KEY_MPLS_LABEL, &label, 4 },
        { TCA_FLOWER_KEY_MPLS_TC, &tc, 1 },
        { TCA_FLOWER_KEY_MPLS_BOS, &bos, 1 },
    };
    struct flower_rule r;

    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 4), &r), 0);
    keys[1].data = &bad_label;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 4), &r), EPROTO);
    keys[1].data = &label;
    keys[2].data = &bad_tc;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 4), &r), EPROTO);
    keys[2].data = &tc;
    keys[3].data = &bad_bos;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 4), &r), EPROTO);
    keys[3].data = &bos;

    keys[0].data = &ip;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_IP, keys, 4), &r), EPROTO);
    CHECK_ERR(decode_copy(reply_keys(ETH_P_ALL, &keys[1], 1), &r), EPROTO);
    keys[0].data = &mpls;

    keys[1].size = 2;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 2), &r), EPROTO);
    keys[1].size = 4;
    keys[2].data = zeros;
    keys[2].size = 4;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 3), &r), EPROTO);

    keys[1].type = TCA_FLOWER_KEY_MPLS_OPTS | NLA_F_NESTED;  /* Depth 2. */
    keys[1].data = &lse;
    keys[1].size = sizeof lse;
    CHECK_ERR(decode_copy(reply_keys(ETH_P_MPLS_UC, keys, 2), &r),
              EOPNOTSUPP);
    return NULL;
}
