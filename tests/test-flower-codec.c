/*
 * Unit tests for lib/flower-codec*.c.
 *
 * Standalone: links only the codec and libmnl, needs no kernel support.
 * Requests are checked attribute by attribute and decoded back; kernel
 * replies are simulated by building RTM_NEWTFILTER messages with libmnl.
 *
 * Usage: test-flower-codec [--list | TEST-NAME]
 */

#include "flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_vlan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])

/* Reason for the current test's failure. */
static char why[512];

#define FAIL(...)                                       \
    do {                                                \
        snprintf(why, sizeof why, __VA_ARGS__);         \
        return why;                                     \
    } while (0)

#define CHECK(COND)                                                 \
    do {                                                            \
        if (!(COND)) {                                              \
            FAIL("line %d: %s", __LINE__, #COND);                   \
        }                                                           \
    } while (0)

#define CHECK_ERR(EXPR, ERR)                                        \
    do {                                                            \
        int err_ = (EXPR);                                          \
        if (err_ != (ERR)) {                                        \
            FAIL("line %d: %s returned %d (%s), expected %s",       \
                 __LINE__, #EXPR, err_, strerror(err_), #ERR);      \
        }                                                           \
    } while (0)

#define TRY(EXPR)                                       \
    do {                                                \
        const char *why_ = (EXPR);                      \
        if (why_) {                                     \
            return why_;                                \
        }                                               \
    } while (0)

/* Message buffers, 4-byte aligned as netlink wants. */
static uint32_t bufw[FLOWER_MSG_BUFSIZE / 4];
static void *const buf = bufw;

/* Sentinel for "no struct tcf_t" in reply builders. */
#define NO_TM UINT64_MAX

/* Helpers: rules. */

/* Initializes 'r' to a rule matching everything on ifindex 7 that
 * redirects to ifindex 9. */
static void
base_rule(struct flower_rule *r)
{
    memset(r, 0, sizeof *r);
    r->id.ifindex = 7;
    r->id.prio = 5;
    r->id.handle = 0x11;
    r->protocol = htons(ETH_P_ALL);
    r->actions[0].type = FLOWER_ACT_REDIRECT;
    r->actions[0].ifindex = 9;
    r->n_actions = 1;
}

/* Initializes 'r' to base_rule() restricted to IPv4, or IPv6 if 'v6'. */
static void
ip_rule(struct flower_rule *r, bool v6)
{
    uint16_t type = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);

    base_rule(r);
    r->protocol = type;
    r->key.eth_type = type;
    r->mask.eth_type = 0xffff;
}

/* Initializes 'r' to ip_rule() with IP protocol 'proto'. */
static void
l4_rule(struct flower_rule *r, bool v6, uint8_t proto)
{
    ip_rule(r, v6);
    r->key.ip_proto = proto;
    r->mask.ip_proto = 0xff;
}

/* Initializes 'r' to a rule on 802.1Q frames of VLAN 100, priority 5,
 * encapsulating ethertype 'inner' (host order). */
static void
vlan_rule(struct flower_rule *r, uint16_t inner)
{
    base_rule(r);
    r->protocol = htons(ETH_P_8021Q);
    r->key.eth_type = htons(ETH_P_8021Q);
    r->mask.eth_type = 0xffff;
    r->key.vlan_id = 100;
    r->mask.vlan_id = 0x0fff;
    r->key.vlan_prio = 5;
    r->mask.vlan_prio = 0x7;
    r->key.vlan_eth_type = htons(inner);
    r->mask.vlan_eth_type = 0xffff;
}

/* Initializes 'r' to a rule on frames with an outer tag of TPID 'outer',
 * VLAN 100, priority 5, and an inner tag of TPID 'inner', VLAN 200,
 * priority 3, encapsulating ethertype 'type' (all host order). */
static void
qinq_rule(struct flower_rule *r, uint16_t outer, uint16_t inner,
          uint16_t type)
{
    vlan_rule(r, inner);
    r->protocol = htons(outer);
    r->key.eth_type = htons(outer);
    r->key.cvlan_id = 200;
    r->mask.cvlan_id = 0x0fff;
    r->key.cvlan_prio = 3;
    r->mask.cvlan_prio = 0x7;
    r->key.cvlan_eth_type = htons(type);
    r->mask.cvlan_eth_type = 0xffff;
}

/* Initializes 'r' to base_rule() restricted to ARP. */
static void
arp_rule(struct flower_rule *r)
{
    uint16_t type = htons(ETH_P_ARP);

    base_rule(r);
    r->protocol = type;
    r->key.eth_type = type;
    r->mask.eth_type = 0xffff;
}

/* Makes action 'i' of 'r' a ct in 'zone', with no other parameter. */
static void
set_ct(struct flower_rule *r, int i, uint16_t zone)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_CT;
    r->actions[i].ct.zone = zone;
}

/* Makes action 'i' of 'r' a goto to 'chain'. */
static void
set_goto(struct flower_rule *r, int i, uint32_t chain)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_GOTO_CHAIN;
    r->actions[i].chain = chain;
}

/* Sets key 'i' of the pedit keys of 'r', and counts it. */
static void
set_pedit_key(struct flower_rule *r, int i, uint8_t htype, uint32_t offset,
              uint32_t value, uint32_t mask)
{
    struct flower_pedit_key *key = &r->pedit_keys[i];

    memset(key, 0, sizeof *key);
    key->htype = htype;
    key->offset = offset;
    key->value = value;
    key->mask = mask;
    if (r->n_pedit_keys <= i) {
        r->n_pedit_keys = i + 1;
    }
}

/* Makes action 'i' of 'r' a pedit of its keys first...first + n - 1. */
static void
set_pedit(struct flower_rule *r, int i, int first, int n)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_PEDIT;
    r->actions[i].pedit.first = first;
    r->actions[i].pedit.n = n;
}

/* Makes action 'i' of 'r' a csum of 'flags'. */
static void
set_csum(struct flower_rule *r, int i, uint32_t flags)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_CSUM;
    r->actions[i].csum_flags = flags;
}

/* Encodes 'r' as an add request into 'buf'. */
static struct nlmsghdr *
encode(const struct flower_rule *r)
{
    return flower_encode_new(buf, r, NLM_F_CREATE | NLM_F_EXCL, 42);
}

/* Decodes a copy of 'nlh' in a buffer of exactly 'nlmsg_len' bytes, so that
 * valgrind sees any read past the message. */
static int
decode_copy(const struct nlmsghdr *nlh, struct flower_rule *rule)
{
    size_t size = (nlh->nlmsg_len < sizeof *nlh
                   ? sizeof *nlh : nlh->nlmsg_len);
    void *copy = malloc(size);
    int error;

    memcpy(copy, nlh, size);
    error = flower_decode(copy, rule);
    free(copy);
    return error;
}

