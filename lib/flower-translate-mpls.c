/*
 * MPLS in translation (see flower-translate.h): the outermost label stack
 * entry of a match, which cls_flower matches field by field (label, TC,
 * BoS, TTL), each exactly or not at all, and the push_mpls, pop_mpls and
 * set(mpls) actions, which become act_mpls.  A match that reads deeper
 * into the stack is refused: flower's legacy MPLS keys see the first
 * entry only.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "flow.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* One field of a label stack entry, as OVS packs it in 32 bits. */
struct lse_field {
    uint32_t mask;              /* Bits in the (host order) LSE. */
    int shift;
    const char *name;           /* For refusals. */
};

static const struct lse_field lse_fields[] = {
    { MPLS_LABEL_MASK, MPLS_LABEL_SHIFT, "mpls_label" },
    { MPLS_TC_MASK, MPLS_TC_SHIFT, "mpls_tc" },
    { MPLS_BOS_MASK, MPLS_BOS_SHIFT, "mpls_bos" },
    { MPLS_TTL_MASK, MPLS_TTL_SHIFT, "mpls_ttl" },
};

/* Returns the index of the first field of 'lse_mask' (host order) that is
 * neither fully masked nor wildcarded, or -1. */
static int
partial_lse_field(uint32_t lse_mask)
{
    for (int i = 0; i < ARRAY_SIZE(lse_fields); i++) {
        uint32_t bits = lse_mask & lse_fields[i].mask;

        if (bits && bits != lse_fields[i].mask) {
            return i;
        }
    }
    return -1;
}

/* Stores field 'i' of 'lse' (host order) in the model's field for it. */
static void
store_lse_field(struct flower_key *key, int i, uint32_t lse)
{
    uint32_t value = (lse & lse_fields[i].mask) >> lse_fields[i].shift;

    switch (i) {
    case 0:
        key->mpls_label = value;
        break;
    case 1:
        key->mpls_tc = value;
        break;
    case 2:
        key->mpls_bos = value;
        break;
    default:
        key->mpls_ttl = value;
        break;
    }
}

/* Translates the MPLS part of a match into the rule and clears it from
 * 'mask'. */
int
flower_translate_mpls_match(const struct flow *key, struct flow *mask,
                            struct flower_rule *rule,
                            struct offload_refusal_info *refusal)
{
    uint32_t lse, lse_mask;
    int bad;

    if (!mask->mpls_lse[0]) {
        return 0;
    }
    for (int i = 1; i < FLOW_MAX_MPLS_LABELS; i++) {
        if (mask->mpls_lse[i]) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_MPLS,
                                  "mpls_lse deeper than one");
        }
    }
    lse = ntohl(key->mpls_lse[0]);
    lse_mask = ntohl(mask->mpls_lse[0]);
    bad = partial_lse_field(lse_mask);
    if (bad >= 0) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_MPLS,
                              lse_fields[bad].name);
    }
    for (int i = 0; i < ARRAY_SIZE(lse_fields); i++) {
        if (lse_mask & lse_fields[i].mask) {
            store_lse_field(&rule->key, i, lse);
            store_lse_field(&rule->mask, i, UINT32_MAX);
        }
    }
    mask->mpls_lse[0] = 0;
    return 0;
}

/* Sets the MPLS part of 'match' to what 'rule' matches. */
void
flower_rule_mpls_to_match(const struct flower_rule *rule, struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    uint32_t lse = 0, lse_mask = 0;

    if (m->mpls_label) {
        lse |= k->mpls_label << MPLS_LABEL_SHIFT;
        lse_mask |= MPLS_LABEL_MASK;
    }
    if (m->mpls_tc) {
        lse |= k->mpls_tc << MPLS_TC_SHIFT;
        lse_mask |= MPLS_TC_MASK;
    }
    if (m->mpls_bos) {
        lse |= k->mpls_bos << MPLS_BOS_SHIFT;
        lse_mask |= MPLS_BOS_MASK;
    }
    if (m->mpls_ttl) {
        lse |= k->mpls_ttl << MPLS_TTL_SHIFT;
        lse_mask |= MPLS_TTL_MASK;
    }
    match->flow.mpls_lse[0] = htonl(lse);
    match->wc.masks.mpls_lse[0] = htonl(lse_mask);
}

