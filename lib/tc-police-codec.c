/*
 * Standalone police actions, the meters of tc-police-codec.h: the
 * RTM_NEWACTION, RTM_GETACTION and RTM_DELACTION messages that carry them,
 * and the kernel's replies.  The police options themselves are
 * flower-codec-police.c's, the counters flower-codec-stats.c's.
 *
 * A request is a struct tcamsg and a TCA_ACT_TAB nest of actions numbered
 * from 1 (tcf_action_init(), tca_action_gd()), each with its TCA_ACT_KIND:
 * a set with its action flags and options, a get or a delete with its
 * TCA_ACT_INDEX.  NLM_F_REPLACE makes a set replace the parameters of an
 * existing police (TCA_ACT_FLAGS_REPLACE); its action flags are those it
 * was created with.  A dump request names the kind the same way and asks,
 * with TCA_ROOT_FLAGS, for messages of as many actions as fit rather than
 * TCA_ACT_MAX_PRIO at most (TCA_ACT_FLAG_LARGE_DUMP_ON).
 *
 * The replies hold each action as tcf_action_dump_1() puts it: its kind,
 * counters, action flags if any, hardware count and options.  The reply to
 * a get is an RTM_GETACTION message, to a delete RTM_DELACTION, to an
 * echoed set RTM_NEWACTION, each with its one action numbered 1
 * (tca_get_fill()).  A dump's messages are RTM_GETACTION too, but number
 * their actions from 0 (tcf_dump_walker()) and give how many there are in
 * TCA_ROOT_COUNT (tc_dump_action()).  Every action of a reply must be a
 * police, the kind asked for.
 *
 * Like flower_decode(), the decoders rely on 'nlmsg_len' having been
 * checked against the received size and trust nothing else.
 */

#include "tc-police-codec.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "flower-codec-private.h"

enum {
    /* Action flags that say where a police runs, and the filter flags of
     * the rules that must agree with them (tcf_action_init()). */
    ACT_SKIP = TCA_ACT_FLAGS_SKIP_HW | TCA_ACT_FLAGS_SKIP_SW,
    CLS_SKIP = TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW,
};

/* Attributes of a reply read; others (warnings, time deltas) are
 * ignored. */
static const struct attr_policy root_policy[] = {
    { TCA_ACT_TAB, MNL_TYPE_NESTED, 0, false },
    { TCA_ROOT_COUNT, MNL_TYPE_U32, 0, false },
};

/* Attributes of an action read; others (hardware count and counters,
 * cookie) are ignored. */
static const struct attr_policy act_policy[] = {
    { TCA_ACT_KIND, MNL_TYPE_NUL_STRING, 0, false },
    { TCA_ACT_OPTIONS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_STATS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_FLAGS, MNL_TYPE_UNSPEC, sizeof (struct nla_bitfield32),
      false },
};

/* Walk over TCA_ACT_TAB: one police per nest, numbered from 'first'
 * without gaps. */
struct tab_ctx {
    struct parse_state st;      /* Must be first. */
    uint16_t first;             /* Number of the first nest. */
    uint32_t n;                 /* Nests walked. */

    /* The first police, for tc_police_decode(). */
    struct tc_meter_police *meter;
    struct tc_meter_stats *stats;
    int error;                  /* 0 or EOPNOTSUPP. */

    /* Called for each police, for tc_police_decode_dump(), until it
     * returns non-zero. */
    tc_police_dump_cb *cb;
    void *aux;
    int cb_error;
};

static struct nlmsghdr *put_tcamsg(void *buf, uint16_t type, uint16_t flags,
                                   uint32_t seq);
static struct nlmsghdr *put_index_request(void *buf, uint16_t type,
                                          uint16_t flags, uint32_t index,
                                          uint32_t seq);
static int parse_reply(const struct nlmsghdr *, const struct nlattr **tb);
static int walk_tab(const struct nlattr *tab, struct tab_ctx *);
static int tab_cb(const struct nlattr *, void *ctx_);
static int decode_entry(const struct nlattr *, struct tc_meter_police *,
                        struct tc_meter_stats *);
static int decode_act_flags(const struct nlattr *, uint32_t *cls_flags);

