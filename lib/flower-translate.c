/*
 * Megaflow match <-> flower rule key translation (see flower-translate.h;
 * the actions are in flower-translate-actions.c).
 *
 * The match side works on a copy of the megaflow's mask: every field that
 * is expressed in the rule is cleared from the copy, and whatever is left
 * at the end is a field flower cannot express, so the flow is refused and
 * the first such field is named.  Adding a field is therefore local: set it
 * in the rule, clear it from the copy.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "flow.h"
#include "netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "odp-netlink.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Names the first field still set in 'mask', for a refusal message. */
static const char *
leftover_field_name(const struct flow *mask)
{
    struct flow_wildcards wc;

    wc.masks = *mask;
    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);

        if (!mf_is_all_wild(mf, &wc)) {
            return mf->name;
        }
    }
    return "unknown";
}

/* Names VLAN tag 'i' of a match, for refusal messages. */
static const char *const vlan_tci_names[FLOW_MAX_VLAN_HEADERS] = {
    "vlan_tci", "vlan_tci2",
};

/* Returns true if the match requires VLAN tag 'i' to be present. */
static bool
vlan_tag_matched(const struct flow *key, const struct flow *mask, int i)
{
    return ((mask->vlans[i].tci & htons(VLAN_CFI))
            && (key->vlans[i].tci & htons(VLAN_CFI)));
}

/* Checks that the match says nothing of VLAN tag 'i', which it does not
 * require, beyond "no such tag".  That is left implicit.  Without a tag,
 * the filter protocol is the untagged ethertype, which a tagged frame never
 * carries.  After a tag, the type matched after it is not a TPID: since
 * Linux 5.18 (2105f700b53c, also in 4.19+ stable), cls_flower matches the
 * type right after each tag, so a frame with one more tag does not match;
 * before, it matched only the type after all tags. */
static int
check_vlan_absent(const struct flow *key, const struct flow *mask, int i,
                  const struct flower_rule *rule,
                  struct offload_refusal_info *refusal)
{
    ovs_be16 tci_mask = mask->vlans[i].tci;

    if (!i) {
        if (tci_mask && key->vlans[0].tci) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_VLAN_MASK,
                                  vlan_tci_names[0]);
        } else if (tci_mask && !rule->mask.eth_type) {
            /* "No tag, any ethertype" cannot be said with a filter
             * protocol. */
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                                  "eth_type");
        }
    } else if ((tci_mask || mask->vlans[i].tpid)
               && !((tci_mask & htons(VLAN_CFI)) && !key->vlans[i].tci)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_VLAN_MASK,
                              vlan_tci_names[i]);
    }
    return 0;
}

/* Puts the TPID, VID and PCP of VLAN tag 'i' (0: outer, 1: inner) of the
 * match into the fields of 'rule' for that tag (see flower-rule.h).  The
 * TPID is 802.1Q unless the match says 802.1ad. */
static void
put_vlan_tag(const struct flow *key, const struct flow *mask, int i,
             struct flower_rule *rule)
{
    struct flower_key *k = &rule->key, *m = &rule->mask;
    ovs_be16 tci = key->vlans[i].tci, tci_mask = mask->vlans[i].tci;
    ovs_be16 tpid = (mask->vlans[i].tpid && eth_type_vlan(key->vlans[i].tpid)
                     ? key->vlans[i].tpid : htons(ETH_TYPE_VLAN));

    if (i) {
        k->vlan_eth_type = tpid;
        m->vlan_eth_type = OVS_BE16_MAX;
    } else {
        k->eth_type = tpid;
        m->eth_type = OVS_BE16_MAX;
    }
    if (tci_mask & htons(VLAN_VID_MASK)) {
        *(i ? &k->cvlan_id : &k->vlan_id) = vlan_tci_to_vid(tci);
        *(i ? &m->cvlan_id : &m->vlan_id) = VLAN_VID_MASK;
    }
    if (tci_mask & htons(VLAN_PCP_MASK)) {
        *(i ? &k->cvlan_prio : &k->vlan_prio) = vlan_tci_to_pcp(tci);
        *(i ? &m->cvlan_prio : &m->vlan_prio) = (VLAN_PCP_MASK
                                                 >> VLAN_PCP_SHIFT);
    }
}

