/*
 * Police actions of the TC codec: the options of act_police, both as a
 * flower rule's reference to a meter (FLOWER_ACT_POLICE, for the rows of
 * flower-codec-actions.c's tables that name them) and as the meter itself
 * (tc-police-codec.h), and as a rule's own test of packet length
 * (FLOWER_ACT_POLICE_MTU).
 *
 * A meter is a standalone police action.  Of everything act_police can do
 * (tcf_police_init()), ours use, and a police is ours only if it has:
 * exceeding packets dropped (tc_police 'action' TC_ACT_SHOT); conforming
 * ones going on to the next action (TCA_POLICE_RESULT TC_ACT_PIPE: without
 * it the kernel's TC_ACT_OK would end the rule's actions and let the
 * packet up the stack unredirected); no MTU limit (tc_police 'mtu'
 * UINT32_MAX, which the kernel also stores for 0 when there is no rate);
 * no peak rate, average rate, overhead or minimum packet unit; and one
 * rate, in bytes or packets per second.
 *
 * A meter is put (codec_put_police_meter()) with as little as the kernel
 * needs.  For a byte rate, tcf_police_init() requires TCA_POLICE_RATE, a
 * rate table of TC_RTAB_SIZE bytes, whenever tc_police's 'rate' is set
 * (qdisc_get_rtab(), which also wants a 'cell_log' from 1 to 31).  The
 * kernel computes transmit times from the rate itself
 * (psched_ratecfg_precompute()) and reads the table only to guess the
 * link layer when 'linklayer' does not say it (__detect_linklayer()), as
 * it does here, but the table is still the real one: the transmit time in
 * ticks of each size of cell, of 512 bytes so that 255 of them cover the
 * largest frame, 64 kB plus a VLAN Ethernet header.  A rate above 32 bits
 * goes in TCA_POLICE_RATE64, 'rate' then saturated, as the kernel dumps
 * it.  A packet rate needs TCA_POLICE_PKTRATE64 and TCA_POLICE_PKTBURST64
 * together, and no byte rate.  Bursts are times in ticks.
 *
 * In a rule, the police is given by its index alone.  If a police of that
 * index exists, the kernel binds the rule to it and reads nothing else
 * (tcf_idr_check_alloc() returns early), so the rule shares the meter.  If
 * none does, the kernel creates one with the parameters given; those put
 * here make it a meter without a rate, which lets every packet through
 * (and which the provider can then give a rate by replacing it).  A
 * dumped rule carries the police's full parameters: they must be a
 * meter's.
 *
 * A length test (FLOWER_ACT_POLICE_MTU) is a police of the rule's own: put
 * with index 0, so that the kernel creates one for the rule, which goes
 * with it, and that counts the rule's packets alone.  It has an MTU limit
 * and no rate at all (no 'rate', 'peakrate' or burst, no packet rate), for
 * which tcf_police_act() returns TCA_POLICE_RESULT to the packets that fit
 * in the MTU and tc_police's 'action' to longer ones, never looking at a
 * bucket; each verdict is TC_ACT_PIPE or a jump (codec_put_jump()).  An
 * MTU of 0 would mean none (the kernel stores UINT32_MAX instead), and one
 * of UINT32_MAX is what a meter has: neither is a length test.
 *
 * So a police in a dumped rule is a meter if it has a rate or no MTU
 * limit, and a length test if it has an MTU limit and no rate; anything
 * else is not ours (EOPNOTSUPP): other verdicts, a police with both, or
 * one that a user made with tc.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <string.h>

#include "flower-codec-private.h"
#include "tc-police-codec.h"

/* The kernel's scheduler clock: 64 ns a tick (PSCHED_SHIFT, which
 * /proc/net/psched reports as 1000 ns a microsecond over 64 ns a tick). */
#define TICKS_PER_SEC 15625000ULL

/* Rates up to which the arithmetic below cannot overflow 64 bits: about
 * 1.2e12 bytes (9.4 Tbit) or packets per second. */
#define RATE_MAX (UINT64_MAX / (TICKS_PER_SEC + 1))

enum {
    METER_EXCEED = TC_ACT_SHOT, /* tc_police 'action'. */
    METER_CONFORM = TC_ACT_PIPE, /* TCA_POLICE_RESULT. */
    METER_MTU = UINT32_MAX,     /* tc_police 'mtu': no limit. */
    RTAB_CELL_LOG = 9,          /* 255 << 9 >= 65535 + 18. */
};

