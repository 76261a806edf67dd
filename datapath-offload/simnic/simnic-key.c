/* simnic: rte_flow patterns and received frames to 'struct simnic_key'.
 *
 * The plain fields of every item are described once, in 'item_fields':
 * where the field is in the item struct and where it goes in the key.
 * The pattern translation and the "is this mask supported" check both
 * read that table; only VLAN stacking, tunnels and metadata items have
 * code of their own. */

#include "simnic-key.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_flow.h>

#define VXLAN_PORT 4789
#define GENEVE_PORT 6081

/* Where a field goes: in the current layer, at the top of the key, or
 * nowhere because code of its own handles it. */
enum key_scope { IN_LAYER, IN_KEY, IN_CODE };

struct item_field {
    enum rte_flow_item_type type;
    uint16_t item_ofs;
    uint16_t size;
    enum key_scope scope;
    uint16_t key_ofs;
};

#define LAYER(TYPE, STRUCT, MEMBER, KEYMEMBER)                  \
    { RTE_FLOW_ITEM_TYPE_##TYPE, offsetof(STRUCT, MEMBER),      \
      sizeof(((STRUCT *) 0)->MEMBER), IN_LAYER,                 \
      offsetof(struct simnic_layer, KEYMEMBER) }

static const struct item_field item_fields[] = {
    LAYER(ETH, struct rte_flow_item_eth, hdr.dst_addr, dst_mac),
    LAYER(ETH, struct rte_flow_item_eth, hdr.src_addr, src_mac),
    LAYER(ETH, struct rte_flow_item_eth, hdr.ether_type, eth_type),
    /* 'has_vlan' is a bit-field, in the word after the header. */
    { RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_ether_hdr),
      sizeof(uint32_t), IN_CODE, 0 },
    /* Which tag a VLAN item's TCI is depends on its position. */
    { RTE_FLOW_ITEM_TYPE_VLAN, offsetof(struct rte_flow_item_vlan, tci),
      sizeof(rte_be16_t), IN_CODE, 0 },
    LAYER(VLAN, struct rte_flow_item_vlan, inner_type, l3_type),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.type_of_service, ip_tos),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.time_to_live, ip_ttl),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.fragment_offset, ipv4_frag),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.next_proto_id, ip_proto),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.src_addr, ipv4_src),
    LAYER(IPV4, struct rte_flow_item_ipv4, hdr.dst_addr, ipv4_dst),
    LAYER(IPV6, struct rte_flow_item_ipv6, hdr.proto, ip_proto),
    LAYER(IPV6, struct rte_flow_item_ipv6, hdr.hop_limits, ip_ttl),
    LAYER(IPV6, struct rte_flow_item_ipv6, hdr.src_addr, ipv6_src),
    LAYER(IPV6, struct rte_flow_item_ipv6, hdr.dst_addr, ipv6_dst),
    LAYER(TCP, struct rte_flow_item_tcp, hdr.src_port, tp_src),
    LAYER(TCP, struct rte_flow_item_tcp, hdr.dst_port, tp_dst),
    LAYER(TCP, struct rte_flow_item_tcp, hdr.tcp_flags, tcp_flags),
    LAYER(UDP, struct rte_flow_item_udp, hdr.src_port, tp_src),
    LAYER(UDP, struct rte_flow_item_udp, hdr.dst_port, tp_dst),
    LAYER(SCTP, struct rte_flow_item_sctp, hdr.src_port, tp_src),
    LAYER(SCTP, struct rte_flow_item_sctp, hdr.dst_port, tp_dst),
    LAYER(ICMP, struct rte_flow_item_icmp, hdr.icmp_type, icmp_type),
    LAYER(ICMP, struct rte_flow_item_icmp, hdr.icmp_code, icmp_code),
    LAYER(ICMP6, struct rte_flow_item_icmp6, type, icmp_type),
    LAYER(ICMP6, struct rte_flow_item_icmp6, code, icmp_code),
    { RTE_FLOW_ITEM_TYPE_VXLAN, offsetof(struct rte_flow_item_vxlan, vni),
      3, IN_KEY, offsetof(struct simnic_key, vni) + 1 },
    { RTE_FLOW_ITEM_TYPE_GENEVE, offsetof(struct rte_flow_item_geneve, vni),
      3, IN_KEY, offsetof(struct simnic_key, vni) + 1 },
    { RTE_FLOW_ITEM_TYPE_PORT_ID, offsetof(struct rte_flow_item_port_id, id),
      sizeof(uint32_t), IN_KEY, offsetof(struct simnic_key, in_port) },
    { RTE_FLOW_ITEM_TYPE_MARK, offsetof(struct rte_flow_item_mark, id),
      sizeof(uint32_t), IN_KEY, offsetof(struct simnic_key, mark) },
    /* Which tag a TAG item matches depends on its index. */
    { RTE_FLOW_ITEM_TYPE_TAG, offsetof(struct rte_flow_item_tag, data),
      sizeof(uint32_t), IN_CODE, 0 },
    { RTE_FLOW_ITEM_TYPE_TAG, offsetof(struct rte_flow_item_tag, index),
      sizeof(uint8_t), IN_CODE, 0 },
};

