/*
 * Unit tests for lib/flower-codec*.c on actions and rule identity: drop,
 * redirect and mirror, VLAN push and pop, goto chain and ct actions, the
 * cookie, flags, tcmsg fields, delete, get, dump and qdisc requests, and
 * where in the list each action may stand.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_skbedit.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

/* Tests: actions, cookie, flags, identity. */

/* A drop is gact with verdict TC_ACT_SHOT. */
const char *
test_act_drop(void)
{
    const struct nlattr *act, *options, *parms;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_gact p;

    base_rule(&r);
    r.actions[0].type = FLOWER_ACT_DROP;
    r.actions[0].ifindex = 0;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    act = find_act(nlh, 1);
    CHECK(act != NULL);
    TRY(expect_payload(find_nested(act, TCA_ACT_KIND), "TCA_ACT_KIND",
                       "gact", 5));
    options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(options != NULL);
    parms = find_nested(options, TCA_GACT_PARMS);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms) == sizeof p);
    memcpy(&p, mnl_attr_get_payload(parms), sizeof p);
    CHECK(p.action == TC_ACT_SHOT);
    CHECK(find_act(nlh, 2) == NULL);
    return roundtrip(&r);
}

/* A redirect is mirred egress redirect, TC_ACT_STOLEN. */
const char *
test_act_redirect(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    r.actions[0].ifindex = 1234;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 1234));
    CHECK(find_act(nlh, 2) == NULL);
    return roundtrip(&r);
}

/* Multiple outputs: mirrors (TC_ACT_PIPE) then a redirect, in order. */
const char *
test_act_mirror_mirror_redirect(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    r.actions[0].type = FLOWER_ACT_MIRROR;
    r.actions[0].ifindex = 3;
    r.actions[1].type = FLOWER_ACT_MIRROR;
    r.actions[1].ifindex = 4;
    r.actions[2].type = FLOWER_ACT_REDIRECT;
    r.actions[2].ifindex = 5;
    r.n_actions = 3;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_mirred(nlh, 1, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 3));
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 4));
    TRY(expect_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 5));
    CHECK(find_act(nlh, 4) == NULL);
    return roundtrip(&r);
}

/* The largest action list the model holds, with a cookie. */
const char *
test_act_max(void)
{
    struct flower_rule r;
    int i;

    base_rule(&r);
    for (i = 0; i < FLOWER_MAX_ACTIONS; i++) {
        r.actions[i].type = FLOWER_ACT_MIRROR;
        r.actions[i].ifindex = 100 + i;
    }
    r.actions[i - 1].type = FLOWER_ACT_REDIRECT;
    r.n_actions = FLOWER_MAX_ACTIONS;
    r.has_cookie = true;
    memset(r.cookie, 0x5a, sizeof r.cookie);
    return roundtrip(&r);
}

/* Outputs to internal ports are ingress mirror and redirect, each after
 * an skbedit that makes the packet the host's. */
const char *
test_act_ingress(void)
{
    const struct nlattr *act, *ptype;
    struct nlmsghdr *nlh;
    struct flower_rule r;

    base_rule(&r);
    r.actions[0].type = FLOWER_ACT_PTYPE_HOST;
    r.actions[1].type = FLOWER_ACT_MIRROR_INGRESS;
    r.actions[1].ifindex = 7;
    r.actions[2].type = FLOWER_ACT_MIRROR;
    r.actions[2].ifindex = 8;
    r.actions[3].type = FLOWER_ACT_PTYPE_HOST;
    r.actions[4].type = FLOWER_ACT_REDIRECT_INGRESS;
    r.actions[4].ifindex = 9;
    r.n_actions = 5;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    act = find_act(nlh, 1);
    CHECK(act != NULL);
    TRY(expect_payload(find_nested(act, TCA_ACT_KIND), "TCA_ACT_KIND",
                       "skbedit", 8));
    ptype = find_nested(find_nested(act, TCA_ACT_OPTIONS), TCA_SKBEDIT_PTYPE);
    CHECK(ptype != NULL && mnl_attr_get_u16(ptype) == PACKET_HOST);
    return roundtrip(&r);
}

