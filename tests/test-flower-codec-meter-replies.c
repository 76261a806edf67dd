/*
 * Unit tests for lib/tc-police-codec.c on the kernel's replies: the
 * replies to a get, delete and set of a meter, and dump messages, with
 * counters; police actions that are not meters; and malformed replies,
 * which must be rejected before any is trusted.
 */

#include "test-flower-codec.h"

#include "tc-police-codec.h"

#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

/* Tests: replies. */

/* The replies to a get, a delete and an echoed set: the meter's
 * parameters, and its counters as the kernel reports them. */
const char *
test_meter_decode_reply(void)
{
    static const uint16_t types[] = {
        RTM_GETACTION, RTM_DELACTION, RTM_NEWACTION,
    };
    int pass;

    for (pass = 0; pass < 8; pass++) {
        struct tc_meter_police meter, expected = {
            .index = 42, .rate_bytes_ps = 125000, .burst_bytes = 12500,
        };
        struct tc_meter_stats stats;
        struct police_reply pr;
        struct nlmsghdr *nlh;
        int error;

        police_reply_init(&pr, 42);
        switch (pass) {
        case 3:                 /* Packets. */
            memset(&pr.p.rate, 0, sizeof pr.p.rate);
            pr.p.burst = 0;
            pr.pkt_rate = 1000;
            pr.pkt_burst = 1562500;
            expected.rate_bytes_ps = expected.burst_bytes = 0;
            expected.rate_pkts_ps = 1000;
            expected.burst_pkts = 100;
            break;
        case 4:                 /* Beyond 32 bits. */
            pr.p.rate.rate = UINT32_MAX;
            pr.rate64 = 5000000000ULL;
            expected.rate_bytes_ps = 5000000000ULL;
            expected.burst_bytes = 500000000;
            break;
        case 5:                 /* Made by a rule: no rate. */
            memset(&pr.p.rate, 0, sizeof pr.p.rate);
            pr.p.burst = 0;
            expected.rate_bytes_ps = expected.burst_bytes = 0;
            break;
        case 6:
            pr.act_flags = TCA_ACT_FLAGS_SKIP_HW;
            expected.flags = TCA_CLS_FLAGS_SKIP_HW;
            break;
        case 7:
            pr.act_flags = TCA_ACT_FLAGS_SKIP_SW;
            expected.flags = TCA_CLS_FLAGS_SKIP_SW;
            break;
        }
        nlh = act_reply(types[pass % 3], &pr);
        if (pass == 1) {        /* A warning the kernel may add. */
            mnl_attr_put_strz(nlh, TCA_ROOT_EXT_WARN_MSG, "take care");
        }
        error = decode_copy_police(nlh, &meter, &stats);
        if (error) {
            FAIL("pass %d: decoding returned %d (%s)", pass, error,
                 strerror(error));
        }
        if (memcmp(&meter, &expected, sizeof meter)) {
            FAIL("pass %d: index %"PRIu32" rate %"PRIu64" B/s %"PRIu64
                 " pps burst %"PRIu64" B %"PRIu64" pkts flags %#"PRIx32,
                 pass, meter.index, meter.rate_bytes_ps, meter.rate_pkts_ps,
                 meter.burst_bytes, meter.burst_pkts, meter.flags);
        }
        CHECK(stats.n_packets == 1000);
        CHECK(stats.n_bytes == 64000);
        CHECK(stats.n_drops == 10);
        CHECK(stats.n_overlimits == 10);
        CHECK(stats.n_bound == 2);
    }
    return NULL;
}

/* Police actions that are not meters: the index and counters, and
 * EOPNOTSUPP. */