/* The items simnic knows: their size, default mask and what their mere
 * presence implies (an EtherType, an IP protocol). */
struct item_class {
    enum rte_flow_item_type type;
    size_t size;
    const void *default_mask;
    uint16_t l3_type;
    uint8_t ip_proto;
};

static const struct item_class item_classes[] = {
    { RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_flow_item_eth),
      &rte_flow_item_eth_mask, 0, 0 },
    { RTE_FLOW_ITEM_TYPE_VLAN, sizeof(struct rte_flow_item_vlan),
      &rte_flow_item_vlan_mask, 0, 0 },
    { RTE_FLOW_ITEM_TYPE_IPV4, sizeof(struct rte_flow_item_ipv4),
      &rte_flow_item_ipv4_mask, RTE_ETHER_TYPE_IPV4, 0 },
    { RTE_FLOW_ITEM_TYPE_IPV6, sizeof(struct rte_flow_item_ipv6),
      &rte_flow_item_ipv6_mask, RTE_ETHER_TYPE_IPV6, 0 },
    { RTE_FLOW_ITEM_TYPE_TCP, sizeof(struct rte_flow_item_tcp),
      &rte_flow_item_tcp_mask, 0, IPPROTO_TCP },
    { RTE_FLOW_ITEM_TYPE_UDP, sizeof(struct rte_flow_item_udp),
      &rte_flow_item_udp_mask, 0, IPPROTO_UDP },
    { RTE_FLOW_ITEM_TYPE_SCTP, sizeof(struct rte_flow_item_sctp),
      &rte_flow_item_sctp_mask, 0, IPPROTO_SCTP },
    { RTE_FLOW_ITEM_TYPE_ICMP, sizeof(struct rte_flow_item_icmp),
      &rte_flow_item_icmp_mask, 0, IPPROTO_ICMP },
    { RTE_FLOW_ITEM_TYPE_ICMP6, sizeof(struct rte_flow_item_icmp6),
      &rte_flow_item_icmp6_mask, 0, IPPROTO_ICMPV6 },
    { RTE_FLOW_ITEM_TYPE_VXLAN, sizeof(struct rte_flow_item_vxlan),
      &rte_flow_item_vxlan_mask, 0, IPPROTO_UDP },
    { RTE_FLOW_ITEM_TYPE_GENEVE,
      sizeof(struct rte_flow_item_geneve), &rte_flow_item_geneve_mask,
      0, IPPROTO_UDP },
    { RTE_FLOW_ITEM_TYPE_PORT_ID,
      sizeof(struct rte_flow_item_port_id), &rte_flow_item_port_id_mask,
      0, 0 },
    { RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT,
      sizeof(struct rte_flow_item_ethdev), &rte_flow_item_ethdev_mask,
      0, 0 },
    { RTE_FLOW_ITEM_TYPE_MARK, sizeof(struct rte_flow_item_mark),
      &rte_flow_item_mark_mask, 0, 0 },
    { RTE_FLOW_ITEM_TYPE_TAG, sizeof(struct rte_flow_item_tag),
      &rte_flow_item_tag_mask, 0, 0 },
    { RTE_FLOW_ITEM_TYPE_VOID, 0, NULL, 0, 0 },
    { RTE_FLOW_ITEM_TYPE_END, 0, NULL, 0, 0 },
};

