/* simnic: the rte_flow template and asynchronous API (see simnic-async.h).
 */

#include "simnic-async.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_spinlock.h>

#include "simnic-actions.h"
#include "simnic-key.h"

/* Items or actions in one template, END not counted. */
#define MAX_TEMPLATE_LEN 32

struct pattern_template {
    struct rte_flow_item *items;        /* Deep copy, END-terminated. */
    uint32_t n_items;
    uint32_t n_tables;                  /* Tables that use it. */
    bool ingress, transfer;
};

struct actions_template {
    struct rte_flow_action *actions;    /* Deep copy, END-terminated. */
    bool masked[MAX_TEMPLATE_LEN];      /* Configuration fixed here, not
                                         * given per rule. */
    uint32_t n_actions;
    uint32_t n_tables;
    bool ingress, transfer;
};

/* What a template table knows of one of its rules. */
enum rule_state {
    RULE_FREE,
    RULE_QUEUED,                /* Creation enqueued, not pushed. */
    RULE_LIVE,                  /* In the engine as 'flow'. */
};

struct table_rule {
    uint32_t gen;
    uint8_t state;              /* enum rule_state. */
    bool destroying;            /* A destroy is enqueued. */
    uint16_t queue;             /* Where its creation was enqueued. */
    uint16_t port;              /* Owner in the engine. */
    struct rte_flow *flow;      /* The engine's handle, once live. */
};

struct table {
    struct rte_flow_attr attr;
    uint32_t nb_flows;
    struct table_rule *rules;           /* 'nb_flows' of them. */
    uint32_t *free_rules;               /* Stack of free rule slots. */
    uint32_t n_free;
    uint8_t pts[UINT8_MAX], ats[UINT8_MAX];     /* Template slots. */
    uint8_t n_pts, n_ats;
};

enum op_type { OP_CREATE, OP_DESTROY };

struct op {
    enum op_type type;
    enum rte_flow_op_status status;
    uint8_t table;
    uint32_t rule;
    uint32_t gen;               /* The rule's, when enqueued. */
    void *user_data;
    struct simnic_pending pending;      /* OP_CREATE until pushed. */
};

/* A ring of 'size' entries: 'n_done' completions from 'head', then
 * 'n_queued' operations waiting for a push. */
struct queue {
    struct op *ops;
    uint32_t size;
    uint32_t head;
    uint32_t n_done;
    uint32_t n_queued;
};

/* Slots for the objects a handle names, with their generations. */
#define SLOTS(TYPE, N) struct { TYPE *obj[N]; uint32_t gen[N]; }

struct simnic_async {
    rte_spinlock_t lock;
    struct simnic_engine *engine;
    struct queue queues[SIMNIC_ASYNC_MAX_QUEUES];
    uint16_t n_queues;
    SLOTS(struct pattern_template, SIMNIC_ASYNC_MAX_TEMPLATES) pts;
    SLOTS(struct actions_template, SIMNIC_ASYNC_MAX_TEMPLATES) ats;
    SLOTS(struct table, SIMNIC_ASYNC_MAX_TABLES) tables;
    uint32_t next_rule_gen;     /* First generation of a new table's rules,
                                 * so that a stale handle of a destroyed
                                 * table does not name a new table's rule. */
};

static const uint8_t zeros[64];

/* Sets 'error' to a formatted message, kept in a per-thread buffer
 * because rte_flow_error only points to it. */
static int __attribute__((format(printf, 4, 5)))
async_error(struct rte_flow_error *error, int err,
            enum rte_flow_error_type type, const char *fmt, ...)
{
    static __thread char buf[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    return rte_flow_error_set(error, err, type, NULL, buf);
}

/* Handles: slot + 1 in the low 32 bits (so none is NULL), then for rules
 * the table's slot in 8 bits, a 23-bit generation and the top bit set
 * (the engine's handles, which rte_flow_query() also gets, have it
 * clear unless a slot was reused 2^31 times), for the others a 32-bit
 * generation. */
#define RULE_GEN_MASK 0x7fffff
#define RULE_HANDLE_TAG (UINT64_C(1) << 63)
static void *
handle_make(uint32_t slot, uint32_t gen)
{
    return (void *) (uintptr_t) (((uint64_t) gen << 32) | (slot + 1));
}

/* The slot 'handle' names among 'n' with generations 'gens', or -1. */
static int
handle_slot(const void *handle, void *const objs[], const uint32_t gens[],
            uint32_t n)
{
    uint64_t h = (uintptr_t) handle;
    uint32_t slot = (uint32_t) h - 1;

    if ((uint32_t) h == 0 || slot >= n || !objs[slot]
        || gens[slot] != (uint32_t) (h >> 32)) {
        return -1;
    }
    return slot;
}

#define HANDLE_SLOT(SLOTS, HANDLE) \
    handle_slot(HANDLE, (void *const *) (SLOTS).obj, (SLOTS).gen, \
                RTE_DIM((SLOTS).obj))

/* A free slot of 'objs', or -1. */
static int
slot_alloc(void *const objs[], uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!objs[i]) {
            return i;
        }
    }
    return -1;
}

