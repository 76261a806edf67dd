/*
 * TC flower netlink codec (see flower-codec.h): builds cls_flower, act_gact
 * and act_mirred requests from the rule model of flower-rule.h and parses
 * the kernel's filter messages back into it, for the transport to send and
 * receive.  No I/O, no allocation, no logging.
 *
 * VLAN: 'key.eth_type' is the outermost ethertype, as cls_flower wants it
 * in TCA_FLOWER_KEY_ETH_TYPE on add (0x8100 or 0x88a8 when tagged), and
 * 'key.vlan_eth_type' the encapsulated one (TCA_FLOWER_KEY_VLAN_ETH_TYPE).
 * The kernel never dumps the TPID back: fl_dump_key() puts the inner type
 * in TCA_FLOWER_KEY_ETH_TYPE.  For such a dump the decoder takes the TPID
 * from the filter protocol in 'tcm_info', so a request and the kernel's
 * dump of it decode to the same rule.
 *
 * cls_flower silently ignores a key attribute whose precondition fails
 * (ports unless ip_proto is TCP, UDP or SCTP, ip_proto unless the type is
 * IP, ...: fl_set_key()) and matches some fields exactly only.  Rather than
 * install a rule broader than asked, encoding fails on such a key or on a
 * partial mask of an exact-only field, and decoding rejects them.
 *
 * Counters come from the first action, which every matching packet passes.
 * struct tcf_t counts clock_t ticks (jiffies_to_clock_t(): USER_HZ, which
 * is 100, i.e. 10 ms a tick, on every architecture but Alpha).
 *
 * flower_decode() relies on 'nlmsg_len' having been checked against the
 * received size (as mnl_nlmsg_ok() and mnl_cb_run() do; the API passes no
 * size) and trusts nothing else.
 */

#include "flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])

/* Kernel ABI constants that the uapi headers do not name. */
enum {
    VID_MASK = 0x0fff,          /* 802.1Q VLAN identifier bits. */
    PCP_MASK = 0x7,             /* 802.1p priority bits. */
    FRAG_FLAGS = (TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
                  | TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST),
    CLS_FLAGS = TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW,
    MS_PER_TICK = 1000 / 100,   /* struct tcf_t counts USER_HZ ticks. */
};

/* When cls_flower honours a key attribute (as fl_set_key() decides). */
enum key_cond {
    KC_ANY,                     /* Always. */
    KC_VLAN,                    /* Outer ethertype is a VLAN TPID. */
    KC_IP,                      /* Effective ethertype is IPv4 or IPv6. */
    KC_NO_IPV4,                 /* No IPv4 address matched (IPv4 wins). */
    KC_TCP,                     /* ip_proto is TCP. */
    KC_UDP,                     /* ip_proto is UDP. */
    KC_SCTP,                    /* ip_proto is SCTP. */
    KC_ICMPV4,                  /* IPv4 and ip_proto ICMP. */
    KC_ICMPV6,                  /* IPv6 and ip_proto ICMPv6. */
};

/* A key field that its attributes carry byte for byte (network order). */
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

/* The key table, walked by put_keys() to put each field whose mask is not
 * zero, by decode_keys() to fill key and mask, and by find_policy() for
 * the exact size of each attribute.  A field with several attributes
 * (ports, ICMP) has a row for each, and the row whose condition holds is
 * used.  VLAN id/priority (host order, sub-byte masks) and the fragment
 * flags (big-endian bitmap) are not byte copies: see put_vlan(),
 * put_ip_flags(), decode_vlan() and decode_ip_flags(). */
static const struct key_field key_fields[] = {
    KF(TCA_FLOWER_KEY_ETH_DST, TCA_FLOWER_KEY_ETH_DST_MASK, eth_dst, KC_ANY),
    KF(TCA_FLOWER_KEY_ETH_SRC, TCA_FLOWER_KEY_ETH_SRC_MASK, eth_src, KC_ANY),
    KF(TCA_FLOWER_KEY_ETH_TYPE, 0, eth_type, KC_ANY),
    KF(TCA_FLOWER_KEY_VLAN_ETH_TYPE, 0, vlan_eth_type, KC_VLAN),
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
};

/* How an attribute is checked before it is read. */
struct attr_policy {
    uint16_t type;                  /* Attribute type. */
    enum mnl_attr_data_type data;   /* For mnl_attr_validate{,2}(). */
    uint16_t size;                  /* Exact payload size, 0: 'data''s. */
    bool skip;                      /* Accepted, never read (padding). */
};

/* Filter message attributes read; others are ignored. */
static const struct attr_policy tca_policy[] = {
    { TCA_KIND, MNL_TYPE_NUL_STRING, 0, false },
    { TCA_OPTIONS, MNL_TYPE_NESTED, 0, false },
    { TCA_CHAIN, MNL_TYPE_U32, 0, false },
};