static const struct item_class *
item_class_find(enum rte_flow_item_type type)
{
    for (size_t i = 0; i < RTE_DIM(item_classes); i++) {
        if (item_classes[i].type == type) {
            return &item_classes[i];
        }
    }
    return NULL;
}

/* DPDK's name of an item type, for error messages. */
const char *
simnic_item_name(enum rte_flow_item_type type)
{
    const char *name = NULL;

    if (rte_flow_conv(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, &name, sizeof name,
                      (const void *) (uintptr_t) type, NULL) < 0 || !name) {
        return "unknown";
    }
    return name;
}

/* Sets 'error' to "item TYPE: msg".  The message lives in a per-thread
 * buffer because rte_flow_error only points to it. */
static int
item_error(struct rte_flow_error *error, const struct rte_flow_item *item,
           enum rte_flow_error_type type, const char *msg)
{
    static __thread char buf[160];

    if (item) {
        snprintf(buf, sizeof buf, "item %s (%d): %s",
                 simnic_item_name(item->type), (int) item->type, msg);
    } else {
        snprintf(buf, sizeof buf, "%s", msg);
    }
    return rte_flow_error_set(error, ENOTSUP, type, item, buf);
}

/* ORs 'size' bytes of spec&mask into key and mask at 'ofs'. */
static void
set_field(uint8_t *key, uint8_t *mask, size_t ofs, const uint8_t *spec,
          const uint8_t *item_mask, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        key[ofs + i] = (key[ofs + i] & ~item_mask[i])
                       | (spec[i] & item_mask[i]);
        mask[ofs + i] |= item_mask[i];
    }
}

static void
set_u16(uint16_t *key, uint16_t *mask, uint16_t value)
{
    *key = value;
    *mask = UINT16_MAX;
}

/* Applies the table-driven fields of one item.  Returns false if the mask
 * covers a field that is not in the table (simnic cannot match on it). */
static bool
apply_item_fields(const struct item_class *class, const uint8_t *spec,
                  const uint8_t *item_mask, struct simnic_key *key,
                  struct simnic_key *mask, size_t layer_ofs)
{
    uint8_t rest[64];

    if (class->size > sizeof rest) {
        return false;
    }
    memcpy(rest, item_mask, class->size);
    for (size_t i = 0; i < RTE_DIM(item_fields); i++) {
        const struct item_field *f = &item_fields[i];
        size_t ofs = f->key_ofs + (f->scope == IN_LAYER ? layer_ofs : 0);

        if (f->type != class->type) {
            continue;
        }
        memset(rest + f->item_ofs, 0, f->size);
        if (f->scope == IN_CODE) {
            continue;
        }
        set_field((uint8_t *) key, (uint8_t *) mask, ofs,
                  spec + f->item_ofs, item_mask + f->item_ofs, f->size);
    }
    for (size_t i = 0; i < class->size; i++) {
        if (rest[i]) {
            return false;
        }
    }
    return true;
}

/* Where items go while a pattern is translated. */
struct pattern_state {
    struct simnic_key *key, *mask;
    struct simnic_layer *lk, *lm;       /* The current layer. */
    size_t layer_ofs;                   /* Its offset in the key. */
    int n_vlan;                         /* VLAN items in this layer. */
};

