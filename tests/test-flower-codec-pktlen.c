/*
 * Unit tests for lib/flower-codec*.c on action lists that branch, as OVS's
 * check_pkt_len needs: police actions of a rule's own that send packets
 * one way or another by their length, and gact jumps that join branches
 * again, encoded and read back, in the layouts OVS makes; lists whose
 * branches run past the end or leave an action unreachable, refused; and
 * both actions as the kernel dumps them, with their counters (the police's
 * are the rule's), other verdicts (not ours) and malformed options.
 *
 * The kernel's jumps count from the first action of the list, not from
 * the action that jumps (tcf_action_exec()): a model action at index i
 * that skips n actions has the verdict TC_ACT_JUMP | (i + 1 + n).
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

/* Helpers: rules. */

/* Makes action 'i' of 'r' a length test of 'mtu' whose conforming packets
 * skip the next 'conform' actions and whose longer ones skip 'exceed'. */
static void
set_police_mtu(struct flower_rule *r, int i, uint32_t mtu, uint8_t conform,
               uint8_t exceed)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_POLICE_MTU;
    r->actions[i].police_mtu.mtu = mtu;
    r->actions[i].police_mtu.conform_jump = conform;
    r->actions[i].police_mtu.exceed_jump = exceed;
}

/* Makes action 'i' of 'r' a mirred action of 'type' to 'ifindex'. */
static void
set_mirred(struct flower_rule *r, int i, enum flower_action_type type,
           uint32_t ifindex)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = type;
    r->actions[i].ifindex = ifindex;
}

/* Initializes 'r' to the IPv4 rule that check_pkt_len(size=1500,
 * gt(set(ipv4(ttl=63)),output:11), le(output:10,output:9)) becomes, the
 * way OVS lays it out but with the short packets first:
 *
 *     0 [police_mtu 1500, exceed skips 2]
 *     1 [mirror 10] 2 [redirect 9]
 *     3 [pedit TTL 63] 4 [redirect 11]
 */
static void
pktlen_rule(struct flower_rule *r)
{
    ip_rule(r, false);
    set_police_mtu(r, 0, 1500, 0, 2);
    set_mirred(r, 1, FLOWER_ACT_MIRROR, 10);
    set_mirred(r, 2, FLOWER_ACT_REDIRECT, 9);
    set_pedit_key(r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    set_pedit(r, 3, 0, 1);
    set_mirred(r, 4, FLOWER_ACT_REDIRECT, 11);
    r->n_actions = 5;
}

/* Makes action 'i' of 'r' a gact jump over the next 'n' actions. */
static void
set_jump(struct flower_rule *r, int i, uint8_t n)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_JUMP;
    r->actions[i].jump = n;
}

/* Initializes 'r' to the IPv4 rule that check_pkt_len(size=1500,
 * gt(set(ipv4(ttl=63)),output:10), le(pop_vlan)),output:9 becomes, laid
 * out as OVS does, the longer packets' branch first:
 *
 *     0 [police_mtu 1500, conform skips 3]
 *     1 [pedit TTL 63] 2 [mirror 10] 3 [jump 1]
 *     4 [vlan pop]
 *     5 [redirect 9]
 */