/* Translates the VLAN part of the match: up to two tags, outer first, each
 * with its VID and PCP either exact or wildcarded, and the ethertype after
 * them, which flower needs and which must not be yet another tag. */
static int
translate_vlan(const struct flow *key, struct flow *mask,
               struct flower_rule *rule, struct offload_refusal_info *refusal)
{
    struct flower_key *k = &rule->key, *m = &rule->mask;
    int n_tags, i, error;

    for (n_tags = 0; n_tags < FLOW_MAX_VLAN_HEADERS; n_tags++) {
        if (!vlan_tag_matched(key, mask, n_tags)) {
            break;
        }
    }
    for (i = n_tags; i < FLOW_MAX_VLAN_HEADERS; i++) {
        error = check_vlan_absent(key, mask, i, rule, refusal);
        if (error) {
            return error;
        }
    }
    for (i = 0; i < n_tags; i++) {
        ovs_be16 vid_mask = mask->vlans[i].tci & htons(VLAN_VID_MASK);
        ovs_be16 pcp_mask = mask->vlans[i].tci & htons(VLAN_PCP_MASK);

        if ((vid_mask && vid_mask != htons(VLAN_VID_MASK))
            || (pcp_mask && pcp_mask != htons(VLAN_PCP_MASK))) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_VLAN_MASK,
                                  vlan_tci_names[i]);
        }
    }

    if (n_tags) {
        if (!m->eth_type) {
            /* The inner type is wildcarded; flower always needs one. */
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                                  "eth_type");
        } else if (eth_type_vlan(k->eth_type)) {
            /* A tag the match does not read: cls_flower's flow dissector
             * walks past it, so its type is never the one matched. */
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_VLAN_DEPTH,
                                  "eth_type");
        }
        /* The type after the tags moves inwards, to the place after the
         * last tag; each TPID takes the place of the type before it. */
        if (n_tags == 2) {
            k->cvlan_eth_type = k->eth_type;
            m->cvlan_eth_type = OVS_BE16_MAX;
        } else {
            k->vlan_eth_type = k->eth_type;
            m->vlan_eth_type = OVS_BE16_MAX;
        }
        for (i = 0; i < n_tags; i++) {
            put_vlan_tag(key, mask, i, rule);
        }
    }
    memset(mask->vlans, 0, sizeof mask->vlans);
    return 0;
}

/* Translates fragment flags, ToS, TTL, addresses and L4 fields. */
static int
translate_ip(const struct flow *key, struct flow *mask,
             struct flower_rule *rule, struct offload_refusal_info *refusal)
{
    struct flower_key *k = &rule->key, *m = &rule->mask;

