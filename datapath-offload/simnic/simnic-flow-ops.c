/* simnic: the rte_flow ops of a port, which hand rules to the engine of
 * its e-switch domain (simnic-flow.c) and to the port's template tables
 * and flow queues (simnic-async.c). */

#include "simnic-private.h"

#include <rte_flow_driver.h>

static bool
port_in_domain(uint16_t port_id, void *aux)
{
    const struct simnic_port *port = aux;
    const struct simnic_port *other = simnic_port_by_id(port_id);

    return other && other->domain == port->domain;
}

/* The proxy of a domain is its first port (rte_flow_pick_transfer_proxy).
 * Transfer rules can be created through any port of the domain, as
 * through mlx5 representors and as OVS 3.1 does (it predates the
 * proxy): see 'transfer_from_own_port'. */
static uint16_t
domain_proxy(const struct simnic_domain *d)
{
    for (unsigned int i = 0; i < d->n_ports; i++) {
        if (d->ports[i]) {
            return d->ports[i]->port_id;
        }
    }
    return RTE_MAX_ETHPORTS;
}

static void
flow_ctx_init(struct rte_eth_dev *dev, struct simnic_flow_ctx *ctx)
{
    struct simnic_port *port = simnic_dev_port(dev);

    ctx->port_id = port->port_id;
    ctx->n_rx_queues = RTE_MAX(dev->data->nb_rx_queues, 1);
    ctx->port_in_domain = port_in_domain;
    ctx->aux = port;
    ctx->transfer_from_own_port
        = domain_proxy(port->domain) != port->port_id;
}

static int
simnic_flow_validate_op(struct rte_eth_dev *dev,
                        const struct rte_flow_attr *attr,
                        const struct rte_flow_item pattern[],
                        const struct rte_flow_action actions[],
                        struct rte_flow_error *error)
{
    struct simnic_flow_ctx ctx;

    flow_ctx_init(dev, &ctx);
    return simnic_flow_validate(simnic_dev_port(dev)->domain->engine, &ctx,
                                attr, pattern, actions, error);
}

static struct rte_flow *
simnic_flow_create_op(struct rte_eth_dev *dev,
                      const struct rte_flow_attr *attr,
                      const struct rte_flow_item pattern[],
                      const struct rte_flow_action actions[],
                      struct rte_flow_error *error)
{
    struct simnic_flow_ctx ctx;

    flow_ctx_init(dev, &ctx);
    return simnic_flow_create(simnic_dev_port(dev)->domain->engine, &ctx, attr,
                              pattern, actions, error);
}

static int
simnic_flow_destroy_op(struct rte_eth_dev *dev, struct rte_flow *flow,
                       struct rte_flow_error *error)
{
    struct simnic_port *port = simnic_dev_port(dev);

    return simnic_flow_destroy(port->domain->engine, port->port_id, flow,
                               error);
}

static int
simnic_flow_flush_op(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
    struct simnic_port *port = simnic_dev_port(dev);
    int err = simnic_flow_flush(port->domain->engine, port->port_id, error);

    /* The rules of template tables went too. */
    simnic_async_forget_rules(port->async);
    return err;
}

static int
simnic_flow_query_op(struct rte_eth_dev *dev, struct rte_flow *flow,
                     const struct rte_flow_action *action, void *data,
                     struct rte_flow_error *error)
{
    struct simnic_port *port = simnic_dev_port(dev);
    struct rte_flow *engine_flow = simnic_async_engine_flow(port->async,
                                                            flow);

    return simnic_flow_query(port->domain->engine, port->port_id,
                             engine_flow ? engine_flow : flow, action, data,
                             error);
}

static int
simnic_flow_isolate_op(struct rte_eth_dev *dev, int enable,
                       struct rte_flow_error *error)
{
    (void) error;
    simnic_dev_port(dev)->isolated = enable != 0;
    return 0;
}

static int
simnic_pick_transfer_proxy(struct rte_eth_dev *dev, uint16_t *proxy,
                           struct rte_flow_error *error)
{
    (void) error;
    *proxy = domain_proxy(simnic_dev_port(dev)->domain);
    return 0;
}

/* The template and asynchronous API (simnic-async.c, simnic-template.c).
 */

static struct simnic_async *
dev_async(struct rte_eth_dev *dev)
{
    return simnic_dev_port(dev)->async;
}

static int
simnic_info_get_op(struct rte_eth_dev *dev, struct rte_flow_port_info *info,
                   struct rte_flow_queue_info *qinfo,
                   struct rte_flow_error *error)
{
    return simnic_async_info_get(dev_async(dev), info, qinfo, error);
}

