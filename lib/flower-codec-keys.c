/*
 * Match keys of the TC flower codec (see flower-codec.h): the key table
 * that maps each field of struct flower_key to its TCA_FLOWER_KEY_*
 * attributes, read by encoding, decoding and attribute validation alike,
 * and the few keys whose attributes are not byte copies of the field.
 *
 * VLAN: 'key.eth_type' is the outermost ethertype, as cls_flower wants it
 * in TCA_FLOWER_KEY_ETH_TYPE on add (0x8100 or 0x88a8 when tagged), and
 * 'key.vlan_eth_type' the one after the tag (TCA_FLOWER_KEY_VLAN_ETH_TYPE).
 * When that is a TPID too, fl_set_key() reads the inner tag from
 * TCA_FLOWER_KEY_CVLAN_ID, _CVLAN_PRIO and the type after both tags from
 * _CVLAN_ETH_TYPE ('key.cvlan_*').  The kernel never dumps the outer TPID
 * back: fl_dump_key() puts the innermost type (basic.n_proto) in
 * TCA_FLOWER_KEY_ETH_TYPE, and in _VLAN_ETH_TYPE the inner TPID of two
 * tags or the inner type of one.  For such a dump the decoder takes the
 * outer TPID from the filter protocol in 'tcm_info', so a request and the
 * kernel's dump of it decode to the same rule.  A third tag cannot be
 * matched: the flow dissector walks past it to basic.n_proto, so a rule
 * whose type after two tags is a TPID would match nothing.  Neither
 * encoding nor decoding accepts one.
 *
 * cls_flower silently ignores a key attribute whose precondition fails
 * (ports and TCP flags unless ip_proto is TCP, UDP or SCTP as needed,
 * ip_proto unless the type is IP, ARP fields unless it is ARP or RARP, ...:
 * fl_set_key()) and matches some fields exactly only.  Rather than install
 * a rule broader than asked, encoding fails on such a key or on a partial
 * mask of an exact-only field, and decoding rejects them.
 *
 * MPLS keys are in flower-codec-mpls.c: like VLAN ids they are not byte
 * copies of their fields, and they depend on the effective ethertype.
 *
 * Conntrack keys (fl_set_key_ct()) are host-order u16/u32 and a 16-byte
 * label, copied byte for byte like the network-order fields: the model
 * keeps them in host order too.  The kernel itself refuses (EINVAL)
 * ct_state combinations that cannot match (fl_validate_ct_state()).
 *
 * Tunnel keys (enc_*) hold whatever the packet's tunnel metadata has,
 * whatever its ethertype.  cls_flower keeps the outer IPv4 and IPv6
 * addresses in one union: given both, fl_set_key() writes the IPv6 ones
 * over the IPv4 ones and matches a mix of the two, and fl_dump_key()
 * reports only the family of the last written.  So neither encoding nor
 * decoding accepts both.  The tunnel options (Geneve TLVs, VXLAN GBP) are
 * flower-codec-tunnel.c's.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    FRAG_FLAGS = (TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
                  | TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST),
};

/* When cls_flower honours a key attribute (as fl_set_key() decides). */
enum key_cond {
    KC_ANY,                     /* Always. */
    KC_VLAN,                    /* Outer ethertype is a VLAN TPID. */
    KC_CVLAN,                   /* So is the one after the outer tag. */
    KC_IP,                      /* Effective ethertype is IPv4 or IPv6. */
    KC_NO_IPV4,                 /* No IPv4 address matched (IPv4 wins). */
    KC_NO_ENC_IPV4,             /* No outer IPv4 address matched. */
    KC_TCP,                     /* ip_proto is TCP. */
    KC_UDP,                     /* ip_proto is UDP. */
    KC_SCTP,                    /* ip_proto is SCTP. */
    KC_ICMPV4,                  /* IPv4 and ip_proto ICMP. */
    KC_ICMPV6,                  /* IPv6 and ip_proto ICMPv6. */
    KC_ARP,                     /* Effective ethertype is ARP or RARP. */
};

