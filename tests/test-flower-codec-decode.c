/*
 * Unit tests for lib/flower-codec*.c on decoding what the kernel sends: dump
 * entries with keys, actions, flags, counters and last use as kernels put
 * them, and valid rules the codec does not model (another classifier, action
 * kind, key or use of an action), which decoding must report as not its own.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

/* Tests: decoding what the kernel sends. */

/* A dump entry as the kernel sends it, with padding, NLA_F_NESTED and the
 * attributes the codec ignores. */
const char *
test_decode_kernel_reply(void)
{
    struct nlmsghdr *nlh = reply_simple();
    struct flower_rule r, expected;

    mnl_attr_put_u8(nlh, TCA_HW_OFFLOAD, 0);
    l4_rule(&expected, false, IPPROTO_TCP);
    expected.id.prio = 1;
    expected.id.handle = 1;
    expected.key.tp_dst = htons(80);
    expected.mask.tp_dst = 0xffff;
    expected.stats.has_lastuse = true;
    expected.stats.lastuse_ms = 10;
    CHECK_ERR(decode_copy(nlh, &r), 0);
    return compare_rules(&expected, &r);
}

/* As dumped, a VLAN rule has the inner type in ETH_TYPE and the TPID only
 * in the filter protocol. */
const char *
test_decode_vlan_dump(void)
{
    struct flower_rule r, expected;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        uint16_t protocol = htons(pass ? ETH_P_8021Q : ETH_P_ALL);
        struct nlmsghdr *nlh = reply_start("flower", protocol);
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list;

        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ID, 100);
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_VLAN_PRIO, 5);
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                         htons(ETH_P_IP));
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_ICMP);
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ICMPV4_TYPE, 8);
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ICMPV4_TYPE_MASK, 0xff);
        list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0,
                     NO_TM);
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), pass ? 0 : EOPNOTSUPP);
    }

    vlan_rule(&expected, ETH_P_IP);
    expected.id.prio = 1;
    expected.id.handle = 1;
    expected.key.ip_proto = IPPROTO_ICMP;
    expected.mask.ip_proto = 0xff;
    expected.key.icmp_type = 8;
    expected.mask.icmp_type = 0xff;
    return compare_rules(&expected, &r);
}

/* Puts the keys of qinq_rule(ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP) with UDP
 * destination port 53 as fl_dump_key() reports them: the type after both
 * tags (basic.n_proto) in ETH_TYPE and CVLAN_ETH_TYPE, the inner TPID in
 * VLAN_ETH_TYPE, the outer TPID nowhere (it is the filter protocol).  If
 * not 'typed', the rule has no type after the tags, so neither. */
static void
put_qinq_dump_keys(struct nlmsghdr *nlh, bool typed)
{
    if (typed) {
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
    }
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ID, 100);
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_VLAN_PRIO, 5);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ID, 200);
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_CVLAN_PRIO, 3);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE, htons(ETH_P_8021Q));
    if (typed) {
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE,
                         htons(ETH_P_IP));
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_UDP);
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_UDP_DST, htons(53));
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_UDP_DST_MASK, 0xffff);
    }
}

/* A QinQ rule as the kernel dumps it decodes to the rule that was added,
 * given the outer TPID as filter protocol; under protocol "all" the TPID is
 * lost. */
const char *
test_decode_qinq_dump(void)
{
    struct flower_rule r, expected;
    int pass;

    for (pass = 0; pass < 3; pass++) {
        uint16_t protocol = htons(pass ? ETH_P_8021AD : ETH_P_ALL);
        struct nlmsghdr *nlh = reply_start("flower", protocol);
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list;

        put_qinq_dump_keys(nlh, pass != 2);
        list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0,
                     NO_TM);
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), pass ? 0 : EOPNOTSUPP);
        if (!pass) {
            continue;
        }

        qinq_rule(&expected, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP);
        expected.id.prio = 1;
        expected.id.handle = 1;
        if (pass == 1) {
            expected.key.ip_proto = IPPROTO_UDP;
            expected.mask.ip_proto = 0xff;
            expected.key.tp_dst = htons(53);
            expected.mask.tp_dst = 0xffff;
        } else {
            expected.key.cvlan_eth_type = expected.mask.cvlan_eth_type = 0;
        }
        TRY(compare_rules(&expected, &r));
    }
    return NULL;
}

