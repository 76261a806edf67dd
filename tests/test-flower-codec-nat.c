/*
 * Unit tests for lib/flower-codec*.c on conntrack NAT: round trips of
 * act_ct with plain NAT, source NAT to an IPv4 range with ports and
 * destination NAT to one IPv6 address; the NAT act_ct would ignore, refuse
 * or take otherwise, which encoding refuses; kernel dumps of NAT, well
 * formed or not.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <netinet/in.h>
#include <string.h>

/* Helpers. */

/* 2001:db8::1 and 2001:db8::9. */
static const struct in6_addr v6_one = { .s6_addr = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };
static const struct in6_addr v6_nine = { .s6_addr = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 } };

/* Initializes 'r' to a TCP rule, IPv6 if 'v6', that does ct in zone 5
 * (action 0, without NAT yet) and then goes to chain 1. */
static void
ct_rule(struct flower_rule *r, bool v6)
{
    l4_rule(r, v6, IPPROTO_TCP);
    set_ct(r, 0, 5);
    set_goto(r, 1, 1);
    r->n_actions = 2;
}

/* Resets 'ct' to a plain ct in its zone. */
static void
reset_ct(struct flower_ct *ct)
{
    uint16_t zone = ct->zone;

    memset(ct, 0, sizeof *ct);
    ct->zone = zone;
}

/* Makes 'ct' commit with source NAT to 10.0.0.1-10.0.0.9, ports
 * 1000-2000, and nothing else. */
static void
set_snat_v4(struct flower_ct *ct)
{
    reset_ct(ct);
    ct->commit = true;
    ct->nat = ct->nat_src = ct->nat_ipv4 = true;
    ct->nat_ipv4_min = htonl(0x0a000001);
    ct->nat_ipv4_max = htonl(0x0a000009);
    ct->nat_port_min = htons(1000);
    ct->nat_port_max = htons(2000);
}

/* Makes 'ct' do destination NAT to 2001:db8::1 alone, any port, and
 * nothing else. */
static void
set_dnat_v6(struct flower_ct *ct)
{
    reset_ct(ct);
    ct->nat = ct->nat_dst = ct->nat_ipv6 = true;
    ct->nat_ipv6_min = v6_one;
    ct->nat_ipv6_max = v6_one;
}

/* Checks that action 1 of 'nlh' is a ct with TCA_CT_ACTION 'flags', and
 * points '*options' to its options. */
static const char *
expect_ct(const struct nlmsghdr *nlh, uint16_t flags,
          const struct nlattr **options)
{
    struct tc_ct p;

    TRY(expect_act_kind(nlh, 1, "ct", options));
    TRY(get_parms(*options, TCA_CT_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    EXPECT_ACT_OPT(*options, TCA_CT_ACTION, &flags, 2);
    return NULL;
}

/* Checks that 'options' has none of the NAT range attributes whose bit
 * (1 << (type - TCA_CT_NAT_IPV4_MIN)) is in 'absent'. */
static const char *
expect_no_ranges(const struct nlattr *options, unsigned int absent)
{
    uint16_t type;

    for (type = TCA_CT_NAT_IPV4_MIN; type <= TCA_CT_NAT_PORT_MAX; type++) {
        if (absent & (1u << (type - TCA_CT_NAT_IPV4_MIN))
            && find_nested(options, type)) {
            FAIL("NAT attribute %u present, expected absent", type);
        }
    }
    return NULL;
}

#define NO_V4 (3u << 0)         /* TCA_CT_NAT_IPV4_MIN and _MAX. */
#define NO_V6 (3u << 2)         /* TCA_CT_NAT_IPV6_MIN and _MAX. */
#define NO_PORTS (3u << 4)      /* TCA_CT_NAT_PORT_MIN and _MAX. */

/* Tests: act_ct NAT. */

/* ct(nat) applies the NAT a connection already has: TCA_CT_ACT_NAT and
 * no range, with or without commit; ct(nat(src)) without a range too. */
const char *
test_act_ct_nat(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ct_rule(&r, false);
    r.actions[0].ct.nat = true;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_ct(nlh, TCA_CT_ACT_NAT, &options));
    TRY(expect_no_ranges(options, NO_V4 | NO_V6 | NO_PORTS));
    TRY(roundtrip(&r));

    r.actions[0].ct.commit = true;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_ct(nlh, TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT, &options));
    TRY(roundtrip(&r));

    r.actions[0].ct.nat_src = true;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_ct(nlh, (TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT
                        | TCA_CT_ACT_NAT_SRC), &options));
    TRY(expect_no_ranges(options, NO_V4 | NO_V6 | NO_PORTS));
    return roundtrip(&r);
}

