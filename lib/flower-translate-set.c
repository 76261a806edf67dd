/*
 * OVS set/set_masked actions <-> act_pedit rewrites (see
 * flower-translate.h).
 *
 * One table says where each field OVS can set lies in the packet, and is
 * read in both directions.  A set becomes pedit keys: the field's bytes are
 * laid out in a copy of their header, then every 32-bit word with bits to
 * rewrite becomes one key.  The IPv6 traffic class and flow label share
 * a word with the version and start mid-byte, so the table gives them as
 * bits of that word.  Fields the table does not have (MPLS, ...) are
 * refused.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "odp-netlink.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

#define MAX_HDR_LEN 40          /* The IPv6 header, the longest we touch. */

static const struct set_field {
    enum ovs_key_attr attr;
    size_t key_len;             /* sizeof the struct ovs_key_*. */
    size_t ofs, len;            /* The field within that struct. */
    uint8_t htype;              /* TCA_PEDIT_KEY_EX_HDR_TYPE_*. */
    size_t hdr_ofs;             /* The field within its header. */
    uint32_t bits;              /* If nonzero, the field is these bits of
                                 * the 32-bit word at 'hdr_ofs'. */
    bool ip_csum;               /* Is in the IPv4 header checksum. */
    bool l4_csum;               /* Is in the L4 checksum (or pseudo hdr). */
} set_fields[] = {
#define FB(ATTR, STRUCT, MEMBER, HTYPE, HDR_OFS, BITS, IP_CSUM, L4_CSUM) \
    { OVS_KEY_ATTR_##ATTR, sizeof(struct STRUCT),                          \
      offsetof(struct STRUCT, MEMBER),                                     \
      MEMBER_SIZEOF(struct STRUCT, MEMBER),                                \
      TCA_PEDIT_KEY_EX_HDR_TYPE_##HTYPE, HDR_OFS, BITS, IP_CSUM, L4_CSUM }
#define F(ATTR, STRUCT, MEMBER, HTYPE, HDR_OFS, IP_CSUM, L4_CSUM)         \
    FB(ATTR, STRUCT, MEMBER, HTYPE, HDR_OFS, 0, IP_CSUM, L4_CSUM)
    F(ETHERNET, ovs_key_ethernet, eth_dst, ETH, 0, false, false),
    F(ETHERNET, ovs_key_ethernet, eth_src, ETH, 6, false, false),
    F(IPV4, ovs_key_ipv4, ipv4_tos, IP4, 1, true, false),
    F(IPV4, ovs_key_ipv4, ipv4_ttl, IP4, 8, true, false),
    F(IPV4, ovs_key_ipv4, ipv4_src, IP4, 12, true, true),
    F(IPV4, ovs_key_ipv4, ipv4_dst, IP4, 16, true, true),
    FB(IPV6, ovs_key_ipv6, ipv6_tclass, IP6, 0, 0x0ff00000, false, false),
    FB(IPV6, ovs_key_ipv6, ipv6_label, IP6, 0, 0x000fffff, false, false),
    F(IPV6, ovs_key_ipv6, ipv6_hlimit, IP6, 7, false, false),
    F(IPV6, ovs_key_ipv6, ipv6_src, IP6, 8, false, true),
    F(IPV6, ovs_key_ipv6, ipv6_dst, IP6, 24, false, true),
    F(TCP, ovs_key_tcp, tcp_src, TCP, 0, false, true),
    F(TCP, ovs_key_tcp, tcp_dst, TCP, 2, false, true),
    F(UDP, ovs_key_udp, udp_src, UDP, 0, false, true),
    F(UDP, ovs_key_udp, udp_dst, UDP, 2, false, true),
#undef F
#undef FB
};

/* The 'len'-byte big-endian number at 'p'. */
static uint32_t
get_be_n(const uint8_t *p, size_t len)
{
    uint32_t x = 0;

    for (size_t i = 0; i < len; i++) {
        x = (x << 8) | p[i];
    }
    return x;
}

static void
put_be_n(uint8_t *p, size_t len, uint32_t x)
{
    for (size_t i = len; i-- > 0; x >>= 8) {
        p[i] = x;
    }
}

/* Lays the bit field 'f' of the set's 'value' (under 'mask', or all of it
 * for a null 'mask') out in its header word in 'hdr_val' and 'hdr_mask',
 * and marks in 'settable' the bits of the key it can rewrite.  Returns
 * true if it rewrites any bit. */
static bool
put_bit_field(const struct set_field *f, const uint8_t *value,
              const uint8_t *mask, uint8_t *hdr_val, uint8_t *hdr_mask,
              uint8_t *settable)
{
    int shift = ctz32(f->bits);
    uint32_t field_bits = f->bits >> shift;
    uint32_t m = (mask ? get_be_n(mask + f->ofs, f->len) : UINT32_MAX)
                 & field_bits;
    uint32_t v = get_be_n(value + f->ofs, f->len) & m;
    ovs_be32 word_val, word_mask;

    put_be_n(settable + f->ofs, f->len, field_bits);
    if (!m) {
        return false;
    }
    memcpy(&word_val, hdr_val + f->hdr_ofs, 4);
    memcpy(&word_mask, hdr_mask + f->hdr_ofs, 4);
    word_val |= htonl(v << shift);
    word_mask |= htonl(m << shift);
    memcpy(hdr_val + f->hdr_ofs, &word_val, 4);
    memcpy(hdr_mask + f->hdr_ofs, &word_mask, 4);
    return true;
}

/* The reverse of put_bit_field() for one pedit 'key': stores in 'value'
 * and 'mask' the bits of field 'f' that 'key' rewrites.  Returns true if
 * it rewrites any. */
static bool
get_bit_field(const struct set_field *f, const struct flower_pedit_key *key,
              uint8_t *value, uint8_t *mask)
{
    int shift = ctz32(f->bits);
    uint32_t m = ntohl(key->mask) & f->bits;

    if (key->offset != f->hdr_ofs || !m) {
        return false;
    }
    put_be_n(value + f->ofs, f->len, (ntohl(key->value) & m) >> shift);
    put_be_n(mask + f->ofs, f->len, m >> shift);
    return true;
}

/* Refuses a set of a header we do not rewrite, naming it as ovs-dpctl
 * does ("set tunnel", "set mpls"). */
static int
refuse_header(const struct nlattr *set, struct offload_refusal_info *refusal)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *name;

    format_odp_actions(&s, set, set->nla_len, NULL);
    name = strchr(ds_cstr(&s), '(');
    name = name ? name + 1 : "";
    snprintf(refusal->detail, sizeof refusal->detail, "set %.*s",
             (int) strcspn(name, "("), name);
    refusal->reason = OFFLOAD_REFUSAL_ACTION_UNSUPPORTED;
    ds_destroy(&s);
    return EOPNOTSUPP;
}