/* The kernel adds IN_HW / NOT_IN_HW to the flags it reports. */
const char *
test_decode_in_hw(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct flower_rule r;

    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS,
                     TCA_CLS_FLAGS_SKIP_SW | TCA_CLS_FLAGS_IN_HW);
    mnl_attr_put_u32(nlh, TCA_FLOWER_IN_HW_COUNT, 2);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(decode_copy(nlh, &r), 0);
    CHECK(r.flags == TCA_CLS_FLAGS_SKIP_SW);
    CHECK(r.in_hw);
    CHECK(r.in_hw_count == 2);
    CHECK(r.n_actions == 0);
    return NULL;
}

/* Counters of the first action, last use of the most recent action, in
 * ms from USER_HZ ticks. */
const char *
test_stats_decode(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct flower_rule r;

    reply_mirred(nlh, 1, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 3, 1500, 10, 7);
    reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 4, 99999, 999, 3);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(decode_copy(nlh, &r), 0);
    CHECK(r.n_actions == 2);
    CHECK(r.actions[0].type == FLOWER_ACT_MIRROR);
    CHECK(r.actions[1].type == FLOWER_ACT_REDIRECT);
    CHECK(r.stats.n_bytes == 1500);
    CHECK(r.stats.n_packets == 10);
    CHECK(r.stats.has_lastuse);
    if (r.stats.lastuse_ms != 30) {
        FAIL("lastuse_ms %"PRIu64", expected 30", r.stats.lastuse_ms);
    }
    return NULL;
}

/* A 64-bit packet count follows the basic counters it completes. */
const char *
test_stats_pkt64(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct nlattr *act = mnl_attr_nest_start(nlh, 1);
    struct nlattr *stats, *act_options;
    struct gnet_stats_basic basic;
    struct tc_gact p = { .action = TC_ACT_SHOT };
    struct flower_rule r;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
    stats = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
    memset(&basic, 0, sizeof basic);
    basic.bytes = 1ULL << 40;
    basic.packets = 5;
    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    mnl_attr_put(nlh, TCA_STATS_PAD, 0, NULL);
    mnl_attr_put_u64(nlh, TCA_STATS_PKT64, (1ULL << 32) + 5);
    basic.bytes = 77;
    basic.packets = 1;
    mnl_attr_put(nlh, TCA_STATS_BASIC_HW, sizeof basic, &basic);
    mnl_attr_put_u64(nlh, TCA_STATS_PKT64, (1ULL << 33) + 1);
    mnl_attr_nest_end(nlh, stats);
    act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    put_tm(nlh, TCA_GACT_TM, 0);
    mnl_attr_nest_end(nlh, act_options);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);

    CHECK_ERR(decode_copy(nlh, &r), 0);
    CHECK(r.n_actions == 1 && r.actions[0].type == FLOWER_ACT_DROP);
    CHECK(r.stats.n_bytes == 1ULL << 40);
    CHECK(r.stats.n_packets == (1ULL << 32) + 5);
    CHECK(r.stats.has_lastuse && r.stats.lastuse_ms == 0);
    return NULL;
}

const char *
test_kind_u32(void)
{
    struct nlmsghdr *nlh = reply_start("u32", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct flower_rule r;

    mnl_attr_put_u32(nlh, 1, 0x10);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(decode_copy(nlh, &r), EAFNOSUPPORT);
    return NULL;
}

/* The per-priority header entry of a dump has no options. */
const char *
test_no_options(void)
{
    struct flower_rule r;

    CHECK_ERR(decode_copy(reply_start("flower", htons(ETH_P_IP)), &r),
              EAFNOSUPPORT);
    return NULL;
}

/* An action kind the codec does not speak. */
const char *
test_unknown_act_kind(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct nlattr *act = mnl_attr_nest_start(nlh, 1);
    struct nlattr *act_options;
    struct flower_rule r;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "skbmod");
    act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    mnl_attr_put_u32(nlh, 2, 0);
    mnl_attr_nest_end(nlh, act_options);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(decode_copy(nlh, &r), EOPNOTSUPP);
    return NULL;
}