#define CMP(A, B, FIELD, WHAT)                                          \
    do {                                                                \
        if (memcmp(&(A)->FIELD, &(B)->FIELD, sizeof (A)->FIELD)) {      \
            FAIL("decoded %s%s differs", WHAT, #FIELD);                 \
        }                                                               \
    } while (0)

/* Compares two keys (or masks), naming the first field that differs. */
static const char *
compare_keys(const struct flower_key *a, const struct flower_key *b,
             const char *what)
{
    CMP(a, b, eth_dst, what);
    CMP(a, b, eth_src, what);
    CMP(a, b, eth_type, what);
    CMP(a, b, vlan_id, what);
    CMP(a, b, vlan_prio, what);
    CMP(a, b, vlan_eth_type, what);
    CMP(a, b, cvlan_id, what);
    CMP(a, b, cvlan_prio, what);
    CMP(a, b, cvlan_eth_type, what);
    CMP(a, b, ip_proto, what);
    CMP(a, b, ip_tos, what);
    CMP(a, b, ip_ttl, what);
    CMP(a, b, ip_flags, what);
    CMP(a, b, ipv4_src, what);
    CMP(a, b, ipv4_dst, what);
    CMP(a, b, ipv6_src, what);
    CMP(a, b, ipv6_dst, what);
    CMP(a, b, tp_src, what);
    CMP(a, b, tp_dst, what);
    CMP(a, b, tcp_flags, what);
    CMP(a, b, icmp_type, what);
    CMP(a, b, icmp_code, what);
    CMP(a, b, arp_sip, what);
    CMP(a, b, arp_tip, what);
    CMP(a, b, arp_op, what);
    CMP(a, b, arp_sha, what);
    CMP(a, b, arp_tha, what);
    CMP(a, b, ct_state, what);
    CMP(a, b, ct_zone, what);
    CMP(a, b, ct_mark, what);
    CMP(a, b, ct_label, what);
    return NULL;
}

/* Compares two actions of the same index 'i', naming the first field that
 * differs. */
static const char *
compare_actions(const struct flower_action *a, const struct flower_action *b,
                int i)
{
    static char what[32];

    snprintf(what, sizeof what, "actions[%d].", i);
    CMP(a, b, type, what);
    switch (a->type) {
    case FLOWER_ACT_DROP:
    case FLOWER_ACT_VLAN_POP:
    case FLOWER_ACT_CT_CLEAR:
        break;
    case FLOWER_ACT_REDIRECT:
    case FLOWER_ACT_MIRROR:
    case FLOWER_ACT_REDIRECT_INGRESS:
    case FLOWER_ACT_MIRROR_INGRESS:
        CMP(a, b, ifindex, what);
        break;
    case FLOWER_ACT_VLAN_PUSH:
        CMP(a, b, vlan.proto, what);
        CMP(a, b, vlan.id, what);
        CMP(a, b, vlan.prio, what);
        break;
    case FLOWER_ACT_GOTO_CHAIN:
        CMP(a, b, chain, what);
        break;
    case FLOWER_ACT_CT:
        CMP(a, b, ct.zone, what);
        CMP(a, b, ct.commit, what);
        CMP(a, b, ct.force, what);
        CMP(a, b, ct.mark, what);
        CMP(a, b, ct.mark_mask, what);
        CMP(a, b, ct.label, what);
        CMP(a, b, ct.label_mask, what);
        break;
    case FLOWER_ACT_PEDIT:
        CMP(a, b, pedit.first, what);
        CMP(a, b, pedit.n, what);
        break;
    case FLOWER_ACT_CSUM:
        CMP(a, b, csum_flags, what);
        break;
    }
    return NULL;
}

/* Compares two rules, naming the first field that differs. */
static const char *
compare_rules(const struct flower_rule *a, const struct flower_rule *b)
{
    int i;

    CMP(a, b, id.ifindex, "");
    CMP(a, b, id.chain, "");
    CMP(a, b, id.prio, "");
    CMP(a, b, id.handle, "");
    CMP(a, b, protocol, "");
    TRY(compare_keys(&a->key, &b->key, "key."));
    TRY(compare_keys(&a->mask, &b->mask, "mask."));
    CMP(a, b, flags, "");
    CMP(a, b, in_hw, "");
    CMP(a, b, in_hw_count, "");
    CMP(a, b, n_actions, "");
    for (i = 0; i < a->n_actions; i++) {
        TRY(compare_actions(&a->actions[i], &b->actions[i], i));
    }
    CMP(a, b, n_pedit_keys, "");
    for (i = 0; i < a->n_pedit_keys && i < FLOWER_MAX_PEDIT_KEYS; i++) {
        CMP(a, b, pedit_keys[i].htype, "");
        CMP(a, b, pedit_keys[i].offset, "");
        CMP(a, b, pedit_keys[i].value, "");
        CMP(a, b, pedit_keys[i].mask, "");
    }
    CMP(a, b, has_cookie, "");
    if (a->has_cookie) {
        CMP(a, b, cookie, "");
    }
    CMP(a, b, stats.n_packets, "");
    CMP(a, b, stats.n_bytes, "");
    CMP(a, b, stats.has_lastuse, "");
    CMP(a, b, stats.lastuse_ms, "");
    return NULL;
}

/* Encodes 'r', decodes the request and compares. */
static const char *
roundtrip(const struct flower_rule *r)
{
    struct flower_rule out;
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    CHECK(nlh->nlmsg_len <= FLOWER_MSG_BUFSIZE);
    CHECK_ERR(decode_copy(nlh, &out), 0);
    return compare_rules(r, &out);
}

/* Helpers: attributes. */

/* Returns the attribute of 'type' inside 'nest', or NULL. */
static const struct nlattr *
find_nested(const struct nlattr *nest, uint16_t type)
{
    const struct nlattr *attr;

    mnl_attr_for_each_nested(attr, nest) {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

/* Returns the top-level attribute of 'type' of filter message 'nlh'. */
static const struct nlattr *
find_top(const struct nlmsghdr *nlh, uint16_t type)
{
    const struct nlattr *attr;

    mnl_attr_for_each(attr, nlh, sizeof (struct tcmsg)) {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

/* Returns the attribute of 'type' inside the TCA_OPTIONS of 'nlh'. */
static const struct nlattr *
find_opt(const struct nlmsghdr *nlh, uint16_t type)
{
    const struct nlattr *options = find_top(nlh, TCA_OPTIONS);

    return options ? find_nested(options, type) : NULL;
}

/* Checks that 'attr' exists and carries exactly 'size' bytes of 'data'. */
static const char *
expect_payload(const struct nlattr *attr, const char *name,
               const void *data, size_t size)
{
    if (!attr) {
        FAIL("attribute %s missing", name);
    }
    if (mnl_attr_get_payload_len(attr) != size) {
        FAIL("attribute %s has %u bytes, expected %zu", name,
             (unsigned int) mnl_attr_get_payload_len(attr), size);
    }
    if (memcmp(mnl_attr_get_payload(attr), data, size)) {
        FAIL("attribute %s has the wrong value", name);
    }
    return NULL;
}

#define EXPECT_OPT(NLH, TYPE, DATA, SIZE) \
    TRY(expect_payload(find_opt(NLH, TYPE), #TYPE, DATA, SIZE))

#define EXPECT_NO_OPT(NLH, TYPE)                                \
    do {                                                        \
        if (find_opt(NLH, TYPE)) {                              \
            FAIL("attribute %s present, expected absent", #TYPE); \
        }                                                       \
    } while (0)

/* Returns the TCA_OPTIONS of action 'index' (1-based) of request 'nlh'. */
static const struct nlattr *
find_act(const struct nlmsghdr *nlh, uint16_t index)
{
    const struct nlattr *list = find_opt(nlh, TCA_FLOWER_ACT);

    return list ? find_nested(list, index) : NULL;
}

/* Checks action 'index' of 'nlh' is mirred with the given parameters. */
static const char *
expect_mirred(const struct nlmsghdr *nlh, uint16_t index, int eaction,
              int control, uint32_t ifindex)
{
    const struct nlattr *act = find_act(nlh, index);
    const struct nlattr *kind, *options, *parms;
    struct tc_mirred p;

    CHECK(act != NULL);
    kind = find_nested(act, TCA_ACT_KIND);
    TRY(expect_payload(kind, "TCA_ACT_KIND", "mirred", 7));
    options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(options != NULL);
    parms = find_nested(options, TCA_MIRRED_PARMS);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms) == sizeof p);
    memcpy(&p, mnl_attr_get_payload(parms), sizeof p);
    if (p.eaction != eaction || p.action != control || p.ifindex != ifindex) {
        FAIL("action %u: mirred eaction %d action %d ifindex %u, expected "
             "%d %d %u", index, p.eaction, p.action, p.ifindex, eaction,
             control, ifindex);
    }
    return NULL;
}

/* Checks that action 'index' of request 'nlh' is of 'kind' and points
 * '*options' to its TCA_ACT_OPTIONS. */
static const char *
expect_act_kind(const struct nlmsghdr *nlh, uint16_t index, const char *kind,
                const struct nlattr **options)
{
    const struct nlattr *act = find_act(nlh, index);

    if (!act) {
        FAIL("action %u missing", index);
    }
    TRY(expect_payload(find_nested(act, TCA_ACT_KIND), "TCA_ACT_KIND", kind,
                       strlen(kind) + 1));
    *options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(*options != NULL);
    return NULL;
}

#define EXPECT_ACT_OPT(OPTIONS, TYPE, DATA, SIZE) \
    TRY(expect_payload(find_nested(OPTIONS, TYPE), #TYPE, DATA, SIZE))

#define EXPECT_NO_ACT_OPT(OPTIONS, TYPE)                            \
    do {                                                            \
        if (find_nested(OPTIONS, TYPE)) {                           \
            FAIL("attribute %s present, expected absent", #TYPE);   \
        }                                                           \
    } while (0)

/* Copies the parameter struct 'type' of 'size' bytes in 'options' into
 * 'parms'. */
static const char *
get_parms(const struct nlattr *options, uint16_t type, void *parms,
          size_t size)
{
    const struct nlattr *attr = find_nested(options, type);

    CHECK(attr != NULL);
    CHECK(mnl_attr_get_payload_len(attr) == size);
    memcpy(parms, mnl_attr_get_payload(attr), size);
    return NULL;
}

/* Encodes 'r', checks that it carries 'attr' = 'key' (and 'mask_attr' =
 * 'mask' unless 'mask_attr' is 0) in its options, then round-trips it. */
static const char *
check_field(const struct flower_rule *r, uint16_t attr, const char *name,
            const void *key, uint16_t mask_attr, const void *mask,
            size_t size)
{
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    TRY(expect_payload(find_opt(nlh, attr), name, key, size));
    if (mask_attr) {
        TRY(expect_payload(find_opt(nlh, mask_attr), "mask", mask, size));
    }
    return roundtrip(r);
}

#define CHECK_FIELD(R, ATTR, KEY, MASK_ATTR, MASK, SIZE) \
    check_field(R, ATTR, #ATTR, KEY, MASK_ATTR, MASK, SIZE)

/* Defines test_NAME() as FUNCTION(ARG), for IPv4/IPv6 or src/dst
 * variants of one test. */
#define VARIANT_TEST(NAME, FUNCTION, ARG)       \
    static const char *                         \
    test_##NAME(void)                           \
    {                                           \
        return FUNCTION(ARG);                   \
    }

/* Helpers: simulated kernel replies. */

/* Starts an RTM_NEWTFILTER message as the kernel sends it. */
static struct nlmsghdr *
reply_start(const char *kind, uint16_t protocol)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct tcmsg *tcm;

    nlh->nlmsg_type = RTM_NEWTFILTER;
    nlh->nlmsg_flags = NLM_F_MULTI;
    tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_ifindex = 7;
    tcm->tcm_parent = FLOWER_INGRESS_PARENT;
    tcm->tcm_handle = 1;
    tcm->tcm_info = TC_H_MAKE(1U << 16, protocol);
    mnl_attr_put_strz(nlh, TCA_KIND, kind);
    mnl_attr_put_u32(nlh, TCA_CHAIN, 0);
    return nlh;
}

/* Puts a struct tcf_t whose 'lastuse' is 'lastuse' ticks. */
static void
put_tm(struct nlmsghdr *nlh, uint16_t type, uint64_t lastuse)
{
    struct tcf_t tm = { .install = 9000, .lastuse = lastuse,
                        .expires = 0, .firstuse = 8000 };

    if (lastuse != NO_TM) {
        mnl_attr_put(nlh, type, sizeof tm, &tm);
    }
}

/* Puts the TCA_ACT_STATS nest the kernel puts for an action that counted
 * 'bytes' and 'packets' (with padding, as nla_put_64bit() may add). */
static void
put_stats(struct nlmsghdr *nlh, uint64_t bytes, uint32_t packets)
{
    struct gnet_stats_basic basic;
    struct gnet_stats_queue queue;
    struct nlattr *stats = mnl_attr_nest_start(nlh, TCA_ACT_STATS);

    memset(&basic, 0, sizeof basic);
    basic.bytes = bytes;
    basic.packets = packets;
    memset(&queue, 0, sizeof queue);
    mnl_attr_put(nlh, TCA_STATS_PAD, 0, NULL);
    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    mnl_attr_put(nlh, TCA_STATS_QUEUE, sizeof queue, &queue);
    mnl_attr_nest_end(nlh, stats);
}

/* Puts action 'index' (1-based) of kind mirred with the given parameters,
 * counters and last use, plus the informational attributes the kernel
 * adds, with NLA_F_NESTED as recent kernels set it. */
static void
reply_mirred(struct nlmsghdr *nlh, uint16_t index, int eaction, int control,
             uint32_t ifindex, uint64_t bytes, uint32_t packets,
             uint64_t lastuse)
{
    struct tc_mirred p = { .action = control, .eaction = eaction,
                           .ifindex = ifindex, .index = index };
    struct nla_bitfield32 hw_stats = { 3, 3 };
    struct nlattr *act = mnl_attr_nest_start(nlh, index | NLA_F_NESTED);
    struct nlattr *options;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
    put_stats(nlh, bytes, packets);
    mnl_attr_put(nlh, TCA_ACT_HW_STATS, sizeof hw_stats, &hw_stats);
    mnl_attr_put_u32(nlh, TCA_ACT_IN_HW_COUNT, 1);
    options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS | NLA_F_NESTED);
    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_MIRRED_PAD, 0, NULL);
    put_tm(nlh, TCA_MIRRED_TM, lastuse);
    mnl_attr_nest_end(nlh, options);
    mnl_attr_nest_end(nlh, act);
}

/* Puts a gact action 'index' whose verdict is 'control'. */
static void
reply_gact(struct nlmsghdr *nlh, uint16_t index, int control)
{
    struct tc_gact p = { .action = control };
    struct nlattr *act = mnl_attr_nest_start(nlh, index);
    struct nlattr *options;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
    options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    mnl_attr_nest_end(nlh, options);
    mnl_attr_nest_end(nlh, act);
}

/* Builds a valid dump entry of an IPv4 TCP rule with a redirect to 9. */
static struct nlmsghdr *
reply_simple(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list;

    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST, htons(80));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST_MASK, 0xffff);
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS, TCA_CLS_FLAGS_NOT_IN_HW);
    mnl_attr_put_u32(nlh, TCA_FLOWER_IN_HW_COUNT, 0);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, 1);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* Returns the first attribute inside the TCA_OPTIONS of 'nlh'. */
static struct nlattr *
first_opt(struct nlmsghdr *nlh)
{
    struct nlattr *options = (struct nlattr *) find_top(nlh, TCA_OPTIONS);

    return options ? mnl_attr_get_payload(options) : NULL;
}

/* Nests left open while a dump entry with actions is built. */
struct reply_nests {
    struct nlattr *options;     /* TCA_OPTIONS. */
    struct nlattr *list;        /* TCA_FLOWER_ACT. */
    struct nlattr *act;         /* The current action. */
    struct nlattr *act_options; /* Its TCA_ACT_OPTIONS. */
};

/* Starts a dump entry of filter protocol "all" and its action list. */
static struct nlmsghdr *
reply_list_start(struct reply_nests *n)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));

    n->options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    n->list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    return nlh;
}

/* Ends what reply_list_start() started. */
static struct nlmsghdr *
reply_list_end(struct nlmsghdr *nlh, struct reply_nests *n)
{
    mnl_attr_nest_end(nlh, n->list);
    mnl_attr_nest_end(nlh, n->options);
    return nlh;
}

/* Starts action 'index' of 'kind', up to inside its TCA_ACT_OPTIONS. */
static void
reply_act_start(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                const char *kind)
{
    n->act = mnl_attr_nest_start(nlh, index | NLA_F_NESTED);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, kind);
    n->act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS | NLA_F_NESTED);
}