/* The cookie rides on the last action only. */
const char *
test_cookie(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;
    int i;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    r.actions[0].type = FLOWER_ACT_MIRROR;
    r.actions[0].ifindex = 8;
    r.n_actions = 2;
    r.has_cookie = true;
    for (i = 0; i < FLOWER_COOKIE_LEN; i++) {
        r.cookie[i] = 0xc0 + i;
    }
    nlh = encode(&r);
    CHECK(nlh != NULL);
    CHECK(find_nested(find_act(nlh, 1), TCA_ACT_COOKIE) == NULL);
    TRY(expect_payload(find_nested(find_act(nlh, 2), TCA_ACT_COOKIE),
                       "TCA_ACT_COOKIE", r.cookie, FLOWER_COOKIE_LEN));
    TRY(roundtrip(&r));

    r.has_cookie = false;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    CHECK(find_nested(find_act(nlh, 2), TCA_ACT_COOKIE) == NULL);
    return roundtrip(&r);
}

/* TCA_FLOWER_FLAGS carries 'flags' and they decode back. */
static const char *
test_flags(uint32_t flags)
{
    struct flower_rule r;

    base_rule(&r);
    r.flags = flags;
    return CHECK_FIELD(&r, TCA_FLOWER_FLAGS, &flags, 0, NULL, 4);
}

VARIANT_TEST(flags_skip_hw, test_flags, TCA_CLS_FLAGS_SKIP_HW)
VARIANT_TEST(flags_skip_sw, test_flags, TCA_CLS_FLAGS_SKIP_SW)
VARIANT_TEST(flags_none, test_flags, 0)

/* Identity: tcmsg fields, TCA_CHAIN, TCA_KIND and header flags. */
const char *
test_id_fields(void)
{
    const struct tcmsg *tcm;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    uint32_t chain = 7;

    ip_rule(&r, true);
    r.id.ifindex = 123456;
    r.id.chain = chain;
    r.id.prio = 0x8001;
    r.id.handle = 0xdeadbeef;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    CHECK(nlh->nlmsg_type == RTM_NEWTFILTER);
    /* The handle is given: no echo is needed to learn it. */
    CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK
                               | NLM_F_CREATE | NLM_F_EXCL));
    CHECK(nlh->nlmsg_seq == 42);
    tcm = mnl_nlmsg_get_payload(nlh);
    CHECK(tcm->tcm_family == AF_UNSPEC);
    CHECK(tcm->tcm_ifindex == 123456);
    CHECK(tcm->tcm_parent == 0xfffffff2U);
    CHECK(tcm->tcm_parent == TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
    CHECK(tcm->tcm_handle == 0xdeadbeef);
    CHECK(tcm->tcm_info == ((0x8001U << 16) | htons(ETH_P_IPV6)));
    TRY(expect_payload(find_top(nlh, TCA_KIND), "TCA_KIND", "flower", 7));
    TRY(expect_payload(find_top(nlh, TCA_CHAIN), "TCA_CHAIN", &chain, 4));
    return roundtrip(&r);
}

/* TCA_CHAIN is put even for chain 0. */
const char *
test_id_chain_zero(void)
{
    uint32_t zero = 0;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    r.id.handle = 0;
    r.id.prio = 0;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    /* The kernel chooses the handle, and its echo tells us which. */
    CHECK(nlh->nlmsg_flags & NLM_F_ECHO);
    TRY(expect_payload(find_top(nlh, TCA_CHAIN), "TCA_CHAIN", &zero, 4));
    return roundtrip(&r);
}

