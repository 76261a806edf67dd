/*
 * Tunnels in the TC flower codec (see flower-codec.h): the tunnel option
 * keys of cls_flower (TCA_FLOWER_KEY_ENC_OPTS and _ENC_OPTS_MASK) and the
 * options of act_tunnel_key, for flower-codec-keys.c and the rows of
 * flower-codec-actions.c's tables that name them.  The other tunnel keys
 * (key id, outer addresses, TOS, TTL and UDP ports) are byte copies, rows
 * of flower-codec-keys.c's table.
 *
 * Geneve options.  The model keeps them as they lie in the packet (struct
 * flower_geneve_opts); netlink carries each TLV as a class, a type and a
 * data attribute, in the same layout for flower and act_tunnel_key.  A
 * request needs one TCA_*_ENC_OPTS_GENEVE nest per TLV: the kernel parses
 * each nest into a table (fl_set_geneve_opt(),
 * tunnel_key_copy_geneve_opt()), so a second TLV in one nest would replace
 * the first.  The kernel dumps all the TLVs in a single nest
 * (fl_dump_key_geneve_opt(), tunnel_key_geneve_opts_dump()).  Decoding
 * takes both forms: each nest holds CLASS, TYPE, DATA triples.  The
 * kernel takes DATA of 4 to 128 bytes in multiples of 4 and stores its
 * length in the 5 low bits of the TLV's length byte, whose 3 reserved bits
 * it clears, so 128 bytes would become 0: encoding refuses a TLV without
 * data, longer than 124 bytes or with reserved bits set, and decoding
 * rejects such a TLV (EPROTO).  In flower's mask every TLV has the length
 * of the key's (fl_set_enc_opt() refuses "Key and mask miss aligned"),
 * and the model's mask TLVs carry the key's length byte.
 *
 * VXLAN-GBP.  fl_set_vxlan_opt() and tunnel_key_copy_vxlan_opt() keep
 * only the bits that the VXLAN header carries (VXLAN_GBP_MASK, which the
 * uapi headers do not name), so encoding refuses others.  Both number
 * their VXLAN attributes alike and read the nest with nla_parse_nested(),
 * which insists on NLA_F_NESTED, as mnl_attr_nest_start() sets it.  A
 * rule matches Geneve options or a GBP, not both (the kernel refuses
 * "Duplicate type").  The kernel dumps both key and mask whenever it
 * matches options (fl_dump_key_enc_opt()); for a rule added without a
 * mask, a GBP mask of all ones, which decoding narrows to the bits a
 * packet can have.
 *
 * act_tunnel_key.  A set puts the key id only if the model has one (a
 * key-less tunnel otherwise), as a be32 whatever the uapi comment says
 * (tunnel_key_init() reads it with nla_get_be32()); the destination port,
 * TOS and TTL only if not 0, which tunnel_key_init() takes for "the
 * device's port", TOS 0 and "the device's default TTL" and
 * tunnel_key_dump() leaves out; TCA_TUNNEL_KEY_NO_CSUM always, as the
 * kernel dumps it.  The model's 'dont_fragment' has no attribute in the
 * uapi of Linux 6.1 (TCA_TUNNEL_KEY_NO_FRAG came later): the kernel would
 * encapsulate with DF clear, so encoding refuses a set that asks for it,
 * and decoding reports the later kernels' attribute as not ours
 * (EOPNOTSUPP).  The model has one 'encap_geneve' per rule, so at most
 * one set of a rule may carry Geneve options.  A set carries Geneve
 * options or a GBP, not both, as a tunnel has one kind of options.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    VXLAN_GBP_MASK = 0x0048ffff,    /* Kernel's: don't learn, policy
                                     * applied and the 16-bit group id. */
    GENEVE_HDR = 4,                 /* Class, type and length byte. */
    GENEVE_LEN_MASK = 0x1f,         /* Data length in 4-byte words. */
    GENEVE_DATA_MAX = GENEVE_LEN_MASK * 4,
};

/* The attributes that carry tunnel options, in a flower key or in
 * act_tunnel_key. */
