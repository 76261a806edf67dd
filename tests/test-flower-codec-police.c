/*
 * Unit tests for lib/flower-codec*.c on police and sample actions in
 * rules: a rule's reference to a meter by index, encoded and read back;
 * police actions as the kernel dumps them in a rule, with the meter's full
 * parameters and counters (which are not the rule's); police actions that
 * are not meters; sampling to a psample group; and malformed actions of
 * both kinds.  Also the builder of dumped police actions that
 * test-flower-codec-meter*.c share.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_sample.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

/* Helpers: police actions as the kernel dumps them. */

/* Initializes 'pr' to the meter of 'index' that tc_police_encode_set()
 * makes of 1 Mbit/s (125000 B/s) with a burst of 12500 bytes (0.1 s,
 * 1562500 ticks of 64 ns), bound to two rules, as tcf_police_dump() puts
 * it, with counters. */
void
police_reply_init(struct police_reply *pr, uint32_t index)
{
    memset(pr, 0, sizeof *pr);
    pr->p.index = index;
    pr->p.action = TC_ACT_SHOT;
    pr->p.mtu = UINT32_MAX;
    pr->p.burst = 1562500;
    pr->p.rate.linklayer = TC_LINKLAYER_ETHERNET;
    pr->p.rate.rate = 125000;
    pr->p.refcnt = 1;
    pr->p.bindcnt = 2;
    pr->result = TC_ACT_PIPE;
    pr->lastuse = 3;
    pr->packets = 1000;
    pr->bytes = 64000;
    pr->drops = 10;
}

/* Puts a police action nest of type 'type' (its number in the list) as
 * tcf_action_dump_1() and tcf_police_dump() put it for 'pr', with the
 * padding that nla_put_64bit() may add. */
void
put_police_act(struct nlmsghdr *nlh, uint16_t type,
               const struct police_reply *pr)
{
    struct nlattr *act = mnl_attr_nest_start(nlh, type);
    struct gnet_stats_basic basic;
    struct gnet_stats_queue queue;
    struct nlattr *nest;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
    nest = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
    memset(&basic, 0, sizeof basic);
    basic.bytes = pr->bytes;
    basic.packets = pr->packets;
    mnl_attr_put(nlh, TCA_STATS_PAD, 0, NULL);
    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    memset(&basic, 0, sizeof basic);
    mnl_attr_put(nlh, TCA_STATS_BASIC_HW, sizeof basic, &basic);
    memset(&queue, 0, sizeof queue);
    queue.drops = pr->drops;
    queue.overlimits = pr->drops;
    mnl_attr_put(nlh, TCA_STATS_QUEUE, sizeof queue, &queue);
    mnl_attr_nest_end(nlh, nest);
    if (pr->act_flags) {
        struct nla_bitfield32 flags = { pr->act_flags, pr->act_flags };

        mnl_attr_put(nlh, TCA_ACT_FLAGS, sizeof flags, &flags);
    }
    mnl_attr_put_u32(nlh, TCA_ACT_IN_HW_COUNT, 0);

    nest = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    if (pr->rate64) {
        mnl_attr_put(nlh, TCA_POLICE_PAD, 0, NULL);
        mnl_attr_put_u64(nlh, TCA_POLICE_RATE64, pr->rate64);
    }
    if (pr->pkt_rate) {
        mnl_attr_put_u64(nlh, TCA_POLICE_PKTRATE64, pr->pkt_rate);
    }
    if (pr->pkt_burst) {
        mnl_attr_put_u64(nlh, TCA_POLICE_PKTBURST64, pr->pkt_burst);
    }
    mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof pr->p, &pr->p);
    if (pr->result) {
        mnl_attr_put_u32(nlh, TCA_POLICE_RESULT, pr->result);
    }
    if (pr->avrate) {
        mnl_attr_put_u32(nlh, TCA_POLICE_AVRATE, pr->avrate);
    }
    put_tm(nlh, TCA_POLICE_TM, pr->lastuse);
    mnl_attr_nest_end(nlh, nest);
    mnl_attr_nest_end(nlh, act);
}