/* TCA_OPTIONS attributes besides the key table's; others: EOPNOTSUPP. */
static const struct attr_policy flower_policy[] = {
    { TCA_FLOWER_KEY_VLAN_ID, MNL_TYPE_U16, 0, false },
    { TCA_FLOWER_KEY_VLAN_PRIO, MNL_TYPE_U8, 0, false },
    { TCA_FLOWER_KEY_FLAGS, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_KEY_FLAGS_MASK, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_FLAGS, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_IN_HW_COUNT, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_ACT, MNL_TYPE_NESTED, 0, false },
};

/* Action attributes read; others (index, flags, hw stats) are ignored. */
static const struct attr_policy act_policy[] = {
    { TCA_ACT_KIND, MNL_TYPE_NUL_STRING, 0, false },
    { TCA_ACT_OPTIONS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_STATS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_COOKIE, MNL_TYPE_BINARY, 0, false },
};

/* act_gact options; others (e.g. random verdicts): EOPNOTSUPP. */
static const struct attr_policy gact_policy[] = {
    { TCA_GACT_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_GACT_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_gact), false },
    { TCA_GACT_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_mirred options; others (e.g. a block target): EOPNOTSUPP. */
static const struct attr_policy mirred_policy[] = {
    { TCA_MIRRED_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_MIRRED_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_mirred), false },
    { TCA_MIRRED_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* TC action kinds the codec speaks, and how their options look.  Both
 * parameter structs begin with 'tc_gen', whose 'action' is the verdict. */
enum act_kind_id { AK_GACT, AK_MIRRED };
static const struct act_kind {
    enum act_kind_id id;                /* Index in this array. */
    const char *name;                   /* TCA_ACT_KIND. */
    const struct attr_policy *policy;   /* TCA_ACT_OPTIONS contents. */
    size_t n_policy;                    /* Rows in 'policy'. */
    uint16_t max;                       /* Highest option type known. */
    uint16_t parms_attr;                /* struct tc_gact or tc_mirred. */
    uint16_t tm_attr;                   /* struct tcf_t. */
} act_kinds[] = {
    { AK_GACT, "gact", gact_policy, ARRAY_SIZE(gact_policy), TCA_GACT_MAX,
      TCA_GACT_PARMS, TCA_GACT_TM },
    { AK_MIRRED, "mirred", mirred_policy, ARRAY_SIZE(mirred_policy),
      TCA_MIRRED_MAX, TCA_MIRRED_PARMS, TCA_MIRRED_TM },
};

/* Largest option type of any kind in 'act_kinds'. */
enum {
    ACT_OPTS_MAX = (TCA_GACT_MAX > TCA_MIRRED_MAX
                    ? TCA_GACT_MAX : TCA_MIRRED_MAX),
};

/* The exact TC action that expresses each modelled action, used in both
 * directions: any other TC action is not ours (EOPNOTSUPP).  A mirror goes
 * on to the next action (PIPE); a redirect ends the list (STOLEN). */
static const struct act_map {
    enum flower_action_type type;   /* Modelled action. */
    enum act_kind_id kind;          /* TC action kind. */
    int eaction;                    /* tc_mirred 'eaction', 0 for gact. */
    int control;                    /* tc_gen 'action', a TC_ACT_* verdict. */
} act_maps[] = {
    { FLOWER_ACT_DROP, AK_GACT, 0, TC_ACT_SHOT },
    { FLOWER_ACT_REDIRECT, AK_MIRRED, TCA_EGRESS_REDIR, TC_ACT_STOLEN },
    { FLOWER_ACT_MIRROR, AK_MIRRED, TCA_EGRESS_MIRROR, TC_ACT_PIPE },
    { FLOWER_ACT_REDIRECT_INGRESS, AK_MIRRED, TCA_INGRESS_REDIR,
      TC_ACT_STOLEN },
    { FLOWER_ACT_MIRROR_INGRESS, AK_MIRRED, TCA_INGRESS_MIRROR, TC_ACT_PIPE },
};

/* Head of every attribute walk's context (its first member, so that the
 * callbacks' 'void *' points to both). */
struct parse_state {
    const char *next;           /* End of the last attribute visited. */
    int error;                  /* Positive errno once a callback fails. */
};

/* Walk that checks types against a policy and indexes them in 'tb'. */
struct policy_ctx {
    struct parse_state st;      /* Must be first. */
    const struct attr_policy *policy;   /* Types accepted, and checks. */
    size_t n_policy;            /* Rows in 'policy'. */
    uint16_t max;               /* Highest type the uapi headers know. */
    bool strict;                /* Unlisted type: EOPNOTSUPP, not ignored. */
    bool keys;                  /* Also accept the 'key_fields' types. */
    const struct nlattr **tb;   /* Output, 'max' + 1 slots. */
};

/* Walk over TCA_FLOWER_ACT: one nest per action, numbered 1...n. */
struct act_list_ctx {
    struct parse_state st;      /* Must be first. */
    const struct nlattr *acts[TCA_ACT_MAX_PRIO + 1];    /* By number. */
};

/* Walk over TCA_ACT_STATS.  A TCA_STATS_PKT64 follows (maybe after padding)
 * the TCA_STATS_BASIC or _BASIC_HW whose 32-bit packet count overflowed
 * (___gnet_stats_copy_basic()), so order matters. */
struct stats_ctx {
    struct parse_state st;      /* Must be first. */
    uint16_t last;              /* Last TCA_STATS_BASIC{,_HW} seen, or 0. */
    bool found[2];              /* [0]: TCA_STATS_BASIC, [1]: _BASIC_HW. */
    uint64_t bytes[2];          /* Byte counts, same indexes. */
    uint64_t packets[2];        /* Packet counts, same indexes. */
};

static struct nlmsghdr *put_filter_header(void *buf, uint16_t type,
                                          uint16_t flags, uint32_t seq,
                                          const struct flower_id *,
                                          uint16_t protocol);
static struct tcmsg *put_tcmsg(void *buf, uint16_t type, uint16_t flags,
                               uint32_t seq, uint32_t ifindex);
static bool put_keys(struct nlmsghdr *, const struct flower_rule *);
static bool put_vlan(struct nlmsghdr *, const struct flower_rule *);
static bool put_ip_flags(struct nlmsghdr *, const struct flower_rule *);
static bool put_actions(struct nlmsghdr *, const struct flower_rule *);
static bool field_encodable(const struct flower_rule *, uint16_t offset);
static bool key_cond_holds(const struct flower_rule *, enum key_cond);
static bool is_vlan_tpid(uint16_t eth_type);
static bool bytes_are(const uint8_t *, size_t, uint8_t value);

static int decode_options(const struct nlattr *, uint16_t protocol,
                          struct flower_rule *);
static int decode_keys(const struct nlattr *const *tb, uint16_t protocol,
                       struct flower_rule *);
static int decode_vlan(const struct nlattr *const *tb, uint16_t protocol,
                       struct flower_rule *);
static int decode_ip_flags(const struct nlattr *const *tb,
                           struct flower_rule *);
static int decode_actions(const struct nlattr *, struct flower_rule *);
static int decode_action(const struct nlattr *, int index, int n_actions,
                         struct flower_rule *);
static int decode_act_options(const struct nlattr *, const struct act_kind *,
                              struct flower_action *, struct flower_stats *);
static int decode_stats(const struct nlattr *, struct flower_stats *);

static int parse_nested(const struct nlattr *, mnl_attr_cb_t,
                        struct parse_state *);
static int parse_end(int ret, const struct parse_state *, const void *end);
static int policy_cb(const struct nlattr *, void *ctx_);
static bool find_policy(const struct policy_ctx *, uint16_t type,
                        struct attr_policy *);
static int act_list_cb(const struct nlattr *, void *ctx_);
static int stats_cb(const struct nlattr *, void *ctx_);
static void note_attr(struct parse_state *, const struct nlattr *);
static int parse_fail(struct parse_state *, int error);

/* Builds into 'buf' the RTM_NEWTFILTER request that adds or replaces
 * 'rule' (see flower-codec.h).  Returns NULL if 'rule' cannot be encoded: a
 * bad action count or type, a cookie without actions, or a key the kernel
 * would not match exactly as given (see the file comment). */
struct nlmsghdr *
flower_encode_new(void *buf, const struct flower_rule *rule,
                  uint16_t nlm_flags, uint32_t seq)
{
    struct nlmsghdr *nlh;
    struct nlattr *options;

    if (rule->n_actions < 0 || rule->n_actions > FLOWER_MAX_ACTIONS
        || (rule->has_cookie && !rule->n_actions)) {
        return NULL;
    }
    nlh = put_filter_header(buf, RTM_NEWTFILTER,
                            (NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO
                             | nlm_flags),
                            seq, &rule->id, rule->protocol);
    options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    if (!put_keys(nlh, rule)) {
        return NULL;
    }
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS, rule->flags);
    if (!put_actions(nlh, rule)) {
        return NULL;
    }
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* Builds into 'buf' an RTM_DELTFILTER request for the rule at 'id'.  Its
 * TCA_KIND makes the kernel refuse to delete a filter of another kind. */
struct nlmsghdr *
flower_encode_del(void *buf, const struct flower_id *id, uint16_t protocol,
                  uint32_t seq)
{
    return put_filter_header(buf, RTM_DELTFILTER, NLM_F_REQUEST | NLM_F_ACK,
                             seq, id, protocol);
}

/* Builds into 'buf' an RTM_GETTFILTER request for the rule at 'id'; the
 * kernel answers with one RTM_NEWTFILTER message and then the ack, so that
 * a transport can wait for the ack whatever the request. */
struct nlmsghdr *
flower_encode_get(void *buf, const struct flower_id *id, uint16_t protocol,
                  uint32_t seq)
{
    return put_filter_header(buf, RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_ACK,
                             seq, id, protocol);
}

/* Builds into 'buf' an RTM_GETTFILTER dump request for the ingress hook of
 * 'ifindex'; without TCA_CHAIN, every chain is dumped. */
struct nlmsghdr *
flower_encode_dump(void *buf, uint32_t ifindex, uint32_t seq)
{
    struct tcmsg *tcm = put_tcmsg(buf, RTM_GETTFILTER,
                                  NLM_F_REQUEST | NLM_F_DUMP, seq, ifindex);

    tcm->tcm_parent = FLOWER_INGRESS_PARENT;
    return buf;
}

/* Builds into 'buf' a request that adds (if 'add') or deletes the ingress
 * qdisc of 'ifindex'. */
struct nlmsghdr *
flower_encode_ingress_qdisc(void *buf, uint32_t ifindex, bool add,
                            uint32_t seq)
{
    uint16_t flags = (NLM_F_REQUEST | NLM_F_ACK
                      | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
    struct tcmsg *tcm = put_tcmsg(buf, add ? RTM_NEWQDISC : RTM_DELQDISC,
                                  flags, seq, ifindex);

    tcm->tcm_parent = TC_H_INGRESS;
    tcm->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0);
    mnl_attr_put_strz(buf, TCA_KIND, "ingress");
    return buf;
}

/* Parses the RTM_NEWTFILTER message 'nlh' into 'rule', which is zeroed
 * first and partly filled on error (see flower-codec.h for the errors). */
int
flower_decode(const struct nlmsghdr *nlh, struct flower_rule *rule)
{
    const struct nlattr *tb[TCA_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = tca_policy, .n_policy = ARRAY_SIZE(tca_policy),
        .max = TCA_MAX, .tb = tb,
    };
    const struct tcmsg *tcm;
    int error;

    memset(rule, 0, sizeof *rule);

    /* Kernel messages are padded to 4 bytes; libmnl walks attributes up to
     * the padded length, so an unpadded one could be read past its end. */
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof *tcm
        || nlh->nlmsg_len % MNL_ALIGNTO
        || nlh->nlmsg_type != RTM_NEWTFILTER) {
        return EPROTO;
    }
    tcm = mnl_nlmsg_get_payload(nlh);
    ctx.st.next = mnl_nlmsg_get_payload_offset(nlh, sizeof *tcm);
    error = parse_end(mnl_attr_parse(nlh, sizeof *tcm, policy_cb, &ctx),
                      &ctx.st, (const char *) nlh + nlh->nlmsg_len);
    if (error || !tb[TCA_KIND]) {
        return error ? error : EPROTO;
    }
    if (strcmp(mnl_attr_get_str(tb[TCA_KIND]), "flower")
        || !tb[TCA_OPTIONS]) {
        return EAFNOSUPPORT;
    }

    rule->id.ifindex = tcm->tcm_ifindex;
    rule->id.chain = tb[TCA_CHAIN] ? mnl_attr_get_u32(tb[TCA_CHAIN]) : 0;
    rule->id.prio = tcm->tcm_info >> 16;
    rule->id.handle = tcm->tcm_handle;
    rule->protocol = TC_H_MIN(tcm->tcm_info);
    return decode_options(tb[TCA_OPTIONS], rule->protocol, rule);
}

/* Encoding.  A message stays far below FLOWER_MSG_BUFSIZE (about 2 kB with
 * every key and FLOWER_MAX_ACTIONS actions), so puts are unchecked. */

/* Starts into 'buf' a filter request of 'type' for 'id' and 'protocol',
 * with TCA_KIND and TCA_CHAIN (always, chain 0 included). */
static struct nlmsghdr *
put_filter_header(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
                  const struct flower_id *id, uint16_t protocol)
{
    struct tcmsg *tcm = put_tcmsg(buf, type, flags, seq, id->ifindex);

    tcm->tcm_parent = FLOWER_INGRESS_PARENT;
    tcm->tcm_handle = id->handle;
    tcm->tcm_info = TC_H_MAKE((uint32_t) id->prio << 16, protocol);
    mnl_attr_put_strz(buf, TCA_KIND, "flower");
    mnl_attr_put_u32(buf, TCA_CHAIN, id->chain);
    return buf;
}

/* Starts into 'buf' a message with a zeroed tcmsg for 'ifindex', which it
 * returns. */
static struct tcmsg *
put_tcmsg(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
          uint32_t ifindex)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct tcmsg *tcm;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    nlh->nlmsg_seq = seq;
    tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_family = AF_UNSPEC;
    tcm->tcm_ifindex = ifindex;
    return tcm;
}