/* The items with code of their own: REPRESENTED_PORT (a port id under a
 * mask that must be exact), VLAN (which tag), and tunnels (the items
 * after them match the inner layer).  Returns 0 or a negative errno. */
static int
apply_item_code(struct pattern_state *ps, const struct rte_flow_item *item,
                const uint8_t *spec, const uint8_t *item_mask,
                struct rte_flow_error *error)
{
    if (item->type == RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT) {
        const struct rte_flow_item_ethdev *s = (const void *) spec;
        const struct rte_flow_item_ethdev *m = (const void *) item_mask;

        if (item->spec && m->port_id != UINT16_MAX) {
            return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM_MASK,
                              "partial port mask");
        }
        ps->key->in_port = s->port_id;
        ps->mask->in_port = item->spec ? UINT32_MAX : 0;
    } else if (item->type == RTE_FLOW_ITEM_TYPE_TAG) {
        const struct rte_flow_item_tag *s = (const void *) spec;
        const struct rte_flow_item_tag *m = (const void *) item_mask;

        if (item->spec && (m->index != UINT8_MAX
                           || s->index >= SIMNIC_N_TAGS)) {
            return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM_SPEC,
                              "index must be exact and below "
                              RTE_STR(SIMNIC_N_TAGS));
        }
        ps->key->tag[s->index] = s->data;
        ps->mask->tag[s->index] |= m->data;
    } else if (item->type == RTE_FLOW_ITEM_TYPE_ETH) {
        const struct rte_flow_item_eth *s = (const void *) spec;
        const struct rte_flow_item_eth *m = (const void *) item_mask;

        if (m->has_vlan) {
            ps->lk->has_vlan = s->has_vlan;
            ps->lm->has_vlan = UINT8_MAX;
        }
    } else if (item->type == RTE_FLOW_ITEM_TYPE_VLAN) {
        const struct rte_flow_item_vlan *s = (const void *) spec;
        const struct rte_flow_item_vlan *m = (const void *) item_mask;

        if (ps->n_vlan >= 2) {
            return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM,
                              "at most two tags");
        }
        ps->lk->vlan_tci[ps->n_vlan] = s->tci;
        ps->lm->vlan_tci[ps->n_vlan] = m->tci;
        ps->lk->n_vlan = ++ps->n_vlan;
        ps->lm->n_vlan = UINT8_MAX;
    } else if (item->type == RTE_FLOW_ITEM_TYPE_VXLAN
               || item->type == RTE_FLOW_ITEM_TYPE_GENEVE) {
        if (ps->lk != &ps->key->outer) {
            return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM,
                              "nested tunnels are not supported");
        }
        ps->key->tunnel = (item->type == RTE_FLOW_ITEM_TYPE_VXLAN
                           ? SIMNIC_TUNNEL_VXLAN : SIMNIC_TUNNEL_GENEVE);
        ps->mask->tunnel = UINT32_MAX;
        ps->lk = &ps->key->inner;
        ps->lm = &ps->mask->inner;
        ps->layer_ofs = offsetof(struct simnic_key, inner);
        ps->n_vlan = 0;
    }
    return 0;
}

/* Translates one item.  Returns 0 or a negative errno. */
static int
apply_item(struct pattern_state *ps, const struct rte_flow_item *item,
           struct rte_flow_error *error)
{
    static const uint8_t zeros[64];
    const struct item_class *class = item_class_find(item->type);
    const uint8_t *spec, *item_mask;
    uint8_t masked_spec[64];