    if (key->dl_type == htons(ETH_TYPE_IPV6)
        && mask->nw_frag & FLOW_NW_FRAG_ANY
        && key->nw_frag & FLOW_NW_FRAG_ANY) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_IPV6_FRAG,
                              "nw_frag");
    }

    k->ip_proto = key->nw_proto;
    m->ip_proto = mask->nw_proto;
    k->ip_tos = key->nw_tos;
    m->ip_tos = mask->nw_tos;
    k->ip_ttl = key->nw_ttl;
    m->ip_ttl = mask->nw_ttl;
    if (m->ip_proto && m->ip_proto != UINT8_MAX) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                              "nw_proto");
    }
    mask->nw_proto = mask->nw_tos = mask->nw_ttl = 0;

    if (mask->nw_frag & FLOW_NW_FRAG_ANY) {
        m->ip_flags |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
        if (key->nw_frag & FLOW_NW_FRAG_ANY) {
            k->ip_flags |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
            if (mask->nw_frag & FLOW_NW_FRAG_LATER) {
                m->ip_flags |= TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST;
                if (!(key->nw_frag & FLOW_NW_FRAG_LATER)) {
                    k->ip_flags |= TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST;
                }
            }
        }
        /* "Not a fragment" implies "not a later fragment". */
        mask->nw_frag = 0;
    }

    if (key->dl_type == htons(ETH_TYPE_IP)) {
        k->ipv4_src = key->nw_src;
        m->ipv4_src = mask->nw_src;
        k->ipv4_dst = key->nw_dst;
        m->ipv4_dst = mask->nw_dst;
        mask->nw_src = mask->nw_dst = 0;
    } else {
        k->ipv6_src = key->ipv6_src;
        m->ipv6_src = mask->ipv6_src;
        k->ipv6_dst = key->ipv6_dst;
        m->ipv6_dst = mask->ipv6_dst;
        memset(&mask->ipv6_src, 0, sizeof mask->ipv6_src);
        memset(&mask->ipv6_dst, 0, sizeof mask->ipv6_dst);
    }

    if (!m->ip_proto) {
        return 0;
    }
    switch (key->nw_proto) {
    case IPPROTO_TCP:
        k->tcp_flags = key->tcp_flags;
        m->tcp_flags = mask->tcp_flags;
        mask->tcp_flags = 0;
        /* Fall through. */
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        k->tp_src = key->tp_src;
        m->tp_src = mask->tp_src;
        k->tp_dst = key->tp_dst;
        m->tp_dst = mask->tp_dst;
        mask->tp_src = mask->tp_dst = 0;
        break;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        if ((key->nw_proto == IPPROTO_ICMP)
            != (key->dl_type == htons(ETH_TYPE_IP))) {
            break;      /* ICMP in IPv6 or ICMPv6 in IPv4: leftover. */
        }
        /* OVS keeps ICMP type in tp_src and code in tp_dst. */
        if ((mask->tp_src & htons(0xff00)) || (mask->tp_dst & htons(0xff00))) {
            break;
        }
        k->icmp_type = ntohs(key->tp_src);
        m->icmp_type = ntohs(mask->tp_src);
        k->icmp_code = ntohs(key->tp_dst);
        m->icmp_code = ntohs(mask->tp_dst);
        mask->tp_src = mask->tp_dst = 0;
        break;
    default:
        break;
    }

    /* cls_flower has the flow dissector read no L4 header of a fragment,
     * not even of the first one (it does not ask for
     * FLOW_DISSECTOR_F_PARSE_1ST_FRAG): flower sees zero ports, TCP flags
     * and ICMP type and code where OVS sees the first fragment's, and a
     * rule that matches them would never match a first fragment. */
    if ((m->tp_src || m->tp_dst || m->tcp_flags || m->icmp_type
         || m->icmp_code)
        && !(m->ip_flags & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
             && !(k->ip_flags & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT))
        && !(m->ip_flags & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST
             && !(k->ip_flags & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST))) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                              "L4 fields of a first fragment");
    }
    return 0;
}

/* OVS's conntrack state bits and flower's, in the same order. */
static const struct {
    uint32_t ovs;
    uint16_t flower;
} ct_state_map[] = {
    { OVS_CS_F_NEW, TCA_FLOWER_KEY_CT_FLAGS_NEW },
    { OVS_CS_F_ESTABLISHED, TCA_FLOWER_KEY_CT_FLAGS_ESTABLISHED },
    { OVS_CS_F_RELATED, TCA_FLOWER_KEY_CT_FLAGS_RELATED },
    { OVS_CS_F_REPLY_DIR, TCA_FLOWER_KEY_CT_FLAGS_REPLY },
    { OVS_CS_F_INVALID, TCA_FLOWER_KEY_CT_FLAGS_INVALID },
    { OVS_CS_F_TRACKED, TCA_FLOWER_KEY_CT_FLAGS_TRACKED },
};

/* Translates the conntrack match (state set by a ct action in an earlier
 * chain): state bits flower knows, zone, mark and label.  NAT state bits
 * and the original-direction tuple have no flower key. */
static int
translate_ct(const struct flow *key, struct flow *mask,
             struct flower_rule *rule, struct offload_refusal_info *refusal)
{
    uint32_t state_mask = mask->ct_state;