/* Puts the key and mask attributes of every matched field of 'rule'.
 * Returns false if a field cannot be expressed (see the file comment). */
static bool
put_keys(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    const struct key_field *f;

    for (f = key_fields; f < &key_fields[ARRAY_SIZE(key_fields)]; f++) {
        const uint8_t *key = (const uint8_t *) &rule->key + f->offset;
        const uint8_t *mask = (const uint8_t *) &rule->mask + f->offset;

        if (bytes_are(mask, f->size, 0)) {
            continue;
        } else if (!key_cond_holds(rule, f->cond)) {
            if (!field_encodable(rule, f->offset)) {
                return false;
            }
            continue;
        } else if (!f->mask_attr && !bytes_are(mask, f->size, 0xff)) {
            return false;
        }
        mnl_attr_put(nlh, f->attr, f->size, key);
        if (f->mask_attr) {
            mnl_attr_put(nlh, f->mask_attr, f->size, mask);
        }
    }
    return put_vlan(nlh, rule) && put_ip_flags(nlh, rule);
}

/* Puts TCA_FLOWER_KEY_VLAN_ID and _VLAN_PRIO: host order and without mask
 * attributes (the kernel sets a full mask), so only full masks encode. */
static bool
put_vlan(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    const struct flower_key *key = &rule->key;
    const struct flower_key *mask = &rule->mask;
    bool tagged = key_cond_holds(rule, KC_VLAN);

    if (mask->vlan_eth_type && is_vlan_tpid(key->vlan_eth_type)) {
        return false;           /* QinQ needs the CVLAN keys. */
    }
    if (mask->vlan_id) {
        if (!tagged || (mask->vlan_id & VID_MASK) != VID_MASK) {
            return false;
        }
        mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ID,
                         key->vlan_id & VID_MASK);
    }
    if (mask->vlan_prio) {
        if (!tagged || (mask->vlan_prio & PCP_MASK) != PCP_MASK) {
            return false;
        }
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_VLAN_PRIO,
                        key->vlan_prio & PCP_MASK);
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