struct opts_attrs {
    uint16_t geneve;            /* Nest of Geneve TLVs. */
    uint16_t geneve_max;        /* Highest attribute type inside. */
    uint16_t geneve_class;      /* be16. */
    uint16_t geneve_type;       /* u8. */
    uint16_t geneve_data;       /* 4 to 124 bytes. */
    uint16_t vxlan;             /* Nest with a GBP. */
    uint16_t vxlan_gbp;         /* u32. */
};

static const struct opts_attrs flower_opts = {
    TCA_FLOWER_KEY_ENC_OPTS_GENEVE, TCA_FLOWER_KEY_ENC_OPT_GENEVE_MAX,
    TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE,
    TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, TCA_FLOWER_KEY_ENC_OPTS_VXLAN,
    TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP,
};

/* ERSPAN is not ours. */
static const struct opts_attrs tunnel_key_opts = {
    TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_MAX,
    TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE,
    TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA, TCA_TUNNEL_KEY_ENC_OPTS_VXLAN,
    TCA_TUNNEL_KEY_ENC_OPT_VXLAN_GBP,
};

/* The VXLAN nest (flower's; act_tunnel_key's is numbered alike); others:
 * EOPNOTSUPP. */
static const struct attr_policy vxlan_policy[] = {
    { TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, MNL_TYPE_U32, 0, false },
};

/* act_tunnel_key attributes that only a set has. */
static const uint16_t set_attrs[] = {
    TCA_TUNNEL_KEY_ENC_IPV4_SRC, TCA_TUNNEL_KEY_ENC_IPV4_DST,
    TCA_TUNNEL_KEY_ENC_IPV6_SRC, TCA_TUNNEL_KEY_ENC_IPV6_DST,
    TCA_TUNNEL_KEY_ENC_KEY_ID, TCA_TUNNEL_KEY_ENC_DST_PORT,
    TCA_TUNNEL_KEY_NO_CSUM, TCA_TUNNEL_KEY_ENC_OPTS,
    TCA_TUNNEL_KEY_ENC_TOS, TCA_TUNNEL_KEY_ENC_TTL,
};

/* Tunnel options decoded from a nest. */
struct enc_opts {
    enum { OPTS_NONE, OPTS_GENEVE, OPTS_VXLAN } kind;
    struct flower_geneve_opts geneve;   /* OPTS_GENEVE. */
    uint32_t gbp;                       /* OPTS_VXLAN. */
};

/* Walk over an options nest. */
struct opts_ctx {
    struct parse_state st;      /* Must be first. */
    const struct opts_attrs *attrs;
    struct enc_opts *out;
};

/* Walk over a Geneve nest: CLASS, TYPE, DATA triples appended to 'out'. */
struct geneve_ctx {
    struct parse_state st;      /* Must be first. */
    const struct opts_attrs *attrs;
    struct flower_geneve_opts *out;
    unsigned int n_attrs;       /* Attributes seen in the nest. */
};

static bool geneve_opts_valid(const struct flower_geneve_opts *);
static bool geneve_mask_fits(const struct flower_geneve_opts *key,
                             const struct flower_geneve_opts *mask);
static void put_geneve_opts(struct nlmsghdr *, uint16_t type,
                            const struct opts_attrs *,
                            const struct flower_geneve_opts *);
static void put_vxlan_opts(struct nlmsghdr *, uint16_t type,
                           const struct opts_attrs *, uint32_t gbp);
static bool tunnel_set_valid(const struct flower_rule *, int index);
static bool geneve_set_before(const struct flower_rule *, int index);
static bool ipv6_is_zero(const struct in6_addr *);
static int decode_opts(const struct nlattr *, const struct opts_attrs *,
                       struct enc_opts *);
static int decode_set_addrs(const struct nlattr *const *tb,
                            struct flower_tunnel_set *);
static int decode_geneve(const struct nlattr *, const struct opts_attrs *,
                         struct flower_geneve_opts *);