/* Translates set(mpls(...)) or its masked form ('mask' non-null): each
 * field is rewritten whole or not at all. */
int
flower_translate_set_mpls(const struct nlattr *key_attr, const void *mask_,
                          struct flower_action *action,
                          struct offload_refusal_info *refusal)
{
    const struct ovs_key_mpls *value = nl_attr_get(key_attr);
    const struct ovs_key_mpls *mask = mask_;
    struct flower_mpls *mpls = &action->mpls;
    uint32_t lse, lse_mask;
    int bad;

    if (nl_attr_get_size(key_attr) != (mask ? 2 : 1) * sizeof *value) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "set mpls of more than one label");
    }
    lse = ntohl(value->mpls_lse);
    lse_mask = mask ? ntohl(mask->mpls_lse) : UINT32_MAX;
    bad = partial_lse_field(lse_mask);
    if (bad >= 0) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              lse_fields[bad].name);
    }
    if ((lse_mask & MPLS_LABEL_MASK
         && mpls_lse_to_label(htonl(lse)) == MPLS_IMPLICIT_NULL)
        || (lse_mask & MPLS_TTL_MASK && !mpls_lse_to_ttl(htonl(lse)))) {
        /* act_mpls refuses the implicit null label and TTL 0. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "set mpls label 3 or ttl 0");
    }
    action->type = FLOWER_ACT_MPLS_SET;
    mpls->label = mpls_lse_to_label(htonl(lse));
    mpls->tc = mpls_lse_to_tc(htonl(lse));
    mpls->bos = mpls_lse_to_bos(htonl(lse));
    mpls->ttl = mpls_lse_to_ttl(htonl(lse));
    mpls->set_label = (lse_mask & MPLS_LABEL_MASK) != 0;
    mpls->set_tc = (lse_mask & MPLS_TC_MASK) != 0;
    mpls->set_bos = (lse_mask & MPLS_BOS_MASK) != 0;
    mpls->set_ttl = (lse_mask & MPLS_TTL_MASK) != 0;
    return 0;
}

/* Appends the ODP action that an MPLS action of a rule performs. */
void
flower_mpls_to_odp_action(const struct flower_action *action,
                          struct ofpbuf *buf)
{
    const struct flower_mpls *mpls = &action->mpls;
    ovs_be32 lse = set_mpls_lse_values(mpls->ttl, mpls->tc, mpls->bos,
                                       htonl(mpls->label));

    if (action->type == FLOWER_ACT_MPLS_PUSH) {
        struct ovs_action_push_mpls push = {
            .mpls_lse = lse,
            .mpls_ethertype = mpls->proto,
        };

        nl_msg_put_unspec(buf, OVS_ACTION_ATTR_PUSH_MPLS, &push, sizeof push);
    } else if (action->type == FLOWER_ACT_MPLS_POP) {
        nl_msg_put_be16(buf, OVS_ACTION_ATTR_POP_MPLS, mpls->proto);
    } else {
        uint32_t mask = ((mpls->set_label ? MPLS_LABEL_MASK : 0)
                         | (mpls->set_tc ? MPLS_TC_MASK : 0)
                         | (mpls->set_bos ? MPLS_BOS_MASK : 0)
                         | (mpls->set_ttl ? MPLS_TTL_MASK : 0));
        struct ovs_key_mpls km[2] = {
            { .mpls_lse = lse & htonl(mask) },
            { .mpls_lse = htonl(mask) },
        };
        size_t offset = nl_msg_start_nested(buf, (mask == UINT32_MAX
                                                  ? OVS_ACTION_ATTR_SET
                                                  : OVS_ACTION_ATTR_SET_MASKED));

        nl_msg_put_unspec(buf, OVS_KEY_ATTR_MPLS, km,
                          (mask == UINT32_MAX ? 1 : 2) * sizeof km[0]);
        nl_msg_end_nested(buf, offset);
    }
}
