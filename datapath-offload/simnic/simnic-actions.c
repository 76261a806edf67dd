/* simnic: compiling and applying rte_flow actions.
 *
 * 'action_classes' is the one list of actions simnic knows, with the
 * profiles that accept each; validation, error messages and the profile
 * check all read it.  Applying works on single-segment mbufs: rewrites
 * mark the checksums dirty and they are fixed once, after the last
 * action. */

#include "simnic-actions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "simnic-key.h"

#define P_FULL (1u << SIMNIC_PROFILE_FULL)
#define P_MARK (1u << SIMNIC_PROFILE_MARK)
#define P_ALL (P_FULL | P_MARK)

struct action_class {
    enum rte_flow_action_type type;
    unsigned int profiles;
    bool needs_conf;
};

#define ACTION(TYPE, PROFILES) \
    { RTE_FLOW_ACTION_TYPE_##TYPE, PROFILES, true }
#define ACTION_NO_CONF(TYPE, PROFILES) \
    { RTE_FLOW_ACTION_TYPE_##TYPE, PROFILES, false }

static const struct action_class action_classes[] = {
    ACTION_NO_CONF(END, P_ALL),
    ACTION_NO_CONF(VOID, P_ALL),
    ACTION(MARK, P_ALL),
    ACTION_NO_CONF(FLAG, P_ALL),
    ACTION(QUEUE, P_ALL),
    ACTION_NO_CONF(RSS, P_ALL),
    ACTION_NO_CONF(DROP, P_FULL),
    ACTION_NO_CONF(COUNT, P_FULL),
    ACTION(JUMP, P_FULL),
    ACTION(SET_TAG, P_FULL),
    ACTION(PORT_ID, P_FULL),
    ACTION(REPRESENTED_PORT, P_FULL),
    ACTION(OF_PUSH_VLAN, P_FULL),
    ACTION(OF_SET_VLAN_VID, P_FULL),
    ACTION(OF_SET_VLAN_PCP, P_FULL),
    ACTION_NO_CONF(OF_POP_VLAN, P_FULL),
    ACTION(SET_MAC_SRC, P_FULL),
    ACTION(SET_MAC_DST, P_FULL),
    ACTION(SET_IPV4_SRC, P_FULL),
    ACTION(SET_IPV4_DST, P_FULL),
    ACTION(SET_IPV6_SRC, P_FULL),
    ACTION(SET_IPV6_DST, P_FULL),
    ACTION(SET_TP_SRC, P_FULL),
    ACTION(SET_TP_DST, P_FULL),
    ACTION(SET_IPV4_DSCP, P_FULL),
    ACTION(SET_IPV6_DSCP, P_FULL),
    ACTION(SET_TTL, P_FULL),
    ACTION_NO_CONF(DEC_TTL, P_FULL),
    ACTION(VXLAN_ENCAP, P_FULL),
    ACTION_NO_CONF(VXLAN_DECAP, P_FULL),
    ACTION(RAW_ENCAP, P_FULL),
    ACTION(RAW_DECAP, P_FULL),
};

static const struct action_class *
action_class_find(enum rte_flow_action_type type)
{
    for (size_t i = 0; i < RTE_DIM(action_classes); i++) {
        if (action_classes[i].type == type) {
            return &action_classes[i];
        }
    }
    return NULL;
}

/* DPDK's name of an action type, for error messages. */
const char *
simnic_action_name(enum rte_flow_action_type type)
{
    const char *name = NULL;

    if (rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name, sizeof name,
                      (const void *) (uintptr_t) type, NULL) < 0 || !name) {
        return "unknown";
    }
    return name;
}

bool
simnic_profile_from_string(const char *s, enum simnic_profile *profile)
{
    if (!strcmp(s, "full")) {
        *profile = SIMNIC_PROFILE_FULL;
    } else if (!strcmp(s, "mark")) {
        *profile = SIMNIC_PROFILE_MARK;
    } else {
        return false;
    }
    return true;
}

/* Sets 'error' to "action TYPE: msg" (see item_error()). */
static int
action_error(struct rte_flow_error *error, const struct rte_flow_action *a,
             int err, const char *msg)
{
    static __thread char buf[160];

    snprintf(buf, sizeof buf, "action %s (%d): %s",
             simnic_action_name(a->type), (int) a->type, msg);
    return rte_flow_error_set(error, err, RTE_FLOW_ERROR_TYPE_ACTION, a,
                               buf);
}

/* The largest header VXLAN_ENCAP builds. */
#define VXLAN_HDR_MAX (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) \
                       + sizeof(struct rte_udp_hdr)                 \
                       + sizeof(struct rte_vxlan_hdr))

