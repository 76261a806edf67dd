/*
 * Shared helpers of the unit tests for lib/flower-codec*.c: the failure
 * message and message buffer, rule builders (base_rule() and its variants,
 * action setters), encode() and decode_copy(), comparison of rules and
 * roundtrip(), and lookup and checks of the attributes of an encoded request.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reason for the current test's failure. */
char why[512];

/* Message buffers, 4-byte aligned as netlink wants. */
uint32_t bufw[FLOWER_MSG_BUFSIZE / 4];
void *const buf = bufw;

/* Helpers: rules. */

/* Initializes 'r' to a rule matching everything on ifindex 7 that
 * redirects to ifindex 9. */
void
base_rule(struct flower_rule *r)
{
    memset(r, 0, sizeof *r);
    r->id.ifindex = 7;
    r->id.prio = 5;
    r->id.handle = 0x11;
    r->protocol = htons(ETH_P_ALL);
    r->actions[0].type = FLOWER_ACT_REDIRECT;
    r->actions[0].ifindex = 9;
    r->n_actions = 1;
}

/* Initializes 'r' to base_rule() restricted to IPv4, or IPv6 if 'v6'. */
void
ip_rule(struct flower_rule *r, bool v6)
{
    uint16_t type = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);

    base_rule(r);
    r->protocol = type;
    r->key.eth_type = type;
    r->mask.eth_type = 0xffff;
}

/* Initializes 'r' to ip_rule() with IP protocol 'proto'. */
void
l4_rule(struct flower_rule *r, bool v6, uint8_t proto)
{
    ip_rule(r, v6);
    r->key.ip_proto = proto;
    r->mask.ip_proto = 0xff;
}

/* Initializes 'r' to a rule on 802.1Q frames of VLAN 100, priority 5,
 * encapsulating ethertype 'inner' (host order). */
void
vlan_rule(struct flower_rule *r, uint16_t inner)
{
    base_rule(r);
    r->protocol = htons(ETH_P_8021Q);
    r->key.eth_type = htons(ETH_P_8021Q);
    r->mask.eth_type = 0xffff;
    r->key.vlan_id = 100;
    r->mask.vlan_id = 0x0fff;
    r->key.vlan_prio = 5;
    r->mask.vlan_prio = 0x7;
    r->key.vlan_eth_type = htons(inner);
    r->mask.vlan_eth_type = 0xffff;
}

/* Initializes 'r' to a rule on frames with an outer tag of TPID 'outer',
 * VLAN 100, priority 5, and an inner tag of TPID 'inner', VLAN 200,
 * priority 3, encapsulating ethertype 'type' (all host order). */
void
qinq_rule(struct flower_rule *r, uint16_t outer, uint16_t inner,
          uint16_t type)
{
    vlan_rule(r, inner);
    r->protocol = htons(outer);
    r->key.eth_type = htons(outer);
    r->key.cvlan_id = 200;
    r->mask.cvlan_id = 0x0fff;
    r->key.cvlan_prio = 3;
    r->mask.cvlan_prio = 0x7;
    r->key.cvlan_eth_type = htons(type);
    r->mask.cvlan_eth_type = 0xffff;
}

/* Initializes 'r' to base_rule() restricted to ARP. */
void
arp_rule(struct flower_rule *r)
{
    uint16_t type = htons(ETH_P_ARP);

    base_rule(r);
    r->protocol = type;
    r->key.eth_type = type;
    r->mask.eth_type = 0xffff;
}

/* Makes action 'i' of 'r' a ct in 'zone', with no other parameter. */
void
set_ct(struct flower_rule *r, int i, uint16_t zone)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_CT;
    r->actions[i].ct.zone = zone;
}

/* Makes action 'i' of 'r' a goto to 'chain'. */
void
set_goto(struct flower_rule *r, int i, uint32_t chain)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_GOTO_CHAIN;
    r->actions[i].chain = chain;
}

/* Sets key 'i' of the pedit keys of 'r', and counts it. */
void
set_pedit_key(struct flower_rule *r, int i, uint8_t htype, uint32_t offset,
              uint32_t value, uint32_t mask)
{
    struct flower_pedit_key *key = &r->pedit_keys[i];

    memset(key, 0, sizeof *key);
    key->htype = htype;
    key->offset = offset;
    key->value = value;
    key->mask = mask;
    if (r->n_pedit_keys <= i) {
        r->n_pedit_keys = i + 1;
    }
}

/* Makes action 'i' of 'r' a pedit of its keys first...first + n - 1. */
void
set_pedit(struct flower_rule *r, int i, int first, int n)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_PEDIT;
    r->actions[i].pedit.first = first;
    r->actions[i].pedit.n = n;
}

