/*
 * Unit tests for terse dumps (TCA_DUMP_FLAGS_TERSE): the request, and
 * entries whose actions carry only their kind, counters and cookie.
 */

#include "test-flower-codec.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>

/* Puts a terse action 'index' of 'kind': its counters and, if 'cookie' is
 * non-null, a 16-byte cookie, as tcf_action_dump_terse() does. */
static void
put_terse_action(struct nlmsghdr *nlh, uint16_t index, const char *kind,
                 uint64_t bytes, uint32_t packets, const uint8_t *cookie)
{
    struct nlattr *act = mnl_attr_nest_start(nlh, index);
    struct nlattr *stats;
    struct gnet_stats_basic basic;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, kind);
    memset(&basic, 0, sizeof basic);
    basic.bytes = bytes;
    basic.packets = packets;
    stats = mnl_attr_nest_start(nlh, TCA_ACT_STATS);
    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    mnl_attr_nest_end(nlh, stats);
    if (cookie) {
        mnl_attr_put(nlh, TCA_ACT_COOKIE, FLOWER_COOKIE_LEN, cookie);
    }
    mnl_attr_nest_end(nlh, act);
}

/* A terse dump entry: flags and actions, no keys.  'police_first' puts a
 * meter before the counting action. */
static struct nlmsghdr *
reply_terse(bool police_first, const uint8_t *cookie)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list;
    int i = 1;

    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS,
                     TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_NOT_IN_HW);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    if (police_first) {
        put_terse_action(nlh, i++, "police", 99999, 999, NULL);
    }
    put_terse_action(nlh, i++, "pedit", 4200, 50, NULL);
    put_terse_action(nlh, i++, "mirred", 4100, 49, cookie);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* The request asks for a terse dump with the TCA_DUMP_FLAGS bitfield, and
 * only then. */
const char *
test_encode_dump_terse(void)
{
    for (int terse = 0; terse < 2; terse++) {
        struct nlmsghdr *nlh = flower_encode_dump(buf, 3, false, terse, 1);
        const struct nlattr *flags = find_top(nlh, TCA_DUMP_FLAGS);
        struct nla_bitfield32 bf;

        if (!terse) {
            CHECK(flags == NULL);
            continue;
        }
        CHECK(flags != NULL);
        CHECK(mnl_attr_get_payload_len(flags) == sizeof bf);
        memcpy(&bf, mnl_attr_get_payload(flags), sizeof bf);
        CHECK(bf.value == TCA_DUMP_FLAGS_TERSE);
        CHECK(bf.selector == TCA_DUMP_FLAGS_TERSE);
    }
    return NULL;
}

/* A terse entry gives the id, flags, the first action's counters, the
 * cookie, and no last use; a meter's counters are never the rule's. */
const char *
test_decode_terse(void)
{
    static const uint8_t cookie[FLOWER_COOKIE_LEN] = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    };

    for (int police = 0; police < 2; police++) {
        struct nlmsghdr *nlh = reply_terse(police, cookie);
        struct flower_rule r;

        CHECK_ERR(flower_decode_terse(nlh, &r), 0);
        CHECK(r.terse);
        CHECK(r.id.ifindex == 7 && r.id.prio == 1 && r.id.handle == 1);
        CHECK(r.protocol == htons(ETH_P_IP));
        CHECK(r.flags == TCA_CLS_FLAGS_SKIP_HW && !r.in_hw);
        CHECK(r.n_actions == 2 + police);
        CHECK(r.stats.n_packets == 50 && r.stats.n_bytes == 4200);
        CHECK(!r.stats.has_lastuse);
        CHECK(r.has_cookie);
        CHECK(!memcmp(r.cookie, cookie, sizeof cookie));

        /* A full decode does not take it. */
        CHECK_ERR(flower_decode(nlh, &r), EPROTO);
    }
    return NULL;
}

/* A kernel that ignores the terse flag sends full entries: they decode in
 * full, not marked terse. */
const char *
test_decode_terse_full(void)
{
    struct nlmsghdr *nlh = reply_simple();
    struct flower_rule r;

    CHECK_ERR(flower_decode_terse(nlh, &r), 0);
    CHECK(!r.terse);
    CHECK(r.n_actions == 1 && r.actions[0].type == FLOWER_ACT_REDIRECT);
    CHECK(r.mask.tp_dst == 0xffff);
    return NULL;
}

/* Terse entries are validated like full ones: a foreign kind is not ours,
 * a misplaced or wrong-sized cookie is refused, a kindless action is
 * malformed. */
const char *
test_bad_terse_reply(void)
{
    static const uint8_t cookie[FLOWER_COOKIE_LEN] = { 1 };
    struct nlmsghdr *nlh;
    struct nlattr *options, *list, *act;
    struct flower_rule r;

    /* Unknown kind. */
    nlh = reply_start("flower", htons(ETH_P_IP));
    options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    put_terse_action(nlh, 1, "bpf", 1, 1, cookie);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(flower_decode_terse(nlh, &r), EOPNOTSUPP);

    /* Cookie on the first of two actions. */
    memset(bufw, 0, sizeof bufw);
    nlh = reply_start("flower", htons(ETH_P_IP));
    options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    put_terse_action(nlh, 1, "pedit", 1, 1, cookie);
    put_terse_action(nlh, 2, "mirred", 1, 1, NULL);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(flower_decode_terse(nlh, &r), EOPNOTSUPP);

    /* No kind. */
    memset(bufw, 0, sizeof bufw);
    nlh = reply_start("flower", htons(ETH_P_IP));
    options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put(nlh, TCA_ACT_COOKIE, FLOWER_COOKIE_LEN, cookie);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    CHECK_ERR(flower_decode_terse(nlh, &r), EPROTO);
    return NULL;
}
