/*
 * Unit tests for lib/flower-codec*.c on MPLS: round trips of the match on
 * the outermost label stack entry, alone and after VLAN tags, and of the
 * push, pop and modify of act_mpls; the encodings the kernel would not
 * take as given; kernel dumps of either, well formed or not.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_mpls.h>
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

/* Makes action 'i' of 'r' an MPLS push of label 0x12345, TC 3, TTL 64,
 * BOS 1 with ethertype 'type' (host order). */
static void
set_mpls_push(struct flower_rule *r, int i, uint16_t type)
{
    struct flower_mpls *m = &r->actions[i].mpls;

    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_MPLS_PUSH;
    m->proto = htons(type);
    m->label = 0x12345;
    m->tc = 3;
    m->ttl = 64;
    m->bos = 1;
}

/* Makes action 'i' of 'r' an MPLS pop to ethertype 'type' (host order). */
static void
set_mpls_pop(struct flower_rule *r, int i, uint16_t type)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_MPLS_POP;
    r->actions[i].mpls.proto = htons(type);
}

/* Makes action 'i' of 'r' an MPLS modify of nothing yet. */
static void
set_mpls_set(struct flower_rule *r, int i)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_MPLS_SET;
}

/* Makes 'r' do its action 0, then a redirect to 9. */
static void
then_redirect(struct flower_rule *r)
{
    memset(&r->actions[1], 0, sizeof r->actions[1]);
    r->actions[1].type = FLOWER_ACT_REDIRECT;
    r->actions[1].ifindex = 9;
    r->n_actions = 2;
}

/* Checks that action 1 of 'nlh' is act_mpls 'm_action' with verdict PIPE,
 * and points '*options' to its options. */
static const char *
expect_mpls(const struct nlmsghdr *nlh, int m_action,
            const struct nlattr **options)
{
    struct tc_mpls p;

    TRY(expect_act_kind(nlh, 1, "mpls", options));
    TRY(get_parms(*options, TCA_MPLS_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(p.m_action == m_action);
    return NULL;
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

/* Tests: act_mpls. */

/* An MPLS push then a redirect: act_mpls PUSH with the whole LSE, the
 * label a host-order u32, the ethertype big-endian. */
static const char *
test_act_mpls_push(uint16_t type)
{
    uint8_t type_be[2] = { type >> 8, type & 0xff };
    const struct nlattr *options;
    const struct flower_mpls *m;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_mpls_push(&r, 0, type);
    then_redirect(&r);
    m = &r.actions[0].mpls;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mpls(nlh, TCA_MPLS_ACT_PUSH, &options));
    EXPECT_ACT_OPT(options, TCA_MPLS_PROTO, type_be, 2);
    EXPECT_ACT_OPT(options, TCA_MPLS_LABEL, &m->label, 4);
    EXPECT_ACT_OPT(options, TCA_MPLS_TC, &m->tc, 1);
    EXPECT_ACT_OPT(options, TCA_MPLS_TTL, &m->ttl, 1);
    EXPECT_ACT_OPT(options, TCA_MPLS_BOS, &m->bos, 1);
    TRY(roundtrip(&r));

    r.actions[0].mpls.bos = 0;          /* Zeros are put too. */
    r.actions[0].mpls.tc = 0;
    r.actions[0].mpls.label = 0;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mpls(nlh, TCA_MPLS_ACT_PUSH, &options));
    EXPECT_ACT_OPT(options, TCA_MPLS_TC, &m->tc, 1);
    EXPECT_ACT_OPT(options, TCA_MPLS_BOS, &m->bos, 1);
    return roundtrip(&r);
}

VARIANT_TEST(act_mpls_push_uc, test_act_mpls_push, ETH_P_MPLS_UC)
VARIANT_TEST(act_mpls_push_mc, test_act_mpls_push, ETH_P_MPLS_MC)

/* An MPLS pop: act_mpls POP with the next ethertype and no LSE field. */
const char *
test_act_mpls_pop(void)
{
    uint8_t type_be[2] = { 0x86, 0xdd };
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    mpls_rule(&r, ETH_P_MPLS_UC);
    set_mpls_pop(&r, 0, ETH_P_IPV6);
    then_redirect(&r);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mpls(nlh, TCA_MPLS_ACT_POP, &options));
    EXPECT_ACT_OPT(options, TCA_MPLS_PROTO, type_be, 2);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_LABEL);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_TC);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_TTL);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_BOS);
    return roundtrip(&r);
}

/* An MPLS modify puts only the fields it sets, and never an ethertype
 * (act_mpls refuses one). */