/* Makes action 'i' of 'r' a reference to the meter (police) 'index'. */
void
set_police(struct flower_rule *r, int i, uint32_t index)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_POLICE;
    r->actions[i].police_index = index;
}

/* Makes action 'i' of 'r' a csum of 'flags'. */
void
set_csum(struct flower_rule *r, int i, uint32_t flags)
{
    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_CSUM;
    r->actions[i].csum_flags = flags;
}

/* Initializes 'r' to a rule on IPv4 TCP packets to port 80 that a VXLAN
 * device received with VNI 100 from 10.0.0.1 to 10.0.0.2, TOS 0, TTL 64,
 * UDP source port in 49152...65535 and destination port 4789. */
void
tunnel_match_rule(struct flower_rule *r)
{
    l4_rule(r, false, IPPROTO_TCP);
    r->key.tp_dst = htons(80);
    r->mask.tp_dst = 0xffff;
    r->key.enc_key_id = htonl(100);
    r->mask.enc_key_id = 0xffffffff;
    r->key.enc_ipv4_src = htonl(0x0a000001);
    r->mask.enc_ipv4_src = 0xffffffff;
    r->key.enc_ipv4_dst = htonl(0x0a000002);
    r->mask.enc_ipv4_dst = 0xffffffff;
    r->key.enc_tos = 0;
    r->mask.enc_tos = 0xff;
    r->key.enc_ttl = 64;
    r->mask.enc_ttl = 0xff;
    r->key.enc_tp_src = htons(0xc000);
    r->mask.enc_tp_src = htons(0xc000);
    r->key.enc_tp_dst = htons(4789);
    r->mask.enc_tp_dst = 0xffff;
}

/* Makes action 'i' of 'r' a tunnel set with every parameter: VNI 0x123456
 * from 10.0.0.1 to 10.0.0.2, or from 2001:db8::1 to 2001:db8::2 if 'v6',
 * to UDP port 6081, TOS 0x28, TTL 32, without UDP checksum. */
void
set_tunnel(struct flower_rule *r, int i, bool v6)
{
    struct flower_tunnel_set *t = &r->actions[i].tunnel;

    memset(&r->actions[i], 0, sizeof r->actions[i]);
    r->actions[i].type = FLOWER_ACT_TUNNEL_SET;
    t->id = htonl(0x123456);
    t->has_id = true;
    if (v6) {
        t->ipv6_src.s6_addr[0] = t->ipv6_dst.s6_addr[0] = 0x20;
        t->ipv6_src.s6_addr[1] = t->ipv6_dst.s6_addr[1] = 0x01;
        t->ipv6_src.s6_addr[2] = t->ipv6_dst.s6_addr[2] = 0x0d;
        t->ipv6_src.s6_addr[3] = t->ipv6_dst.s6_addr[3] = 0xb8;
        t->ipv6_src.s6_addr[15] = 1;
        t->ipv6_dst.s6_addr[15] = 2;
    } else {
        t->ipv4_src = htonl(0x0a000001);
        t->ipv4_dst = htonl(0x0a000002);
    }
    t->tp_dst = htons(6081);
    t->tos = 0x28;
    t->ttl = 32;
    t->no_csum = true;
}

/* Appends to 'opts' a Geneve TLV of 'class' (host order), 'type' and
 * 'words' 4-byte words of data whose byte i is 'fill' + i * 'step'. */
void
add_tlv(struct flower_geneve_opts *opts, uint16_t class, uint8_t type,
        int words, uint8_t fill, uint8_t step)
{
    uint8_t *tlv = &opts->data[opts->len];
    int i;

    tlv[0] = class >> 8;
    tlv[1] = class;
    tlv[2] = type;
    tlv[3] = words;
    for (i = 0; i < words * 4; i++) {
        tlv[4 + i] = fill + i * step;
    }
    opts->len += 4 + words * 4;
}

/* Encodes 'r' as an add request into 'buf'. */
struct nlmsghdr *
encode(const struct flower_rule *r)
{
    return flower_encode_new(buf, r, NLM_F_CREATE | NLM_F_EXCL, 42);
}

/* Decodes a copy of 'nlh' in a buffer of exactly 'nlmsg_len' bytes, so that
 * valgrind sees any read past the message. */
int
decode_copy(const struct nlmsghdr *nlh, struct flower_rule *rule)
{
    size_t size = (nlh->nlmsg_len < sizeof *nlh
                   ? sizeof *nlh : nlh->nlmsg_len);
    void *copy = malloc(size);
    int error;

    memcpy(copy, nlh, size);
    error = flower_decode(copy, rule);
    free(copy);
    return error;
}