/* Puts TCA_FLOWER_ACT: action i in a nest numbered i + 1 (the order the
 * kernel runs them in), the cookie on the last one.  Returns false on an
 * unknown action type. */
static bool
put_actions(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    struct nlattr *list;
    int i;

    if (!rule->n_actions) {
        return true;
    }
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    for (i = 0; i < rule->n_actions; i++) {
        const struct act_map *map = NULL;
        struct nlattr *nest, *options;
        size_t j;

        for (j = 0; j < ARRAY_SIZE(act_maps); j++) {
            if (act_maps[j].type == rule->actions[i].type) {
                map = &act_maps[j];
            }
        }
        if (!map) {
            return false;
        }
        nest = mnl_attr_nest_start(nlh, i + 1);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, act_kinds[map->kind].name);
        options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        if (map->kind == AK_GACT) {
            struct tc_gact p = { .action = map->control };

            mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
        } else {
            struct tc_mirred p = { .action = map->control,
                                   .eaction = map->eaction,
                                   .ifindex = rule->actions[i].ifindex };

            mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof p, &p);
        }
        mnl_attr_nest_end(nlh, options);
        if (rule->has_cookie && i == rule->n_actions - 1) {
            mnl_attr_put(nlh, TCA_ACT_COOKIE, FLOWER_COOKIE_LEN,
                         rule->cookie);
        }
        mnl_attr_nest_end(nlh, nest);
    }
    mnl_attr_nest_end(nlh, list);
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

