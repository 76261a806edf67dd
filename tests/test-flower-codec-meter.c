/*
 * Unit tests for lib/tc-police-codec.c, the standalone police actions that
 * are meters: the set, get, delete and dump requests checked attribute by
 * attribute, and the rates and bursts read back through a simulated
 * kernel.  Also the builders of action messages that
 * test-flower-codec-meter-replies.c shares.
 */

#include "test-flower-codec.h"

#include "tc-police-codec.h"

#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TICKS_PER_SEC 15625000ULL   /* Of 64 ns. */
#define RATE_MAX (UINT64_MAX / (TICKS_PER_SEC + 1))

/* Helpers: requests and replies. */

/* Returns the attribute of 'type' at the top of action message 'nlh'. */
const struct nlattr *
find_root(const struct nlmsghdr *nlh, uint16_t type)
{
    const struct nlattr *attr;

    mnl_attr_for_each(attr, nlh, sizeof (struct tcamsg)) {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

/* Returns the number of attributes at the top of action message 'nlh', or
 * in 'nest'. */
static int
count_root(const struct nlmsghdr *nlh)
{
    const struct nlattr *attr;
    int n = 0;

    mnl_attr_for_each(attr, nlh, sizeof (struct tcamsg)) {
        n++;
    }
    return n;
}

static int
count_nested(const struct nlattr *nest)
{
    const struct nlattr *attr;
    int n = 0;

    mnl_attr_for_each_nested(attr, nest) {
        n++;
    }
    return n;
}

/* Checks that action request 'nlh' is of 'type' with 'flags', seq 42, a
 * zeroed tcamsg, and one action, numbered 1, of kind police, to which it
 * points '*act'. */
static const char *
expect_request(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags,
               const struct nlattr **act)
{
    const struct tcamsg *tca = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tab = find_root(nlh, TCA_ACT_TAB);

    CHECK(nlh->nlmsg_type == type);
    CHECK(nlh->nlmsg_flags == flags);
    CHECK(nlh->nlmsg_seq == 42);
    CHECK(nlh->nlmsg_len <= TC_POLICE_MSG_BUFSIZE);
    CHECK(tca->tca_family == AF_UNSPEC && !tca->tca__pad1
          && !tca->tca__pad2);
    CHECK(tab != NULL);
    CHECK(count_nested(tab) == 1);
    *act = find_nested(tab, 1);
    CHECK(*act != NULL);
    TRY(expect_payload(find_nested(*act, TCA_ACT_KIND), "TCA_ACT_KIND",
                       "police", 7));
    return NULL;
}

/* Starts an action message of 'type' as the kernel sends it, and its
 * TCA_ACT_TAB, to which it points '*tab'. */
struct nlmsghdr *
act_reply_start(uint16_t type, struct nlattr **tab)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = type;
    mnl_nlmsg_put_extra_header(nlh, sizeof (struct tcamsg));
    *tab = mnl_attr_nest_start(nlh, TCA_ACT_TAB);
    return nlh;
}

/* Builds the reply of 'type' to a get, delete or set of the police 'pr',
 * as tca_get_fill() puts it. */
struct nlmsghdr *
act_reply(uint16_t type, const struct police_reply *pr)
{
    struct nlattr *tab;
    struct nlmsghdr *nlh = act_reply_start(type, &tab);

    put_police_act(nlh, 1, pr);
    mnl_attr_nest_end(nlh, tab);
    return nlh;
}

/* Decodes a copy of 'nlh' in a buffer of exactly 'nlmsg_len' bytes, so that
 * valgrind sees any read past the message. */
int
decode_copy_police(const struct nlmsghdr *nlh, struct tc_meter_police *meter,
                   struct tc_meter_stats *stats)
{
    size_t size = (nlh->nlmsg_len < sizeof *nlh
                   ? sizeof *nlh : nlh->nlmsg_len);
    void *copy = malloc(size);
    int error;

    memcpy(copy, nlh, size);
    error = tc_police_decode(copy, meter, stats);
    free(copy);
    return error;
}

/* Copies the payload of the 'size' bytes attribute 'type' of 'nest', if
 * there is one, into 'data' and returns true. */
static bool
get_attr(const struct nlattr *nest, uint16_t type, void *data, size_t size)
{
    const struct nlattr *attr = find_nested(nest, type);

    if (!attr || mnl_attr_get_payload_len(attr) != size) {
        return false;
    }
    memcpy(data, mnl_attr_get_payload(attr), size);
    return true;
}

/* Simulates the kernel: builds into 'buf' the RTM_NEWACTION message that
 * echoes the police that the set request 'nlh' (in 'copy') made, as
 * tcf_police_init() keeps it and tcf_police_dump() puts it back. */
static struct nlmsghdr *
kernel_echo(const struct nlmsghdr *nlh, uint32_t *copy)
{
    const struct nlattr *tab, *act, *options;
    struct nla_bitfield32 flags;
    struct police_reply pr;

    memcpy(copy, nlh, nlh->nlmsg_len);
    nlh = (const void *) copy;
    tab = find_root(nlh, TCA_ACT_TAB);
    act = find_nested(tab, 1);
    options = find_nested(act, TCA_ACT_OPTIONS);

    memset(&pr, 0, sizeof pr);
    get_attr(options, TCA_POLICE_TBF, &pr.p, sizeof pr.p);
    get_attr(options, TCA_POLICE_RESULT, &pr.result, sizeof pr.result);
    get_attr(options, TCA_POLICE_RATE64, &pr.rate64, sizeof pr.rate64);
    get_attr(options, TCA_POLICE_PKTRATE64, &pr.pkt_rate, 8);
    get_attr(options, TCA_POLICE_PKTBURST64, &pr.pkt_burst, 8);
    if (get_attr(act, TCA_ACT_FLAGS, &flags, sizeof flags)) {
        pr.act_flags = flags.value;
    }
    /* psched_ratecfg_getrate() keeps only these. */
    pr.p.rate.cell_log = 0;
    pr.p.rate.cell_align = 0;
    pr.p.refcnt = 1;
    pr.lastuse = NO_TM;
    return act_reply(RTM_NEWACTION, &pr);
}

/* Encodes 'meter', reads it back through kernel_echo() into 'out' and
 * returns the error of decoding, 'ticks' set to the burst's ticks. */
static int
meter_roundtrip(const struct tc_meter_police *meter,
                struct tc_meter_police *out, uint64_t *ticks)
{
    static uint32_t copy[TC_POLICE_MSG_BUFSIZE / 4];
    struct tc_meter_stats stats;
    struct nlmsghdr *nlh = tc_police_encode_set(buf, meter, 42);
    const struct nlattr *options;
    struct tc_police p;

    if (!nlh) {
        return -1;
    }
    options = find_nested(find_nested(find_root(nlh, TCA_ACT_TAB), 1),
                          TCA_ACT_OPTIONS);
    *ticks = 0;
    if (!get_attr(options, TCA_POLICE_PKTBURST64, ticks, sizeof *ticks)
        && get_attr(options, TCA_POLICE_TBF, &p, sizeof p)) {
        *ticks = p.burst;
    }
    return decode_copy_police(kernel_echo(nlh, copy), out, &stats);
}

/* Tests: requests. */

/* A byte meter: police 5 of 1 Mbit/s with a burst of 12500 bytes, as
 * tcf_police_init() needs it: the parameters (drop what exceeds, no MTU
 * limit, a burst of 0.1 s in ticks, the rate with its cells and link
 * layer), the rate table, the conform verdict, and nothing else. */
const char *
test_meter_set_bytes(void)
{
    const struct tc_meter_police meter = {
        .index = 5, .rate_bytes_ps = 125000, .burst_bytes = 12500,
    };
    const uint32_t pipe = TC_ACT_PIPE;
    const struct nlattr *act, *options, *rtab;
    struct tc_meter_police out;
    struct tc_police expected;
    struct nlmsghdr *nlh;
    uint32_t cells[256];
    uint64_t ticks;

    nlh = tc_police_encode_set(buf, &meter, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, RTM_NEWACTION,
                       (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
                        | NLM_F_REPLACE), &act));
    CHECK(count_root(nlh) == 1);
    CHECK(count_nested(act) == 2);          /* Kind, options. */
    options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(options != NULL);
    CHECK(count_nested(options) == 3);

    memset(&expected, 0, sizeof expected);
    expected.index = 5;
    expected.action = TC_ACT_SHOT;
    expected.mtu = UINT32_MAX;
    expected.burst = 1562500;
    expected.rate.cell_log = 9;
    expected.rate.linklayer = TC_LINKLAYER_ETHERNET;
    expected.rate.rate = 125000;
    EXPECT_ACT_OPT(options, TCA_POLICE_TBF, &expected, sizeof expected);
    EXPECT_ACT_OPT(options, TCA_POLICE_RESULT, &pipe, sizeof pipe);

    /* Cell i holds packets of up to (i + 1) * 512 bytes: 512 bytes take
     * 4.096 ms, 64000 ticks, at 125000 B/s. */
    rtab = find_nested(options, TCA_POLICE_RATE);
    CHECK(rtab != NULL);
    CHECK(mnl_attr_get_payload_len(rtab) == TC_RTAB_SIZE);
    memcpy(cells, mnl_attr_get_payload(rtab), sizeof cells);
    CHECK(cells[0] == 64000);
    CHECK(cells[1] == 128000);
    CHECK(cells[255] == 256 * 64000);

    CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
    CHECK(ticks == 1562500);
    CHECK(!memcmp(&out, &meter, sizeof out));
    return NULL;
}

