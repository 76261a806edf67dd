/* simnic: applying compiled actions to one packet.
 *
 * The packet is a single-segment mbuf whose data starts at the Ethernet
 * header.  Structural actions (VLAN push/pop, encap/decap) re-read the
 * header layout; rewrites only mark checksums dirty, and the checksums are
 * recomputed once at the end. */

#include "simnic-actions.h"

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "simnic-key.h"

struct packet {
    struct rte_mbuf *m;
    struct simnic_layout layout;
    bool dirty;                 /* L3/L4 checksums need recomputing. */
};

static uint8_t *
data(struct packet *p)
{
    return rte_pktmbuf_mtod(p->m, uint8_t *);
}

static void
relayout(struct packet *p)
{
    struct simnic_key key;

    simnic_key_from_frame(data(p), rte_pktmbuf_data_len(p->m), &key,
                          &p->layout);
}

static bool
is_ipv4(const struct packet *p)
{
    return p->layout.l3_ofs && p->layout.l3_type == RTE_ETHER_TYPE_IPV4;
}

static bool
is_ipv6(const struct packet *p)
{
    return p->layout.l3_ofs && p->layout.l3_type == RTE_ETHER_TYPE_IPV6;
}

static void
fix_checksums(struct packet *p)
{
    uint8_t *l3 = data(p) + p->layout.l3_ofs;
    uint8_t *l4 = data(p) + p->layout.l4_ofs;
    uint8_t *csump = NULL;
    uint16_t csum;

    if (p->layout.l4_ofs) {
        if (p->layout.ip_proto == IPPROTO_TCP) {
            csump = l4 + offsetof(struct rte_tcp_hdr, cksum);
        } else if (p->layout.ip_proto == IPPROTO_UDP) {
            csump = l4 + offsetof(struct rte_udp_hdr, dgram_cksum);
            if (is_ipv4(p) && !csump[0] && !csump[1]) {
                /* An IPv4 UDP checksum of 0 means "none": keep it so. */
                csump = NULL;
            }
        }
    }
    if (csump) {
        memset(csump, 0, 2);
    }
    if (is_ipv4(p)) {
        struct rte_ipv4_hdr *ip = (void *) l3;

        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        if (csump) {
            csum = rte_ipv4_udptcp_cksum(ip, l4);
            memcpy(csump, &csum, 2);
        }
    } else if (is_ipv6(p) && csump) {
        csum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *) l3, l4);
        memcpy(csump, &csum, 2);
    }
}

static bool
push_vlan(struct packet *p, uint16_t tpid)
{
    uint16_t tci = 0;
    uint8_t *d;

    if (p->layout.n_vlan) {
        /* OpenFlow: the new tag starts as a copy of the outer one. */
        memcpy(&tci, data(p) + RTE_ETHER_HDR_LEN, 2);
    }
    d = (uint8_t *) rte_pktmbuf_prepend(p->m, 4);
    if (!d) {
        return false;
    }
    memmove(d, d + 4, 12);
    memcpy(d + 12, &tpid, 2);
    memcpy(d + 14, &tci, 2);
    relayout(p);
    return true;
}

static void
pop_vlan(struct packet *p)
{
    uint8_t *d = data(p);

    if (!p->layout.n_vlan) {
        return;
    }
    memmove(d + 4, d, 12);
    rte_pktmbuf_adj(p->m, 4);
    relayout(p);
}

/* Rewrites the TCI bits in 'mask' of the outermost tag, if any. */
static void
set_tci(struct packet *p, uint16_t bits, uint16_t mask)
{
    uint8_t *tcip = data(p) + RTE_ETHER_HDR_LEN;
    uint16_t tci;

    if (!p->layout.n_vlan) {
        return;
    }
    memcpy(&tci, tcip, 2);
    tci = rte_cpu_to_be_16((rte_be_to_cpu_16(tci) & ~mask) | bits);
    memcpy(tcip, &tci, 2);
}

