/*
 * ovs-offload's TC flower provider for the kernel datapath.
 *
 * This file is the glue between OVS and the layers below it: it defines
 * 'netdev_offload_tc', the symbol OVS registers as its "linux_tc" flow API,
 * so linking this object replaces OVS's own provider (see
 * Documentation/design.rst).  It translates datapath flows with
 * flower-translate, installs them through tc-transport, and keeps the ufid
 * map that the revalidators' get/del/dump calls rely on.
 */

#include <config.h>

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "dpif.h"
#include "flower-translate.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "offload-explain.h"
#include "odp-util.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "tc-flow-dump.h"
#include "tc-flow-map.h"
#include "tc-meters.h"
#include "tc-moved.h"
#include "tc-policy.h"
#include "tc-ports.h"
#include "tc-probe.h"
#include "tc-rule-array.h"
#include "tc-rule-ovs.h"
#include "tc-sample.h"
#include "tc-transport.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(offload_tc);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

COVERAGE_DEFINE(offload_tc_add);
COVERAGE_DEFINE(offload_tc_replace);
COVERAGE_DEFINE(offload_tc_twin);
COVERAGE_DEFINE(offload_tc_del);
COVERAGE_DEFINE(offload_tc_moved_lost);

/* One socket for rule changes, serialized by tc_flow_map_mutex so that the
 * kernel and the ufid map change together. */
static struct tc_transport *transport OVS_GUARDED_BY(tc_flow_map_mutex);

static int
get_transport(struct tc_transport **tp) OVS_REQUIRES(tc_flow_map_mutex)
{
    int error = 0;

    if (!transport) {
        error = tc_transport_open(&transport);
        if (error) {
            VLOG_ERR_RL(&rl, "cannot open rtnetlink socket: %s",
                        ovs_strerror(error));
        }
    }
    *tp = transport;
    return error;
}

/* Keeps the reason for offload/explain and logs it at DBG. */
static void
log_refusal(const struct netdev *netdev, const ovs_u128 *ufid,
            const struct offload_refusal_info *refusal)
{
    offload_explain_refused(ufid, netdev_get_name(netdev), refusal);
    if (!VLOG_DROP_DBG(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        char reason[128];

        offload_refusal_format(refusal, reason, sizeof reason);
        odp_format_ufid(ufid, &s);
        VLOG_DBG("%s: flow %s stays in the datapath: %s",
                 netdev_get_name(netdev), ds_cstr(&s), reason);
        ds_destroy(&s);
    }
}

/* Deletes the rule of 'flow' and forgets it, returning its final counters
 * in 'stats' if non-null.  Stores in '*netdevp' the flow's reference to its
 * port, to netdev_close() once tc_flow_map_mutex is released. */
static int
flow_delete(struct tc_transport *t, struct tc_flow *flow,
            struct dpif_flow_stats *stats, struct netdev **netdevp)
    OVS_REQUIRES(tc_flow_map_mutex)
{
    struct flower_rule rule;
    int error;

    if (stats) {
        if (!tc_rule_get(t, &flow->id, flow->protocol, &rule)) {
            tc_rule_stats(&rule, &flow->base, flow->l2_len, stats);
        } else {
            *stats = flow->base;
        }
    }
    error = tc_rule_delete(t, &flow->id, flow->protocol);
    COVERAGE_INC(offload_tc_del);
    if (error == ENODEV) {
        /* The device went away, and its rules with it. */
        error = 0;
    }
    if (error && error != ENOENT) {
        VLOG_ERR_RL(&rl, "%s: deleting TC rule prio %u handle %#x: %s",
                    netdev_get_name(flow->netdev), flow->id.prio,
                    flow->id.handle, ovs_strerror(error));
    }
    *netdevp = tc_flow_remove(flow);
    return error;
}

/* Replaces the rule of 'flow' in place with 'rule', so that packets hit
 * either the old or the new actions and never a gap.  The new rule starts
 * with fresh counters, so the old ones are kept in the flow's base. */
static int
flow_replace(struct tc_transport *t, struct tc_flow *flow,
             struct flower_rule *rule, struct dpif_flow_stats *stats)
    OVS_REQUIRES(tc_flow_map_mutex)
{
    struct dpif_flow_stats current = flow->base;
    struct flower_rule old;
    int error;

    if (!tc_rule_get(t, &flow->id, flow->protocol, &old)) {
        tc_rule_stats(&old, &flow->base, flow->l2_len, &current);
    }
    rule->id = flow->id;
    error = tc_rule_install(t, rule, true);
    if (!error) {
        COVERAGE_INC(offload_tc_replace);
        flow->base = current;
    }
    if (stats) {
        *stats = current;
    }
    return error;
}

static bool
rule_uses_chains(const struct flower_rule *rule)
{
    for (int i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FLOWER_ACT_GOTO_CHAIN) {
            return true;
        }
    }
    return rule->id.chain != 0;
}

