/*
 * Tunnels in translation (see flower-translate.h): the tunnel metadata a
 * decapsulated packet carries, which flower matches with its enc_* keys on
 * the tunnel device (vxlan_sys_4789, genev_sys_6081, ...), and the
 * set(tunnel(...)) action, which becomes act_tunnel_key set (with Geneve
 * options or a VXLAN-GBP, as the datapath's) before the packet is
 * redirected to a tunnel device.
 *
 * Two things flower cannot say are let through, as Open vSwitch 3.1 does,
 * because refusing them would refuse every tunnel flow and neither changes
 * where a packet goes unless OpenFlow itself matches them (OVN does not):
 *
 *   - The DF, CSUM and OAM flags of a received packet: the datapath always
 *     matches them, but up to Linux 6.1 cls_flower has no key for them.
 *
 *   - An exact "no Geneve options": flower matches options only when some
 *     are given.
 *
 * Everything else is exact or refused.  Setting DF on an IPv4 outer header
 * is refused outright: act_tunnel_key has no attribute for it up to Linux
 * 6.1 (TCA_TUNNEL_KEY_NO_FRAG came later), so the packets TC would send
 * would differ from the datapath's; "options:df_default=false" on the
 * tunnel port lets such flows be offloaded.  On an IPv6 outer header DF
 * means nothing (IPv6 has no such bit, and the kernel's VXLAN and Geneve
 * ignore the flag there), so it is dropped: OVS sets it on every tunnel
 * port by default, and the rule's packets are the datapath's.  A dump of
 * such a rule shows the set without it.
 */

#include <config.h>
#include "flower-translate-private.h"

#include <errno.h>
#include <string.h>

#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* The VXLAN-GBP flags the kernel keeps: "don't learn" and "policy
 * applied", as OVS's 8-bit flags (bits 16-23 of the kernel's u32). */
#define VXLAN_GBP_FLAGS 0x48

/* The tunnel flags that flower has no key for (see the file comment). */
#define TNL_FLAGS_IGNORED (FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_CSUM \
                           | FLOW_TNL_F_OAM)

/* Translates the Geneve options of a match (in the "UDPIF" form: raw TLVs,
 * as the kernel datapath gives them) into the rule.  Their lengths, which
 * are masked in OVS, are exact in flower: the mask TLV headers carry the
 * key's length byte. */
static int
translate_geneve_opts(const struct flow_tnl *key, struct flow_tnl *mask,
                      struct flower_rule *rule,
                      struct offload_refusal_info *refusal)
{
    struct flower_geneve_opts *k = &rule->key.enc_geneve;
    struct flower_geneve_opts *m = &rule->mask.enc_geneve;
    int len = key->metadata.present.len;
    int ofs;

    if (!(key->flags & FLOW_TNL_F_UDPIF)) {
        if (mask->metadata.present.map) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                                  "tun_metadata");
        }
        memset(&mask->metadata, 0, sizeof mask->metadata);
        return 0;
    }
    mask->flags &= ~FLOW_TNL_F_UDPIF;
    if (!len) {
        /* See the file comment. */
        memset(&mask->metadata, 0, sizeof mask->metadata);
        return 0;
    }
    if (len > FLOWER_GENEVE_OPTS_MAX || len % 4) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                              "tun_metadata");
    }

    k->len = m->len = len;
    memcpy(k->data, key->metadata.opts.gnv, len);
    memcpy(m->data, mask->metadata.opts.gnv, len);
    for (ofs = 0; ofs < len; ) {
        const struct geneve_opt *opt = (const void *) &k->data[ofs];
        struct geneve_opt *opt_mask = (void *) &m->data[ofs];

        if (ofs + sizeof *opt + opt->length * 4 > len) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                                  "tun_metadata");
        }
        opt_mask->length = opt->length;
        ofs += sizeof *opt + opt->length * 4;
    }
    memset(&mask->metadata, 0, sizeof mask->metadata);
    return 0;
}

/* Translates the tunnel metadata of a decapsulated packet, if the match
 * has any, into the rule's enc_* keys and clears it from 'mask'. */
