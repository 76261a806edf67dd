/*
 * Counters of TC actions for the codec (see flower-codec.h and
 * tc-police-codec.h): the TCA_ACT_STATS nest that the kernel puts in every
 * dumped action, and the struct tcf_t that says when it last ran.  A
 * flower rule takes its counters from one of its actions
 * (flower-codec-actions.c), a meter from its standalone police action
 * (tc-police-codec.c).
 *
 * TCA_ACT_STATS holds TCA_STATS_BASIC (every packet the action saw,
 * hardware hits included), TCA_STATS_BASIC_HW (hardware hits alone), each
 * maybe followed by a TCA_STATS_PKT64 with the packet count that
 * overflowed the 32 bits of struct gnet_stats_basic, and TCA_STATS_QUEUE,
 * whose drops and overlimits count the packets an action such as police
 * dropped or found over its limit (tcf_action_copy_stats()).  Attributes
 * newer than the uapi headers are skipped.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    MS_PER_TICK = 1000 / 100,   /* struct tcf_t counts USER_HZ ticks. */
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
    bool found_queue;           /* TCA_STATS_QUEUE. */
    struct gnet_stats_queue queue;
};

static int stats_cb(const struct nlattr *, void *ctx_);

/* Fills 'counters' from the TCA_ACT_STATS nest 'nest': the packet and byte
 * counts of TCA_STATS_BASIC (hardware hits included), else of _BASIC_HW,
 * each with the 64-bit packet count that may follow it, and the drops and
 * overlimits of TCA_STATS_QUEUE.  What is absent stays zero.  Returns 0 or
 * EPROTO. */
int
codec_decode_act_stats(const struct nlattr *nest,
                       struct codec_act_counters *counters)
{
    struct stats_ctx ctx;
    int error;
    int i;

    memset(counters, 0, sizeof *counters);
    memset(&ctx, 0, sizeof ctx);
    error = codec_parse_nested(nest, stats_cb, &ctx.st);
    if (error) {
        return error;
    }
    i = ctx.found[0] ? 0 : 1;
    if (ctx.found[i]) {
        counters->n_packets = ctx.packets[i];
        counters->n_bytes = ctx.bytes[i];
    }
    if (ctx.found_queue) {
        counters->n_drops = ctx.queue.drops;
        counters->n_overlimits = ctx.queue.overlimits;
    }
    return 0;
}

/* Lowers 'stats->lastuse_ms' to the last use in the validated struct
 * tcf_t attribute 'attr'. */
void
codec_decode_lastuse(const struct nlattr *attr, struct flower_stats *stats)
{
    struct tcf_t tm;
    uint64_t ms;

    memcpy(&tm, mnl_attr_get_payload(attr), sizeof tm);
    ms = (tm.lastuse > UINT64_MAX / MS_PER_TICK
          ? UINT64_MAX : tm.lastuse * MS_PER_TICK);
    if (!stats->has_lastuse || ms < stats->lastuse_ms) {
        stats->lastuse_ms = ms;
        stats->has_lastuse = true;
    }
}

/* mnl_attr_cb_t for a 'struct stats_ctx'. */
static int
stats_cb(const struct nlattr *attr, void *ctx_)
{
    struct stats_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);
    struct gnet_stats_basic basic;
    int i = type == TCA_STATS_BASIC_HW;

    codec_note_attr(&ctx->st, attr);
    if (mnl_attr_type_valid(attr, TCA_STATS_MAX) < 0) {
        type = 0;               /* Unknown: skipped. */
    }
    if (type == TCA_STATS_BASIC || type == TCA_STATS_BASIC_HW) {
        if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof basic) < 0) {
            return codec_parse_fail(&ctx->st, EPROTO);
        }
        memcpy(&basic, mnl_attr_get_payload(attr), sizeof basic);
        ctx->found[i] = true;
        ctx->bytes[i] = basic.bytes;
        ctx->packets[i] = basic.packets;
    } else if (type == TCA_STATS_PKT64) {
        if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0) {
            return codec_parse_fail(&ctx->st, EPROTO);
        } else if (ctx->last) {
            i = ctx->last == TCA_STATS_BASIC_HW;
            ctx->packets[i] = mnl_attr_get_u64(attr);
        }
    } else if (type == TCA_STATS_QUEUE) {
        if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
                               sizeof ctx->queue) < 0) {
            return codec_parse_fail(&ctx->st, EPROTO);
        }
        memcpy(&ctx->queue, mnl_attr_get_payload(attr), sizeof ctx->queue);
        ctx->found_queue = true;
    }
    if (type != TCA_STATS_PAD) {
        ctx->last = (type == TCA_STATS_BASIC || type == TCA_STATS_BASIC_HW
                     ? type : 0);
    }
    return MNL_CB_OK;
}
