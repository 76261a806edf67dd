/*
 * Conntrack in the TC flower codec (see flower-codec.h): the options of
 * act_ct, for the rows of flower-codec-actions.c's tables that name it.
 *
 * A ct action either clears the packet's conntrack state
 * (TCA_CT_ACT_CLEAR, nothing else) or sends it through conntrack in a zone,
 * maybe committing it with a mark and a label.  act_ct applies mark and
 * label only when committing, and OVS accepts force only with commit, so
 * any of them without commit is refused (tcf_ct_act()).
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_ct.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    CT_FLAGS = TCA_CT_ACT_COMMIT | TCA_CT_ACT_FORCE,    /* Modelled. */
    LABEL_LEN = sizeof ((struct flower_ct *) NULL)->label,
};

static bool ct_needs_commit(const struct flower_ct *);
static int decode_masked(const struct nlattr *value,
                         const struct nlattr *mask, void *value_out,
                         void *mask_out, size_t size);

/* act_put_func for ct.  The zone is put only if not the default 0, and
 * mark and label only with a non-zero mask, as OVS does, so that a kernel
 * without conntrack zones, marks or labels still takes a plain ct. */
bool
codec_put_ct(struct nlmsghdr *nlh, const struct act_map *map,
             const struct flower_rule *rule, int index)
{
    const struct flower_ct *ct = &rule->actions[index].ct;
    struct tc_ct p = { .action = map->control };

    if (map->type == FLOWER_ACT_CT_CLEAR) {
        mnl_attr_put_u16(nlh, TCA_CT_ACTION, map->variant);
    } else if (!ct->commit && ct_needs_commit(ct)) {
        return false;
    } else {
        mnl_attr_put_u16(nlh, TCA_CT_ACTION,
                         ((ct->commit ? TCA_CT_ACT_COMMIT : 0)
                          | (ct->force ? TCA_CT_ACT_FORCE : 0)));
        if (ct->zone) {
            mnl_attr_put_u16(nlh, TCA_CT_ZONE, ct->zone);
        }
        if (ct->mark_mask) {
            mnl_attr_put_u32(nlh, TCA_CT_MARK, ct->mark);
            mnl_attr_put_u32(nlh, TCA_CT_MARK_MASK, ct->mark_mask);
        }
        if (!codec_bytes_are(ct->label_mask, LABEL_LEN, 0)) {
            mnl_attr_put(nlh, TCA_CT_LABELS, LABEL_LEN, ct->label);
            mnl_attr_put(nlh, TCA_CT_LABELS_MASK, LABEL_LEN,
                         ct->label_mask);
        }
    }
    mnl_attr_put(nlh, TCA_CT_PARMS, sizeof p, &p);
    return true;
}

/* Returns true if 'ct' sets anything that needs TCA_CT_ACT_COMMIT. */
static bool
ct_needs_commit(const struct flower_ct *ct)
{
    return (ct->force || ct->mark_mask
            || !codec_bytes_are(ct->label_mask, LABEL_LEN, 0));
}

/* act_decode_func for ct.  A missing TCA_CT_ACTION or zone means what it
 * means to tcf_ct_fill_params(): no flags, zone 0. */
int
codec_decode_ct(const struct nlattr *const *tb, struct flower_rule *rule,
                int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct nlattr *action = tb[TCA_CT_ACTION];
    uint16_t flags = action ? mnl_attr_get_u16(action) : 0;
    struct flower_ct *ct = &act->ct;
    const struct act_map *map;
    struct tc_ct p;
    int error;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_CT_PARMS]), sizeof p);
    map = codec_find_act_map(AK_CT, flags & TCA_CT_ACT_CLEAR, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    if (map->type == FLOWER_ACT_CT_CLEAR) {
        if (tb[TCA_CT_ZONE] || tb[TCA_CT_MARK] || tb[TCA_CT_MARK_MASK]
            || tb[TCA_CT_LABELS] || tb[TCA_CT_LABELS_MASK]) {
            return EPROTO;      /* tcf_ct_dump() puts none for a clear. */
        }
        return flags == TCA_CT_ACT_CLEAR ? 0 : EOPNOTSUPP;
    } else if (flags & ~CT_FLAGS) {
        return EOPNOTSUPP;      /* NAT. */
    }
    ct->commit = (flags & TCA_CT_ACT_COMMIT) != 0;
    ct->force = (flags & TCA_CT_ACT_FORCE) != 0;
    ct->zone = tb[TCA_CT_ZONE] ? mnl_attr_get_u16(tb[TCA_CT_ZONE]) : 0;
    error = decode_masked(tb[TCA_CT_MARK], tb[TCA_CT_MARK_MASK], &ct->mark,
                          &ct->mark_mask, sizeof ct->mark);
    if (!error) {
        error = decode_masked(tb[TCA_CT_LABELS], tb[TCA_CT_LABELS_MASK],
                              ct->label, ct->label_mask, LABEL_LEN);
    }
    if (!error && !ct->commit && ct_needs_commit(ct)) {
        error = EOPNOTSUPP;
    }
    return error;
}

/* Copies the 'size' bytes of validated attribute 'value' and of its 'mask',
 * or a full mask if 'mask' is absent (as tcf_ct_set_key_val() does).  A
 * mask without its value is malformed. */
static int
decode_masked(const struct nlattr *value, const struct nlattr *mask,
              void *value_out, void *mask_out, size_t size)
{
    if (!value) {
        return mask ? EPROTO : 0;
    }
    memcpy(value_out, mnl_attr_get_payload(value), size);
    if (mask) {
        memcpy(mask_out, mnl_attr_get_payload(mask), size);
    } else {
        memset(mask_out, 0xff, size);
    }
    return 0;
}