static int
simnic_configure_op(struct rte_eth_dev *dev,
                    const struct rte_flow_port_attr *attr, uint16_t nb_queue,
                    const struct rte_flow_queue_attr *qattr[],
                    struct rte_flow_error *error)
{
    return simnic_async_configure(dev_async(dev), attr, nb_queue, qattr,
                                  error);
}

static struct rte_flow_pattern_template *
simnic_pattern_template_create_op(
    struct rte_eth_dev *dev, const struct rte_flow_pattern_template_attr *attr,
    const struct rte_flow_item pattern[], struct rte_flow_error *error)
{
    return simnic_async_pattern_template_create(dev_async(dev), attr,
                                                pattern, error);
}

static int
simnic_pattern_template_destroy_op(struct rte_eth_dev *dev,
                                   struct rte_flow_pattern_template *pt,
                                   struct rte_flow_error *error)
{
    return simnic_async_pattern_template_destroy(dev_async(dev), pt, error);
}

static struct rte_flow_actions_template *
simnic_actions_template_create_op(
    struct rte_eth_dev *dev, const struct rte_flow_actions_template_attr *attr,
    const struct rte_flow_action actions[],
    const struct rte_flow_action masks[], struct rte_flow_error *error)
{
    return simnic_async_actions_template_create(dev_async(dev), attr,
                                                actions, masks, error);
}

static int
simnic_actions_template_destroy_op(struct rte_eth_dev *dev,
                                   struct rte_flow_actions_template *at,
                                   struct rte_flow_error *error)
{
    return simnic_async_actions_template_destroy(dev_async(dev), at, error);
}

static struct rte_flow_template_table *
simnic_table_create_op(struct rte_eth_dev *dev,
                       const struct rte_flow_template_table_attr *attr,
                       struct rte_flow_pattern_template *pts[],
                       uint8_t n_pts,
                       struct rte_flow_actions_template *ats[],
                       uint8_t n_ats, struct rte_flow_error *error)
{
    return simnic_async_table_create(dev_async(dev), attr, pts, n_pts, ats,
                                     n_ats, error);
}

static int
simnic_table_destroy_op(struct rte_eth_dev *dev,
                        struct rte_flow_template_table *table,
                        struct rte_flow_error *error)
{
    return simnic_async_table_destroy(dev_async(dev), table, error);
}

static struct rte_flow *
simnic_async_create_op(struct rte_eth_dev *dev, uint32_t queue,
                       const struct rte_flow_op_attr *op_attr,
                       struct rte_flow_template_table *table,
                       const struct rte_flow_item pattern[], uint8_t pt_index,
                       const struct rte_flow_action actions[],
                       uint8_t at_index, void *user_data,
                       struct rte_flow_error *error)
{
    struct simnic_flow_ctx ctx;

    flow_ctx_init(dev, &ctx);
    return simnic_async_flow_create(dev_async(dev), &ctx, queue, op_attr,
                                    table, pattern, pt_index, actions,
                                    at_index, user_data, error);
}

static int
simnic_async_destroy_op(struct rte_eth_dev *dev, uint32_t queue,
                        const struct rte_flow_op_attr *op_attr,
                        struct rte_flow *flow, void *user_data,
                        struct rte_flow_error *error)
{
    return simnic_async_flow_destroy(dev_async(dev), queue, op_attr, flow,
                                     user_data, error);
}

static int
simnic_push_op(struct rte_eth_dev *dev, uint32_t queue,
               struct rte_flow_error *error)
{
    return simnic_async_push(dev_async(dev), queue, error);
}

static int
simnic_pull_op(struct rte_eth_dev *dev, uint32_t queue,
               struct rte_flow_op_result res[], uint16_t n_res,
               struct rte_flow_error *error)
{
    return simnic_async_pull(dev_async(dev), queue, res, n_res, error);
}

const struct rte_flow_ops simnic_flow_ops = {
    .validate = simnic_flow_validate_op,
    .create = simnic_flow_create_op,
    .destroy = simnic_flow_destroy_op,
    .flush = simnic_flow_flush_op,
    .query = simnic_flow_query_op,
    .isolate = simnic_flow_isolate_op,
    .pick_transfer_proxy = simnic_pick_transfer_proxy,
    .info_get = simnic_info_get_op,
    .configure = simnic_configure_op,
    .pattern_template_create = simnic_pattern_template_create_op,
    .pattern_template_destroy = simnic_pattern_template_destroy_op,
    .actions_template_create = simnic_actions_template_create_op,
    .actions_template_destroy = simnic_actions_template_destroy_op,
    .template_table_create = simnic_table_create_op,
    .template_table_destroy = simnic_table_destroy_op,
    .async_create = simnic_async_create_op,
    .async_destroy = simnic_async_destroy_op,
    .push = simnic_push_op,
    .pull = simnic_pull_op,
};