/* Turns 'pr' into the packet meter of 1000 packets per second with a
 * burst of 100 packets (0.1 s) that tcf_police_dump() puts. */
static void
police_reply_pkts(struct police_reply *pr)
{
    memset(&pr->p.rate, 0, sizeof pr->p.rate);
    pr->p.burst = 0;
    pr->pkt_rate = 1000;
    pr->pkt_burst = 1562500;
}

/* Builds a dump entry of a rule whose actions are the police 'pr', as
 * action 1, then a redirect to 9 that counted 10 packets of 640 bytes
 * and was last used 50 ticks ago, and decodes it into 'r'. */
static int
decode_police_rule(const struct police_reply *pr, struct flower_rule *r)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    put_police_act(nlh, 1, pr);
    reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 640, 10, 50);
    return decode_copy(reply_list_end(nlh, &n), r);
}

/* Tests: police in rules. */

/* Checks that action 'index' of request 'nlh' refers to the meter
 * 'police_index' and nothing else: the index, the meter's verdicts in
 * case there is none yet, no rate. */
static const char *
expect_police_ref(const struct nlmsghdr *nlh, uint16_t index,
                  uint32_t police_index)
{
    const uint32_t pipe = TC_ACT_PIPE;
    const struct nlattr *options, *attr;
    struct tc_police expected;
    int n = 0;

    TRY(expect_act_kind(nlh, index, "police", &options));
    memset(&expected, 0, sizeof expected);
    expected.index = police_index;
    expected.action = TC_ACT_SHOT;
    expected.mtu = UINT32_MAX;
    EXPECT_ACT_OPT(options, TCA_POLICE_TBF, &expected, sizeof expected);
    EXPECT_ACT_OPT(options, TCA_POLICE_RESULT, &pipe, sizeof pipe);
    mnl_attr_for_each_nested(attr, options) {
        n++;
    }
    CHECK(n == 2);
    return NULL;
}

/* A meter, then a redirect: the police refers to the meter by index, and
 * the rule reads back with it. */
const char *
test_act_police_redirect(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    l4_rule(&r, false, IPPROTO_UDP);
    r.actions[1] = r.actions[0];
    set_police(&r, 0, 7);
    r.n_actions = 2;
    r.has_cookie = true;
    memset(r.cookie, 0xab, sizeof r.cookie);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_ref(nlh, 1, 7));
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    CHECK(find_act(nlh, 3) == NULL);
    CHECK(find_nested(find_act(nlh, 1), TCA_ACT_COOKIE) == NULL);
    CHECK(find_nested(find_act(nlh, 2), TCA_ACT_COOKIE) != NULL);
    return roundtrip(&r);
}

/* A meter, then a drop; two meters, a VLAN push and a redirect; the
 * largest index. */