/* Ends what reply_act_start() started, after a struct tcf_t 'tm_attr'
 * whose last use is 'lastuse' ticks (none if NO_TM). */
static void
reply_act_end(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t tm_attr,
              uint64_t lastuse)
{
    put_tm(nlh, tm_attr, lastuse);
    mnl_attr_nest_end(nlh, n->act_options);
    mnl_attr_nest_end(nlh, n->act);
}

/* Puts a gact action 'index' with verdict 'control'. */
static void
reply_gact_tm(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
              int control, uint64_t lastuse)
{
    struct tc_gact p = { .action = control, .index = index };

    reply_act_start(nlh, n, index, "gact");
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    reply_act_end(nlh, n, TCA_GACT_TM, lastuse);
}

/* Puts a vlan action 'index' doing 'v_action', and the pushed tag 'id',
 * 'tpid' (host order), 'prio' as tcf_vlan_dump() does, unless 'id' is
 * negative. */
static void
reply_vlan(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
           int v_action, int id, uint16_t tpid, uint8_t prio,
           uint64_t lastuse)
{
    struct tc_vlan p = { .action = TC_ACT_PIPE, .v_action = v_action,
                         .index = index };

    reply_act_start(nlh, n, index, "vlan");
    mnl_attr_put(nlh, TCA_VLAN_PARMS, sizeof p, &p);
    if (id >= 0) {
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_ID, id);
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_PROTOCOL, htons(tpid));
        mnl_attr_put_u8(nlh, TCA_VLAN_PUSH_VLAN_PRIORITY, prio);
    }
    reply_act_end(nlh, n, TCA_VLAN_TM, lastuse);
}

/* Puts a ct action 'index' with TCA_CT_ACTION 'flags' as tcf_ct_dump()
 * does: for other than a clear, the mark and label of 'ct' if their masks
 * are not zero, and the zone always. */
static void
reply_ct(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
         uint16_t flags, const struct flower_ct *ct, uint64_t lastuse)
{
    static const uint8_t zeros[16];
    struct tc_ct p = { .action = TC_ACT_PIPE, .index = index };

    reply_act_start(nlh, n, index, "ct");
    mnl_attr_put_u16(nlh, TCA_CT_ACTION, flags);
    if (!(flags & TCA_CT_ACT_CLEAR)) {
        if (ct->mark_mask) {
            mnl_attr_put_u32(nlh, TCA_CT_MARK, ct->mark);
            mnl_attr_put_u32(nlh, TCA_CT_MARK_MASK, ct->mark_mask);
        }
        if (memcmp(ct->label_mask, zeros, sizeof zeros)) {
            mnl_attr_put(nlh, TCA_CT_LABELS, 16, ct->label);
            mnl_attr_put(nlh, TCA_CT_LABELS_MASK, 16, ct->label_mask);
        }
        mnl_attr_put_u16(nlh, TCA_CT_ZONE, ct->zone);
    }
    mnl_attr_put(nlh, TCA_CT_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_CT_PAD, 0, NULL);
    reply_act_end(nlh, n, TCA_CT_TM, lastuse);
}

/* A pedit action as tcf_pedit_dump() puts it, and how to spoil it. */
struct pedit_reply {
    int action;                 /* Verdict. */
    int nkeys;                  /* tc_pedit_sel 'nkeys', and keys put. */
    int flags;                  /* tc_pedit_sel 'flags'. */
    int parms_extra;            /* Bytes added to the parameters (or,
                                 * if negative, cut from their end). */
    uint16_t parms_type;        /* TCA_PEDIT_PARMS_EX or legacy _PARMS. */
    int n_ex;                   /* Extended keys; -1: no TCA_PEDIT_KEYS_EX
                                 * at all. */
    uint16_t ex_type;           /* Type of their nests. */
    unsigned int ex_attrs;      /* EX_* attributes each one holds. */
    uint16_t htype, cmd;        /* Each extended key's. */
    struct tc_pedit_key key;    /* Each key, 'off' 4 bytes further than
                                 * the one before. */
    size_t tm_size;             /* If not 0, a TCA_PEDIT_TM of this many
                                 * bytes instead of a struct tcf_t. */
};

/* Attributes of an extended key in a 'struct pedit_reply'. */
enum {
    EX_HTYPE = 1 << 0,          /* TCA_PEDIT_KEY_EX_HTYPE. */
    EX_CMD = 1 << 1,            /* TCA_PEDIT_KEY_EX_CMD. */
    EX_HTYPE_U32 = 1 << 2,      /* TCA_PEDIT_KEY_EX_HTYPE, 4 bytes. */
    EX_NEWER = 1 << 3,          /* An attribute newer than the headers. */
};

/* Initializes 'p' to the pedit of two IPv4 keys that set the TTL and the
 * first byte of the source address to 63, as the kernel dumps it. */
static void
pedit_reply_init(struct pedit_reply *p)
{
    memset(p, 0, sizeof *p);
    p->action = TC_ACT_PIPE;
    p->nkeys = 2;
    p->parms_type = TCA_PEDIT_PARMS_EX;
    p->n_ex = 2;
    p->ex_type = TCA_PEDIT_KEY_EX;
    p->ex_attrs = EX_HTYPE | EX_CMD;
    p->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_IP4;
    p->cmd = TCA_PEDIT_KEY_EX_CMD_SET;
    p->key.mask = ~htonl(0xff000000);
    p->key.val = htonl(0x3f000000);
    p->key.off = 8;
}

/* The keys of the model that pedit_reply_init()'s reply decodes to, from
 * 'first' in 'r'. */
static void
pedit_reply_keys(struct flower_rule *r, int first)
{
    int i;

    for (i = 0; i < 2; i++) {
        set_pedit_key(r, first + i, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8 + 4 * i,
                      htonl(0x3f000000), htonl(0xff000000));
    }
}

/* Puts a pedit action 'index' as 'p' says, extended keys first as
 * tcf_pedit_dump() does. */
static void
reply_pedit(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
            const struct pedit_reply *p, uint64_t lastuse)
{
    struct tc_pedit_sel sel;
    uint8_t parms[sizeof sel + 64 * sizeof (struct tc_pedit_key)];
    int i;

    memset(parms, 0, sizeof parms);
    memset(&sel, 0, sizeof sel);
    sel.action = p->action;
    sel.index = index;
    sel.nkeys = p->nkeys;
    sel.flags = p->flags;
    memcpy(parms, &sel, sizeof sel);
    for (i = 0; i < p->nkeys; i++) {
        struct tc_pedit_key key = p->key;

        key.off += 4 * i;
        memcpy(&parms[sizeof sel + i * sizeof key], &key, sizeof key);
    }

    reply_act_start(nlh, n, index, "pedit");
    if (p->n_ex >= 0) {
        struct nlattr *keys_ex = mnl_attr_nest_start(nlh, TCA_PEDIT_KEYS_EX);

        for (i = 0; i < p->n_ex; i++) {
            struct nlattr *key_ex = mnl_attr_nest_start(nlh, p->ex_type);

            if (p->ex_attrs & EX_HTYPE) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_HTYPE, p->htype);
            }
            if (p->ex_attrs & EX_HTYPE_U32) {
                mnl_attr_put_u32(nlh, TCA_PEDIT_KEY_EX_HTYPE, p->htype);
            }
            if (p->ex_attrs & EX_CMD) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_CMD, p->cmd);
            }
            if (p->ex_attrs & EX_NEWER) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_MAX + 1, 0);
            }
            mnl_attr_nest_end(nlh, key_ex);
        }
        mnl_attr_nest_end(nlh, keys_ex);
    }
    mnl_attr_put(nlh, p->parms_type,
                 (sizeof sel + p->nkeys * sizeof (struct tc_pedit_key)
                  + p->parms_extra), parms);
    mnl_attr_put(nlh, TCA_PEDIT_PAD, 0, NULL);
    if (p->tm_size) {
        mnl_attr_put(nlh, TCA_PEDIT_TM, p->tm_size, parms);
        lastuse = NO_TM;
    }
    reply_act_end(nlh, n, TCA_PEDIT_TM, lastuse);
}

/* Puts a csum action 'index' that updates 'flags'. */
static void
reply_csum(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
           uint32_t flags, uint64_t lastuse)
{
    struct tc_csum p = { .action = TC_ACT_PIPE, .index = index,
                         .update_flags = flags };

    reply_act_start(nlh, n, index, "csum");
    mnl_attr_put(nlh, TCA_CSUM_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_CSUM_PAD, 0, NULL);
    reply_act_end(nlh, n, TCA_CSUM_TM, lastuse);
}