/* Delete and get requests address one rule. */
const char *
test_encode_del_get(void)
{
    struct flower_id id = { .ifindex = 3, .chain = 2, .prio = 9,
                            .handle = 77 };
    const struct tcmsg *tcm;
    struct nlmsghdr *nlh;
    int get;

    for (get = 0; get < 4; get++) {
        /* The last two on the egress hook. */
        id.egress = get >= 2;
        nlh = (get % 2 ? flower_encode_get(buf, &id, htons(ETH_P_IP), 5)
               : flower_encode_del(buf, &id, htons(ETH_P_IP), 5));
        CHECK(nlh != NULL);
        CHECK(nlh->nlmsg_type == (get % 2 ? RTM_GETTFILTER
                                  : RTM_DELTFILTER));
        CHECK(nlh->nlmsg_flags & NLM_F_REQUEST);
        CHECK(nlh->nlmsg_flags & NLM_F_ACK);  /* The transport waits for it. */
        CHECK(!(nlh->nlmsg_flags & NLM_F_DUMP));
        CHECK(nlh->nlmsg_seq == 5);
        tcm = mnl_nlmsg_get_payload(nlh);
        CHECK(tcm->tcm_ifindex == 3);
        CHECK(tcm->tcm_parent == (id.egress ? 0xfffffff3U : 0xfffffff2U));
        CHECK(tcm->tcm_handle == 77);
        CHECK(tcm->tcm_info == ((9U << 16) | htons(ETH_P_IP)));
        CHECK(find_top(nlh, TCA_CHAIN) != NULL);
        CHECK(mnl_attr_get_u32(find_top(nlh, TCA_CHAIN)) == 2);
        CHECK(find_top(nlh, TCA_OPTIONS) == NULL);
    }
    return NULL;
}

/* A dump request covers every chain of the ingress or egress hook. */
const char *
test_encode_dump(void)
{
    for (int egress = 0; egress < 2; egress++) {
        struct nlmsghdr *nlh = flower_encode_dump(buf, 12, egress, false, 6);
        const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

        CHECK(nlh->nlmsg_type == RTM_GETTFILTER);
        CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP));
        CHECK(nlh->nlmsg_seq == 6);
        CHECK(tcm->tcm_ifindex == 12);
        CHECK(tcm->tcm_parent == (egress ? 0xfffffff3U : 0xfffffff2U));
        CHECK(tcm->tcm_info == 0 && tcm->tcm_handle == 0);
        CHECK(find_top(nlh, TCA_CHAIN) == NULL);
    }
    return NULL;
}

/* Ingress and clsact qdisc add and delete requests. */
const char *
test_encode_qdisc(void)
{
    const struct tcmsg *tcm;
    struct nlmsghdr *nlh;
    int i;

    for (i = 0; i < 4; i++) {
        uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
        bool clsact = i >= 2, add = i % 2;

        nlh = flower_encode_qdisc(buf, 4, clsact, add, 8);
        flags |= add ? NLM_F_CREATE | NLM_F_EXCL : 0;
        CHECK(nlh->nlmsg_type == (add ? RTM_NEWQDISC : RTM_DELQDISC));
        CHECK(nlh->nlmsg_flags == flags);
        CHECK(nlh->nlmsg_seq == 8);
        tcm = mnl_nlmsg_get_payload(nlh);
        CHECK(tcm->tcm_family == AF_UNSPEC);
        CHECK(tcm->tcm_ifindex == 4);
        CHECK(tcm->tcm_parent == TC_H_INGRESS);
        CHECK(tcm->tcm_handle == 0xffff0000U);
        TRY(expect_payload(find_top(nlh, TCA_KIND), "TCA_KIND",
                           clsact ? "clsact" : "ingress",
                           clsact ? 7 : 8));
    }
    return NULL;
}

/* Tests: VLAN, goto chain and ct actions, and where actions may stand. */

/* A VLAN push with TPID 'tpid' (host order) then a redirect: act_vlan
 * with verdict PIPE and the tag in full, the TPID big-endian. */
static const char *
test_act_vlan_push(uint16_t tpid)
{
    uint8_t tpid_be[2] = { tpid >> 8, tpid & 0xff };
    const struct nlattr *options;
    uint16_t vid = 100;
    uint8_t prio = 5;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_vlan p;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    memset(&r.actions[0], 0, sizeof r.actions[0]);
    r.actions[0].type = FLOWER_ACT_VLAN_PUSH;
    r.actions[0].vlan.proto = htons(tpid);
    r.actions[0].vlan.id = vid;
    r.actions[0].vlan.prio = prio;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "vlan", &options));
    TRY(get_parms(options, TCA_VLAN_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(p.v_action == TCA_VLAN_ACT_PUSH);
    EXPECT_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_ID, &vid, 2);
    EXPECT_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_PROTOCOL, tpid_be, 2);
    EXPECT_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_PRIORITY, &prio, 1);
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    return roundtrip(&r);
}

