/*
 * ODP actions <-> flower rule actions (see flower-translate.h).
 *
 * An output becomes a mirred mirror; the last output of a list that ends
 * with one becomes a redirect.  A list that ends with an action that lets
 * the packet go on (a mirror, a VLAN change, ct) gets a drop appended, as a
 * datapath drops a packet whose actions run out.  recirc becomes a jump to
 * the TC chain of the same number.
 */

#include <config.h>
#include "flower-translate.h"
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Refuses 'nla' as an action we do not offload, naming it as ovs-dpctl
 * prints it, without arguments. */
static int
refuse_action(const struct nlattr *nla, struct offload_refusal_info *refusal)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    format_odp_actions(&s, nla, nla->nla_len, NULL);
    snprintf(refusal->detail, sizeof refusal->detail, "%.*s",
             (int) strcspn(ds_cstr(&s), "(:,"), ds_cstr(&s));
    refusal->reason = OFFLOAD_REFUSAL_ACTION_UNSUPPORTED;
    ds_destroy(&s);
    return EOPNOTSUPP;
}

/* Appends an action of 'type' to 'rule', or refuses with ACTION_TOO_MANY
 * and returns NULL if the rule is full. */
struct flower_action *
flower_add_action(struct flower_rule *rule, enum flower_action_type type,
                  struct offload_refusal_info *refusal)
{
    struct flower_action *action;

    if (rule->n_actions >= FLOWER_MAX_ACTIONS) {
        offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_TOO_MANY, NULL);
        return NULL;
    }
    action = &rule->actions[rule->n_actions++];
    memset(action, 0, sizeof *action);
    action->type = type;
    return action;
}

bool
flower_action_ends_list(enum flower_action_type type)
{
    return (type == FLOWER_ACT_DROP || type == FLOWER_ACT_REDIRECT
            || type == FLOWER_ACT_REDIRECT_INGRESS
            || type == FLOWER_ACT_GOTO_CHAIN);
}

static int
translate_output(const struct nlattr *nla,
                 const struct flower_port_resolver *resolver,
                 struct flower_rule *rule,
                 struct offload_refusal_info *refusal)
{
    struct flower_action *action;
    bool ingress = false;
    int ifindex;

    if (nl_attr_get_size(nla) != sizeof(uint32_t)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "output");
    }
    ifindex = resolver->output_ifindex(resolver->aux, nl_attr_get_u32(nla),
                                       &ingress, refusal);
    if (ifindex <= 0) {
        return EOPNOTSUPP;
    }
    if (ingress && !flower_add_action(rule, FLOWER_ACT_PTYPE_HOST, refusal)) {
        return EOPNOTSUPP;
    }
    action = flower_add_action(rule, (ingress ? FLOWER_ACT_MIRROR_INGRESS
                                      : FLOWER_ACT_MIRROR), refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    action->ifindex = ifindex;
    return 0;
}

static int
translate_push_vlan(const struct nlattr *nla, struct flower_rule *rule,
                    struct offload_refusal_info *refusal)
{
    const struct ovs_action_push_vlan *push = nl_attr_get(nla);
    struct flower_action *action;

    if (nl_attr_get_size(nla) != sizeof *push
        || !(push->vlan_tci & htons(VLAN_CFI))) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "push_vlan");
    }
    action = flower_add_action(rule, FLOWER_ACT_VLAN_PUSH, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    action->vlan.proto = push->vlan_tpid;
    action->vlan.id = vlan_tci_to_vid(push->vlan_tci);
    action->vlan.prio = vlan_tci_to_pcp(push->vlan_tci);
    return 0;
}

/* Adds the act_csum that the rewrites since the last one need, if any:
 * once, after the last of a run of sets, before the packet goes anywhere. */
static int
flush_csum(struct flower_rule *rule, uint32_t *csum_flags,
           struct offload_refusal_info *refusal)
{
    if (*csum_flags) {
        struct flower_action *action;

        action = flower_add_action(rule, FLOWER_ACT_CSUM, refusal);
        if (!action) {
            return EOPNOTSUPP;
        }
        action->csum_flags = *csum_flags;
        *csum_flags = 0;
    }
    return 0;
}

/* Returns false if 'nla', a set or set_masked, is a set of tunnel metadata
 * or of an MPLS label, which TC has actions of their own for, rather than a
 * header rewrite (act_pedit). */
