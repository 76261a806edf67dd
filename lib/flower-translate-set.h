/*
 * OVS set actions <-> act_pedit rewrites, for flower-translate-actions.c.
 */
#ifndef FLOWER_TRANSLATE_SET_H
#define FLOWER_TRANSLATE_SET_H 1

#include <stdbool.h>
#include <stdint.h>
#include "flower-rule.h"
#include "offload-refusal.h"

struct nlattr;
struct ofpbuf;

int flower_translate_set(const struct nlattr *set, bool masked,
                         struct flower_rule *, uint32_t *csum_flags,
                         struct offload_refusal_info *);
int flower_pedit_to_odp_actions(const struct flower_rule *,
                                const struct flower_action *,
                                struct ofpbuf *);

#endif /* flower-translate-set.h */