const char *
test_act_mpls_set(void)
{
    const struct nlattr *options;
    struct flower_mpls *m;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    mpls_rule(&r, ETH_P_MPLS_UC);
    set_mpls_set(&r, 0);
    then_redirect(&r);
    m = &r.actions[0].mpls;
    m->set_ttl = true;
    m->ttl = 9;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mpls(nlh, TCA_MPLS_ACT_MODIFY, &options));
    EXPECT_ACT_OPT(options, TCA_MPLS_TTL, &m->ttl, 1);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_PROTO);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_LABEL);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_TC);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_BOS);
    TRY(roundtrip(&r));

    m->set_label = m->set_tc = m->set_bos = true;
    m->label = 0xfffff;
    m->tc = 7;
    m->bos = 0;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mpls(nlh, TCA_MPLS_ACT_MODIFY, &options));
    EXPECT_ACT_OPT(options, TCA_MPLS_LABEL, &m->label, 4);
    EXPECT_ACT_OPT(options, TCA_MPLS_TC, &m->tc, 1);
    EXPECT_ACT_OPT(options, TCA_MPLS_TTL, &m->ttl, 1);
    EXPECT_ACT_OPT(options, TCA_MPLS_BOS, &m->bos, 1);
    EXPECT_NO_ACT_OPT(options, TCA_MPLS_PROTO);
    return roundtrip(&r);
}

