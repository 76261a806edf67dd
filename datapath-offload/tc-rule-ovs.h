/*
 * What a TC rule read back from the kernel says in OVS's terms, for
 * flow_get, flow_del and flow_dump.
 */
#ifndef TC_RULE_OVS_H
#define TC_RULE_OVS_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flower-rule.h"
#include "openvswitch/types.h"

struct dpif_flow_attrs;
struct dpif_flow_stats;
struct match;
struct netdev;
struct nlattr;
struct ofpbuf;

uint8_t tc_rule_l2_len(const struct flower_rule *);
void tc_counters_to_stats(const struct flower_stats *,
                          const struct dpif_flow_stats *base, uint8_t l2_len,
                          struct dpif_flow_stats *);
void tc_rule_stats(const struct flower_rule *,
                   const struct dpif_flow_stats *base, uint8_t l2_len,
                   struct dpif_flow_stats *);
void tc_flags_to_attrs(bool in_hw, uint32_t flags, struct dpif_flow_attrs *);
void tc_rule_attrs(const struct flower_rule *, struct dpif_flow_attrs *);
int tc_rule_to_flow(const struct flower_rule *, struct netdev *,
                    odp_port_t in_port, bool ports_locked, struct match *,
                    struct nlattr **actions, struct ofpbuf *);

#endif /* tc-rule-ovs.h */