/* Could 'rule' match a fragment other than the first?  Then it may not
 * rewrite L4 fields or checksums: a later fragment has no L4 header. */
static bool
rule_may_match_later_fragments(const struct flower_rule *rule)
{
    uint32_t key = rule->key.ip_flags, mask = rule->mask.ip_flags;

    if (mask & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
        && !(key & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT)) {
        return false;           /* Not a fragment. */
    }
    return !(mask & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST
             && key & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST);
}

/* The checksums act_csum must fix after an L4-affecting rewrite. */
static uint32_t
l4_csum_flags(const struct flower_rule *rule)
{
    if (rule->mask.ip_proto) {
        switch (rule->key.ip_proto) {
        case IPPROTO_TCP:
            return TCA_CSUM_UPDATE_FLAG_TCP;
        case IPPROTO_UDP:
            return TCA_CSUM_UPDATE_FLAG_UDP;
        case IPPROTO_ICMPV6:
            return TCA_CSUM_UPDATE_FLAG_ICMP;
        case IPPROTO_ICMP:
            return 0;           /* No pseudo header. */
        }
    }
    return UINT32_MAX;
}

/* Translates one set (masked or not) into a PEDIT action of 'rule' and
 * adds to '*csum_flags' the checksums it breaks.  Returns 0 or EOPNOTSUPP
 * with 'refusal'. */
int
flower_translate_set(const struct nlattr *set, bool masked,
                     struct flower_rule *rule, uint32_t *csum_flags,
                     struct offload_refusal_info *refusal)
{
    const struct nlattr *field = nl_attr_get(set);
    enum ovs_key_attr attr = nl_attr_type(field);
    const uint8_t *value = nl_attr_get(field);
    uint8_t hdr_val[MAX_HDR_LEN], hdr_mask[MAX_HDR_LEN];
    uint8_t settable[64];
    size_t key_len = 0;
    uint8_t htype = 0;
    bool l4 = false;
    uint32_t flags = 0;
    int first = rule->n_pedit_keys;