/* Adds the IPv4 or IPv6 header 'item' describes at 'hdr' + '*ofs'. */
static void
encap_add_ip(const struct rte_flow_item *item, uint8_t *hdr, uint16_t *ofs,
             struct simnic_action *out)
{
    struct rte_ether_hdr *eth = (void *) hdr;

    out->encap.l3_ofs = *ofs;
    if (item->type == RTE_FLOW_ITEM_TYPE_IPV4) {
        struct rte_ipv4_hdr *ip = (void *) (hdr + *ofs);

        if (item->spec) {
            *ip = ((const struct rte_flow_item_ipv4 *) item->spec)->hdr;
        }
        ip->version_ihl = RTE_IPV4_VHL_DEF;
        ip->next_proto_id = IPPROTO_UDP;
        ip->time_to_live = ip->time_to_live ? ip->time_to_live : 64;
        eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
        out->encap.l3_type = 4;
        *ofs += sizeof *ip;
    } else {
        struct rte_ipv6_hdr *ip6 = (void *) (hdr + *ofs);

        if (item->spec) {
            *ip6 = ((const struct rte_flow_item_ipv6 *) item->spec)->hdr;
        }
        ip6->vtc_flow |= RTE_BE32(6u << 28);
        ip6->proto = IPPROTO_UDP;
        ip6->hop_limits = ip6->hop_limits ? ip6->hop_limits : 64;
        eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
        out->encap.l3_type = 6;
        *ofs += sizeof *ip6;
    }
}

/* Adds the header of the 'step'th (0-based) item of a VXLAN_ENCAP
 * definition.  Returns false if 'item' is not what that step needs. */
static bool
encap_add_item(int step, const struct rte_flow_item *item, uint8_t *hdr,
               uint16_t *ofs, struct simnic_action *out)
{
    static const enum rte_flow_item_type steps[][2] = {
        { RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_ETH },
        { RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_IPV6 },
        { RTE_FLOW_ITEM_TYPE_UDP, RTE_FLOW_ITEM_TYPE_UDP },
        { RTE_FLOW_ITEM_TYPE_VXLAN, RTE_FLOW_ITEM_TYPE_VXLAN },
    };
    const void *spec = item->spec;

    if (step >= (int) RTE_DIM(steps)
        || (item->type != steps[step][0] && item->type != steps[step][1])) {
        return false;
    }
    if (step == 0 && spec) {
        const struct rte_flow_item_eth *e = spec;
        struct rte_ether_hdr *eth = (void *) hdr;

        eth->dst_addr = e->hdr.dst_addr;
        eth->src_addr = e->hdr.src_addr;
    } else if (step == 1) {
        encap_add_ip(item, hdr, ofs, out);
    } else if (step == 2) {
        struct rte_udp_hdr *udp = (void *) (hdr + *ofs);

        if (spec) {
            *udp = ((const struct rte_flow_item_udp *) spec)->hdr;
        }
        if (!udp->dst_port) {
            udp->dst_port = RTE_BE16(4789);
        }
        *ofs += sizeof *udp;
    } else if (step == 3) {
        struct rte_vxlan_hdr *vx = (void *) (hdr + *ofs);

        if (spec) {
            const struct rte_flow_item_vxlan *v = spec;

            memcpy((uint8_t *) &vx->vx_vni, v->vni, 3);
        }
        vx->vx_flags = RTE_BE32(0x08000000);
        *ofs += sizeof *vx;
    }
    return true;
}

/* Builds the header a VXLAN_ENCAP definition describes (ETH / IPV4 or
 * IPV6 / UDP / VXLAN) into 'out'.  Lengths and checksums are filled per
 * packet. */
