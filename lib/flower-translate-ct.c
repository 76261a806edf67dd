/*
 * The ct action in translation (see flower-translate.h): OVS's ct (zone,
 * commit, force, mark, labels, NAT) <-> act_ct, both ways.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Translates the nat(...) of a ct action: source or destination NAT to an
 * address range and a port range, or, with neither, the NAT that the
 * connection already has.  act_ct takes no "persistent", "hash" or
 * "random" flags, so those are refused. */
static int
translate_ct_nat(const struct nlattr *nat_nla, struct flower_ct *ct,
                 struct offload_refusal_info *refusal)
{
    const struct nlattr *nla;
    size_t left;

    ct->nat = true;
    NL_NESTED_FOR_EACH_UNSAFE (nla, left, nat_nla) {
        size_t size = nl_attr_get_size(nla);

        switch (nl_attr_type(nla)) {
        case OVS_NAT_ATTR_SRC:
            ct->nat_src = true;
            break;
        case OVS_NAT_ATTR_DST:
            ct->nat_dst = true;
            break;
        case OVS_NAT_ATTR_IP_MIN:
        case OVS_NAT_ATTR_IP_MAX: {
            bool min = nl_attr_type(nla) == OVS_NAT_ATTR_IP_MIN;

            if (size == sizeof(ovs_be32)) {
                ct->nat_ipv4 = true;
                *(min ? &ct->nat_ipv4_min : &ct->nat_ipv4_max)
                    = nl_attr_get_be32(nla);
            } else if (size == sizeof(struct in6_addr)) {
                ct->nat_ipv6 = true;
                *(min ? &ct->nat_ipv6_min : &ct->nat_ipv6_max)
                    = nl_attr_get_in6_addr(nla);
            } else {
                return offload_refuse(refusal,
                                      OFFLOAD_REFUSAL_ACTION_MALFORMED,
                                      "ct nat");
            }
            break;
        }
        case OVS_NAT_ATTR_PROTO_MIN:
            ct->nat_port_min = htons(nl_attr_get_u16(nla));
            break;
        case OVS_NAT_ATTR_PROTO_MAX:
            ct->nat_port_max = htons(nl_attr_get_u16(nla));
            break;
        case OVS_NAT_ATTR_PERSISTENT:
        case OVS_NAT_ATTR_PROTO_HASH:
        case OVS_NAT_ATTR_PROTO_RANDOM:
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "ct nat flags");
        default:
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                                  "ct nat");
        }
    }

    /* A single address or port is a range of one, as the datapath has it. */
    if (ct->nat_ipv4 && !ct->nat_ipv4_max) {
        ct->nat_ipv4_max = ct->nat_ipv4_min;
    }
    if (ct->nat_ipv6 && !ipv6_addr_is_set(&ct->nat_ipv6_max)) {
        ct->nat_ipv6_max = ct->nat_ipv6_min;
    }
    if (ct->nat_port_min && !ct->nat_port_max) {
        ct->nat_port_max = ct->nat_port_min;
    }
    if ((ct->nat_src && ct->nat_dst) || (ct->nat_ipv4 && ct->nat_ipv6)
        || ((ct->nat_ipv4 || ct->nat_ipv6 || ct->nat_port_max)
            && !ct->nat_src && !ct->nat_dst)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "ct nat");
    }
    return 0;
}

/* Translates ct(zone, commit, force_commit, mark, labels, nat).  Helpers
 * and timeout policies are not offloaded. */
int
flower_translate_ct(const struct nlattr *ct_nla, struct flower_rule *rule,
                    struct offload_refusal_info *refusal)
{
    struct flower_action *action = flower_add_action(rule, FLOWER_ACT_CT,
                                                     refusal);
    struct flower_ct *ct;
    const struct nlattr *nla;
    size_t left;