const char *
test_meter_decode_foreign(void)
{
    int pass;

    for (pass = 0; pass < 5; pass++) {
        struct tc_meter_police meter;
        struct tc_meter_stats stats;
        struct police_reply pr;

        police_reply_init(&pr, 42);
        switch (pass) {
        case 0:
            pr.p.mtu = 1514;
            break;
        case 1:
            pr.result = TC_ACT_OK;
            break;
        case 2:
            pr.avrate = 1000;
            break;
        case 3:
            pr.act_flags = TCA_ACT_FLAGS_NO_PERCPU_STATS;
            break;
        case 4:
            pr.p.peakrate.rate = 1;
            break;
        }
        CHECK_ERR(decode_copy_police(act_reply(RTM_GETACTION, &pr), &meter,
                                     &stats), EOPNOTSUPP);
        CHECK(meter.index == 42);
        CHECK(!meter.rate_bytes_ps && !meter.burst_bytes && !meter.flags);
        CHECK(stats.n_packets == 1000 && stats.n_drops == 10);
    }
    return NULL;
}

/* Replies the kernel never sends. */
const char *
test_bad_meter_reply(void)
{
    struct tc_meter_police meter;
    struct tc_meter_stats stats;
    int pass;

    for (pass = 0; pass < 16; pass++) {
        struct nlattr *tab, *act, *nest;
        struct police_reply pr;
        struct nlmsghdr *nlh;
        int expected = pass ? EPROTO : 0;
        int error;

        police_reply_init(&pr, 42);
        nlh = act_reply_start(RTM_GETACTION, &tab);
        switch (pass) {
        case 0:                 /* Control. */
            put_police_act(nlh, 1, &pr);
            break;
        case 1:                 /* Numbered as in a dump. */
            put_police_act(nlh, 0, &pr);
            break;
        case 2:
            put_police_act(nlh, 2, &pr);
            break;
        case 3:                 /* Two. */
            put_police_act(nlh, 1, &pr);
            put_police_act(nlh, 2, &pr);
            break;
        case 4:                 /* None. */
            break;
        case 5:                 /* Not a police. */
        case 6:                 /* No counters. */
        case 7:                 /* No options. */
        case 8:                 /* No kind. */
            act = mnl_attr_nest_start(nlh, 1);
            if (pass != 8) {
                mnl_attr_put_strz(nlh, TCA_ACT_KIND,
                                  pass == 5 ? "gact" : "police");
            }
            if (pass != 6) {
                nest = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
                mnl_attr_nest_end(nlh, nest);
            }
            if (pass != 7) {
                nest = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
                mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof pr.p, &pr.p);
                mnl_attr_nest_end(nlh, nest);
            }
            mnl_attr_nest_end(nlh, act);
            break;
        case 9:                 /* Both offload flags. */
            pr.act_flags = TCA_ACT_FLAGS_SKIP_HW | TCA_ACT_FLAGS_SKIP_SW;
            put_police_act(nlh, 1, &pr);
            break;
        case 10:                /* Malformed options. */
            pr.p.index = 0;
            put_police_act(nlh, 1, &pr);
            break;
        case 11:                /* Options without parameters. */
            act = mnl_attr_nest_start(nlh, 1);
            mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
            nest = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
            mnl_attr_nest_end(nlh, nest);
            nest = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
            mnl_attr_put_u32(nlh, TCA_POLICE_AVRATE, 1);
            mnl_attr_nest_end(nlh, nest);
            mnl_attr_nest_end(nlh, act);
            break;
        case 12:                /* Flags of the wrong size. */
        case 13:                /* Queue counters of the wrong size. */
            act = mnl_attr_nest_start(nlh, 1);
            mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
            nest = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
            mnl_attr_put_u32(nlh, pass == 13 ? TCA_STATS_QUEUE : 0, 0);
            mnl_attr_nest_end(nlh, nest);
            mnl_attr_put_u32(nlh, pass == 12 ? TCA_ACT_FLAGS : 0, 0);
            nest = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
            mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof pr.p, &pr.p);
            mnl_attr_put_u32(nlh, TCA_POLICE_RESULT, TC_ACT_PIPE);
            mnl_attr_nest_end(nlh, nest);
            mnl_attr_nest_end(nlh, act);
            break;
        case 14:                /* A count, as in a dump. */
        case 15:                /* A message of another type. */
            put_police_act(nlh, 1, &pr);
            break;
        }
        mnl_attr_nest_end(nlh, tab);
        if (pass == 14) {
            mnl_attr_put_u32(nlh, TCA_ROOT_COUNT, 1);
        } else if (pass == 15) {
            nlh->nlmsg_type = RTM_NEWTFILTER;
        }
        error = decode_copy_police(nlh, &meter, &stats);
        if (error != expected) {
            FAIL("pass %d: decoding returned %d, expected %d", pass, error,
                 expected);
        }
    }

    return NULL;
}