/* Decodes into 'r' a dump entry whose first action is the pedit 'p', then
 * a goto chain 1, and checks that decoding returns 'error'.  'id' (the
 * caller's line, or a pass) names the case in the failure message. */
static const char *
check_pedit_reply(int id, const struct pedit_reply *p,
                  struct flower_rule *r, int error)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    int ret;

    reply_pedit(nlh, &n, 1, p, NO_TM);
    reply_gact_tm(nlh, &n, 2, TC_ACT_GOTO_CHAIN | 1, NO_TM);
    ret = decode_copy(reply_list_end(nlh, &n), r);
    if (ret != error) {
        FAIL("pedit reply %d: decoded as %d (%s), expected %d (%s)",
             id, ret, strerror(ret), error, strerror(error));
    }
    return NULL;
}

#define CHECK_PEDIT_REPLY(P, ERROR)                             \
    do {                                                        \
        struct flower_rule r_;                                  \
        TRY(check_pedit_reply(__LINE__, P, &r_, ERROR));        \
    } while (0)

/* An option attribute, for replies built from a list of them. */
struct opt {
    uint16_t type;
    const void *data;
    size_t size;
};

/* Decodes a dump entry whose first action is of 'kind' with the 'n_opts'
 * options 'opts', except that 'bad_type' (if not 0) gets 'bad_size' bytes
 * instead, and checks that decoding returns 'error'.  Unless 'kind' is
 * "gact" (which must then end the list), a goto chain 1 follows.  'line'
 * is the caller's, for the failure message. */
static const char *
check_act_reply(int line, const char *kind, const struct opt *opts,
                size_t n_opts, uint16_t bad_type, size_t bad_size, int error)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    struct flower_rule r;
    size_t i;
    int ret;

    reply_act_start(nlh, &n, 1, kind);
    for (i = 0; i < n_opts; i++) {
        uint8_t data[64];

        memset(data, 0, sizeof data);
        memcpy(data, opts[i].data, opts[i].size);
        mnl_attr_put(nlh, opts[i].type,
                     opts[i].type == bad_type ? bad_size : opts[i].size,
                     data);
    }
    reply_act_end(nlh, &n, 0, NO_TM);
    if (strcmp(kind, "gact")) {
        reply_gact_tm(nlh, &n, 2, TC_ACT_GOTO_CHAIN | 1, NO_TM);
    }
    ret = decode_copy(reply_list_end(nlh, &n), &r);
    if (ret != error) {
        FAIL("line %d: %s action (option %u resized to %zu bytes if not 0): "
             "decoding returned %d (%s), expected %d (%s)", line, kind,
             bad_type, bad_size, ret, strerror(ret), error, strerror(error));
    }
    return NULL;
}

#define CHECK_ACT_REPLY(KIND, OPTS, N_OPTS, BAD_TYPE, BAD_SIZE, ERROR)  \
    TRY(check_act_reply(__LINE__, KIND, OPTS, N_OPTS, BAD_TYPE,         \
                        BAD_SIZE, ERROR))

/* Tests: one key field at a time, request attributes and round trip. */

/* Destination MAC with a partial mask. */
static const char *
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
static const char *
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
static const char *
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
static const char *
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

static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
    static const char *                                                 \
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
    static const char *                                                 \
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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

/* Tests: actions, cookie, flags, identity. */

/* A drop is gact with verdict TC_ACT_SHOT. */
static const char *
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
static const char *
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
static const char *
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
static const char *
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

/* Outputs to internal ports are ingress mirror and redirect. */
static const char *
test_act_ingress(void)
{
    struct flower_rule r;

    base_rule(&r);
    r.actions[0].type = FLOWER_ACT_MIRROR_INGRESS;
    r.actions[0].ifindex = 7;
    r.actions[1].type = FLOWER_ACT_MIRROR;
    r.actions[1].ifindex = 8;
    r.actions[2].type = FLOWER_ACT_REDIRECT_INGRESS;
    r.actions[2].ifindex = 9;
    r.n_actions = 3;
    return roundtrip(&r);
}

/* The cookie rides on the last action only. */
static const char *
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
static const char *
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
    CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO
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
static const char *
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
    TRY(expect_payload(find_top(nlh, TCA_CHAIN), "TCA_CHAIN", &zero, 4));
    return roundtrip(&r);
}

/* Delete and get requests address one rule. */
static const char *
test_encode_del_get(void)
{
    struct flower_id id = { .ifindex = 3, .chain = 2, .prio = 9,
                            .handle = 77 };
    const struct tcmsg *tcm;
    struct nlmsghdr *nlh;
    int get;

    for (get = 0; get < 2; get++) {
        nlh = (get ? flower_encode_get(buf, &id, htons(ETH_P_IP), 5)
               : flower_encode_del(buf, &id, htons(ETH_P_IP), 5));
        CHECK(nlh != NULL);
        CHECK(nlh->nlmsg_type == (get ? RTM_GETTFILTER : RTM_DELTFILTER));
        CHECK(nlh->nlmsg_flags & NLM_F_REQUEST);
        CHECK(nlh->nlmsg_flags & NLM_F_ACK);  /* The transport waits for it. */
        CHECK(!(nlh->nlmsg_flags & NLM_F_DUMP));
        CHECK(nlh->nlmsg_seq == 5);
        tcm = mnl_nlmsg_get_payload(nlh);
        CHECK(tcm->tcm_ifindex == 3);
        CHECK(tcm->tcm_parent == FLOWER_INGRESS_PARENT);
        CHECK(tcm->tcm_handle == 77);
        CHECK(tcm->tcm_info == ((9U << 16) | htons(ETH_P_IP)));
        CHECK(find_top(nlh, TCA_CHAIN) != NULL);
        CHECK(mnl_attr_get_u32(find_top(nlh, TCA_CHAIN)) == 2);
        CHECK(find_top(nlh, TCA_OPTIONS) == NULL);
    }
    return NULL;
}

/* A dump request covers every chain of the ingress hook. */
static const char *
test_encode_dump(void)
{
    struct nlmsghdr *nlh = flower_encode_dump(buf, 12, 6);
    const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

    CHECK(nlh->nlmsg_type == RTM_GETTFILTER);
    CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_DUMP));
    CHECK(nlh->nlmsg_seq == 6);
    CHECK(tcm->tcm_ifindex == 12);
    CHECK(tcm->tcm_parent == FLOWER_INGRESS_PARENT);
    CHECK(tcm->tcm_info == 0 && tcm->tcm_handle == 0);
    CHECK(find_top(nlh, TCA_CHAIN) == NULL);
    return NULL;
}

/* Ingress qdisc add and delete requests. */
static const char *
test_encode_qdisc(void)
{
    const struct tcmsg *tcm;
    struct nlmsghdr *nlh;
    int add;

    for (add = 0; add < 2; add++) {
        uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

        nlh = flower_encode_ingress_qdisc(buf, 4, add, 8);
        flags |= add ? NLM_F_CREATE | NLM_F_EXCL : 0;
        CHECK(nlh->nlmsg_type == (add ? RTM_NEWQDISC : RTM_DELQDISC));
        CHECK(nlh->nlmsg_flags == flags);
        CHECK(nlh->nlmsg_seq == 8);
        tcm = mnl_nlmsg_get_payload(nlh);
        CHECK(tcm->tcm_family == AF_UNSPEC);
        CHECK(tcm->tcm_ifindex == 4);
        CHECK(tcm->tcm_parent == TC_H_INGRESS);
        CHECK(tcm->tcm_handle == 0xffff0000U);
        TRY(expect_payload(find_top(nlh, TCA_KIND), "TCA_KIND", "ingress",
                           8));
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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

/* Checks that action 'index' of request 'nlh' is a pedit, verdict PIPE,
 * of the 'n' keys 'keys': the kernel's mask the bits to keep, its value
 * the model's under the model's mask, and one extended key each, a set
 * in the key's header. */
static const char *
expect_pedit(const struct nlmsghdr *nlh, uint16_t index,
             const struct flower_pedit_key *keys, int n)
{
    const struct nlattr *options, *parms, *keys_ex, *key_ex;
    uint16_t cmd = TCA_PEDIT_KEY_EX_CMD_SET;
    struct tc_pedit_sel sel;
    const uint8_t *payload;
    int i;

    TRY(expect_act_kind(nlh, index, "pedit", &options));
    EXPECT_NO_ACT_OPT(options, TCA_PEDIT_PARMS);
    parms = find_nested(options, TCA_PEDIT_PARMS_EX);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms)
          == sizeof sel + n * sizeof (struct tc_pedit_key));
    payload = mnl_attr_get_payload(parms);
    memcpy(&sel, payload, sizeof sel);
    CHECK(sel.action == TC_ACT_PIPE);
    CHECK(sel.nkeys == n);
    CHECK(sel.flags == 0);
    for (i = 0; i < n; i++) {
        const struct flower_pedit_key *key = &keys[i];
        struct tc_pedit_key k;

        memcpy(&k, &payload[sizeof sel + i * sizeof k], sizeof k);
        if (k.mask != ~key->mask || k.val != (key->value & key->mask)
            || k.off != key->offset || k.at || k.offmask || k.shift) {
            FAIL("action %u key %d: mask %#x val %#x off %u at %u offmask "
                 "%#x shift %u", index, i, k.mask, k.val, k.off, k.at,
                 k.offmask, k.shift);
        }
    }

    keys_ex = find_nested(options, TCA_PEDIT_KEYS_EX);
    CHECK(keys_ex != NULL);
    i = 0;
    mnl_attr_for_each_nested(key_ex, keys_ex) {
        uint16_t htype;

        CHECK(i < n);
        htype = keys[i].htype;
        CHECK(mnl_attr_get_type(key_ex) == TCA_PEDIT_KEY_EX);
        TRY(expect_payload(find_nested(key_ex, TCA_PEDIT_KEY_EX_HTYPE),
                           "TCA_PEDIT_KEY_EX_HTYPE", &htype, 2));
        TRY(expect_payload(find_nested(key_ex, TCA_PEDIT_KEY_EX_CMD),
                           "TCA_PEDIT_KEY_EX_CMD", &cmd, 2));
        i++;
    }
    CHECK(i == n);
    return NULL;
}

/* Checks that action 'index' of request 'nlh' is a csum of 'flags',
 * verdict PIPE. */
