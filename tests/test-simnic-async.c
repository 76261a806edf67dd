/* Tests of simnic's template and asynchronous flow API over the engine,
 * run by "test-simnic-engine async". */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_flow.h>

#include "simnic-async.h"
#include "simnic-flow.h"
#include "test-simnic-engine.h"

#define PRINT_ERROR(WHAT) \
    printf("%s: %s (%s)\n", WHAT, error.message, strerror(rte_errno))

/* An async engine with one ingress table "eth / ipv4 dst (exact) / udp
 * -> mark (per rule) / queue index 0 (fixed)" of 'nb_flows' rules. */
struct async_fixture {
    struct simnic_engine *e;
    struct simnic_async *a;
    struct rte_flow_pattern_template *pt;
    struct rte_flow_actions_template *at;
    struct rte_flow_template_table *table;
};

static void
async_setup(struct async_fixture *f, const struct simnic_engine_config *cfg,
            uint32_t nb_flows)
{
    struct rte_flow_port_attr port_attr = { 0 };
    struct rte_flow_queue_attr q0 = { .size = 8 }, q1 = { .size = 4 };
    const struct rte_flow_queue_attr *qattr[] = { &q0, &q1 };
    struct rte_flow_pattern_template_attr pt_attr = { .ingress = 1 };
    struct rte_flow_actions_template_attr at_attr = { .ingress = 1 };
    struct rte_flow_item_ipv4 ip_mask = { .hdr.dst_addr = UINT32_MAX };
    struct rte_flow_item pattern[] = {
        { .type = RTE_FLOW_ITEM_TYPE_ETH },
        { .type = RTE_FLOW_ITEM_TYPE_IPV4, .mask = &ip_mask },
        { .type = RTE_FLOW_ITEM_TYPE_UDP },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    struct rte_flow_action_mark mark = { .id = 0 };
    struct rte_flow_action_queue queue = { .index = 0 };
    struct rte_flow_action_queue queue_mask = { .index = UINT16_MAX };
    struct rte_flow_action acts[] = {
        { .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_flow_action masks[] = {
        { .type = RTE_FLOW_ACTION_TYPE_MARK },
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue_mask },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_flow_template_table_attr table_attr = {
        .flow_attr = { .ingress = 1 }, .nb_flows = nb_flows,
    };
    struct rte_flow_error error;

    f->e = simnic_engine_create(cfg);
    CHECK(f->e);
    f->a = simnic_async_create(f->e);
    CHECK(f->a);
    CHECK(simnic_async_configure(f->a, &port_attr, 2, qattr, &error) == 0);
    f->pt = simnic_async_pattern_template_create(f->a, &pt_attr, pattern,
                                                 &error);
    CHECK(f->pt);
    f->at = simnic_async_actions_template_create(f->a, &at_attr, acts, masks,
                                                 &error);
    CHECK(f->at);
    f->table = simnic_async_table_create(f->a, &table_attr, &f->pt, 1,
                                         &f->at, 1, &error);
    CHECK(f->table);
}

/* Enqueues "ipv4 dst 'dst' -> mark 'id'" on 'queue'.  The rule's own IPv4
 * mask and queue index must be ignored: the template's apply. */
static struct rte_flow *
async_rule(struct async_fixture *f, uint32_t queue, bool postpone,
           uint32_t dst, uint32_t id, void *user_data,
           struct rte_flow_error *error)
{
    struct rte_flow_op_attr op_attr = { .postpone = postpone };
    struct rte_flow_item_ipv4 ip = { .hdr.dst_addr = rte_cpu_to_be_32(dst) };
    struct rte_flow_item_ipv4 no_mask = { .hdr.dst_addr = 0 };
    struct rte_flow_item pattern[] = {
        { .type = RTE_FLOW_ITEM_TYPE_ETH },
        { .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &ip, .mask = &no_mask },
        { .type = RTE_FLOW_ITEM_TYPE_UDP },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    struct rte_flow_action_mark mark = { .id = id };
    struct rte_flow_action_queue bad_queue = { .index = 9 };
    struct rte_flow_action acts[] = {
        { .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &bad_queue },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };

    return simnic_async_flow_create(f->a, &ctx0, queue, &op_attr, f->table,
                                    pattern, 0, acts, 0, user_data, error);
}

static void
async_teardown(struct async_fixture *f)
{
    simnic_async_destroy(f->a);
    simnic_engine_destroy(f->e);
}

/* Postponed operations wait for a push; completions carry user_data. */
void
test_async_queues(void)
{
    struct simnic_engine_config cfg = { .max_rules = 16 };
    struct rte_flow_op_attr postpone = { .postpone = 1 };
    struct rte_flow_op_result res[8];
    struct rte_flow_error error;
    struct async_fixture f;
    struct rte_flow *r1, *r2;
    int tag1, tag2, tag3;

    async_setup(&f, &cfg, 3);
    r1 = async_rule(&f, 0, true, 0x0a000002, 5, &tag1, &error);
    CHECK(r1);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000002, 1) == -1);
    CHECK(simnic_async_pull(f.a, 0, res, 8, &error) == 0);
    CHECK(simnic_async_push(f.a, 0, &error) == 0);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000002, 1) == 5);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000003, 1) == -1);
    CHECK(simnic_async_pull(f.a, 0, res, 8, &error) == 1);
    CHECK(res[0].status == RTE_FLOW_OP_SUCCESS && res[0].user_data == &tag1);

    /* Without postpone: at once, and pushing what was postponed before. */
    CHECK(async_rule(&f, 1, true, 0x0a000003, 6, &tag2, &error));
    r2 = async_rule(&f, 1, false, 0x0a000004, 7, &tag3, &error);
    CHECK(r2);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000003, 1) == 6);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000004, 1) == 7);

    /* The table holds 3 rules. */
    CHECK(!async_rule(&f, 0, false, 0x0a000005, 8, NULL, &error));
    PRINT_ERROR("table full");
    CHECK(rte_errno == ENOSPC);

    /* Queue 1 holds 4 operations until they are pulled: 2 completions
     * and 2 postponed destroys, then no more. */
    CHECK(simnic_async_flow_destroy(f.a, 1, &postpone, r2, &tag3,
                                    &error) == 0);
    CHECK(simnic_async_flow_destroy(f.a, 1, &postpone, r2, NULL,
                                    &error) == -EINVAL);
    PRINT_ERROR("destroy twice");
    CHECK(classify_mark(f.e, 0, 1, 0x0a000004, 1) == 7);
    CHECK(simnic_async_flow_destroy(f.a, 1, &postpone, r1, &tag1,
                                    &error) == 0);
    CHECK(simnic_async_flow_destroy(f.a, 1, &postpone, r1, NULL,
                                    &error) == -EAGAIN);
    PRINT_ERROR("queue full");
    CHECK(simnic_async_pull(f.a, 1, res, 1, &error) == 1);
    CHECK(res[0].user_data == &tag2);
    CHECK(simnic_async_pull(f.a, 1, res, 8, &error) == 1);
    CHECK(res[0].user_data == &tag3);
    CHECK(simnic_async_push(f.a, 1, &error) == 0);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000004, 1) == -1);
    CHECK(classify_mark(f.e, 0, 1, 0x0a000002, 1) == -1);
    CHECK(simnic_async_pull(f.a, 1, res, 8, &error) == 2);
    CHECK(res[0].status == RTE_FLOW_OP_SUCCESS && res[0].user_data == &tag3);
    CHECK(res[1].status == RTE_FLOW_OP_SUCCESS && res[1].user_data == &tag1);
    CHECK(simnic_engine_n_rules(f.e) == 1);

    /* Bad handles and queues. */
    CHECK(simnic_async_flow_destroy(f.a, 0, NULL, r1, NULL, &error) < 0);
    PRINT_ERROR("destroyed handle");
    CHECK(simnic_async_flow_destroy(f.a, 0, NULL,
                                    (struct rte_flow *) (uintptr_t) 12345,
                                    NULL, &error) < 0);
    CHECK(simnic_async_flow_destroy(f.a, 0, NULL, NULL, NULL, &error) < 0);
    CHECK(simnic_async_push(f.a, 2, &error) == -EINVAL);
    PRINT_ERROR("bad queue");
    CHECK(simnic_async_pull(f.a, 7, res, 8, &error) == -EINVAL);
    CHECK(!async_rule(&f, 2, false, 0x0a000005, 8, NULL, &error));
    CHECK(simnic_async_table_destroy(f.a, (void *) (uintptr_t) 77,
                                     &error) == -EINVAL);

    /* A table with rules, a template a table uses, a reconfiguration
     * with templates: refused. */
    CHECK(simnic_async_table_destroy(f.a, f.table, &error) == -EBUSY);
    PRINT_ERROR("table with rules");
    CHECK(simnic_async_pattern_template_destroy(f.a, f.pt, &error)
          == -EBUSY);
    PRINT_ERROR("template in use");
    CHECK(simnic_async_configure(f.a, &(struct rte_flow_port_attr) { 0 }, 1,
                                 (const struct rte_flow_queue_attr *[])
                                 { NULL }, &error) == -EBUSY);

    /* After a flush the table is empty; then everything goes. */
    CHECK(simnic_flow_flush(f.e, 0, &error) == 0);
    simnic_async_forget_rules(f.a);
    CHECK(simnic_async_table_destroy(f.a, f.table, &error) == 0);
    CHECK(simnic_async_table_destroy(f.a, f.table, &error) == -EINVAL);
    CHECK(simnic_async_pattern_template_destroy(f.a, f.pt, &error) == 0);
    CHECK(simnic_async_actions_template_destroy(f.a, f.at, &error) == 0);
    CHECK(simnic_async_actions_template_destroy(f.a, f.at, &error)
          == -EINVAL);
    async_teardown(&f);
}

