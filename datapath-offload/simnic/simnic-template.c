/* simnic: templates and template tables (see simnic-async.h).
 *
 * Templates are checked against the device when created, as synchronous
 * rules are, and kept as deep copies; a rule's pattern and actions are
 * built here from its table's templates and its own values. */

#include "simnic-async-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "simnic-actions.h"
#include "simnic-key.h"

static const uint8_t zeros[64];

void
simnic_table_free(struct table *table)
{
    if (table) {
        free(table->rules);
        free(table->free_rules);
        free(table);
    }
}


/* Checks a template's directions. */
static int
directions_check(bool ingress, bool egress, bool transfer,
                 struct rte_flow_error *error)
{
    if (egress) {
        return async_error(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS,
                           "egress rules are not supported");
    }
    if (!ingress && !transfer) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR,
                           "a template must be for ingress or transfer");
    }
    return 0;
}

/* 'pattern' with each item's spec zero where it has a mask, as a rule of
 * the template would be before its values are known. */
static int
pattern_with_zeros(const struct rte_flow_item pattern[],
                   struct rte_flow_item items[MAX_TEMPLATE_LEN + 1],
                   uint32_t *n, struct rte_flow_error *error)
{
    uint32_t i;

    for (i = 0; pattern[i].type != RTE_FLOW_ITEM_TYPE_END; i++) {
        if (i >= MAX_TEMPLATE_LEN) {
            return async_error(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_NUM,
                               "more than %d items in a template",
                               MAX_TEMPLATE_LEN);
        }
        items[i] = pattern[i];
        items[i].spec = pattern[i].mask ? zeros : NULL;
    }
    items[i] = pattern[i];
    *n = i;
    return 0;
}

struct rte_flow_pattern_template *
simnic_async_pattern_template_create(
    struct simnic_async *a, const struct rte_flow_pattern_template_attr *attr,
    const struct rte_flow_item pattern[], struct rte_flow_error *error)
{
    struct rte_flow_item items[MAX_TEMPLATE_LEN + 1];
    struct pattern_template *pt = NULL;
    struct simnic_key key, mask;
    int slot, size;

    if (!pattern) {
        async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_NUM,
                    "no pattern");
        return NULL;
    }
    if (attr->relaxed_matching) {
        async_error(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR,
                    "relaxed matching is not supported");
        return NULL;
    }
    /* What a synchronous create would refuse for any values. */
    if (directions_check(attr->ingress, attr->egress, attr->transfer, error)
        || pattern_with_zeros(pattern, items, (uint32_t[]) { 0 }, error)
        || simnic_key_from_pattern(items, &key, &mask, error)) {
        return NULL;
    }
    size = rte_flow_conv(RTE_FLOW_CONV_OP_PATTERN, NULL, 0, pattern, error);
    pt = calloc(1, sizeof *pt);
    if (size < 0 || !pt || !(pt->items = malloc(size))) {
        goto nomem;
    }
    rte_flow_conv(RTE_FLOW_CONV_OP_PATTERN, pt->items, size, pattern, NULL);
    pattern_with_zeros(pattern, items, &pt->n_items, NULL);
    pt->ingress = attr->ingress;
    pt->transfer = attr->transfer;

    rte_spinlock_lock(&a->lock);
    slot = SLOT_ALLOC(a->pts);
    if (slot >= 0) {
        a->pts.obj[slot] = pt;
    }
    rte_spinlock_unlock(&a->lock);
    if (slot < 0) {
        async_error(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "at most %d pattern templates",
                    SIMNIC_ASYNC_MAX_TEMPLATES);
        free(pt->items);
        free(pt);
        return NULL;
    }
    return handle_make(slot, a->pts.gen[slot]);

nomem:
    if (pt) {
        free(pt->items);
        free(pt);
    }
    async_error(error, size < 0 ? -size : ENOMEM,
                RTE_FLOW_ERROR_TYPE_UNSPECIFIED, "cannot copy the pattern");
    return NULL;
}

/* Whether the configuration of action 'mask' sets any bit.  Its copy by
 * rte_flow_conv() has non-zero pointers only where the mask had. */
