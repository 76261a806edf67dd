/*
 * sFlow sampling in translation (see flower-translate.h).  OVS's sFlow
 * agent asks the datapath for its samples with a userspace action whose
 * cookie says "sFlow", alone at a sampling rate of 1 and inside a sample
 * action otherwise (compose_sample_action()).  Either becomes an act_sample
 * that copies 1 in 'rate' packets to a psample group, which the provider
 * reads and hands to the sFlow agent (datapath-offload/tc-sample.c); the
 * group stands for the whole OVS action, so that reading the rule back
 * gives the action again, byte for byte.
 *
 * Anything else that goes to userspace (slow path, controller, IPFIX) or
 * does more than send the sample there (a slow-path meter inside the
 * sample) stays in the datapath, as does a second sample in one flow.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "util.h"

/* Returns true if 'userspace', an OVS_ACTION_ATTR_USERSPACE, sends an sFlow
 * sample and nothing else. */
static bool
is_sflow_userspace(const struct nlattr *userspace)
{
    static const struct nl_policy policy[] = {
        [OVS_USERSPACE_ATTR_PID] = { .type = NL_A_U32 },
        [OVS_USERSPACE_ATTR_USERDATA] = { .type = NL_A_UNSPEC,
                                          .optional = true },
        [OVS_USERSPACE_ATTR_EGRESS_TUN_PORT] = { .type = NL_A_U32,
                                                 .optional = true },
        [OVS_USERSPACE_ATTR_ACTIONS] = { .type = NL_A_FLAG,
                                         .optional = true },
    };
    struct nlattr *a[ARRAY_SIZE(policy)];
    struct user_action_cookie cookie;

    if (!nl_parse_nested(userspace, policy, a, ARRAY_SIZE(policy))
        || !a[OVS_USERSPACE_ATTR_USERDATA]
        || nl_attr_get_size(a[OVS_USERSPACE_ATTR_USERDATA]) != sizeof cookie
        || a[OVS_USERSPACE_ATTR_EGRESS_TUN_PORT]) {
        return false;
    }
    memcpy(&cookie, nl_attr_get(a[OVS_USERSPACE_ATTR_USERDATA]),
           sizeof cookie);
    return cookie.type == USER_ACTION_COOKIE_SFLOW;
}

/* Returns the act_sample rate of 'nla' (1 in N packets), or 0 if 'nla' is
 * not an sFlow sample. */
static uint32_t
sflow_sample_rate(const struct nlattr *nla)
{
    static const struct nl_policy policy[] = {
        [OVS_SAMPLE_ATTR_PROBABILITY] = { .type = NL_A_U32 },
        [OVS_SAMPLE_ATTR_ACTIONS] = { .type = NL_A_NESTED },
    };
    struct nlattr *a[ARRAY_SIZE(policy)];
    const struct nlattr *inner;
    uint64_t probability;
    size_t left;
    int n = 0;

    if (nl_attr_type(nla) == OVS_ACTION_ATTR_USERSPACE) {
        return is_sflow_userspace(nla) ? 1 : 0;
    }
    if (!nl_parse_nested(nla, policy, a, ARRAY_SIZE(policy))) {
        return 0;
    }
    NL_NESTED_FOR_EACH (inner, left, a[OVS_SAMPLE_ATTR_ACTIONS]) {
        if (n++ || nl_attr_type(inner) != OVS_ACTION_ATTR_USERSPACE
            || !is_sflow_userspace(inner)) {
            return 0;
        }
    }
    probability = nl_attr_get_u32(a[OVS_SAMPLE_ATTR_PROBABILITY]);
    if (!n || !probability) {
        return 0;
    }
    /* OVS computed the probability as UINT32_MAX / rate, rounding down. */
    return (UINT32_MAX + probability / 2) / probability;
}

/* Translates 'nla', an OVS sample or userspace action, into an act_sample
 * on 'rule', or refuses it. */
int
flower_translate_sample(const struct nlattr *nla,
                        const struct flower_port_resolver *resolver,
                        struct flower_rule *rule,
                        struct offload_refusal_info *refusal)
{
    const char *name = (nl_attr_type(nla) == OVS_ACTION_ATTR_SAMPLE
                        ? "sample" : "userspace");
    struct flower_action *action;
    uint32_t rate, group;

    rate = sflow_sample_rate(nla);
    if (!rate) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              name);
    }
    for (int i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FLOWER_ACT_SAMPLE) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_SAMPLE,
                                  "a second sample");
        }
    }
    action = flower_add_action(rule, FLOWER_ACT_SAMPLE, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    /* Last, once nothing else can fail: the group may be a reference the
     * caller must give back, which it finds in the rule. */
    group = (resolver->sample_group
             ? resolver->sample_group(resolver->aux, nla) : 0);
    if (!group) {
        rule->n_actions--;
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_SAMPLE,
                              "no psample group");
    }
    action->sample.rate = rate;
    action->sample.group = group;
    action->sample.trunc = 0;
    return 0;
}
