/*
 * What the running kernel's TC can do, as probed at start-up, and the check
 * that turns a rule needing something it lacks into a refusal.
 *
 * Pure: the probing itself (datapath-offload/tc-probe.c) installs test
 * rules; this only names the capabilities and reads rules.  A rule that
 * needs a missing capability is refused with KERNEL_LACKS and the
 * capability's name, so that the user sees why, instead of the kernel
 * failing the rule at run time.
 */
#ifndef FLOWER_CAPS_H
#define FLOWER_CAPS_H 1

#include <stdbool.h>
#include "flower-rule.h"
#include "offload-refusal.h"

/* Capabilities: name as offload/show prints it, and what it allows. */
#define FLOWER_CAPS                                                        \
    C(CT, "ct", "act_ct and conntrack keys")                               \
    C(CT_STATE_RPL_INV, "ct_state_rpl_inv",                                \
      "ct_state +rpl and +inv in a match")                                 \
    C(TUNNEL_KEY, "tunnel_key", "act_tunnel_key and enc_* keys")          \
    C(GENEVE_OPTS, "geneve_opts", "Geneve options in match and set")      \
    C(VXLAN_GBP, "vxlan_gbp", "VXLAN group policy in match and set")     \
    C(TUNNEL_FLAGS, "tunnel_flags",                                        \
      "tunnel DF/CSUM flags in a match or tunnel set")                     \
    C(MPLS, "mpls", "act_mpls and MPLS keys")                              \
    C(POLICE, "police", "act_police (meters)")                             \
    C(SAMPLE, "sample", "act_sample (sFlow to psample)")                   \
    C(MULTI_MASK_PER_PRIO, "multi_mask_per_prio",                          \
      "rules of different masks in one priority")                          \
    C(TERSE_DUMP, "terse_dump", "dumps without keys and actions")

enum flower_cap {
#define C(ENUM, NAME, DESC) FLOWER_CAP_##ENUM,
    FLOWER_CAPS
#undef C
    FLOWER_N_CAPS
};

struct flower_caps {
    bool probed;                /* False: nothing known, all assumed. */
    bool has[FLOWER_N_CAPS];
};

const char *flower_cap_name(enum flower_cap);
const char *flower_cap_description(enum flower_cap);

/* Returns true if 'rule' matches tunnel metadata (enc_* keys): a rule for
 * decapsulated packets. */
bool flower_rule_matches_tunnel(const struct flower_rule *);

/* Returns 0 if the kernel described by 'caps' can run 'rule', else
 * EOPNOTSUPP with 'refusal' naming the first capability it lacks. */
int flower_caps_check(const struct flower_caps *, const struct flower_rule *,
                      struct offload_refusal_info *);

#endif /* flower-caps.h */