/* A key field that its attributes carry byte for byte (network order, or
 * host order for the conntrack fields, in the model as in the kernel). */
struct key_field {
    uint16_t attr;              /* TCA_FLOWER_KEY_*. */
    uint16_t mask_attr;         /* TCA_FLOWER_KEY_*_MASK, 0: exact only. */
    uint16_t offset;            /* Offset in struct flower_key. */
    uint16_t size;              /* Field size == attribute payload size. */
    enum key_cond cond;         /* When the kernel honours 'attr'. */
};

#define KF(ATTR, MASK_ATTR, FIELD, COND)                        \
    { ATTR, MASK_ATTR, offsetof(struct flower_key, FIELD),      \
      sizeof ((struct flower_key *) NULL)->FIELD, COND }

/* The key table, walked by codec_put_keys() to put each field whose mask
 * is not zero, by codec_decode_keys() to fill key and mask, and by
 * codec_key_policy() for the exact size of each attribute.  A field with
 * several attributes (ports, ICMP) has a row for each, and the row whose
 * condition holds is used.  VLAN ids/priorities (host order, sub-byte
 * masks: 'vlan_tags'), the fragment flags (big-endian bitmap) and the
 * tunnel options are not byte copies: see put_vlan(), put_ip_flags(),
 * decode_vlan(), decode_ip_flags() and flower-codec-tunnel.c. */