static int
netdev_tc_flow_put(struct netdev *netdev, struct match *match,
                   struct nlattr *actions, size_t actions_len,
                   const ovs_u128 *ufid, struct offload_info *info,
                   struct dpif_flow_stats *stats)
{
    struct offload_refusal_info refusal = { .reason = 0 };
    struct netdev *old_netdev = NULL;
    struct flower_rule rule;
    struct tc_transport *t;
    struct tc_flow *flow;
    int ifindex = netdev_get_ifindex(netdev);
    uint32_t sample_group = 0;
    bool modify = false;
    uint8_t slot;
    int error;

    if (ifindex <= 0) {
        /* The device went away and OVS has yet to remove its port: the
         * flow stays in the datapath until OVS deletes it, which is no
         * error worth dpif-netlink's log. */
        offload_refusal_set(&refusal, OFFLOAD_REFUSAL_KERNEL,
                            "no such device");
        error = EOPNOTSUPP;
    } else if (!tc_ports_type_supported(netdev_get_type(netdev))) {
        offload_refusal_set(&refusal, OFFLOAD_REFUSAL_INPUT_PORT,
                            netdev_get_type(netdev));
        error = EOPNOTSUPP;
    } else {
        error = tc_ports_translate(match, actions, actions_len,
                                   netdev_get_dpif_type(netdev), &rule,
                                   &refusal);
        sample_group = tc_sample_rule_group(&rule);
    }
    if (!error && !info->recirc_id_shared_with_tc && rule_uses_chains(&rule)) {
        /* A packet that misses in chain N must go on in the datapath at
         * recirc_id N, which needs the kernel's OVS_DP_F_TC_RECIRC_SHARING. */
        offload_refusal_set(&refusal, OFFLOAD_REFUSAL_NO_RECIRC_SHARING,
                            NULL);
        error = EOPNOTSUPP;
    }
    if (error) {
        log_refusal(netdev, ufid, &refusal);
        tc_sample_unref(sample_group);
        ovs_mutex_lock(&tc_flow_map_mutex);
        if (tc_flow_find(ufid)) {
            tc_moved_add(ufid);
        }
        ovs_mutex_unlock(&tc_flow_map_mutex);
        return error;
    }
    rule.id.ifindex = ifindex;
    tc_ports_learn(ifindex, odp_to_u32(match->flow.in_port.odp_port));
    rule.id.egress = tc_ports_uses_egress(netdev);
    rule.flags = tc_policy_cls_flags();
    memcpy(rule.cookie, ufid, sizeof *ufid);
    rule.has_cookie = true;

    ovs_mutex_lock(&tc_flow_map_mutex);
    error = get_transport(&t);
    if (error) {
        goto out;
    }
    flow = tc_flow_find(ufid);
    modify = flow != NULL;
    if (flow && flow->netdev == netdev && flow->protocol == rule.protocol
        && flow->id.prio == tc_prio_for_mask(rule.protocol, &rule.mask,
                                             flow->slot)) {
        error = flow_replace(t, flow, &rule, stats);
        if (!error) {
            /* The rule keeps the reference translation took. */
            tc_sample_unref(flow->sample_group);
            flow->sample_group = sample_group;
        } else if (error == ENODEV) {
            /* As below: OVS then deletes the rule, which went with the
             * device, and gives the datapath the flow. */
            offload_refusal_set(&refusal, OFFLOAD_REFUSAL_KERNEL,
                                "no such device");
            log_refusal(netdev, ufid, &refusal);
            error = EOPNOTSUPP;
        }
        goto out;
    }
    if (flow) {
        /* The same ufid moved (a port was re-added): start over. */
        info->tc_modify_flow_deleted = !flow_delete(t, flow, NULL,
                                                    &old_netdev);
    }