static void
set_l3(struct packet *p, enum rte_flow_action_type type, const uint8_t *b)
{
    uint8_t *l3 = data(p) + p->layout.l3_ofs;

    if (is_ipv4(p)) {
        struct rte_ipv4_hdr *ip = (void *) l3;

        switch (type) {
        case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
            memcpy(&ip->src_addr, b, 4);
            break;
        case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
            memcpy(&ip->dst_addr, b, 4);
            break;
        case RTE_FLOW_ACTION_TYPE_SET_TTL:
            ip->time_to_live = b[0];
            break;
        case RTE_FLOW_ACTION_TYPE_DEC_TTL:
            ip->time_to_live -= ip->time_to_live > 0;
            break;
        case RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP:
            /* DSCP is the upper 6 bits of the TOS; ECN stays. */
            ip->type_of_service = (b[0] << 2) | (ip->type_of_service & 3);
            break;
        default:
            return;
        }
    } else if (is_ipv6(p)) {
        struct rte_ipv6_hdr *ip6 = (void *) l3;

        switch (type) {
        case RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC:
            memcpy(ip6->src_addr, b, 16);
            break;
        case RTE_FLOW_ACTION_TYPE_SET_IPV6_DST:
            memcpy(ip6->dst_addr, b, 16);
            break;
        case RTE_FLOW_ACTION_TYPE_SET_TTL:
            ip6->hop_limits = b[0];
            break;
        case RTE_FLOW_ACTION_TYPE_DEC_TTL:
            ip6->hop_limits -= ip6->hop_limits > 0;
            break;
        case RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP: {
            /* Version (4), traffic class (DSCP 6, ECN 2), flow label. */
            uint32_t vtc = rte_be_to_cpu_32(ip6->vtc_flow);

            vtc = (vtc & ~(0x3fu << 22)) | ((uint32_t) b[0] << 22);
            ip6->vtc_flow = rte_cpu_to_be_32(vtc);
            break;
        }
        default:
            return;
        }
    } else {
        return;
    }
    p->dirty = true;
}

static void
set_tp(struct packet *p, bool src, uint16_t port)
{
    uint8_t *l4 = data(p) + p->layout.l4_ofs;

    if (!p->layout.l4_ofs
        || (p->layout.ip_proto != IPPROTO_TCP
            && p->layout.ip_proto != IPPROTO_UDP)) {
        return;
    }
    memcpy(l4 + (src ? 0 : 2), &port, 2);
    p->dirty = true;
}

/* Prepends a VXLAN_ENCAP header and fills its lengths and checksum. */
static bool
vxlan_encap(struct packet *p, const struct simnic_action *a)
{
    uint16_t inner_len = rte_pktmbuf_data_len(p->m);
    uint8_t *d;
    uint8_t *l3;
    struct rte_udp_hdr *udp;
    uint16_t udp_len;

    d = (uint8_t *) rte_pktmbuf_prepend(p->m, a->encap.size);
    if (!d) {
        return false;
    }
    memcpy(d, a->encap.data, a->encap.size);
    l3 = d + a->encap.l3_ofs;
    if (a->encap.l3_type == 4) {
        struct rte_ipv4_hdr *ip = (void *) l3;

        udp = (void *) (ip + 1);
        ip->total_length = rte_cpu_to_be_16(a->encap.size - a->encap.l3_ofs
                                            + inner_len);
        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
    } else {
        struct rte_ipv6_hdr *ip6 = (void *) l3;

        udp = (void *) (ip6 + 1);
        ip6->payload_len = rte_cpu_to_be_16(a->encap.size - a->encap.l3_ofs
                                            - sizeof *ip6 + inner_len);
    }
    udp_len = a->encap.size - ((uint8_t *) udp - d) + inner_len;
    udp->dgram_len = rte_cpu_to_be_16(udp_len);
    udp->dgram_cksum = 0;
    if (a->encap.l3_type == 6) {
        /* IPv6 forbids a zero UDP checksum. */
        udp->dgram_cksum = rte_ipv6_udptcp_cksum((void *) l3, udp);
    }
    relayout(p);
    return true;
}

static void
vxlan_decap(struct packet *p)
{
    struct simnic_key key;

    simnic_key_from_frame(data(p), rte_pktmbuf_data_len(p->m), &key, NULL);
    if (key.tunnel != SIMNIC_TUNNEL_VXLAN) {
        return;
    }
    rte_pktmbuf_adj(p->m, p->layout.l4_ofs + sizeof(struct rte_udp_hdr)
                          + 8);
    relayout(p);
}

/* Applies an action that decides or annotates rather than edits: fate,
 * COUNT, MARK, FLAG, RSS.  Returns false if 'a' is not one of them. */