/* Known kinds used in ways we never use them are not ours either. */
const char *
test_unknown_act_use(void)
{
    static const int verdicts[] = { TC_ACT_OK, TC_ACT_SHOT };
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(verdicts); i++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);

        if (i == 0) {
            reply_gact(nlh, 1, verdicts[i]);
        } else {                /* Mirror that stops processing. */
            reply_mirred(nlh, 1, TCA_EGRESS_MIRROR, verdicts[i], 3, 0, 0,
                         NO_TM);
        }
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EOPNOTSUPP);
    }
    return NULL;
}

/* Keys the model lacks: the rule must not pass for one of ours. */
const char *
test_unknown_key(void)
{
    static const uint16_t types[] = {
        TCA_FLOWER_KEY_HASH, TCA_FLOWER_MAX + 1, TCA_FLOWER_CLASSID,
    };
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(types); i++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
        mnl_attr_put_u32(nlh, types[i], 0x12);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EOPNOTSUPP);
    }
    return NULL;
}

/* A cookie that OVS did not put (wrong size, or not on the last action). */
const char *
test_foreign_cookie(void)
{
    static const uint8_t cookie[FLOWER_COOKIE_LEN];
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        struct nlattr *act = mnl_attr_nest_start(nlh, 1);
        struct nlattr *act_options;
        struct tc_gact p = { .action = TC_ACT_SHOT };

        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
        mnl_attr_put(nlh, TCA_ACT_COOKIE, pass ? 8 : sizeof cookie, cookie);
        act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
        mnl_attr_nest_end(nlh, act_options);
        mnl_attr_nest_end(nlh, act);
        if (!pass) {
            reply_gact(nlh, 2, TC_ACT_SHOT);
        }
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EOPNOTSUPP);
    }
    return NULL;
}

/* A dump entry of the new action kinds as the kernel sends them:
 * vlan push, ct commit, ct clear, vlan pop, ct with zone 0 (which the
 * kernel reports and a request leaves out), goto chain. */
const char *
test_decode_kernel_new_acts(void)
{
    struct flower_ct commit, plain;
    struct flower_rule r, expected;
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    memset(&commit, 0, sizeof commit);
    commit.zone = 7;
    commit.commit = true;
    commit.mark = 0x42;
    commit.mark_mask = 0xff;
    memset(commit.label, 0x11, 16);
    memset(commit.label_mask, 0xf0, 16);
    memset(&plain, 0, sizeof plain);

    reply_vlan(nlh, &n, 1, TCA_VLAN_ACT_PUSH, 300, ETH_P_8021AD, 6, 50);
    reply_ct(nlh, &n, 2, TCA_CT_ACT_COMMIT, &commit, 40);
    reply_ct(nlh, &n, 3, TCA_CT_ACT_CLEAR, &plain, 30);
    reply_vlan(nlh, &n, 4, TCA_VLAN_ACT_POP, -1, 0, 0, 20);
    reply_ct(nlh, &n, 5, 0, &plain, 60);
    reply_gact_tm(nlh, &n, 6, TC_ACT_GOTO_CHAIN | 9, 70);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);

    base_rule(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    expected.actions[0].type = FLOWER_ACT_VLAN_PUSH;
    expected.actions[0].vlan.proto = htons(ETH_P_8021AD);
    expected.actions[0].vlan.id = 300;
    expected.actions[0].vlan.prio = 6;
    expected.actions[1].type = FLOWER_ACT_CT;
    expected.actions[1].ct = commit;
    expected.actions[2].type = FLOWER_ACT_CT_CLEAR;
    expected.actions[3].type = FLOWER_ACT_VLAN_POP;
    set_ct(&expected, 4, 0);
    set_goto(&expected, 5, 9);
    expected.n_actions = 6;
    expected.stats.has_lastuse = true;
    expected.stats.lastuse_ms = 200;
    TRY(compare_rules(&expected, &r));

    /* What the kernel reports is what we would request. */
    expected.stats.has_lastuse = false;
    expected.stats.lastuse_ms = 0;
    return roundtrip(&expected);
}