/* A packet meter of 1000 pps with a burst of 100 packets: the packet rate
 * and burst (in ticks), parameters without a byte rate or burst, no rate
 * table. */
const char *
test_meter_set_pkts(void)
{
    const struct tc_meter_police meter = {
        .index = 77, .rate_pkts_ps = 1000, .burst_pkts = 100,
    };
    const uint64_t rate = 1000, burst = 1562500;
    const struct nlattr *act, *options;
    struct tc_meter_police out;
    struct tc_police expected;
    struct nlmsghdr *nlh;
    uint64_t ticks;

    nlh = tc_police_encode_set(buf, &meter, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, RTM_NEWACTION,
                       (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
                        | NLM_F_REPLACE), &act));
    options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(options != NULL);
    CHECK(count_nested(options) == 4);
    memset(&expected, 0, sizeof expected);
    expected.index = 77;
    expected.action = TC_ACT_SHOT;
    expected.mtu = UINT32_MAX;
    EXPECT_ACT_OPT(options, TCA_POLICE_TBF, &expected, sizeof expected);
    EXPECT_ACT_OPT(options, TCA_POLICE_PKTRATE64, &rate, sizeof rate);
    EXPECT_ACT_OPT(options, TCA_POLICE_PKTBURST64, &burst, sizeof burst);
    CHECK(find_nested(options, TCA_POLICE_RESULT) != NULL);
    EXPECT_NO_ACT_OPT(options, TCA_POLICE_RATE);

    CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
    CHECK(!memcmp(&out, &meter, sizeof out));
    return NULL;
}

