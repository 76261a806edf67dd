/*
 * check_pkt_len in translation (see flower-translate.h): the datapath's
 * check_pkt_len(size=N, gt(...), le(...)) becomes an act_police with MTU N
 * whose conforming packets (N bytes or fewer) go on to the le branch,
 * which follows it, and whose longer packets skip to the gt branch after
 * it.  As the last action (where OVN puts it), each branch ends as an
 * action list does: its last output a redirect, else a drop.  When actions
 * follow, the le branch ends with a jump over the gt branch to them, so
 * that both branches join again.
 *
 * The datapath compares the length of the frame with any VLAN tag the
 * kernel holds beside the data (skb_vlan_tag_present()) counted in, while
 * act_police leaves such a tag out (flower-rule.h).  The outermost tag is
 * always held so, once the kernel has received the packet or act_vlan has
 * pushed one, so when the packet has a tag, the MTU is N - 4.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Returns the number of VLAN tags the packet has when it reaches action
 * 'index' of 'rule': those the rule matches, plus pushes, minus pops, on
 * the way to 'index' (past an le branch that it is not in). */
int
flower_vlan_tags_at(const struct flower_rule *rule, int index)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    int n_tags = 0;
    int i = 0;

    if (m->eth_type && eth_type_vlan(k->eth_type)) {
        n_tags = m->vlan_eth_type && eth_type_vlan(k->vlan_eth_type) ? 2 : 1;
    }
    while (i < index) {
        const struct flower_action *a = &rule->actions[i];

        if (a->type == FLOWER_ACT_POLICE_MTU) {
            int le_end = i + 1 + a->police_mtu.exceed_jump;

            i = index >= le_end ? le_end : i + 1;
            continue;
        } else if (a->type == FLOWER_ACT_VLAN_PUSH) {
            n_tags++;
        } else if (a->type == FLOWER_ACT_VLAN_POP && n_tags) {
            n_tags--;
        }
        i++;
    }
    return n_tags;
}

int
flower_translate_check_pkt_len(const struct nlattr *nla, bool is_last,
                               const struct flower_port_resolver *resolver,
                               struct flower_rule *rule,
                               struct offload_refusal_info *refusal)
{
    static const struct nl_policy policy[] = {
        [OVS_CHECK_PKT_LEN_ATTR_PKT_LEN] = { .type = NL_A_U16 },
        [OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER] = { .type = NL_A_NESTED },
        [OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL]
            = { .type = NL_A_NESTED },
    };
    struct nlattr *a[ARRAY_SIZE(policy)];
    struct flower_action *police, *jump = NULL;
    const struct nlattr *le, *gt;
    int index, gt_start, error;
    uint32_t mtu;

    if (!nl_parse_nested(nla, policy, a, ARRAY_SIZE(a))) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "check_pkt_len");
    }
    mtu = nl_attr_get_u16(a[OVS_CHECK_PKT_LEN_ATTR_PKT_LEN]);
    index = rule->n_actions;
    if (flower_vlan_tags_at(rule, index)) {
        if (mtu <= VLAN_HEADER_LEN) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "check_pkt_len size");
        }
        mtu -= VLAN_HEADER_LEN;
    }
    if (!mtu) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "check_pkt_len size");
    }

    police = flower_add_action(rule, FLOWER_ACT_POLICE_MTU, refusal);
    if (!police) {
        return EOPNOTSUPP;
    }
    police->police_mtu.mtu = mtu;

    /* The le branch; when actions follow, it ends with a jump over the gt
     * branch to them.  (It cannot end before: translate_action() refuses an
     * action that ends a list but is not the last.) */
    le = a[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL];
    error = flower_translate_action_list(nl_attr_get(le),
                                         nl_attr_get_size(le), is_last,
                                         resolver, rule, refusal);
    if (error) {
        return error;
    }
    if (!is_last) {
        jump = flower_add_action(rule, FLOWER_ACT_JUMP, refusal);
        if (!jump) {
            return EOPNOTSUPP;
        }
    }
    gt_start = rule->n_actions;
    police->police_mtu.exceed_jump = gt_start - (index + 1);

    gt = a[OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER];
    error = flower_translate_action_list(nl_attr_get(gt),
                                         nl_attr_get_size(gt), is_last,
                                         resolver, rule, refusal);
    if (error || !jump) {
        return error;
    }
    if (rule->n_actions == gt_start) {
        /* Nothing to jump over: the le branch goes on to what follows. */
        rule->n_actions--;
        police->police_mtu.exceed_jump--;
        return 0;
    }
    jump->jump = rule->n_actions - gt_start;
    return 0;
}

/* Appends the check_pkt_len that the POLICE_MTU action 'index' of 'rule'
 * and the branches after it perform, then the actions up to 'end' that
 * follow them.  The layouts are those flower_translate_check_pkt_len()
 * makes: the le branch ends with a jump over the gt branch to the actions
 * that follow; or with an action that ends the list, and the gt branch
 * goes to 'end'; or with neither, and the gt branch is empty. */
int
flower_check_pkt_len_to_odp(const struct flower_rule *rule,
                            const struct flower_port_resolver *resolver,
                            int index, int end, struct ofpbuf *buf)
{
    const struct flower_action *police = &rule->actions[index];
    int le_end = index + 1 + police->police_mtu.exceed_jump;
    uint32_t size = police->police_mtu.mtu;
    int gt_start = le_end, gt_end, error;
    size_t offset, branch;

    if (police->police_mtu.conform_jump || le_end > end) {
        return EOPNOTSUPP;      /* Not a layout translation makes. */
    }
    if (le_end > index + 1
        && rule->actions[le_end - 1].type == FLOWER_ACT_JUMP) {
        le_end--;
        gt_end = gt_start + rule->actions[le_end].jump;
    } else if (le_end > index + 1
               && flower_action_ends_list(rule->actions[le_end - 1].type)) {
        gt_end = end;
    } else {
        gt_end = gt_start;
    }
    if (gt_end > end) {
        return EOPNOTSUPP;
    }
    if (flower_vlan_tags_at(rule, index)) {
        size += VLAN_HEADER_LEN;
    }
    if (size > UINT16_MAX) {
        return EOPNOTSUPP;
    }

    offset = nl_msg_start_nested(buf, OVS_ACTION_ATTR_CHECK_PKT_LEN);
    nl_msg_put_u16(buf, OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, size);
    branch = nl_msg_start_nested(buf,
                                 OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER);
    error = flower_actions_to_odp(rule, resolver, gt_start, gt_end, buf);
    nl_msg_end_nested(buf, branch);
    if (!error) {
        branch = nl_msg_start_nested(
            buf, OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL);
        error = flower_actions_to_odp(rule, resolver, index + 1, le_end,
                                      buf);
        nl_msg_end_nested(buf, branch);
    }
    nl_msg_end_nested(buf, offset);
    return (error ? error
            : flower_actions_to_odp(rule, resolver, gt_end, end, buf));
}
