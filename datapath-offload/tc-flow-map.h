/*
 * Which datapath flow (ufid) is which TC rule, and which TC priority each
 * distinct flower mask uses.
 *
 * The ufid map is what lets flow_get/flow_del find a rule without a dump,
 * and keeps the counters of rules that were replaced, so that the stats a
 * revalidator sees never go backwards.  Callers hold tc_flow_map_mutex.
 */
#ifndef TC_FLOW_MAP_H
#define TC_FLOW_MAP_H 1

#include "dpif.h"
#include "flower-rule.h"
#include "openvswitch/hmap.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"

struct netdev;
struct shash;

struct tc_flow {
    struct hmap_node node;      /* In the ufid map, by ufid hash. */
    ovs_u128 ufid;
    struct netdev *netdev;      /* Ingress port; holds a reference. */
    struct flower_id id;
    uint16_t protocol;          /* Filter protocol, network byte order. */
    struct dpif_flow_stats base;  /* Counters of rules this one replaced. */
    uint8_t l2_len;             /* Bytes per packet TC does not count. */
    uint32_t sample_group;      /* psample group it holds, or 0. */
    uint8_t slot;               /* tc_prio_for_mask() slot of its prio. */
};

extern struct ovs_mutex tc_flow_map_mutex;

struct tc_flow *tc_flow_find(const ovs_u128 *ufid)
    OVS_REQUIRES(tc_flow_map_mutex);
struct tc_flow *tc_flow_add(const ovs_u128 *ufid, struct netdev *,
                            const struct flower_id *, uint16_t protocol)
    OVS_REQUIRES(tc_flow_map_mutex);
struct netdev *tc_flow_remove(struct tc_flow *)
    OVS_REQUIRES(tc_flow_map_mutex);
size_t tc_flow_count(const struct netdev *) OVS_REQUIRES(tc_flow_map_mutex);
void tc_flow_count_by_port(struct shash *counts)
    OVS_REQUIRES(tc_flow_map_mutex);
size_t tc_flow_collect(const struct netdev *, struct tc_flow ***)
    OVS_REQUIRES(tc_flow_map_mutex);

/* Datapath flows whose masks differ only in bits that TC leaves implicit
 * (or that are the same flow twice, as two upcalls in flight can make)
 * have the same flower rule, which TC refuses twice at one priority.  Each
 * gets a rule of its own at a later priority instead, never hit while the
 * first exists, as the kernel datapath hits only one of two overlapping
 * flows.  Then both stay in TC: a flow that went to the datapath instead
 * could not come back from it when its twin did (the datapath refuses a
 * flow that one it has already covers), and OVS would lose track of it. */
#define TC_PRIO_SLOTS 4

uint16_t tc_prio_for_mask(uint16_t protocol, const struct flower_key *mask,
                          uint8_t slot)
    OVS_REQUIRES(tc_flow_map_mutex);

uint32_t tc_flow_next_handle(void) OVS_REQUIRES(tc_flow_map_mutex);

#endif /* tc-flow-map.h */
