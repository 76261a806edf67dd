/* simnic: the flow queues of the template API (see simnic-async.h). */

#include "simnic-async-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

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
        simnic_table_free(a->tables.obj[i]);
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
        || simnic_rule_pattern(a->pts.obj[table->pts[pt_index]], pattern,
                               items, error)
        || simnic_rule_actions(a->ats.obj[table->ats[at_index]], actions,
                               acts, error)
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