VARIANT_TEST(act_vlan_push_8021q, test_act_vlan_push, ETH_P_8021Q)
VARIANT_TEST(act_vlan_push_8021ad, test_act_vlan_push, ETH_P_8021AD)

/* A VLAN pop: act_vlan POP with verdict PIPE and no tag attributes. */
const char *
test_act_vlan_pop(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_vlan p;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    memset(&r.actions[0], 0, sizeof r.actions[0]);
    r.actions[0].type = FLOWER_ACT_VLAN_POP;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "vlan", &options));
    TRY(get_parms(options, TCA_VLAN_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(p.v_action == TCA_VLAN_ACT_POP);
    EXPECT_NO_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_ID);
    EXPECT_NO_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_PROTOCOL);
    EXPECT_NO_ACT_OPT(options, TCA_VLAN_PUSH_VLAN_PRIORITY);
    return roundtrip(&r);
}

/* A goto chain is gact whose verdict is TC_ACT_GOTO_CHAIN | chain, i.e.
 * 0x20000000 | chain; it ends the list. */
const char *
test_act_goto_chain(void)
{
    static const uint32_t chains[] = { 7, 0, 0x0fffffff };
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_gact p;
    size_t i;

    CHECK(TC_ACT_GOTO_CHAIN == 0x20000000);
    for (i = 0; i < ARRAY_SIZE(chains); i++) {
        base_rule(&r);
        set_goto(&r, 0, chains[i]);
        nlh = encode(&r);
        CHECK(nlh != NULL);
        TRY(expect_act_kind(nlh, 1, "gact", &options));
        TRY(get_parms(options, TCA_GACT_PARMS, &p, sizeof p));
        if ((uint32_t) p.action != (0x20000000 | chains[i])) {
            FAIL("goto chain %"PRIu32": verdict %#x", chains[i],
                 (unsigned int) p.action);
        }
        CHECK(find_act(nlh, 2) == NULL);
        TRY(roundtrip(&r));
    }
    return NULL;
}

/* ct(commit, zone, mark, label) then a redirect: every act_ct attribute
 * in host order, the mark and label with their masks. */
const char *
test_act_ct_commit(void)
{
    uint16_t flags = TCA_CT_ACT_COMMIT, zone = 0x0305;
    uint32_t mark = 0x00c0ffee, mark_mask = 0x00ffffff;
    const struct nlattr *options;
    struct flower_action *ct;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_ct p;
    int i;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    set_ct(&r, 0, zone);
    ct = &r.actions[0];
    ct->ct.commit = true;
    ct->ct.mark = mark;
    ct->ct.mark_mask = mark_mask;
    for (i = 0; i < 16; i++) {
        ct->ct.label[i] = i + 1;
        ct->ct.label_mask[i] = i % 2 ? 0xff : 0x0f;
    }
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "ct", &options));
    TRY(get_parms(options, TCA_CT_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    EXPECT_ACT_OPT(options, TCA_CT_ACTION, &flags, 2);
    EXPECT_ACT_OPT(options, TCA_CT_ZONE, &zone, 2);
    EXPECT_ACT_OPT(options, TCA_CT_MARK, &mark, 4);
    EXPECT_ACT_OPT(options, TCA_CT_MARK_MASK, &mark_mask, 4);
    EXPECT_ACT_OPT(options, TCA_CT_LABELS, ct->ct.label, 16);
    EXPECT_ACT_OPT(options, TCA_CT_LABELS_MASK, ct->ct.label_mask, 16);
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    TRY(roundtrip(&r));

    ct->ct.force = true;                    /* ct(commit, force). */
    flags |= TCA_CT_ACT_FORCE;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "ct", &options));
    EXPECT_ACT_OPT(options, TCA_CT_ACTION, &flags, 2);
    return roundtrip(&r);
}

/* A plain ct(): TCA_CT_ACTION 0, and no zone, mark or label attributes
 * for the defaults. */