    if (!class) {
        return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM,
                          "item type not supported by simnic");
    }
    if (item->type == RTE_FLOW_ITEM_TYPE_VOID) {
        return 0;
    }
    if (item->last) {
        return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM_LAST,
                          "ranges ('last') are not supported");
    }
    if (!item->spec && item->mask) {
        return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM_MASK,
                          "mask without spec");
    }
    /* No spec means "this header is present", whatever it holds. */
    spec = item->spec ? item->spec : zeros;
    item_mask = (!item->spec ? zeros
                 : item->mask ? item->mask : class->default_mask);
    for (size_t i = 0; i < class->size; i++) {
        masked_spec[i] = spec[i] & item_mask[i];
    }
    if (item->type != RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT
        && !apply_item_fields(class, masked_spec, item_mask, ps->key,
                              ps->mask, ps->layer_ofs)) {
        return item_error(error, item, RTE_FLOW_ERROR_TYPE_ITEM_MASK,
                          "mask covers a field simnic cannot match");
    }
    if (class->l3_type) {
        set_u16(&ps->lk->l3_type, &ps->lm->l3_type,
                rte_cpu_to_be_16(class->l3_type));
    }
    if (class->ip_proto) {
        ps->lk->ip_proto = class->ip_proto;
        ps->lm->ip_proto = UINT8_MAX;
    }
    return apply_item_code(ps, item, masked_spec, item_mask, error);
}

/* Translates 'pattern' into a key and mask.  Returns 0 or a negative
 * errno with 'error' naming the refused item. */
int
simnic_key_from_pattern(const struct rte_flow_item pattern[],
                        struct simnic_key *key, struct simnic_key *mask,
                        struct rte_flow_error *error)
{
    struct pattern_state ps = {
        .key = key, .mask = mask, .lk = &key->outer, .lm = &mask->outer,
        .layer_ofs = offsetof(struct simnic_key, outer),
    };

    memset(key, 0, sizeof *key);
    memset(mask, 0, sizeof *mask);
    if (!pattern) {
        return item_error(error, NULL, RTE_FLOW_ERROR_TYPE_ITEM_NUM,
                          "no pattern");
    }
    for (const struct rte_flow_item *item = pattern;
         item->type != RTE_FLOW_ITEM_TYPE_END; item++) {
        int err = apply_item(&ps, item, error);

        if (err) {
            return err;
        }
    }
    return 0;
}

/* Parses the IPv4 or IPv6 header at 'ofs'.  Returns the offset of the L4
 * header, or 0 if there is none to parse. */
static uint32_t
parse_l3(const uint8_t *f, uint32_t len, uint32_t ofs,
         struct simnic_layer *l)
{
    if (l->l3_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
        const struct rte_ipv4_hdr *ip = (const void *) (f + ofs);
        uint32_t ihl;

        if (len < ofs + sizeof *ip) {
            return 0;
        }
        ihl = (ip->version_ihl & 0xf) * 4;
        l->ip_tos = ip->type_of_service;
        l->ip_ttl = ip->time_to_live;
        l->ip_proto = ip->next_proto_id;
        memcpy(&l->ipv4_src, &ip->src_addr, 4);
        memcpy(&l->ipv4_dst, &ip->dst_addr, 4);
        l->ipv4_frag = ip->fragment_offset;
        if (ihl < sizeof *ip
            || (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))) {
            /* Later fragments have no L4 header to match. */
            return 0;
        }
        return ofs + ihl;
    } else if (l->l3_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
        const struct rte_ipv6_hdr *ip6 = (const void *) (f + ofs);

        if (len < ofs + sizeof *ip6) {
            return 0;
        }
        l->ip_tos = (rte_be_to_cpu_32(ip6->vtc_flow) >> 20) & 0xff;
        l->ip_ttl = ip6->hop_limits;
        l->ip_proto = ip6->proto;
        memcpy(l->ipv6_src, ip6->src_addr, 16);
        memcpy(l->ipv6_dst, ip6->dst_addr, 16);
        return ofs + sizeof *ip6;
    }
    return 0;
}

/* Parses the L4 header at 'l4'.  Returns the offset just after a UDP
 * header (where a tunnel header would be), or 0. */