/* Compares two keys (or masks), naming the first field that differs. */
static const char *
compare_keys(const struct flower_key *a, const struct flower_key *b,
             const char *what)
{
    CMP(a, b, eth_dst, what);
    CMP(a, b, eth_src, what);
    CMP(a, b, eth_type, what);
    CMP(a, b, vlan_id, what);
    CMP(a, b, vlan_prio, what);
    CMP(a, b, vlan_eth_type, what);
    CMP(a, b, cvlan_id, what);
    CMP(a, b, cvlan_prio, what);
    CMP(a, b, cvlan_eth_type, what);
    CMP(a, b, ip_proto, what);
    CMP(a, b, ip_tos, what);
    CMP(a, b, ip_ttl, what);
    CMP(a, b, ip_flags, what);
    CMP(a, b, ipv4_src, what);
    CMP(a, b, ipv4_dst, what);
    CMP(a, b, ipv6_src, what);
    CMP(a, b, ipv6_dst, what);
    CMP(a, b, tp_src, what);
    CMP(a, b, tp_dst, what);
    CMP(a, b, tcp_flags, what);
    CMP(a, b, icmp_type, what);
    CMP(a, b, icmp_code, what);
    CMP(a, b, arp_sip, what);
    CMP(a, b, arp_tip, what);
    CMP(a, b, arp_op, what);
    CMP(a, b, arp_sha, what);
    CMP(a, b, arp_tha, what);
    CMP(a, b, ct_state, what);
    CMP(a, b, ct_zone, what);
    CMP(a, b, ct_mark, what);
    CMP(a, b, ct_label, what);
    CMP(a, b, mpls_label, what);
    CMP(a, b, mpls_tc, what);
    CMP(a, b, mpls_bos, what);
    CMP(a, b, mpls_ttl, what);
    CMP(a, b, enc_key_id, what);
    CMP(a, b, enc_ipv4_src, what);
    CMP(a, b, enc_ipv4_dst, what);
    CMP(a, b, enc_ipv6_src, what);
    CMP(a, b, enc_ipv6_dst, what);
    CMP(a, b, enc_tos, what);
    CMP(a, b, enc_ttl, what);
    CMP(a, b, enc_tp_src, what);
    CMP(a, b, enc_tp_dst, what);
    CMP(a, b, enc_geneve, what);
    CMP(a, b, enc_vxlan_gbp, what);
    return NULL;
}

/* Compares two actions of the same index 'i', naming the first field that
 * differs. */