    memset(hdr_val, 0, sizeof hdr_val);
    memset(hdr_mask, 0, sizeof hdr_mask);
    memset(settable, 0, sizeof settable);
    for (size_t i = 0; i < ARRAY_SIZE(set_fields); i++) {
        const struct set_field *f = &set_fields[i];

        if (f->attr != attr) {
            continue;
        }
        key_len = f->key_len;
        htype = f->htype;
        if (nl_attr_get_size(field) != (masked ? 2 : 1) * key_len) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "malformed set");
        }
        if (f->bits) {
            if (put_bit_field(f, value, masked ? value + key_len : NULL,
                              hdr_val, hdr_mask, settable)) {
                flags |= f->ip_csum ? TCA_CSUM_UPDATE_FLAG_IPV4HDR : 0;
                l4 |= f->l4_csum;
            }
            continue;
        }
        memset(settable + f->ofs, 0xff, f->len);
        for (size_t j = 0; j < f->len; j++) {
            uint8_t m = masked ? value[key_len + f->ofs + j] : 0xff;

            if (m) {
                hdr_val[f->hdr_ofs + j] = value[f->ofs + j] & m;
                hdr_mask[f->hdr_ofs + j] = m;
                flags |= f->ip_csum ? TCA_CSUM_UPDATE_FLAG_IPV4HDR : 0;
                l4 |= f->l4_csum;
            }
        }
    }
    if (!key_len) {
        return refuse_header(set, refusal);
    }
    if (masked) {
        /* A masked set of a field the table lacks is refused; a plain set
         * rewrites the whole key, but only to the values the flow matched
         * for the fields that cannot change (protocol, fragment type). */
        for (size_t j = 0; j < key_len; j++) {
            if (value[key_len + j] & ~settable[j]) {
                return offload_refuse(refusal,
                                      OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                      "set of this field");
            }
        }
    }

    if (l4) {
        uint32_t l4_flags = l4_csum_flags(rule);

        if (l4_flags == UINT32_MAX) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "set with unknown L4 protocol");
        }
        if (rule_may_match_later_fragments(rule)) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "set on IP fragments");
        }
        flags |= l4_flags;
    }

    for (size_t ofs = 0; ofs < MAX_HDR_LEN; ofs += 4) {
        struct flower_pedit_key *key;
        uint32_t mask;

        memcpy(&mask, hdr_mask + ofs, 4);
        if (!mask) {
            continue;
        }
        if (rule->n_pedit_keys >= FLOWER_MAX_PEDIT_KEYS) {
            offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_TOO_MANY,
                                "pedit keys");
            return EOPNOTSUPP;
        }
        key = &rule->pedit_keys[rule->n_pedit_keys++];
        key->htype = htype;
        key->offset = ofs;
        key->mask = mask;
        memcpy(&key->value, hdr_val + ofs, 4);
    }
    if (rule->n_pedit_keys == first) {
        return 0;               /* Nothing to rewrite. */
    }

    if (rule->n_actions >= FLOWER_MAX_ACTIONS) {
        offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_TOO_MANY, NULL);
        return EOPNOTSUPP;
    }
    struct flower_action *action = &rule->actions[rule->n_actions++];

    memset(action, 0, sizeof *action);
    action->type = FLOWER_ACT_PEDIT;
    action->pedit.first = first;
    action->pedit.n = rule->n_pedit_keys - first;
    *csum_flags |= flags;
    return 0;
}

/* Appends to 'buf' the set_masked actions that the PEDIT 'action' of
 * 'rule' performs.  Returns 0, or EINVAL for a rewrite OVS cannot say. */
int
flower_pedit_to_odp_actions(const struct flower_rule *rule,
                            const struct flower_action *action,
                            struct ofpbuf *buf)
{
    static const enum ovs_key_attr attrs[] = {
        OVS_KEY_ATTR_ETHERNET, OVS_KEY_ATTR_IPV4, OVS_KEY_ATTR_IPV6,
        OVS_KEY_ATTR_TCP, OVS_KEY_ATTR_UDP,
    };

    for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
        uint8_t value[64], mask[64];
        size_t key_len = 0;
        bool any = false;

        memset(value, 0, sizeof value);
        memset(mask, 0, sizeof mask);
        for (int k = action->pedit.first;
             k < action->pedit.first + action->pedit.n; k++) {
            const struct flower_pedit_key *key = &rule->pedit_keys[k];
            uint8_t kv[4], km[4];

            memcpy(kv, &key->value, 4);
            memcpy(km, &key->mask, 4);
            for (size_t i = 0; i < ARRAY_SIZE(set_fields); i++) {
                const struct set_field *f = &set_fields[i];

                if (f->attr != attrs[a] || f->htype != key->htype) {
                    continue;
                }
                key_len = f->key_len;
                if (f->bits) {
                    any |= get_bit_field(f, key, value, mask);
                    continue;
                }
                for (size_t j = 0; j < f->len; j++) {
                    size_t hdr_ofs = f->hdr_ofs + j;

                    if (hdr_ofs >= key->offset && hdr_ofs < key->offset + 4
                        && km[hdr_ofs - key->offset]) {
                        value[f->ofs + j] = kv[hdr_ofs - key->offset];
                        mask[f->ofs + j] = km[hdr_ofs - key->offset];
                        any = true;
                    }
                }
            }
        }
        if (any) {
            size_t set_ofs = nl_msg_start_nested(buf,
                                                 OVS_ACTION_ATTR_SET_MASKED);
            size_t key_ofs = nl_msg_start_nested(buf, attrs[a]);

            nl_msg_put(buf, value, key_len);
            nl_msg_put(buf, mask, key_len);
            nl_msg_end_nested(buf, key_ofs);
            nl_msg_end_nested(buf, set_ofs);
        }
    }
    return 0;
}
