/*
 * Flows that left TC for the kernel datapath when a revalidator changed
 * their actions to ones TC cannot do.
 *
 * dpif-netlink moves such a flow by deleting its TC rule and creating it in
 * the datapath.  The datapath refuses the creation (EEXIST) when a flow it
 * already has covers the new one's key, as happens when overlapping flows
 * leave TC together.  Packets are not misled by that: the covering flow
 * gives them the same actions.  But OVS 3.1 ignores a failed modify, keeps
 * the flow's ukey and later deletes a flow that is nowhere, logging a
 * warning.  So flow_del asks the datapath about the flows listed here and
 * reports one it does not have as deleted, with the stats its TC rule had
 * when it left: the revalidator subtracts from them what it has counted.
 */
#ifndef TC_MOVED_H
#define TC_MOVED_H 1

#include <stdbool.h>

#include "openvswitch/types.h"

struct dpif_flow_stats;

void tc_moved_add(const ovs_u128 *ufid);
bool tc_moved_is(const ovs_u128 *ufid);
void tc_moved_set_stats(const ovs_u128 *ufid,
                        const struct dpif_flow_stats *);
bool tc_moved_take(const ovs_u128 *ufid, struct dpif_flow_stats *,
                   bool *seen);
bool tc_moved_in_datapath(const ovs_u128 *ufid);

/* The other way: a flow that the datapath held, because TC refused it, can
 * move into TC when a revalidator changes its actions.  dpif-netlink then
 * deletes the datapath's copy without its stats, so the TC rule counts on
 * from them (see flow_put). */
bool tc_datapath_flow_stats(const ovs_u128 *ufid, struct dpif_flow_stats *);

/* Until a revalidator dump has shown OVS the datapath's copy of a flow that
 * left TC, OVS counts from the TC rule's final stats, and the copy's
 * counters start from zero: deleting the copy then would report fewer
 * packets than OVS has counted, which OVS subtracts without a check.  So
 * flow_del deletes such a copy itself (tc_datapath_flow_delete()) and
 * reports both.  The provider numbers its revalidator dumps for that. */
int tc_datapath_flow_delete(const ovs_u128 *ufid, struct dpif_flow_stats *);
uint64_t tc_moved_dump_start(void);
void tc_moved_dump_end(uint64_t number);

#endif /* tc-moved.h */