const char *
test_act_ct_plain(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    uint16_t zero = 0;

    base_rule(&r);
    set_ct(&r, 0, 0);
    set_goto(&r, 1, 2);
    r.actions[0].ct.mark = 0x55;            /* Zero masks: not put. */
    r.actions[0].ct.label[3] = 0x55;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "ct", &options));
    EXPECT_ACT_OPT(options, TCA_CT_ACTION, &zero, 2);
    EXPECT_NO_ACT_OPT(options, TCA_CT_ZONE);
    EXPECT_NO_ACT_OPT(options, TCA_CT_MARK);
    EXPECT_NO_ACT_OPT(options, TCA_CT_LABELS);
    r.actions[0].ct.mark = 0;
    r.actions[0].ct.label[3] = 0;
    return roundtrip(&r);
}

/* ct_clear: TCA_CT_ACTION TCA_CT_ACT_CLEAR and nothing else. */
const char *
test_act_ct_clear(void)
{
    uint16_t flags = TCA_CT_ACT_CLEAR;
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_ct p;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    memset(&r.actions[0], 0, sizeof r.actions[0]);
    r.actions[0].type = FLOWER_ACT_CT_CLEAR;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "ct", &options));
    TRY(get_parms(options, TCA_CT_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    EXPECT_ACT_OPT(options, TCA_CT_ACTION, &flags, 2);
    EXPECT_NO_ACT_OPT(options, TCA_CT_ZONE);
    EXPECT_NO_ACT_OPT(options, TCA_CT_MARK);
    EXPECT_NO_ACT_OPT(options, TCA_CT_LABELS);
    return roundtrip(&r);
}

/* OVN's recirculation: ct(zone) then goto chain, with the cookie. */
const char *
test_act_ovn_ct_goto(void)
{
    uint16_t zone = 64000;
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    struct tc_gact p;

    l4_rule(&r, false, IPPROTO_TCP);
    r.key.ct_state = 0;
    r.mask.ct_state = TCA_FLOWER_KEY_CT_FLAGS_TRACKED;
    set_ct(&r, 0, zone);
    set_goto(&r, 1, 12);
    r.n_actions = 2;
    r.has_cookie = true;
    memset(r.cookie, 0x3c, sizeof r.cookie);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "ct", &options));
    EXPECT_ACT_OPT(options, TCA_CT_ZONE, &zone, 2);
    TRY(expect_act_kind(nlh, 2, "gact", &options));
    TRY(get_parms(options, TCA_GACT_PARMS, &p, sizeof p));
    CHECK(p.action == (TC_ACT_GOTO_CHAIN | 12));
    TRY(expect_payload(find_nested(find_act(nlh, 2), TCA_ACT_COOKIE),
                       "TCA_ACT_COOKIE", r.cookie, FLOWER_COOKIE_LEN));
    return roundtrip(&r);
}

/* Sets 'r' to base_rule() with the 'n' actions of 'types' (defaults). */
static void
set_action_types(struct flower_rule *r, const enum flower_action_type *types,
                 int n)
{
    int i;

    base_rule(r);
    for (i = 0; i < n; i++) {
        memset(&r->actions[i], 0, sizeof r->actions[i]);
        r->actions[i].type = types[i];
        r->actions[i].ifindex = 9;      /* Or zone, chain, csum flags. */
        if (types[i] == FLOWER_ACT_VLAN_PUSH) {
            r->actions[i].vlan.proto = htons(ETH_P_8021Q);
            r->actions[i].vlan.id = 10;
        } else if (types[i] == FLOWER_ACT_PEDIT) {
            set_pedit_key(r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                          htonl(0x3f000000), htonl(0xff000000));
            set_pedit(r, i, 0, 1);
        }
    }
    r->n_actions = n;
}

/* A list that ends with a PIPE action is refused; the same list with a
 * redirect after it is not. */