static int decode_vxlan(const struct nlattr *, uint32_t *gbp);
static int opts_cb(const struct nlattr *, void *ctx_);
static int geneve_cb(const struct nlattr *, void *ctx_);

/* Encoding. */

/* Puts the tunnel option key and mask of 'rule', if it matches any: Geneve
 * options when its mask has any, else a VXLAN GBP whose mask is not zero.
 * Returns false if they cannot be expressed (see the file comment). */
bool
codec_put_enc_opts(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    const struct flower_key *key = &rule->key;
    const struct flower_key *mask = &rule->mask;

    if (mask->enc_geneve.len) {
        if (mask->enc_vxlan_gbp || !geneve_opts_valid(&key->enc_geneve)
            || !geneve_mask_fits(&key->enc_geneve, &mask->enc_geneve)) {
            return false;
        }
        put_geneve_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS, &flower_opts,
                        &key->enc_geneve);
        put_geneve_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK, &flower_opts,
                        &mask->enc_geneve);
    } else if (mask->enc_vxlan_gbp) {
        if ((key->enc_vxlan_gbp | mask->enc_vxlan_gbp) & ~VXLAN_GBP_MASK) {
            return false;
        }
        put_vxlan_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS, &flower_opts,
                       key->enc_vxlan_gbp);
        put_vxlan_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK, &flower_opts,
                       mask->enc_vxlan_gbp);
    }
    return true;
}

/* act_put_func for tunnel_key: a release, or a set of the metadata of
 * action 'index' (see the file comment for what is put when). */
bool
codec_put_tunnel_key(struct nlmsghdr *nlh, const struct act_map *map,
                     const struct flower_rule *rule, int index)
{
    const struct flower_tunnel_set *t = &rule->actions[index].tunnel;
    struct tc_tunnel_key p = { .action = map->control,
                               .t_action = map->variant };

    if (map->type == FLOWER_ACT_TUNNEL_SET
        && !tunnel_set_valid(rule, index)) {
        return false;
    }
    mnl_attr_put(nlh, TCA_TUNNEL_KEY_PARMS, sizeof p, &p);
    if (map->type != FLOWER_ACT_TUNNEL_SET) {
        return true;
    }
    if (t->has_id) {
        mnl_attr_put_u32(nlh, TCA_TUNNEL_KEY_ENC_KEY_ID, t->id);
    }
    if (t->ipv4_dst) {
        mnl_attr_put_u32(nlh, TCA_TUNNEL_KEY_ENC_IPV4_SRC, t->ipv4_src);
        mnl_attr_put_u32(nlh, TCA_TUNNEL_KEY_ENC_IPV4_DST, t->ipv4_dst);
    } else {
        mnl_attr_put(nlh, TCA_TUNNEL_KEY_ENC_IPV6_SRC, sizeof t->ipv6_src,
                     &t->ipv6_src);
        mnl_attr_put(nlh, TCA_TUNNEL_KEY_ENC_IPV6_DST, sizeof t->ipv6_dst,
                     &t->ipv6_dst);
    }
    if (t->tp_dst) {
        mnl_attr_put_u16(nlh, TCA_TUNNEL_KEY_ENC_DST_PORT, t->tp_dst);
    }
    mnl_attr_put_u8(nlh, TCA_TUNNEL_KEY_NO_CSUM, t->no_csum);
    if (t->tos) {
        mnl_attr_put_u8(nlh, TCA_TUNNEL_KEY_ENC_TOS, t->tos);
    }
    if (t->ttl) {
        mnl_attr_put_u8(nlh, TCA_TUNNEL_KEY_ENC_TTL, t->ttl);
    }
    if (t->geneve) {
        put_geneve_opts(nlh, TCA_TUNNEL_KEY_ENC_OPTS, &tunnel_key_opts,
                        &rule->encap_geneve);
    } else if (t->vxlan_gbp) {
        put_vxlan_opts(nlh, TCA_TUNNEL_KEY_ENC_OPTS, &tunnel_key_opts,
                       t->gbp);
    }
    return true;
}