/* The last use is the most recent of every action's, whatever its kind:
 * each of vlan, ct, pedit, csum and gact in turn has the most recent. */
const char *
test_stats_lastuse_kinds(void)
{
    static const struct flower_ct ct;
    struct flower_rule r;
    int most_recent;

    for (most_recent = 0; most_recent < 5; most_recent++) {
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        struct pedit_reply pedit;

        pedit_reply_init(&pedit);
        reply_vlan(nlh, &n, 1, TCA_VLAN_ACT_POP, -1, 0, 0,
                   most_recent == 0 ? 2 : 9);
        reply_ct(nlh, &n, 2, 0, &ct, most_recent == 1 ? 3 : 9);
        reply_pedit(nlh, &n, 3, &pedit, most_recent == 2 ? 4 : 9);
        reply_csum(nlh, &n, 4, TCA_CSUM_UPDATE_FLAG_IPV4HDR,
                   most_recent == 3 ? 5 : 9);
        reply_gact_tm(nlh, &n, 5, TC_ACT_GOTO_CHAIN | 1,
                      most_recent == 4 ? 6 : 9);
        CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
        CHECK(r.stats.has_lastuse);
        if (r.stats.lastuse_ms != (uint64_t) (2 + most_recent) * 10) {
            FAIL("pass %d: lastuse_ms %"PRIu64", expected %d", most_recent,
                 r.stats.lastuse_ms, (2 + most_recent) * 10);
        }
    }
    return NULL;
}

/* Lists that end with a PIPE action, or have an ending action before
 * the last, are not ours. */
const char *
test_decode_act_order(void)
{
    static const struct flower_ct ct;
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 8; pass++) {
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        int expected = pass ? EOPNOTSUPP : 0;
        struct pedit_reply pedit;

        switch (pass) {
        case 0:                 /* Control: ct, goto. */
            reply_ct(nlh, &n, 1, 0, &ct, NO_TM);
            reply_gact_tm(nlh, &n, 2, TC_ACT_GOTO_CHAIN | 1, NO_TM);
            break;
        case 1:
            reply_ct(nlh, &n, 1, 0, &ct, NO_TM);
            break;
        case 2:
            reply_vlan(nlh, &n, 1, TCA_VLAN_ACT_POP, -1, 0, 0, NO_TM);
            break;
        case 3:
            reply_mirred(nlh, 1, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 3, 0, 0,
                         NO_TM);
            break;
        case 4:
            reply_gact_tm(nlh, &n, 1, TC_ACT_GOTO_CHAIN | 1, NO_TM);
            reply_ct(nlh, &n, 2, TCA_CT_ACT_CLEAR, &ct, NO_TM);
            reply_gact_tm(nlh, &n, 3, TC_ACT_SHOT, NO_TM);
            break;
        case 5:
            reply_gact_tm(nlh, &n, 1, TC_ACT_SHOT, NO_TM);
            reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 3, 0, 0,
                         NO_TM);
            break;
        case 6:
            pedit_reply_init(&pedit);
            reply_pedit(nlh, &n, 1, &pedit, NO_TM);
            break;
        case 7:
            reply_csum(nlh, &n, 1, TCA_CSUM_UPDATE_FLAG_TCP, NO_TM);
            break;
        }
        if (decode_copy(reply_list_end(nlh, &n), &r) != expected) {
            FAIL("pass %d: not decoded as %d", pass, expected);
        }
    }
    return NULL;
}