const char *
test_act_refuse_pipe_last(void)
{
    static const enum flower_action_type pipes[] = {
        FLOWER_ACT_MIRROR, FLOWER_ACT_MIRROR_INGRESS, FLOWER_ACT_VLAN_PUSH,
        FLOWER_ACT_VLAN_POP, FLOWER_ACT_CT, FLOWER_ACT_CT_CLEAR,
        FLOWER_ACT_PEDIT, FLOWER_ACT_CSUM, FLOWER_ACT_PTYPE_HOST,
    };
    enum flower_action_type types[3];
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(pipes); i++) {
        types[0] = pipes[i];
        types[1] = FLOWER_ACT_REDIRECT;
        set_action_types(&r, types, 2);
        if (!encode(&r)) {
            FAIL("action type %d then a redirect refused", pipes[i]);
        }
        set_action_types(&r, types, 1);
        if (encode(&r)) {
            FAIL("action type %d alone not refused", pipes[i]);
        }
        types[0] = FLOWER_ACT_CT;
        types[1] = pipes[i];
        set_action_types(&r, types, 2);
        if (encode(&r)) {
            FAIL("ct then action type %d not refused", pipes[i]);
        }
    }
    return NULL;
}

/* An action that ends the list anywhere but last is refused. */
const char *
test_act_refuse_end_not_last(void)
{
    static const enum flower_action_type ends[] = {
        FLOWER_ACT_DROP, FLOWER_ACT_REDIRECT, FLOWER_ACT_REDIRECT_INGRESS,
        FLOWER_ACT_GOTO_CHAIN,
    };
    enum flower_action_type types[3];
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ends); i++) {
        types[0] = FLOWER_ACT_CT;
        types[1] = ends[i];
        set_action_types(&r, types, 2);
        if (!encode(&r)) {
            FAIL("ct then action type %d refused", ends[i]);
        }
        types[0] = ends[i];
        types[1] = FLOWER_ACT_DROP;
        set_action_types(&r, types, 2);
        if (encode(&r)) {
            FAIL("action type %d then a drop not refused", ends[i]);
        }
        types[1] = FLOWER_ACT_CT;
        types[2] = FLOWER_ACT_GOTO_CHAIN;
        set_action_types(&r, types, 3);
        if (encode(&r)) {
            FAIL("action type %d, ct, goto not refused", ends[i]);
        }
    }
    return NULL;
}

/* Values the kernel would refuse, truncate or ignore are refused; the
 * nearest valid values are not. */
const char *
test_encode_rejects_actions(void)
{
    struct flower_action *act;
    struct flower_rule r;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    r.n_actions = 2;
    act = &r.actions[0];

    memset(act, 0, sizeof *act);
    act->type = FLOWER_ACT_VLAN_PUSH;
    act->vlan.proto = htons(ETH_P_8021AD);
    act->vlan.id = 0x0ffe;
    act->vlan.prio = 7;
    CHECK(encode(&r) != NULL);
    act->vlan.id = 0x0fff;                  /* Reserved VID. */
    CHECK(encode(&r) == NULL);
    act->vlan.id = 0x1000;
    CHECK(encode(&r) == NULL);
    act->vlan.id = 1;
    act->vlan.prio = 8;
    CHECK(encode(&r) == NULL);
    act->vlan.prio = 0;
    act->vlan.proto = htons(ETH_P_IP);
    CHECK(encode(&r) == NULL);
    act->vlan.proto = 0;
    CHECK(encode(&r) == NULL);

    set_ct(&r, 0, 1);
    act->ct.mark_mask = 1;
    CHECK(encode(&r) == NULL);              /* Mark without commit. */
    act->ct.commit = true;
    CHECK(encode(&r) != NULL);
    set_ct(&r, 0, 1);
    act->ct.label_mask[15] = 0x80;
    CHECK(encode(&r) == NULL);              /* Label without commit. */
    set_ct(&r, 0, 1);
    act->ct.force = true;
    CHECK(encode(&r) == NULL);              /* Force without commit. */

    set_ct(&r, 0, 1);
    set_goto(&r, 1, 0x0fffffff);
    CHECK(encode(&r) != NULL);
    set_goto(&r, 1, 0x10000000);            /* Beyond TC_ACT_EXT_VAL_MASK. */
    CHECK(encode(&r) == NULL);
    set_goto(&r, 1, UINT32_MAX);
    CHECK(encode(&r) == NULL);
    return NULL;
}