#define SLOT_ALLOC(SLOTS) \
    slot_alloc((void *const *) (SLOTS).obj, RTE_DIM((SLOTS).obj))

static struct rte_flow *
rule_handle(uint8_t table, uint32_t rule, uint32_t gen)
{
    return (struct rte_flow *) (uintptr_t)
        (RULE_HANDLE_TAG | ((uint64_t) (gen & RULE_GEN_MASK) << 40)
         | ((uint64_t) table << 32) | (rule + 1));
}

/* The table and rule slot 'flow' names, if it names a rule that is
 * queued or live. */
static bool
rule_from_handle(struct simnic_async *a, const struct rte_flow *flow,
                 uint8_t *tablep, uint32_t *rulep)
{
    uint64_t h = (uintptr_t) flow;
    uint32_t rule = (uint32_t) h - 1;
    uint8_t t = h >> 32;
    struct table *table;

    if (!(h & RULE_HANDLE_TAG) || (uint32_t) h == 0
        || t >= SIMNIC_ASYNC_MAX_TABLES
        || !(table = a->tables.obj[t]) || rule >= table->nb_flows
        || table->rules[rule].state == RULE_FREE
        || (table->rules[rule].gen & RULE_GEN_MASK)
           != ((h >> 40) & RULE_GEN_MASK)) {
        return false;
    }
    *tablep = t;
    *rulep = rule;
    return true;
}

struct simnic_async *
simnic_async_create(struct simnic_engine *engine)
{
    struct simnic_async *a = calloc(1, sizeof *a);

    if (a) {
        rte_spinlock_init(&a->lock);
        a->engine = engine;
    }
    return a;
}

static void
queues_free(struct simnic_async *a)
{
    for (uint16_t q = 0; q < a->n_queues; q++) {
        struct queue *queue = &a->queues[q];

        for (uint32_t i = 0; i < queue->n_queued; i++) {
            uint32_t k = (queue->head + queue->n_done + i) % queue->size;

            simnic_pending_free(&queue->ops[k].pending);
        }
        free(queue->ops);
    }
    memset(a->queues, 0, sizeof a->queues);
    a->n_queues = 0;
}

static void
table_free(struct table *table)
{
    if (table) {
        free(table->rules);
        free(table->free_rules);
        free(table);
    }
}

/* Frees the port's templates, tables and queues.  The engine's rules
 * stay: the port flushes them. */
void
simnic_async_destroy(struct simnic_async *a)
{
    if (!a) {
        return;
    }
    queues_free(a);
    for (int i = 0; i < SIMNIC_ASYNC_MAX_TABLES; i++) {
        table_free(a->tables.obj[i]);
    }
    for (int i = 0; i < SIMNIC_ASYNC_MAX_TEMPLATES; i++) {
        if (a->pts.obj[i]) {
            free(a->pts.obj[i]->items);
            free(a->pts.obj[i]);
        }
        if (a->ats.obj[i]) {
            free(a->ats.obj[i]->actions);
            free(a->ats.obj[i]);
        }
    }
    free(a);
}

int
simnic_async_info_get(const struct simnic_async *a,
                      struct rte_flow_port_info *port_info,
                      struct rte_flow_queue_info *queue_info,
                      struct rte_flow_error *error)
{
    (void) error;
    memset(port_info, 0, sizeof *port_info);
    port_info->max_nb_queues = SIMNIC_ASYNC_MAX_QUEUES;
    port_info->max_nb_counters = simnic_engine_max_rules(a->engine);
    if (queue_info) {
        queue_info->max_size = SIMNIC_ASYNC_MAX_QUEUE_SIZE;
    }
    return 0;
}

/* Whether some operation of some queue has not been pulled. */
static bool
queues_busy(const struct simnic_async *a)
{
    for (uint16_t q = 0; q < a->n_queues; q++) {
        if (a->queues[q].n_done || a->queues[q].n_queued) {
            return true;
        }
    }
    return false;
}