static bool
apply_meta(struct packet *p, const struct simnic_action *a,
           struct simnic_counter *counter, struct simnic_verdict *v)
{
    struct rte_mbuf *m = p->m;

    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_DROP:
        v->fate = SIMNIC_FATE_DROP;
        break;
    case RTE_FLOW_ACTION_TYPE_COUNT:
        __atomic_fetch_add(&counter->hits, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&counter->bytes, rte_pktmbuf_pkt_len(m),
                           __ATOMIC_RELAXED);
        break;
    case RTE_FLOW_ACTION_TYPE_MARK:
        m->ol_flags |= RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID;
        m->hash.fdir.hi = a->u32;
        v->mark = a->u32;
        v->marked = true;
        break;
    case RTE_FLOW_ACTION_TYPE_FLAG:
        m->ol_flags |= RTE_MBUF_F_RX_FDIR;
        break;
    case RTE_FLOW_ACTION_TYPE_SET_TAG: {
        uint32_t *tag = &v->tags[a->tag.index];

        *tag = (*tag & ~a->tag.mask) | (a->tag.data & a->tag.mask);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_QUEUE:
        v->fate = SIMNIC_FATE_QUEUE;
        v->queue = a->u32;
        break;
    case RTE_FLOW_ACTION_TYPE_RSS: {
        struct simnic_key key;
        uint32_t hash;

        simnic_key_from_frame(data(p), rte_pktmbuf_data_len(m), &key, NULL);
        hash = rte_be_to_cpu_32(key.outer.ipv4_src ^ key.outer.ipv4_dst)
               ^ ((uint32_t) key.outer.tp_src << 16 | key.outer.tp_dst);
        hash ^= hash >> 16;
        m->hash.rss = hash;
        m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
        v->fate = SIMNIC_FATE_QUEUE;
        v->queue = a->rss.queues[hash % a->rss.n];
        break;
    }
    case RTE_FLOW_ACTION_TYPE_JUMP:
        v->fate = SIMNIC_FATE_JUMP;
        v->group = a->u32;
        break;
    case RTE_FLOW_ACTION_TYPE_PORT_ID:
    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
        v->fate = SIMNIC_FATE_FORWARD;
        v->out_port = a->u32;
        break;
    default:
        return false;
    }
    return true;
}

/* Applies an action that edits the frame.  Returns false if the frame
 * must be dropped (no headroom left for a push or an encap). */
static bool
apply_edit(struct packet *p, const struct simnic_action *a)
{
    struct rte_mbuf *m = p->m;
    uint8_t *d;

    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
        return push_vlan(p, a->be16);
    case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
        pop_vlan(p);
        break;
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
        set_tci(p, rte_be_to_cpu_16(a->be16), 0x0fff);
        break;
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
        set_tci(p, (uint16_t) a->u8 << 13, 0xe000);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
        memcpy(data(p) + 6, a->bytes, 6);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
        memcpy(data(p), a->bytes, 6);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DST:
    case RTE_FLOW_ACTION_TYPE_SET_TTL:
    case RTE_FLOW_ACTION_TYPE_DEC_TTL:
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP:
        set_l3(p, a->type, a->bytes);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
        set_tp(p, a->type == RTE_FLOW_ACTION_TYPE_SET_TP_SRC, a->be16);
        break;
    case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
        if (p->dirty) {
            /* The inner checksums must be right before they are
             * wrapped. */
            fix_checksums(p);
            p->dirty = false;
        }
        return vxlan_encap(p, a);
    case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP:
        vxlan_decap(p);
        break;
    case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
        if (a->decap_size > rte_pktmbuf_data_len(m)) {
            return false;
        }
        rte_pktmbuf_adj(m, a->decap_size);
        relayout(p);
        break;
    case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
        d = (uint8_t *) rte_pktmbuf_prepend(m, a->encap.size);
        if (!d) {
            return false;
        }
        memcpy(d, a->encap.data, a->encap.size);
        relayout(p);
        break;
    default:
        break;
    }
    return true;
}

/* Applies 'acts' to 'm', counting into 'counter', and says what becomes
 * of the packet in 'v'. */
void
simnic_actions_apply(const struct simnic_actions *acts, struct rte_mbuf *m,
                     struct simnic_counter *counter,
                     struct simnic_verdict *v)
{
    struct packet p = { .m = m };

    v->fate = SIMNIC_FATE_NONE;
    relayout(&p);
    for (uint16_t i = 0; i < acts->n; i++) {
        const struct simnic_action *a = &acts->list[i];

        if (apply_meta(&p, a, counter, v)) {
            if (v->fate == SIMNIC_FATE_DROP) {
                return;
            }
        } else if (!apply_edit(&p, a)) {
            v->fate = SIMNIC_FATE_DROP;
            return;
        }
    }
    if (p.dirty) {
        fix_checksums(&p);
    }
}