static const char *
expect_csum(const struct nlmsghdr *nlh, uint16_t index, uint32_t flags)
{
    const struct nlattr *options;
    struct tc_csum p;

    TRY(expect_act_kind(nlh, index, "csum", &options));
    TRY(get_parms(options, TCA_CSUM_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(p.update_flags == flags);
    return NULL;
}

/* A header rewrite as OVS asks for it: the keys of one pedit action. */
struct rewrite {
    const char *name;
    bool v6;                    /* On IPv6, else IPv4, TCP packets. */
    uint32_t csum_flags;        /* The csum after it. */
    int n_keys;
    struct flower_pedit_key keys[4];
};

#define PK(HTYPE, OFFSET, VALUE, MASK) \
    { TCA_PEDIT_KEY_EX_HDR_TYPE_##HTYPE, OFFSET, VALUE, MASK }

/* Encodes the rule that does 'rw', a csum and a redirect, checks each
 * action and round-trips it. */
static const char *
check_rewrite(const struct rewrite *rw)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    l4_rule(&r, rw->v6, IPPROTO_TCP);
    r.actions[2] = r.actions[0];
    set_pedit(&r, 0, 0, rw->n_keys);
    set_csum(&r, 1, rw->csum_flags);
    r.n_actions = 3;
    memcpy(r.pedit_keys, rw->keys, rw->n_keys * sizeof rw->keys[0]);
    r.n_pedit_keys = rw->n_keys;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_pedit(nlh, 1, rw->keys, rw->n_keys));
    TRY(expect_csum(nlh, 2, rw->csum_flags));
    TRY(expect_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    CHECK(find_act(nlh, 4) == NULL);
    return roundtrip(&r);
}

/* OVS's usual rewrites (set eth_dst, partly masked; set nw_ttl; set
 * ipv6_src; set tp_dst), each a pedit, then csum and a redirect. */
static const char *
test_act_pedit_rewrite(void)
{
    const uint32_t v4_csum = (TCA_CSUM_UPDATE_FLAG_IPV4HDR
                              | TCA_CSUM_UPDATE_FLAG_TCP);
    const uint32_t all = 0xffffffff;
    const struct rewrite rewrites[] = {
        { "eth_dst", false, v4_csum, 2, {
            PK(ETH, 0, htonl(0x00110033), htonl(0xffff00ff)),
            PK(ETH, 4, htonl(0x44550000), htonl(0xffff0000)) } },
        { "ipv4_ttl", false, v4_csum, 1, {
            PK(IP4, 8, htonl(0x3f000000), htonl(0xff000000)) } },
        { "ipv6_src", true, TCA_CSUM_UPDATE_FLAG_TCP, 4, {
            PK(IP6, 8, htonl(0x20010db8), all), PK(IP6, 12, 0, all),
            PK(IP6, 16, 0, all), PK(IP6, 20, htonl(1), all) } },
        { "tcp_dst", false, v4_csum, 1, {
            PK(TCP, 0, htonl(0x00001f90), htonl(0x0000ffff)) } },
        { "all_v4", false, v4_csum, 4, {
            PK(ETH, 0, htonl(0x00112233), all),
            PK(ETH, 4, htonl(0x44550000), htonl(0xffff0000)),
            PK(IP4, 8, htonl(0x3f000000), htonl(0xff000000)),
            PK(TCP, 0, htonl(0x00001f90), htonl(0x0000ffff)) } },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rewrites); i++) {
        const char *reason = check_rewrite(&rewrites[i]);

        if (reason) {
            char copy[sizeof why];

            snprintf(copy, sizeof copy, "%s", reason);
            FAIL("%s: %.400s", rewrites[i].name, copy);
        }
    }
    return NULL;
}

/* The bytes of one struct tc_pedit_key: the kernel keeps the bits of its
 * mask and XORs in its value, so setting the TTL (byte 0 of the word at
 * IPv4 offset 8) puts mask 00 ff ff ff and value 3f 00 00 00, the bits of
 * the model's value outside its mask dropped, and rewrites a word as the
 * model means it. */
static const char *
test_act_pedit_key_bytes(void)
{
    static const uint8_t model_value[4] = { 0x3f, 0x11, 0x22, 0x33 };
    static const uint8_t model_mask[4] = { 0xff, 0x00, 0x00, 0x00 };
    static const uint8_t kernel_mask[4] = { 0x00, 0xff, 0xff, 0xff };
    static const uint8_t kernel_val[4] = { 0x3f, 0x00, 0x00, 0x00 };
    static const uint8_t old[4] = { 0x40, 0x06, 0xbe, 0xef };
    static const uint8_t new[4] = { 0x3f, 0x06, 0xbe, 0xef };
    uint8_t expected[sizeof (struct tc_pedit_key)];
    const struct nlattr *options, *parms;
    struct flower_rule r, out;
    struct tc_pedit_key k;
    struct nlmsghdr *nlh;
    uint32_t value, mask, word;

    memcpy(&value, model_value, 4);
    memcpy(&mask, model_mask, 4);
    ip_rule(&r, false);
    r.actions[1] = r.actions[0];
    set_pedit(&r, 0, 0, 1);
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8, value, mask);
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "pedit", &options));
    parms = find_nested(options, TCA_PEDIT_PARMS_EX);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms)
          == sizeof (struct tc_pedit_sel) + sizeof k);

    memset(expected, 0, sizeof expected);
    memcpy(&expected[offsetof(struct tc_pedit_key, mask)], kernel_mask, 4);
    memcpy(&expected[offsetof(struct tc_pedit_key, val)], kernel_val, 4);
    k.off = 8;
    memcpy(&expected[offsetof(struct tc_pedit_key, off)], &k.off, 4);
    CHECK(!memcmp((const uint8_t *) mnl_attr_get_payload(parms)
                  + sizeof (struct tc_pedit_sel), expected, sizeof expected));

    /* What tcf_pedit_act() does with it. */
    memcpy(&k, expected, sizeof k);
    memcpy(&word, old, 4);
    word = (word & k.mask) ^ k.val;
    CHECK(!memcmp(&word, new, 4));

    /* Read back: the value under the mask only. */
    CHECK_ERR(decode_copy(nlh, &out), 0);
    CHECK(out.n_pedit_keys == 1);
    CHECK(!memcmp(&out.pedit_keys[0].value, kernel_val, 4));
    CHECK(!memcmp(&out.pedit_keys[0].mask, model_mask, 4));
    CHECK(out.pedit_keys[0].offset == 8);
    CHECK(out.pedit_keys[0].htype == TCA_PEDIT_KEY_EX_HDR_TYPE_IP4);
    return NULL;
}

/* Two pedit actions share the rule's keys, each with its own range:
 * pedit(eth_dst), pedit(ttl), csum, redirect. */