    for (size_t i = 0; i < ARRAY_SIZE(ct_state_map); i++) {
        if (state_mask & ct_state_map[i].ovs) {
            rule->mask.ct_state |= ct_state_map[i].flower;
            if (key->ct_state & ct_state_map[i].ovs) {
                rule->key.ct_state |= ct_state_map[i].flower;
            }
            state_mask &= ~ct_state_map[i].ovs;
        }
    }
    if (state_mask) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_CT,
                              "ct_state nat");
    }
    mask->ct_state = 0;
    /* Flower refuses a state with a bit set but not +trk (Linux's
     * fl_validate_ct_state()), as OpenFlow's ct_state=+est makes.  Each
     * such bit implies +trk, so matching +trk too matches the same
     * packets, as OVS 3.1's provider does. */
    if (rule->key.ct_state
        && !(rule->mask.ct_state & TCA_FLOWER_KEY_CT_FLAGS_TRACKED)) {
        rule->key.ct_state |= TCA_FLOWER_KEY_CT_FLAGS_TRACKED;
        rule->mask.ct_state |= TCA_FLOWER_KEY_CT_FLAGS_TRACKED;
    }

    rule->key.ct_zone = key->ct_zone;
    rule->mask.ct_zone = mask->ct_zone;
    rule->key.ct_mark = key->ct_mark;
    rule->mask.ct_mark = mask->ct_mark;
    memcpy(rule->key.ct_label, &key->ct_label, sizeof rule->key.ct_label);
    memcpy(rule->mask.ct_label, &mask->ct_label, sizeof rule->mask.ct_label);
    mask->ct_zone = 0;
    mask->ct_mark = 0;
    mask->ct_label = OVS_U128_ZERO;

    if (mask->ct_nw_proto || mask->ct_nw_src || mask->ct_nw_dst
        || mask->ct_tp_src || mask->ct_tp_dst
        || ipv6_addr_is_set(&mask->ct_ipv6_src)
        || ipv6_addr_is_set(&mask->ct_ipv6_dst)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_CT,
                              leftover_field_name(mask));
    }
    return 0;
}

/* Translates ARP fields; OVS keeps them in the IP fields' places. */
static void
translate_arp(const struct flow *key, struct flow *mask,
              struct flower_rule *rule)
{
    struct flower_key *k = &rule->key, *m = &rule->mask;

    k->arp_sip = key->nw_src;
    m->arp_sip = mask->nw_src;
    k->arp_tip = key->nw_dst;
    m->arp_tip = mask->nw_dst;
    k->arp_op = key->nw_proto;
    m->arp_op = mask->nw_proto;
    memcpy(k->arp_sha, key->arp_sha.ea, ETH_ADDR_LEN);
    memcpy(m->arp_sha, mask->arp_sha.ea, ETH_ADDR_LEN);
    memcpy(k->arp_tha, key->arp_tha.ea, ETH_ADDR_LEN);
    memcpy(m->arp_tha, mask->arp_tha.ea, ETH_ADDR_LEN);
    mask->nw_src = mask->nw_dst = 0;
    mask->nw_proto = 0;
    memset(&mask->arp_sha, 0, sizeof mask->arp_sha);
    memset(&mask->arp_tha, 0, sizeof mask->arp_tha);
}

/* Translates 'match' into the key, mask and protocol of 'rule'.  The
 * in_port and recirc_id are consumed here, but placing the rule on the right
 * device is the caller's job.  Returns 0 or EOPNOTSUPP with 'refusal'. */
int
flower_translate_match(const struct match *match, struct flower_rule *rule,
                       struct offload_refusal_info *refusal)
{
    const struct flow *key = &match->flow;
    struct flow mask = match->wc.masks;
    int error;

    /* Each recirculation id is a TC chain; whether the kernel can resume
     * a chain in the datapath on a miss is the caller's to check. */
    rule->id.chain = mask.recirc_id ? key->recirc_id : 0;
    mask.recirc_id = 0;
    mask.in_port.odp_port = 0;

    error = flower_translate_tunnel_match(key, &mask, rule, refusal);
    if (error) {
        return error;
    }

