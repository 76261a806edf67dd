/* The rules of ours that a TC dump found (see tc-rule-array.h). */

#include <config.h>

#include "tc-rule-array.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A rule of ours carries a ufid-sized cookie; rules that other tools put on
 * the same hook do not, and are left alone. */
static bool
rule_is_ours(const struct flower_rule *rule)
{
    return rule->has_cookie;
}

int
tc_rule_collect(const struct flower_rule *rule, void *array_)
{
    struct tc_rule_array *array = array_;

    if (!rule_is_ours(rule)) {
        return 0;
    } else if (array->terse) {
        struct terse_rule *tr;

        if (array->n >= array->allocated) {
            array->terse_rules = x2nrealloc(array->terse_rules,
                                            &array->allocated,
                                            sizeof *array->terse_rules);
        }
        tr = &array->terse_rules[array->n++];
        memcpy(&tr->ufid, rule->cookie, sizeof tr->ufid);
        tr->id = rule->id;
        tr->protocol = rule->protocol;
        tr->in_hw = rule->in_hw;
        tr->flags = rule->flags;
        tr->stats = rule->stats;
    } else {
        if (array->n >= array->allocated) {
            array->rules = x2nrealloc(array->rules, &array->allocated,
                                      sizeof *array->rules);
        }
        array->rules[array->n++] = *rule;
    }
    return 0;
}

void
tc_rule_array_destroy(struct tc_rule_array *array)
{
    free(array->rules);
    free(array->terse_rules);
}
