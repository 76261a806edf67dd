/*
 * Why flows are or are not offloaded, for the user: `ovs-appctl
 * offload/show` and `offload/explain`.
 *
 * The TC provider records every refusal here with its reason, and forgets
 * it when the flow is offloaded after all or deleted.  The number of
 * records is bounded, so a storm of refused flows cannot grow memory
 * without limit; the oldest records go first.
 */
#ifndef OFFLOAD_EXPLAIN_H
#define OFFLOAD_EXPLAIN_H 1

#include <stdbool.h>

#include "offload-refusal.h"
#include "openvswitch/types.h"

void offload_explain_init(void);
void offload_explain_refused(const ovs_u128 *ufid, const char *port,
                             const struct offload_refusal_info *);
/* Forgets the refusal of 'ufid', if any.  Returns true if there was one:
 * TC refused the flow's last put, so the datapath may hold it. */
bool offload_explain_forget(const ovs_u128 *ufid);

#endif /* offload-explain.h */