const char *
test_act_police_drop(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    base_rule(&r);
    set_police(&r, 0, 1);
    r.actions[1].type = FLOWER_ACT_DROP;
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_ref(nlh, 1, 1));
    TRY(roundtrip(&r));

    base_rule(&r);
    r.actions[3] = r.actions[0];
    set_police(&r, 0, 11);
    set_police(&r, 1, UINT32_MAX);
    r.actions[2].type = FLOWER_ACT_VLAN_PUSH;
    r.actions[2].vlan.proto = htons(ETH_P_8021Q);
    r.actions[2].vlan.id = 10;
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_ref(nlh, 1, 11));
    TRY(expect_police_ref(nlh, 2, UINT32_MAX));
    TRY(expect_mirred(nlh, 4, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    return roundtrip(&r);
}

/* Index 0 (the kernel would make a police of its own choosing), and a
 * meter at the end of the list or after its end are refused. */
const char *
test_act_police_refuse(void)
{
    struct flower_rule r;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    set_police(&r, 0, 3);
    r.n_actions = 2;
    CHECK(encode(&r) != NULL);
    r.actions[0].police_index = 0;
    CHECK(encode(&r) == NULL);

    set_police(&r, 0, 3);
    r.n_actions = 1;                    /* The meter alone. */
    CHECK(encode(&r) == NULL);
    r.actions[0].type = FLOWER_ACT_DROP;
    set_police(&r, 1, 3);
    r.n_actions = 2;                    /* Drop, then the meter. */
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* A dumped rule whose meter carries its full parameters, of each kind,
 * and the meter's counters and last use, which count every rule's
 * packets: the rule's are the redirect's. */
const char *
test_decode_police_dump(void)
{
    int pass;

    for (pass = 0; pass < 5; pass++) {
        struct police_reply pr;
        struct flower_rule r;
        int error;

        police_reply_init(&pr, 42);
        switch (pass) {
        case 1:                 /* Packets per second. */
            police_reply_pkts(&pr);
            break;
        case 2:                 /* Above 32 bits of bytes per second. */
            pr.p.rate.rate = UINT32_MAX;
            pr.rate64 = 5000000000ULL;
            break;
        case 3:                 /* Made by a rule: no rate. */
            memset(&pr.p.rate, 0, sizeof pr.p.rate);
            pr.p.burst = 0;
            break;
        case 4:                 /* Offload flags, not the rule's. */
            pr.act_flags = TCA_ACT_FLAGS_SKIP_SW;
            break;
        }
        error = decode_police_rule(&pr, &r);
        if (error) {
            FAIL("pass %d: decoding returned %d (%s)", pass, error,
                 strerror(error));
        }
        CHECK(r.n_actions == 2);
        CHECK(r.actions[0].type == FLOWER_ACT_POLICE);
        CHECK(r.actions[0].police_index == 42);
        CHECK(r.actions[1].type == FLOWER_ACT_REDIRECT);
        CHECK(r.actions[1].ifindex == 9);
        if (r.stats.n_packets != 10 || r.stats.n_bytes != 640
            || r.stats.lastuse_ms != 500) {
            FAIL("pass %d: %"PRIu64" packets, %"PRIu64" bytes, last used "
                 "%"PRIu64" ms ago, expected the redirect's 10, 640, 500",
                 pass, r.stats.n_packets, r.stats.n_bytes,
                 r.stats.lastuse_ms);
        }
    }
    return NULL;
}

/* Two meters before a redirect: both are skipped for the counters. */
const char *
test_decode_police_two(void)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    struct police_reply pr;
    struct flower_rule r;

    police_reply_init(&pr, 5);
    put_police_act(nlh, 1, &pr);
    police_reply_init(&pr, 6);
    pr.packets = 7;
    pr.lastuse = 1;
    put_police_act(nlh, 2, &pr);
    reply_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 6400, 100, 20);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
    CHECK(r.n_actions == 3);
    CHECK(r.actions[0].police_index == 5);
    CHECK(r.actions[1].police_index == 6);
    CHECK(r.stats.n_packets == 100);
    CHECK(r.stats.n_bytes == 6400);
    CHECK(r.stats.lastuse_ms == 200);
    return NULL;
}

/* Police actions that are valid but not meters (other verdicts, an MTU
 * limit as OVS's check_pkt_len puts, a peak or average rate, link layer
 * adjustments, a burst or rate beyond what a meter is encoded with) are
 * not ours. */