/* VLAN actions the codec does not model: other v_actions, another
 * verdict, a priority above 7, push_eth's attributes. */
const char *
test_decode_vlan_unknown(void)
{
    static const int v_actions[] = {
        TCA_VLAN_ACT_PUSH, TCA_VLAN_ACT_MODIFY, TCA_VLAN_ACT_POP_ETH,
        TCA_VLAN_ACT_PUSH_ETH, 0, 99,
    };
    static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
    uint16_t vid = 5, tpid = htons(ETH_P_8021Q);
    uint8_t prio = 1, bad_prio = 8;
    struct tc_vlan p = { .action = TC_ACT_PIPE };
    struct opt opts[] = {
        { TCA_VLAN_PARMS, &p, sizeof p },
        { TCA_VLAN_PUSH_VLAN_ID, &vid, 2 },
        { TCA_VLAN_PUSH_VLAN_PROTOCOL, &tpid, 2 },
        { TCA_VLAN_PUSH_VLAN_PRIORITY, &prio, 1 },
        { TCA_VLAN_PUSH_ETH_DST, mac, 6 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(v_actions); i++) {
        p.v_action = v_actions[i];
        CHECK_ACT_REPLY("vlan", opts, 4, 0, 0, i ? EOPNOTSUPP : 0);
    }
    p.v_action = TCA_VLAN_ACT_PUSH;
    CHECK_ACT_REPLY("vlan", opts, 5, 0, 0, EOPNOTSUPP);
    p.action = TC_ACT_OK;
    CHECK_ACT_REPLY("vlan", opts, 4, 0, 0, EOPNOTSUPP);
    p.action = TC_ACT_PIPE;
    opts[3].data = &bad_prio;
    CHECK_ACT_REPLY("vlan", opts, 4, 0, 0, EOPNOTSUPP);
    return NULL;
}

/* ct actions the codec does not model: a NAT direction without NAT
 * (act_ct ignores it), a clear with other flags, another verdict, a mark
 * or force without commit, an attribute newer than the uapi headers. */
const char *
test_decode_ct_unknown(void)
{
    static const uint16_t flag_sets[] = {
        TCA_CT_ACT_COMMIT, TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT_DST,
        TCA_CT_ACT_NAT_SRC, TCA_CT_ACT_CLEAR | 1,
        TCA_CT_ACT_FORCE, 1 << 8,
    };
    uint32_t mark = 1;
    struct tc_ct p = { .action = TC_ACT_PIPE };
    uint16_t flags = 0;
    struct opt opts[] = {
        { TCA_CT_PARMS, &p, sizeof p },
        { TCA_CT_ACTION, &flags, 2 },
        { TCA_CT_MARK, &mark, 4 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(flag_sets); i++) {
        flags = flag_sets[i];
        CHECK_ACT_REPLY("ct", opts, 2, 0, 0, i ? EOPNOTSUPP : 0);
    }
    flags = TCA_CT_ACT_COMMIT;
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, 0);
    flags = 0;
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EOPNOTSUPP);  /* Mark. */
    opts[2].type = TCA_CT_MAX + 1;          /* Newer: helpers. */
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EOPNOTSUPP);
    p.action = TC_ACT_OK;
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, EOPNOTSUPP);
    return NULL;
}

/* A dump entry with pedit, csum and redirect as the kernel sends them
 * (extended keys before the parameters, timestamps, padding): the keys
 * land in the rule's, and the last use is the most recent action's. */