static const char *
test_act_pedit_two(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ip_rule(&r, false);
    r.actions[3] = r.actions[0];
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, 0,
                  htonl(0x00112233), 0xffffffff);
    set_pedit_key(&r, 1, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, 4,
                  htonl(0x44550000), htonl(0xffff0000));
    set_pedit_key(&r, 2, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    set_pedit(&r, 0, 0, 2);
    set_pedit(&r, 1, 2, 1);
    set_csum(&r, 2, TCA_CSUM_UPDATE_FLAG_IPV4HDR);
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_pedit(nlh, 1, &r.pedit_keys[0], 2));
    TRY(expect_pedit(nlh, 2, &r.pedit_keys[2], 1));
    TRY(expect_csum(nlh, 3, TCA_CSUM_UPDATE_FLAG_IPV4HDR));
    TRY(expect_mirred(nlh, 4, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    return roundtrip(&r);
}

/* Pedit and csum values the kernel would refuse or apply otherwise than
 * the model means are refused; the nearest valid values are not. */
static const char *
test_act_pedit_refuse(void)
{
    struct flower_pedit_key *key;
    struct flower_rule r;
    int i;

    ip_rule(&r, false);
    r.actions[1] = r.actions[0];
    r.n_actions = 2;
    set_pedit(&r, 0, 0, 1);
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    key = &r.pedit_keys[0];
    CHECK(encode(&r) != NULL);

    r.actions[0].pedit.n = 0;               /* No keys. */
    CHECK(encode(&r) == NULL);
    r.pedit_keys[1] = r.pedit_keys[0];      /* Beyond n_pedit_keys. */
    r.actions[0].pedit.n = 2;
    CHECK(encode(&r) == NULL);
    r.actions[0].pedit.n = 1;
    r.actions[0].pedit.first = 1;
    CHECK(encode(&r) == NULL);
    r.actions[0].pedit.first = 0;

    key->offset = 10;                       /* Misaligned. */
    CHECK(encode(&r) == NULL);
    key->offset = 2;
    CHECK(encode(&r) == NULL);
    key->offset = 12;
    CHECK(encode(&r) != NULL);

    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_NETWORK;
    CHECK(encode(&r) == NULL);
    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_UDP + 1;
    CHECK(encode(&r) == NULL);
    key->htype = 0xff;
    CHECK(encode(&r) == NULL);
    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_UDP;
    CHECK(encode(&r) != NULL);

    /* FLOWER_MAX_PEDIT_KEYS in all, in one action or two. */
    for (i = 0; i < FLOWER_MAX_PEDIT_KEYS; i++) {
        set_pedit_key(&r, i, TCA_PEDIT_KEY_EX_HDR_TYPE_IP6, 4 * i,
                      htonl(i), 0xffffffff);
    }
    set_pedit(&r, 0, 0, FLOWER_MAX_PEDIT_KEYS);
    TRY(roundtrip(&r));
    r.n_pedit_keys = FLOWER_MAX_PEDIT_KEYS + 1;
    CHECK(encode(&r) == NULL);
    r.n_pedit_keys = FLOWER_MAX_PEDIT_KEYS;
    r.actions[2] = r.actions[1];
    r.n_actions = 3;
    set_pedit(&r, 0, 0, 16);
    set_pedit(&r, 1, 16, 16);
    TRY(roundtrip(&r));
    set_pedit(&r, 1, 10, 16);               /* 32 keys, but 16 + 16 put. */
    CHECK(encode(&r) != NULL);
    set_pedit(&r, 1, 10, 17);               /* 16 + 17 put. */
    CHECK(encode(&r) == NULL);

    set_csum(&r, 1, 0x7f);                  /* Every flag act_csum knows. */
    CHECK(encode(&r) != NULL);
    set_csum(&r, 1, 0x80);
    CHECK(encode(&r) == NULL);
    set_csum(&r, 1, UINT32_MAX);
    CHECK(encode(&r) == NULL);
    return NULL;
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
static const char *
test_act_refuse_pipe_last(void)
{
    static const enum flower_action_type pipes[] = {
        FLOWER_ACT_MIRROR, FLOWER_ACT_MIRROR_INGRESS, FLOWER_ACT_VLAN_PUSH,
        FLOWER_ACT_VLAN_POP, FLOWER_ACT_CT, FLOWER_ACT_CT_CLEAR,
        FLOWER_ACT_PEDIT, FLOWER_ACT_CSUM,
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
static const char *
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
static const char *
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

/* Tests: decoding what the kernel sends. */

/* A dump entry as the kernel sends it, with padding, NLA_F_NESTED and the
 * attributes the codec ignores. */
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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

static const char *
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
static const char *
test_no_options(void)
{
    struct flower_rule r;

    CHECK_ERR(decode_copy(reply_start("flower", htons(ETH_P_IP)), &r),
              EAFNOSUPPORT);
    return NULL;
}

/* An action kind the codec does not speak. */
static const char *
test_unknown_act_kind(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct nlattr *act = mnl_attr_nest_start(nlh, 1);
    struct nlattr *act_options;
    struct flower_rule r;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "skbedit");
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
static const char *
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
static const char *
test_unknown_key(void)
{
    static const uint16_t types[] = {
        TCA_FLOWER_KEY_ENC_KEY_ID, TCA_FLOWER_MAX + 1, TCA_FLOWER_CLASSID,
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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
static const char *
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

/* ct actions the codec does not model: NAT (by flag or attribute), a
 * clear with other flags, another verdict, a mark or force without
 * commit, an attribute newer than the uapi headers. */
static const char *
test_decode_ct_unknown(void)
{
    static const uint16_t flag_sets[] = {
        TCA_CT_ACT_COMMIT, TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT,
        TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_SRC, TCA_CT_ACT_CLEAR | 1,
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
    opts[2].type = TCA_CT_NAT_IPV4_MIN;     /* 4 bytes, as its type. */
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EOPNOTSUPP);
    opts[2].type = TCA_CT_MAX + 1;          /* Newer: helpers. */
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EOPNOTSUPP);
    p.action = TC_ACT_OK;
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, EOPNOTSUPP);
    return NULL;
}

/* A dump entry with pedit, csum and redirect as the kernel sends them
 * (extended keys before the parameters, timestamps, padding): the keys
 * land in the rule's, and the last use is the most recent action's. */
static const char *
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
static const char *
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

/* Tests: malformed messages. */

/* A message too short for its tcmsg. */
static const char *
test_bad_truncated_header(void)
{
    struct nlmsghdr *nlh = reply_simple();
    struct flower_rule r;

    CHECK_ERR(decode_copy(nlh, &r), 0);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof (struct tcmsg) - 4;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    nlh->nlmsg_len = 0;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    return NULL;
}

/* A message cut inside an attribute (as by a short read). */
static const char *
test_bad_truncated_attr(void)
{
    struct nlmsghdr *nlh = reply_simple();
    uint32_t len = nlh->nlmsg_len;
    struct flower_rule r;

    nlh->nlmsg_len = len - 8;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    nlh->nlmsg_len = len - 2;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    nlh->nlmsg_len = len + 4;       /* Trailing bytes, no attribute. */
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    return NULL;
}

/* Key attributes with a length other than their type's. */
static const char *
test_bad_u16_len(void)
{
    static const uint8_t bytes[8];
    static const struct {
        uint16_t type;
        size_t size;
    } cases[] = {
        { TCA_FLOWER_KEY_ETH_TYPE, 3 },
        { TCA_FLOWER_KEY_ETH_TYPE, 1 },
        { TCA_FLOWER_KEY_TCP_DST, 4 },
        { TCA_FLOWER_KEY_TCP_DST_MASK, 1 },
        { TCA_FLOWER_KEY_VLAN_ID, 4 },
        { TCA_FLOWER_KEY_IPV4_SRC, 2 },
        { TCA_FLOWER_FLAGS, 2 },
    };
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
        mnl_attr_put(nlh, cases[i].type, cases[i].size, bytes);
        mnl_attr_nest_end(nlh, options);
        if (decode_copy(nlh, &r) != EPROTO) {
            FAIL("attribute %u of %zu bytes not rejected", cases[i].type,
                 cases[i].size);
        }
    }
    return NULL;
}

/* struct tc_mirred of the wrong size. */
static const char *
test_bad_mirred_size(void)
{
    static const int deltas[] = { -4, 4, -28 };
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(deltas); i++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        struct nlattr *act = mnl_attr_nest_start(nlh, 1);
        struct nlattr *act_options;
        uint8_t p[sizeof (struct tc_mirred) + 4];

        memset(p, 0, sizeof p);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
        act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        mnl_attr_put(nlh, TCA_MIRRED_PARMS,
                     sizeof (struct tc_mirred) + deltas[i], p);
        mnl_attr_nest_end(nlh, act_options);
        mnl_attr_nest_end(nlh, act);
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    }
    return NULL;
}

/* Sizes of the statistics structures are checked too. */
static const char *
test_bad_stats_size(void)
{
    static const uint8_t zeros[64];
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        struct nlattr *act = mnl_attr_nest_start(nlh, 1);
        struct nlattr *nest;
        struct tc_gact p = { .action = TC_ACT_SHOT };

        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
        nest = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
        mnl_attr_put(nlh, TCA_STATS_BASIC, pass ? 16 : 8, zeros);
        mnl_attr_nest_end(nlh, nest);
        nest = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
        mnl_attr_put(nlh, TCA_GACT_TM, pass ? 16 : sizeof (struct tcf_t),
                     zeros);
        mnl_attr_nest_end(nlh, nest);
        mnl_attr_nest_end(nlh, act);
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    }
    return NULL;
}

/* TCA_OPTIONS claiming more bytes than the message holds. */
static const char *
test_bad_options_overflow(void)
{
    struct nlmsghdr *nlh = reply_simple();
    struct nlattr *options = (struct nlattr *) find_top(nlh, TCA_OPTIONS);
    struct flower_rule r;

    CHECK(options != NULL);
    options->nla_len += 8;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    return NULL;
}

/* An attribute inside TCA_OPTIONS (or deeper) overflowing its nest while
 * staying inside the message. */
static const char *
test_bad_nested_overflow(void)
{
    struct nlmsghdr *nlh;
    struct nlattr *attr;
    struct flower_rule r;

    nlh = reply_simple();
    mnl_attr_put_u32(nlh, TCA_CHAIN + 100, 0);
    attr = first_opt(nlh);
    CHECK(attr != NULL);
    CHECK_ERR(decode_copy(nlh, &r), 0);
    attr->nla_len += 8;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);

    nlh = reply_simple();
    mnl_attr_put_u32(nlh, TCA_CHAIN + 100, 0);
    attr = (struct nlattr *) find_opt(nlh, TCA_FLOWER_ACT);
    CHECK(attr != NULL);
    attr = mnl_attr_get_payload(attr);      /* Action 1. */
    attr->nla_len += 8;
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);

    nlh = reply_simple();
    attr = first_opt(nlh);
    attr->nla_len = 2;                      /* Shorter than its header. */
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    return NULL;
}

/* Strings must be NUL-terminated; TCA_KIND is required. */
static const char *
test_bad_kind(void)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct flower_rule r;

    nlh->nlmsg_type = RTM_NEWTFILTER;
    mnl_nlmsg_put_extra_header(nlh, sizeof (struct tcmsg));
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    mnl_attr_put(nlh, TCA_KIND, 6, "flower");
    CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    return NULL;
}

/* Action nests must be numbered 1...n. */
static const char *
test_bad_act_numbering(void)
{
    static const uint16_t first[] = { 2, 0, 1 };
    struct flower_rule r;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(first); i++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        struct nlattr *list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);

        reply_gact(nlh, first[i], TC_ACT_SHOT);
        if (first[i] == 1) {
            reply_gact(nlh, 1, TC_ACT_SHOT);    /* Duplicate. */
        }
        mnl_attr_nest_end(nlh, list);
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    }
    return NULL;
}

/* Inconsistent keys the kernel never reports. */
static const char *
test_bad_key_combination(void)
{
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 3; pass++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_UDP);
        if (pass == 0) {
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST, htons(80));
        } else if (pass == 1) {
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_UDP_DST_MASK, 0xffff);
        } else {
            mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_FLAGS, htonl(1));
        }
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EPROTO);
    }
    return NULL;
}

/* Starts a dump entry with the keys under which the kernel honours key
 * attribute 'type': IPv4 TCP for TCP flags, ARP for the ARP keys. */
static struct nlmsghdr *
reply_key_context(uint16_t type, struct nlattr **options)
{
    bool arp = (type >= TCA_FLOWER_KEY_ARP_SIP
                && type <= TCA_FLOWER_KEY_ARP_THA_MASK);
    struct nlmsghdr *nlh = reply_start("flower", htons(arp ? ETH_P_ARP
                                                         : ETH_P_IP));

    *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE,
                     htons(arp ? ETH_P_ARP : ETH_P_IP));
    if (!arp) {
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
    }
    return nlh;
}

/* The new key attributes with a length other than their type's; each
 * decodes with its own length. */
static const char *
test_bad_new_key_len(void)
{
    static const uint8_t bytes[32] = { 0x08 };
    static const struct {
        uint16_t key;           /* Key attribute. */
        uint16_t mask;          /* Its mask, if that is the bad one. */
        size_t size;            /* Right size. */
        size_t bad_size;        /* Wrong size. */
    } cases[] = {
        { TCA_FLOWER_KEY_TCP_FLAGS, 0, 2, 4 },
        { TCA_FLOWER_KEY_TCP_FLAGS, TCA_FLOWER_KEY_TCP_FLAGS_MASK, 2, 1 },
        { TCA_FLOWER_KEY_ARP_SIP, 0, 4, 2 },
        { TCA_FLOWER_KEY_ARP_TIP, TCA_FLOWER_KEY_ARP_TIP_MASK, 4, 8 },
        { TCA_FLOWER_KEY_ARP_OP, 0, 1, 2 },
        { TCA_FLOWER_KEY_ARP_SHA, 0, 6, 4 },
        { TCA_FLOWER_KEY_ARP_THA, TCA_FLOWER_KEY_ARP_THA_MASK, 6, 8 },
        { TCA_FLOWER_KEY_CT_STATE, 0, 2, 4 },
        { TCA_FLOWER_KEY_CT_STATE, TCA_FLOWER_KEY_CT_STATE_MASK, 2, 1 },
        { TCA_FLOWER_KEY_CT_ZONE, 0, 2, 1 },
        { TCA_FLOWER_KEY_CT_MARK, 0, 4, 2 },
        { TCA_FLOWER_KEY_CT_MARK, TCA_FLOWER_KEY_CT_MARK_MASK, 4, 8 },
        { TCA_FLOWER_KEY_CT_LABELS, 0, 16, 8 },
        { TCA_FLOWER_KEY_CT_LABELS, TCA_FLOWER_KEY_CT_LABELS_MASK, 16, 17 },
    };
    struct flower_rule r;
    size_t i;
    int bad;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        for (bad = 0; bad < 2; bad++) {
            struct nlattr *options;
            struct nlmsghdr *nlh = reply_key_context(cases[i].key, &options);
            size_t size = bad ? cases[i].bad_size : cases[i].size;
            int ret;

            if (cases[i].mask) {
                mnl_attr_put(nlh, cases[i].key, cases[i].size, bytes);
                mnl_attr_put(nlh, cases[i].mask, size, bytes);
            } else {
                mnl_attr_put(nlh, cases[i].key, size, bytes);
            }
            mnl_attr_nest_end(nlh, options);
            ret = decode_copy(nlh, &r);
            if (ret != (bad ? EPROTO : 0)) {
                FAIL("attribute %u/%u of %zu bytes: decoding returned %d",
                     cases[i].key, cases[i].mask, size, ret);
            }
        }
    }
    return NULL;
}