static int
compile_vxlan_encap(const struct rte_flow_action *a, struct simnic_action *out,
                    struct rte_flow_error *error)
{
    static const char bad[] = "the definition must be ETH / IPV4 or IPV6 "
                              "/ UDP / VXLAN";
    const struct rte_flow_action_vxlan_encap *conf = a->conf;
    const struct rte_flow_item *item;
    uint8_t hdr[VXLAN_HDR_MAX];
    uint16_t ofs = RTE_ETHER_HDR_LEN;
    int step = 0;

    memset(hdr, 0, sizeof hdr);
    if (!conf || !conf->definition) {
        return action_error(error, a, EINVAL, "no definition");
    }
    for (item = conf->definition; item->type != RTE_FLOW_ITEM_TYPE_END;
         item++) {
        if (item->type == RTE_FLOW_ITEM_TYPE_VOID) {
            continue;
        }
        if (!encap_add_item(step++, item, hdr, &ofs, out)) {
            return action_error(error, a, ENOTSUP, bad);
        }
    }
    if (step != 4) {
        return action_error(error, a, ENOTSUP, bad);
    }
    out->encap.data = malloc(ofs);
    if (!out->encap.data) {
        return action_error(error, a, ENOMEM, "out of memory");
    }
    memcpy(out->encap.data, hdr, ofs);
    out->encap.size = ofs;
    return 0;
}

static int
compile_rss(const struct rte_flow_action *a, const struct simnic_flow_ctx *ctx,
            struct simnic_action *out, struct rte_flow_error *error)
{
    const struct rte_flow_action_rss *rss = a->conf;
    uint16_t n = rss && rss->queue_num ? rss->queue_num : 1;

    out->rss.queues = calloc(n, sizeof *out->rss.queues);
    if (!out->rss.queues) {
        return action_error(error, a, ENOMEM, "out of memory");
    }
    out->rss.n = n;
    for (uint16_t i = 0; rss && i < rss->queue_num; i++) {
        if (rss->queue[i] >= ctx->n_rx_queues) {
            return action_error(error, a, EINVAL,
                                "queue index out of range");
        }
        out->rss.queues[i] = rss->queue[i];
    }
    return 0;
}