/* Returns true if 'opts' is a non-empty list of whole TLVs that the kernel
 * keeps as they are: each with 4 to 124 bytes of data and no reserved bit
 * set. */
static bool
geneve_opts_valid(const struct flower_geneve_opts *opts)
{
    size_t off = 0;

    if (!opts->len || opts->len > FLOWER_GENEVE_OPTS_MAX) {
        return false;
    }
    while (off + GENEVE_HDR <= opts->len) {
        uint8_t words = opts->data[off + 3];

        if (!words || words & ~GENEVE_LEN_MASK) {
            return false;
        }
        off += GENEVE_HDR + words * 4;
    }
    return off == opts->len;
}

/* Returns true if the valid options 'key' and the mask 'mask' have the same
 * TLVs: the same length and, at each TLV, the same length byte. */
static bool
geneve_mask_fits(const struct flower_geneve_opts *key,
                 const struct flower_geneve_opts *mask)
{
    size_t off;

    if (mask->len != key->len) {
        return false;
    }
    for (off = 0; off < key->len; off += GENEVE_HDR + key->data[off + 3] * 4) {
        if (mask->data[off + 3] != key->data[off + 3]) {
            return false;
        }
    }
    return true;
}

/* Puts into a nest of 'type' one Geneve nest per TLV of the valid options
 * (or mask) 'opts', with the attributes of 'attrs'. */
static void
put_geneve_opts(struct nlmsghdr *nlh, uint16_t type,
                const struct opts_attrs *attrs,
                const struct flower_geneve_opts *opts)
{
    struct nlattr *outer = mnl_attr_nest_start(nlh, type);
    size_t off, data_len;

    for (off = 0; off < opts->len; off += GENEVE_HDR + data_len) {
        const uint8_t *tlv = &opts->data[off];
        struct nlattr *nest;

        data_len = (tlv[3] & GENEVE_LEN_MASK) * 4;
        nest = mnl_attr_nest_start(nlh, attrs->geneve);
        mnl_attr_put(nlh, attrs->geneve_class, 2, tlv);
        mnl_attr_put_u8(nlh, attrs->geneve_type, tlv[2]);
        mnl_attr_put(nlh, attrs->geneve_data, data_len, tlv + GENEVE_HDR);
        mnl_attr_nest_end(nlh, nest);
    }
    mnl_attr_nest_end(nlh, outer);
}

/* Puts into a nest of 'type' a VXLAN nest with 'gbp', with the attributes
 * of 'attrs'. */
static void
put_vxlan_opts(struct nlmsghdr *nlh, uint16_t type,
               const struct opts_attrs *attrs, uint32_t gbp)
{
    struct nlattr *outer = mnl_attr_nest_start(nlh, type);
    struct nlattr *nest = mnl_attr_nest_start(nlh, attrs->vxlan);

    mnl_attr_put_u32(nlh, attrs->vxlan_gbp, gbp);
    mnl_attr_nest_end(nlh, nest);
    mnl_attr_nest_end(nlh, outer);
}

/* Returns true if the tunnel set 'index' of 'rule' can be put as the model
 * means it: no DF, no id unless 'has_id', the addresses of one family (and
 * an IPv6 destination, for IPv6), Geneve options only if valid and only on
 * the first set that has any, a GBP only without them and only with the
 * bits the kernel keeps. */
static bool
tunnel_set_valid(const struct flower_rule *rule, int index)
{
    const struct flower_tunnel_set *t = &rule->actions[index].tunnel;
    bool addrs_valid = (t->ipv4_dst
                        ? (ipv6_is_zero(&t->ipv6_src)
                           && ipv6_is_zero(&t->ipv6_dst))
                        : !t->ipv4_src && !ipv6_is_zero(&t->ipv6_dst));

    if (t->dont_fragment || (!t->has_id && t->id) || !addrs_valid
        || (!t->vxlan_gbp && t->gbp)
        || (t->vxlan_gbp && (t->geneve || t->gbp & ~VXLAN_GBP_MASK))) {
        return false;
    }
    return (!t->geneve
            || (geneve_opts_valid(&rule->encap_geneve)
                && !geneve_set_before(rule, index)));
}