static bool
set_is_rewrite(const struct nlattr *nla, bool masked)
{
    enum ovs_key_attr key_type = nl_attr_type(nl_attr_get(nla));

    return (key_type != OVS_KEY_ATTR_MPLS
            && (key_type != OVS_KEY_ATTR_TUNNEL || masked));
}

/* Translates a set that is not a header rewrite (see set_is_rewrite()). */
static int
translate_set_other(const struct nlattr *nla, bool masked,
                    struct flower_rule *rule,
                    struct offload_refusal_info *refusal)
{
    const struct nlattr *field = nl_attr_get(nla);
    enum ovs_key_attr key_type = nl_attr_type(field);
    struct flower_action *action;

    action = flower_add_action(rule, FLOWER_ACT_TUNNEL_SET, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    if (key_type == OVS_KEY_ATTR_TUNNEL) {
        return flower_translate_set_tunnel(field, rule, action, refusal);
    }
    return flower_translate_set_mpls(field, (masked
                                             ? (const uint8_t *)
                                               nl_attr_get(field)
                                               + nl_attr_get_size(field) / 2
                                             : NULL),
                                     action, refusal);
}

/* Returns true if the packet that reaches the end of 'rule's actions so
 * far is one the kernel datapath lets push_mpls act on: untagged, of type
 * IPv4, IPv6, ARP, RARP or MPLS.  The datapath refuses any other
 * (validate_and_copy_actions() in the openvswitch module), so it never
 * forwards such a packet: TC must not either. */
static bool
push_mpls_allowed(const struct flower_rule *rule)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    ovs_be16 type;

    if (flower_vlan_tags_at(rule, rule->n_actions)) {
        return false;
    }
    for (int i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FLOWER_ACT_MPLS_PUSH) {
            return true;        /* The type is MPLS now. */
        }
    }
    if (!m->eth_type) {
        return false;
    }
    type = k->eth_type;
    return (type == htons(ETH_TYPE_IP) || type == htons(ETH_TYPE_IPV6)
            || type == htons(ETH_TYPE_ARP) || type == htons(ETH_TYPE_RARP)
            || eth_type_mpls(type));
}

static int
translate_push_mpls(const struct nlattr *nla, struct flower_rule *rule,
                    struct offload_refusal_info *refusal)
{
    const struct ovs_action_push_mpls *push = nl_attr_get(nla);
    struct flower_action *action;

    if (nl_attr_get_size(nla) != sizeof *push
        || !eth_type_mpls(push->mpls_ethertype)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "push_mpls");
    }
    if (!push_mpls_allowed(rule)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "push_mpls the datapath refuses");
    }
    if (mpls_lse_to_label(push->mpls_lse) == MPLS_IMPLICIT_NULL
        || !mpls_lse_to_ttl(push->mpls_lse)) {
        /* act_mpls refuses the implicit null label and TTL 0. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "push_mpls label 3 or ttl 0");
    }
    action = flower_add_action(rule, FLOWER_ACT_MPLS_PUSH, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    action->mpls.proto = push->mpls_ethertype;
    action->mpls.label = mpls_lse_to_label(push->mpls_lse);
    action->mpls.tc = mpls_lse_to_tc(push->mpls_lse);
    action->mpls.bos = mpls_lse_to_bos(push->mpls_lse);
    action->mpls.ttl = mpls_lse_to_ttl(push->mpls_lse);
    return 0;
}

/* Returns true if the kernel datapath lets pop_mpls act on the packet
 * that reaches the end of 'rule's actions so far: untagged, with an MPLS
 * label left (validate_and_copy_actions() in the openvswitch module).  It
 * refuses the flow otherwise and so never forwards such a packet: TC must
 * not either.  Only the one label a rule matches is counted, which refuses
 * a second pop the datapath might allow; that flow stays in the datapath. */
static bool
pop_mpls_allowed(const struct flower_rule *rule)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    int labels = m->eth_type && eth_type_mpls(k->eth_type);

    if (flower_vlan_tags_at(rule, rule->n_actions)) {
        return false;
    }
    for (int i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FLOWER_ACT_MPLS_PUSH) {
            labels++;
        } else if (rule->actions[i].type == FLOWER_ACT_MPLS_POP) {
            labels--;
        }
    }
    return labels > 0;
}

static int
translate_pop_mpls(const struct nlattr *nla, struct flower_rule *rule,
                   struct offload_refusal_info *refusal)
{
    struct flower_action *action;

    if (!pop_mpls_allowed(rule)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "pop_mpls the datapath refuses");
    }
    action = flower_add_action(rule, FLOWER_ACT_MPLS_POP, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    action->mpls.proto = nl_attr_get_be16(nla);
    return 0;
}