/* Replies cut short, unpadded, with trailing bytes, without actions. */
const char *
test_bad_meter_truncated(void)
{
    struct tc_meter_police meter;
    struct tc_meter_stats stats;
    struct police_reply pr;
    struct nlmsghdr *nlh;
    uint32_t len;

    police_reply_init(&pr, 42);
    nlh = act_reply(RTM_GETACTION, &pr);
    len = nlh->nlmsg_len;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), 0);
    nlh->nlmsg_len = len - 8;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    nlh->nlmsg_len = len - 2;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    nlh->nlmsg_len = len + 4;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof (struct tcamsg);
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    nlh->nlmsg_len = 0;
    CHECK_ERR(decode_copy_police(nlh, &meter, &stats), EPROTO);
    return NULL;
}

/* Tests: dumps. */

enum { SEEN_MAX = 8 };

/* What the callback of a dump saw. */
struct dump_seen {
    int n;                      /* Calls. */
    int stop_at;                /* Return 99 at this call; 0: never. */
    uint32_t index[SEEN_MAX];   /* Of the first calls. */
    int error[SEEN_MAX];
    uint64_t rate[SEEN_MAX];    /* Bytes or packets per second. */
    uint64_t packets[SEEN_MAX];
};

/* tc_police_dump_cb that records what it sees in a 'struct dump_seen'. */
static int
dump_cb(const struct tc_meter_police *meter,
        const struct tc_meter_stats *stats, int error, void *seen_)
{
    struct dump_seen *seen = seen_;

    if (seen->n < SEEN_MAX) {
        seen->index[seen->n] = meter->index;
        seen->error[seen->n] = error;
        seen->rate[seen->n] = meter->rate_bytes_ps + meter->rate_pkts_ps;
        seen->packets[seen->n] = stats->n_packets;
    }
    return ++seen->n == seen->stop_at ? 99 : 0;
}

/* Decodes a copy of the dump message 'nlh' of exactly its size with
 * dump_cb() and 'seen', zeroed but for 'stop_at'. */
static int
decode_copy_dump(const struct nlmsghdr *nlh, struct dump_seen *seen,
                 int stop_at)
{
    size_t size = (nlh->nlmsg_len < sizeof *nlh
                   ? sizeof *nlh : nlh->nlmsg_len);
    void *copy = malloc(size);
    int error;

    memset(seen, 0, sizeof *seen);
    seen->stop_at = stop_at;
    memcpy(copy, nlh, size);
    error = tc_police_decode_dump(copy, dump_cb, seen);
    free(copy);
    return error;
}

/* Builds a dump message as tc_dump_action() does, with TCA_ROOT_COUNT
 * 'count' unless negative, and unless 'n' is negative a TCA_ACT_TAB of
 * the 'n' police 'prs', numbered from 'first'. */
static struct nlmsghdr *
dump_reply(const struct police_reply *prs, int n, uint16_t first, int count)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct nlattr *tab;
    int i;

    nlh->nlmsg_type = RTM_GETACTION;
    nlh->nlmsg_flags = NLM_F_MULTI;
    mnl_nlmsg_put_extra_header(nlh, sizeof (struct tcamsg));
    if (count >= 0) {
        mnl_attr_put_u32(nlh, TCA_ROOT_COUNT, count);
    }
    if (n >= 0) {
        tab = mnl_attr_nest_start(nlh, TCA_ACT_TAB);
        for (i = 0; i < n; i++) {
            put_police_act(nlh, first + i, &prs[i]);
        }
        mnl_attr_nest_end(nlh, tab);
    }
    return nlh;
}

/* Initializes 'prs' to a byte meter 10, a police 11 that is not a meter
 * and a packet meter 12. */