int
flower_translate_tunnel_match(const struct flow *flow, struct flow *flow_mask,
                              struct flower_rule *rule,
                              struct offload_refusal_info *refusal)
{
    const struct flow_tnl *key = &flow->tunnel;
    struct flow_tnl *mask = &flow_mask->tunnel;
    struct flower_key *k = &rule->key, *m = &rule->mask;
    uint64_t id_mask;
    int error;

    if (!flow_tnl_dst_is_set(key) && !flow_tnl_src_is_set(key)) {
        /* Not a tunnel flow: bits left in the tunnel mask are artifacts of
         * translation, not a match. */
        memset(mask, 0, sizeof *mask);
        return 0;
    }

    if (mask->flags & FLOW_TNL_F_KEY && !(key->flags & FLOW_TNL_F_KEY)) {
        /* "No key" has no flower key. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                              "tun_flags");
    }
    id_mask = ntohll(mask->tun_id);
    if ((id_mask >> 32 && ntohll(key->tun_id) >> 32)
        || ((uint32_t) id_mask && (uint32_t) id_mask != UINT32_MAX)) {
        /* The kernel keeps 32 bits of key and matches them exactly. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                              "tun_id");
    }
    if ((uint32_t) id_mask) {
        k->enc_key_id = htonl((uint32_t) ntohll(key->tun_id));
        m->enc_key_id = OVS_BE32_MAX;
    }
    mask->tun_id = 0;
    mask->flags &= ~(FLOW_TNL_F_KEY | TNL_FLAGS_IGNORED);

    if (key->ip_dst || key->ip_src) {
        k->enc_ipv4_src = key->ip_src;
        m->enc_ipv4_src = mask->ip_src;
        k->enc_ipv4_dst = key->ip_dst;
        m->enc_ipv4_dst = mask->ip_dst;
    } else {
        k->enc_ipv6_src = key->ipv6_src;
        m->enc_ipv6_src = mask->ipv6_src;
        k->enc_ipv6_dst = key->ipv6_dst;
        m->enc_ipv6_dst = mask->ipv6_dst;
    }
    mask->ip_src = mask->ip_dst = 0;
    memset(&mask->ipv6_src, 0, sizeof mask->ipv6_src);
    memset(&mask->ipv6_dst, 0, sizeof mask->ipv6_dst);

    k->enc_tos = key->ip_tos;
    m->enc_tos = mask->ip_tos;
    k->enc_ttl = key->ip_ttl;
    m->enc_ttl = mask->ip_ttl;
    k->enc_tp_src = key->tp_src;
    m->enc_tp_src = mask->tp_src;
    k->enc_tp_dst = key->tp_dst;
    m->enc_tp_dst = mask->tp_dst;
    mask->ip_tos = mask->ip_ttl = 0;
    mask->tp_src = mask->tp_dst = 0;

    if (key->gbp_flags & mask->gbp_flags & ~VXLAN_GBP_FLAGS) {
        /* The kernel's VXLAN keeps only these flags: no packet has the
         * others. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                              "tun_gbp_flags");
    }
    /* The others are always zero, as this match wants them. */
    mask->gbp_flags &= VXLAN_GBP_FLAGS;
    if (mask->gbp_id || mask->gbp_flags) {
        /* VXLAN-GBP, as the datapath's u32: flags above the policy id. */
        k->enc_vxlan_gbp = (key->gbp_flags << 16) | ntohs(key->gbp_id);
        m->enc_vxlan_gbp = (mask->gbp_flags << 16) | ntohs(mask->gbp_id);
        mask->gbp_id = 0;
        mask->gbp_flags = 0;
    }

    error = translate_geneve_opts(key, mask, rule, refusal);
    if (error) {
        return error;
    }
    if (!is_all_zeros(mask, sizeof *mask)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_MATCH_TUNNEL,
                              mask->flags ? "tun_flags" : "tunnel");
    }
    return 0;
}

