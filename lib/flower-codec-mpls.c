/*
 * MPLS in the TC flower codec (see flower-codec.h): the match on the
 * outermost label stack entry (LSE), and the options of act_mpls for the
 * rows of flower-codec-actions.c's tables that name it.
 *
 * cls_flower takes the outermost LSE's label, traffic class, bottom of
 * stack bit and TTL from TCA_FLOWER_KEY_MPLS_LABEL (u32), _TC, _BOS and
 * _TTL (u8s), all host order and without mask attributes: each is matched
 * exactly, with a mask of its bit width, or not at all (fl_set_key_mpls()).
 * The kernel refuses values wider than the field, and reads these
 * attributes only when the effective ethertype, the one after any VLAN
 * tags, is MPLS unicast or multicast (fl_set_key()).  So the model's
 * masks are 0 or the field's full width: encoding refuses anything else,
 * a value out of range and a key without an MPLS ethertype, and decoding
 * rejects what the kernel would not have taken.
 *
 * fl_dump_key_mpls() reports such a match with the same attributes; it
 * uses TCA_FLOWER_KEY_MPLS_OPTS only for deeper LSEs, which the model does
 * not have (decoding reports them as not ours, as any unknown key).
 *
 * act_mpls pushes an LSE (TCA_MPLS_ACT_PUSH), pops one
 * (TCA_MPLS_ACT_POP, with the ethertype that follows it) or rewrites
 * fields of the outermost one (TCA_MPLS_ACT_MODIFY).  A push is always
 * put with the whole LSE that OVS gives, a modify with just the fields
 * the model sets.  tcf_mpls_init() refuses a label above 2^20 - 1 or of
 * 3 (implicit null), a TC above 7, a TTL of 0, a BOS above 1, a push of a
 * non-MPLS ethertype, a pop to an ethertype below 0x600 and a modify with
 * an ethertype; encoding refuses them too, and decoding rejects them.
 * A missing ethertype means what it means to tcf_mpls_init(): 0x8847,
 * which tcf_mpls_dump() reports for a modify too.  A push without TTL,
 * TC or BOS (left to the kernel: the netns default TTL, TC 0, and BOS set
 * unless the packet is MPLS already) is not ours, nor are DEC_TTL and
 * MAC_PUSH, which the model does not have.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_mpls.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    LSE_LABEL_MAX = 0xfffff,    /* 20 bits. */
    LSE_TC_MAX = 0x7,           /* 3 bits. */
    LSE_BOS_MAX = 0x1,          /* 1 bit. */
    LSE_TTL_MAX = 0xff,         /* 8 bits. */
    LABEL_IMPLNULL = 3,         /* Never in a packet: act_mpls refuses it. */
};

/* An LSE field of struct flower_key (uint8_t or uint32_t, host order),
 * matched exactly or not at all. */
struct lse_field {
    uint16_t attr;              /* TCA_FLOWER_KEY_MPLS_*. */
    enum mnl_attr_data_type data;   /* MNL_TYPE_U8 or MNL_TYPE_U32. */
    uint16_t offset;            /* Offset in struct flower_key. */
    uint32_t width;             /* The field's bits: its only mask, and
                                 * its largest value. */
};

#define MKF(ATTR, DATA, FIELD, WIDTH) \
    { ATTR, DATA, offsetof(struct flower_key, FIELD), WIDTH }

static const struct lse_field lse_fields[] = {
    MKF(TCA_FLOWER_KEY_MPLS_LABEL, MNL_TYPE_U32, mpls_label, LSE_LABEL_MAX),
    MKF(TCA_FLOWER_KEY_MPLS_TC, MNL_TYPE_U8, mpls_tc, LSE_TC_MAX),
    MKF(TCA_FLOWER_KEY_MPLS_BOS, MNL_TYPE_U8, mpls_bos, LSE_BOS_MAX),
    MKF(TCA_FLOWER_KEY_MPLS_TTL, MNL_TYPE_U8, mpls_ttl, LSE_TTL_MAX),
};

static bool is_mpls_type(uint16_t eth_type);
static uint32_t get_key_field(const struct flower_key *,
                              const struct lse_field *);
static void set_key_field(struct flower_key *, const struct lse_field *,
                          uint32_t value);
static bool mpls_act_valid(enum flower_action_type,
                           const struct flower_mpls *);
static bool lse_valid(const struct flower_mpls *, bool label, bool tc,
                      bool ttl, bool bos);