/* Returns true if 'cond' holds for the key and mask of 'rule'.  The
 * effective ethertype is the kernel's basic.n_proto: the inner type of a
 * VLAN match, else the ethertype. */
static bool
key_cond_holds(const struct flower_rule *rule, enum key_cond cond)
{
    const struct flower_key *key = &rule->key;
    const struct flower_key *mask = &rule->mask;
    bool tagged = mask->eth_type && is_vlan_tpid(key->eth_type);
    uint16_t eth = mask->eth_type ? key->eth_type : 0;
    int proto = mask->ip_proto ? key->ip_proto : -1;

    if (tagged) {
        eth = mask->vlan_eth_type ? key->vlan_eth_type : 0;
    }
    switch (cond) {
    case KC_ANY: return true;
    case KC_VLAN: return tagged;
    case KC_IP: return eth == htons(ETH_P_IP) || eth == htons(ETH_P_IPV6);
    case KC_NO_IPV4: return !mask->ipv4_src && !mask->ipv4_dst;
    case KC_TCP: return proto == IPPROTO_TCP;
    case KC_UDP: return proto == IPPROTO_UDP;
    case KC_SCTP: return proto == IPPROTO_SCTP;
    case KC_ICMPV4: return eth == htons(ETH_P_IP) && proto == IPPROTO_ICMP;
    case KC_ICMPV6:
        return eth == htons(ETH_P_IPV6) && proto == IPPROTO_ICMPV6;
    }
    return false;
}