/* Sets the tunnel part of 'match' to what 'rule' matches, as the datapath
 * shows it: addresses, ports, key, Geneve options in UDPIF form. */
void
flower_rule_tunnel_to_match(const struct flower_rule *rule,
                            struct match *match)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    struct flow_tnl *tnl = &match->flow.tunnel;
    struct flow_tnl *tnl_mask = &match->wc.masks.tunnel;

    if (!flower_rule_matches_tunnel(rule)) {
        return;
    }
    if (m->enc_ipv4_src || m->enc_ipv4_dst) {
        match_set_tun_src_masked(match, k->enc_ipv4_src, m->enc_ipv4_src);
        match_set_tun_dst_masked(match, k->enc_ipv4_dst, m->enc_ipv4_dst);
    } else {
        match_set_tun_ipv6_src_masked(match, &k->enc_ipv6_src,
                                      &m->enc_ipv6_src);
        match_set_tun_ipv6_dst_masked(match, &k->enc_ipv6_dst,
                                      &m->enc_ipv6_dst);
    }
    if (m->enc_key_id) {
        match_set_tun_id(match, htonll(ntohl(k->enc_key_id)));
        tnl->flags |= FLOW_TNL_F_KEY;
        tnl_mask->flags |= FLOW_TNL_F_KEY;
    }
    match_set_tun_tos_masked(match, k->enc_tos, m->enc_tos);
    match_set_tun_ttl_masked(match, k->enc_ttl, m->enc_ttl);
    tnl->tp_src = k->enc_tp_src & m->enc_tp_src;
    tnl_mask->tp_src = m->enc_tp_src;
    match_set_tun_tp_dst_masked(match, k->enc_tp_dst, m->enc_tp_dst);
    if (m->enc_vxlan_gbp) {
        match_set_tun_gbp_id_masked(match, htons(k->enc_vxlan_gbp & 0xffff),
                                    htons(m->enc_vxlan_gbp & 0xffff));
        match_set_tun_gbp_flags_masked(match, k->enc_vxlan_gbp >> 16,
                                       m->enc_vxlan_gbp >> 16);
    }
    if (k->enc_geneve.len) {
        int ofs;

        tnl->flags |= FLOW_TNL_F_UDPIF;
        tnl_mask->flags |= FLOW_TNL_F_UDPIF;
        tnl->metadata.present.len = k->enc_geneve.len;
        tnl_mask->metadata.present.len = 0xff;
        memcpy(tnl->metadata.opts.gnv, k->enc_geneve.data, k->enc_geneve.len);
        memcpy(tnl_mask->metadata.opts.gnv, m->enc_geneve.data,
               k->enc_geneve.len);
        /* Lengths are exact in flower, masks in OVS. */
        for (ofs = 0; ofs < k->enc_geneve.len; ) {
            const struct geneve_opt *opt
                = (const void *) &k->enc_geneve.data[ofs];
            struct geneve_opt *opt_mask
                = (void *) ((uint8_t *) tnl_mask->metadata.opts.gnv + ofs);

            opt_mask->length = 0x1f;
            ofs += sizeof *opt + opt->length * 4;
        }
    }
}

/* Translates set(tunnel(...)): the metadata that the tunnel device, to
 * which the packet is then redirected, encapsulates it with. */
int
flower_translate_set_tunnel(const struct nlattr *tun_attr,
                            struct flower_rule *rule,
                            struct flower_action *action,
                            struct offload_refusal_info *refusal)
{
    struct flower_tunnel_set *set = &action->tunnel;
    struct flow_tnl tnl;
    char *error = NULL;

