/*
 * The TC provider's flow dumps (see tc-flow-dump.c).
 */
#ifndef TC_FLOW_DUMP_H
#define TC_FLOW_DUMP_H 1

#include <stdbool.h>

#include "openvswitch/types.h"

struct dpif_flow_attrs;
struct dpif_flow_stats;
struct match;
struct netdev;
struct netdev_flow_dump;
struct nlattr;
struct ofpbuf;

int tc_flow_dump_create(struct netdev *, struct netdev_flow_dump **,
                        bool terse);
bool tc_flow_dump_next(struct netdev_flow_dump *, struct match *,
                       struct nlattr **actions, struct dpif_flow_stats *,
                       struct dpif_flow_attrs *, ovs_u128 *ufid,
                       struct ofpbuf *rbuffer, struct ofpbuf *wbuffer);
int tc_flow_dump_destroy(struct netdev_flow_dump *);

#endif /* tc-flow-dump.h */