static const struct key_field key_fields[] = {
    KF(TCA_FLOWER_KEY_ETH_DST, TCA_FLOWER_KEY_ETH_DST_MASK, eth_dst, KC_ANY),
    KF(TCA_FLOWER_KEY_ETH_SRC, TCA_FLOWER_KEY_ETH_SRC_MASK, eth_src, KC_ANY),
    KF(TCA_FLOWER_KEY_ETH_TYPE, 0, eth_type, KC_ANY),
    KF(TCA_FLOWER_KEY_VLAN_ETH_TYPE, 0, vlan_eth_type, KC_VLAN),
    KF(TCA_FLOWER_KEY_CVLAN_ETH_TYPE, 0, cvlan_eth_type, KC_CVLAN),
    KF(TCA_FLOWER_KEY_IP_PROTO, 0, ip_proto, KC_IP),
    KF(TCA_FLOWER_KEY_IP_TOS, TCA_FLOWER_KEY_IP_TOS_MASK, ip_tos, KC_IP),
    KF(TCA_FLOWER_KEY_IP_TTL, TCA_FLOWER_KEY_IP_TTL_MASK, ip_ttl, KC_IP),
    KF(TCA_FLOWER_KEY_IPV4_SRC, TCA_FLOWER_KEY_IPV4_SRC_MASK, ipv4_src,
       KC_ANY),
    KF(TCA_FLOWER_KEY_IPV4_DST, TCA_FLOWER_KEY_IPV4_DST_MASK, ipv4_dst,
       KC_ANY),
    KF(TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_IPV6_SRC_MASK, ipv6_src,
       KC_NO_IPV4),
    KF(TCA_FLOWER_KEY_IPV6_DST, TCA_FLOWER_KEY_IPV6_DST_MASK, ipv6_dst,
       KC_NO_IPV4),
    KF(TCA_FLOWER_KEY_TCP_SRC, TCA_FLOWER_KEY_TCP_SRC_MASK, tp_src, KC_TCP),
    KF(TCA_FLOWER_KEY_TCP_DST, TCA_FLOWER_KEY_TCP_DST_MASK, tp_dst, KC_TCP),
    KF(TCA_FLOWER_KEY_UDP_SRC, TCA_FLOWER_KEY_UDP_SRC_MASK, tp_src, KC_UDP),
    KF(TCA_FLOWER_KEY_UDP_DST, TCA_FLOWER_KEY_UDP_DST_MASK, tp_dst, KC_UDP),
    KF(TCA_FLOWER_KEY_SCTP_SRC, TCA_FLOWER_KEY_SCTP_SRC_MASK, tp_src,
       KC_SCTP),
    KF(TCA_FLOWER_KEY_SCTP_DST, TCA_FLOWER_KEY_SCTP_DST_MASK, tp_dst,
       KC_SCTP),
    KF(TCA_FLOWER_KEY_ICMPV4_TYPE, TCA_FLOWER_KEY_ICMPV4_TYPE_MASK,
       icmp_type, KC_ICMPV4),
    KF(TCA_FLOWER_KEY_ICMPV4_CODE, TCA_FLOWER_KEY_ICMPV4_CODE_MASK,
       icmp_code, KC_ICMPV4),
    KF(TCA_FLOWER_KEY_ICMPV6_TYPE, TCA_FLOWER_KEY_ICMPV6_TYPE_MASK,
       icmp_type, KC_ICMPV6),
    KF(TCA_FLOWER_KEY_ICMPV6_CODE, TCA_FLOWER_KEY_ICMPV6_CODE_MASK,
       icmp_code, KC_ICMPV6),
    KF(TCA_FLOWER_KEY_TCP_FLAGS, TCA_FLOWER_KEY_TCP_FLAGS_MASK, tcp_flags,
       KC_TCP),
    KF(TCA_FLOWER_KEY_ARP_SIP, TCA_FLOWER_KEY_ARP_SIP_MASK, arp_sip, KC_ARP),
    KF(TCA_FLOWER_KEY_ARP_TIP, TCA_FLOWER_KEY_ARP_TIP_MASK, arp_tip, KC_ARP),
    KF(TCA_FLOWER_KEY_ARP_OP, TCA_FLOWER_KEY_ARP_OP_MASK, arp_op, KC_ARP),
    KF(TCA_FLOWER_KEY_ARP_SHA, TCA_FLOWER_KEY_ARP_SHA_MASK, arp_sha, KC_ARP),
    KF(TCA_FLOWER_KEY_ARP_THA, TCA_FLOWER_KEY_ARP_THA_MASK, arp_tha, KC_ARP),
    KF(TCA_FLOWER_KEY_CT_STATE, TCA_FLOWER_KEY_CT_STATE_MASK, ct_state,
       KC_ANY),
    KF(TCA_FLOWER_KEY_CT_ZONE, TCA_FLOWER_KEY_CT_ZONE_MASK, ct_zone, KC_ANY),
    KF(TCA_FLOWER_KEY_CT_MARK, TCA_FLOWER_KEY_CT_MARK_MASK, ct_mark, KC_ANY),
    KF(TCA_FLOWER_KEY_CT_LABELS, TCA_FLOWER_KEY_CT_LABELS_MASK, ct_label,
       KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_KEY_ID, 0, enc_key_id, KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_IPV4_SRC, TCA_FLOWER_KEY_ENC_IPV4_SRC_MASK,
       enc_ipv4_src, KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_IPV4_DST, TCA_FLOWER_KEY_ENC_IPV4_DST_MASK,
       enc_ipv4_dst, KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_IPV6_SRC, TCA_FLOWER_KEY_ENC_IPV6_SRC_MASK,
       enc_ipv6_src, KC_NO_ENC_IPV4),
    KF(TCA_FLOWER_KEY_ENC_IPV6_DST, TCA_FLOWER_KEY_ENC_IPV6_DST_MASK,
       enc_ipv6_dst, KC_NO_ENC_IPV4),
    KF(TCA_FLOWER_KEY_ENC_IP_TOS, TCA_FLOWER_KEY_ENC_IP_TOS_MASK, enc_tos,
       KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_IP_TTL, TCA_FLOWER_KEY_ENC_IP_TTL_MASK, enc_ttl,
       KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_UDP_SRC_PORT, TCA_FLOWER_KEY_ENC_UDP_SRC_PORT_MASK,
       enc_tp_src, KC_ANY),
    KF(TCA_FLOWER_KEY_ENC_UDP_DST_PORT, TCA_FLOWER_KEY_ENC_UDP_DST_PORT_MASK,
       enc_tp_dst, KC_ANY),
};