    memset(&tnl, 0, sizeof tnl);
    if (odp_tun_key_from_attr(tun_attr, &tnl, &error) == ODP_FIT_ERROR) {
        free(error);
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "set tunnel");
    }
    free(error);

    if (tnl.flags & FLOW_TNL_F_DONT_FRAGMENT
        && (tnl.ip_dst || !ipv6_addr_is_set(&tnl.ipv6_dst))) {
        /* Not IPv6, where DF is dropped (see the file comment). */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_TUNNEL_DF,
                              "set tunnel df");
    }
    if (tnl.gbp_flags & ~VXLAN_GBP_FLAGS) {
        /* The kernel's VXLAN keeps only these flags. */
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "set tunnel gbp flags");
    }
    /* 'tp_src' is left out: Linux's VXLAN and Geneve devices choose the
     * source port by hashing the packet, whatever the metadata says, so
     * the datapath ignores it too.  OVS leaves the one a packet came in
     * with when it forwards from one tunnel to another. */
    if (tnl.flags & FLOW_TNL_F_OAM || tnl.erspan_ver
        || tnl.gtpu_flags || tnl.gtpu_msgtype) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "set tunnel field");
    }
    if (!tnl.ip_dst && !ipv6_addr_is_set(&tnl.ipv6_dst)) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                              "set tunnel dst");
    }
    if (ntohll(tnl.tun_id) >> 32) {
        return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                              "set tunnel tun_id");
    }

    set->has_id = (tnl.flags & FLOW_TNL_F_KEY) != 0;
    set->id = htonl((uint32_t) ntohll(tnl.tun_id));
    set->ipv4_src = tnl.ip_src;
    set->ipv4_dst = tnl.ip_dst;
    set->ipv6_src = tnl.ipv6_src;
    set->ipv6_dst = tnl.ipv6_dst;
    set->tp_dst = tnl.tp_dst;
    set->tos = tnl.ip_tos;
    set->ttl = tnl.ip_ttl;
    set->no_csum = !(tnl.flags & FLOW_TNL_F_CSUM);

    if (tnl.gbp_id || tnl.gbp_flags) {
        /* VXLAN-GBP, as the datapath's u32: flags above the policy id. */
        set->vxlan_gbp = true;
        set->gbp = (tnl.gbp_flags << 16) | ntohs(tnl.gbp_id);
    }
    if (tnl.flags & FLOW_TNL_F_UDPIF && tnl.metadata.present.len) {
        if (set->vxlan_gbp) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_MALFORMED,
                                  "set tunnel gbp and Geneve options");
        }
        if (rule->encap_geneve.len) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_ACTION_UNSUPPORTED,
                                  "two sets of Geneve options");
        }
        set->geneve = true;
        rule->encap_geneve.len = tnl.metadata.present.len;
        memcpy(rule->encap_geneve.data, tnl.metadata.opts.gnv,
               tnl.metadata.present.len);
    }
    return 0;
}

/* Appends the set(tunnel(...)) that 'action' performs to 'buf'. */
void
flower_tunnel_set_to_odp_action(const struct flower_rule *rule,
                                const struct flower_action *action,
                                struct ofpbuf *buf)
{
    const struct flower_tunnel_set *set = &action->tunnel;
    struct flow_tnl tnl;

    memset(&tnl, 0, sizeof tnl);
    tnl.ip_src = set->ipv4_src;
    tnl.ip_dst = set->ipv4_dst;
    tnl.ipv6_src = set->ipv6_src;
    tnl.ipv6_dst = set->ipv6_dst;
    tnl.tun_id = htonll(ntohl(set->id));
    tnl.tp_dst = set->tp_dst;
    tnl.ip_tos = set->tos;
    tnl.ip_ttl = set->ttl;
    tnl.flags = ((set->has_id ? FLOW_TNL_F_KEY : 0)
                 | (set->no_csum ? 0 : FLOW_TNL_F_CSUM)
                 | (set->dont_fragment ? FLOW_TNL_F_DONT_FRAGMENT : 0));
    if (set->vxlan_gbp) {
        tnl.gbp_id = htons(set->gbp & 0xffff);
        tnl.gbp_flags = set->gbp >> 16;
    }
    if (set->geneve) {
        tnl.flags |= FLOW_TNL_F_UDPIF;
        tnl.metadata.present.len = rule->encap_geneve.len;
        memcpy(tnl.metadata.opts.gnv, rule->encap_geneve.data,
               rule->encap_geneve.len);
    }
    odp_put_tunnel_action(&tnl, buf, NULL);
}
