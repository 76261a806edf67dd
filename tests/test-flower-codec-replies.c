/*
 * Shared helpers of the unit tests for lib/flower-codec*.c that simulate
 * kernel replies: builders of RTM_NEWTFILTER dump entries and of the actions
 * in them, as the kernel dumps them or spoiled on purpose, and checks that
 * decoding such an entry returns the expected error.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_mpls.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

/* Helpers: simulated kernel replies. */

/* Starts an RTM_NEWTFILTER message as the kernel sends it. */
struct nlmsghdr *
reply_start(const char *kind, uint16_t protocol)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct tcmsg *tcm;

    nlh->nlmsg_type = RTM_NEWTFILTER;
    nlh->nlmsg_flags = NLM_F_MULTI;
    tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_ifindex = 7;
    tcm->tcm_parent = FLOWER_INGRESS_PARENT;
    tcm->tcm_handle = 1;
    tcm->tcm_info = TC_H_MAKE(1U << 16, protocol);
    mnl_attr_put_strz(nlh, TCA_KIND, kind);
    mnl_attr_put_u32(nlh, TCA_CHAIN, 0);
    return nlh;
}

/* Puts a struct tcf_t whose 'lastuse' is 'lastuse' ticks. */
void
put_tm(struct nlmsghdr *nlh, uint16_t type, uint64_t lastuse)
{
    struct tcf_t tm = { .install = 9000, .lastuse = lastuse,
                        .expires = 0, .firstuse = 8000 };

    if (lastuse != NO_TM) {
        mnl_attr_put(nlh, type, sizeof tm, &tm);
    }
}

/* Puts the TCA_ACT_STATS nest the kernel puts for an action that counted
 * 'bytes' and 'packets' (with padding, as nla_put_64bit() may add). */
static void
put_stats(struct nlmsghdr *nlh, uint64_t bytes, uint32_t packets)
{
    struct gnet_stats_basic basic;
    struct gnet_stats_queue queue;
    struct nlattr *stats = mnl_attr_nest_start(nlh, TCA_ACT_STATS);

    memset(&basic, 0, sizeof basic);
    basic.bytes = bytes;
    basic.packets = packets;
    memset(&queue, 0, sizeof queue);
    mnl_attr_put(nlh, TCA_STATS_PAD, 0, NULL);
    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    mnl_attr_put(nlh, TCA_STATS_QUEUE, sizeof queue, &queue);
    mnl_attr_nest_end(nlh, stats);
}

/* Puts action 'index' (1-based) of kind mirred with the given parameters,
 * counters and last use, plus the informational attributes the kernel
 * adds, with NLA_F_NESTED as recent kernels set it. */
void
reply_mirred(struct nlmsghdr *nlh, uint16_t index, int eaction, int control,
             uint32_t ifindex, uint64_t bytes, uint32_t packets,
             uint64_t lastuse)
{
    struct tc_mirred p = { .action = control, .eaction = eaction,
                           .ifindex = ifindex, .index = index };
    struct nla_bitfield32 hw_stats = { 3, 3 };
    struct nlattr *act = mnl_attr_nest_start(nlh, index | NLA_F_NESTED);
    struct nlattr *options;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
    put_stats(nlh, bytes, packets);
    mnl_attr_put(nlh, TCA_ACT_HW_STATS, sizeof hw_stats, &hw_stats);
    mnl_attr_put_u32(nlh, TCA_ACT_IN_HW_COUNT, 1);
    options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS | NLA_F_NESTED);
    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_MIRRED_PAD, 0, NULL);
    put_tm(nlh, TCA_MIRRED_TM, lastuse);
    mnl_attr_nest_end(nlh, options);
    mnl_attr_nest_end(nlh, act);
}

/* Puts a gact action 'index' whose verdict is 'control'. */
void
reply_gact(struct nlmsghdr *nlh, uint16_t index, int control)
{
    struct tc_gact p = { .action = control };
    struct nlattr *act = mnl_attr_nest_start(nlh, index);
    struct nlattr *options;

    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "gact");
    options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    mnl_attr_nest_end(nlh, options);
    mnl_attr_nest_end(nlh, act);
}

/* Builds a valid dump entry of an IPv4 TCP rule with a redirect to 9. */
struct nlmsghdr *
reply_simple(void)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_IP));
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list;

    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST, htons(80));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST_MASK, 0xffff);
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS, TCA_CLS_FLAGS_NOT_IN_HW);
    mnl_attr_put_u32(nlh, TCA_FLOWER_IN_HW_COUNT, 0);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, 1);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* Returns the first attribute inside the TCA_OPTIONS of 'nlh'. */