/* Compiles MARK and the fate actions but DROP. */
static int
compile_fate(const struct rte_flow_action *a,
             const struct simnic_flow_ctx *ctx,
             const struct rte_flow_attr *attr, struct simnic_action *out,
             struct rte_flow_error *error)
{
    const void *conf = a->conf;

    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_MARK:
        out->u32 = ((const struct rte_flow_action_mark *) conf)->id;
        break;
    case RTE_FLOW_ACTION_TYPE_QUEUE:
        out->u32 = ((const struct rte_flow_action_queue *) conf)->index;
        if (out->u32 >= ctx->n_rx_queues) {
            return action_error(error, a, EINVAL,
                                "queue index out of range");
        }
        break;
    case RTE_FLOW_ACTION_TYPE_RSS:
        return compile_rss(a, ctx, out, error);
    case RTE_FLOW_ACTION_TYPE_JUMP:
        out->u32 = ((const struct rte_flow_action_jump *) conf)->group;
        if (out->u32 <= attr->group) {
            /* Only forward jumps, so that a lookup always ends. */
            return action_error(error, a, EINVAL,
                                "target group must be higher than "
                                "the rule's group");
        }
        break;
    case RTE_FLOW_ACTION_TYPE_PORT_ID:
    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
        out->u32 = (a->type == RTE_FLOW_ACTION_TYPE_PORT_ID
                    ? ((const struct rte_flow_action_port_id *) conf)->id
                    : ((const struct rte_flow_action_ethdev *) conf)
                      ->port_id);
        if (!ctx->port_in_domain(out->u32, ctx->aux)) {
            return action_error(error, a, EINVAL,
                                "target port is not in this port's "
                                "switch domain");
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Compiles the VLAN actions. */
static int
compile_vlan(const struct rte_flow_action *a, struct simnic_action *out,
             struct rte_flow_error *error)
{
    const void *conf = a->conf;

    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
        out->be16 = ((const struct rte_flow_action_of_push_vlan *) conf)
                    ->ethertype;
        if (out->be16 != RTE_BE16(RTE_ETHER_TYPE_VLAN)
            && out->be16 != RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
            return action_error(error, a, ENOTSUP,
                                "TPID must be 0x8100 or 0x88a8");
        }
        break;
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
        out->be16 = ((const struct rte_flow_action_of_set_vlan_vid *) conf)
                    ->vlan_vid;
        if (rte_be_to_cpu_16(out->be16) > 0xfff) {
            return action_error(error, a, EINVAL, "VID above 4095");
        }
        break;
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
        out->u8 = ((const struct rte_flow_action_of_set_vlan_pcp *) conf)
                  ->vlan_pcp;
        if (out->u8 > 7) {
            return action_error(error, a, EINVAL, "PCP above 7");
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Compiles the SET_* header rewrites. */
static int
compile_set(const struct rte_flow_action *a, struct simnic_action *out,
            struct rte_flow_error *error)
{
    const void *conf = a->conf;

    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_MAC_DST:
        memcpy(out->bytes,
               ((const struct rte_flow_action_set_mac *) conf)->mac_addr, 6);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST:
        memcpy(out->bytes,
               &((const struct rte_flow_action_set_ipv4 *) conf)->ipv4_addr,
               4);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DST:
        memcpy(out->bytes,
               ((const struct rte_flow_action_set_ipv6 *) conf)->ipv6_addr,
               16);
        break;
    case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_TP_DST:
        out->be16 = ((const struct rte_flow_action_set_tp *) conf)->port;
        break;
    case RTE_FLOW_ACTION_TYPE_SET_TTL:
        out->u8 = ((const struct rte_flow_action_set_ttl *) conf)->ttl_value;
        break;
    case RTE_FLOW_ACTION_TYPE_SET_TAG: {
        const struct rte_flow_action_set_tag *tag = conf;

        if (tag->index >= SIMNIC_N_TAGS) {
            return action_error(error, a, EINVAL, "index must be below "
                                RTE_STR(SIMNIC_N_TAGS));
        }
        out->tag.data = tag->data;
        out->tag.mask = tag->mask;
        out->tag.index = tag->index;
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP:
        out->u8 = ((const struct rte_flow_action_set_dscp *) conf)->dscp;
        if (out->u8 > 63) {
            return action_error(error, a, EINVAL, "DSCP above 63");
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Compiles RAW_ENCAP and RAW_DECAP. */
static int
compile_raw(const struct rte_flow_action *a, struct simnic_action *out,
            struct rte_flow_error *error)
{
    if (a->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP) {
        const struct rte_flow_action_raw_encap *raw = a->conf;

        if (!raw->data || !raw->size || raw->size > RTE_PKTMBUF_HEADROOM) {
            return action_error(error, a, EINVAL,
                                "size must be 1..headroom");
        }
        out->encap.data = malloc(raw->size);
        if (!out->encap.data) {
            return action_error(error, a, ENOMEM, "out of memory");
        }
        memcpy(out->encap.data, raw->data, raw->size);
        out->encap.size = raw->size;
    } else {
        const struct rte_flow_action_raw_decap *raw = a->conf;

        if (!raw->size || raw->size > UINT16_MAX) {
            return action_error(error, a, EINVAL, "bad size");
        }
        out->decap_size = raw->size;
    }
    return 0;
}

/* Compiles one action whose type the profile accepts. */
static int
compile_action(const struct rte_flow_action *a,
               const struct action_class *class,
               const struct simnic_flow_ctx *ctx,
               const struct rte_flow_attr *attr, struct simnic_action *out,
               struct rte_flow_error *error)
{
    out->type = a->type;
    if (!a->conf && class->needs_conf) {
        return action_error(error, a, EINVAL, "action needs a configuration");
    }
    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
        return compile_vlan(a, out, error);
    case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
        return compile_vxlan_encap(a, out, error);
    case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
    case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
        return compile_raw(a, out, error);
    case RTE_FLOW_ACTION_TYPE_MARK:
    case RTE_FLOW_ACTION_TYPE_QUEUE:
    case RTE_FLOW_ACTION_TYPE_RSS:
    case RTE_FLOW_ACTION_TYPE_JUMP:
    case RTE_FLOW_ACTION_TYPE_PORT_ID:
    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
        return compile_fate(a, ctx, attr, out, error);
    default:
        return compile_set(a, out, error);
    }
}

/* Whether 'a' is an action simnic knows and 'profile' accepts; if so,
 * '*classp' is its class. */
static int
check_type(const struct rte_flow_action *a, enum simnic_profile profile,
           const struct action_class **classp, struct rte_flow_error *error)
{
    const struct action_class *class = action_class_find(a->type);

    if (!class) {
        return action_error(error, a, ENOTSUP, "not supported by simnic");
    }
    if (!(class->profiles & (1u << profile))) {
        return action_error(error, a, ENOTSUP,
                            profile == SIMNIC_PROFILE_MARK
                            ? "not supported by profile mark"
                            : "not supported by profile full");
    }
    *classp = class;
    return 0;
}

static bool
is_fate(enum rte_flow_action_type type)
{
    switch (type) {
    case RTE_FLOW_ACTION_TYPE_DROP:
    case RTE_FLOW_ACTION_TYPE_QUEUE:
    case RTE_FLOW_ACTION_TYPE_RSS:
    case RTE_FLOW_ACTION_TYPE_JUMP:
    case RTE_FLOW_ACTION_TYPE_PORT_ID:
    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
        return true;
    default:
        return false;
    }
}

static int
too_many_fates(struct rte_flow_error *error,
               const struct rte_flow_action *actions)
{
    return action_error(error, actions, ENOTSUP,
                        "more than one fate action (DROP, QUEUE, RSS, "
                        "JUMP, PORT_ID, REPRESENTED_PORT)");
}

/* Checks 'actions' against 'profile' and compiles them into 'out'.
 * Returns 0 or a negative errno with 'error' naming the refused action. */
int
simnic_actions_compile(const struct rte_flow_action actions[],
                       enum simnic_profile profile,
                       const struct simnic_flow_ctx *ctx,
                       const struct rte_flow_attr *attr,
                       struct simnic_actions *out,
                       struct rte_flow_error *error)
{
    const struct rte_flow_action *a;
    int n_fates = 0;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    if (!actions) {
        return rte_flow_error_set(error, EINVAL,
                                   RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
                                   "no actions");
    }
    for (a = actions; a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
        n++;
    }
    out->list = calloc(n ? n : 1, sizeof *out->list);
    if (!out->list) {
        return action_error(error, actions, ENOMEM, "out of memory");
    }
    for (a = actions; a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
        const struct action_class *class;
        int err = check_type(a, profile, &class, error);

        if (err) {
            simnic_actions_free(out);
            return err;
        }
        if (a->type == RTE_FLOW_ACTION_TYPE_VOID) {
            continue;
        }
        err = compile_action(a, class, ctx, attr, &out->list[out->n],
                             error);
        out->n++;
        if (err) {
            simnic_actions_free(out);
            return err;
        }
        n_fates += is_fate(a->type);
        out->has_count |= a->type == RTE_FLOW_ACTION_TYPE_COUNT;
    }
    if (n_fates > 1) {
        simnic_actions_free(out);
        return too_many_fates(error, actions);
    }
    return 0;
}

/* Checks only the types in 'actions' (a template's, whose configurations
 * may come later, per rule): each known and accepted by 'profile', and at
 * most one fate. */
int
simnic_actions_check_types(const struct rte_flow_action actions[],
                           enum simnic_profile profile,
                           struct rte_flow_error *error)
{
    const struct rte_flow_action *a;
    int n_fates = 0;

    if (!actions) {
        return rte_flow_error_set(error, EINVAL,
                                   RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
                                   "no actions");
    }
    for (a = actions; a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
        const struct action_class *class;
        int err = check_type(a, profile, &class, error);

        if (err) {
            return err;
        }
        n_fates += is_fate(a->type);
    }
    return n_fates > 1 ? too_many_fates(error, actions) : 0;
}

void
simnic_actions_free(struct simnic_actions *acts)
{
    for (uint16_t i = 0; i < acts->n; i++) {
        struct simnic_action *a = &acts->list[i];

        if (a->type == RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP
            || a->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP) {
            free(a->encap.data);
        } else if (a->type == RTE_FLOW_ACTION_TYPE_RSS) {
            free(a->rss.queues);
        }
    }
    free(acts->list);
    memset(acts, 0, sizeof *acts);
}