/* Encoding.  A request stays far below TC_POLICE_MSG_BUFSIZE (about
 * 1.2 kB with a rate table), so puts are unchecked. */

/* Builds into 'buf' the RTM_NEWACTION request that creates or replaces
 * the police 'meter' (see tc-police-codec.h). */
struct nlmsghdr *
tc_police_encode_set(void *buf, const struct tc_meter_police *meter,
                     uint32_t seq)
{
    struct nlattr *tab, *act, *options;
    struct nlmsghdr *nlh;
    uint32_t act_flags;

    /* The kernel refuses both flags (tc_act_flags_valid()). */
    if (meter->flags & ~CLS_SKIP || meter->flags == CLS_SKIP) {
        return NULL;
    }
    act_flags = ((meter->flags & TCA_CLS_FLAGS_SKIP_HW
                  ? TCA_ACT_FLAGS_SKIP_HW : 0)
                 | (meter->flags & TCA_CLS_FLAGS_SKIP_SW
                    ? TCA_ACT_FLAGS_SKIP_SW : 0));

    nlh = put_tcamsg(buf, RTM_NEWACTION,
                     (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
                      | NLM_F_REPLACE), seq);
    tab = mnl_attr_nest_start(nlh, TCA_ACT_TAB);
    act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
    if (act_flags) {
        struct nla_bitfield32 bf = { act_flags, act_flags };

        mnl_attr_put(nlh, TCA_ACT_FLAGS, sizeof bf, &bf);
    }
    options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    if (!codec_put_police_meter(nlh, meter)) {
        return NULL;
    }
    mnl_attr_nest_end(nlh, options);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, tab);
    return nlh;
}

/* Builds into 'buf' an RTM_GETACTION request for the police 'index'. */
struct nlmsghdr *
tc_police_encode_get(void *buf, uint32_t index, uint32_t seq)
{
    return put_index_request(buf, RTM_GETACTION, NLM_F_REQUEST | NLM_F_ACK,
                             index, seq);
}

/* Builds into 'buf' an RTM_DELACTION request for the police 'index', with
 * NLM_F_ECHO for its last counters (tcf_del_notify()). */
struct nlmsghdr *
tc_police_encode_del(void *buf, uint32_t index, uint32_t seq)
{
    return put_index_request(buf, RTM_DELACTION,
                             NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
                             index, seq);
}

/* Builds into 'buf' an RTM_GETACTION dump request for every police. */
struct nlmsghdr *
tc_police_encode_dump(void *buf, uint32_t seq)
{
    struct nla_bitfield32 bf = { TCA_ACT_FLAG_LARGE_DUMP_ON,
                                 TCA_ACT_FLAG_LARGE_DUMP_ON };
    struct nlmsghdr *nlh = put_tcamsg(buf, RTM_GETACTION,
                                      NLM_F_REQUEST | NLM_F_DUMP, seq);
    struct nlattr *tab, *act;

    tab = mnl_attr_nest_start(nlh, TCA_ACT_TAB);
    act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, tab);
    mnl_attr_put(nlh, TCA_ROOT_FLAGS, sizeof bf, &bf);
    return nlh;
}

/* Starts into 'buf' a message of 'type' with a zeroed tcamsg. */
static struct nlmsghdr *
put_tcamsg(void *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct tcamsg *tca;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    nlh->nlmsg_seq = seq;
    tca = mnl_nlmsg_put_extra_header(nlh, sizeof *tca);
    tca->tca_family = AF_UNSPEC;
    return nlh;
}

/* Builds into 'buf' a request of 'type' for the police 'index', or
 * returns NULL if 'index' is 0, which no action has. */
static struct nlmsghdr *
put_index_request(void *buf, uint16_t type, uint16_t flags, uint32_t index,
                  uint32_t seq)
{
    struct nlmsghdr *nlh;
    struct nlattr *tab, *act;

    if (!index) {
        return NULL;
    }
    nlh = put_tcamsg(buf, type, flags, seq);
    tab = mnl_attr_nest_start(nlh, TCA_ACT_TAB);
    act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "police");
    mnl_attr_put_u32(nlh, TCA_ACT_INDEX, index);
    mnl_attr_nest_end(nlh, act);
    mnl_attr_nest_end(nlh, tab);
    return nlh;
}

/* Decoding. */