static int decode_lse(const struct nlattr *const *tb, struct flower_mpls *);

/* Match keys. */

/* Puts the attribute of each LSE field that 'rule' matches.  Returns false
 * if one cannot be expressed exactly (see the file comment). */
bool
codec_put_mpls_keys(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    bool mpls = is_mpls_type(codec_key_eth_type(rule));
    const struct lse_field *f;

    for (f = lse_fields; f < &lse_fields[ARRAY_SIZE(lse_fields)]; f++) {
        uint32_t mask = get_key_field(&rule->mask, f);
        uint32_t value = get_key_field(&rule->key, f);

        if (!mask) {
            continue;
        } else if (!mpls || mask != f->width || value > f->width) {
            return false;
        } else if (f->data == MNL_TYPE_U32) {
            mnl_attr_put_u32(nlh, f->attr, value);
        } else {
            mnl_attr_put_u8(nlh, f->attr, value);
        }
    }
    return true;
}

/* Fills the LSE fields of 'rule' from the validated options 'tb', after
 * the ethertypes (and VLAN fields) have been decoded. */
int
codec_decode_mpls_keys(const struct nlattr *const *tb,
                       struct flower_rule *rule)
{
    const struct lse_field *f;
    bool any = false;

    for (f = lse_fields; f < &lse_fields[ARRAY_SIZE(lse_fields)]; f++) {
        const struct nlattr *attr = tb[f->attr];
        uint32_t value;

        if (!attr) {
            continue;
        }
        value = (f->data == MNL_TYPE_U32
                 ? mnl_attr_get_u32(attr) : mnl_attr_get_u8(attr));
        if (value > f->width) {
            return EPROTO;      /* fl_set_key_mpls() refuses it. */
        }
        set_key_field(&rule->key, f, value);
        set_key_field(&rule->mask, f, f->width);
        any = true;
    }

    /* The kernel reports no key it ignores. */
    return any && !is_mpls_type(codec_key_eth_type(rule)) ? EPROTO : 0;
}

/* Looks MPLS key attribute 'type' up into '*pol'.  Returns false if it is
 * not one. */
bool
codec_mpls_key_policy(uint16_t type, struct attr_policy *pol)
{
    const struct lse_field *f;

    for (f = lse_fields; f < &lse_fields[ARRAY_SIZE(lse_fields)]; f++) {
        if (f->attr == type) {
            pol->type = type;
            pol->data = f->data;
            pol->size = 0;
            pol->skip = false;
            return true;
        }
    }
    return false;
}

/* Actions. */

/* act_put_func for mpls.  Refuses what act_mpls would not take (see the
 * file comment). */
bool
codec_put_mpls(struct nlmsghdr *nlh, const struct act_map *map,
               const struct flower_rule *rule, int index)
{
    const struct flower_mpls *m = &rule->actions[index].mpls;
    struct tc_mpls p = { .action = map->control, .m_action = map->variant };
    bool push = map->type == FLOWER_ACT_MPLS_PUSH;
    bool set = map->type == FLOWER_ACT_MPLS_SET;

    if (!mpls_act_valid(map->type, m)) {
        return false;
    }
    mnl_attr_put(nlh, TCA_MPLS_PARMS, sizeof p, &p);
    if (!set) {
        mnl_attr_put_u16(nlh, TCA_MPLS_PROTO, m->proto);
    }
    if (push || (set && m->set_label)) {
        mnl_attr_put_u32(nlh, TCA_MPLS_LABEL, m->label);
    }
    if (push || (set && m->set_tc)) {
        mnl_attr_put_u8(nlh, TCA_MPLS_TC, m->tc);
    }
    if (push || (set && m->set_ttl)) {
        mnl_attr_put_u8(nlh, TCA_MPLS_TTL, m->ttl);
    }
    if (push || (set && m->set_bos)) {
        mnl_attr_put_u8(nlh, TCA_MPLS_BOS, m->bos);
    }
    return true;
}

/* Returns true if act_mpls takes 'm' as an action of 'type'. */
static bool
mpls_act_valid(enum flower_action_type type, const struct flower_mpls *m)
{
    if (type == FLOWER_ACT_MPLS_PUSH) {
        return is_mpls_type(m->proto) && lse_valid(m, true, true, true, true);
    } else if (type == FLOWER_ACT_MPLS_POP) {
        return ntohs(m->proto) >= ETH_P_802_3_MIN;
    } else if (type == FLOWER_ACT_MPLS_SET) {
        return !m->proto && lse_valid(m, m->set_label, m->set_tc,
                                      m->set_ttl, m->set_bos);
    }
    return false;
}