/* What the "hardware" refuses at push comes back as a failed completion;
 * a postponed rule left in its queue is freed with the port. */
void
test_async_failures(void)
{
    struct simnic_engine_config cfg = { .max_rules = 2, .fail_create = 1 };
    struct rte_flow_op_result res[8];
    struct rte_flow_error error;
    struct async_fixture f;
    struct rte_flow *r;
    int tag;

    async_setup(&f, &cfg, 2);
    r = async_rule(&f, 0, false, 0x0a000002, 5, &tag, &error);
    CHECK(r);
    CHECK(simnic_async_pull(f.a, 0, res, 8, &error) == 1);
    CHECK(res[0].status == RTE_FLOW_OP_ERROR && res[0].user_data == &tag);
    CHECK(simnic_async_flow_destroy(f.a, 0, NULL, r, NULL, &error) < 0);
    CHECK(simnic_engine_n_rules(f.e) == 0);

    /* Pattern that does not follow the template. */
    {
        struct rte_flow_item pattern[] = {
            { .type = RTE_FLOW_ITEM_TYPE_ETH },
            { .type = RTE_FLOW_ITEM_TYPE_IPV6 },
            { .type = RTE_FLOW_ITEM_TYPE_END },
        };
        struct rte_flow_action_mark mark = { .id = 1 };
        struct rte_flow_action acts[] = {
            { .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
            { .type = RTE_FLOW_ACTION_TYPE_QUEUE },
            { .type = RTE_FLOW_ACTION_TYPE_END },
        };

        CHECK(!simnic_async_flow_create(f.a, &ctx0, 0, NULL, f.table,
                                        pattern, 0, acts, 0, NULL, &error));
        PRINT_ERROR("pattern");
        CHECK(!simnic_async_flow_create(f.a, &ctx0, 0, NULL, f.table,
                                        pattern, 1, acts, 0, NULL, &error));
        PRINT_ERROR("template index");
    }
    CHECK(async_rule(&f, 0, true, 0x0a000003, 6, NULL, &error));
    async_teardown(&f);
}

/* Templates are checked against the profile as synchronous rules are. */
void
test_async_templates(void)
{
    struct simnic_engine_config cfg = { .profile = SIMNIC_PROFILE_MARK,
                                        .max_rules = 4 };
    struct simnic_engine *e = simnic_engine_create(&cfg);
    struct simnic_async *a = simnic_async_create(e);
    struct rte_flow_pattern_template_attr ingress = { .ingress = 1 };
    struct rte_flow_pattern_template_attr relaxed = { .ingress = 1,
                                                      .relaxed_matching = 1 };
    struct rte_flow_pattern_template_attr egress = { .egress = 1 };
    struct rte_flow_actions_template_attr at_attr = { .ingress = 1 };
    struct rte_flow_item_ipv4 id_mask = { .hdr.packet_id = UINT16_MAX };
    struct rte_flow_item bad_pattern[] = {
        { .type = RTE_FLOW_ITEM_TYPE_IPV4, .mask = &id_mask },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    struct rte_flow_item gre[] = {
        { .type = RTE_FLOW_ITEM_TYPE_GRE },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    struct rte_flow_item eth[] = {
        { .type = RTE_FLOW_ITEM_TYPE_ETH },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    struct rte_flow_action drop[] = {
        { .type = RTE_FLOW_ACTION_TYPE_DROP },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_flow_action two_fates[] = {
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE },
        { .type = RTE_FLOW_ACTION_TYPE_RSS },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_flow_template_table_attr big = {
        .flow_attr = { .ingress = 1 }, .nb_flows = 5,
    };
    struct rte_flow_error error;

    CHECK(e && a);
    CHECK(!simnic_async_pattern_template_create(a, &ingress, bad_pattern,
                                                &error));
    PRINT_ERROR("pattern template");
    CHECK(!simnic_async_pattern_template_create(a, &ingress, gre, &error));
    PRINT_ERROR("pattern template");
    CHECK(!simnic_async_pattern_template_create(a, &relaxed, eth, &error));
    PRINT_ERROR("pattern template");
    CHECK(!simnic_async_pattern_template_create(a, &egress, eth, &error));
    PRINT_ERROR("pattern template");
    CHECK(!simnic_async_actions_template_create(a, &at_attr, drop, drop,
                                                &error));
    PRINT_ERROR("actions template");
    CHECK(!simnic_async_actions_template_create(a, &at_attr, two_fates,
                                                two_fates, &error));
    PRINT_ERROR("actions template");
    {
        struct rte_flow_pattern_template *pt
            = simnic_async_pattern_template_create(a, &ingress, eth, &error);
        struct rte_flow_actions_template *at
            = simnic_async_actions_template_create(a, &at_attr, two_fates + 1,
                                                   two_fates + 1, &error);

        CHECK(pt && at);
        CHECK(!simnic_async_table_create(a, &big, &pt, 1, &at, 1, &error));
        PRINT_ERROR("table");
    }
    CHECK(simnic_async_push(a, 0, &error) == -EINVAL);
    PRINT_ERROR("not configured");
    simnic_async_destroy(a);
    simnic_engine_destroy(e);
}