/* Translates meter(N) into the shared police action of meter N, if
 * meter_set() made one. */
static int
translate_meter(const struct nlattr *nla,
                const struct flower_port_resolver *resolver,
                struct flower_rule *rule,
                struct offload_refusal_info *refusal)
{
    uint32_t meter_id = nl_attr_get_u32(nla);
    struct flower_action *action;
    char detail[24];

    if (!resolver->meter_offloaded
        || !resolver->meter_offloaded(resolver->aux, meter_id)) {
        snprintf(detail, sizeof detail, "meter %"PRIu32, meter_id);
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_METER, detail);
    }
    action = flower_add_action(rule, FLOWER_ACT_POLICE, refusal);
    if (!action) {
        return EOPNOTSUPP;
    }
    action->police_index = flower_meter_police_index(meter_id);
    return 0;
}

/* Translates one ODP action; 'is_last' says whether it ends the list. */
static int
translate_action(const struct nlattr *nla, bool is_last,
                 const struct flower_port_resolver *resolver,
                 struct flower_rule *rule, uint32_t *csum_flags,
                 struct offload_refusal_info *refusal)
{
    enum ovs_action_attr type = nl_attr_type(nla);
    struct flower_action *action;
    int error;

    if (type == OVS_ACTION_ATTR_SET || type == OVS_ACTION_ATTR_SET_MASKED) {
        bool masked = type == OVS_ACTION_ATTR_SET_MASKED;

        if (nl_attr_get_size(nla) < NLA_HDRLEN) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                                  "set");
        }
        if (!set_is_rewrite(nla, masked)) {
            error = flush_csum(rule, csum_flags, refusal);
            return error ? error : translate_set_other(nla, masked, rule,
                                                       refusal);
        }
        return flower_translate_set(nla, masked, rule, csum_flags, refusal);
    }
    error = flush_csum(rule, csum_flags, refusal);
    if (error) {
        return error;
    }

    switch (type) {
    case OVS_ACTION_ATTR_OUTPUT:
        return translate_output(nla, resolver, rule, refusal);
    case OVS_ACTION_ATTR_DROP:
        return is_last ? 0 : refuse_action(nla, refusal);
    case OVS_ACTION_ATTR_RECIRC:
        if (!is_last) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "actions after recirc");
        }
        action = flower_add_action(rule, FLOWER_ACT_GOTO_CHAIN, refusal);
        if (!action) {
            return EOPNOTSUPP;
        }
        action->chain = nl_attr_get_u32(nla);
        return 0;
    case OVS_ACTION_ATTR_PUSH_VLAN:
        return translate_push_vlan(nla, rule, refusal);
    case OVS_ACTION_ATTR_POP_VLAN:
        return (flower_add_action(rule, FLOWER_ACT_VLAN_POP, refusal)
                ? 0 : EOPNOTSUPP);
    case OVS_ACTION_ATTR_CT:
        return flower_translate_ct(nla, rule, refusal);
    case OVS_ACTION_ATTR_CT_CLEAR:
        return (flower_add_action(rule, FLOWER_ACT_CT_CLEAR, refusal)
                ? 0 : EOPNOTSUPP);
    case OVS_ACTION_ATTR_PUSH_MPLS:
        return translate_push_mpls(nla, rule, refusal);
    case OVS_ACTION_ATTR_POP_MPLS:
        return translate_pop_mpls(nla, rule, refusal);
    case OVS_ACTION_ATTR_METER:
        return translate_meter(nla, resolver, rule, refusal);
    case OVS_ACTION_ATTR_CHECK_PKT_LEN:
        return flower_translate_check_pkt_len(nla, is_last, resolver, rule,
                                              refusal);
    case OVS_ACTION_ATTR_SET:
    case OVS_ACTION_ATTR_SET_MASKED:
        OVS_NOT_REACHED();
    case OVS_ACTION_ATTR_USERSPACE:
    case OVS_ACTION_ATTR_SAMPLE:
        return flower_translate_sample(nla, resolver, rule, refusal);
    case OVS_ACTION_ATTR_UNSPEC:
    case OVS_ACTION_ATTR_HASH:
    case OVS_ACTION_ATTR_TRUNC:
    case OVS_ACTION_ATTR_PUSH_ETH:
    case OVS_ACTION_ATTR_POP_ETH:
    case OVS_ACTION_ATTR_PUSH_NSH:
    case OVS_ACTION_ATTR_POP_NSH:
    case OVS_ACTION_ATTR_CLONE:
    case OVS_ACTION_ATTR_ADD_MPLS:
    case OVS_ACTION_ATTR_TUNNEL_PUSH:
    case OVS_ACTION_ATTR_TUNNEL_POP:
    case OVS_ACTION_ATTR_LB_OUTPUT:
    case __OVS_ACTION_ATTR_MAX:
    default:
        return refuse_action(nla, refusal);
    }
}