static bool put_police_mtu(struct nlmsghdr *, const struct flower_rule *,
                           int index);
static int decode_police_mtu(const struct nlattr *const *tb,
                             const struct tc_police *,
                             struct flower_rule *, int index);
static int police_parse(const struct nlattr *const *tb, struct tc_police *);
static int police_to_meter(const struct nlattr *const *tb,
                           const struct tc_police *,
                           struct tc_meter_police *);
static bool amount_to_ticks(uint64_t amount, uint64_t rate,
                            uint32_t *ticks);
static uint64_t ticks_to_amount(uint64_t ticks, uint64_t rate);
static void put_rate_table(struct nlmsghdr *, uint64_t rate);

/* Puts the options of the police that is 'meter' (but its flags), as the
 * file comment says.  Returns false if 'meter' has index 0, no rate or
 * two, a rate above RATE_MAX, a burst of the other kind, or a zero burst
 * or one of more than UINT32_MAX ticks. */
bool
codec_put_police_meter(struct nlmsghdr *nlh,
                       const struct tc_meter_police *meter)
{
    bool bytes = meter->rate_bytes_ps != 0;
    uint64_t rate = bytes ? meter->rate_bytes_ps : meter->rate_pkts_ps;
    uint64_t burst = bytes ? meter->burst_bytes : meter->burst_pkts;
    struct tc_police p;
    uint32_t ticks;

    if (!meter->index || !meter->rate_bytes_ps == !meter->rate_pkts_ps
        || rate > RATE_MAX || (bytes ? meter->burst_pkts : meter->burst_bytes)
        || !amount_to_ticks(burst, rate, &ticks)) {
        return false;
    }
    memset(&p, 0, sizeof p);
    p.index = meter->index;
    p.action = METER_EXCEED;
    p.mtu = METER_MTU;
    if (bytes) {
        p.burst = ticks;
        p.rate.cell_log = RTAB_CELL_LOG;
        p.rate.linklayer = TC_LINKLAYER_ETHERNET;
        p.rate.rate = rate > UINT32_MAX ? UINT32_MAX : rate;
        put_rate_table(nlh, rate);
        if (rate > UINT32_MAX) {
            mnl_attr_put_u64(nlh, TCA_POLICE_RATE64, rate);
        }
    } else {
        mnl_attr_put_u64(nlh, TCA_POLICE_PKTRATE64, rate);
        mnl_attr_put_u64(nlh, TCA_POLICE_PKTBURST64, ticks);
    }
    mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof p, &p);
    mnl_attr_put_u32(nlh, TCA_POLICE_RESULT, METER_CONFORM);
    return true;
}

/* act_put_func for police: a length test, or a reference to the meter of
 * the action's index, with the verdicts of a meter in case there is none
 * yet (see the file comment).  Refuses a meter of index 0, for which the
 * kernel would create a police of a fresh index instead. */
bool
codec_put_police(struct nlmsghdr *nlh, const struct act_map *map,
                 const struct flower_rule *rule, int index)
{
    struct tc_police p;

    if (map->type == FLOWER_ACT_POLICE_MTU) {
        return put_police_mtu(nlh, rule, index);
    }
    memset(&p, 0, sizeof p);
    p.index = rule->actions[index].police_index;
    p.action = METER_EXCEED;
    p.mtu = METER_MTU;
    if (!p.index) {
        return false;
    }
    mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof p, &p);
    mnl_attr_put_u32(nlh, TCA_POLICE_RESULT, map->control);
    return true;
}

/* Puts the options of the length test that is action 'index' of 'rule'
 * (see the file comment).  Returns false if its MTU is 0 or UINT32_MAX. */
static bool
put_police_mtu(struct nlmsghdr *nlh, const struct flower_rule *rule,
               int index)
{
    const struct flower_action *act = &rule->actions[index];
    struct tc_police p;

    if (!act->police_mtu.mtu || act->police_mtu.mtu == METER_MTU) {
        return false;
    }
    memset(&p, 0, sizeof p);
    p.action = codec_put_jump(index, act->police_mtu.exceed_jump);
    p.mtu = act->police_mtu.mtu;
    mnl_attr_put(nlh, TCA_POLICE_TBF, sizeof p, &p);
    mnl_attr_put_u32(nlh, TCA_POLICE_RESULT,
                     codec_put_jump(index, act->police_mtu.conform_jump));
    return true;
}

