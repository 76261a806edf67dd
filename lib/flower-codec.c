/*
 * TC flower netlink codec (see flower-codec.h): builds cls_flower requests
 * from the rule model of flower-rule.h and parses the kernel's filter
 * messages back into it, for the transport to send and receive.  No I/O,
 * no allocation, no logging.
 *
 * This file holds the messages, the filter header, the decode driver and
 * the attribute walks; flower-codec-keys.c the match keys and
 * flower-codec-actions.c the actions, each driven by one table;
 * flower-codec-pedit.c, flower-codec-ct.c, flower-codec-mpls.c,
 * flower-codec-police.c and flower-codec-sample.c the options of the
 * header rewrite, conntrack, MPLS, police and sample actions,
 * flower-codec-tunnel.c the tunnel options and act_tunnel_key, and
 * flower-codec-stats.c the actions' counters.
 *
 * flower_decode() relies on 'nlmsg_len' having been checked against the
 * received size (as mnl_nlmsg_ok() and mnl_cb_run() do; the API passes no
 * size) and trusts nothing else.
 */

#include "flower-codec.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "flower-codec-private.h"

enum {
    CLS_FLAGS = TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW,
};

/* Filter message attributes read; others are ignored. */
static const struct attr_policy tca_policy[] = {
    { TCA_KIND, MNL_TYPE_NUL_STRING, 0, false },
    { TCA_OPTIONS, MNL_TYPE_NESTED, 0, false },
    { TCA_CHAIN, MNL_TYPE_U32, 0, false },
};

/* TCA_OPTIONS attributes besides the keys (codec_key_policy()); others:
 * EOPNOTSUPP. */
static const struct attr_policy flower_policy[] = {
    { TCA_FLOWER_FLAGS, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_IN_HW_COUNT, MNL_TYPE_U32, 0, false },
    { TCA_FLOWER_ACT, MNL_TYPE_NESTED, 0, false },
};

static struct nlmsghdr *put_filter_header(void *buf, uint16_t type,
                                          uint16_t flags, uint32_t seq,
                                          const struct flower_id *,
                                          uint16_t protocol);
static struct tcmsg *put_tcmsg(void *buf, uint16_t type, uint16_t flags,
                               uint32_t seq, uint32_t ifindex);
static int decode_filter(const struct nlmsghdr *, struct flower_rule *,
                         bool terse);
static int decode_options(const struct nlattr *, uint16_t protocol,
                          bool terse, struct flower_rule *);
static bool find_policy(const struct policy_ctx *, uint16_t type,
                        struct attr_policy *);

/* Builds into 'buf' the RTM_NEWTFILTER request that adds or replaces
 * 'rule' (see flower-codec.h).  Returns NULL if 'rule' cannot be encoded: a
 * bad action count, a cookie without actions, a key the kernel would not
 * match exactly as given (flower-codec-keys.c), or an action list the
 * kernel would not run exactly as given (flower-codec-actions.c). */
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
    /* Only a rule without a handle needs the kernel's echo, to learn the
     * handle the kernel chose. */
    nlh = put_filter_header(buf, RTM_NEWTFILTER,
                            (NLM_F_REQUEST | NLM_F_ACK | nlm_flags
                             | (rule->id.handle ? 0 : NLM_F_ECHO)),
                            seq, &rule->id, rule->protocol);
    options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    if (!codec_put_keys(nlh, rule)) {
        return NULL;
    }
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS, rule->flags);
    if (!codec_put_actions(nlh, rule)) {
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

/* Builds into 'buf' an RTM_GETTFILTER dump request for the ingress (or
 * egress) hook of 'ifindex'; without TCA_CHAIN, every chain is dumped. */
struct nlmsghdr *
flower_encode_dump(void *buf, uint32_t ifindex, bool egress, bool terse,
                   uint32_t seq)
{
    struct tcmsg *tcm = put_tcmsg(buf, RTM_GETTFILTER,
                                  NLM_F_REQUEST | NLM_F_DUMP, seq, ifindex);

    tcm->tcm_parent = egress ? FLOWER_EGRESS_PARENT : FLOWER_INGRESS_PARENT;
    if (terse) {
        struct nla_bitfield32 flags = {
            .value = TCA_DUMP_FLAGS_TERSE,
            .selector = TCA_DUMP_FLAGS_TERSE,
        };

        mnl_attr_put(buf, TCA_DUMP_FLAGS, sizeof flags, &flags);
    }
    return buf;
}

/* Builds into 'buf' a request that adds (if 'add') or deletes the ingress
 * or clsact qdisc of 'ifindex'.  Both sit at the same place, TC_H_INGRESS
 * (== TC_H_CLSACT), with handle ffff:. */
struct nlmsghdr *
flower_encode_qdisc(void *buf, uint32_t ifindex, bool clsact, bool add,
                    uint32_t seq)
{
    uint16_t flags = (NLM_F_REQUEST | NLM_F_ACK
                      | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
    struct tcmsg *tcm = put_tcmsg(buf, add ? RTM_NEWQDISC : RTM_DELQDISC,
                                  flags, seq, ifindex);

    tcm->tcm_parent = TC_H_INGRESS;
    tcm->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0);
    mnl_attr_put_strz(buf, TCA_KIND, clsact ? "clsact" : "ingress");
    return buf;
}

/* Parses the RTM_NEWTFILTER message 'nlh' into 'rule', which is zeroed
 * first and partly filled on error (see flower-codec.h for the errors). */
int
flower_decode(const struct nlmsghdr *nlh, struct flower_rule *rule)
{
    return decode_filter(nlh, rule, false);
}

int
flower_decode_terse(const struct nlmsghdr *nlh, struct flower_rule *rule)
{
    return decode_filter(nlh, rule, true);
}

/* Parses the RTM_NEWTFILTER message 'nlh' into 'rule', accepting actions
 * without options if 'terse'. */
static int
decode_filter(const struct nlmsghdr *nlh, struct flower_rule *rule,
              bool terse)
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
    error = codec_parse_end(mnl_attr_parse(nlh, sizeof *tcm,
                                           codec_policy_cb, &ctx),
                            &ctx.st, (const char *) nlh + nlh->nlmsg_len);
    if (error || !tb[TCA_KIND]) {
        return error ? error : EPROTO;
    }
    if (strcmp(mnl_attr_get_str(tb[TCA_KIND]), "flower")
        || !tb[TCA_OPTIONS]) {
        return EAFNOSUPPORT;
    }

    rule->id.ifindex = tcm->tcm_ifindex;
    rule->id.egress = tcm->tcm_parent == FLOWER_EGRESS_PARENT;
    rule->id.chain = tb[TCA_CHAIN] ? mnl_attr_get_u32(tb[TCA_CHAIN]) : 0;
    rule->id.prio = tcm->tcm_info >> 16;
    rule->id.handle = tcm->tcm_handle;
    rule->protocol = TC_H_MIN(tcm->tcm_info);
    return decode_options(tb[TCA_OPTIONS], rule->protocol, terse, rule);
}