/* The id and priority of a VLAN tag: host order, 12 and 3 bits, and
 * without mask attributes (fl_set_key_vlan() sets full masks). */
struct vlan_tag {
    enum key_cond cond;         /* When the kernel honours the attributes. */
    uint16_t id_attr;           /* TCA_FLOWER_KEY_{,C}VLAN_ID. */
    uint16_t prio_attr;         /* TCA_FLOWER_KEY_{,C}VLAN_PRIO. */
    uint16_t id_offset;         /* Offset of the uint16_t id in
                                 * struct flower_key. */
    uint16_t prio_offset;       /* Offset of the uint8_t priority. */
};

#define VT(COND, ID_ATTR, PRIO_ATTR, ID, PRIO)                      \
    { COND, ID_ATTR, PRIO_ATTR, offsetof(struct flower_key, ID),    \
      offsetof(struct flower_key, PRIO) }

/* The outer tag, then the inner one of a QinQ match. */
static const struct vlan_tag vlan_tags[] = {
    VT(KC_VLAN, TCA_FLOWER_KEY_VLAN_ID, TCA_FLOWER_KEY_VLAN_PRIO, vlan_id,
       vlan_prio),
    VT(KC_CVLAN, TCA_FLOWER_KEY_CVLAN_ID, TCA_FLOWER_KEY_CVLAN_PRIO,
       cvlan_id, cvlan_prio),
};

/* Key attributes that are not byte copies of a field (see the table). */
static const struct attr_policy special_key_policy[] = {
    { TCA_FLOWER_KEY_VLAN_ID, MNL_TYPE_U16, 0, false },
    { TCA_FLOWER_KEY_VLAN_PRIO, MNL_TYPE_U8, 0, false },
    { TCA_FLOWER_KEY_CVLAN_ID, MNL_TYPE_U16, 0, false },
    { TCA_FLOWER_KEY_CVLAN_PRIO, MNL_TYPE_U8, 0, false },
    { TCA_FLOWER_KEY_FLAGS, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_KEY_FLAGS_MASK, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_KEY_ENC_OPTS, MNL_TYPE_NESTED, 0, false },
    { TCA_FLOWER_KEY_ENC_OPTS_MASK, MNL_TYPE_NESTED, 0, false },
};

static bool put_vlan(struct nlmsghdr *, const struct flower_rule *);
static bool put_ip_flags(struct nlmsghdr *, const struct flower_rule *);
static bool field_encodable(const struct flower_rule *, uint16_t offset);
static bool key_cond_holds(const struct flower_rule *, enum key_cond);
static int decode_vlan(const struct nlattr *const *tb, uint16_t protocol,
                       struct flower_rule *);
static bool decode_vlan_tags(const struct nlattr *const *tb,
                             struct flower_rule *);
static int decode_ip_flags(const struct nlattr *const *tb,
                           struct flower_rule *);

/* Encoding. */

/* Puts the key and mask attributes of every matched field of 'rule'.
 * Returns false if a field cannot be expressed (see the file comment). */
bool
codec_put_keys(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    const struct key_field *f;

    for (f = key_fields; f < &key_fields[ARRAY_SIZE(key_fields)]; f++) {
        const uint8_t *key = (const uint8_t *) &rule->key + f->offset;
        const uint8_t *mask = (const uint8_t *) &rule->mask + f->offset;

        if (codec_bytes_are(mask, f->size, 0)) {
            continue;
        } else if (!key_cond_holds(rule, f->cond)) {
            if (!field_encodable(rule, f->offset)) {
                return false;
            }
            continue;
        } else if (!f->mask_attr && !codec_bytes_are(mask, f->size, 0xff)) {
            return false;
        }
        mnl_attr_put(nlh, f->attr, f->size, key);
        if (f->mask_attr) {
            mnl_attr_put(nlh, f->mask_attr, f->size, mask);
        }
    }
    return (put_vlan(nlh, rule) && put_ip_flags(nlh, rule)
            && codec_put_mpls_keys(nlh, rule)
            && codec_put_enc_opts(nlh, rule));
}