static bool
action_mask_is_set(const struct rte_flow_action *mask)
{
    uint8_t buf[512];
    int size;

    if (!mask->conf) {
        return false;
    }
    memset(buf, 0, sizeof buf);
    size = rte_flow_conv(RTE_FLOW_CONV_OP_ACTION, buf, sizeof buf, mask,
                         NULL);
    if (size < 0 || (size_t) size > sizeof buf) {
        return true;
    }
    for (int i = sizeof(struct rte_flow_action); i < size; i++) {
        if (buf[i]) {
            return true;
        }
    }
    return false;
}

/* Which actions of a template are fixed by their masks. */
static int
actions_masked(const struct rte_flow_action actions[],
               const struct rte_flow_action masks[],
               struct actions_template *at, struct rte_flow_error *error)
{
    uint32_t i;

    for (i = 0; actions[i].type != RTE_FLOW_ACTION_TYPE_END; i++) {
        const struct rte_flow_action *act = &actions[i];

        if (i >= MAX_TEMPLATE_LEN) {
            return async_error(error, ENOTSUP,
                               RTE_FLOW_ERROR_TYPE_ACTION_NUM,
                               "more than %d actions in a template",
                               MAX_TEMPLATE_LEN);
        }
        if (masks && masks[i].type != act->type) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
                               "mask %"PRIu32" is not a %s", i,
                               simnic_action_name(act->type));
        }
        at->masked[i] = masks && action_mask_is_set(&masks[i]);
        if (at->masked[i] && !act->conf) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
                               "action %s is masked but has no value",
                               simnic_action_name(act->type));
        }
        /* rte_flow_conv() copies their structs, not their data. */
        if (at->masked[i] && (act->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP
                              || act->type
                                 == RTE_FLOW_ACTION_TYPE_RAW_DECAP)) {
            return async_error(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
                               "a fixed %s in a template is not supported: "
                               "give it per rule",
                               simnic_action_name(act->type));
        }
    }
    at->n_actions = i;
    return 0;
}

struct rte_flow_actions_template *
simnic_async_actions_template_create(
    struct simnic_async *a, const struct rte_flow_actions_template_attr *attr,
    const struct rte_flow_action actions[],
    const struct rte_flow_action masks[], struct rte_flow_error *error)
{
    struct actions_template *at = calloc(1, sizeof *at);
    int slot, size;

    if (!at) {
        async_error(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "out of memory");
        return NULL;
    }
    /* The profile refuses here what it refuses for synchronous rules;
     * the values are checked per rule. */
    if (directions_check(attr->ingress, attr->egress, attr->transfer, error)
        || simnic_actions_check_types(actions,
                                      simnic_engine_profile(a->engine),
                                      error)
        || actions_masked(actions, masks, at, error)) {
        free(at);
        return NULL;
    }
    size = rte_flow_conv(RTE_FLOW_CONV_OP_ACTIONS, NULL, 0, actions, error);
    if (size < 0 || !(at->actions = malloc(size))) {
        async_error(error, size < 0 ? -size : ENOMEM,
                    RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "cannot copy the actions");
        free(at);
        return NULL;
    }
    rte_flow_conv(RTE_FLOW_CONV_OP_ACTIONS, at->actions, size, actions,
                  NULL);
    at->ingress = attr->ingress;
    at->transfer = attr->transfer;

    rte_spinlock_lock(&a->lock);
    slot = SLOT_ALLOC(a->ats);
    if (slot >= 0) {
        a->ats.obj[slot] = at;
    }
    rte_spinlock_unlock(&a->lock);
    if (slot < 0) {
        async_error(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "at most %d actions templates",
                    SIMNIC_ASYNC_MAX_TEMPLATES);
        free(at->actions);
        free(at);
        return NULL;
    }
    return handle_make(slot, a->ats.gen[slot]);
}

/* Destroys a template that no table uses. */
static int
template_destroy(struct simnic_async *a, const void *handle, bool pattern,
                 struct rte_flow_error *error)
{
    int slot, err = 0;