    if (mask.packet_type && key->packet_type != htonl(PT_ETH)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_NOT_ETHERNET,
                              "packet_type");
    }
    mask.packet_type = 0;

    /* The datapath always matches an unset skb mark exactly. */
    if (mask.pkt_mark == UINT32_MAX && !key->pkt_mark) {
        mask.pkt_mark = 0;
    }

    error = translate_ct(key, &mask, rule, refusal);
    if (error) {
        return error;
    }
    error = flower_translate_mpls_match(key, &mask, rule, refusal);
    if (error) {
        return error;
    }

    memcpy(rule->key.eth_dst, key->dl_dst.ea, ETH_ADDR_LEN);
    memcpy(rule->mask.eth_dst, mask.dl_dst.ea, ETH_ADDR_LEN);
    memcpy(rule->key.eth_src, key->dl_src.ea, ETH_ADDR_LEN);
    memcpy(rule->mask.eth_src, mask.dl_src.ea, ETH_ADDR_LEN);
    memset(&mask.dl_dst, 0, sizeof mask.dl_dst);
    memset(&mask.dl_src, 0, sizeof mask.dl_src);

    if (mask.dl_type && mask.dl_type != OVS_BE16_MAX) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                              "eth_type");
    }
    rule->key.eth_type = mask.dl_type ? key->dl_type : 0;
    rule->mask.eth_type = mask.dl_type;
    mask.dl_type = 0;

    error = translate_vlan(key, &mask, rule, refusal);
    if (error) {
        return error;
    }
    rule->protocol = rule->mask.eth_type ? rule->key.eth_type
                                         : htons(ETH_P_ALL);

    if (rule->mask.eth_type && is_ip_any(key)) {
        error = translate_ip(key, &mask, rule, refusal);
        if (error) {
            return error;
        }
    } else if (rule->mask.eth_type && key->dl_type == htons(ETH_TYPE_ARP)) {
        translate_arp(key, &mask, rule);
    }

    if (!is_all_zeros(&mask, sizeof mask)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_FIELD,
                              leftover_field_name(&mask));
    }
    return 0;
}

static void
rule_ct_to_match(const struct flower_rule *rule, struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    uint32_t state = 0, state_mask = 0;
    ovs_u128 label, label_mask;

    for (size_t i = 0; i < ARRAY_SIZE(ct_state_map); i++) {
        if (m->ct_state & ct_state_map[i].flower) {
            state_mask |= ct_state_map[i].ovs;
            if (k->ct_state & ct_state_map[i].flower) {
                state |= ct_state_map[i].ovs;
            }
        }
    }
    if (state_mask) {
        match_set_ct_state_masked(match, state, state_mask);
    }
    if (m->ct_zone) {
        match_set_ct_zone_masked(match, k->ct_zone, m->ct_zone);
    }
    if (m->ct_mark) {
        match_set_ct_mark_masked(match, k->ct_mark, m->ct_mark);
    }
    memcpy(&label, k->ct_label, sizeof label);
    memcpy(&label_mask, m->ct_label, sizeof label_mask);
    if (!ovs_u128_is_zero(label_mask)) {
        match_set_ct_label_masked(match, label, label_mask);
    }
}

/* Sets VLAN tag 'i' (0: outer, 1: inner) of 'match' to the one that
 * 'rule' matches: its TPID, present, and its VID and PCP if matched. */
static void
rule_vlan_tag_to_match(const struct flower_rule *rule, int i,
                       struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;

    match->flow.vlans[i].tpid = i ? k->vlan_eth_type : k->eth_type;
    match->wc.masks.vlans[i].tpid = OVS_BE16_MAX;
    match->flow.vlans[i].tci = htons(VLAN_CFI);
    match->wc.masks.vlans[i].tci = htons(VLAN_CFI);
    if (i ? m->cvlan_id : m->vlan_id) {
        match_set_dl_vlan(match, htons(i ? k->cvlan_id : k->vlan_id), i);
    }
    if (i ? m->cvlan_prio : m->vlan_prio) {
        match_set_dl_vlan_pcp(match, i ? k->cvlan_prio : k->vlan_prio, i);
    }
}

static void
rule_arp_to_match(const struct flower_rule *rule, struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    struct eth_addr key_mac, mask_mac;

    match_set_nw_src_masked(match, k->arp_sip, m->arp_sip);
    match_set_nw_dst_masked(match, k->arp_tip, m->arp_tip);
    match_set_nw_proto_masked(match, k->arp_op, m->arp_op);
    memcpy(key_mac.ea, k->arp_sha, ETH_ADDR_LEN);
    memcpy(mask_mac.ea, m->arp_sha, ETH_ADDR_LEN);
    match_set_arp_sha_masked(match, key_mac, mask_mac);
    memcpy(key_mac.ea, k->arp_tha, ETH_ADDR_LEN);
    memcpy(mask_mac.ea, m->arp_tha, ETH_ADDR_LEN);
    match_set_arp_tha_masked(match, key_mac, mask_mac);
}

/* Builds the megaflow match that 'rule' implements, as the datapath would
 * show it: 'in_port' is the datapath port of the device the rule is on,
 * and the rule's chain is the recirc_id. */
