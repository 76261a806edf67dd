/* simnic: the rte_flow template and asynchronous API of one port.
 *
 * Pattern and actions templates, template tables (simnic-template.c),
 * and the flow queues through which rules are created and destroyed
 * (simnic-async.c).  A rule is built from
 * its table's templates and the values given per rule, then goes into
 * the domain's engine through the same code as a synchronous create
 * (simnic_flow_prepare() and simnic_flow_insert()).
 *
 * Each operation is a queue entry.  A postponed one waits for
 * simnic_async_push(); any other one pushes its queue, itself and the
 * postponed ones before it, in order.  Pushing is when a rule reaches
 * (or leaves) the table and starts (or stops) matching packets; its
 * completion, with the caller's user_data and whether the "hardware"
 * took it, then waits in the queue for simnic_async_pull().  An entry
 * holds its place in the queue from enqueue to pull, so a queue of size
 * N takes at most N operations that have not been pulled.
 *
 * Like the engine's, the handles given out (templates, tables, rules)
 * are slot numbers and generations, not pointers: a stale or unknown one
 * is refused, never dereferenced.  One lock serializes the port's
 * queues. */

#ifndef SIMNIC_ASYNC_H
#define SIMNIC_ASYNC_H 1

#include <stdint.h>

#include <rte_flow.h>

#include "simnic-flow.h"

#define SIMNIC_ASYNC_MAX_QUEUES 16
#define SIMNIC_ASYNC_MAX_QUEUE_SIZE 65536
#define SIMNIC_ASYNC_DEFAULT_QUEUE_SIZE 1024
#define SIMNIC_ASYNC_MAX_TEMPLATES 64  /* Of each kind. */
#define SIMNIC_ASYNC_MAX_TABLES 64

struct simnic_async;

struct simnic_async *simnic_async_create(struct simnic_engine *);
void simnic_async_destroy(struct simnic_async *);

int simnic_async_info_get(const struct simnic_async *,
                          struct rte_flow_port_info *,
                          struct rte_flow_queue_info *,
                          struct rte_flow_error *);
int simnic_async_configure(struct simnic_async *,
                           const struct rte_flow_port_attr *,
                           uint16_t nb_queue,
                           const struct rte_flow_queue_attr *[],
                           struct rte_flow_error *);

struct rte_flow_pattern_template *simnic_async_pattern_template_create(
    struct simnic_async *, const struct rte_flow_pattern_template_attr *,
    const struct rte_flow_item[], struct rte_flow_error *);
int simnic_async_pattern_template_destroy(struct simnic_async *,
                                          struct rte_flow_pattern_template *,
                                          struct rte_flow_error *);
struct rte_flow_actions_template *simnic_async_actions_template_create(
    struct simnic_async *, const struct rte_flow_actions_template_attr *,
    const struct rte_flow_action actions[],
    const struct rte_flow_action masks[], struct rte_flow_error *);
int simnic_async_actions_template_destroy(struct simnic_async *,
                                          struct rte_flow_actions_template *,
                                          struct rte_flow_error *);

struct rte_flow_template_table *simnic_async_table_create(
    struct simnic_async *, const struct rte_flow_template_table_attr *,
    struct rte_flow_pattern_template *[], uint8_t n_pattern_templates,
    struct rte_flow_actions_template *[], uint8_t n_actions_templates,
    struct rte_flow_error *);
int simnic_async_table_destroy(struct simnic_async *,
                               struct rte_flow_template_table *,
                               struct rte_flow_error *);

struct rte_flow *simnic_async_flow_create(
    struct simnic_async *, const struct simnic_flow_ctx *, uint32_t queue,
    const struct rte_flow_op_attr *, struct rte_flow_template_table *,
    const struct rte_flow_item pattern[], uint8_t pattern_template_index,
    const struct rte_flow_action actions[], uint8_t actions_template_index,
    void *user_data, struct rte_flow_error *);
int simnic_async_flow_destroy(struct simnic_async *, uint32_t queue,
                              const struct rte_flow_op_attr *,
                              struct rte_flow *, void *user_data,
                              struct rte_flow_error *);
int simnic_async_push(struct simnic_async *, uint32_t queue,
                      struct rte_flow_error *);
int simnic_async_pull(struct simnic_async *, uint32_t queue,
                      struct rte_flow_op_result[], uint16_t n_res,
                      struct rte_flow_error *);

struct rte_flow *simnic_async_engine_flow(struct simnic_async *,
                                          const struct rte_flow *);
void simnic_async_forget_rules(struct simnic_async *);

#endif /* simnic-async.h */