    for (slot = 0; slot < TC_PRIO_SLOTS; slot++) {
        rule.id.prio = tc_prio_for_mask(rule.protocol, &rule.mask, slot);
        if (!rule.id.prio) {
            error = ENOSPC;
            goto out;
        }
        rule.id.handle = tc_flow_next_handle();
        error = tc_rule_install(t, &rule, false);
        if (error != EEXIST) {
            break;
        }
        COVERAGE_INC(offload_tc_twin);
    }
    if (error) {
        offload_refusal_set(&refusal, OFFLOAD_REFUSAL_KERNEL,
                            *tc_transport_last_error(t)
                            ? tc_transport_last_error(t)
                            : ovs_strerror(error));
        log_refusal(netdev, ufid, &refusal);
        if (error == EEXIST) {
            /* TC_PRIO_SLOTS flows have this very rule.  EEXIST would tell
             * OVS that this one is installed: let the datapath have it. */
            error = EOPNOTSUPP;
        } else if (error == ENODEV) {
            /* The device went away after OVS read its ifindex, as above. */
            error = EOPNOTSUPP;
        }
        goto out;
    }
    COVERAGE_INC(offload_tc_add);
    flow = tc_flow_add(ufid, netdev, &rule.id, rule.protocol);
    flow->slot = slot;
    flow->l2_len = tc_rule_l2_len(&rule);
    flow->sample_group = sample_group;
    if (offload_explain_forget(ufid)) {
        /* TC refused this flow before, so the datapath may hold it: a
         * revalidator changed its actions to ones TC can do, and
         * dpif-netlink deletes the datapath's copy next, dropping its
         * counters.  The rule counts on from them, so that the
         * revalidator's stats do not go backwards. */
        tc_datapath_flow_stats(ufid, &flow->base);
    }
    if (stats) {
        memset(stats, 0, sizeof *stats);
    }

out:
    if (error) {
        tc_sample_unref(sample_group);
        if (modify && error != EEXIST) {
            tc_moved_add(ufid);
        }
    } else {
        tc_moved_take(ufid, NULL, NULL);
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    netdev_close(old_netdev);
    return error;
}

static int
netdev_tc_flow_get(struct netdev *netdev, struct match *match,
                   struct nlattr **actions, const ovs_u128 *ufid,
                   struct dpif_flow_stats *stats,
                   struct dpif_flow_attrs *attrs, struct ofpbuf *buf)
{
    struct flower_rule rule;
    struct dpif_flow_stats base;
    struct tc_transport *t;
    struct tc_flow *flow;
    odp_port_t in_port;
    int error;

    /* Any port answers for any flow of ours, as in flow_del. */
    ovs_mutex_lock(&tc_flow_map_mutex);
    flow = tc_flow_find(ufid);
    if (!flow) {
        ovs_mutex_unlock(&tc_flow_map_mutex);
        return ENOENT;
    }
    netdev = netdev_ref(flow->netdev);
    base = flow->base;
    error = get_transport(&t);
    if (!error) {
        error = tc_rule_get(t, &flow->id, flow->protocol, &rule);
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    if (!error) {
        /* OVS holds its port table's lock here (see tc-ports.h). */
        in_port = u32_to_odp(tc_ports_ifindex_to_port(rule.id.ifindex,
                                                      true));
        error = (in_port == ODPP_NONE ? ENOENT
                 : tc_rule_to_flow(&rule, netdev, in_port, true, match,
                                   actions, buf));
        /* A revalidator that meets a flow it has no ukey for (added with
         * dpctl/add-flows, or left by an earlier ovs-vswitchd) builds one
         * from this match, and deletes the flow if the match leaves out
         * anything OVS's translation looks at.  Translation always looks
         * at the packet type, and a TC rule only ever sees Ethernet
         * frames, so say so.  Dumps leave it out: it would change the
         * format of dpctl/dump-flows, which the kernel datapath never
         * shows with a packet type. */
        match_set_packet_type(match, htonl(PT_ETH));
        tc_rule_stats(&rule, &base, tc_rule_l2_len(&rule), stats);
        tc_rule_attrs(&rule, attrs);
    }
    netdev_close(netdev);
    return error;
}

static int
netdev_tc_flow_del(struct netdev *netdev OVS_UNUSED, const ovs_u128 *ufid,
                   struct dpif_flow_stats *stats)
{
    struct netdev *port = NULL;
    struct tc_transport *t;
    struct dpif_flow_stats final;
    struct tc_flow *flow;
    bool moved = false;
    bool seen = false;
    int error;