void
flower_rule_to_match(const struct flower_rule *rule, uint32_t in_port,
                     struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    struct eth_addr key_mac, mask_mac;
    ovs_be16 dl_type = k->eth_type;
    ovs_be16 dl_type_mask = m->eth_type;

    match_init_catchall(match);
    match->flow.in_port.odp_port = u32_to_odp(in_port);
    match->wc.masks.in_port.odp_port = u32_to_odp(UINT32_MAX);
    match_set_recirc_id(match, rule->id.chain);
    memcpy(key_mac.ea, k->eth_src, ETH_ADDR_LEN);
    memcpy(mask_mac.ea, m->eth_src, ETH_ADDR_LEN);
    match_set_dl_src_masked(match, key_mac, mask_mac);
    memcpy(key_mac.ea, k->eth_dst, ETH_ADDR_LEN);
    memcpy(mask_mac.ea, m->eth_dst, ETH_ADDR_LEN);
    match_set_dl_dst_masked(match, key_mac, mask_mac);

    /* The type after the tags is in the field after the last TPID (see
     * flower-rule.h).  Each TPID is set, so flow_fix_vlan_tpid(), which
     * OVS applies to a match read from TC, would change nothing. */
    if (m->eth_type && eth_type_vlan(k->eth_type)) {
        rule_vlan_tag_to_match(rule, 0, match);
        dl_type = k->vlan_eth_type;
        dl_type_mask = m->vlan_eth_type;
        if (m->vlan_eth_type && eth_type_vlan(k->vlan_eth_type)) {
            rule_vlan_tag_to_match(rule, 1, match);
            dl_type = k->cvlan_eth_type;
            dl_type_mask = m->cvlan_eth_type;
        }
    }
    if (dl_type_mask) {
        match_set_dl_type(match, dl_type);
    }
    rule_ct_to_match(rule, match);
    flower_rule_tunnel_to_match(rule, match);
    if (dl_type_mask && eth_type_mpls(dl_type)) {
        flower_rule_mpls_to_match(rule, match);
    }
    if (dl_type_mask && dl_type == htons(ETH_TYPE_ARP)) {
        rule_arp_to_match(rule, match);
    }
    if (!dl_type_mask || !is_ip_any(&match->flow)) {
        return;
    }

    if (m->ip_proto) {
        match_set_nw_proto(match, k->ip_proto);
    }
    match_set_nw_tos_masked(match, k->ip_tos, m->ip_tos);
    match_set_nw_ttl_masked(match, k->ip_ttl, m->ip_ttl);
    if (m->ip_flags & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT) {
        uint8_t frag = 0, frag_mask = FLOW_NW_FRAG_ANY;

        if (k->ip_flags & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT) {
            frag |= FLOW_NW_FRAG_ANY;
        }
        if (m->ip_flags & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST) {
            frag_mask |= FLOW_NW_FRAG_LATER;
            if (!(k->ip_flags & TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST)) {
                frag |= FLOW_NW_FRAG_LATER;
            }
        }
        match_set_nw_frag_masked(match, frag, frag_mask);
    }
    if (dl_type == htons(ETH_TYPE_IP)) {
        match_set_nw_src_masked(match, k->ipv4_src, m->ipv4_src);
        match_set_nw_dst_masked(match, k->ipv4_dst, m->ipv4_dst);
    } else {
        match_set_ipv6_src_masked(match, &k->ipv6_src, &m->ipv6_src);
        match_set_ipv6_dst_masked(match, &k->ipv6_dst, &m->ipv6_dst);
    }

    if (!m->ip_proto) {
        return;
    }
    if (k->ip_proto == IPPROTO_TCP || k->ip_proto == IPPROTO_UDP
        || k->ip_proto == IPPROTO_SCTP) {
        match_set_tp_src_masked(match, k->tp_src, m->tp_src);
        match_set_tp_dst_masked(match, k->tp_dst, m->tp_dst);
        if (m->tcp_flags) {
            match_set_tcp_flags_masked(match, k->tcp_flags, m->tcp_flags);
        }
    } else if (k->ip_proto == IPPROTO_ICMP || k->ip_proto == IPPROTO_ICMPV6) {
        match_set_tp_src_masked(match, htons(k->icmp_type),
                                htons(m->icmp_type));
        match_set_tp_dst_masked(match, htons(k->icmp_code),
                                htons(m->icmp_code));
    }
}