struct nlattr *
first_opt(struct nlmsghdr *nlh)
{
    struct nlattr *options = (struct nlattr *) find_top(nlh, TCA_OPTIONS);

    return options ? mnl_attr_get_payload(options) : NULL;
}

/* Starts a dump entry of filter protocol "all" and its action list. */
struct nlmsghdr *
reply_list_start(struct reply_nests *n)
{
    struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));

    n->options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    n->list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    return nlh;
}

/* Ends what reply_list_start() started. */
struct nlmsghdr *
reply_list_end(struct nlmsghdr *nlh, struct reply_nests *n)
{
    mnl_attr_nest_end(nlh, n->list);
    mnl_attr_nest_end(nlh, n->options);
    return nlh;
}

/* Starts action 'index' of 'kind', up to inside its TCA_ACT_OPTIONS. */
void
reply_act_start(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                const char *kind)
{
    n->act = mnl_attr_nest_start(nlh, index | NLA_F_NESTED);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, kind);
    n->act_options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS | NLA_F_NESTED);
}

/* Ends what reply_act_start() started, after a struct tcf_t 'tm_attr'
 * whose last use is 'lastuse' ticks (none if NO_TM). */
void
reply_act_end(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t tm_attr,
              uint64_t lastuse)
{
    put_tm(nlh, tm_attr, lastuse);
    mnl_attr_nest_end(nlh, n->act_options);
    mnl_attr_nest_end(nlh, n->act);
}

/* Puts a gact action 'index' with verdict 'control'. */
void
reply_gact_tm(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
              int control, uint64_t lastuse)
{
    struct tc_gact p = { .action = control, .index = index };

    reply_act_start(nlh, n, index, "gact");
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    reply_act_end(nlh, n, TCA_GACT_TM, lastuse);
}

/* Puts a vlan action 'index' doing 'v_action', and the pushed tag 'id',
 * 'tpid' (host order), 'prio' as tcf_vlan_dump() does, unless 'id' is
 * negative. */
void
reply_vlan(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
           int v_action, int id, uint16_t tpid, uint8_t prio,
           uint64_t lastuse)
{
    struct tc_vlan p = { .action = TC_ACT_PIPE, .v_action = v_action,
                         .index = index };

    reply_act_start(nlh, n, index, "vlan");
    mnl_attr_put(nlh, TCA_VLAN_PARMS, sizeof p, &p);
    if (id >= 0) {
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_ID, id);
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_PROTOCOL, htons(tpid));
        mnl_attr_put_u8(nlh, TCA_VLAN_PUSH_VLAN_PRIORITY, prio);
    }
    reply_act_end(nlh, n, TCA_VLAN_TM, lastuse);
}

/* Puts a ct action 'index' with TCA_CT_ACTION 'flags' as tcf_ct_dump()
 * does: for other than a clear, the mark and label of 'ct' if their masks
 * are not zero, the zone always, and for NAT to a source or destination
 * (as 'flags' say) both ends of each range 'ct' uses. */
void
reply_ct(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
         uint16_t flags, const struct flower_ct *ct, uint64_t lastuse)
{
    static const uint8_t zeros[16];
    struct tc_ct p = { .action = TC_ACT_PIPE, .index = index };

    reply_act_start(nlh, n, index, "ct");
    mnl_attr_put_u16(nlh, TCA_CT_ACTION, flags);
    if (!(flags & TCA_CT_ACT_CLEAR)) {
        if (ct->mark_mask) {
            mnl_attr_put_u32(nlh, TCA_CT_MARK, ct->mark);
            mnl_attr_put_u32(nlh, TCA_CT_MARK_MASK, ct->mark_mask);
        }
        if (memcmp(ct->label_mask, zeros, sizeof zeros)) {
            mnl_attr_put(nlh, TCA_CT_LABELS, 16, ct->label);
            mnl_attr_put(nlh, TCA_CT_LABELS_MASK, 16, ct->label_mask);
        }
        mnl_attr_put_u16(nlh, TCA_CT_ZONE, ct->zone);
    }
    if (flags & TCA_CT_ACT_NAT
        && flags & (TCA_CT_ACT_NAT_SRC | TCA_CT_ACT_NAT_DST)) {
        if (ct->nat_ipv4) {
            mnl_attr_put_u32(nlh, TCA_CT_NAT_IPV4_MIN, ct->nat_ipv4_min);
            mnl_attr_put_u32(nlh, TCA_CT_NAT_IPV4_MAX, ct->nat_ipv4_max);
        } else if (ct->nat_ipv6) {
            mnl_attr_put(nlh, TCA_CT_NAT_IPV6_MIN, 16, &ct->nat_ipv6_min);
            mnl_attr_put(nlh, TCA_CT_NAT_IPV6_MAX, 16, &ct->nat_ipv6_max);
        }
        if (ct->nat_port_max) {
            mnl_attr_put_u16(nlh, TCA_CT_NAT_PORT_MIN, ct->nat_port_min);
            mnl_attr_put_u16(nlh, TCA_CT_NAT_PORT_MAX, ct->nat_port_max);
        }
    }
    mnl_attr_put(nlh, TCA_CT_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_CT_PAD, 0, NULL);
    reply_act_end(nlh, n, TCA_CT_TM, lastuse);
}

