/*
 * MPLS in the TC flower codec (see flower-codec.h): the match on the
 * outermost label stack entry (LSE).
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
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "flower-codec-private.h"

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
    MKF(TCA_FLOWER_KEY_MPLS_LABEL, MNL_TYPE_U32, mpls_label, 0xfffff),
    MKF(TCA_FLOWER_KEY_MPLS_TC, MNL_TYPE_U8, mpls_tc, 0x7),
    MKF(TCA_FLOWER_KEY_MPLS_BOS, MNL_TYPE_U8, mpls_bos, 0x1),
    MKF(TCA_FLOWER_KEY_MPLS_TTL, MNL_TYPE_U8, mpls_ttl, 0xff),
};

static bool is_mpls_type(uint16_t eth_type);
static uint32_t get_key_field(const struct flower_key *,
                              const struct lse_field *);
static void set_key_field(struct flower_key *, const struct lse_field *,
                          uint32_t value);

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