static void
pktlen_join_rule(struct flower_rule *r)
{
    ip_rule(r, false);
    set_police_mtu(r, 0, 1500, 3, 0);
    set_pedit_key(r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    set_pedit(r, 1, 0, 1);
    set_mirred(r, 2, FLOWER_ACT_MIRROR, 10);
    set_jump(r, 3, 1);
    r->actions[4].type = FLOWER_ACT_VLAN_POP;
    set_mirred(r, 5, FLOWER_ACT_REDIRECT, 9);
    r->n_actions = 6;
}

/* Checks that action 'index' (1-based) of request 'nlh' is a gact whose
 * verdict is 'control', and nothing else. */
static const char *
expect_gact(const struct nlmsghdr *nlh, uint16_t index, uint32_t control)
{
    const struct nlattr *options, *attr;
    struct tc_gact p;
    int n = 0;

    TRY(expect_act_kind(nlh, index, "gact", &options));
    TRY(get_parms(options, TCA_GACT_PARMS, &p, sizeof p));
    if (p.action != (int) control) {
        FAIL("action %u: gact verdict %#x, expected %#x", index, p.action,
             control);
    }
    mnl_attr_for_each_nested(attr, options) {
        n++;
    }
    CHECK(n == 1);
    return NULL;
}

/* Checks that action 'index' (1-based) of request 'nlh' is a police of the
 * rule's own (index 0) that lets packets of up to 'mtu' bytes leave with
 * 'conform' and longer ones with 'exceed', with no rate, and nothing
 * else. */
static const char *
expect_police_mtu(const struct nlmsghdr *nlh, uint16_t index, uint32_t mtu,
                  uint32_t conform, uint32_t exceed)
{
    const struct nlattr *options, *attr;
    struct tc_police expected;
    int n = 0;

    TRY(expect_act_kind(nlh, index, "police", &options));
    memset(&expected, 0, sizeof expected);
    expected.action = exceed;
    expected.mtu = mtu;
    EXPECT_ACT_OPT(options, TCA_POLICE_TBF, &expected, sizeof expected);
    EXPECT_ACT_OPT(options, TCA_POLICE_RESULT, &conform, sizeof conform);
    mnl_attr_for_each_nested(attr, options) {
        n++;
    }
    CHECK(n == 2);
    return NULL;
}

/* Tests: encoding. */

/* A length test whose conforming packets go on and whose longer ones
 * jump, the reverse, one that is not the first action (jumps count from
 * the start of the list), and the extreme MTUs. */
const char *
test_pktlen_police_mtu(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    pktlen_rule(&r);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 1, 1500, TC_ACT_PIPE, TC_ACT_JUMP | 3));
    TRY(roundtrip(&r));

    r.actions[0].police_mtu.conform_jump = 2;
    r.actions[0].police_mtu.exceed_jump = 0;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 1, 1500, TC_ACT_JUMP | 3, TC_ACT_PIPE));
    TRY(roundtrip(&r));

    /* 0 [vlan pop] 1 [police_mtu 9000, exceed skips 1] 2 [redirect 9]
     * 3 [redirect 10]. */
    base_rule(&r);
    r.actions[0].type = FLOWER_ACT_VLAN_POP;
    set_police_mtu(&r, 1, 9000, 0, 1);
    set_mirred(&r, 2, FLOWER_ACT_REDIRECT, 9);
    set_mirred(&r, 3, FLOWER_ACT_REDIRECT, 10);
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 2, 9000, TC_ACT_PIPE, TC_ACT_JUMP | 3));
    TRY(roundtrip(&r));

    r.actions[1].police_mtu.mtu = 1;
    TRY(roundtrip(&r));
    r.actions[1].police_mtu.mtu = UINT32_MAX - 1;
    return roundtrip(&r);
}

/* The whole check_pkt_len rule: every action with the verdict that sends
 * packets where the model says, the cookie on the last.  Behind a meter,
 * the length test and the jump move one action on. */
const char *
test_pktlen_layout(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;
    int i;

    pktlen_rule(&r);
    r.has_cookie = true;
    memset(r.cookie, 0x5a, sizeof r.cookie);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 1, 1500, TC_ACT_PIPE, TC_ACT_JUMP | 3));
    TRY(expect_mirred(nlh, 2, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 10));
    TRY(expect_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    TRY(expect_act_kind(nlh, 4, "pedit", &options));
    TRY(expect_mirred(nlh, 5, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 11));
    CHECK(find_act(nlh, 6) == NULL);
    for (i = 1; i <= 4; i++) {
        CHECK(find_nested(find_act(nlh, i), TCA_ACT_COOKIE) == NULL);
    }
    CHECK(find_nested(find_act(nlh, 5), TCA_ACT_COOKIE) != NULL);
    TRY(roundtrip(&r));

    for (i = r.n_actions; i > 0; i--) {
        r.actions[i] = r.actions[i - 1];
    }
    set_police(&r, 0, 3);
    r.n_actions++;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 2, 1500, TC_ACT_PIPE, TC_ACT_JUMP | 4));
    TRY(expect_mirred(nlh, 6, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 11));
    return roundtrip(&r);
}