static const char *
compare_actions(const struct flower_action *a, const struct flower_action *b,
                int i)
{
    static char what[32];

    snprintf(what, sizeof what, "actions[%d].", i);
    CMP(a, b, type, what);
    switch (a->type) {
    case FLOWER_ACT_DROP:
    case FLOWER_ACT_VLAN_POP:
    case FLOWER_ACT_CT_CLEAR:
    case FLOWER_ACT_TUNNEL_RELEASE:
    case FLOWER_ACT_PTYPE_HOST:
        break;
    case FLOWER_ACT_REDIRECT:
    case FLOWER_ACT_MIRROR:
    case FLOWER_ACT_REDIRECT_INGRESS:
    case FLOWER_ACT_MIRROR_INGRESS:
        CMP(a, b, ifindex, what);
        break;
    case FLOWER_ACT_VLAN_PUSH:
        CMP(a, b, vlan.proto, what);
        CMP(a, b, vlan.id, what);
        CMP(a, b, vlan.prio, what);
        break;
    case FLOWER_ACT_GOTO_CHAIN:
        CMP(a, b, chain, what);
        break;
    case FLOWER_ACT_CT:
        CMP(a, b, ct.zone, what);
        CMP(a, b, ct.commit, what);
        CMP(a, b, ct.force, what);
        CMP(a, b, ct.mark, what);
        CMP(a, b, ct.mark_mask, what);
        CMP(a, b, ct.label, what);
        CMP(a, b, ct.label_mask, what);
        CMP(a, b, ct.nat, what);
        CMP(a, b, ct.nat_src, what);
        CMP(a, b, ct.nat_dst, what);
        CMP(a, b, ct.nat_ipv4, what);
        CMP(a, b, ct.nat_ipv6, what);
        CMP(a, b, ct.nat_ipv4_min, what);
        CMP(a, b, ct.nat_ipv4_max, what);
        CMP(a, b, ct.nat_ipv6_min, what);
        CMP(a, b, ct.nat_ipv6_max, what);
        CMP(a, b, ct.nat_port_min, what);
        CMP(a, b, ct.nat_port_max, what);
        break;
    case FLOWER_ACT_PEDIT:
        CMP(a, b, pedit.first, what);
        CMP(a, b, pedit.n, what);
        break;
    case FLOWER_ACT_CSUM:
        CMP(a, b, csum_flags, what);
        break;
    case FLOWER_ACT_MPLS_PUSH:
    case FLOWER_ACT_MPLS_POP:
    case FLOWER_ACT_MPLS_SET:
        CMP(a, b, mpls.proto, what);
        CMP(a, b, mpls.label, what);
        CMP(a, b, mpls.tc, what);
        CMP(a, b, mpls.ttl, what);
        CMP(a, b, mpls.bos, what);
        CMP(a, b, mpls.set_label, what);
        CMP(a, b, mpls.set_tc, what);
        CMP(a, b, mpls.set_ttl, what);
        CMP(a, b, mpls.set_bos, what);
        break;
    case FLOWER_ACT_TUNNEL_SET:
        CMP(a, b, tunnel.id, what);
        CMP(a, b, tunnel.has_id, what);
        CMP(a, b, tunnel.ipv4_src, what);
        CMP(a, b, tunnel.ipv4_dst, what);
        CMP(a, b, tunnel.ipv6_src, what);
        CMP(a, b, tunnel.ipv6_dst, what);
        CMP(a, b, tunnel.tp_dst, what);
        CMP(a, b, tunnel.tos, what);
        CMP(a, b, tunnel.ttl, what);
        CMP(a, b, tunnel.no_csum, what);
        CMP(a, b, tunnel.dont_fragment, what);
        CMP(a, b, tunnel.geneve, what);
        CMP(a, b, tunnel.vxlan_gbp, what);
        CMP(a, b, tunnel.gbp, what);
        break;
    case FLOWER_ACT_POLICE:
        CMP(a, b, police_index, what);
        break;
    case FLOWER_ACT_SAMPLE:
        CMP(a, b, sample.rate, what);
        CMP(a, b, sample.group, what);
        CMP(a, b, sample.trunc, what);
        break;
    case FLOWER_ACT_POLICE_MTU:
        CMP(a, b, police_mtu.mtu, what);
        CMP(a, b, police_mtu.conform_jump, what);
        CMP(a, b, police_mtu.exceed_jump, what);
        break;
    case FLOWER_ACT_JUMP:
        CMP(a, b, jump, what);
        break;
    }
    return NULL;
}

/* Compares two rules, naming the first field that differs. */
const char *
compare_rules(const struct flower_rule *a, const struct flower_rule *b)
{
    int i;

    CMP(a, b, id.ifindex, "");
    CMP(a, b, id.chain, "");
    CMP(a, b, id.prio, "");
    CMP(a, b, id.handle, "");
    CMP(a, b, protocol, "");
    TRY(compare_keys(&a->key, &b->key, "key."));
    TRY(compare_keys(&a->mask, &b->mask, "mask."));
    CMP(a, b, flags, "");
    CMP(a, b, in_hw, "");
    CMP(a, b, in_hw_count, "");
    CMP(a, b, n_actions, "");
    for (i = 0; i < a->n_actions; i++) {
        TRY(compare_actions(&a->actions[i], &b->actions[i], i));
    }
    CMP(a, b, n_pedit_keys, "");
    for (i = 0; i < a->n_pedit_keys && i < FLOWER_MAX_PEDIT_KEYS; i++) {
        CMP(a, b, pedit_keys[i].htype, "");
        CMP(a, b, pedit_keys[i].offset, "");
        CMP(a, b, pedit_keys[i].value, "");
        CMP(a, b, pedit_keys[i].mask, "");
    }
    CMP(a, b, encap_geneve, "");
    CMP(a, b, has_cookie, "");
    if (a->has_cookie) {
        CMP(a, b, cookie, "");
    }
    CMP(a, b, stats.n_packets, "");
    CMP(a, b, stats.n_bytes, "");
    CMP(a, b, stats.has_lastuse, "");
    CMP(a, b, stats.lastuse_ms, "");
    return NULL;
}

/* Encodes 'r', decodes the request and compares. */
const char *
roundtrip(const struct flower_rule *r)
{
    struct flower_rule out;
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    CHECK(nlh->nlmsg_len <= FLOWER_MSG_BUFSIZE);
    CHECK_ERR(decode_copy(nlh, &out), 0);
    return compare_rules(r, &out);
}

/* Helpers: attributes. */