/* Returns true if a tunnel set before action 'index' of 'rule' carries
 * Geneve options. */
static bool
geneve_set_before(const struct flower_rule *rule, int index)
{
    int i;

    for (i = 0; i < index; i++) {
        if (rule->actions[i].type == FLOWER_ACT_TUNNEL_SET
            && rule->actions[i].tunnel.geneve) {
            return true;
        }
    }
    return false;
}

/* Returns true if 'addr' is ::. */
static bool
ipv6_is_zero(const struct in6_addr *addr)
{
    return codec_bytes_are(addr, sizeof *addr, 0);
}

/* Decoding. */

/* Fills the tunnel option key and mask of 'rule' from the validated
 * options 'tb'. */
int
codec_decode_enc_opts(const struct nlattr *const *tb,
                      struct flower_rule *rule)
{
    const struct nlattr *key_attr = tb[TCA_FLOWER_KEY_ENC_OPTS];
    const struct nlattr *mask_attr = tb[TCA_FLOWER_KEY_ENC_OPTS_MASK];
    struct enc_opts key, mask;
    int error;

    if (!key_attr && !mask_attr) {
        return 0;
    } else if (!key_attr || !mask_attr) {
        return EPROTO;          /* The kernel dumps both. */
    }
    error = decode_opts(key_attr, &flower_opts, &key);
    if (!error) {
        error = decode_opts(mask_attr, &flower_opts, &mask);
    }
    if (error) {
        return error;
    } else if (key.kind != mask.kind) {
        return EPROTO;
    } else if (key.kind == OPTS_GENEVE) {
        if (!geneve_mask_fits(&key.geneve, &mask.geneve)) {
            return EPROTO;
        }
        rule->key.enc_geneve = key.geneve;
        rule->mask.enc_geneve = mask.geneve;
    } else {
        if (key.gbp & ~VXLAN_GBP_MASK) {
            return EPROTO;      /* fl_set_vxlan_opt() clears these. */
        }
        rule->key.enc_vxlan_gbp = key.gbp;
        rule->mask.enc_vxlan_gbp = mask.gbp & VXLAN_GBP_MASK;
    }
    return 0;
}

/* act_decode_func for tunnel_key.  tunnel_key_dump() puts a set's
 * addresses of one family, both of them, and NO_CSUM; a release has none
 * of a set's attributes. */
int
codec_decode_tunnel_key(const struct nlattr *const *tb,
                        struct flower_rule *rule, int index)
{
    struct flower_action *act = &rule->actions[index];
    struct flower_tunnel_set *t = &act->tunnel;
    const struct act_map *map;
    struct tc_tunnel_key p;
    struct enc_opts opts;
    size_t i;
    int error;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_TUNNEL_KEY_PARMS]), sizeof p);
    map = codec_find_act_map(AK_TUNNEL_KEY, p.t_action, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    if (map->type != FLOWER_ACT_TUNNEL_SET) {
        for (i = 0; i < ARRAY_SIZE(set_attrs); i++) {
            if (tb[set_attrs[i]]) {
                return EPROTO;
            }
        }
        return 0;
    }

    error = decode_set_addrs(tb, t);
    if (error) {
        return error;
    }
    if (tb[TCA_TUNNEL_KEY_ENC_KEY_ID]) {
        t->has_id = true;
        t->id = mnl_attr_get_u32(tb[TCA_TUNNEL_KEY_ENC_KEY_ID]);
    }
    if (tb[TCA_TUNNEL_KEY_ENC_DST_PORT]) {
        t->tp_dst = mnl_attr_get_u16(tb[TCA_TUNNEL_KEY_ENC_DST_PORT]);
    }
    t->no_csum = (tb[TCA_TUNNEL_KEY_NO_CSUM]
                  && mnl_attr_get_u8(tb[TCA_TUNNEL_KEY_NO_CSUM]));
    if (tb[TCA_TUNNEL_KEY_ENC_TOS]) {
        t->tos = mnl_attr_get_u8(tb[TCA_TUNNEL_KEY_ENC_TOS]);
    }
    if (tb[TCA_TUNNEL_KEY_ENC_TTL]) {
        t->ttl = mnl_attr_get_u8(tb[TCA_TUNNEL_KEY_ENC_TTL]);
    }
    if (!tb[TCA_TUNNEL_KEY_ENC_OPTS]) {
        return 0;
    }
    error = decode_opts(tb[TCA_TUNNEL_KEY_ENC_OPTS], &tunnel_key_opts,
                        &opts);
    if (error) {
        return error;
    } else if (opts.kind == OPTS_VXLAN) {
        if (opts.gbp & ~VXLAN_GBP_MASK) {
            return EPROTO;      /* tunnel_key_copy_vxlan_opt() clears these. */
        }
        t->vxlan_gbp = true;
        t->gbp = opts.gbp;
        return 0;
    } else if (geneve_set_before(rule, index)) {
        return EOPNOTSUPP;      /* The model has one 'encap_geneve'. */
    }
    rule->encap_geneve = opts.geneve;
    t->geneve = true;
    return 0;
}