/* Lists that branch wrong: a jump past the end or onto the action after
 * the last, an action that no packet reaches, a length test at the end
 * (its packets would go past it), and an MTU of 0 (none to the kernel) or
 * UINT32_MAX (a meter's). */
const char *
test_pktlen_refuse(void)
{
    struct flower_rule r;

    pktlen_rule(&r);
    CHECK(encode(&r) != NULL);
    r.actions[2].type = FLOWER_ACT_MIRROR;      /* On to the pedit. */
    r.actions[0].police_mtu.exceed_jump = 3;    /* Onto the last. */
    CHECK(encode(&r) != NULL);
    r.actions[0].police_mtu.exceed_jump = 4;    /* Past the end. */
    CHECK(encode(&r) == NULL);
    r.actions[0].police_mtu.exceed_jump = 255;
    CHECK(encode(&r) == NULL);
    r.actions[0].police_mtu.exceed_jump = 2;
    r.actions[0].police_mtu.conform_jump = 4;
    CHECK(encode(&r) == NULL);

    /* Both outcomes to the mirror: the pedit is unreachable. */
    pktlen_rule(&r);
    r.actions[0].police_mtu.exceed_jump = 0;
    CHECK(encode(&r) == NULL);
    /* Both past the mirror: the mirror is. */
    r.actions[0].police_mtu.conform_jump = 1;
    r.actions[0].police_mtu.exceed_jump = 2;
    CHECK(encode(&r) == NULL);

    /* A drop behind the second redirect. */
    pktlen_rule(&r);
    r.actions[5].type = FLOWER_ACT_DROP;
    r.n_actions = 6;
    CHECK(encode(&r) == NULL);
    r.actions[0].police_mtu.exceed_jump = 4;    /* Now onto the drop. */
    CHECK(encode(&r) == NULL);                  /* But the pedit... */
    r.actions[2].type = FLOWER_ACT_MIRROR;      /* ...unless reached. */
    CHECK(encode(&r) != NULL);

    /* At the end of the list. */
    base_rule(&r);
    set_police_mtu(&r, 0, 1500, 0, 0);
    CHECK(encode(&r) == NULL);
    set_mirred(&r, 1, FLOWER_ACT_REDIRECT, 9);
    r.n_actions = 2;
    CHECK(encode(&r) != NULL);

    r.actions[0].police_mtu.mtu = 0;
    CHECK(encode(&r) == NULL);
    r.actions[0].police_mtu.mtu = UINT32_MAX;
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* A gact jump that joins the branches of a length test, and jumps from
 * elsewhere: over a redirect, and from the first action. */
const char *
test_pktlen_gact_jump(void)
{
    const struct nlattr *options;
    struct flower_rule r;
    struct nlmsghdr *nlh;

    pktlen_join_rule(&r);
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 1, 1500, TC_ACT_JUMP | 4, TC_ACT_PIPE));
    TRY(expect_gact(nlh, 4, TC_ACT_JUMP | 5));
    TRY(expect_act_kind(nlh, 5, "vlan", &options));
    TRY(expect_mirred(nlh, 6, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    TRY(roundtrip(&r));

    /* 0 [police_mtu 100, exceed skips 1] 1 [jump 1] 2 [redirect 9]
     * 3 [drop]: short packets are dropped, long ones redirected. */
    base_rule(&r);
    set_police_mtu(&r, 0, 100, 0, 1);
    set_jump(&r, 1, 1);
    set_mirred(&r, 2, FLOWER_ACT_REDIRECT, 9);
    r.actions[3].type = FLOWER_ACT_DROP;
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_police_mtu(nlh, 1, 100, TC_ACT_PIPE, TC_ACT_JUMP | 2));
    TRY(expect_gact(nlh, 2, TC_ACT_JUMP | 3));
    TRY(roundtrip(&r));

    /* A jump first: the actions it skips run for no packet. */
    set_jump(&r, 0, 1);
    CHECK(encode(&r) == NULL);
    return NULL;
}