static uint32_t
parse_l4(const uint8_t *f, uint32_t len, uint32_t l4, struct simnic_layer *l)
{
    switch (l->ip_proto) {
    case IPPROTO_TCP:
        if (len >= l4 + 14) {
            memcpy(&l->tp_src, f + l4, 2);
            memcpy(&l->tp_dst, f + l4 + 2, 2);
            l->tcp_flags = f[l4 + 13];
        }
        return 0;
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        if (len >= l4 + 8) {
            memcpy(&l->tp_src, f + l4, 2);
            memcpy(&l->tp_dst, f + l4 + 2, 2);
            return l->ip_proto == IPPROTO_UDP ? l4 + 8 : 0;
        }
        return 0;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        if (len >= l4 + 2) {
            l->icmp_type = f[l4];
            l->icmp_code = f[l4 + 1];
        }
        return 0;
    default:
        return 0;
    }
}

/* Parses one layer of headers starting at 'ofs'.  Returns the offset just
 * after a UDP header (where a tunnel header would be), or 0. */
static uint32_t
parse_layer(const uint8_t *f, uint32_t len, uint32_t ofs,
            struct simnic_layer *l, struct simnic_layout *layout)
{
    uint16_t type;
    uint32_t l4;

    if (len < ofs + RTE_ETHER_HDR_LEN) {
        return 0;
    }
    memcpy(l->dst_mac, f + ofs, 6);
    memcpy(l->src_mac, f + ofs + 6, 6);
    memcpy(&l->eth_type, f + ofs + 12, 2);
    type = l->eth_type;
    ofs += RTE_ETHER_HDR_LEN;
    while ((type == RTE_BE16(RTE_ETHER_TYPE_VLAN)
            || type == RTE_BE16(RTE_ETHER_TYPE_QINQ))
           && l->n_vlan < 2 && len >= ofs + 4) {
        memcpy(&l->vlan_tci[l->n_vlan++], f + ofs, 2);
        memcpy(&type, f + ofs + 2, 2);
        ofs += 4;
    }
    l->has_vlan = l->n_vlan > 0;
    l->l3_type = type;
    l4 = parse_l3(f, len, ofs, l);
    if (layout) {
        layout->n_vlan = l->n_vlan;
        layout->l3_type = rte_be_to_cpu_16(type);
        layout->l3_ofs = ofs;
        layout->ip_proto = l->ip_proto;
        layout->l4_ofs = l4;
    }
    return l4 ? parse_l4(f, len, l4, l) : 0;
}

/* Parses a frame into a key (in_port, transfer and mark are left for the
 * caller) and, if 'layout' is nonnull, the positions of its outer
 * headers. */
void
simnic_key_from_frame(const uint8_t *f, uint32_t len, struct simnic_key *key,
                      struct simnic_layout *layout)
{
    uint32_t tun;

    memset(key, 0, sizeof *key);
    if (layout) {
        memset(layout, 0, sizeof *layout);
    }
    tun = parse_layer(f, len, 0, &key->outer, layout);
    if (!tun) {
        return;
    }
    if (key->outer.tp_dst == RTE_BE16(VXLAN_PORT) && len >= tun + 8) {
        key->tunnel = SIMNIC_TUNNEL_VXLAN;
        memcpy((uint8_t *) &key->vni + 1, f + tun + 4, 3);
        parse_layer(f, len, tun + 8, &key->inner, NULL);
    } else if (key->outer.tp_dst == RTE_BE16(GENEVE_PORT)
               && len >= tun + 8) {
        uint32_t opt_len = (f[tun] & 0x3f) * 4;
        uint16_t proto;

        memcpy(&proto, f + tun + 2, 2);
        key->tunnel = SIMNIC_TUNNEL_GENEVE;
        memcpy((uint8_t *) &key->vni + 1, f + tun + 4, 3);
        if (proto == RTE_BE16(RTE_ETHER_TYPE_TEB)) {
            parse_layer(f, len, tun + 8 + opt_len, &key->inner, NULL);
        }
    }
}