/* Initializes 'p' to the pedit of two IPv4 keys that set the TTL and the
 * first byte of the source address to 63, as the kernel dumps it. */
void
pedit_reply_init(struct pedit_reply *p)
{
    memset(p, 0, sizeof *p);
    p->action = TC_ACT_PIPE;
    p->nkeys = 2;
    p->parms_type = TCA_PEDIT_PARMS_EX;
    p->n_ex = 2;
    p->ex_type = TCA_PEDIT_KEY_EX;
    p->ex_attrs = EX_HTYPE | EX_CMD;
    p->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_IP4;
    p->cmd = TCA_PEDIT_KEY_EX_CMD_SET;
    p->key.mask = ~htonl(0xff000000);
    p->key.val = htonl(0x3f000000);
    p->key.off = 8;
}

/* The keys of the model that pedit_reply_init()'s reply decodes to, from
 * 'first' in 'r'. */
void
pedit_reply_keys(struct flower_rule *r, int first)
{
    int i;

    for (i = 0; i < 2; i++) {
        set_pedit_key(r, first + i, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8 + 4 * i,
                      htonl(0x3f000000), htonl(0xff000000));
    }
}

/* Puts a pedit action 'index' as 'p' says, extended keys first as
 * tcf_pedit_dump() does. */
void
reply_pedit(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
            const struct pedit_reply *p, uint64_t lastuse)
{
    struct tc_pedit_sel sel;
    uint8_t parms[sizeof sel + 64 * sizeof (struct tc_pedit_key)];
    int i;

    memset(parms, 0, sizeof parms);
    memset(&sel, 0, sizeof sel);
    sel.action = p->action;
    sel.index = index;
    sel.nkeys = p->nkeys;
    sel.flags = p->flags;
    memcpy(parms, &sel, sizeof sel);
    for (i = 0; i < p->nkeys; i++) {
        struct tc_pedit_key key = p->key;

        key.off += 4 * i;
        memcpy(&parms[sizeof sel + i * sizeof key], &key, sizeof key);
    }

    reply_act_start(nlh, n, index, "pedit");
    if (p->n_ex >= 0) {
        struct nlattr *keys_ex = mnl_attr_nest_start(nlh, TCA_PEDIT_KEYS_EX);

        for (i = 0; i < p->n_ex; i++) {
            struct nlattr *key_ex = mnl_attr_nest_start(nlh, p->ex_type);

            if (p->ex_attrs & EX_HTYPE) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_HTYPE, p->htype);
            }
            if (p->ex_attrs & EX_HTYPE_U32) {
                mnl_attr_put_u32(nlh, TCA_PEDIT_KEY_EX_HTYPE, p->htype);
            }
            if (p->ex_attrs & EX_CMD) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_CMD, p->cmd);
            }
            if (p->ex_attrs & EX_NEWER) {
                mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_MAX + 1, 0);
            }
            mnl_attr_nest_end(nlh, key_ex);
        }
        mnl_attr_nest_end(nlh, keys_ex);
    }
    mnl_attr_put(nlh, p->parms_type,
                 (sizeof sel + p->nkeys * sizeof (struct tc_pedit_key)
                  + p->parms_extra), parms);
    mnl_attr_put(nlh, TCA_PEDIT_PAD, 0, NULL);
    if (p->tm_size) {
        mnl_attr_put(nlh, TCA_PEDIT_TM, p->tm_size, parms);
        lastuse = NO_TM;
    }
    reply_act_end(nlh, n, TCA_PEDIT_TM, lastuse);
}