/* Returns true if 'eth_type' (network order) introduces a VLAN tag, as the
 * kernel's eth_type_vlan() decides. */
static bool
is_vlan_tpid(uint16_t eth_type)
{
    return (eth_type == htons(ETH_P_8021Q)
            || eth_type == htons(ETH_P_8021AD));
}

/* Returns true if all 'n' bytes at 'p' equal 'value'. */
static bool
bytes_are(const uint8_t *p, size_t n, uint8_t value)
{
    while (n--) {
        if (*p++ != value) {
            return false;
        }
    }
    return true;
}

/* Decoding. */

/* Decodes the TCA_OPTIONS nest 'options' of a flower filter whose filter
 * protocol is 'protocol' into 'rule'. */
static int
decode_options(const struct nlattr *options, uint16_t protocol,
               struct flower_rule *rule)
{
    const struct nlattr *tb[TCA_FLOWER_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = flower_policy, .n_policy = ARRAY_SIZE(flower_policy),
        .max = TCA_FLOWER_MAX, .strict = true, .keys = true, .tb = tb,
    };
    int error;

    error = parse_nested(options, policy_cb, &ctx.st);
    if (!error) {
        error = decode_keys(tb, protocol, rule);
    }
    if (error) {
        return error;
    }
    if (tb[TCA_FLOWER_FLAGS]) {
        uint32_t flags = mnl_attr_get_u32(tb[TCA_FLOWER_FLAGS]);

        rule->flags = flags & CLS_FLAGS;
        rule->in_hw = (flags & TCA_CLS_FLAGS_IN_HW) != 0;
    }
    if (tb[TCA_FLOWER_IN_HW_COUNT]) {
        rule->in_hw_count = mnl_attr_get_u32(tb[TCA_FLOWER_IN_HW_COUNT]);
    }
    return tb[TCA_FLOWER_ACT] ? decode_actions(tb[TCA_FLOWER_ACT], rule) : 0;
}

