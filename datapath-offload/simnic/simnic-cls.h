/* simnic: a tuple space search classifier.
 *
 * Rules are kept per group, and within a group in one hash table
 * ("subtable") per distinct mask, so a lookup costs one hash probe per
 * distinct mask rather than one comparison per rule.  The highest priority
 * (lowest number) wins; among equal priorities the earliest created. */

#ifndef SIMNIC_CLS_H
#define SIMNIC_CLS_H 1

#include <stdint.h>

#include "simnic-key.h"

struct simnic_subtable;

/* A rule as the classifier sees it: embedded in the engine's rule. */
struct simnic_cls_rule {
    struct simnic_cls_rule *hnext;      /* In a subtable bucket. */
    struct simnic_subtable *subtable;
    struct simnic_key key;              /* Already masked. */
    uint32_t hash;
    uint32_t priority;
    uint32_t group;
    uint64_t seq;                       /* Creation order. */
};

struct simnic_cls *simnic_cls_create(void);
void simnic_cls_destroy(struct simnic_cls *);
int simnic_cls_insert(struct simnic_cls *, struct simnic_cls_rule *,
                      const struct simnic_key *mask);
void simnic_cls_remove(struct simnic_cls *, struct simnic_cls_rule *);
const struct simnic_cls_rule *simnic_cls_lookup(const struct simnic_cls *,
                                                uint32_t group,
                                                const struct simnic_key *);
uint32_t simnic_cls_n_subtables(const struct simnic_cls *);

#endif /* simnic-cls.h */
