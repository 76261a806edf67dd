/*
 * The rules of ours that a TC dump found: in full, or (terse dumps, and the
 * sweep of stale rules) only what identifies them and their counters, a few
 * dozen bytes instead of a few kilobytes a rule.
 */
#ifndef TC_RULE_ARRAY_H
#define TC_RULE_ARRAY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flower-rule.h"
#include "openvswitch/types.h"

struct terse_rule {
    ovs_u128 ufid;
    struct flower_id id;
    uint16_t protocol;
    bool in_hw;
    uint32_t flags;
    struct flower_stats stats;
};

struct tc_rule_array {
    bool terse;
    struct flower_rule *rules;          /* Full. */
    struct terse_rule *terse_rules;     /* Terse. */
    size_t n, allocated;
};

/* A tc_rule_dump_cb that adds 'rule' to the tc_rule_array 'array', if the
 * rule is ours. */
int tc_rule_collect(const struct flower_rule *rule, void *array);
void tc_rule_array_destroy(struct tc_rule_array *);

#endif /* tc-rule-array.h */