/* Encoding.  A message stays below FLOWER_MSG_BUFSIZE (about 10 kB with
 * every key, FLOWER_MAX_ACTIONS actions, FLOWER_MAX_PEDIT_KEYS pedit keys
 * and the most Geneve TLVs in the match and in a tunnel set: test
 * tunnel_msg_size), so puts are unchecked. */

/* Starts into 'buf' a filter request of 'type' for 'id' and 'protocol',
 * with TCA_KIND and TCA_CHAIN (always, chain 0 included). */
static struct nlmsghdr *
put_filter_header(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
                  const struct flower_id *id, uint16_t protocol)
{
    struct tcmsg *tcm = put_tcmsg(buf, type, flags, seq, id->ifindex);

    tcm->tcm_parent = (id->egress ? FLOWER_EGRESS_PARENT
                       : FLOWER_INGRESS_PARENT);
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

/* Decoding. */

/* Decodes the TCA_OPTIONS nest 'options' of a flower filter whose filter
 * protocol is 'protocol' into 'rule'. */
static int
decode_options(const struct nlattr *options, uint16_t protocol, bool terse,
               struct flower_rule *rule)
{
    const struct nlattr *tb[TCA_FLOWER_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = flower_policy, .n_policy = ARRAY_SIZE(flower_policy),
        .max = TCA_FLOWER_MAX, .strict = true, .keys = true, .tb = tb,
    };
    int error;

    error = codec_parse_nested(options, codec_policy_cb, &ctx.st);
    if (!error) {
        error = codec_decode_keys(tb, protocol, rule);
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
    return (tb[TCA_FLOWER_ACT]
            ? codec_decode_actions(tb[TCA_FLOWER_ACT], terse, rule) : 0);
}

/* Attribute walks (see flower-codec-private.h).  A walk must check where
 * the last attribute ended: libmnl silently stops at an attribute that
 * overflows its container. */

/* Walks the attributes inside 'nest' with 'cb', whose context begins with
 * 'st'.  Returns 0 or a positive errno. */
int
codec_parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
                   struct parse_state *st)
{
    const char *payload = mnl_attr_get_payload(nest);

    st->next = payload;
    st->error = 0;
    return codec_parse_end(mnl_attr_parse_nested(nest, cb, st), st,
                           payload + mnl_attr_get_payload_len(nest));
}

/* Finishes a walk that returned 'ret' over attributes ending at 'end'. */
int
codec_parse_end(int ret, const struct parse_state *st, const void *end)
{
    if (ret == MNL_CB_ERROR) {
        return st->error ? st->error : EPROTO;
    }
    return st->next < (const char *) end ? EPROTO : 0;
}

/* mnl_attr_cb_t for a 'struct policy_ctx': validates 'attr' against the
 * policy and stores it in the context's 'tb'. */
int
codec_policy_cb(const struct nlattr *attr, void *ctx_)
{
    struct policy_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);
    struct attr_policy pol;
    int ret;

    codec_note_attr(&ctx->st, attr);
    if (mnl_attr_type_valid(attr, ctx->max) < 0
        || !find_policy(ctx, type, &pol)) {
        if (ctx->strict) {
            return codec_parse_fail(&ctx->st, EOPNOTSUPP);
        }
        ctx->unknown = true;
        return MNL_CB_OK;
    } else if (pol.skip) {
        return MNL_CB_OK;
    }
    ret = (pol.size
           ? mnl_attr_validate2(attr, pol.data, pol.size)
           : mnl_attr_validate(attr, pol.data));
    if (ret < 0 || ctx->tb[type]) {
        return codec_parse_fail(&ctx->st, EPROTO);
    }
    ctx->tb[type] = attr;
    return MNL_CB_OK;
}

/* Looks attribute 'type' up in the policy of 'ctx' (and the keys' if it
 * takes keys) into '*pol'.  Returns false if it is not listed. */
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
    return ctx->keys && codec_key_policy(type, pol);
}

/* Records in 'st' where 'attr', which libmnl found to fit, ends. */
void
codec_note_attr(struct parse_state *st, const struct nlattr *attr)
{
    st->next = (const char *) attr + MNL_ALIGN(attr->nla_len);
}

/* Makes the current walk fail with 'error'. */
int
codec_parse_fail(struct parse_state *st, int error)
{
    st->error = error;
    return MNL_CB_ERROR;
}