/* Rates above 32 bits of bytes go in TCA_POLICE_RATE64, the 32-bit one
 * saturated; up to 2^32 - 1 they do not. */
const char *
test_meter_set_rate64(void)
{
    struct tc_meter_police meter = {
        .index = 1, .rate_bytes_ps = 5000000000ULL,
        .burst_bytes = 500000000,
    };
    const struct nlattr *act, *options;
    struct tc_meter_police out;
    struct tc_police p;
    struct nlmsghdr *nlh;
    uint64_t ticks;

    nlh = tc_police_encode_set(buf, &meter, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, nlh->nlmsg_type, nlh->nlmsg_flags, &act));
    options = find_nested(act, TCA_ACT_OPTIONS);
    EXPECT_ACT_OPT(options, TCA_POLICE_RATE64, &meter.rate_bytes_ps, 8);
    CHECK(get_attr(options, TCA_POLICE_TBF, &p, sizeof p));
    CHECK(p.rate.rate == UINT32_MAX);
    CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
    CHECK(!memcmp(&out, &meter, sizeof out));

    meter.rate_bytes_ps = UINT32_MAX;
    nlh = tc_police_encode_set(buf, &meter, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, nlh->nlmsg_type, nlh->nlmsg_flags, &act));
    options = find_nested(act, TCA_ACT_OPTIONS);
    EXPECT_NO_ACT_OPT(options, TCA_POLICE_RATE64);
    CHECK(get_attr(options, TCA_POLICE_TBF, &p, sizeof p));
    CHECK(p.rate.rate == UINT32_MAX);
    CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
    CHECK(out.rate_bytes_ps == UINT32_MAX);
    return NULL;
}