/* New keys the kernel never reports together with these others. */
static const char *
test_bad_new_key_combination(void)
{
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 5; pass++) {
        uint16_t eth = htons(pass < 2 ? ETH_P_IP : ETH_P_ARP);
        struct nlmsghdr *nlh = reply_start("flower", eth);
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, eth);
        if (pass == 0) {                    /* TCP flags on UDP. */
            mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_UDP);
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_FLAGS, htons(2));
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_FLAGS_MASK, htons(2));
        } else if (pass == 1) {             /* ARP key on IPv4. */
            mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ARP_OP, 1);
            mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ARP_OP_MASK, 0xff);
        } else if (pass == 2) {             /* Mask without its key. */
            mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ARP_SIP_MASK, 0xffffffff);
        } else if (pass == 3) {
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CT_ZONE_MASK, 0xffff);
        } else {                            /* TCP flags on ARP. */
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_FLAGS, htons(2));
        }
        mnl_attr_nest_end(nlh, options);
        if (decode_copy(nlh, &r) != EPROTO) {
            FAIL("pass %d not rejected", pass);
        }
    }
    return NULL;
}

/* The CVLAN keys with a length other than their type's, in the dump of a
 * QinQ rule; each decodes with its own length. */
static const char *
test_bad_cvlan_len(void)
{
    static const struct {
        uint16_t type;
        size_t size;            /* Right size. */
        size_t bad_size;        /* Wrong size. */
    } cases[] = {
        { TCA_FLOWER_KEY_CVLAN_ID, 2, 1 },
        { TCA_FLOWER_KEY_CVLAN_ID, 2, 4 },
        { TCA_FLOWER_KEY_CVLAN_PRIO, 1, 2 },
        { TCA_FLOWER_KEY_CVLAN_PRIO, 1, 4 },
        { TCA_FLOWER_KEY_CVLAN_ETH_TYPE, 2, 1 },
        { TCA_FLOWER_KEY_CVLAN_ETH_TYPE, 2, 4 },
    };
    static const uint8_t bytes[4] = { 0x08, 0x00 };    /* ETH_P_IP. */
    uint16_t ip = htons(ETH_P_IP);
    struct flower_rule r;
    size_t i;
    int bad;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        for (bad = 0; bad < 2; bad++) {
            struct nlmsghdr *nlh = reply_start("flower",
                                               htons(ETH_P_8021AD));
            struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
            size_t size = bad ? cases[i].bad_size : cases[i].size;
            int ret;

            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, ip);
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                             htons(ETH_P_8021Q));
            if (cases[i].type != TCA_FLOWER_KEY_CVLAN_ETH_TYPE) {
                mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE, ip);
            }
            mnl_attr_put(nlh, cases[i].type, size, bytes);
            mnl_attr_nest_end(nlh, options);
            ret = decode_copy(nlh, &r);
            if (ret != (bad ? EPROTO : 0)) {
                FAIL("attribute %u of %zu bytes: decoding returned %d",
                     cases[i].type, size, ret);
            }
        }
    }
    return NULL;
}

/* VLAN keys the kernel never reports together: CVLAN keys of a rule with
 * one tag, and a type after two tags that ETH_TYPE does not repeat. */
static const char *
test_bad_qinq_combination(void)
{
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 5; pass++) {
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_8021Q));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        if (pass < 3) {                     /* One tag. */
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                             htons(ETH_P_IP));
        }
        if (pass == 0) {
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ID, 200);
        } else if (pass == 1) {
            mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_CVLAN_PRIO, 3);
        } else if (pass == 2) {
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE,
                             htons(ETH_P_IP));
        } else {                            /* Two tags. */
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
            mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                             htons(ETH_P_8021Q));
            if (pass == 3) {
                mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE,
                                 htons(ETH_P_IPV6));
            }
        }
        mnl_attr_nest_end(nlh, options);
        if (decode_copy(nlh, &r) != EPROTO) {
            FAIL("pass %d not rejected", pass);
        }
    }
    return NULL;
}

/* A third tag, in the dump and in the request form: a rule the codec does
 * not model, since it matches nothing (see flower-codec-keys.c). */
static const char *
test_decode_qinq_third_tag(void)
{
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        uint16_t tpid = htons(pass ? ETH_P_8021AD : ETH_P_8021Q);
        struct nlmsghdr *nlh = reply_start("flower", tpid);
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);

        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE,
                         pass ? tpid : htons(ETH_P_8021Q));
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                         htons(ETH_P_8021Q));
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE,
                         htons(ETH_P_8021Q));
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), EOPNOTSUPP);
    }
    return NULL;
}

/* Attributes of the vlan, ct and gact (goto chain) actions with a length
 * other than their type's; each decodes with its own length. */
static const char *
test_bad_act_attr_size(void)
{
    struct tc_vlan vlan = { .action = TC_ACT_PIPE,
                            .v_action = TCA_VLAN_ACT_PUSH };
    struct tc_ct ct = { .action = TC_ACT_PIPE };
    struct tc_gact gact = { .action = TC_ACT_GOTO_CHAIN | 3 };
    uint16_t vid = 10, tpid = htons(ETH_P_8021Q), zone = 2;
    uint16_t ct_flags = TCA_CT_ACT_COMMIT;
    uint32_t mark = 0x10, mark_mask = 0xf0;
    uint8_t prio = 3, label[16] = { 1 }, label_mask[16] = { 0xff };
    struct tcf_t tm = { .lastuse = 1 };
    const struct opt vlan_opts[] = {
        { TCA_VLAN_PARMS, &vlan, sizeof vlan },
        { TCA_VLAN_PUSH_VLAN_ID, &vid, 2 },
        { TCA_VLAN_PUSH_VLAN_PROTOCOL, &tpid, 2 },
        { TCA_VLAN_PUSH_VLAN_PRIORITY, &prio, 1 },
        { TCA_VLAN_TM, &tm, sizeof tm },
    };
    const struct opt ct_opts[] = {
        { TCA_CT_ACTION, &ct_flags, 2 },
        { TCA_CT_ZONE, &zone, 2 },
        { TCA_CT_MARK, &mark, 4 },
        { TCA_CT_MARK_MASK, &mark_mask, 4 },
        { TCA_CT_LABELS, label, 16 },
        { TCA_CT_LABELS_MASK, label_mask, 16 },
        { TCA_CT_PARMS, &ct, sizeof ct },
        { TCA_CT_TM, &tm, sizeof tm },
    };
    const struct opt gact_opts[] = {
        { TCA_GACT_PARMS, &gact, sizeof gact },
        { TCA_GACT_TM, &tm, sizeof tm },
    };
    static const struct {
        const char *kind;
        uint16_t type;
        size_t size;
    } cases[] = {
        { "vlan", TCA_VLAN_PARMS, sizeof (struct tc_vlan) - 4 },
        { "vlan", TCA_VLAN_PARMS, sizeof (struct tc_vlan) + 4 },
        { "vlan", TCA_VLAN_PUSH_VLAN_ID, 4 },
        { "vlan", TCA_VLAN_PUSH_VLAN_ID, 1 },
        { "vlan", TCA_VLAN_PUSH_VLAN_PROTOCOL, 4 },
        { "vlan", TCA_VLAN_PUSH_VLAN_PRIORITY, 2 },
        { "vlan", TCA_VLAN_TM, 16 },
        { "ct", TCA_CT_PARMS, sizeof (struct tc_ct) - 4 },
        { "ct", TCA_CT_PARMS, sizeof (struct tc_ct) + 4 },
        { "ct", TCA_CT_ACTION, 4 },
        { "ct", TCA_CT_ACTION, 1 },
        { "ct", TCA_CT_ZONE, 4 },
        { "ct", TCA_CT_MARK, 2 },
        { "ct", TCA_CT_MARK_MASK, 8 },
        { "ct", TCA_CT_LABELS, 8 },
        { "ct", TCA_CT_LABELS_MASK, 17 },
        { "ct", TCA_CT_TM, 16 },
        { "gact", TCA_GACT_PARMS, sizeof (struct tc_gact) - 4 },
        { "gact", TCA_GACT_PARMS, sizeof (struct tc_gact) + 4 },
    };
    size_t i;

    CHECK_ACT_REPLY("vlan", vlan_opts, ARRAY_SIZE(vlan_opts), 0, 0, 0);
    CHECK_ACT_REPLY("ct", ct_opts, ARRAY_SIZE(ct_opts), 0, 0, 0);
    CHECK_ACT_REPLY("gact", gact_opts, ARRAY_SIZE(gact_opts), 0, 0, 0);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *kind = cases[i].kind;
        bool is_vlan = !strcmp(kind, "vlan"), is_ct = !strcmp(kind, "ct");

        CHECK_ACT_REPLY(kind,
                        is_vlan ? vlan_opts : is_ct ? ct_opts : gact_opts,
                        (is_vlan ? ARRAY_SIZE(vlan_opts)
                         : is_ct ? ARRAY_SIZE(ct_opts)
                         : ARRAY_SIZE(gact_opts)),
                        cases[i].type, cases[i].size, EPROTO);
    }
    return NULL;
}

/* vlan and ct actions the kernel never reports: a push without its VID,
 * or with a VID or TPID tcf_vlan_init() refuses, a pop or clear with
 * parameters, a mask without its value, no parameter struct. */
