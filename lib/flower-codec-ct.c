/*
 * Conntrack in the TC flower codec (see flower-codec.h): the options of
 * act_ct, for the rows of flower-codec-actions.c's tables that name it.
 *
 * A ct action either clears the packet's conntrack state
 * (TCA_CT_ACT_CLEAR, nothing else) or sends it through conntrack in a zone,
 * maybe committing it with a mark and a label.  act_ct applies mark and
 * label only when committing, and OVS accepts force only with commit, so
 * any of them without commit is refused (tcf_ct_act()).
 *
 * NAT (TCA_CT_ACT_NAT) alone applies the NAT that a connection already
 * has; with TCA_CT_ACT_NAT_SRC or _DST (not both: act_ct refuses that) it
 * also sets up a new one, to the addresses and ports of the ranges given,
 * if any (tcf_ct_fill_params_nat()).  act_ct ignores the directions
 * without NAT, and the ranges without a direction; it takes one address
 * family, IPv4 if both are given, and a missing maximum as the minimum.
 * Encoding refuses whatever act_ct would ignore or take otherwise, a
 * reversed range and NAT on a clear; it always puts a range's maximum, as
 * tcf_ct_dump_nat() does.  Decoding rejects what the kernel never reports
 * (a range it would have ignored, both families, a maximum alone) and
 * reports what encoding never puts (a direction without NAT, a reversed
 * range, ports 0 to 0) as not ours.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_ct.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    NAT_DIRS = TCA_CT_ACT_NAT_SRC | TCA_CT_ACT_NAT_DST,
    CT_FLAGS = (TCA_CT_ACT_COMMIT | TCA_CT_ACT_FORCE    /* Modelled. */
                | TCA_CT_ACT_NAT | NAT_DIRS),
    LABEL_LEN = sizeof ((struct flower_ct *) NULL)->label,
};

/* NAT range attributes: tcf_ct_dump_nat() puts none without NAT and a
 * direction. */
static const uint16_t nat_range_attrs[] = {
    TCA_CT_NAT_IPV4_MIN, TCA_CT_NAT_IPV4_MAX, TCA_CT_NAT_IPV6_MIN,
    TCA_CT_NAT_IPV6_MAX, TCA_CT_NAT_PORT_MIN, TCA_CT_NAT_PORT_MAX,
};

static bool ct_needs_commit(const struct flower_ct *);
static uint16_t ct_flags(const struct flower_ct *);
static bool ct_has_nat(const struct flower_ct *);
static bool nat_valid(const struct flower_ct *);
static bool nat_ranges_ordered(const struct flower_ct *);
static void put_nat_ranges(struct nlmsghdr *, const struct flower_ct *);
static bool has_nat_range(const struct nlattr *const *tb);
static int decode_nat(const struct nlattr *const *tb, uint16_t flags,
                      struct flower_ct *);
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
        if (ct_has_nat(ct)) {
            return false;
        }
        mnl_attr_put_u16(nlh, TCA_CT_ACTION, map->variant);
    } else if ((!ct->commit && ct_needs_commit(ct)) || !nat_valid(ct)) {
        return false;
    } else {
        mnl_attr_put_u16(nlh, TCA_CT_ACTION, ct_flags(ct));
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
        put_nat_ranges(nlh, ct);
    }
    mnl_attr_put(nlh, TCA_CT_PARMS, sizeof p, &p);
    return true;
}

/* Returns the TCA_CT_ACTION flags of 'ct', other than a clear. */
static uint16_t
ct_flags(const struct flower_ct *ct)
{
    return ((ct->commit ? TCA_CT_ACT_COMMIT : 0)
            | (ct->force ? TCA_CT_ACT_FORCE : 0)
            | (ct->nat ? TCA_CT_ACT_NAT : 0)
            | (ct->nat_src ? TCA_CT_ACT_NAT_SRC : 0)
            | (ct->nat_dst ? TCA_CT_ACT_NAT_DST : 0));
}

/* Returns true if 'ct' asks for any NAT. */
static bool
ct_has_nat(const struct flower_ct *ct)
{
    return (ct->nat || ct->nat_src || ct->nat_dst || ct->nat_ipv4
            || ct->nat_ipv6 || ct->nat_port_max);
}

/* Returns true if act_ct applies the NAT of 'ct' exactly as the model
 * says (see the file comment). */
static bool
nat_valid(const struct flower_ct *ct)
{
    bool ranges = ct->nat_ipv4 || ct->nat_ipv6 || ct->nat_port_max;

    if (!ct->nat) {
        return !ct_has_nat(ct);
    } else if (ct->nat_src && ct->nat_dst) {
        return false;
    } else if (!ct->nat_src && !ct->nat_dst) {
        return !ranges;
    }
    return !(ct->nat_ipv4 && ct->nat_ipv6) && nat_ranges_ordered(ct);
}

/* Returns true if no range that 'ct' uses has its minimum above its
 * maximum (all are in network order). */