const char *
test_decode_kernel_pedit(void)
{
    struct flower_rule r, expected;
    struct pedit_reply pedit;
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    pedit_reply_init(&pedit);
    reply_pedit(nlh, &n, 1, &pedit, 30);
    reply_csum(nlh, &n, 2, (TCA_CSUM_UPDATE_FLAG_IPV4HDR
                            | TCA_CSUM_UPDATE_FLAG_UDP), 20);
    reply_pedit(nlh, &n, 3, &pedit, 40);
    reply_mirred(nlh, 4, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, 50);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);

    base_rule(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    pedit_reply_keys(&expected, 0);
    pedit_reply_keys(&expected, 2);
    set_pedit(&expected, 0, 0, 2);
    set_csum(&expected, 1, (TCA_CSUM_UPDATE_FLAG_IPV4HDR
                            | TCA_CSUM_UPDATE_FLAG_UDP));
    set_pedit(&expected, 2, 2, 2);
    expected.actions[3].type = FLOWER_ACT_REDIRECT;
    expected.actions[3].ifindex = 9;
    expected.n_actions = 4;
    expected.stats.has_lastuse = true;
    expected.stats.lastuse_ms = 200;
    TRY(compare_rules(&expected, &r));

    /* What the kernel reports is what we would request. */
    expected.stats.has_lastuse = false;
    expected.stats.lastuse_ms = 0;
    return roundtrip(&expected);
}

/* Pedit actions the codec does not model: legacy pedit (offsets from the
 * network header), another verdict, no keys, keys that add, in a header of
 * no or an unknown type, at a computed or misaligned offset, that flip
 * bits, with a newer attribute, flags, more keys in all than the model
 * holds. */
const char *
test_decode_pedit_unknown(void)
{
    struct pedit_reply p;
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 16; pass++) {
        pedit_reply_init(&p);
        switch (pass) {
        case 0:                 /* Control. */
            break;
        case 1:
            p.action = TC_ACT_OK;
            break;
        case 2:
            p.nkeys = p.n_ex = 0;
            break;
        case 3:
            p.cmd = TCA_PEDIT_KEY_EX_CMD_ADD;
            break;
        case 4:
            p.htype = TCA_PEDIT_KEY_EX_HDR_TYPE_NETWORK;
            break;
        case 5:
            p.htype = TCA_PEDIT_KEY_EX_HDR_TYPE_UDP + 1;
            break;
        case 6:
            p.key.offmask = 0x0f;
            break;
        case 7:
            p.key.at = 4;
            break;
        case 8:
            p.key.off = 6;
            break;
        case 9:
            p.key.val |= htonl(0x00000100);     /* Flips a kept bit. */
            break;
        case 10:
            p.ex_attrs |= EX_NEWER;
            break;
        case 11:
            p.nkeys = p.n_ex = FLOWER_MAX_PEDIT_KEYS + 1;
            break;
        case 12:                /* Legacy: no extended keys. */
            p.parms_type = TCA_PEDIT_PARMS;
            p.n_ex = -1;
            break;
        case 13:                /* Legacy parameters with extended keys. */
            p.parms_type = TCA_PEDIT_PARMS;
            break;
        case 14:
            p.flags = 1;
            break;
        case 15:
            p.key.shift = 2;
            break;
        }
        TRY(check_pedit_reply(pass, &p, &r, pass ? EOPNOTSUPP : 0));
    }

    /* Control: FLOWER_MAX_PEDIT_KEYS keys in two actions; then one more. */
    for (pass = 0; pass < 2; pass++) {
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);

        pedit_reply_init(&p);
        p.nkeys = p.n_ex = FLOWER_MAX_PEDIT_KEYS / 2;
        reply_pedit(nlh, &n, 1, &p, NO_TM);
        p.nkeys = p.n_ex = FLOWER_MAX_PEDIT_KEYS / 2 + pass;
        reply_pedit(nlh, &n, 2, &p, NO_TM);
        reply_gact_tm(nlh, &n, 3, TC_ACT_SHOT, NO_TM);
        CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r),
                  pass ? EOPNOTSUPP : 0);
        if (!pass) {
            CHECK(r.n_pedit_keys == FLOWER_MAX_PEDIT_KEYS);
            CHECK(r.actions[1].pedit.first == FLOWER_MAX_PEDIT_KEYS / 2);
            CHECK(r.pedit_keys[FLOWER_MAX_PEDIT_KEYS - 1].offset
                  == 8 + 4 * (FLOWER_MAX_PEDIT_KEYS / 2 - 1));
        }
    }
    return NULL;
}