/* Puts the id and priority attributes of each VLAN tag that 'rule'
 * matches.  Without mask attributes only full masks encode, and a tag's
 * attributes only where the kernel reads them.  Refuses a third tag (see
 * the file comment). */
static bool
put_vlan(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    const uint8_t *key = (const uint8_t *) &rule->key;
    const uint8_t *mask = (const uint8_t *) &rule->mask;
    const struct vlan_tag *t;

    if (key_cond_holds(rule, KC_CVLAN) && rule->mask.cvlan_eth_type
        && codec_is_vlan_tpid(rule->key.cvlan_eth_type)) {
        return false;
    }
    for (t = vlan_tags; t < &vlan_tags[ARRAY_SIZE(vlan_tags)]; t++) {
        uint8_t prio = key[t->prio_offset];
        uint8_t prio_mask = mask[t->prio_offset];
        bool tagged = key_cond_holds(rule, t->cond);
        uint16_t id, id_mask;

        memcpy(&id, key + t->id_offset, sizeof id);
        memcpy(&id_mask, mask + t->id_offset, sizeof id_mask);
        if (id_mask) {
            if (!tagged || (id_mask & VID_MASK) != VID_MASK) {
                return false;
            }
            mnl_attr_put_u16(nlh, t->id_attr, id & VID_MASK);
        }
        if (prio_mask) {
            if (!tagged || (prio_mask & PCP_MASK) != PCP_MASK) {
                return false;
            }
            mnl_attr_put_u8(nlh, t->prio_attr, prio & PCP_MASK);
        }
    }
    return true;
}

/* Puts TCA_FLOWER_KEY_FLAGS and the mask the kernel requires with it, both
 * big-endian u32s (fl_set_key_flags()); only the fragment bits exist. */
static bool
put_ip_flags(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    if (!rule->mask.ip_flags) {
        return true;
    } else if (rule->mask.ip_flags & ~FRAG_FLAGS) {
        return false;
    }
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_FLAGS, htonl(rule->key.ip_flags));
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_FLAGS_MASK,
                     htonl(rule->mask.ip_flags));
    return true;
}

/* Returns true if a 'key_fields' row for the field at 'offset' has its
 * condition met in 'rule', i.e. the field can be put at all. */
static bool
field_encodable(const struct flower_rule *rule, uint16_t offset)
{
    const struct key_field *f;

    for (f = key_fields; f < &key_fields[ARRAY_SIZE(key_fields)]; f++) {
        if (f->offset == offset && key_cond_holds(rule, f->cond)) {
            return true;
        }
    }
    return false;
}

/* Returns the effective ethertype of 'rule', the kernel's basic.n_proto
 * on which the keys after the Ethernet header depend: the type after the
 * VLAN tags of a VLAN match, else the ethertype; 0 if not matched. */
uint16_t
codec_key_eth_type(const struct flower_rule *rule)
{
    const struct flower_key *key = &rule->key;
    const struct flower_key *mask = &rule->mask;
    bool tagged = mask->eth_type && codec_is_vlan_tpid(key->eth_type);

    if (tagged && mask->vlan_eth_type
        && codec_is_vlan_tpid(key->vlan_eth_type)) {
        return mask->cvlan_eth_type ? key->cvlan_eth_type : 0;
    } else if (tagged) {
        return mask->vlan_eth_type ? key->vlan_eth_type : 0;
    }
    return mask->eth_type ? key->eth_type : 0;
}