static const char *
test_bad_act_combination(void)
{
    struct tc_vlan vlan = { .action = TC_ACT_PIPE,
                            .v_action = TCA_VLAN_ACT_PUSH };
    struct tc_ct ct = { .action = TC_ACT_PIPE };
    uint16_t vid = 10, tpid = htons(ETH_P_8021Q), zone = 2;
    uint16_t ct_flags = TCA_CT_ACT_COMMIT;
    uint32_t mark = 0x10;
    uint8_t label[16] = { 1 };
    struct opt vlan_opts[] = {
        { TCA_VLAN_PARMS, &vlan, sizeof vlan },
        { TCA_VLAN_PUSH_VLAN_PROTOCOL, &tpid, 2 },
        { TCA_VLAN_PUSH_VLAN_ID, &vid, 2 },
    };
    struct opt ct_opts[] = {
        { TCA_CT_PARMS, &ct, sizeof ct },
        { TCA_CT_ACTION, &ct_flags, 2 },
        { TCA_CT_ZONE, &zone, 2 },
        { TCA_CT_MARK, &mark, 4 },
    };

    CHECK_ACT_REPLY("vlan", vlan_opts, 3, 0, 0, 0);
    CHECK_ACT_REPLY("vlan", vlan_opts, 2, 0, 0, EPROTO);   /* No VID. */
    vid = 0x0fff;
    CHECK_ACT_REPLY("vlan", vlan_opts, 3, 0, 0, EPROTO);
    vid = 10;
    tpid = htons(ETH_P_IP);
    CHECK_ACT_REPLY("vlan", vlan_opts, 3, 0, 0, EPROTO);
    vlan.v_action = TCA_VLAN_ACT_POP;
    CHECK_ACT_REPLY("vlan", vlan_opts, 1, 0, 0, 0);
    CHECK_ACT_REPLY("vlan", vlan_opts, 2, 0, 0, EPROTO);
    CHECK_ACT_REPLY("vlan", &vlan_opts[1], 2, 0, 0, EPROTO);

    CHECK_ACT_REPLY("ct", ct_opts, 4, 0, 0, 0);
    CHECK_ACT_REPLY("ct", &ct_opts[1], 3, 0, 0, EPROTO);
    ct_opts[3].type = TCA_CT_MARK_MASK;
    CHECK_ACT_REPLY("ct", ct_opts, 4, 0, 0, EPROTO);
    ct_opts[3].type = TCA_CT_LABELS_MASK;
    ct_opts[3].data = label;
    ct_opts[3].size = sizeof label;
    CHECK_ACT_REPLY("ct", ct_opts, 4, 0, 0, EPROTO);
    ct_flags = TCA_CT_ACT_CLEAR;
    CHECK_ACT_REPLY("ct", ct_opts, 2, 0, 0, 0);
    CHECK_ACT_REPLY("ct", ct_opts, 3, 0, 0, EPROTO);     /* Zone. */
    return NULL;
}

/* Pedit replies the kernel never sends: parameters whose size is not that
 * of their 'nkeys' keys, extended keys missing, fewer or more than the
 * keys, without their attributes, or of the wrong type or size, a
 * timestamp of the wrong size. */
static const char *
test_bad_pedit_reply(void)
{
    const int key_size = sizeof (struct tc_pedit_key);
    const int sel_size = sizeof (struct tc_pedit_sel);
    struct pedit_reply p;
    struct flower_rule r;
    int pass;

    for (pass = 0; pass < 16; pass++) {
        pedit_reply_init(&p);
        switch (pass) {
        case 0:                 /* Control. */
            break;
        case 1:                 /* One key short of 'nkeys'. */
            p.parms_extra = -key_size;
            break;
        case 2:
            p.parms_extra = -4;
            break;
        case 3:                 /* One key more than 'nkeys'. */
            p.parms_extra = key_size;
            break;
        case 4:                 /* Shorter than struct tc_pedit_sel. */
            p.parms_extra = -2 * key_size - 4;
            break;
        case 5:                 /* Empty. */
            p.parms_extra = -2 * key_size - sel_size;
            break;
        case 6:                 /* Fewer extended keys than keys. */
            p.n_ex = 1;
            break;
        case 7:                 /* More. */
            p.n_ex = 3;
            break;
        case 8:
            p.n_ex = 0;
            break;
        case 9:                 /* No TCA_PEDIT_KEYS_EX. */
            p.n_ex = -1;
            break;
        case 10:                /* No command. */
            p.ex_attrs = EX_HTYPE;
            break;
        case 11:                /* No header type. */
            p.ex_attrs = EX_CMD;
            break;
        case 12:
            p.ex_attrs = EX_HTYPE_U32 | EX_CMD;
            break;
        case 13:
            p.ex_type = TCA_PEDIT_KEY_EX_HTYPE;
            break;
        case 14:                /* Far more than the model holds. */
            p.n_ex = FLOWER_MAX_PEDIT_KEYS + 8;
            break;
        case 15:
            p.tm_size = sizeof (struct tcf_t) - 8;
            break;
        }
        TRY(check_pedit_reply(pass, &p, &r, pass ? EPROTO : 0));
    }
    return NULL;
}

/* csum replies with parameters or timestamps of the wrong size, or no
 * parameters; csum that the codec does not model: flags act_csum does not
 * know, another verdict. */
static const char *
test_bad_csum_reply(void)
{
    struct tc_csum p = { .action = TC_ACT_PIPE, .update_flags = 0x7f };
    struct tcf_t tm = { .lastuse = 1 };
    const struct opt opts[] = {
        { TCA_CSUM_PARMS, &p, sizeof p },
        { TCA_CSUM_TM, &tm, sizeof tm },
    };

    CHECK_ACT_REPLY("csum", opts, 2, 0, 0, 0);
    CHECK_ACT_REPLY("csum", opts, 2, TCA_CSUM_PARMS, sizeof p - 4, EPROTO);
    CHECK_ACT_REPLY("csum", opts, 2, TCA_CSUM_PARMS, sizeof p + 4, EPROTO);
    CHECK_ACT_REPLY("csum", opts, 2, TCA_CSUM_PARMS, 0, EPROTO);
    CHECK_ACT_REPLY("csum", opts, 2, TCA_CSUM_TM, 16, EPROTO);
    CHECK_ACT_REPLY("csum", &opts[1], 1, 0, 0, EPROTO);

    p.update_flags = 0x80;
    CHECK_ACT_REPLY("csum", opts, 2, 0, 0, EOPNOTSUPP);
    p.update_flags = TCA_CSUM_UPDATE_FLAG_TCP;
    p.action = TC_ACT_OK;
    CHECK_ACT_REPLY("csum", opts, 2, 0, 0, EOPNOTSUPP);
    return NULL;
}

/* Test table and driver. */

/* A test: returns NULL on success, else why it failed. */
struct test {
    const char *name;               /* As given on the command line. */
    const char *(*run)(void);       /* The test itself. */
};

#define T(NAME) { #NAME, test_##NAME }

static const struct test tests[] = {
    T(rt_eth_dst), T(rt_eth_src), T(rt_eth_type),
    T(rt_vlan), T(rt_vlan_8021ad), T(rt_vlan_icmp),
    T(rt_qinq_8021ad), T(rt_qinq_8021q), T(rt_qinq_partial),
    T(rt_ip_proto_v4), T(rt_ip_proto_v6),
    T(rt_ip_tos_v4), T(rt_ip_tos_v6), T(rt_ip_ttl_v4), T(rt_ip_ttl_v6),
    T(rt_ip_flags_v4), T(rt_ip_flags_v6),
    T(rt_ipv4_src), T(rt_ipv4_dst), T(rt_ipv6_src), T(rt_ipv6_dst),
    T(rt_tcp_src), T(rt_tcp_dst), T(rt_udp_src), T(rt_udp_dst),
    T(rt_sctp_src), T(rt_sctp_dst), T(rt_tcp_dst_v6), T(rt_udp_src_v6),
    T(rt_icmpv4_type), T(rt_icmpv4_code),
    T(rt_icmpv6_type), T(rt_icmpv6_code),
    T(rt_tcp_flags_v4), T(rt_tcp_flags_v6),
    T(rt_arp_sip), T(rt_arp_tip), T(rt_arp_op), T(rt_arp_sha), T(rt_arp_tha),
    T(rt_arp_rarp_vlan),
    T(rt_ct_state), T(rt_ct_zone), T(rt_ct_mark), T(rt_ct_label),
    T(zero_mask_not_encoded), T(encode_rejects), T(encode_rejects_new_keys),
    T(encode_rejects_qinq),
    T(act_drop), T(act_redirect), T(act_mirror_mirror_redirect),
    T(act_max), T(act_ingress), T(cookie),
    T(act_vlan_push_8021q), T(act_vlan_push_8021ad), T(act_vlan_pop),
    T(act_goto_chain), T(act_ct_commit), T(act_ct_plain), T(act_ct_clear),
    T(act_ovn_ct_goto), T(act_refuse_pipe_last), T(act_refuse_end_not_last),
    T(encode_rejects_actions),
    T(act_pedit_rewrite), T(act_pedit_key_bytes), T(act_pedit_two),
    T(act_pedit_refuse),
    T(flags_skip_hw), T(flags_skip_sw), T(flags_none),
    T(id_fields), T(id_chain_zero),
    T(encode_del_get), T(encode_dump), T(encode_qdisc),
    T(decode_kernel_reply), T(decode_vlan_dump), T(decode_qinq_dump),
    T(decode_qinq_third_tag), T(decode_in_hw),
    T(stats_decode), T(stats_pkt64),
    T(decode_kernel_new_acts), T(stats_lastuse_kinds), T(decode_act_order),
    T(decode_vlan_unknown), T(decode_ct_unknown),
    T(decode_kernel_pedit), T(decode_pedit_unknown),
    T(kind_u32), T(no_options),
    T(unknown_act_kind), T(unknown_act_use), T(unknown_key),
    T(foreign_cookie),
    T(bad_truncated_header), T(bad_truncated_attr), T(bad_u16_len),
    T(bad_mirred_size), T(bad_stats_size), T(bad_options_overflow),
    T(bad_nested_overflow), T(bad_kind), T(bad_act_numbering),
    T(bad_key_combination), T(bad_new_key_len), T(bad_new_key_combination),
    T(bad_cvlan_len), T(bad_qinq_combination),
    T(bad_act_attr_size), T(bad_act_combination),
    T(bad_pedit_reply), T(bad_csum_reply),
};

/* Runs the test named by argv[1], or all of them; "--list" lists them.
 * Exits 1 if a test fails, 2 if no test has the name given. */
int
main(int argc, char *argv[])
{
    const char *only = argc > 1 ? argv[1] : NULL;
    int n_run = 0, n_failed = 0;
    size_t i;

    if (only && !strcmp(only, "--list")) {
        for (i = 0; i < ARRAY_SIZE(tests); i++) {
            puts(tests[i].name);
        }
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(tests); i++) {
        const char *reason;

        if (only && strcmp(only, tests[i].name)) {
            continue;
        }
        memset(bufw, 0, sizeof bufw);
        reason = tests[i].run();
        n_run++;
        if (reason) {
            printf("FAIL %s: %s\n", tests[i].name, reason);
            n_failed++;
        } else {
            printf("PASS %s\n", tests[i].name);
        }
    }
    if (!n_run) {
        fprintf(stderr, "%s: no test named \"%s\"\n", argv[0], only);
        return 2;
    }
    return n_failed ? 1 : 0;
}