static void
dump_prs(struct police_reply prs[3])
{
    police_reply_init(&prs[0], 10);
    police_reply_init(&prs[1], 11);
    prs[1].p.mtu = 1514;
    police_reply_init(&prs[2], 12);
    memset(&prs[2].p.rate, 0, sizeof prs[2].p.rate);
    prs[2].p.burst = 0;
    prs[2].pkt_rate = 1000;
    prs[2].pkt_burst = 1562500;
}

/* A dump message: every police in order, meters or not, with counters;
 * the callback can stop the calls; more than TCA_ACT_MAX_PRIO actions;
 * none. */
const char *
test_meter_decode_dump(void)
{
    struct police_reply prs[34];
    struct dump_seen seen;
    int i;

    dump_prs(prs);
    CHECK_ERR(decode_copy_dump(dump_reply(prs, 3, 0, 3), &seen, 0), 0);
    CHECK(seen.n == 3);
    for (i = 0; i < 3; i++) {
        CHECK(seen.index[i] == 10 + i);
        CHECK(seen.packets[i] == 1000);
    }
    CHECK(seen.error[0] == 0 && seen.rate[0] == 125000);
    CHECK(seen.error[1] == EOPNOTSUPP && seen.rate[1] == 0);
    CHECK(seen.error[2] == 0 && seen.rate[2] == 1000);

    CHECK_ERR(decode_copy_dump(dump_reply(prs, 3, 0, 3), &seen, 2), 99);
    CHECK(seen.n == 2);

    for (i = 0; i < ARRAY_SIZE(prs); i++) {
        police_reply_init(&prs[i], 100 + i);
    }
    CHECK_ERR(decode_copy_dump(dump_reply(prs, ARRAY_SIZE(prs), 0,
                                          ARRAY_SIZE(prs)), &seen, 0), 0);
    CHECK(seen.n == ARRAY_SIZE(prs));

    CHECK_ERR(decode_copy_dump(dump_reply(prs, -1, 0, 0), &seen, 0), 0);
    CHECK(seen.n == 0);
    CHECK_ERR(decode_copy_dump(dump_reply(prs, -1, 0, -1), &seen, 0), 0);
    CHECK(seen.n == 0);
    return NULL;
}

/* Dump messages the kernel never sends, rejected before any call. */
const char *
test_bad_meter_dump(void)
{
    struct police_reply prs[3];
    struct dump_seen seen;
    struct nlmsghdr *nlh;
    int pass;

    for (pass = 0; pass < 9; pass++) {
        int expected = pass ? EPROTO : 0;
        int error;

        dump_prs(prs);
        nlh = NULL;
        switch (pass) {
        case 0:                 /* Control. */
            break;
        case 1:                 /* A wrong count. */
            nlh = dump_reply(prs, 3, 0, 2);
            break;
        case 2:                 /* No count. */
            nlh = dump_reply(prs, 3, 0, -1);
            break;
        case 3:                 /* Numbered as in a get. */
            nlh = dump_reply(prs, 3, 1, 3);
            break;
        case 4:                 /* A gap: 0, 1, 3. */
            nlh = dump_reply(prs, 2, 0, 3);
            prs[2].p.index = 13;
            put_police_act(nlh, 3, &prs[2]);
            mnl_attr_nest_end(nlh, (struct nlattr *)
                              find_root(nlh, TCA_ACT_TAB));
            break;
        case 5:                 /* The last malformed. */
            prs[2].p.index = 0;
            break;
        case 6:
            nlh = dump_reply(prs, 3, 0, 3);
            nlh->nlmsg_type = RTM_NEWACTION;
            break;
        case 7:                 /* A count without actions. */
            nlh = dump_reply(prs, -1, 0, 2);
            break;
        case 8:                 /* Cut short. */
            nlh = dump_reply(prs, 3, 0, 3);
            nlh->nlmsg_len -= 8;
            break;
        }
        if (!nlh) {
            nlh = dump_reply(prs, 3, 0, 3);
        }
        error = decode_copy_dump(nlh, &seen, 0);
        if (error != expected || (expected && seen.n)) {
            FAIL("pass %d: decoding returned %d after %d calls, expected "
                 "%d", pass, error, seen.n, expected);
        }
    }
    return NULL;
}