const char *
test_decode_police_foreign(void)
{
    int pass;

    for (pass = 0; pass < 20; pass++) {
        int expected = pass ? EOPNOTSUPP : 0;
        struct police_reply pr;
        struct flower_rule r;
        int error;

        police_reply_init(&pr, 42);
        switch (pass) {
        case 0:                 /* Control. */
            break;
        case 1:                 /* Conforming packets accepted. */
            pr.result = 0;
            break;
        case 2:
            pr.result = TC_ACT_JUMP | 2;
            break;
        case 3:                 /* Exceeding packets go on. */
            pr.p.action = TC_ACT_PIPE;
            break;
        case 4:
            pr.p.action = TC_ACT_RECLASSIFY;
            break;
        case 5:                 /* check_pkt_len. */
            memset(&pr.p.rate, 0, sizeof pr.p.rate);
            pr.p.burst = 0;
            pr.p.mtu = 1514;
            pr.result = TC_ACT_JUMP | 1;
            break;
        case 6:
            pr.p.mtu = 65535;
            break;
        case 7:
            pr.p.peakrate.rate = 250000;
            break;
        case 8:
            pr.avrate = 1000;
            break;
        case 9:
            pr.p.rate.linklayer = TC_LINKLAYER_ATM;
            break;
        case 10:
            pr.p.rate.overhead = 4;
            break;
        case 11:
            pr.p.rate.mpu = 64;
            break;
        case 12:                /* A burst that drops everything. */
            pr.p.burst = 0;
            break;
        case 13:                /* A rate beyond RATE_MAX. */
            pr.p.rate.rate = UINT32_MAX;
            pr.rate64 = UINT64_MAX;
            break;
        case 14:
            police_reply_pkts(&pr);
            pr.pkt_burst = (uint64_t) UINT32_MAX + 1;
            break;
        case 15:                /* A byte burst beside a packet rate. */
            police_reply_pkts(&pr);
            pr.p.burst = 100;
            break;
        case 16:                /* A burst without a rate. */
            memset(&pr.p.rate, 0, sizeof pr.p.rate);
            break;
        case 17:
            pr.p.rate.linklayer = TC_LINKLAYER_UNAWARE;
            break;
        case 18:
            police_reply_pkts(&pr);
            pr.pkt_rate = UINT64_MAX;
            break;
        case 19:
            pr.p.action = TC_ACT_OK;
            break;
        }
        error = decode_police_rule(&pr, &r);
        if (error != expected) {
            FAIL("pass %d: decoding returned %d (%s), expected %d (%s)",
                 pass, error, strerror(error), expected, strerror(expected));
        }
    }
    return NULL;
}

/* Police options the kernel never dumps: malformed. */
const char *
test_bad_police_reply(void)
{
    const uint64_t zero64 = 0, rate = 1000, big = 5000000000ULL;
    const uint32_t pipe = TC_ACT_PIPE;
    struct tcf_t tm = { .lastuse = 1 };
    struct tc_police p;
    struct opt opts[] = {
        { TCA_POLICE_TBF, &p, sizeof p },
        { TCA_POLICE_RESULT, &pipe, sizeof pipe },
        { TCA_POLICE_TM, &tm, sizeof tm },
        { TCA_POLICE_PKTRATE64, &rate, 8 },
        { TCA_POLICE_PKTBURST64, &rate, 8 },
    };
    struct police_reply pr;

    police_reply_init(&pr, 9);
    p = pr.p;
    CHECK_ACT_REPLY("police", opts, 3, 0, 0, 0);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TBF, sizeof p - 4, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TBF, sizeof p + 4, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TBF, 0, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_RESULT, 2, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TM, 16, EPROTO);
    CHECK_ACT_REPLY("police", &opts[1], 2, 0, 0, EPROTO);   /* No TBF. */

    p.index = 0;
    CHECK_ACT_REPLY("police", opts, 3, 0, 0, EPROTO);
    p = pr.p;
    p.mtu = 0;
    CHECK_ACT_REPLY("police", opts, 3, 0, 0, EPROTO);

    /* Packet rate and burst: together, non-zero, without a byte rate. */
    p = pr.p;
    CHECK_ACT_REPLY("police", opts, 5, 0, 0, EPROTO);
    memset(&p.rate, 0, sizeof p.rate);
    p.burst = 0;
    CHECK_ACT_REPLY("police", opts, 5, 0, 0, 0);
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    opts[3] = opts[4];
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    opts[3].type = TCA_POLICE_PKTRATE64;
    opts[4].data = &zero64;
    CHECK_ACT_REPLY("police", opts, 5, 0, 0, EPROTO);
    opts[3].data = &zero64;
    opts[4].data = &rate;
    CHECK_ACT_REPLY("police", opts, 5, 0, 0, EPROTO);
    opts[3].data = &rate;
    CHECK_ACT_REPLY("police", opts, 5, 0, 0, 0);
    CHECK_ACT_REPLY("police", opts, 5, TCA_POLICE_PKTRATE64, 4, EPROTO);

    /* A 64-bit byte rate only beside a saturated 32-bit one, and only
     * when it needs more than 32 bits. */
    p = pr.p;
    opts[3].type = TCA_POLICE_RATE64;
    opts[3].data = &big;
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    p.rate.rate = UINT32_MAX;
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, 0);
    CHECK_ACT_REPLY("police", opts, 4, TCA_POLICE_RATE64, 4, EPROTO);
    opts[3].data = &rate;
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    return NULL;
}