/* Jumps refused: of 0 (a PIPE, which a gact never is here), past the end
 * or onto the action after the last, as the last action, and over an
 * action that nothing else reaches. */
const char *
test_pktlen_jump_refuse(void)
{
    struct flower_rule r;

    pktlen_join_rule(&r);
    CHECK(encode(&r) != NULL);
    r.actions[3].jump = 0;
    CHECK(encode(&r) == NULL);
    r.actions[3].jump = 2;                      /* Past the end. */
    CHECK(encode(&r) == NULL);
    r.actions[3].jump = 3;
    CHECK(encode(&r) == NULL);
    r.actions[3].jump = 255;
    CHECK(encode(&r) == NULL);

    /* The jump at the end. */
    pktlen_join_rule(&r);
    r.actions[0].police_mtu.conform_jump = 4;   /* Onto the redirect. */
    r.n_actions = 4;
    CHECK(encode(&r) == NULL);

    /* Short packets to the redirect as well: the VLAN pop is skipped by
     * all. */
    pktlen_join_rule(&r);
    r.actions[0].police_mtu.conform_jump = 4;
    CHECK(encode(&r) == NULL);
    r.actions[4].type = FLOWER_ACT_MIRROR;
    r.actions[0].police_mtu.conform_jump = 3;   /* Back: all reached. */
    CHECK(encode(&r) != NULL);
    return NULL;
}

/* Helpers: replies. */

/* Initializes 'pr' to the length test of 'mtu' bytes that the kernel made
 * for a rule, at index 'index', whose conforming packets leave with
 * 'conform' and longer ones with 'exceed', as tcf_police_dump() puts it,
 * with counters. */
static void
pktlen_reply_init(struct police_reply *pr, uint32_t index, uint32_t mtu,
                  uint32_t conform, uint32_t exceed)
{
    police_reply_init(pr, index);
    memset(&pr->p.rate, 0, sizeof pr->p.rate);
    pr->p.burst = 0;
    pr->p.mtu = mtu;
    pr->p.action = exceed;
    pr->p.bindcnt = 1;
    pr->result = conform;
    pr->drops = 0;
}

/* Builds the dump entry of pktlen_rule() with 'pr' as its action 1 (the
 * pedit a VLAN pop, to keep it short) and decodes it into 'r'.  The
 * others counted 10 packets of 640 bytes and were last used 50 ticks
 * ago. */
static int
decode_pktlen_rule(const struct police_reply *pr, struct flower_rule *r)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);

    put_police_act(nlh, 1, pr);
    reply_mirred(nlh, 2, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 10, 640, 10, 50);
    reply_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 640, 10, 50);
    reply_vlan(nlh, &n, 4, TCA_VLAN_ACT_POP, -1, 0, 0, 50);
    reply_mirred(nlh, 5, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 11, 640, 10, 50);
    return decode_copy(reply_list_end(nlh, &n), r);
}

/* Tests: decoding. */

/* Length tests as the kernel dumps them, of either direction: the police
 * is the rule's own, so its counters (every packet of the rule passes it)
 * and last use are the rule's. */
