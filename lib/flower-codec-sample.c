/*
 * Sampling actions of the TC flower codec (see flower-codec.h): the
 * options of act_sample, for the rows of flower-codec-actions.c's tables
 * that name them.  act_sample sends a copy of 1 in 'rate' packets to a
 * psample group, where OVS's sFlow agent reads them, and lets every packet
 * go on to the next action.
 *
 * tcf_sample_init() requires the parameters, the rate, which must not be
 * 0, and the group.  A truncation size is optional, and once given, even
 * as 0, copies are cut to it (tcf_sample_act()), while the model's 0 means
 * whole copies: so it is put only when not 0, and a dumped 0 is not ours.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_sample.h>
#include <string.h>

#include "flower-codec-private.h"

/* act_put_func for sample.  Refuses a rate of 0, which the kernel
 * refuses. */
bool
codec_put_sample(struct nlmsghdr *nlh, const struct act_map *map,
                 const struct flower_rule *rule, int index)
{
    const struct flower_action *act = &rule->actions[index];
    struct tc_sample p;

    if (!act->sample.rate) {
        return false;
    }
    memset(&p, 0, sizeof p);
    p.action = map->control;
    mnl_attr_put(nlh, TCA_SAMPLE_PARMS, sizeof p, &p);
    mnl_attr_put_u32(nlh, TCA_SAMPLE_RATE, act->sample.rate);
    mnl_attr_put_u32(nlh, TCA_SAMPLE_PSAMPLE_GROUP, act->sample.group);
    if (act->sample.trunc) {
        mnl_attr_put_u32(nlh, TCA_SAMPLE_TRUNC_SIZE, act->sample.trunc);
    }
    return true;
}

/* act_decode_func for sample.  The kernel dumps the rate and group always
 * (tcf_sample_dump()), and never a rate of 0. */
int
codec_decode_sample(const struct nlattr *const *tb, struct flower_rule *rule,
                    int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct nlattr *trunc = tb[TCA_SAMPLE_TRUNC_SIZE];
    const struct act_map *map;
    struct tc_sample p;

    if (!tb[TCA_SAMPLE_RATE] || !mnl_attr_get_u32(tb[TCA_SAMPLE_RATE])
        || !tb[TCA_SAMPLE_PSAMPLE_GROUP]) {
        return EPROTO;
    }
    memcpy(&p, mnl_attr_get_payload(tb[TCA_SAMPLE_PARMS]), sizeof p);
    map = codec_find_act_map(AK_SAMPLE, 0, p.action);
    if (!map || (trunc && !mnl_attr_get_u32(trunc))) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    act->sample.rate = mnl_attr_get_u32(tb[TCA_SAMPLE_RATE]);
    act->sample.group = mnl_attr_get_u32(tb[TCA_SAMPLE_PSAMPLE_GROUP]);
    act->sample.trunc = trunc ? mnl_attr_get_u32(trunc) : 0;
    return 0;
}
