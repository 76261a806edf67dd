/* ufid <-> TC rule map and mask -> priority allocation (tc-flow-map.h). */

#include <config.h>
#include "tc-flow-map.h"

#include "hash.h"
#include "openvswitch/shash.h"
#include "netdev.h"
#include "tc-sample.h"
#include "tc.h"
#include "ufid-hash.h"
#include "util.h"

struct ovs_mutex tc_flow_map_mutex = OVS_MUTEX_INITIALIZER;

static struct hmap ufid_map OVS_GUARDED_BY(tc_flow_map_mutex)
    = HMAP_INITIALIZER(&ufid_map);

/* One TC priority per distinct (protocol, mask): hardware and the kernel's
 * fast path handle one mask per priority best, and all rules of a priority
 * must share the protocol. */
struct tc_prio {
    struct hmap_node node;
    uint16_t protocol;
    struct flower_key mask;
    uint8_t slot;
    uint16_t prio;
};

static struct hmap prio_map OVS_GUARDED_BY(tc_flow_map_mutex)
    = HMAP_INITIALIZER(&prio_map);
/* OVS's own TC users (netdev-linux's ingress policing) keep priorities up to
 * TC_RESERVED_PRIORITY_MAX; flows start above them, as in OVS. */
static uint16_t last_prio OVS_GUARDED_BY(tc_flow_map_mutex)
    = TC_RESERVED_PRIORITY_MAX;

struct tc_flow *
tc_flow_find(const ovs_u128 *ufid)
{
    struct tc_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node, ufid_hash(ufid), &ufid_map) {
        if (ovs_u128_equals(flow->ufid, *ufid)) {
            return flow;
        }
    }
    return NULL;
}

struct tc_flow *
tc_flow_add(const ovs_u128 *ufid, struct netdev *netdev,
            const struct flower_id *id, uint16_t protocol)
{
    struct tc_flow *flow = xzalloc(sizeof *flow);

    flow->ufid = *ufid;
    flow->netdev = netdev_ref(netdev);
    flow->id = *id;
    flow->protocol = protocol;
    hmap_insert(&ufid_map, &flow->node, ufid_hash(ufid));
    return flow;
}

/* Forgets 'flow' and returns its reference to the port's netdev, which
 * the caller must netdev_close() only after releasing tc_flow_map_mutex:
 * the last reference destroys the netdev, which calls back into the
 * provider (uninit_flow_api), which takes the mutex. */
struct netdev *
tc_flow_remove(struct tc_flow *flow)
{
    struct netdev *netdev = flow->netdev;

    tc_sample_unref(flow->sample_group);

    hmap_remove(&ufid_map, &flow->node);
    free(flow);
    return netdev;
}

/* Returns the number of flows offloaded on 'netdev'. */
size_t
tc_flow_count(const struct netdev *netdev)
{
    const struct tc_flow *flow;
    size_t n = 0;

    HMAP_FOR_EACH (flow, node, &ufid_map) {
        n += flow->netdev == netdev;
    }
    return n;
}

/* Adds to 'counts' (port name -> count, as a uintptr_t) the number of
 * flows offloaded on each port. */
void
tc_flow_count_by_port(struct shash *counts)
{
    const struct tc_flow *flow;

    HMAP_FOR_EACH (flow, node, &ufid_map) {
        const char *name = netdev_get_name(flow->netdev);
        void *n = shash_find_data(counts, name);

        shash_replace(counts, name, (void *) ((uintptr_t) n + 1));
    }
}

/* Stores in '*flowsp' a malloc'ed array of the flows on 'netdev' and
 * returns their number, so that a caller can remove them while walking. */
size_t
tc_flow_collect(const struct netdev *netdev, struct tc_flow ***flowsp)
{
    struct tc_flow **flows = xmalloc(hmap_count(&ufid_map) * sizeof *flows
                                     + 1);
    struct tc_flow *flow;
    size_t n = 0;

    HMAP_FOR_EACH (flow, node, &ufid_map) {
        if (flow->netdev == netdev) {
            flows[n++] = flow;
        }
    }
    *flowsp = flows;
    return n;
}

/* Returns the TC priority for rules with 'protocol' and 'mask', allocating
 * one if needed, or 0 if all priorities are in use.  Slot 0 is the
 * priority of the mask; slot N > 0 is a later one for a rule that slots 0
 * to N - 1 already hold (see TC_PRIO_SLOTS). */
uint16_t
tc_prio_for_mask(uint16_t protocol, const struct flower_key *mask,
                 uint8_t slot)
{
    uint32_t hash = hash_bytes(mask, sizeof *mask,
                               hash_2words(protocol, slot));
    struct tc_prio *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash, &prio_map) {
        if (p->protocol == protocol && p->slot == slot
            && !memcmp(&p->mask, mask, sizeof *mask)) {
            return p->prio;
        }
    }
    if (last_prio == UINT16_MAX) {
        return 0;
    }
    p = xmalloc(sizeof *p);
    p->protocol = protocol;
    p->mask = *mask;
    p->slot = slot;
    p->prio = ++last_prio;
    hmap_insert(&prio_map, &p->node, hash);
    return p->prio;
}

/* Handles are ours to choose, so that adding a rule needs no echo from the
 * kernel.  They are unique across all rules until the counter wraps; then
 * tc_rule_install() falls back to a kernel-chosen handle on a clash. */
uint32_t
tc_flow_next_handle(void)
{
    static uint32_t next_handle OVS_GUARDED_BY(tc_flow_map_mutex);

    if (!++next_handle) {
        next_handle = 1;
    }
    return next_handle;
}