const char *
test_decode_pktlen_dump(void)
{
    static const struct {
        uint32_t conform, exceed;   /* Verdicts dumped. */
        uint8_t conform_jump, exceed_jump;  /* Decoded. */
    } passes[] = {
        { TC_ACT_PIPE, TC_ACT_JUMP | 3, 0, 2 },
        { TC_ACT_JUMP | 3, TC_ACT_PIPE, 2, 0 },
        { TC_ACT_JUMP | 4, TC_ACT_JUMP | 3, 3, 2 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(passes); i++) {
        struct police_reply pr;
        struct flower_rule r;
        int error;

        pktlen_reply_init(&pr, 77, 1500, passes[i].conform,
                          passes[i].exceed);
        error = decode_pktlen_rule(&pr, &r);
        if (i == 2) {
            /* Nothing leads to the mirror: not ours. */
            CHECK_ERR(error, EOPNOTSUPP);
            continue;
        }
        CHECK_ERR(error, 0);
        CHECK(r.n_actions == 5);
        CHECK(r.actions[0].type == FLOWER_ACT_POLICE_MTU);
        CHECK(r.actions[0].police_mtu.mtu == 1500);
        CHECK(r.actions[0].police_mtu.conform_jump == passes[i].conform_jump);
        CHECK(r.actions[0].police_mtu.exceed_jump == passes[i].exceed_jump);
        CHECK(r.actions[1].type == FLOWER_ACT_MIRROR);
        CHECK(r.actions[2].type == FLOWER_ACT_REDIRECT);
        CHECK(r.actions[3].type == FLOWER_ACT_VLAN_POP);
        CHECK(r.actions[4].type == FLOWER_ACT_REDIRECT);
        CHECK(r.actions[4].ifindex == 11);
        if (r.stats.n_packets != 1000 || r.stats.n_bytes != 64000
            || r.stats.lastuse_ms != 30) {
            FAIL("pass %zu: %"PRIu64" packets, %"PRIu64" bytes, last used "
                 "%"PRIu64" ms ago, expected the police's 1000, 64000, 30",
                 i, r.stats.n_packets, r.stats.n_bytes, r.stats.lastuse_ms);
        }
    }
    return NULL;
}

/* A meter, then a length test: the meter is shared and skipped, the length
 * test counts for the rule. */
const char *
test_decode_pktlen_meter(void)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    struct police_reply pr;
    struct flower_rule r;

    police_reply_init(&pr, 0x10000001);
    put_police_act(nlh, 1, &pr);
    pktlen_reply_init(&pr, 12, 200, TC_ACT_JUMP | 3, TC_ACT_PIPE);
    pr.packets = 70;
    pr.bytes = 7000;
    pr.lastuse = 5;
    put_police_act(nlh, 2, &pr);
    reply_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 1, 1, 40);
    reply_gact_tm(nlh, &n, 4, TC_ACT_SHOT, 60);
    CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
    CHECK(r.n_actions == 4);
    CHECK(r.actions[0].type == FLOWER_ACT_POLICE);
    CHECK(r.actions[0].police_index == 0x10000001);
    CHECK(r.actions[1].type == FLOWER_ACT_POLICE_MTU);
    CHECK(r.actions[1].police_mtu.mtu == 200);
    CHECK(r.actions[1].police_mtu.conform_jump == 1);
    CHECK(r.actions[1].police_mtu.exceed_jump == 0);
    CHECK(r.actions[3].type == FLOWER_ACT_DROP);
    CHECK(r.stats.n_packets == 70);
    CHECK(r.stats.n_bytes == 7000);
    CHECK(r.stats.lastuse_ms == 50);
    return NULL;
}

/* Police actions with an MTU limit and no rate that are not length tests
 * of ours: other verdicts, jumps that are not forward past the next
 * action or that land past the end, a burst or peak rate. */