    rte_spinlock_lock(&a->lock);
    slot = (pattern ? HANDLE_SLOT(a->pts, handle)
            : HANDLE_SLOT(a->ats, handle));
    if (slot < 0) {
        err = async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                          "no such %s template",
                          pattern ? "pattern" : "actions");
    } else if (pattern ? a->pts.obj[slot]->n_tables
               : a->ats.obj[slot]->n_tables) {
        err = async_error(error, EBUSY, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                          "the template is used by %"PRIu32" table(s)",
                          pattern ? a->pts.obj[slot]->n_tables
                          : a->ats.obj[slot]->n_tables);
    } else if (pattern) {
        free(a->pts.obj[slot]->items);
        free(a->pts.obj[slot]);
        a->pts.obj[slot] = NULL;
        a->pts.gen[slot]++;
    } else {
        free(a->ats.obj[slot]->actions);
        free(a->ats.obj[slot]);
        a->ats.obj[slot] = NULL;
        a->ats.gen[slot]++;
    }
    rte_spinlock_unlock(&a->lock);
    return err;
}

int
simnic_async_pattern_template_destroy(struct simnic_async *a,
                                      struct rte_flow_pattern_template *pt,
                                      struct rte_flow_error *error)
{
    return template_destroy(a, pt, true, error);
}

int
simnic_async_actions_template_destroy(struct simnic_async *a,
                                      struct rte_flow_actions_template *at,
                                      struct rte_flow_error *error)
{
    return template_destroy(a, at, false, error);
}

/* Looks up a table's templates into 'table', checking that they are
 * meant for rules of its direction.  The lock is held. */
static int
table_templates(struct simnic_async *a, struct table *table,
                struct rte_flow_pattern_template *pts[], uint8_t n_pts,
                struct rte_flow_actions_template *ats[], uint8_t n_ats,
                struct rte_flow_error *error)
{
    const struct rte_flow_attr *attr = &table->attr;

    if (!n_pts || !n_ats) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "a table needs pattern and actions templates");
    }
    for (uint8_t i = 0; i < n_pts; i++) {
        int slot = HANDLE_SLOT(a->pts, pts[i]);
        const struct pattern_template *pt = slot < 0 ? NULL
                                            : a->pts.obj[slot];

        if (!pt || (attr->ingress && !pt->ingress)
            || (attr->transfer && !pt->transfer)) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                               "pattern template %u: %s", i,
                               pt ? "not for this table's direction"
                               : "no such template");
        }
        table->pts[i] = slot;
    }
    for (uint8_t i = 0; i < n_ats; i++) {
        int slot = HANDLE_SLOT(a->ats, ats[i]);
        const struct actions_template *at = slot < 0 ? NULL
                                            : a->ats.obj[slot];

        if (!at || (attr->ingress && !at->ingress)
            || (attr->transfer && !at->transfer)) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                               "actions template %u: %s", i,
                               at ? "not for this table's direction"
                               : "no such template");
        }
        table->ats[i] = slot;
    }
    table->n_pts = n_pts;
    table->n_ats = n_ats;
    return 0;
}

struct rte_flow_template_table *
simnic_async_table_create(struct simnic_async *a,
                          const struct rte_flow_template_table_attr *attr,
                          struct rte_flow_pattern_template *pts[],
                          uint8_t n_pts,
                          struct rte_flow_actions_template *ats[],
                          uint8_t n_ats, struct rte_flow_error *error)
{
    uint32_t max_rules = simnic_engine_max_rules(a->engine);
    struct table *table;
    int slot = -1;

    if (simnic_flow_attr_check(&attr->flow_attr, error)) {
        return NULL;
    }
    if (!attr->nb_flows || attr->nb_flows > max_rules) {
        async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "nb_flows=%"PRIu32": simnic takes 1 to max_rules=%"PRIu32,
                    attr->nb_flows, max_rules);
        return NULL;
    }
    table = calloc(1, sizeof *table);
    if (table) {
        table->rules = calloc(attr->nb_flows, sizeof *table->rules);
        table->free_rules = calloc(attr->nb_flows,
                                   sizeof *table->free_rules);
    }
    if (!table || !table->rules || !table->free_rules) {
        simnic_table_free(table);
        async_error(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "out of memory");
        return NULL;
    }
    table->attr = attr->flow_attr;
    table->nb_flows = attr->nb_flows;

    rte_spinlock_lock(&a->lock);
    if (table_templates(a, table, pts, n_pts, ats, n_ats, error)) {
        goto out;
    }
    slot = SLOT_ALLOC(a->tables);
    if (slot < 0) {
        async_error(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "at most %d template tables", SIMNIC_ASYNC_MAX_TABLES);
        goto out;
    }
    for (uint32_t i = 0; i < table->nb_flows; i++) {
        table->rules[i].gen = a->next_rule_gen;
        table->free_rules[i] = table->nb_flows - 1 - i;
    }
    table->n_free = table->nb_flows;
    a->next_rule_gen += 0x10000;
    for (uint8_t i = 0; i < n_pts; i++) {
        a->pts.obj[table->pts[i]]->n_tables++;
    }
    for (uint8_t i = 0; i < n_ats; i++) {
        a->ats.obj[table->ats[i]]->n_tables++;
    }
    a->tables.obj[slot] = table;