/* Tests: sample. */

/* Makes action 'i' of 'r' a sample of 1 in 'rate' packets to 'group',
 * truncated to 'trunc' bytes unless 0. */
static void
set_sample(struct flower_rule *r, int i, uint32_t rate, uint32_t group,
           uint32_t trunc)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_SAMPLE;
    r->actions[i].sample.rate = rate;
    r->actions[i].sample.group = group;
    r->actions[i].sample.trunc = trunc;
}

/* Checks that action 'index' of request 'nlh' samples 1 in 'rate' packets
 * to 'group', truncated to 'trunc' bytes unless 0, and goes on. */
static const char *
expect_sample(const struct nlmsghdr *nlh, uint16_t index, uint32_t rate,
              uint32_t group, uint32_t trunc)
{
    const struct nlattr *options, *attr;
    struct tc_sample p;
    int n = 0;

    TRY(expect_act_kind(nlh, index, "sample", &options));
    TRY(get_parms(options, TCA_SAMPLE_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(!p.index && !p.capab && !p.refcnt && !p.bindcnt);
    EXPECT_ACT_OPT(options, TCA_SAMPLE_RATE, &rate, sizeof rate);
    EXPECT_ACT_OPT(options, TCA_SAMPLE_PSAMPLE_GROUP, &group, sizeof group);
    if (trunc) {
        EXPECT_ACT_OPT(options, TCA_SAMPLE_TRUNC_SIZE, &trunc, sizeof trunc);
    } else {
        EXPECT_NO_ACT_OPT(options, TCA_SAMPLE_TRUNC_SIZE);
    }
    mnl_attr_for_each_nested(attr, options) {
        n++;
    }
    CHECK(n == (trunc ? 4 : 3));
    return NULL;
}

/* sFlow: a sample, then a redirect; truncated; behind a meter; the
 * extreme rates. */
const char *
test_act_sample(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ip_rule(&r, true);
    r.actions[1] = r.actions[0];
    set_sample(&r, 0, 100, 5, 0);
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_sample(nlh, 1, 100, 5, 0));
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    TRY(roundtrip(&r));

    set_sample(&r, 0, 1, 0, 128);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_sample(nlh, 1, 1, 0, 128));
    TRY(roundtrip(&r));

    r.actions[2] = r.actions[1];
    set_police(&r, 0, 4);
    set_sample(&r, 1, UINT32_MAX, UINT32_MAX, UINT32_MAX);
    r.n_actions = 3;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_ref(nlh, 1, 4));
    TRY(expect_sample(nlh, 2, UINT32_MAX, UINT32_MAX, UINT32_MAX));
    return roundtrip(&r);
}

/* A rate of 0, which the kernel refuses, and a sample at the end of the
 * list are refused. */