/* ct(commit, nat(src=10.0.0.1-10.0.0.9:1000-2000)): both ends of both
 * ranges, big-endian as in the model. */
const char *
test_act_ct_snat_v4(void)
{
    const struct nlattr *options;
    const struct flower_ct *ct;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ct_rule(&r, false);
    set_snat_v4(&r.actions[0].ct);
    ct = &r.actions[0].ct;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_ct(nlh, (TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT
                        | TCA_CT_ACT_NAT_SRC), &options));
    EXPECT_ACT_OPT(options, TCA_CT_NAT_IPV4_MIN, &ct->nat_ipv4_min, 4);
    EXPECT_ACT_OPT(options, TCA_CT_NAT_IPV4_MAX, &ct->nat_ipv4_max, 4);
    EXPECT_ACT_OPT(options, TCA_CT_NAT_PORT_MIN, &ct->nat_port_min, 2);
    EXPECT_ACT_OPT(options, TCA_CT_NAT_PORT_MAX, &ct->nat_port_max, 2);
    TRY(expect_no_ranges(options, NO_V6));
    return roundtrip(&r);
}

/* ct(nat(dst=2001:db8::1)): one address is a range of one, both ends
 * put; no ports. */
const char *
test_act_ct_dnat_v6(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ct_rule(&r, true);
    set_dnat_v6(&r.actions[0].ct);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_ct(nlh, TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_DST, &options));
    EXPECT_ACT_OPT(options, TCA_CT_NAT_IPV6_MIN, &v6_one, 16);
    EXPECT_ACT_OPT(options, TCA_CT_NAT_IPV6_MAX, &v6_one, 16);
    TRY(expect_no_ranges(options, NO_V4 | NO_PORTS));
    return roundtrip(&r);
}

/* NAT that act_ct would refuse (source and destination), ignore (a
 * direction without NAT, a range without a direction) or take otherwise
 * (both families: IPv4 only), reversed ranges, NAT on a clear. */