static bool
any_slot_used(void *const objs[], uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (objs[i]) {
            return true;
        }
    }
    return false;
}

static int
configure__(struct simnic_async *a, const struct rte_flow_port_attr *attr,
            uint16_t nb_queue, const struct rte_flow_queue_attr *qattr[],
            struct rte_flow_error *error)
{
    struct queue queues[SIMNIC_ASYNC_MAX_QUEUES];

    if (queues_busy(a)
        || any_slot_used((void *const *) a->tables.obj,
                         SIMNIC_ASYNC_MAX_TABLES)
        || any_slot_used((void *const *) a->pts.obj,
                         SIMNIC_ASYNC_MAX_TEMPLATES)
        || any_slot_used((void *const *) a->ats.obj,
                         SIMNIC_ASYNC_MAX_TEMPLATES)) {
        return async_error(error, EBUSY, RTE_FLOW_ERROR_TYPE_STATE,
                           "destroy every template table and template and "
                           "pull every queue before reconfiguring");
    }
    if (attr->nb_aging_objects || attr->nb_meters || attr->nb_conn_tracks) {
        return async_error(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "simnic has no aging, meters or conntrack");
    }
    if (attr->nb_counters > simnic_engine_max_rules(a->engine)) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "nb_counters=%"PRIu32" is more than max_rules="
                           "%"PRIu32, attr->nb_counters,
                           simnic_engine_max_rules(a->engine));
    }
    if (!nb_queue || nb_queue > SIMNIC_ASYNC_MAX_QUEUES) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "%u flow queues: simnic takes 1 to %d", nb_queue,
                           SIMNIC_ASYNC_MAX_QUEUES);
    }
    memset(queues, 0, sizeof queues);
    for (uint16_t q = 0; q < nb_queue; q++) {
        uint32_t size = (qattr[q] && qattr[q]->size ? qattr[q]->size
                         : SIMNIC_ASYNC_DEFAULT_QUEUE_SIZE);

        if (size > SIMNIC_ASYNC_MAX_QUEUE_SIZE) {
            async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                        "flow queue size %"PRIu32" is more than %d", size,
                        SIMNIC_ASYNC_MAX_QUEUE_SIZE);
            goto error;
        }
        queues[q].size = size;
        queues[q].ops = calloc(size, sizeof *queues[q].ops);
        if (!queues[q].ops) {
            async_error(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                        "out of memory");
            goto error;
        }
    }
    queues_free(a);
    memcpy(a->queues, queues, sizeof queues);
    a->n_queues = nb_queue;
    return 0;

error:
    for (uint16_t q = 0; q < nb_queue; q++) {
        free(queues[q].ops);
    }
    return -rte_errno;
}

/* Sets up 'nb_queue' flow queues.  Only before any template exists, as
 * the API allows: the port may refuse changes. */
int
simnic_async_configure(struct simnic_async *a,
                       const struct rte_flow_port_attr *attr,
                       uint16_t nb_queue,
                       const struct rte_flow_queue_attr *qattr[],
                       struct rte_flow_error *error)
{
    int err;

    rte_spinlock_lock(&a->lock);
    err = configure__(a, attr, nb_queue, qattr, error);
    rte_spinlock_unlock(&a->lock);
    return err;
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
        table_free(table);
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
        table_free(table);
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
    table_free(table);
    return err;
}

/* The queue 'queue_id' names, with room for one more operation. */
static int
queue_get(struct simnic_async *a, uint32_t queue_id, struct queue **queuep,
          struct rte_flow_error *error)
{
    struct queue *queue;

    if (queue_id >= a->n_queues) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "no flow queue %"PRIu32" (%u configured)",
                           queue_id, a->n_queues);
    }
    queue = &a->queues[queue_id];
    if (queue->n_done + queue->n_queued >= queue->size) {
        return async_error(error, EAGAIN, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                           "flow queue %"PRIu32" is full (size %"PRIu32"): "
                           "pull its completions", queue_id, queue->size);
    }
    *queuep = queue;
    return 0;
}

/* A rule's pattern: the template's items and masks, with the rule's
 * values.  The rule's masks are not used. */