/* Parses the reply 'nlh' to a get, delete or echoed set of one police into
 * 'meter' and 'stats' (see tc-police-codec.h). */
int
tc_police_decode(const struct nlmsghdr *nlh, struct tc_meter_police *meter,
                 struct tc_meter_stats *stats)
{
    const struct nlattr *tb[TCA_ROOT_MAX + 1] = { NULL };
    struct tab_ctx ctx;
    int error;

    memset(meter, 0, sizeof *meter);
    memset(stats, 0, sizeof *stats);
    error = parse_reply(nlh, tb);
    if (error) {
        return error;
    } else if ((nlh->nlmsg_type != RTM_NEWACTION
                && nlh->nlmsg_type != RTM_GETACTION
                && nlh->nlmsg_type != RTM_DELACTION)
               || !tb[TCA_ACT_TAB] || tb[TCA_ROOT_COUNT]) {
        return EPROTO;
    }

    memset(&ctx, 0, sizeof ctx);
    ctx.first = 1;
    ctx.meter = meter;
    ctx.stats = stats;
    error = walk_tab(tb[TCA_ACT_TAB], &ctx);
    if (!error && ctx.n != 1) {
        error = EPROTO;
    }
    return error ? error : ctx.error;
}

/* Parses the dump message 'nlh' and calls 'cb' for each police in it (see
 * tc-police-codec.h). */
int
tc_police_decode_dump(const struct nlmsghdr *nlh, tc_police_dump_cb *cb,
                      void *aux)
{
    const struct nlattr *tb[TCA_ROOT_MAX + 1] = { NULL };
    struct tab_ctx ctx;
    uint32_t count;
    int error;

    error = parse_reply(nlh, tb);
    if (error) {
        return error;
    } else if (nlh->nlmsg_type != RTM_GETACTION) {
        return EPROTO;
    }
    count = tb[TCA_ROOT_COUNT] ? mnl_attr_get_u32(tb[TCA_ROOT_COUNT]) : 0;
    if (!tb[TCA_ACT_TAB]) {
        return count ? EPROTO : 0;
    }

    /* Everything first, then the callbacks. */
    memset(&ctx, 0, sizeof ctx);
    error = walk_tab(tb[TCA_ACT_TAB], &ctx);
    if (!error && (!tb[TCA_ROOT_COUNT] || count != ctx.n)) {
        error = EPROTO;
    }
    if (error) {
        return error;
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.cb = cb;
    ctx.aux = aux;
    error = walk_tab(tb[TCA_ACT_TAB], &ctx);
    return error ? error : ctx.cb_error;
}

/* Checks the header of the action message 'nlh' and indexes its
 * attributes in 'tb'.  Returns 0 or EPROTO. */
static int
parse_reply(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
    struct policy_ctx ctx = {
        .policy = root_policy, .n_policy = ARRAY_SIZE(root_policy),
        .max = TCA_ROOT_MAX, .tb = tb,
    };

    /* Kernel messages are padded to 4 bytes; libmnl walks attributes up to
     * the padded length, so an unpadded one could be read past its end. */
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof (struct tcamsg)
        || nlh->nlmsg_len % MNL_ALIGNTO) {
        return EPROTO;
    }
    ctx.st.next = mnl_nlmsg_get_payload_offset(nlh, sizeof (struct tcamsg));
    return codec_parse_end(mnl_attr_parse(nlh, sizeof (struct tcamsg),
                                          codec_policy_cb, &ctx),
                           &ctx.st, (const char *) nlh + nlh->nlmsg_len);
}

/* Walks the TCA_ACT_TAB nest 'tab' with 'ctx'. */
static int
walk_tab(const struct nlattr *tab, struct tab_ctx *ctx)
{
    return codec_parse_nested(tab, tab_cb, &ctx->st);
}