    /* OVS asks each port in turn until one knows the flow; the port the
     * flow came in on may already be gone from its list (the port was
     * deleted), so any port answers for any flow of ours. */
    ovs_mutex_lock(&tc_flow_map_mutex);
    flow = tc_flow_find(ufid);
    if (!flow) {
        /* A flow that stayed in the datapath is being deleted. */
        offload_explain_forget(ufid);
        error = ENOENT;
        moved = tc_moved_take(ufid, &final, &seen);
    } else {
        /* If dpif-netlink is taking it out of TC for the datapath, keep its
         * final stats. */
        bool moving = tc_moved_is(ufid);

        error = get_transport(&t);
        if (!error) {
            error = flow_delete(t, flow, stats || moving ? &final : NULL,
                                &port);
            if (moving) {
                tc_moved_set_stats(ufid, &final);
            }
            if (stats) {
                *stats = final;
            }
            if (tc_meter_has_doomed()) {
                tc_meter_retry_deletes(t);
            }
        }
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    netdev_close(port);
    if (moved && !seen) {
        /* OVS has yet to see the datapath's copy (see tc-moved.h). */
        struct dpif_flow_stats copy;
        int copy_error = tc_datapath_flow_delete(ufid, &copy);

        if (!copy_error || copy_error == ENOENT) {
            if (copy_error) {
                COVERAGE_INC(offload_tc_moved_lost);
            } else {
                final.n_packets += copy.n_packets;
                final.n_bytes += copy.n_bytes;
                final.used = MAX(final.used, copy.used);
                final.tcp_flags |= copy.tcp_flags;
            }
            if (stats) {
                *stats = final;
            }
            error = 0;
        }
    } else if (moved && !tc_moved_in_datapath(ufid)) {
        /* It left TC, and the datapath refused it (see tc-moved.h). */
        COVERAGE_INC(offload_tc_moved_lost);
        if (stats) {
            *stats = final;
        }
        error = 0;
    }
    return error;
}

/* Meters.  The police actions are changed under tc_flow_map_mutex, on the
 * rules' socket, so that a meter and the rules bound to it change in
 * order. */

static int
netdev_tc_meter_set(ofproto_meter_id meter_id,
                    struct ofputil_meter_config *config)
{
    struct tc_transport *t;
    int error;