/* Bursts read back exactly below a byte (or packet) a tick, 15625000 per
 * second; above, as the kernel holds them, rounded down and no more than
 * a tick's worth above what was asked, and they encode again to the same
 * ticks.  Random rates and bursts of both kinds, up to 274 s of burst. */
const char *
test_meter_burst_rounding(void)
{
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    int i;

    for (i = 0; i < 4000; i++) {
        struct tc_meter_police meter, out, again;
        uint64_t rate, burst, ticks, ticks2;
        bool pkts = i & 1;

        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        rate = (i & 2
                ? 1 + (state >> 20) % (TICKS_PER_SEC - 1)
                : TICKS_PER_SEC + (state >> 11) % (RATE_MAX / 1000));
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        burst = 1 + (state >> 24) % (rate * 270 > (1ULL << 40)
                                     ? 1ULL << 40 : rate * 270);

        memset(&meter, 0, sizeof meter);
        meter.index = i + 1;
        *(pkts ? &meter.rate_pkts_ps : &meter.rate_bytes_ps) = rate;
        *(pkts ? &meter.burst_pkts : &meter.burst_bytes) = burst;
        CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
        if (rate < TICKS_PER_SEC) {
            if (memcmp(&out, &meter, sizeof out)) {
                FAIL("rate %"PRIu64" burst %"PRIu64": read back %"PRIu64,
                     rate, burst, pkts ? out.burst_pkts : out.burst_bytes);
            }
            continue;
        }
        CHECK_ERR(meter_roundtrip(&out, &again, &ticks2), 0);
        CHECK(ticks2 == ticks);
        CHECK(!memcmp(&again, &out, sizeof out));
        out.burst_bytes += out.burst_pkts;
        if (out.burst_bytes < burst
            || out.burst_bytes > burst + rate / TICKS_PER_SEC) {
            FAIL("rate %"PRIu64" burst %"PRIu64": read back %"PRIu64,
                 rate, burst, out.burst_bytes);
        }
    }
    return NULL;
}

/* Offload flags are those of the rules, as action flags. */
const char *
test_meter_set_flags(void)
{
    static const struct {
        uint32_t flags;
        uint32_t act_flags;         /* UINT32_MAX: refused. */
    } cases[] = {
        { 0, 0 },
        { TCA_CLS_FLAGS_SKIP_HW, TCA_ACT_FLAGS_SKIP_HW },
        { TCA_CLS_FLAGS_SKIP_SW, TCA_ACT_FLAGS_SKIP_SW },
        { TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW, UINT32_MAX },
        { TCA_CLS_FLAGS_IN_HW, UINT32_MAX },
        { 1U << 31, UINT32_MAX },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct tc_meter_police meter = {
            .index = 3, .rate_bytes_ps = 1000, .burst_bytes = 100,
            .flags = cases[i].flags,
        };
        struct nlmsghdr *nlh = tc_police_encode_set(buf, &meter, 42);
        struct nla_bitfield32 bf = { cases[i].act_flags,
                                     cases[i].act_flags };
        const struct nlattr *act;
        struct tc_meter_police out;
        uint64_t ticks;

        if (cases[i].act_flags == UINT32_MAX) {
            CHECK(nlh == NULL);
            continue;
        }
        CHECK(nlh != NULL);
        TRY(expect_request(nlh, nlh->nlmsg_type, nlh->nlmsg_flags, &act));
        if (!bf.value) {
            CHECK(find_nested(act, TCA_ACT_FLAGS) == NULL);
        } else {
            TRY(expect_payload(find_nested(act, TCA_ACT_FLAGS),
                               "TCA_ACT_FLAGS", &bf, sizeof bf));
        }
        CHECK_ERR(meter_roundtrip(&meter, &out, &ticks), 0);
        CHECK(out.flags == meter.flags);
    }
    return NULL;
}