    if (!action) {
        return EOPNOTSUPP;
    }
    ct = &action->ct;
    NL_NESTED_FOR_EACH_UNSAFE (nla, left, ct_nla) {
        enum ovs_ct_attr type = nl_attr_type(nla);

        switch (type) {
        case OVS_CT_ATTR_ZONE:
            ct->zone = nl_attr_get_u16(nla);
            break;
        case OVS_CT_ATTR_COMMIT:
            ct->commit = true;
            break;
        case OVS_CT_ATTR_FORCE_COMMIT:
            ct->commit = ct->force = true;
            break;
        case OVS_CT_ATTR_MARK: {
            const struct {
                uint32_t key, mask;
            } *mark = nl_attr_get(nla);

            ct->mark = mark->key;
            ct->mark_mask = mark->mask;
            break;
        }
        case OVS_CT_ATTR_LABELS: {
            const struct ovs_key_ct_labels *labels = nl_attr_get(nla);

            memcpy(ct->label, &labels[0], sizeof ct->label);
            memcpy(ct->label_mask, &labels[1], sizeof ct->label_mask);
            break;
        }
        case OVS_CT_ATTR_EVENTMASK:
            /* Which events conntrack reports: no effect on forwarding. */
            break;
        case OVS_CT_ATTR_NAT: {
            int error = translate_ct_nat(nla, ct, refusal);

            if (error) {
                return error;
            }
            break;
        }
        case OVS_CT_ATTR_HELPER:
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "ct helper");
        case OVS_CT_ATTR_TIMEOUT:
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "ct timeout");
        case OVS_CT_ATTR_UNSPEC:
        case __OVS_CT_ATTR_MAX:
        default:
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                                  "ct");
        }
    }
    return 0;
}

static void
put_ct_nat(const struct flower_ct *ct, struct ofpbuf *buf)
{
    size_t offset = nl_msg_start_nested(buf, OVS_CT_ATTR_NAT);

    if (ct->nat_src) {
        nl_msg_put_flag(buf, OVS_NAT_ATTR_SRC);
    } else if (ct->nat_dst) {
        nl_msg_put_flag(buf, OVS_NAT_ATTR_DST);
    }
    if (ct->nat_ipv4) {
        nl_msg_put_be32(buf, OVS_NAT_ATTR_IP_MIN, ct->nat_ipv4_min);
        if (ct->nat_ipv4_max != ct->nat_ipv4_min) {
            nl_msg_put_be32(buf, OVS_NAT_ATTR_IP_MAX, ct->nat_ipv4_max);
        }
    } else if (ct->nat_ipv6) {
        nl_msg_put_in6_addr(buf, OVS_NAT_ATTR_IP_MIN, &ct->nat_ipv6_min);
        if (!ipv6_addr_equals(&ct->nat_ipv6_max, &ct->nat_ipv6_min)) {
            nl_msg_put_in6_addr(buf, OVS_NAT_ATTR_IP_MAX, &ct->nat_ipv6_max);
        }
    }
    if (ct->nat_port_max) {
        nl_msg_put_u16(buf, OVS_NAT_ATTR_PROTO_MIN, ntohs(ct->nat_port_min));
        if (ct->nat_port_max != ct->nat_port_min) {
            nl_msg_put_u16(buf, OVS_NAT_ATTR_PROTO_MAX,
                           ntohs(ct->nat_port_max));
        }
    }
    nl_msg_end_nested(buf, offset);
}

void
flower_ct_to_odp_action(const struct flower_ct *ct, struct ofpbuf *buf)
{
    size_t offset = nl_msg_start_nested(buf, OVS_ACTION_ATTR_CT);

    if (ct->force) {
        nl_msg_put_flag(buf, OVS_CT_ATTR_FORCE_COMMIT);
    } else if (ct->commit) {
        nl_msg_put_flag(buf, OVS_CT_ATTR_COMMIT);
    }
    if (ct->zone) {
        nl_msg_put_u16(buf, OVS_CT_ATTR_ZONE, ct->zone);
    }
    if (ct->mark_mask) {
        uint32_t mark[2] = { ct->mark, ct->mark_mask };

        nl_msg_put_unspec(buf, OVS_CT_ATTR_MARK, mark, sizeof mark);
    }
    if (!is_all_zeros(ct->label_mask, sizeof ct->label_mask)) {
        uint8_t labels[32];

        memcpy(labels, ct->label, 16);
        memcpy(labels + 16, ct->label_mask, 16);
        nl_msg_put_unspec(buf, OVS_CT_ATTR_LABELS, labels, sizeof labels);
    }
    if (ct->nat) {
        put_ct_nat(ct, buf);
    }
    nl_msg_end_nested(buf, offset);
}