/* Returns the attribute of 'type' inside 'nest', or NULL. */
const struct nlattr *
find_nested(const struct nlattr *nest, uint16_t type)
{
    const struct nlattr *attr;

    mnl_attr_for_each_nested(attr, nest) {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

/* Returns the top-level attribute of 'type' of filter message 'nlh'. */
const struct nlattr *
find_top(const struct nlmsghdr *nlh, uint16_t type)
{
    const struct nlattr *attr;

    mnl_attr_for_each(attr, nlh, sizeof (struct tcmsg)) {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

/* Returns the attribute of 'type' inside the TCA_OPTIONS of 'nlh'. */
const struct nlattr *
find_opt(const struct nlmsghdr *nlh, uint16_t type)
{
    const struct nlattr *options = find_top(nlh, TCA_OPTIONS);

    return options ? find_nested(options, type) : NULL;
}

/* Checks that 'attr' exists and carries exactly 'size' bytes of 'data'. */
const char *
expect_payload(const struct nlattr *attr, const char *name,
               const void *data, size_t size)
{
    if (!attr) {
        FAIL("attribute %s missing", name);
    }
    if (mnl_attr_get_payload_len(attr) != size) {
        FAIL("attribute %s has %u bytes, expected %zu", name,
             (unsigned int) mnl_attr_get_payload_len(attr), size);
    }
    if (memcmp(mnl_attr_get_payload(attr), data, size)) {
        FAIL("attribute %s has the wrong value", name);
    }
    return NULL;
}

/* Returns the TCA_OPTIONS of action 'index' (1-based) of request 'nlh'. */
const struct nlattr *
find_act(const struct nlmsghdr *nlh, uint16_t index)
{
    const struct nlattr *list = find_opt(nlh, TCA_FLOWER_ACT);

    return list ? find_nested(list, index) : NULL;
}

/* Checks action 'index' of 'nlh' is mirred with the given parameters. */
const char *
expect_mirred(const struct nlmsghdr *nlh, uint16_t index, int eaction,
              int control, uint32_t ifindex)
{
    const struct nlattr *act = find_act(nlh, index);
    const struct nlattr *kind, *options, *parms;
    struct tc_mirred p;

    CHECK(act != NULL);
    kind = find_nested(act, TCA_ACT_KIND);
    TRY(expect_payload(kind, "TCA_ACT_KIND", "mirred", 7));
    options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(options != NULL);
    parms = find_nested(options, TCA_MIRRED_PARMS);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms) == sizeof p);
    memcpy(&p, mnl_attr_get_payload(parms), sizeof p);
    if (p.eaction != eaction || p.action != control || p.ifindex != ifindex) {
        FAIL("action %u: mirred eaction %d action %d ifindex %u, expected "
             "%d %d %u", index, p.eaction, p.action, p.ifindex, eaction,
             control, ifindex);
    }
    return NULL;
}

/* Checks that action 'index' of request 'nlh' is of 'kind' and points
 * '*options' to its TCA_ACT_OPTIONS. */
const char *
expect_act_kind(const struct nlmsghdr *nlh, uint16_t index, const char *kind,
                const struct nlattr **options)
{
    const struct nlattr *act = find_act(nlh, index);

    if (!act) {
        FAIL("action %u missing", index);
    }
    TRY(expect_payload(find_nested(act, TCA_ACT_KIND), "TCA_ACT_KIND", kind,
                       strlen(kind) + 1));
    *options = find_nested(act, TCA_ACT_OPTIONS);
    CHECK(*options != NULL);
    return NULL;
}

/* Copies the parameter struct 'type' of 'size' bytes in 'options' into
 * 'parms'. */
const char *
get_parms(const struct nlattr *options, uint16_t type, void *parms,
          size_t size)
{
    const struct nlattr *attr = find_nested(options, type);

    CHECK(attr != NULL);
    CHECK(mnl_attr_get_payload_len(attr) == size);
    memcpy(parms, mnl_attr_get_payload(attr), size);
    return NULL;
}

/* Encodes 'r', checks that it carries 'attr' = 'key' (and 'mask_attr' =
 * 'mask' unless 'mask_attr' is 0) in its options, then round-trips it. */
const char *
check_field(const struct flower_rule *r, uint16_t attr, const char *name,
            const void *key, uint16_t mask_attr, const void *mask,
            size_t size)
{
    struct nlmsghdr *nlh = encode(r);

    CHECK(nlh != NULL);
    TRY(expect_payload(find_opt(nlh, attr), name, key, size));
    if (mask_attr) {
        TRY(expect_payload(find_opt(nlh, mask_attr), "mask", mask, size));
    }
    return roundtrip(r);
}