/* Fills the key and mask of 'rule' from the validated options 'tb'. */
static int
decode_keys(const struct nlattr *const *tb, uint16_t protocol,
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
 * ethertype from 'protocol' (see the file comment). */
static int
decode_vlan(const struct nlattr *const *tb, uint16_t protocol,
            struct flower_rule *rule)
{
    struct flower_key *key = &rule->key;
    struct flower_key *mask = &rule->mask;

    if (tb[TCA_FLOWER_KEY_VLAN_ID]) {
        key->vlan_id = (mnl_attr_get_u16(tb[TCA_FLOWER_KEY_VLAN_ID])
                        & VID_MASK);
        mask->vlan_id = VID_MASK;
    }
    if (tb[TCA_FLOWER_KEY_VLAN_PRIO]) {
        key->vlan_prio = (mnl_attr_get_u8(tb[TCA_FLOWER_KEY_VLAN_PRIO])
                          & PCP_MASK);
        mask->vlan_prio = PCP_MASK;
    }
    if (!mask->vlan_id && !mask->vlan_prio && !mask->vlan_eth_type) {
        return 0;
    } else if (mask->vlan_eth_type && is_vlan_tpid(key->vlan_eth_type)) {
        return EOPNOTSUPP;      /* QinQ: the CVLAN keys are not modelled. */
    } else if (mask->eth_type && is_vlan_tpid(key->eth_type)) {
        return 0;               /* Request form: the TPID is there. */
    }

    /* Dump form: ETH_TYPE, if any, repeats the inner type (both come from
     * basic.n_proto) and the TPID is the filter protocol. */
    if ((mask->eth_type != 0) != (mask->vlan_eth_type != 0)
        || key->eth_type != key->vlan_eth_type) {
        return EPROTO;
    } else if (!is_vlan_tpid(protocol)) {
        return EOPNOTSUPP;      /* Protocol "all": the TPID is lost. */
    }
    key->eth_type = protocol;
    mask->eth_type = 0xffff;
    return 0;
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

/* Decodes the TCA_FLOWER_ACT nest 'list' into the actions, cookie and
 * counters of 'rule'. */
static int
decode_actions(const struct nlattr *list, struct flower_rule *rule)
{
    struct act_list_ctx ctx;
    int error;
    int n, i;

    memset(&ctx, 0, sizeof ctx);
    error = parse_nested(list, act_list_cb, &ctx.st);
    if (error) {
        return error;
    }

    /* The kernel numbers actions 1...n without gaps. */
    for (n = 0; n < TCA_ACT_MAX_PRIO && ctx.acts[n + 1]; n++) {
        continue;
    }
    for (i = n + 1; i <= TCA_ACT_MAX_PRIO; i++) {
        if (ctx.acts[i]) {
            return EPROTO;
        }
    }
    if (n > FLOWER_MAX_ACTIONS) {
        return EOPNOTSUPP;
    }
    for (i = 0; i < n; i++) {
        error = decode_action(ctx.acts[i + 1], i, n, rule);
        if (error) {
            return error;
        }
    }
    rule->n_actions = n;
    return 0;
}

/* Decodes action nest 'nest', number 'index' of 'n_actions', into 'rule':
 * the action, the cookie if it is the last action, the counters if it is
 * the first, and its last use. */
static int
decode_action(const struct nlattr *nest, int index, int n_actions,
              struct flower_rule *rule)
{
    const struct nlattr *tb[TCA_ACT_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = act_policy, .n_policy = ARRAY_SIZE(act_policy),
        .max = TCA_ACT_MAX, .tb = tb,
    };
    const struct act_kind *kind = NULL;
    const struct nlattr *cookie;
    size_t i;
    int error;

    error = parse_nested(nest, policy_cb, &ctx.st);
    if (error) {
        return error;
    } else if (!tb[TCA_ACT_KIND] || !tb[TCA_ACT_OPTIONS]) {
        return EPROTO;
    }
    for (i = 0; i < ARRAY_SIZE(act_kinds); i++) {
        if (!strcmp(mnl_attr_get_str(tb[TCA_ACT_KIND]), act_kinds[i].name)) {
            kind = &act_kinds[i];
        }
    }
    if (!kind) {
        return EOPNOTSUPP;
    }
    error = decode_act_options(tb[TCA_ACT_OPTIONS], kind,
                               &rule->actions[index], &rule->stats);
    if (error) {
        return error;
    }

    cookie = tb[TCA_ACT_COOKIE];
    if (cookie) {
        uint16_t size = mnl_attr_get_payload_len(cookie);

        if (!size || size > TC_COOKIE_MAX_SIZE) {
            return EPROTO;
        } else if (size != FLOWER_COOKIE_LEN || index != n_actions - 1) {
            return EOPNOTSUPP;  /* Not a cookie we would have put. */
        }
        memcpy(rule->cookie, mnl_attr_get_payload(cookie), size);
        rule->has_cookie = true;
    }
    return (!index && tb[TCA_ACT_STATS]
            ? decode_stats(tb[TCA_ACT_STATS], &rule->stats) : 0);
}

/* Decodes the TCA_ACT_OPTIONS nest 'options' of an action of 'kind' into
 * 'act', and lowers 'stats->lastuse_ms' to the action's last use. */
static int
decode_act_options(const struct nlattr *options, const struct act_kind *kind,
                   struct flower_action *act, struct flower_stats *stats)
{
    const struct nlattr *tb[ACT_OPTS_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = kind->policy, .n_policy = kind->n_policy,
        .max = kind->max, .strict = true, .tb = tb,
    };
    const struct nlattr *parms;
    struct tc_mirred p;
    size_t i;
    int error;

    error = parse_nested(options, policy_cb, &ctx.st);
    parms = tb[kind->parms_attr];
    if (error || !parms) {
        return error ? error : EPROTO;
    }

    /* A tc_gact is the tc_gen head of a tc_mirred; the rest stays 0. */
    memset(&p, 0, sizeof p);
    memcpy(&p, mnl_attr_get_payload(parms), mnl_attr_get_payload_len(parms));
    for (i = 0; i < ARRAY_SIZE(act_maps); i++) {
        const struct act_map *map = &act_maps[i];

        if (map->kind == kind->id && map->eaction == p.eaction
            && map->control == p.action) {
            act->type = map->type;
            act->ifindex = p.ifindex;
            break;
        }
    }
    if (i == ARRAY_SIZE(act_maps)) {
        return EOPNOTSUPP;
    }

    if (tb[kind->tm_attr]) {
        struct tcf_t tm;
        uint64_t ms;

        memcpy(&tm, mnl_attr_get_payload(tb[kind->tm_attr]), sizeof tm);
        ms = (tm.lastuse > UINT64_MAX / MS_PER_TICK
              ? UINT64_MAX : tm.lastuse * MS_PER_TICK);
        if (!stats->has_lastuse || ms < stats->lastuse_ms) {
            stats->lastuse_ms = ms;
            stats->has_lastuse = true;
        }
    }
    return 0;
}

/* Takes the packet and byte counts of 'stats' from the TCA_ACT_STATS nest
 * 'nest': TCA_STATS_BASIC (hardware hits included), else _BASIC_HW, each
 * with the 64-bit packet count that may follow it. */
static int
decode_stats(const struct nlattr *nest, struct flower_stats *stats)
{
    struct stats_ctx ctx;
    int error;
    int i;

    memset(&ctx, 0, sizeof ctx);
    error = parse_nested(nest, stats_cb, &ctx.st);
    i = ctx.found[0] ? 0 : 1;
    if (!error && ctx.found[i]) {
        stats->n_packets = ctx.packets[i];
        stats->n_bytes = ctx.bytes[i];
    }
    return error;
}

/* Attribute walks.  Each callback validates an attribute with libmnl
 * before anything reads it, and a walk fails unless the attributes fill
 * their container exactly: libmnl silently stops at an attribute that
 * overflows it. */

/* Walks the attributes inside 'nest' with 'cb', whose context begins with
 * 'st'.  Returns 0 or a positive errno. */
static int
parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
             struct parse_state *st)
{
    const char *payload = mnl_attr_get_payload(nest);

    st->next = payload;
    st->error = 0;
    return parse_end(mnl_attr_parse_nested(nest, cb, st), st,
                     payload + mnl_attr_get_payload_len(nest));
}

/* Finishes a walk that returned 'ret' over attributes ending at 'end'. */
static int
parse_end(int ret, const struct parse_state *st, const void *end)
{
    if (ret == MNL_CB_ERROR) {
        return st->error ? st->error : EPROTO;
    }
    return st->next < (const char *) end ? EPROTO : 0;
}

/* mnl_attr_cb_t for a 'struct policy_ctx': validates 'attr' against the
 * policy and stores it in the context's 'tb'. */
static int
policy_cb(const struct nlattr *attr, void *ctx_)
{
    struct policy_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);
    struct attr_policy pol;
    int ret;

    note_attr(&ctx->st, attr);
    if (mnl_attr_type_valid(attr, ctx->max) < 0
        || !find_policy(ctx, type, &pol)) {
        return ctx->strict ? parse_fail(&ctx->st, EOPNOTSUPP) : MNL_CB_OK;
    } else if (pol.skip) {
        return MNL_CB_OK;
    }
    ret = (pol.size
           ? mnl_attr_validate2(attr, pol.data, pol.size)
           : mnl_attr_validate(attr, pol.data));
    if (ret < 0 || ctx->tb[type]) {
        return parse_fail(&ctx->st, EPROTO);
    }
    ctx->tb[type] = attr;
    return MNL_CB_OK;
}