const char *
test_decode_pktlen_foreign(void)
{
    int pass;

    for (pass = 0; pass < 16; pass++) {
        struct police_reply pr;
        struct flower_rule r;
        int error;

        pktlen_reply_init(&pr, 77, 1500, TC_ACT_PIPE, TC_ACT_JUMP | 3);
        switch (pass) {
        case 0:                 /* Control. */
            break;
        case 1:                 /* Conforming packets accepted. */
            pr.result = 0;
            break;
        case 2:                 /* Longer ones dropped, as check_pkt_len
                                 * would not. */
            pr.p.action = TC_ACT_SHOT;
            break;
        case 3:
            pr.p.action = TC_ACT_OK;
            break;
        case 4:
            pr.p.action = TC_ACT_GOTO_CHAIN | 3;
            break;
        case 5:                 /* A jump to action 0 (the kernel lets
                                 * the packet go). */
            pr.p.action = TC_ACT_JUMP;
            break;
        case 6:
            pr.result = TC_ACT_JUMP;
            break;
        case 7:                 /* To the next action, as we never put
                                 * (but PIPE). */
            pr.result = TC_ACT_JUMP | 1;
            break;
        case 8:                 /* Past the last action. */
            pr.p.action = TC_ACT_JUMP | 5;
            break;
        case 9:
            pr.p.action = TC_ACT_JUMP | 6;
            break;
        case 10:                /* Jump counts the kernel masks. */
            pr.p.action = TC_ACT_JUMP | 0x203;
            break;
        case 11:
            pr.result = TC_ACT_JUMP | 0x0fffffff;
            break;
        case 12:                /* A burst without a rate. */
            pr.p.burst = 1000;
            break;
        case 13:
            pr.p.peakrate.rate = 1000;
            break;
        case 14:                /* A rate: a meter, which has no MTU. */
            police_reply_init(&pr, 77);
            pr.p.mtu = 1500;
            break;
        case 15:
            pr.result = TC_ACT_RECLASSIFY;
            break;
        }
        error = decode_pktlen_rule(&pr, &r);
        if (error != (pass ? EOPNOTSUPP : 0)) {
            FAIL("pass %d: decoding returned %d (%s)", pass, error,
                 strerror(error));
        }
    }
    return NULL;
}

/* pktlen_join_rule() as the kernel dumps it, but with a VLAN push for the
 * pedit, and with other verdicts for the jump: a gact jump is read back
 * (the rule's counters are still the police's, its last use the most
 * recent of all, the jump's), and so is a drop before the end that the
 * police jumps over; other jumps are not ours, and a gact too short is
 * malformed. */