static int
rule_pattern(const struct pattern_template *pt,
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
static int
rule_actions(const struct actions_template *at,
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

/* Puts 'op' at the end of 'queue', where queue_get() found room. */
static void
queue_add(struct queue *queue, const struct op *op)
{
    queue->ops[(queue->head + queue->n_done + queue->n_queued++)
               % queue->size] = *op;
}

static void
rule_free(struct table *table, uint32_t rule)
{
    struct table_rule *r = &table->rules[rule];

    r->state = RULE_FREE;
    r->destroying = false;
    r->flow = NULL;
    r->gen++;
    table->free_rules[table->n_free++] = rule;
}

static void push__(struct simnic_async *, struct queue *);

static struct rte_flow *
flow_create__(struct simnic_async *a, const struct simnic_flow_ctx *ctx,
              uint32_t queue_id, const struct rte_flow_op_attr *op_attr,
              struct rte_flow_template_table *handle,
              const struct rte_flow_item pattern[], uint8_t pt_index,
              const struct rte_flow_action actions[], uint8_t at_index,
              void *user_data, struct rte_flow_error *error)
{
    struct rte_flow_item items[MAX_TEMPLATE_LEN + 1];
    struct rte_flow_action acts[MAX_TEMPLATE_LEN + 1];
    struct op op = { .type = OP_CREATE, .user_data = user_data };
    struct queue *queue;
    struct table *table;
    struct table_rule *r;
    int slot;

    if (queue_get(a, queue_id, &queue, error)) {
        return NULL;
    }
    slot = HANDLE_SLOT(a->tables, handle);
    if (slot < 0) {
        async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "no such template table");
        return NULL;
    }
    table = a->tables.obj[slot];
    if (pt_index >= table->n_pts || at_index >= table->n_ats) {
        async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "template index %u/%u: the table has %u/%u",
                    pt_index, at_index, table->n_pts, table->n_ats);
        return NULL;
    }
    if (!table->n_free) {
        async_error(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                    "template table full (nb_flows=%"PRIu32")",
                    table->nb_flows);
        return NULL;
    }
    if (!pattern || !actions
        || rule_pattern(a->pts.obj[table->pts[pt_index]], pattern, items,
                        error)
        || rule_actions(a->ats.obj[table->ats[at_index]], actions, acts,
                        error)
        || simnic_flow_prepare(a->engine, ctx, &table->attr, items, acts,
                               &op.pending, error)) {
        if (!pattern || !actions) {
            async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                        "no pattern or no actions");
        }
        return NULL;
    }
    op.table = slot;
    op.rule = table->free_rules[--table->n_free];
    r = &table->rules[op.rule];
    r->state = RULE_QUEUED;
    r->queue = queue_id;
    r->port = ctx->port_id;
    op.gen = r->gen;
    queue_add(queue, &op);
    if (!op_attr || !op_attr->postpone) {
        push__(a, queue);
    }
    return rule_handle(slot, op.rule, op.gen);
}

struct rte_flow *
simnic_async_flow_create(struct simnic_async *a,
                         const struct simnic_flow_ctx *ctx,
                         uint32_t queue_id,
                         const struct rte_flow_op_attr *op_attr,
                         struct rte_flow_template_table *table,
                         const struct rte_flow_item pattern[],
                         uint8_t pt_index,
                         const struct rte_flow_action actions[],
                         uint8_t at_index, void *user_data,
                         struct rte_flow_error *error)
{
    struct rte_flow *flow;

    rte_spinlock_lock(&a->lock);
    flow = flow_create__(a, ctx, queue_id, op_attr, table, pattern,
                         pt_index, actions, at_index, user_data, error);
    rte_spinlock_unlock(&a->lock);
    return flow;
}

static int
flow_destroy__(struct simnic_async *a, uint32_t queue_id,
               const struct rte_flow_op_attr *op_attr, struct rte_flow *flow,
               void *user_data, struct rte_flow_error *error)
{
    struct op op = { .type = OP_DESTROY, .user_data = user_data };
    struct table_rule *r;
    struct queue *queue;
    int err;

    err = queue_get(a, queue_id, &queue, error);
    if (err) {
        return err;
    }
    if (!rule_from_handle(a, flow, &op.table, &op.rule)) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
                           "no such flow rule");
    }
    r = &a->tables.obj[op.table]->rules[op.rule];
    if (r->destroying) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
                           "the rule's destruction is already enqueued");
    }
    /* Its creation must be pushed first, and a push is of one queue. */
    if (r->state == RULE_QUEUED && r->queue != queue_id) {
        return async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
                           "the rule's creation waits on queue %u: destroy "
                           "it there", r->queue);
    }
    r->destroying = true;
    op.gen = r->gen;
    queue_add(queue, &op);
    if (!op_attr || !op_attr->postpone) {
        push__(a, queue);
    }
    return 0;
}