const char *
test_act_sample_refuse(void)
{
    struct flower_rule r;

    base_rule(&r);
    r.actions[1] = r.actions[0];
    set_sample(&r, 0, 10, 1, 0);
    r.n_actions = 2;
    CHECK(encode(&r) != NULL);
    r.actions[0].sample.rate = 0;
    CHECK(encode(&r) == NULL);
    set_sample(&r, 0, 10, 1, 0);
    r.n_actions = 1;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* A sample as tcf_sample_dump() puts it, first in its rule: its counters
 * and last use are the rule's.  A truncation to 0 bytes, which the model
 * cannot say, and other verdicts are not ours. */
const char *
test_decode_sample_dump(void)
{
    int pass;

    for (pass = 0; pass < 4; pass++) {
        struct tc_sample p = { .action = TC_ACT_PIPE, .index = 3 };
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        struct nlattr *act, *stats, *options;
        struct gnet_stats_basic basic;
        struct flower_rule r;
        int error;

        if (pass == 2) {
            p.action = TC_ACT_OK;
        }
        act = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "sample");
        stats = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
        memset(&basic, 0, sizeof basic);
        basic.packets = 33;
        basic.bytes = 3300;
        mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
        mnl_attr_nest_end(nlh, stats);
        options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        mnl_attr_put(nlh, TCA_SAMPLE_PARMS, sizeof p, &p);
        mnl_attr_put(nlh, TCA_SAMPLE_PAD, 0, NULL);
        put_tm(nlh, TCA_SAMPLE_TM, 7);
        mnl_attr_put_u32(nlh, TCA_SAMPLE_RATE, 1000);
        if (pass == 1 || pass == 3) {
            mnl_attr_put_u32(nlh, TCA_SAMPLE_TRUNC_SIZE, pass == 1 ? 64 : 0);
        }
        mnl_attr_put_u32(nlh, TCA_SAMPLE_PSAMPLE_GROUP, 12);
        mnl_attr_nest_end(nlh, options);
        mnl_attr_nest_end(nlh, act);
        reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 640, 10,
                     50);
        error = decode_copy(reply_list_end(nlh, &n), &r);
        if (pass >= 2) {
            CHECK_ERR(error, EOPNOTSUPP);
            continue;
        }
        CHECK_ERR(error, 0);
        CHECK(r.n_actions == 2);
        CHECK(r.actions[0].type == FLOWER_ACT_SAMPLE);
        CHECK(r.actions[0].sample.rate == 1000);
        CHECK(r.actions[0].sample.group == 12);
        CHECK(r.actions[0].sample.trunc == (pass == 1 ? 64 : 0));
        CHECK(r.stats.n_packets == 33);
        CHECK(r.stats.n_bytes == 3300);
        CHECK(r.stats.lastuse_ms == 70);
    }
    return NULL;
}

/* Sample options the kernel never dumps: malformed. */
const char *
test_bad_sample_reply(void)
{
    const uint32_t rate = 100, zero = 0, group = 7;
    struct tc_sample p = { .action = TC_ACT_PIPE };
    struct tcf_t tm = { .lastuse = 1 };
    struct opt opts[] = {
        { TCA_SAMPLE_PARMS, &p, sizeof p },
        { TCA_SAMPLE_PSAMPLE_GROUP, &group, sizeof group },
        { TCA_SAMPLE_TM, &tm, sizeof tm },
        { TCA_SAMPLE_RATE, &rate, sizeof rate },
    };

    CHECK_ACT_REPLY("sample", opts, 4, 0, 0, 0);
    CHECK_ACT_REPLY("sample", opts, 4, TCA_SAMPLE_PARMS, sizeof p - 4,
                    EPROTO);
    CHECK_ACT_REPLY("sample", opts, 4, TCA_SAMPLE_PARMS, sizeof p + 4,
                    EPROTO);
    CHECK_ACT_REPLY("sample", opts, 4, TCA_SAMPLE_RATE, 2, EPROTO);
    CHECK_ACT_REPLY("sample", opts, 4, TCA_SAMPLE_PSAMPLE_GROUP, 8, EPROTO);
    CHECK_ACT_REPLY("sample", opts, 4, TCA_SAMPLE_TM, 16, EPROTO);
    CHECK_ACT_REPLY("sample", &opts[1], 3, 0, 0, EPROTO);   /* No parms. */
    CHECK_ACT_REPLY("sample", opts, 3, 0, 0, EPROTO);       /* No rate. */
    opts[1] = opts[3];
    CHECK_ACT_REPLY("sample", opts, 3, 0, 0, EPROTO);       /* No group. */
    opts[1].type = TCA_SAMPLE_PSAMPLE_GROUP;
    opts[3].data = &zero;
    CHECK_ACT_REPLY("sample", opts, 4, 0, 0, EPROTO);       /* Rate 0. */
    return NULL;
}