const char *
test_decode_pktlen_jump(void)
{
    static const struct {
        uint32_t verdict;       /* Dumped. */
        int error;              /* Expected. */
    } passes[] = {
        { TC_ACT_JUMP | 5, 0 },
        { TC_ACT_JUMP | 4, EOPNOTSUPP },    /* To the next: a PIPE. */
        { TC_ACT_JUMP | 3, EOPNOTSUPP },    /* To itself. */
        { TC_ACT_JUMP | 1, EOPNOTSUPP },    /* Backwards. */
        { TC_ACT_JUMP, EOPNOTSUPP },        /* To 0: the kernel lets go. */
        { TC_ACT_JUMP | 6, EOPNOTSUPP },    /* Past the end. */
        { TC_ACT_JUMP | 0x205, EOPNOTSUPP },
        { TC_ACT_PIPE, EOPNOTSUPP },        /* A gact PIPE. */
        { TC_ACT_SHOT, 0 },                 /* A drop before the end,
                                             * which the police jumps
                                             * over. */
        { TC_ACT_OK, EOPNOTSUPP },
        { TC_ACT_JUMP | 5, EPROTO },        /* Parameters 4 bytes short. */
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(passes); i++) {
        struct tc_gact gact = { .action = passes[i].verdict, .index = 3 };
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        struct police_reply pr;
        struct flower_rule r;
        int error;

        pktlen_reply_init(&pr, 5, 1500, TC_ACT_JUMP | 4, TC_ACT_PIPE);
        put_police_act(nlh, 1, &pr);
        reply_vlan(nlh, &n, 2, TCA_VLAN_ACT_PUSH, 10, ETH_P_8021Q, 0, 50);
        reply_mirred(nlh, 3, TCA_EGRESS_MIRROR, TC_ACT_PIPE, 10, 64, 1, 50);
        reply_act_start(nlh, &n, 4, "gact");
        mnl_attr_put(nlh, TCA_GACT_PARMS,
                     sizeof gact - (passes[i].error == EPROTO ? 4 : 0),
                     &gact);
        reply_act_end(nlh, &n, TCA_GACT_TM, 1);
        reply_vlan(nlh, &n, 5, TCA_VLAN_ACT_POP, -1, 0, 0, 50);
        reply_mirred(nlh, 6, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 64, 1, 50);
        error = decode_copy(reply_list_end(nlh, &n), &r);
        if (error != passes[i].error) {
            FAIL("pass %zu: decoding returned %d (%s), expected %d (%s)", i,
                 error, strerror(error), passes[i].error,
                 strerror(passes[i].error));
        } else if (error) {
            continue;
        }
        CHECK(r.n_actions == 6);
        if (passes[i].verdict == TC_ACT_SHOT) {
            CHECK(r.actions[3].type == FLOWER_ACT_DROP);
            continue;
        }
        CHECK(r.actions[0].type == FLOWER_ACT_POLICE_MTU);
        CHECK(r.actions[0].police_mtu.conform_jump == 3);
        CHECK(r.actions[0].police_mtu.exceed_jump == 0);
        CHECK(r.actions[1].type == FLOWER_ACT_VLAN_PUSH);
        CHECK(r.actions[3].type == FLOWER_ACT_JUMP);
        CHECK(r.actions[3].jump == 1);
        CHECK(r.actions[4].type == FLOWER_ACT_VLAN_POP);
        CHECK(r.actions[5].type == FLOWER_ACT_REDIRECT);
        CHECK(r.stats.n_packets == 1000);
        CHECK(r.stats.lastuse_ms == 10);
    }
    return NULL;
}

/* Options of a police with an MTU limit and no rate that the kernel never
 * dumps: malformed. */
const char *
test_bad_pktlen_reply(void)
{
    const uint32_t pipe = TC_ACT_PIPE;
    const uint64_t big = 5000000000ULL, one = 1;
    struct tcf_t tm = { .lastuse = 1 };
    struct tc_police p;
    struct opt opts[] = {
        { TCA_POLICE_TBF, &p, sizeof p },
        { TCA_POLICE_RESULT, &pipe, sizeof pipe },
        { TCA_POLICE_TM, &tm, sizeof tm },
        { TCA_POLICE_RATE64, &big, sizeof big },
    };

    /* Both verdicts on to the gact that CHECK_ACT_REPLY() puts next. */
    memset(&p, 0, sizeof p);
    p.index = 3;
    p.mtu = 1500;
    p.action = TC_ACT_PIPE;
    CHECK_ACT_REPLY("police", opts, 3, 0, 0, 0);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TBF, sizeof p - 4, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TBF, sizeof p + 4, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_RESULT, 2, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_RESULT, 8, EPROTO);
    CHECK_ACT_REPLY("police", opts, 3, TCA_POLICE_TM, 8, EPROTO);
    CHECK_ACT_REPLY("police", &opts[1], 2, 0, 0, EPROTO);   /* No TBF. */

    /* A 64-bit rate without a 32-bit one, a packet rate without a burst,
     * an MTU of 0 (stored as UINT32_MAX). */
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    opts[3].type = TCA_POLICE_PKTRATE64;
    opts[3].data = &one;
    CHECK_ACT_REPLY("police", opts, 4, 0, 0, EPROTO);
    p.mtu = 0;
    CHECK_ACT_REPLY("police", opts, 3, 0, 0, EPROTO);
    return NULL;
}
