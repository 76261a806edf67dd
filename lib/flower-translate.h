/*
 * Translation between OVS datapath flows (megaflows) and flower rules.
 *
 * Pure: no I/O and no logging.  The only knowledge of the outside world it
 * needs, which datapath port is which Linux device, comes through a
 * resolver supplied by the caller, so the translation can be unit-tested
 * with a fake one.  Anything it cannot express exactly is refused with a
 * named reason; it never produces a rule that matches more packets than the
 * megaflow (that would mis-forward them).
 */
#ifndef FLOWER_TRANSLATE_H
#define FLOWER_TRANSLATE_H 1

#include <stddef.h>
#include <stdint.h>
#include "flower-caps.h"
#include "flower-rule.h"
#include "offload-refusal.h"

struct match;
struct nlattr;
struct ofpbuf;

struct flower_port_resolver {
    /* Returns the ifindex of the device behind datapath port 'odp_port' if
     * a TC rule may output to it, otherwise 0 with '*refusal' filled in.
     * Sets '*ingress' if output means delivering the packet to the device's
     * own stack (an OVS internal port) rather than transmitting it. */
    int (*output_ifindex)(void *aux, uint32_t odp_port, bool *ingress,
                          struct offload_refusal_info *refusal);

    /* Returns the datapath port of the device 'ifindex', or UINT32_MAX if
     * it is not a datapath port. */
    uint32_t (*ifindex_to_port)(void *aux, int ifindex);

    /* Returns true if OVS meter 'meter_id' exists as the TC police action
     * with index flower_meter_police_index(meter_id).  May be null: no
     * meter is offloaded. */
    bool (*meter_offloaded)(void *aux, uint32_t meter_id);

    /* Returns the psample group that stands for 'action', an OVS sample or
     * userspace action that sends sFlow samples, making one if needed, or 0
     * if samples are not offloaded.  A group returned may hold a reference
     * for the rule, which the caller gives back unless it installs the rule
     * (see datapath-offload/tc-sample.h).  May be null: none is. */
    uint32_t (*sample_group)(void *aux, const struct nlattr *action);

    /* Appends the OVS action that psample group 'group' stands for to
     * 'buf'.  Returns false if there is none. */
    bool (*sample_action)(void *aux, uint32_t group, struct ofpbuf *buf);

    void *aux;
};

/* OVS meter N is the shared TC police action with this index, as in
 * Open vSwitch 3.1, whose index range it shares. */
#define FLOWER_METER_POLICE_BASE 0x10000000U

static inline uint32_t
flower_meter_police_index(uint32_t meter_id)
{
    return FLOWER_METER_POLICE_BASE + meter_id;
}

int flower_translate_match(const struct match *, struct flower_rule *,
                           struct offload_refusal_info *);
int flower_translate_actions(const struct nlattr *actions, size_t actions_len,
                             const struct flower_port_resolver *,
                             struct flower_rule *,
                             struct offload_refusal_info *);

void flower_rule_to_match(const struct flower_rule *, uint32_t in_port,
                          struct match *);
int flower_rule_to_odp_actions(const struct flower_rule *,
                               const struct flower_port_resolver *,
                               struct ofpbuf *);

#endif /* flower-translate.h */