/* Meters that are not what the kernel can be given exactly. */
const char *
test_meter_set_refuse(void)
{
    struct tc_meter_police meter = {
        .index = 3, .rate_bytes_ps = 1000, .burst_bytes = 100,
    };

    CHECK(tc_police_encode_set(buf, &meter, 42) != NULL);
    meter.index = 0;
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.index = 3;

    meter.burst_bytes = 0;                  /* Drops everything. */
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.burst_bytes = 274 * 1000;         /* 274 s: held. */
    CHECK(tc_police_encode_set(buf, &meter, 42) != NULL);
    meter.burst_bytes = 275 * 1000;         /* Beyond 2^32 ticks. */
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.burst_bytes = UINT64_MAX;
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.burst_bytes = 100;

    meter.burst_pkts = 10;                  /* A burst of each kind. */
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.rate_pkts_ps = 100;               /* Two rates. */
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.rate_bytes_ps = 0;
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.burst_bytes = 0;
    CHECK(tc_police_encode_set(buf, &meter, 42) != NULL);
    meter.rate_pkts_ps = 0;                 /* No rate. */
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);

    meter.rate_pkts_ps = RATE_MAX;
    meter.burst_pkts = RATE_MAX;
    CHECK(tc_police_encode_set(buf, &meter, 42) != NULL);
    meter.rate_pkts_ps = RATE_MAX + 1;
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    meter.rate_pkts_ps = UINT64_MAX;
    CHECK(tc_police_encode_set(buf, &meter, 42) == NULL);
    return NULL;
}

/* Get and delete name the police by kind and index; delete asks for an
 * echo of its last counters; index 0 is refused. */
const char *
test_meter_get_del(void)
{
    const struct nlattr *act;
    struct nlmsghdr *nlh;
    uint32_t index = 9;

    nlh = tc_police_encode_get(buf, 9, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, RTM_GETACTION, NLM_F_REQUEST | NLM_F_ACK,
                       &act));
    CHECK(count_root(nlh) == 1);
    CHECK(count_nested(act) == 2);
    TRY(expect_payload(find_nested(act, TCA_ACT_INDEX), "TCA_ACT_INDEX",
                       &index, sizeof index));

    nlh = tc_police_encode_del(buf, 9, 42);
    CHECK(nlh != NULL);
    TRY(expect_request(nlh, RTM_DELACTION,
                       NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, &act));
    CHECK(count_root(nlh) == 1);
    CHECK(count_nested(act) == 2);
    TRY(expect_payload(find_nested(act, TCA_ACT_INDEX), "TCA_ACT_INDEX",
                       &index, sizeof index));

    CHECK(tc_police_encode_get(buf, 0, 42) == NULL);
    CHECK(tc_police_encode_del(buf, 0, 42) == NULL);
    return NULL;
}

/* A dump names the kind and asks for large messages. */
const char *
test_meter_dump_request(void)
{
    struct nla_bitfield32 bf = { TCA_ACT_FLAG_LARGE_DUMP_ON,
                                 TCA_ACT_FLAG_LARGE_DUMP_ON };
    struct nlmsghdr *nlh = tc_police_encode_dump(buf, 42);
    const struct nlattr *act;

    CHECK(nlh != NULL);
    TRY(expect_request(nlh, RTM_GETACTION, NLM_F_REQUEST | NLM_F_DUMP,
                       &act));
    CHECK(count_nested(act) == 1);
    CHECK(count_root(nlh) == 2);
    TRY(expect_payload(find_root(nlh, TCA_ROOT_FLAGS), "TCA_ROOT_FLAGS",
                       &bf, sizeof bf));
    return NULL;
}