/* MPLS actions that act_mpls would refuse, or run otherwise than asked. */
const char *
test_encode_rejects_mpls_acts(void)
{
    struct flower_rule r;

    base_rule(&r);
    set_mpls_push(&r, 0, ETH_P_MPLS_UC);
    then_redirect(&r);
    CHECK(encode(&r) != NULL);          /* Control. */
    r.actions[0].mpls.label = 3;        /* Implicit null. */
    CHECK(encode(&r) == NULL);
    r.actions[0].mpls.label = 0x100000;
    CHECK(encode(&r) == NULL);
    set_mpls_push(&r, 0, ETH_P_MPLS_UC);
    r.actions[0].mpls.tc = 8;
    CHECK(encode(&r) == NULL);
    set_mpls_push(&r, 0, ETH_P_MPLS_UC);
    r.actions[0].mpls.ttl = 0;
    CHECK(encode(&r) == NULL);
    set_mpls_push(&r, 0, ETH_P_MPLS_UC);
    r.actions[0].mpls.bos = 2;
    CHECK(encode(&r) == NULL);
    set_mpls_push(&r, 0, ETH_P_IP);
    CHECK(encode(&r) == NULL);

    set_mpls_pop(&r, 0, ETH_P_IP);
    CHECK(encode(&r) != NULL);          /* Control. */
    set_mpls_pop(&r, 0, ETH_P_802_3_MIN - 1);
    CHECK(encode(&r) == NULL);
    set_mpls_pop(&r, 0, 0);
    CHECK(encode(&r) == NULL);

    set_mpls_set(&r, 0);
    r.actions[0].mpls.set_label = true;
    r.actions[0].mpls.label = 16;
    CHECK(encode(&r) != NULL);          /* Control. */
    r.actions[0].mpls.proto = htons(ETH_P_MPLS_UC);
    CHECK(encode(&r) == NULL);
    set_mpls_set(&r, 0);
    r.actions[0].mpls.set_label = true;
    r.actions[0].mpls.label = 3;
    CHECK(encode(&r) == NULL);
    set_mpls_set(&r, 0);
    r.actions[0].mpls.set_ttl = true;
    CHECK(encode(&r) == NULL);          /* TTL 0. */
    set_mpls_set(&r, 0);
    r.actions[0].mpls.set_tc = true;
    r.actions[0].mpls.tc = 9;
    CHECK(encode(&r) == NULL);
    set_mpls_set(&r, 0);
    r.actions[0].mpls.set_bos = true;
    r.actions[0].mpls.bos = 3;
    CHECK(encode(&r) == NULL);

    set_mpls_set(&r, 0);                /* A PIPE action cannot end. */
    r.n_actions = 1;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* A dump entry with push, modify, pop and redirect as tcf_mpls_dump()
 * reports them (the modify with the default ethertype, timestamps,
 * padding) decodes to the rule that was added. */
const char *
test_decode_kernel_mpls(void)
{
    struct flower_rule r, expected;
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    base_rule(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    set_mpls_push(&expected, 0, ETH_P_MPLS_MC);
    set_mpls_set(&expected, 1);
    expected.actions[1].mpls.set_tc = true;
    expected.actions[1].mpls.tc = 6;
    expected.actions[1].mpls.set_bos = true;
    set_mpls_pop(&expected, 2, ETH_P_ARP);
    expected.actions[3].type = FLOWER_ACT_REDIRECT;
    expected.actions[3].ifindex = 9;
    expected.n_actions = 4;

    reply_mpls(nlh, &n, 1, TCA_MPLS_ACT_PUSH, &expected.actions[0].mpls, 7);
    reply_mpls(nlh, &n, 2, TCA_MPLS_ACT_MODIFY, &expected.actions[1].mpls,
               5);
    reply_mpls(nlh, &n, 3, TCA_MPLS_ACT_POP, &expected.actions[2].mpls, 6);
    reply_mirred(nlh, 4, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, 8);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
    expected.stats.has_lastuse = true;
    expected.stats.lastuse_ms = 50;
    TRY(compare_rules(&expected, &r));

    /* What the kernel reports is what we would request. */
    expected.stats.has_lastuse = false;
    expected.stats.lastuse_ms = 0;
    return roundtrip(&expected);
}

/* act_mpls options as a kernel never reports them (EPROTO), and valid
 * ones the codec does not model (EOPNOTSUPP). */
const char *
test_bad_mpls_reply(void)
{
    static const int m_actions[] = {
        TCA_MPLS_ACT_DEC_TTL, TCA_MPLS_ACT_MAC_PUSH, 0, 99,
    };
    struct tc_mpls p = { .action = TC_ACT_PIPE,
                         .m_action = TCA_MPLS_ACT_PUSH };
    uint16_t proto = htons(ETH_P_MPLS_UC);
    uint32_t label = 0x12345;
    uint8_t tc = 3, ttl = 64, bos = 1;
    struct opt opts[] = {
        { TCA_MPLS_PARMS, &p, sizeof p },
        { TCA_MPLS_PROTO, &proto, 2 },
        { TCA_MPLS_TTL, &ttl, 1 },
        { TCA_MPLS_LABEL, &label, 4 },
        { TCA_MPLS_TC, &tc, 1 },
        { TCA_MPLS_BOS, &bos, 1 },
    };
    size_t i;

    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, 0);     /* Control. */
    CHECK_ACT_REPLY("mpls", opts, 5, 0, 0, EOPNOTSUPP);    /* No BOS. */
    CHECK_ACT_REPLY("mpls", opts, 4, 0, 0, EOPNOTSUPP);    /* No TC. */
    CHECK_ACT_REPLY("mpls", opts, 2, 0, 0, EPROTO);        /* No label. */
    CHECK_ACT_REPLY("mpls", &opts[1], 5, 0, 0, EPROTO);    /* No parms. */
    opts[1].type = TCA_MPLS_MAX + 1;                       /* Newer. */
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EOPNOTSUPP);
    opts[1].type = TCA_MPLS_PAD;                   /* Proto 0x8847. */
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, 0);
    opts[1].type = TCA_MPLS_PROTO;
    opts[2].type = TCA_MPLS_PAD;                   /* Default TTL. */
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EOPNOTSUPP);
    opts[2].type = TCA_MPLS_TTL;

    CHECK_ACT_REPLY("mpls", opts, 6, TCA_MPLS_PARMS, sizeof p - 4, EPROTO);
    CHECK_ACT_REPLY("mpls", opts, 6, TCA_MPLS_PROTO, 4, EPROTO);
    CHECK_ACT_REPLY("mpls", opts, 6, TCA_MPLS_LABEL, 2, EPROTO);
    CHECK_ACT_REPLY("mpls", opts, 6, TCA_MPLS_TC, 4, EPROTO);

    label = 3;
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);
    label = 0x100000;
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);
    label = 0x12345;
    tc = 8;
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);
    tc = 3;
    ttl = 0;
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);
    ttl = 64;
    bos = 2;
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);
    bos = 1;
    proto = htons(ETH_P_IP);                    /* Push of IP. */
    CHECK_ACT_REPLY("mpls", opts, 6, 0, 0, EPROTO);

    p.m_action = TCA_MPLS_ACT_POP;
    CHECK_ACT_REPLY("mpls", opts, 2, 0, 0, 0);     /* Control. */
    CHECK_ACT_REPLY("mpls", opts, 3, 0, 0, EPROTO);        /* A TTL. */
    CHECK_ACT_REPLY("mpls", opts, 1, 0, 0, EPROTO);        /* No proto. */
    proto = htons(ETH_P_802_3_MIN - 1);
    CHECK_ACT_REPLY("mpls", opts, 2, 0, 0, EPROTO);

    p.m_action = TCA_MPLS_ACT_MODIFY;
    proto = htons(ETH_P_MPLS_UC);
    CHECK_ACT_REPLY("mpls", opts, 3, 0, 0, 0);     /* Control. */
    proto = htons(ETH_P_MPLS_MC);               /* Never for a modify. */
    CHECK_ACT_REPLY("mpls", opts, 3, 0, 0, EPROTO);
    proto = htons(ETH_P_MPLS_UC);

    for (i = 0; i < ARRAY_SIZE(m_actions); i++) {
        p.m_action = m_actions[i];
        CHECK_ACT_REPLY("mpls", opts, 2, 0, 0, EOPNOTSUPP);
    }
    p.m_action = TCA_MPLS_ACT_POP;
    p.action = TC_ACT_OK;
    CHECK_ACT_REPLY("mpls", opts, 2, 0, 0, EOPNOTSUPP);
    return NULL;
}