/* Translates the ODP action list 'actions' into actions appended to
 * 'rule'.  If 'end', they end as a datapath ends a list: the last output is
 * a redirect, and a list that ends otherwise gets a drop.  (A branch of
 * check_pkt_len is such a list too, or, when actions follow check_pkt_len,
 * a list that does not end.)  Returns 0 or EOPNOTSUPP with 'refusal'. */
int
flower_translate_action_list(const struct nlattr *actions, size_t actions_len,
                             bool end,
                             const struct flower_port_resolver *resolver,
                             struct flower_rule *rule,
                             struct offload_refusal_info *refusal)
{
    int first = rule->n_actions;
    const struct nlattr *nla;
    uint32_t csum_flags = 0;
    size_t left;
    int error;

    NL_ATTR_FOR_EACH (nla, left, actions, actions_len) {
        /* The last action of a list that does not end (a branch that
         * joins again) is not the last the packet meets. */
        bool is_last = end && left <= NLA_ALIGN(nla->nla_len);

        error = translate_action(nla, is_last, resolver, rule, &csum_flags,
                                 refusal);
        if (error) {
            return error;
        }
    }
    error = flush_csum(rule, &csum_flags, refusal);
    if (error || !end) {
        return error;
    }

    if (rule->n_actions > first) {
        struct flower_action *last = &rule->actions[rule->n_actions - 1];

        if (last->type == FLOWER_ACT_MIRROR) {
            last->type = FLOWER_ACT_REDIRECT;
            return 0;
        } else if (last->type == FLOWER_ACT_MIRROR_INGRESS) {
            last->type = FLOWER_ACT_REDIRECT_INGRESS;
            return 0;
        } else if (flower_action_ends_list(last->type)) {
            return 0;
        }
    }
    return flower_add_action(rule, FLOWER_ACT_DROP, refusal) ? 0 : EOPNOTSUPP;
}

/* A flow may have at most this many datapath actions, those in
 * check_pkt_len's branches included, as in OVS 3.1's provider (its
 * TCA_ACT_MAX_NUM).  What TC adds to them (checksum fix-ups, the tunnel
 * release, the skbedit before an internal port, a final drop) still fits
 * in the rule's FLOWER_MAX_ACTIONS. */
#define FLOWER_MAX_ODP_ACTIONS 16

static size_t
count_odp_actions(const struct nlattr *actions, size_t actions_len)
{
    const struct nlattr *nla;
    size_t left, n = 0;

    NL_ATTR_FOR_EACH (nla, left, actions, actions_len) {
        n++;
        if (nl_attr_type(nla) == OVS_ACTION_ATTR_CHECK_PKT_LEN) {
            const struct nlattr *branch;
            size_t branch_left;

            NL_NESTED_FOR_EACH (branch, branch_left, nla) {
                if (nl_attr_type(branch) != OVS_CHECK_PKT_LEN_ATTR_PKT_LEN) {
                    n += count_odp_actions(nl_attr_get(branch),
                                           nl_attr_get_size(branch));
                }
            }
        }
    }
    return n;
}

/* Translates ODP 'actions' into rule actions.  Returns 0 or EOPNOTSUPP
 * with 'refusal'. */
int
flower_translate_actions(const struct nlattr *actions, size_t actions_len,
                         const struct flower_port_resolver *resolver,
                         struct flower_rule *rule,
                         struct offload_refusal_info *refusal)
{
    size_t n_odp = count_odp_actions(actions, actions_len);

    if (n_odp > FLOWER_MAX_ODP_ACTIONS) {
        char detail[64];

        snprintf(detail, sizeof detail, "%"PRIuSIZE" datapath actions, "
                 "at most %d", n_odp, FLOWER_MAX_ODP_ACTIONS);
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_TOO_MANY,
                              detail);
    }

    rule->n_actions = 0;
    rule->n_pedit_keys = 0;
    memset(&rule->encap_geneve, 0, sizeof rule->encap_geneve);

    /* A decapsulated packet's tunnel metadata must not go with it to where
     * it is sent (another tunnel device would take it for its own), as the
     * datapath does not let it (the key of its output has none). */
    if (flower_rule_matches_tunnel(rule)
        && !flower_add_action(rule, FLOWER_ACT_TUNNEL_RELEASE, refusal)) {
        return EOPNOTSUPP;
    }
    return flower_translate_action_list(actions, actions_len, true, resolver,
                                        rule, refusal);
}