/* Fills the addresses of 't' from a set's options 'tb'.  A destination
 * that the model would take for the other family is not ours. */
static int
decode_set_addrs(const struct nlattr *const *tb, struct flower_tunnel_set *t)
{
    const struct nlattr *src4 = tb[TCA_TUNNEL_KEY_ENC_IPV4_SRC];
    const struct nlattr *dst4 = tb[TCA_TUNNEL_KEY_ENC_IPV4_DST];
    const struct nlattr *src6 = tb[TCA_TUNNEL_KEY_ENC_IPV6_SRC];
    const struct nlattr *dst6 = tb[TCA_TUNNEL_KEY_ENC_IPV6_DST];

    if (src4 && dst4 && !src6 && !dst6) {
        t->ipv4_src = mnl_attr_get_u32(src4);
        t->ipv4_dst = mnl_attr_get_u32(dst4);
        return t->ipv4_dst ? 0 : EOPNOTSUPP;
    } else if (src6 && dst6 && !src4 && !dst4) {
        memcpy(&t->ipv6_src, mnl_attr_get_payload(src6), sizeof t->ipv6_src);
        memcpy(&t->ipv6_dst, mnl_attr_get_payload(dst6), sizeof t->ipv6_dst);
        return ipv6_is_zero(&t->ipv6_dst) ? EOPNOTSUPP : 0;
    }
    return EPROTO;
}

/* Decodes the options nest 'nest', whose attributes are 'attrs''s, into
 * 'out'.  Options of another kind are not ours; an empty nest, Geneve
 * options mixed with a GBP and malformed TLVs are malformed. */
static int
decode_opts(const struct nlattr *nest, const struct opts_attrs *attrs,
            struct enc_opts *out)
{
    struct opts_ctx ctx;
    int error;

    memset(out, 0, sizeof *out);
    memset(&ctx, 0, sizeof ctx);
    ctx.attrs = attrs;
    ctx.out = out;
    error = codec_parse_nested(nest, opts_cb, &ctx.st);
    return !error && out->kind == OPTS_NONE ? EPROTO : error;
}

/* Appends the TLVs of the Geneve nest 'nest', whose attributes are
 * 'attrs''s, to 'out'. */
static int
decode_geneve(const struct nlattr *nest, const struct opts_attrs *attrs,
              struct flower_geneve_opts *out)
{
    struct geneve_ctx ctx = { .attrs = attrs, .out = out };
    int error;

    if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0) {
        return EPROTO;
    }
    error = codec_parse_nested(nest, geneve_cb, &ctx.st);
    if (!error && (!ctx.n_attrs || ctx.n_attrs % 3)) {
        error = EPROTO;         /* No TLV, or an incomplete one. */
    }
    return error;
}