/* Returns true if the LSE fields of 'm' that 'label', 'tc', 'ttl' and
 * 'bos' say are given have values that act_mpls takes. */
static bool
lse_valid(const struct flower_mpls *m, bool label, bool tc, bool ttl,
          bool bos)
{
    return ((!label || (m->label <= LSE_LABEL_MAX
                        && m->label != LABEL_IMPLNULL))
            && (!tc || m->tc <= LSE_TC_MAX)
            && (!ttl || m->ttl)
            && (!bos || m->bos <= LSE_BOS_MAX));
}

/* act_decode_func for mpls. */
int
codec_decode_mpls(const struct nlattr *const *tb, struct flower_rule *rule,
                  int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct nlattr *proto = tb[TCA_MPLS_PROTO];
    struct flower_mpls *m = &act->mpls;
    const struct act_map *map;
    struct tc_mpls p;
    int error;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_MPLS_PARMS]), sizeof p);
    map = codec_find_act_map(AK_MPLS, p.m_action, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    m->proto = proto ? mnl_attr_get_u16(proto) : htons(ETH_P_MPLS_UC);
    error = decode_lse(tb, m);
    if (error) {
        return error;
    }

    if (map->type == FLOWER_ACT_MPLS_PUSH) {
        if (!is_mpls_type(m->proto) || !m->set_label) {
            return EPROTO;
        } else if (!m->set_ttl || !m->set_tc || !m->set_bos) {
            return EOPNOTSUPP;
        }
        m->set_label = m->set_tc = m->set_ttl = m->set_bos = false;
        return 0;
    } else if (map->type == FLOWER_ACT_MPLS_POP) {
        return (!proto || ntohs(m->proto) < ETH_P_802_3_MIN || m->set_label
                || m->set_tc || m->set_ttl || m->set_bos ? EPROTO : 0);
    } else if (map->type == FLOWER_ACT_MPLS_SET) {
        if (m->proto != htons(ETH_P_MPLS_UC)) {
            return EPROTO;
        }
        m->proto = 0;
        return 0;
    }
    return EOPNOTSUPP;
}

/* Fills the LSE fields of 'm' from the validated options 'tb', each
 * 'set_*' flag saying whether its field is there.  Rejects a value that
 * act_mpls refuses. */
static int
decode_lse(const struct nlattr *const *tb, struct flower_mpls *m)
{
    const struct nlattr *label = tb[TCA_MPLS_LABEL];
    const struct nlattr *tc = tb[TCA_MPLS_TC];
    const struct nlattr *ttl = tb[TCA_MPLS_TTL];
    const struct nlattr *bos = tb[TCA_MPLS_BOS];

    m->set_label = label != NULL;
    m->label = label ? mnl_attr_get_u32(label) : 0;
    m->set_tc = tc != NULL;
    m->tc = tc ? mnl_attr_get_u8(tc) : 0;
    m->set_ttl = ttl != NULL;
    m->ttl = ttl ? mnl_attr_get_u8(ttl) : 0;
    m->set_bos = bos != NULL;
    m->bos = bos ? mnl_attr_get_u8(bos) : 0;
    return (lse_valid(m, m->set_label, m->set_tc, m->set_ttl, m->set_bos)
            ? 0 : EPROTO);
}

/* Helpers. */

/* Returns true if 'eth_type' (network order) is an MPLS ethertype. */
static bool
is_mpls_type(uint16_t eth_type)
{
    return (eth_type == htons(ETH_P_MPLS_UC)
            || eth_type == htons(ETH_P_MPLS_MC));
}

/* Returns the LSE field 'f' of 'key'. */
static uint32_t
get_key_field(const struct flower_key *key, const struct lse_field *f)
{
    const uint8_t *p = (const uint8_t *) key + f->offset;
    uint32_t value;

    if (f->data == MNL_TYPE_U32) {
        memcpy(&value, p, sizeof value);
        return value;
    }
    return *p;
}

/* Sets the LSE field 'f' of 'key' to 'value', which fits. */
static void
set_key_field(struct flower_key *key, const struct lse_field *f,
              uint32_t value)
{
    uint8_t *p = (uint8_t *) key + f->offset;

    if (f->data == MNL_TYPE_U32) {
        memcpy(p, &value, sizeof value);
    } else {
        *p = value;
    }
}