static bool
nat_ranges_ordered(const struct flower_ct *ct)
{
    return ((!ct->nat_ipv4
             || ntohl(ct->nat_ipv4_min) <= ntohl(ct->nat_ipv4_max))
            && (!ct->nat_ipv6
                || memcmp(&ct->nat_ipv6_min, &ct->nat_ipv6_max,
                          sizeof ct->nat_ipv6_min) <= 0)
            && (!ct->nat_port_max
                || ntohs(ct->nat_port_min) <= ntohs(ct->nat_port_max)));
}

/* Puts the NAT ranges that 'ct' uses, both ends of each. */
static void
put_nat_ranges(struct nlmsghdr *nlh, const struct flower_ct *ct)
{
    if (ct->nat_ipv4) {
        mnl_attr_put_u32(nlh, TCA_CT_NAT_IPV4_MIN, ct->nat_ipv4_min);
        mnl_attr_put_u32(nlh, TCA_CT_NAT_IPV4_MAX, ct->nat_ipv4_max);
    } else if (ct->nat_ipv6) {
        mnl_attr_put(nlh, TCA_CT_NAT_IPV6_MIN, sizeof ct->nat_ipv6_min,
                     &ct->nat_ipv6_min);
        mnl_attr_put(nlh, TCA_CT_NAT_IPV6_MAX, sizeof ct->nat_ipv6_max,
                     &ct->nat_ipv6_max);
    }
    if (ct->nat_port_max) {
        mnl_attr_put_u16(nlh, TCA_CT_NAT_PORT_MIN, ct->nat_port_min);
        mnl_attr_put_u16(nlh, TCA_CT_NAT_PORT_MAX, ct->nat_port_max);
    }
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
            || tb[TCA_CT_LABELS] || tb[TCA_CT_LABELS_MASK]
            || has_nat_range(tb)) {
            return EPROTO;      /* tcf_ct_dump() puts none for a clear. */
        }
        return flags == TCA_CT_ACT_CLEAR ? 0 : EOPNOTSUPP;
    } else if (flags & ~CT_FLAGS) {
        return EOPNOTSUPP;
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
    if (!error) {
        error = decode_nat(tb, flags, ct);
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

/* Returns true if the validated options 'tb' have any NAT range
 * attribute. */
static bool
has_nat_range(const struct nlattr *const *tb)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(nat_range_attrs); i++) {
        if (tb[nat_range_attrs[i]]) {
            return true;
        }
    }
    return false;
}

/* Fills the NAT of 'ct' from the TCA_CT_ACTION 'flags' (a clear's aside)
 * and the validated options 'tb' (see the file comment). */
static int
decode_nat(const struct nlattr *const *tb, uint16_t flags,
           struct flower_ct *ct)
{
    const struct nlattr *v4 = tb[TCA_CT_NAT_IPV4_MIN];
    const struct nlattr *v6 = tb[TCA_CT_NAT_IPV6_MIN];
    const struct nlattr *port = tb[TCA_CT_NAT_PORT_MIN];

    ct->nat = (flags & TCA_CT_ACT_NAT) != 0;
    ct->nat_src = (flags & TCA_CT_ACT_NAT_SRC) != 0;
    ct->nat_dst = (flags & TCA_CT_ACT_NAT_DST) != 0;
    if ((tb[TCA_CT_NAT_IPV4_MAX] && !v4) || (tb[TCA_CT_NAT_IPV6_MAX] && !v6)
        || (tb[TCA_CT_NAT_PORT_MAX] && !port) || (v4 && v6)) {
        return EPROTO;
    } else if (has_nat_range(tb) && !(ct->nat && (flags & NAT_DIRS))) {
        return EPROTO;          /* Ignored by act_ct, so never dumped. */
    } else if (ct->nat && ct->nat_src && ct->nat_dst) {
        return EPROTO;          /* Refused by act_ct. */
    } else if (!ct->nat && (flags & NAT_DIRS)) {
        return EOPNOTSUPP;      /* Ignored by act_ct: never put. */
    }

    if (v4) {
        const struct nlattr *max = tb[TCA_CT_NAT_IPV4_MAX];

        ct->nat_ipv4 = true;
        ct->nat_ipv4_min = mnl_attr_get_u32(v4);
        ct->nat_ipv4_max = max ? mnl_attr_get_u32(max) : ct->nat_ipv4_min;
    } else if (v6) {
        const struct nlattr *max = tb[TCA_CT_NAT_IPV6_MAX];

        ct->nat_ipv6 = true;
        memcpy(&ct->nat_ipv6_min, mnl_attr_get_payload(v6),
               sizeof ct->nat_ipv6_min);
        memcpy(&ct->nat_ipv6_max, mnl_attr_get_payload(max ? max : v6),
               sizeof ct->nat_ipv6_max);
    }
    if (port) {
        const struct nlattr *max = tb[TCA_CT_NAT_PORT_MAX];

        ct->nat_port_min = mnl_attr_get_u16(port);
        ct->nat_port_max = max ? mnl_attr_get_u16(max) : ct->nat_port_min;
        if (!ct->nat_port_max) {
            return EOPNOTSUPP;  /* Ports 0 to 0: the model has none. */
        }
    }
    return nat_ranges_ordered(ct) ? 0 : EOPNOTSUPP;
}