/* Decodes the GBP of flower's VXLAN nest 'nest' into '*gbp'. */
static int
decode_vxlan(const struct nlattr *nest, uint32_t *gbp)
{
    const struct nlattr *tb[TCA_FLOWER_KEY_ENC_OPT_VXLAN_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = vxlan_policy, .n_policy = ARRAY_SIZE(vxlan_policy),
        .max = TCA_FLOWER_KEY_ENC_OPT_VXLAN_MAX, .strict = true, .tb = tb,
    };
    int error;

    if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0) {
        return EPROTO;
    }
    error = codec_parse_nested(nest, codec_policy_cb, &ctx.st);
    if (!error && !tb[TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP]) {
        error = EPROTO;
    }
    if (!error) {
        *gbp = mnl_attr_get_u32(tb[TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP]);
    }
    return error;
}

/* Attribute walks. */

/* mnl_attr_cb_t for a 'struct opts_ctx': Geneve nests (the kernel's one,
 * or one per TLV) or a single VXLAN nest, not both. */
static int
opts_cb(const struct nlattr *attr, void *ctx_)
{
    struct opts_ctx *ctx = ctx_;
    const struct opts_attrs *attrs = ctx->attrs;
    struct enc_opts *out = ctx->out;
    uint16_t type = mnl_attr_get_type(attr);
    int error;

    codec_note_attr(&ctx->st, attr);
    if (type == attrs->geneve) {
        error = (out->kind == OPTS_VXLAN ? EPROTO
                 : decode_geneve(attr, attrs, &out->geneve));
        out->kind = OPTS_GENEVE;
    } else if (type == attrs->vxlan) {
        error = (out->kind != OPTS_NONE ? EPROTO
                 : decode_vxlan(attr, &out->gbp));
        out->kind = OPTS_VXLAN;
    } else {
        error = EOPNOTSUPP;     /* ERSPAN, GTP or newer. */
    }
    return error ? codec_parse_fail(&ctx->st, error) : MNL_CB_OK;
}

/* mnl_attr_cb_t for a 'struct geneve_ctx': appends each CLASS, TYPE,
 * DATA triple to the options as a TLV.  The header is written as its
 * attributes come, the length byte with the data. */
static int
geneve_cb(const struct nlattr *attr, void *ctx_)
{
    struct geneve_ctx *ctx = ctx_;
    const struct opts_attrs *attrs = ctx->attrs;
    struct flower_geneve_opts *out = ctx->out;
    uint8_t *tlv = &out->data[out->len];
    uint16_t type = mnl_attr_get_type(attr);
    uint16_t expected = (ctx->n_attrs % 3 == 0 ? attrs->geneve_class
                         : ctx->n_attrs % 3 == 1 ? attrs->geneve_type
                         : attrs->geneve_data);
    uint16_t data_len;

    codec_note_attr(&ctx->st, attr);
    if (type != expected) {
        return codec_parse_fail(&ctx->st, (type > attrs->geneve_max
                                           ? EOPNOTSUPP : EPROTO));
    }
    ctx->n_attrs++;
    if (type == attrs->geneve_class) {
        /* Room for this TLV's header and its smallest data. */
        if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0
            || out->len + GENEVE_HDR + 4 > FLOWER_GENEVE_OPTS_MAX) {
            return codec_parse_fail(&ctx->st, EPROTO);
        }
        memcpy(tlv, mnl_attr_get_payload(attr), 2);
    } else if (type == attrs->geneve_type) {
        if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0) {
            return codec_parse_fail(&ctx->st, EPROTO);
        }
        tlv[2] = mnl_attr_get_u8(attr);
    } else {
        data_len = mnl_attr_get_payload_len(attr);
        if (data_len < 4 || data_len > GENEVE_DATA_MAX || data_len % 4
            || out->len + GENEVE_HDR + data_len > FLOWER_GENEVE_OPTS_MAX) {
            return codec_parse_fail(&ctx->st, EPROTO);
        }
        tlv[3] = data_len / 4;
        memcpy(tlv + GENEVE_HDR, mnl_attr_get_payload(attr), data_len);
        out->len += GENEVE_HDR + data_len;
    }
    return MNL_CB_OK;
}