int
simnic_async_flow_destroy(struct simnic_async *a, uint32_t queue_id,
                          const struct rte_flow_op_attr *op_attr,
                          struct rte_flow *flow, void *user_data,
                          struct rte_flow_error *error)
{
    int err;

    rte_spinlock_lock(&a->lock);
    err = flow_destroy__(a, queue_id, op_attr, flow, user_data, error);
    rte_spinlock_unlock(&a->lock);
    return err;
}

/* Carries out one operation: the "hardware" takes or drops a rule. */
static void
op_execute(struct simnic_async *a, struct op *op)
{
    struct table *table = a->tables.obj[op->table];
    struct table_rule *r = (table && op->rule < table->nb_flows
                            ? &table->rules[op->rule] : NULL);
    bool ok = false;

    if (op->type == OP_CREATE) {
        /* A create holds its rule, so its table cannot go away. */
        r->flow = simnic_flow_insert(a->engine, &op->pending, NULL);
        if (r->flow) {
            r->state = RULE_LIVE;
            ok = true;
        } else {
            rule_free(table, op->rule);
        }
    } else if (r && r->gen == op->gen && r->state == RULE_LIVE) {
        ok = !simnic_flow_destroy(a->engine, r->port, r->flow, NULL);
        rule_free(table, op->rule);
    } else if (r && r->gen == op->gen) {
        /* Its creation failed or it was flushed: nothing to remove. */
        r->destroying = false;
    }
    op->status = ok ? RTE_FLOW_OP_SUCCESS : RTE_FLOW_OP_ERROR;
}

static void
push__(struct simnic_async *a, struct queue *queue)
{
    while (queue->n_queued) {
        op_execute(a, &queue->ops[(queue->head + queue->n_done)
                                  % queue->size]);
        queue->n_done++;
        queue->n_queued--;
    }
}

int
simnic_async_push(struct simnic_async *a, uint32_t queue_id,
                  struct rte_flow_error *error)
{
    int err = 0;

    rte_spinlock_lock(&a->lock);
    if (queue_id >= a->n_queues) {
        err = async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                          "no flow queue %"PRIu32" (%u configured)",
                          queue_id, a->n_queues);
    } else {
        push__(a, &a->queues[queue_id]);
    }
    rte_spinlock_unlock(&a->lock);
    return err;
}

/* Returns up to 'n_res' completions of pushed operations, oldest first. */
int
simnic_async_pull(struct simnic_async *a, uint32_t queue_id,
                  struct rte_flow_op_result res[], uint16_t n_res,
                  struct rte_flow_error *error)
{
    struct queue *queue;
    int n = 0;

    rte_spinlock_lock(&a->lock);
    if (queue_id >= a->n_queues) {
        n = async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                        "no flow queue %"PRIu32" (%u configured)",
                        queue_id, a->n_queues);
        goto out;
    }
    if (!res && n_res) {
        n = async_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                        "no room for results");
        goto out;
    }
    queue = &a->queues[queue_id];
    for (; n < n_res && queue->n_done; n++) {
        struct op *op = &queue->ops[queue->head];

        res[n].status = op->status;
        res[n].user_data = op->user_data;
        queue->head = (queue->head + 1) % queue->size;
        queue->n_done--;
    }
out:
    rte_spinlock_unlock(&a->lock);
    return n;
}

/* The engine's handle of the live rule 'flow' names, or NULL, so that
 * rte_flow_query() works on rules created through a queue. */
struct rte_flow *
simnic_async_engine_flow(struct simnic_async *a, const struct rte_flow *flow)
{
    struct rte_flow *engine_flow = NULL;
    uint32_t rule;
    uint8_t table;

    rte_spinlock_lock(&a->lock);
    if (rule_from_handle(a, flow, &table, &rule)) {
        engine_flow = a->tables.obj[table]->rules[rule].flow;
    }
    rte_spinlock_unlock(&a->lock);
    return engine_flow;
}

/* Forgets the live rules of every table, which rte_flow_flush() has just
 * removed from the engine.  Rules still waiting for a push stay. */
void
simnic_async_forget_rules(struct simnic_async *a)
{
    rte_spinlock_lock(&a->lock);
    for (int t = 0; t < SIMNIC_ASYNC_MAX_TABLES; t++) {
        struct table *table = a->tables.obj[t];

        for (uint32_t i = 0; table && i < table->nb_flows; i++) {
            if (table->rules[i].state == RULE_LIVE) {
                rule_free(table, i);
            }
        }
    }
    rte_spinlock_unlock(&a->lock);
}