/* Appends the ODP actions that 'rule' performs to 'buf'.  Returns 0, or
 * ENOENT if it outputs to a device that is not a datapath port. */
int
flower_rule_to_odp_actions(const struct flower_rule *rule,
                           const struct flower_port_resolver *resolver,
                           struct ofpbuf *buf)
{
    return flower_actions_to_odp(rule, resolver, 0, rule->n_actions, buf);
}

/* Appends the ODP actions that actions 'start' to 'end' (exclusive) of
 * 'rule' perform to 'buf'. */
int
flower_actions_to_odp(const struct flower_rule *rule,
                      const struct flower_port_resolver *resolver,
                      int start, int end, struct ofpbuf *buf)
{
    for (int i = start; i < end; i++) {
        const struct flower_action *action = &rule->actions[i];
        struct ovs_action_push_vlan push;
        uint32_t port;

        switch (action->type) {
        case FLOWER_ACT_DROP:
            break;
        case FLOWER_ACT_REDIRECT:
        case FLOWER_ACT_MIRROR:
        case FLOWER_ACT_REDIRECT_INGRESS:
        case FLOWER_ACT_MIRROR_INGRESS:
            port = resolver->ifindex_to_port(resolver->aux, action->ifindex);
            if (port == UINT32_MAX) {
                return ENOENT;
            }
            nl_msg_put_u32(buf, OVS_ACTION_ATTR_OUTPUT, port);
            break;
        case FLOWER_ACT_VLAN_PUSH:
            push.vlan_tpid = action->vlan.proto;
            push.vlan_tci = htons(action->vlan.id
                                  | (action->vlan.prio << VLAN_PCP_SHIFT)
                                  | VLAN_CFI);
            nl_msg_put_unspec(buf, OVS_ACTION_ATTR_PUSH_VLAN, &push,
                              sizeof push);
            break;
        case FLOWER_ACT_VLAN_POP:
            nl_msg_put_flag(buf, OVS_ACTION_ATTR_POP_VLAN);
            break;
        case FLOWER_ACT_GOTO_CHAIN:
            nl_msg_put_u32(buf, OVS_ACTION_ATTR_RECIRC, action->chain);
            break;
        case FLOWER_ACT_CT:
            flower_ct_to_odp_action(&action->ct, buf);
            break;
        case FLOWER_ACT_CT_CLEAR:
            nl_msg_put_flag(buf, OVS_ACTION_ATTR_CT_CLEAR);
            break;
        case FLOWER_ACT_PEDIT:
            flower_pedit_to_odp_actions(rule, action, buf);
            break;
        case FLOWER_ACT_CSUM:
            /* Implied by the rewrites in OVS's actions. */
            break;
        case FLOWER_ACT_TUNNEL_SET:
            flower_tunnel_set_to_odp_action(rule, action, buf);
            break;
        case FLOWER_ACT_TUNNEL_RELEASE:
            /* Implied by decapsulation. */
            break;
        case FLOWER_ACT_MPLS_PUSH:
        case FLOWER_ACT_MPLS_POP:
        case FLOWER_ACT_MPLS_SET:
            flower_mpls_to_odp_action(action, buf);
            break;
        case FLOWER_ACT_POLICE:
            nl_msg_put_u32(buf, OVS_ACTION_ATTR_METER,
                           action->police_index - FLOWER_METER_POLICE_BASE);
            break;
        case FLOWER_ACT_POLICE_MTU:
            /* Both branches follow it, to the end. */
            return flower_check_pkt_len_to_odp(rule, resolver, i, end, buf);
        case FLOWER_ACT_SAMPLE:
            if (!resolver->sample_action
                || !resolver->sample_action(resolver->aux,
                                            action->sample.group, buf)) {
                return EOPNOTSUPP;
            }
            break;
        case FLOWER_ACT_PTYPE_HOST:
            /* Part of the output that follows. */
            break;
        case FLOWER_ACT_JUMP:
            /* Never translated to (see translate_action()). */
            return EOPNOTSUPP;
        }
    }
    return 0;
}