/* act_decode_func for police: the index of a police that is a meter, or a
 * length test (see the file comment). */
int
codec_decode_police(const struct nlattr *const *tb, struct flower_rule *rule,
                    int index)
{
    struct flower_action *act = &rule->actions[index];
    struct tc_meter_police meter;
    struct tc_police p;
    int error;

    error = police_parse(tb, &p);
    if (error) {
        return error;
    } else if (!p.rate.rate && !tb[TCA_POLICE_PKTRATE64]
               && p.mtu != METER_MTU) {
        return decode_police_mtu(tb, &p, rule, index);
    }
    error = police_to_meter(tb, &p, &meter);
    if (!error) {
        /* The verdicts checked are those of the row of 'act_maps' for
         * meters. */
        act->type = FLOWER_ACT_POLICE;
        act->police_index = meter.index;
    }
    return error;
}

/* Fills action 'index' of 'rule' from the options 'tb' of a police
 * without a rate but with an MTU limit, whose parameters police_parse()
 * copied into 'p'.  Returns 0, or EOPNOTSUPP if it is not a length test
 * (see the file comment).  The police's index, which the kernel chose (0
 * in a request), is not read: the police is the rule's alone. */
static int
decode_police_mtu(const struct nlattr *const *tb, const struct tc_police *p,
                  struct flower_rule *rule, int index)
{
    const struct nlattr *result = tb[TCA_POLICE_RESULT];
    struct flower_action *act = &rule->actions[index];
    uint8_t conform, exceed;

    if (p->burst || !codec_bytes_are(&p->rate, sizeof p->rate, 0)
        || !codec_bytes_are(&p->peakrate, sizeof p->peakrate, 0)
        || codec_decode_jump(p->action, index, &exceed)
        || codec_decode_jump(result ? mnl_attr_get_u32(result) : TC_ACT_OK,
                             index, &conform)) {
        return EOPNOTSUPP;
    }
    act->type = FLOWER_ACT_POLICE_MTU;
    act->police_mtu.mtu = p->mtu;
    act->police_mtu.conform_jump = conform;
    act->police_mtu.exceed_jump = exceed;
    return 0;
}

/* Fills 'meter' (but its flags) from the validated options 'tb' of a
 * police action, whose parameter struct is present, as tcf_police_dump()
 * puts them.  Returns 0, EPROTO for what the kernel never dumps, or
 * EOPNOTSUPP for a police that is not a meter (see the file comment), in
 * which case only 'meter->index' is set.  Both rates are 0 for a police
 * without a rate (one created by a rule, see the file comment). */
int
codec_police_meter(const struct nlattr *const *tb,
                   struct tc_meter_police *meter)
{
    struct tc_police p;
    int error;

    error = police_parse(tb, &p);
    if (error) {
        memset(meter, 0, sizeof *meter);
        meter->index = p.index;
        return error;
    }
    return police_to_meter(tb, &p, meter);
}

/* Copies into 'p' the parameter struct of the validated options 'tb' of a
 * police action, where it is present, and returns 0, or EPROTO if the
 * options are what tcf_police_dump() never puts. */
static int
police_parse(const struct nlattr *const *tb, struct tc_police *p)
{
    const struct nlattr *rate64 = tb[TCA_POLICE_RATE64];
    const struct nlattr *pkt_rate = tb[TCA_POLICE_PKTRATE64];
    const struct nlattr *pkt_burst = tb[TCA_POLICE_PKTBURST64];

    memcpy(p, mnl_attr_get_payload(tb[TCA_POLICE_TBF]), sizeof *p);

    /* The kernel never stores an MTU of 0, puts the packet rate and burst
     * together, never beside a byte rate, and a 64-bit byte rate only when
     * the 32 bits of 'rate' overflow. */
    if (!p->mtu || !pkt_rate != !pkt_burst
        || (pkt_rate && (!mnl_attr_get_u64(pkt_rate)
                         || !mnl_attr_get_u64(pkt_burst) || p->rate.rate))
        || (rate64 && (p->rate.rate != UINT32_MAX
                       || mnl_attr_get_u64(rate64) <= UINT32_MAX))) {
        return EPROTO;
    }
    return 0;
}