/* Returns true if 'cond' holds for the key and mask of 'rule'. */
static bool
key_cond_holds(const struct flower_rule *rule, enum key_cond cond)
{
    const struct flower_key *key = &rule->key;
    const struct flower_key *mask = &rule->mask;
    bool tagged = mask->eth_type && codec_is_vlan_tpid(key->eth_type);
    bool qinq = (tagged && mask->vlan_eth_type
                 && codec_is_vlan_tpid(key->vlan_eth_type));
    uint16_t eth = codec_key_eth_type(rule);
    int proto = mask->ip_proto ? key->ip_proto : -1;

    switch (cond) {
    case KC_ANY: return true;
    case KC_VLAN: return tagged;
    case KC_CVLAN: return qinq;
    case KC_IP: return eth == htons(ETH_P_IP) || eth == htons(ETH_P_IPV6);
    case KC_NO_IPV4: return !mask->ipv4_src && !mask->ipv4_dst;
    case KC_NO_ENC_IPV4: return !mask->enc_ipv4_src && !mask->enc_ipv4_dst;
    case KC_TCP: return proto == IPPROTO_TCP;
    case KC_UDP: return proto == IPPROTO_UDP;
    case KC_SCTP: return proto == IPPROTO_SCTP;
    case KC_ICMPV4: return eth == htons(ETH_P_IP) && proto == IPPROTO_ICMP;
    case KC_ICMPV6:
        return eth == htons(ETH_P_IPV6) && proto == IPPROTO_ICMPV6;
    case KC_ARP: return eth == htons(ETH_P_ARP) || eth == htons(ETH_P_RARP);
    }
    return false;
}

/* Decoding. */

/* Fills the key and mask of 'rule' from the validated options 'tb'. */
int
codec_decode_keys(const struct nlattr *const *tb, uint16_t protocol,
            struct flower_rule *rule)
{
    const struct key_field *f;
    int error;

    for (f = key_fields; f < &key_fields[ARRAY_SIZE(key_fields)]; f++) {
        uint8_t *key = (uint8_t *) &rule->key + f->offset;
        uint8_t *mask = (uint8_t *) &rule->mask + f->offset;
        const struct nlattr *mask_attr = (f->mask_attr ? tb[f->mask_attr]
                                          : NULL);

        if (!tb[f->attr]) {
            if (mask_attr) {
                return EPROTO;  /* A mask without its key. */
            }
            continue;
        }
        memcpy(key, mnl_attr_get_payload(tb[f->attr]), f->size);
        if (mask_attr) {
            memcpy(mask, mnl_attr_get_payload(mask_attr), f->size);
        } else {
            memset(mask, 0xff, f->size);
        }
    }

    error = decode_vlan(tb, protocol, rule);
    if (!error) {
        error = decode_ip_flags(tb, rule);
    }
    if (!error) {
        error = codec_decode_mpls_keys(tb, rule);
    }
    if (!error) {
        error = codec_decode_enc_opts(tb, rule);
    }

    /* The kernel reports no key it ignores, and of several attributes for a
     * field (ports, ICMP) only the one matching the protocol. */
    for (f = key_fields; !error && f < &key_fields[ARRAY_SIZE(key_fields)];
         f++) {
        if (tb[f->attr] && !key_cond_holds(rule, f->cond)) {
            error = EPROTO;
        }
    }
    return error;
}

/* Fills the VLAN fields of 'rule' and, for a kernel dump, the outer
 * ethertype from 'protocol' (see the file comment).  The ethertypes are
 * already decoded. */
static int
decode_vlan(const struct nlattr *const *tb, uint16_t protocol,
            struct flower_rule *rule)
{
    struct flower_key *key = &rule->key;
    struct flower_key *mask = &rule->mask;
    bool qinq = mask->vlan_eth_type && codec_is_vlan_tpid(key->vlan_eth_type);
    uint16_t inner = qinq ? key->cvlan_eth_type : key->vlan_eth_type;
    uint16_t inner_mask = qinq ? mask->cvlan_eth_type : mask->vlan_eth_type;
    bool tag_keys = decode_vlan_tags(tb, rule);
    const struct vlan_tag *t;