/* Puts a csum action 'index' that updates 'flags'. */
void
reply_csum(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
           uint32_t flags, uint64_t lastuse)
{
    struct tc_csum p = { .action = TC_ACT_PIPE, .index = index,
                         .update_flags = flags };

    reply_act_start(nlh, n, index, "csum");
    mnl_attr_put(nlh, TCA_CSUM_PARMS, sizeof p, &p);
    mnl_attr_put(nlh, TCA_CSUM_PAD, 0, NULL);
    reply_act_end(nlh, n, TCA_CSUM_TM, lastuse);
}

/* Puts an mpls action 'index' doing 'm_action' with the fields of 'm' as
 * tcf_mpls_dump() does: those whose 'set_*' flag is true (all of them for
 * a push), and the ethertype always (for a modify, the default 0x8847). */
void
reply_mpls(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
           int m_action, const struct flower_mpls *m, uint64_t lastuse)
{
    struct tc_mpls p = { .action = TC_ACT_PIPE, .index = index,
                         .m_action = m_action };
    bool push = m_action == TCA_MPLS_ACT_PUSH;

    reply_act_start(nlh, n, index, "mpls");
    mnl_attr_put(nlh, TCA_MPLS_PARMS, sizeof p, &p);
    if (push || m->set_label) {
        mnl_attr_put_u32(nlh, TCA_MPLS_LABEL, m->label);
    }
    if (push || m->set_tc) {
        mnl_attr_put_u8(nlh, TCA_MPLS_TC, m->tc);
    }
    if (push || m->set_ttl) {
        mnl_attr_put_u8(nlh, TCA_MPLS_TTL, m->ttl);
    }
    if (push || m->set_bos) {
        mnl_attr_put_u8(nlh, TCA_MPLS_BOS, m->bos);
    }
    mnl_attr_put_u16(nlh, TCA_MPLS_PROTO,
                     (m_action == TCA_MPLS_ACT_MODIFY
                      ? htons(ETH_P_MPLS_UC) : m->proto));
    mnl_attr_put(nlh, TCA_MPLS_PAD, 0, NULL);
    reply_act_end(nlh, n, TCA_MPLS_TM, lastuse);
}

/* Decodes into 'r' a dump entry whose first action is the pedit 'p', then
 * a goto chain 1, and checks that decoding returns 'error'.  'id' (the
 * caller's line, or a pass) names the case in the failure message. */
const char *
check_pedit_reply(int id, const struct pedit_reply *p,
                  struct flower_rule *r, int error)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    int ret;

    reply_pedit(nlh, &n, 1, p, NO_TM);
    reply_gact_tm(nlh, &n, 2, TC_ACT_GOTO_CHAIN | 1, NO_TM);
    ret = decode_copy(reply_list_end(nlh, &n), r);
    if (ret != error) {
        FAIL("pedit reply %d: decoded as %d (%s), expected %d (%s)",
             id, ret, strerror(ret), error, strerror(error));
    }
    return NULL;
}

/* Decodes a dump entry whose first action is of 'kind' with the 'n_opts'
 * options 'opts', except that 'bad_type' (if not 0) gets 'bad_size' bytes
 * instead, and checks that decoding returns 'error'.  Unless 'kind' is
 * "gact" (which must then end the list), a goto chain 1 follows.  'line'
 * is the caller's, for the failure message. */
const char *
check_act_reply(int line, const char *kind, const struct opt *opts,
                size_t n_opts, uint16_t bad_type, size_t bad_size, int error)
{
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    struct flower_rule r;
    size_t i;
    int ret;

    reply_act_start(nlh, &n, 1, kind);
    for (i = 0; i < n_opts; i++) {
        uint8_t data[64];

        memset(data, 0, sizeof data);
        memcpy(data, opts[i].data, opts[i].size);
        mnl_attr_put(nlh, opts[i].type,
                     opts[i].type == bad_type ? bad_size : opts[i].size,
                     data);
    }
    reply_act_end(nlh, &n, 0, NO_TM);
    if (strcmp(kind, "gact")) {
        reply_gact_tm(nlh, &n, 2, TC_ACT_GOTO_CHAIN | 1, NO_TM);
    }
    ret = decode_copy(reply_list_end(nlh, &n), &r);
    if (ret != error) {
        FAIL("line %d: %s action (option %u resized to %zu bytes if not 0): "
             "decoding returned %d (%s), expected %d (%s)", line, kind,
             bad_type, bad_size, ret, strerror(ret), error, strerror(error));
    }
    return NULL;
}