/* Fills 'meter' (but its flags) from the options 'tb' of a police action
 * whose parameters police_parse() copied into 'p'.  Returns 0, EPROTO for
 * index 0 (the kernel numbers actions from 1), or EOPNOTSUPP for a police
 * that is not a meter (see the file comment), in which case only
 * 'meter->index' is set. */
static int
police_to_meter(const struct nlattr *const *tb, const struct tc_police *p,
                struct tc_meter_police *meter)
{
    const struct nlattr *pkt_rate = tb[TCA_POLICE_PKTRATE64];
    const struct nlattr *pkt_burst = tb[TCA_POLICE_PKTBURST64];
    const struct nlattr *rate64 = tb[TCA_POLICE_RATE64];
    const struct nlattr *result = tb[TCA_POLICE_RESULT];
    const struct tc_ratespec *spec = &p->rate;
    uint64_t rate;

    memset(meter, 0, sizeof *meter);
    meter->index = p->index;
    if (!p->index) {
        return EPROTO;
    } else if (p->action != METER_EXCEED
        || (result ? mnl_attr_get_u32(result) : TC_ACT_OK) != METER_CONFORM
        || p->mtu != METER_MTU || p->peakrate.rate) {
        return EOPNOTSUPP;
    }
    if (spec->rate) {
        rate = rate64 ? mnl_attr_get_u64(rate64) : spec->rate;
        if (spec->linklayer != TC_LINKLAYER_ETHERNET || spec->overhead
            || spec->mpu || !p->burst || rate > RATE_MAX) {
            return EOPNOTSUPP;
        }
        meter->rate_bytes_ps = rate;
        meter->burst_bytes = ticks_to_amount(p->burst, rate);
    } else if (pkt_rate) {
        uint64_t ticks = mnl_attr_get_u64(pkt_burst);

        rate = mnl_attr_get_u64(pkt_rate);
        if (p->burst || rate > RATE_MAX || ticks > UINT32_MAX) {
            return EOPNOTSUPP;
        }
        meter->rate_pkts_ps = rate;
        meter->burst_pkts = ticks_to_amount(ticks, rate);
    } else if (p->burst) {
        return EOPNOTSUPP;
    }
    return 0;
}

/* Sets '*ticks' to the time in which 'rate' (per second, at most RATE_MAX)
 * sends 'amount' of what it counts, rounded up so that the kernel's bucket
 * holds at least 'amount', and returns true, or returns false if that is
 * zero or more than UINT32_MAX ticks. */
static bool
amount_to_ticks(uint64_t amount, uint64_t rate, uint32_t *ticks)
{
    uint64_t seconds = amount / rate;
    uint64_t rest = amount % rate;
    uint64_t t;

    if (!amount || seconds > UINT32_MAX / TICKS_PER_SEC) {
        return false;
    }
    t = (seconds * TICKS_PER_SEC
         + (rest * TICKS_PER_SEC + rate - 1) / rate);
    if (t > UINT32_MAX) {
        return false;
    }
    *ticks = t;
    return true;
}

/* Returns how much of what 'rate' (per second, at most RATE_MAX) counts
 * it sends in 'ticks' (at most UINT32_MAX), rounded down, so that
 * amount_to_ticks() gives 'ticks' back. */
static uint64_t
ticks_to_amount(uint64_t ticks, uint64_t rate)
{
    uint64_t seconds = ticks / TICKS_PER_SEC;
    uint64_t rest = ticks % TICKS_PER_SEC;

    return seconds * rate + rest * rate / TICKS_PER_SEC;
}

/* Puts TCA_POLICE_RATE: for each of the 256 cells, the time in ticks in
 * which 'rate' bytes per second sends a packet of the cell's largest size,
 * as iproute2's tc_calc_rtable() does. */
static void
put_rate_table(struct nlmsghdr *nlh, uint64_t rate)
{
    uint32_t rtab[TC_RTAB_SIZE / sizeof (uint32_t)];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rtab); i++) {
        uint64_t size = (uint64_t) (i + 1) << RTAB_CELL_LOG;
        uint64_t ticks = size * TICKS_PER_SEC / rate;

        rtab[i] = ticks > UINT32_MAX ? UINT32_MAX : ticks;
    }
    mnl_attr_put(nlh, TCA_POLICE_RATE, sizeof rtab, rtab);
}
