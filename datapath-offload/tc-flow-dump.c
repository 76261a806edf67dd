/*
 * The TC provider's flow dumps: dpctl/dump-flows and the revalidators read
 * a port's TC rules through these, as the netdev_flow_api's
 * flow_dump_create, flow_dump_next and flow_dump_destroy.
 */

#include <config.h>

#include "tc-flow-dump.h"

#include <errno.h>
#include <string.h>

#include "dpif.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "tc-flow-map.h"
#include "tc-moved.h"
#include "tc-ports.h"
#include "tc-rule-array.h"
#include "tc-rule-ovs.h"
#include "tc-transport.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(offload_tc_dump);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* A dump reads the port's rules a batch of replies at a time, so that it
 * holds a few dozen rules rather than all of them (a full rule takes a few
 * kilobytes), and hands out the flows one at a time.  dpif-netlink's
 * revalidator threads share a dump, hence the mutex. */
struct tc_flow_dump {
    struct netdev_flow_dump up;
    struct ovs_mutex mutex;
    struct tc_transport *t OVS_GUARDED;     /* Null once the dump is over. */
    struct tc_rule_array array OVS_GUARDED; /* The current batch. */
    size_t next OVS_GUARDED;                /* Next rule of the batch. */
    uint64_t number;            /* tc_moved_dump_start()'s, if terse. */
};

static void
dump_log_error(const struct tc_flow_dump *dump, int error)
{
    if (error != ENODEV) {
        VLOG_ERR_RL(&rl, "%s: dumping TC rules: %s",
                    netdev_get_name(dump->up.netdev), ovs_strerror(error));
    }
}

static void
dump_finish(struct tc_flow_dump *dump) OVS_REQUIRES(dump->mutex)
{
    tc_transport_close(dump->t);
    dump->t = NULL;
}

int
tc_flow_dump_create(struct netdev *netdev, struct netdev_flow_dump **dump_,
                    bool terse)
{
    struct tc_flow_dump *dump = xzalloc(sizeof *dump);
    int ifindex = netdev_get_ifindex(netdev);
    int error;

    dump->up.netdev = netdev_ref(netdev);
    dump->up.terse = terse;
    if (terse) {
        /* Only revalidators dump tersely. */
        dump->number = tc_moved_dump_start();
    }
    ovs_mutex_init(&dump->mutex);
    ovs_mutex_lock(&dump->mutex);
    dump->array.terse = terse;
    error = ifindex > 0 ? tc_transport_open(&dump->t) : ENODEV;
    if (!error) {
        error = tc_rule_dump_start(dump->t, ifindex,
                                   tc_ports_uses_egress(netdev), terse);
        if (error) {
            dump_finish(dump);
        }
    }
    if (error) {
        dump_log_error(dump, error);
    }
    ovs_mutex_unlock(&dump->mutex);
    *dump_ = &dump->up;
    return 0;
}

int
tc_flow_dump_destroy(struct netdev_flow_dump *dump_)
{
    struct tc_flow_dump *dump = CONTAINER_OF(dump_, struct tc_flow_dump, up);

    ovs_mutex_lock(&dump->mutex);
    if (dump->t) {
        dump_finish(dump);
    }
    tc_rule_array_destroy(&dump->array);
    ovs_mutex_unlock(&dump->mutex);
    ovs_mutex_destroy(&dump->mutex);
    if (dump->number) {
        tc_moved_dump_end(dump->number);
    }
    netdev_close(dump->up.netdev);
    free(dump);
    return 0;
}

/* Makes the dump's next rule available as the 'dump->next'th of its
 * array, reading the next batch if needed.  Returns false at the end. */
static bool
dump_advance(struct tc_flow_dump *dump) OVS_REQUIRES(dump->mutex)
{
    while (dump->next >= dump->array.n) {
        int error;

        if (!dump->t) {
            return false;
        }
        dump->array.n = 0;
        dump->next = 0;
        error = tc_rule_dump_step(dump->t, dump->array.terse,
                                  tc_rule_collect, &dump->array);
        if (error) {
            if (error != EOF) {
                dump_log_error(dump, error);
            }
            dump_finish(dump);
        }
    }
    return true;
}

/* The revalidators' dumps: just ufids and counters.  Terse TC dumps carry
 * no times, so the last use is 0, which tells the revalidator to take it
 * from the packet count (udpif_update_used()); the last use of a rule that
 * this one replaced would be older than the flow's real one.  The match is
 * left alone: OVS reads no match from a terse dump, and this runs for every
 * flow, twice a second. */
static bool
dump_next_terse(struct tc_flow_dump *dump, struct dpif_flow_stats *stats,
                struct dpif_flow_attrs *attrs, ovs_u128 *ufid)
{
    for (;;) {
        struct terse_rule tr;
        struct tc_flow *flow;

        ovs_mutex_lock(&dump->mutex);
        if (!dump_advance(dump)) {
            ovs_mutex_unlock(&dump->mutex);
            return false;
        }
        tr = dump->array.terse_rules[dump->next++];
        ovs_mutex_unlock(&dump->mutex);

        ovs_mutex_lock(&tc_flow_map_mutex);
        flow = tc_flow_find(&tr.ufid);
        if (!flow) {
            ovs_mutex_unlock(&tc_flow_map_mutex);
            continue;
        }
        tc_counters_to_stats(&tr.stats, &flow->base, flow->l2_len, stats);
        stats->used = 0;
        ovs_mutex_unlock(&tc_flow_map_mutex);

        *ufid = tr.ufid;
        tc_flags_to_attrs(tr.in_hw, tr.flags, attrs);
        return true;
    }
}

bool
tc_flow_dump_next(struct netdev_flow_dump *dump_, struct match *match,
                  struct nlattr **actions, struct dpif_flow_stats *stats,
                  struct dpif_flow_attrs *attrs, ovs_u128 *ufid,
                  struct ofpbuf *rbuffer OVS_UNUSED, struct ofpbuf *wbuffer)
{
    struct tc_flow_dump *dump = CONTAINER_OF(dump_, struct tc_flow_dump, up);

    if (dump->up.terse) {
        return dump_next_terse(dump, stats, attrs, ufid);
    }
    for (;;) {
        struct dpif_flow_stats base;
        struct flower_rule rule;
        struct tc_flow *flow;

        ovs_mutex_lock(&dump->mutex);
        if (!dump_advance(dump)) {
            ovs_mutex_unlock(&dump->mutex);
            return false;
        }
        rule = dump->array.rules[dump->next++];
        ovs_mutex_unlock(&dump->mutex);

        memcpy(ufid, rule.cookie, sizeof *ufid);
        ovs_mutex_lock(&tc_flow_map_mutex);
        flow = tc_flow_find(ufid);
        memset(&base, 0, sizeof base);
        if (flow) {
            base = flow->base;
        }
        ovs_mutex_unlock(&tc_flow_map_mutex);

        if (tc_rule_to_flow(&rule, dump->up.netdev, dump->up.port, false,
                            match, actions, wbuffer)) {
            continue;
        }
        tc_rule_stats(&rule, &base, tc_rule_l2_len(&rule), stats);
        tc_rule_attrs(&rule, attrs);
        return true;
    }
}