/* Looks attribute 'type' up in the policy of 'ctx' (and the key table if
 * it takes keys) into '*pol'.  Returns false if it is not listed. */
static bool
find_policy(const struct policy_ctx *ctx, uint16_t type,
            struct attr_policy *pol)
{
    size_t i;

    for (i = 0; i < ctx->n_policy; i++) {
        if (ctx->policy[i].type == type) {
            *pol = ctx->policy[i];
            return true;
        }
    }
    for (i = 0; ctx->keys && type && i < ARRAY_SIZE(key_fields); i++) {
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

/* mnl_attr_cb_t for a 'struct act_list_ctx': one nest per action. */
static int
act_list_cb(const struct nlattr *attr, void *ctx_)
{
    struct act_list_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);

    note_attr(&ctx->st, attr);
    if (!type || mnl_attr_type_valid(attr, TCA_ACT_MAX_PRIO) < 0
        || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 || ctx->acts[type]) {
        return parse_fail(&ctx->st, EPROTO);
    }
    ctx->acts[type] = attr;
    return MNL_CB_OK;
}

/* mnl_attr_cb_t for a 'struct stats_ctx'. */
static int
stats_cb(const struct nlattr *attr, void *ctx_)
{
    struct stats_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);
    struct gnet_stats_basic basic;
    int i = type == TCA_STATS_BASIC_HW;

    note_attr(&ctx->st, attr);
    if (mnl_attr_type_valid(attr, TCA_STATS_MAX) < 0) {
        type = 0;               /* Unknown: skipped. */
    }
    if (type == TCA_STATS_BASIC || type == TCA_STATS_BASIC_HW) {
        if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof basic) < 0) {
            return parse_fail(&ctx->st, EPROTO);
        }
        memcpy(&basic, mnl_attr_get_payload(attr), sizeof basic);
        ctx->found[i] = true;
        ctx->bytes[i] = basic.bytes;
        ctx->packets[i] = basic.packets;
    } else if (type == TCA_STATS_PKT64) {
        if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0) {
            return parse_fail(&ctx->st, EPROTO);
        } else if (ctx->last) {
            i = ctx->last == TCA_STATS_BASIC_HW;
            ctx->packets[i] = mnl_attr_get_u64(attr);
        }
    }
    if (type != TCA_STATS_PAD) {
        ctx->last = (type == TCA_STATS_BASIC || type == TCA_STATS_BASIC_HW
                     ? type : 0);
    }
    return MNL_CB_OK;
}

/* Records in 'st' where 'attr', which libmnl found to fit, ends. */
static void
note_attr(struct parse_state *st, const struct nlattr *attr)
{
    st->next = (const char *) attr + MNL_ALIGN(attr->nla_len);
}

/* Makes the current walk fail with 'error'. */
static int
parse_fail(struct parse_state *st, int error)
{
    st->error = error;
    return MNL_CB_ERROR;
}