const char *
test_encode_rejects_nat(void)
{
    struct flower_ct *ct;
    struct flower_rule r;

    ct_rule(&r, false);
    ct = &r.actions[0].ct;
    set_snat_v4(ct);
    CHECK(encode(&r) != NULL);          /* Control. */
    ct->nat_dst = true;
    CHECK(encode(&r) == NULL);
    ct->nat_src = ct->nat_dst = false;
    CHECK(encode(&r) == NULL);          /* Ranges, no direction. */
    ct->nat_ipv4 = false;
    CHECK(encode(&r) == NULL);          /* Ports, no direction. */
    ct->nat_port_max = 0;
    CHECK(encode(&r) != NULL);          /* Control: plain NAT. */

    set_snat_v4(ct);
    ct->nat = false;                    /* A direction without NAT. */
    ct->nat_ipv4 = false;
    ct->nat_port_max = 0;
    CHECK(encode(&r) == NULL);
    set_snat_v4(ct);
    ct->nat = ct->nat_src = false;      /* A range without NAT. */
    CHECK(encode(&r) == NULL);

    set_snat_v4(ct);
    ct->nat_ipv6 = true;                /* Both families. */
    ct->nat_ipv6_min = ct->nat_ipv6_max = v6_one;
    CHECK(encode(&r) == NULL);

    set_snat_v4(ct);                    /* Reversed ranges. */
    ct->nat_ipv4_max = htonl(0x09ffffff);
    CHECK(encode(&r) == NULL);
    set_snat_v4(ct);
    ct->nat_port_max = htons(999);
    CHECK(encode(&r) == NULL);
    set_snat_v4(ct);
    ct->nat_port_min = htons(0x0100);   /* Not as host-order words. */
    ct->nat_port_max = htons(0x00ff);
    CHECK(encode(&r) == NULL);
    set_dnat_v6(ct);
    ct->nat_ipv6_min = v6_nine;
    CHECK(encode(&r) == NULL);
    ct->nat_ipv6_max = v6_nine;
    CHECK(encode(&r) != NULL);          /* Control. */

    set_ct(&r, 0, 0);
    r.actions[0].type = FLOWER_ACT_CT_CLEAR;
    CHECK(encode(&r) != NULL);          /* Control. */
    r.actions[0].ct.nat = true;
    CHECK(encode(&r) == NULL);
    set_dnat_v6(&r.actions[0].ct);
    r.actions[0].ct.nat = false;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* Tests: kernel dumps of NAT. */

/* A dump entry with source and destination NAT as tcf_ct_dump() reports
 * them decodes to the rule that was added. */
const char *
test_decode_kernel_nat(void)
{
    struct flower_rule r, expected;
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    base_rule(&expected);
    expected.id.prio = 1;
    expected.id.handle = 1;
    set_ct(&expected, 0, 5);
    set_snat_v4(&expected.actions[0].ct);
    set_ct(&expected, 1, 5);
    set_dnat_v6(&expected.actions[1].ct);
    expected.actions[1].ct.nat_ipv6_max = v6_nine;
    set_goto(&expected, 2, 1);
    expected.n_actions = 3;

    reply_ct(nlh, &n, 1, (TCA_CT_ACT_COMMIT | TCA_CT_ACT_NAT
                          | TCA_CT_ACT_NAT_SRC),
             &expected.actions[0].ct, NO_TM);
    reply_ct(nlh, &n, 2, TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_DST,
             &expected.actions[1].ct, NO_TM);
    reply_gact_tm(nlh, &n, 3, TC_ACT_GOTO_CHAIN | 1, NO_TM);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
    TRY(compare_rules(&expected, &r));
    return roundtrip(&expected);
}

/* NAT attributes as a kernel never reports them (EPROTO), and valid NAT
 * that encoding never puts (EOPNOTSUPP). */
const char *
test_bad_nat_reply(void)
{
    struct tc_ct p = { .action = TC_ACT_PIPE };
    uint16_t flags = TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_SRC;
    uint32_t v4_min = htonl(0x0a000001), v4_max = htonl(0x0a000009);
    uint16_t port_min = htons(1000), port_max = htons(2000), zero = 0;
    struct opt opts[] = {
        { TCA_CT_PARMS, &p, sizeof p },
        { TCA_CT_ACTION, &flags, 2 },
        { TCA_CT_NAT_PORT_MIN, &port_min, 2 },
        { TCA_CT_NAT_PORT_MAX, &port_max, 2 },
        { TCA_CT_NAT_IPV4_MIN, &v4_min, 4 },
        { TCA_CT_NAT_IPV4_MAX, &v4_max, 4 },
        { TCA_CT_NAT_IPV6_MIN, &v6_one, 16 },
    };

    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, 0);       /* Control. */
    CHECK_ACT_REPLY("ct", opts, 5, 0, 0, 0);       /* Max = min. */
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, 0);
    CHECK_ACT_REPLY("ct", opts, 7, 0, 0, EPROTO);  /* Both families. */
    CHECK_ACT_REPLY("ct", opts, 6, TCA_CT_NAT_IPV4_MIN, 16, EPROTO);
    CHECK_ACT_REPLY("ct", opts, 6, TCA_CT_NAT_PORT_MAX, 4, EPROTO);
    opts[4].type = TCA_CT_NAT_IPV6_MIN;             /* 4 bytes. */
    CHECK_ACT_REPLY("ct", opts, 5, 0, 0, EPROTO);
    opts[4].type = TCA_CT_NAT_IPV4_MIN;
    opts[2].type = TCA_CT_PAD;                      /* Maxima alone. */
    CHECK_ACT_REPLY("ct", opts, 4, 0, 0, EPROTO);
    opts[2].type = TCA_CT_NAT_PORT_MIN;
    opts[4].type = TCA_CT_PAD;
    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, EPROTO);
    opts[4].type = TCA_CT_NAT_IPV4_MIN;

    flags = TCA_CT_ACT_NAT;                         /* No direction. */
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, 0);
    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, EPROTO);
    flags = TCA_CT_ACT_COMMIT;                      /* No NAT. */
    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, EPROTO);
    flags = TCA_CT_ACT_CLEAR;
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, 0);
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EPROTO);
    flags = TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_SRC | TCA_CT_ACT_NAT_DST;
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, EPROTO);
    flags = TCA_CT_ACT_NAT_SRC | TCA_CT_ACT_NAT_DST;
    CHECK_ACT_REPLY("ct", opts, 2, 0, 0, EOPNOTSUPP);

    flags = TCA_CT_ACT_NAT | TCA_CT_ACT_NAT_DST;
    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, 0);       /* Control. */
    opts[5].data = &v4_min;
    opts[4].data = &v4_max;                         /* Reversed. */
    CHECK_ACT_REPLY("ct", opts, 6, 0, 0, EOPNOTSUPP);
    opts[4].data = &v4_min;
    opts[3].data = &port_min;
    opts[2].data = &port_max;
    CHECK_ACT_REPLY("ct", opts, 4, 0, 0, EOPNOTSUPP);
    opts[2].data = opts[3].data = &zero;            /* Ports 0 to 0. */
    CHECK_ACT_REPLY("ct", opts, 4, 0, 0, EOPNOTSUPP);
    CHECK_ACT_REPLY("ct", opts, 3, 0, 0, EOPNOTSUPP);
    return NULL;
}