    tc_policy_refresh();
    ovs_mutex_lock(&tc_flow_map_mutex);
    error = get_transport(&t);
    if (!error) {
        error = tc_meter_set(t, meter_id.uint32, config,
                             tc_policy_cls_flags());
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    return error;
}

/* Runs 'read', tc_meter_get() or tc_meter_del(), on the rules' socket. */
static int
meter_read(int (*read)(struct tc_transport *, uint32_t,
                       struct ofputil_meter_stats *),
           ofproto_meter_id meter_id, struct ofputil_meter_stats *stats)
{
    struct tc_transport *t;
    int error;

    ovs_mutex_lock(&tc_flow_map_mutex);
    error = get_transport(&t);
    if (!error) {
        error = read(t, meter_id.uint32, stats);
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    return error;
}

static int
netdev_tc_meter_get(ofproto_meter_id meter_id,
                    struct ofputil_meter_stats *stats)
{
    return meter_read(tc_meter_get, meter_id, stats);
}

static int
netdev_tc_meter_del(ofproto_meter_id meter_id,
                    struct ofputil_meter_stats *stats)
{
    return meter_read(tc_meter_del, meter_id, stats);
}

static int
netdev_tc_flow_get_n_flows(struct netdev *netdev, uint64_t *n_flows)
{
    ovs_mutex_lock(&tc_flow_map_mutex);
    *n_flows = tc_flow_count(netdev);
    ovs_mutex_unlock(&tc_flow_map_mutex);
    return 0;
}

/* Deletes every rule of ours on 'ifindex' that is not in the ufid map:
 * leftovers of an earlier ovs-vswitchd, or of flows already forgotten. */
static int
sweep_stale_rules(struct tc_transport *t, int ifindex, bool egress)
    OVS_REQUIRES(tc_flow_map_mutex)
{
    struct tc_rule_array array = { .terse = true };
    int error = tc_rule_dump(t, ifindex, egress, true, tc_rule_collect,
                             &array);

    for (size_t i = 0; !error && i < array.n; i++) {
        const struct terse_rule *tr = &array.terse_rules[i];

        if (!tc_flow_find(&tr->ufid)) {
            int err = tc_rule_delete(t, &tr->id, tr->protocol);

            if (err && err != ENOENT) {
                error = err;
            }
        }
    }
    tc_rule_array_destroy(&array);
    return error;
}

static int
netdev_tc_flow_flush(struct netdev *netdev)
{
    int ifindex = netdev_get_ifindex(netdev);
    struct tc_transport *t;
    struct tc_flow **flows;
    size_t n;
    int error;

    ovs_mutex_lock(&tc_flow_map_mutex);
    error = get_transport(&t);
    if (!error) {
        n = tc_flow_collect(netdev, &flows);
        for (size_t i = 0; i < n; i++) {
            struct netdev *port;

            flow_delete(t, flows[i], NULL, &port);
            /* Not the last reference: the caller holds 'netdev'. */
            netdev_close(port);
        }
        free(flows);
        if (ifindex > 0) {
            error = sweep_stale_rules(t, ifindex,
                                      tc_ports_uses_egress(netdev));
        }
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    return error;
}

/* Takes every port of the kernel datapath that has a device, as OVS's own
 * provider does, even those whose flows TC cannot take
 * (tc_ports_type_supported()): flow_put refuses those flows with a reason
 * that offload/show counts, and OVS 3.1 logs an error for each flow it
 * moves out of a port with no flow API at all. */
static int
netdev_tc_init_flow_api(struct netdev *netdev)
{
    const char *type = netdev_get_type(netdev);
    struct tc_transport *t;
    int ifindex;
    int error;

    if (strcmp(netdev_get_dpif_type(netdev), "system")) {
        VLOG_DBG("%s: not a kernel datapath device (%s), not ours",
                 netdev_get_name(netdev), type);
        return EOPNOTSUPP;
    }
    ifindex = netdev_get_ifindex(netdev);
    if (ifindex <= 0) {
        VLOG_DBG("%s: no ifindex, TC offload unavailable",
                 netdev_get_name(netdev));
        return EOPNOTSUPP;
    }

    tc_policy_refresh();
    ovs_mutex_lock(&tc_flow_map_mutex);
    error = get_transport(&t);
    if (!error) {
        bool egress = tc_ports_uses_egress(netdev);

        error = tc_qdisc_add(t, ifindex, egress);
        if (error) {
            VLOG_INFO("%s: cannot add %s qdisc: %s%s%s",
                      netdev_get_name(netdev), egress ? "clsact" : "ingress",
                      ovs_strerror(error),
                      *tc_transport_last_error(t) ? ": " : "",
                      tc_transport_last_error(t));
        } else {
            if (tc_probe_run(t, ifindex)) {
                tc_meter_sweep(t);
                if (tc_probe_caps()->has[FLOWER_CAP_SAMPLE]) {
                    tc_sample_start();
                }
            }
            error = sweep_stale_rules(t, ifindex, egress);
        }
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);
    if (error) {
        return EOPNOTSUPP;
    }
    VLOG_INFO("%s: TC flower offload by ovs-offload (policy %s)",
              netdev_get_name(netdev), tc_policy_name());
    return 0;
}

static void
netdev_tc_uninit_flow_api(struct netdev *netdev)
{
    netdev_tc_flow_flush(netdev);
}

const struct netdev_flow_api netdev_offload_tc = {
   .type = "linux_tc",
   .flow_flush = netdev_tc_flow_flush,
   .flow_dump_create = tc_flow_dump_create,
   .flow_dump_next = tc_flow_dump_next,
   .flow_dump_destroy = tc_flow_dump_destroy,
   .flow_put = netdev_tc_flow_put,
   .flow_get = netdev_tc_flow_get,
   .flow_del = netdev_tc_flow_del,
   .flow_get_n_flows = netdev_tc_flow_get_n_flows,
   .meter_set = netdev_tc_meter_set,
   .meter_get = netdev_tc_meter_get,
   .meter_del = netdev_tc_meter_del,
   .init_flow_api = netdev_tc_init_flow_api,
   .uninit_flow_api = netdev_tc_uninit_flow_api,
};
