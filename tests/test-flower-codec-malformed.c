/*
 * Unit tests for lib/flower-codec*.c on malformed kernel replies: truncated
 * messages and attributes, attributes of the wrong size or overflowing their
 * nest, and key and action combinations the kernel never sends, which
 * decoding must reject with EPROTO, and a few near misses the codec must
 * report as not its own with EOPNOTSUPP.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
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

/* Tests: malformed messages. */

/* A message too short for its tcmsg. */
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
const char *
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