out:
    rte_spinlock_unlock(&a->lock);
    if (slot < 0) {
        simnic_table_free(table);
        return NULL;
    }
    return handle_make(slot, a->tables.gen[slot]);
}

int
simnic_async_table_destroy(struct simnic_async *a,
                           struct rte_flow_template_table *handle,
                           struct rte_flow_error *error)
{
    struct table *table = NULL;
    int slot, err = 0;

    rte_spinlock_lock(&a->lock);
    slot = HANDLE_SLOT(a->tables, handle);
    if (slot < 0) {
        err = async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                          "no such template table");
    } else if (a->tables.obj[slot]->n_free
               != a->tables.obj[slot]->nb_flows) {
        table = a->tables.obj[slot];
        err = async_error(error, EBUSY, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                          "the table still has %"PRIu32" rule(s)",
                          table->nb_flows - table->n_free);
        table = NULL;
    } else {
        table = a->tables.obj[slot];
        for (uint8_t i = 0; i < table->n_pts; i++) {
            a->pts.obj[table->pts[i]]->n_tables--;
        }
        for (uint8_t i = 0; i < table->n_ats; i++) {
            a->ats.obj[table->ats[i]]->n_tables--;
        }
        a->tables.obj[slot] = NULL;
        a->tables.gen[slot]++;
    }
    rte_spinlock_unlock(&a->lock);
    simnic_table_free(table);
    return err;
}


/* A rule's pattern: the template's items and masks, with the rule's
 * values.  The rule's masks are not used. */
int
simnic_rule_pattern(const struct pattern_template *pt,
             const struct rte_flow_item pattern[],
             struct rte_flow_item items[MAX_TEMPLATE_LEN + 1],
             struct rte_flow_error *error)
{
    for (uint32_t i = 0; i <= pt->n_items; i++) {
        const struct rte_flow_item *t = &pt->items[i];

        if (pattern[i].type != t->type) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM,
                               "pattern item %"PRIu32" is %s, the template "
                               "has %s", i, simnic_item_name(pattern[i].type),
                               simnic_item_name(t->type));
        }
        items[i] = *t;
        items[i].spec = (!t->mask ? NULL
                         : pattern[i].spec ? pattern[i].spec : zeros);
    }
    return 0;
}

/* A rule's actions: the template's, with the rule's configurations where
 * the template's masks leave them open. */
int
simnic_rule_actions(const struct actions_template *at,
             const struct rte_flow_action actions[],
             struct rte_flow_action acts[MAX_TEMPLATE_LEN + 1],
             struct rte_flow_error *error)
{
    for (uint32_t i = 0; i <= at->n_actions; i++) {
        const struct rte_flow_action *t = &at->actions[i];

        if (actions[i].type != t->type) {
            return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
                               "action %"PRIu32" is %s, the template has %s",
                               i, simnic_action_name(actions[i].type),
                               simnic_action_name(t->type));
        }
        acts[i] = *t;
        if (i < at->n_actions && !at->masked[i]) {
            acts[i].conf = actions[i].conf;
        }
    }
    return 0;
}