/* mnl_attr_cb_t for a 'struct tab_ctx': one police per nest. */
static int
tab_cb(const struct nlattr *attr, void *ctx_)
{
    struct tab_ctx *ctx = ctx_;
    struct tc_meter_police meter;
    struct tc_meter_stats stats;
    int error;

    codec_note_attr(&ctx->st, attr);
    if (mnl_attr_get_type(attr) != ctx->first + ctx->n
        || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) {
        return codec_parse_fail(&ctx->st, EPROTO);
    }
    error = decode_entry(attr, &meter, &stats);
    if (error && error != EOPNOTSUPP) {
        return codec_parse_fail(&ctx->st, error);
    }
    if (!ctx->n && ctx->meter) {
        *ctx->meter = meter;
        *ctx->stats = stats;
        ctx->error = error;
    }
    if (ctx->cb && !ctx->cb_error) {
        ctx->cb_error = ctx->cb(&meter, &stats, error, ctx->aux);
    }
    ctx->n++;
    return MNL_CB_OK;
}

/* Decodes the action nest 'nest', which must be a police, into 'meter'
 * and 'stats'.  Returns 0, EPROTO, or EOPNOTSUPP if the police is not a
 * meter, in which case only the index of 'meter' is set. */
static int
decode_entry(const struct nlattr *nest, struct tc_meter_police *meter,
             struct tc_meter_stats *stats)
{
    const struct nlattr *tb[TCA_ACT_MAX + 1] = { NULL };
    const struct nlattr *options[TCA_POLICE_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = act_policy, .n_policy = ARRAY_SIZE(act_policy),
        .max = TCA_ACT_MAX, .tb = tb,
    };
    struct codec_act_counters counters;
    int error, shape_error;
    struct tc_police p;
    uint32_t flags;

    memset(meter, 0, sizeof *meter);
    memset(stats, 0, sizeof *stats);
    error = codec_parse_nested(nest, codec_policy_cb, &ctx.st);
    if (error) {
        return error;
    } else if (!tb[TCA_ACT_KIND] || !tb[TCA_ACT_OPTIONS]
               || !tb[TCA_ACT_STATS]
               || strcmp(mnl_attr_get_str(tb[TCA_ACT_KIND]), "police")) {
        return EPROTO;
    }

    /* A police has its parameters, whatever else it has. */
    shape_error = codec_parse_act_options(tb[TCA_ACT_OPTIONS], AK_POLICE,
                                          options);
    if (shape_error == EPROTO || !options[TCA_POLICE_TBF]) {
        return EPROTO;
    }
    error = codec_police_meter(options, meter);
    if (error == EPROTO) {
        return error;
    } else if (!shape_error) {
        shape_error = error;
    }
    error = decode_act_flags(tb[TCA_ACT_FLAGS], &flags);
    if (error == EPROTO) {
        return error;
    } else if (!shape_error) {
        shape_error = error;
    }

    error = codec_decode_act_stats(tb[TCA_ACT_STATS], &counters);
    if (error) {
        return error;
    }
    memcpy(&p, mnl_attr_get_payload(options[TCA_POLICE_TBF]), sizeof p);
    stats->n_packets = counters.n_packets;
    stats->n_bytes = counters.n_bytes;
    stats->n_drops = counters.n_drops;
    stats->n_overlimits = counters.n_overlimits;
    stats->n_bound = p.bindcnt;

    if (shape_error) {
        uint32_t index = meter->index;

        memset(meter, 0, sizeof *meter);
        meter->index = index;
        return shape_error;
    }
    meter->flags = flags;
    return 0;
}

/* Converts the validated TCA_ACT_FLAGS 'attr' (none if null) to the
 * filter flags of the rules that may use the action.  Returns 0, EPROTO
 * for both flags (tc_act_flags_valid()) or EOPNOTSUPP for others, such as
 * TCA_ACT_FLAGS_NO_PERCPU_STATS, which a meter is not put with. */
static int
decode_act_flags(const struct nlattr *attr, uint32_t *cls_flags)
{
    struct nla_bitfield32 bf = { 0, 0 };

    if (attr) {
        memcpy(&bf, mnl_attr_get_payload(attr), sizeof bf);
    }
    *cls_flags = ((bf.value & TCA_ACT_FLAGS_SKIP_HW
                   ? TCA_CLS_FLAGS_SKIP_HW : 0)
                  | (bf.value & TCA_ACT_FLAGS_SKIP_SW
                     ? TCA_CLS_FLAGS_SKIP_SW : 0));
    if ((bf.value & ACT_SKIP) == ACT_SKIP) {
        return EPROTO;
    }
    return bf.value & ~ACT_SKIP ? EOPNOTSUPP : 0;
}