    if (!tag_keys && !mask->vlan_eth_type) {
        return 0;
    } else if (inner_mask && codec_is_vlan_tpid(inner)) {
        return EOPNOTSUPP;      /* A third tag. */
    } else if (!mask->eth_type || !codec_is_vlan_tpid(key->eth_type)) {
        /* Dump form: ETH_TYPE, if any, repeats the innermost type (both
         * come from basic.n_proto) and the TPID is the filter protocol. */
        if ((mask->eth_type != 0) != (inner_mask != 0)
            || key->eth_type != inner) {
            return EPROTO;
        } else if (!codec_is_vlan_tpid(protocol)) {
            return EOPNOTSUPP;  /* Protocol "all": the TPID is lost. */
        }
        key->eth_type = protocol;
        mask->eth_type = 0xffff;
    }

    /* The kernel reports no id or priority of a tag it does not match. */
    for (t = vlan_tags; t < &vlan_tags[ARRAY_SIZE(vlan_tags)]; t++) {
        if ((tb[t->id_attr] || tb[t->prio_attr])
            && !key_cond_holds(rule, t->cond)) {
            return EPROTO;
        }
    }
    return 0;
}

/* Fills the id and priority of each VLAN tag of 'rule' that 'tb' has.
 * Returns true if it has any. */
static bool
decode_vlan_tags(const struct nlattr *const *tb, struct flower_rule *rule)
{
    uint8_t *key = (uint8_t *) &rule->key;
    uint8_t *mask = (uint8_t *) &rule->mask;
    const struct vlan_tag *t;
    bool any = false;

    for (t = vlan_tags; t < &vlan_tags[ARRAY_SIZE(vlan_tags)]; t++) {
        if (tb[t->id_attr]) {
            uint16_t id = mnl_attr_get_u16(tb[t->id_attr]) & VID_MASK;
            uint16_t id_mask = VID_MASK;

            memcpy(key + t->id_offset, &id, sizeof id);
            memcpy(mask + t->id_offset, &id_mask, sizeof id_mask);
            any = true;
        }
        if (tb[t->prio_attr]) {
            key[t->prio_offset] = (mnl_attr_get_u8(tb[t->prio_attr])
                                   & PCP_MASK);
            mask[t->prio_offset] = PCP_MASK;
            any = true;
        }
    }
    return any;
}

/* Fills 'ip_flags' of 'rule' from the big-endian TCA_FLOWER_KEY_FLAGS and
 * its mandatory mask. */
static int
decode_ip_flags(const struct nlattr *const *tb, struct flower_rule *rule)
{
    const struct nlattr *key = tb[TCA_FLOWER_KEY_FLAGS];
    const struct nlattr *mask = tb[TCA_FLOWER_KEY_FLAGS_MASK];

    if (!key && !mask) {
        return 0;
    } else if (!key || !mask) {
        return EPROTO;
    }
    rule->key.ip_flags = ntohl(mnl_attr_get_u32(key));
    rule->mask.ip_flags = ntohl(mnl_attr_get_u32(mask));
    return ((rule->key.ip_flags | rule->mask.ip_flags) & ~FRAG_FLAGS
            ? EOPNOTSUPP : 0);
}

/* Looks key attribute 'type' up into '*pol', for a walk over TCA_OPTIONS.
 * Returns false if it is not a key attribute the codec knows. */
bool
codec_key_policy(uint16_t type, struct attr_policy *pol)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(special_key_policy); i++) {
        if (special_key_policy[i].type == type) {
            *pol = special_key_policy[i];
            return true;
        }
    }
    if (codec_mpls_key_policy(type, pol)) {
        return true;
    }
    for (i = 0; type && i < ARRAY_SIZE(key_fields); i++) {
        if (key_fields[i].attr == type || key_fields[i].mask_attr == type) {
            pol->type = type;
            pol->data = MNL_TYPE_UNSPEC;
            pol->size = key_fields[i].size;
            pol->skip = false;
            return true;
        }
    }
    return false;
}
