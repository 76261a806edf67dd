/* Rule insertion and deletion rates through rte_flow's synchronous API
 * and its template (asynchronous) API, which dpdk-test-flow-perf 22.11
 * does not have.
 *
 * Usage: simnic-flow-bench EAL-ARGS -- [--rules N] [--batch B]
 *
 * On the first port: N rules "eth / ipv4 src is X / udp -> mark / queue
 * index 0", as dpdk-test-flow-perf --ether --ipv4 --udp --mark --queue
 * makes them (it matches the source address), created then destroyed one
 * by one with rte_flow_create() and rte_flow_destroy(), then through one
 * flow queue: B operations enqueued with 'postpone', one push,
 * completions pulled until all B are back.  Also times the loop alone (the rules built, no rte_flow call).
 * A port without rte_flow (net_null) gets no rate: its refusal is
 * printed, with how fast the refusals come. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

struct bench_rule {
    struct rte_flow_item_ipv4 ip;
    struct rte_flow_action_mark mark;
    struct rte_flow_item pattern[4];
    struct rte_flow_action actions[3];
};

static const struct rte_flow_item_ipv4 ip_mask = {
    .hdr.src_addr = RTE_BE32(UINT32_MAX),
};
static const struct rte_flow_action_queue queue0 = { .index = 0 };
static const struct rte_flow_action_queue queue_mask = {
    .index = UINT16_MAX,
};
static const struct rte_flow_attr ingress = { .ingress = 1 };

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Fills 'r' with rule number 'i'. */
static void
rule_build(struct bench_rule *r, uint32_t i)
{
    r->ip = (struct rte_flow_item_ipv4) {
        .hdr.src_addr = rte_cpu_to_be_32(0x0a000000 + i),
    };
    r->mark.id = i % 255 + 1;
    r->pattern[0] = (struct rte_flow_item) {
        .type = RTE_FLOW_ITEM_TYPE_ETH,
    };
    r->pattern[1] = (struct rte_flow_item) {
        .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &r->ip, .mask = &ip_mask,
    };
    r->pattern[2] = (struct rte_flow_item) {
        .type = RTE_FLOW_ITEM_TYPE_UDP,
    };
    r->pattern[3] = (struct rte_flow_item) {
        .type = RTE_FLOW_ITEM_TYPE_END,
    };
    r->actions[0] = (struct rte_flow_action) {
        .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &r->mark,
    };
    r->actions[1] = (struct rte_flow_action) {
        .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue0,
    };
    r->actions[2] = (struct rte_flow_action) {
        .type = RTE_FLOW_ACTION_TYPE_END,
    };
}

static void
print_rate(const char *what, uint32_t n, double secs)
{
    printf("%-34s %8"PRIu32" rules in %8.4f s: %10.0f rules/s\n", what, n,
           secs, n / secs);
}

static void
print_refusal(const char *api, const char *call,
              const struct rte_flow_error *error, int err)
{
    printf("%s: not supported by this port: %s: %s (%s)\n", api, call,
           error->message ? error->message : "(no message)",
           rte_strerror(err));
}

/* The loop alone: what this program costs per rule. */
static void
bench_loop(uint32_t n)
{
    struct bench_rule r;
    volatile uint32_t sink = 0;
    double t = now();

    for (uint32_t i = 0; i < n; i++) {
        rule_build(&r, i);
        sink += r.mark.id;
    }
    print_rate("loop only (no rte_flow call)", n, now() - t);
}

/* Times 'n' calls of a refused rte_flow_create(): the cost of ethdev's
 * dispatch and the refusal, not of any insertion. */
static void
bench_refusals(uint16_t port, uint32_t n)
{
    struct rte_flow_error error;
    struct bench_rule r;
    double t = now();

    for (uint32_t i = 0; i < n; i++) {
        rule_build(&r, i);
        if (rte_flow_create(port, &ingress, r.pattern, r.actions, &error)) {
            fprintf(stderr, "rte_flow_create succeeded after refusing\n");
            exit(1);
        }
    }
    t = now() - t;
    printf("sync: %"PRIu32" refused rte_flow_create() calls in %.4f s: "
           "%.0f calls/s (ethdev dispatch and refusal only: not an "
           "insertion rate)\n", n, t, n / t);
}

static int
bench_sync(uint16_t port, uint32_t n, struct rte_flow **flows)
{
    struct rte_flow_error error;
    struct bench_rule r;
    double t;

    memset(&error, 0, sizeof error);
    rule_build(&r, 0);
    flows[0] = rte_flow_create(port, &ingress, r.pattern, r.actions, &error);
    if (!flows[0]) {
        int err = rte_errno;

        print_refusal("sync", "rte_flow_create", &error, err);
        if (err == ENOSYS || err == ENOTSUP) {
            bench_refusals(port, n);
            return 0;
        }
        return -1;
    }
    rte_flow_destroy(port, flows[0], &error);

    t = now();
    for (uint32_t i = 0; i < n; i++) {
        rule_build(&r, i);
        flows[i] = rte_flow_create(port, &ingress, r.pattern, r.actions,
                                   &error);
        if (!flows[i]) {
            fprintf(stderr, "rule %"PRIu32": %s\n", i, error.message);
            return -1;
        }
    }
    print_rate("sync insertion", n, now() - t);
    t = now();
    for (uint32_t i = 0; i < n; i++) {
        if (rte_flow_destroy(port, flows[i], &error)) {
            fprintf(stderr, "rule %"PRIu32": %s\n", i, error.message);
            return -1;
        }
    }
    print_rate("sync deletion", n, now() - t);
    return 0;
}

/* Pushes queue 0 and pulls until 'n' completions are back; all must
 * have succeeded. */
static int
push_and_pull(uint16_t port, uint32_t n, struct rte_flow_op_result *res)
{
    struct rte_flow_error error;
    uint32_t got = 0;

    if (rte_flow_push(port, 0, &error)) {
        fprintf(stderr, "rte_flow_push: %s\n", error.message);
        return -1;
    }
    while (got < n) {
        int k = rte_flow_pull(port, 0, res, n - got, &error);

        if (k < 0) {
            fprintf(stderr, "rte_flow_pull: %s\n", error.message);
            return -1;
        }
        for (int i = 0; i < k; i++) {
            if (res[i].status != RTE_FLOW_OP_SUCCESS) {
                fprintf(stderr, "an operation failed\n");
                return -1;
            }
        }
        got += k;
    }
    return 0;
}

/* One pattern template (IPv4 source exact), one actions template
 * (mark per rule, queue 0 fixed), one table of 'n' rules. */
static struct rte_flow_template_table *
async_setup(uint16_t port, uint32_t n, uint32_t batch)
{
    const struct rte_flow_port_attr port_attr = { .nb_counters = 0 };
    const struct rte_flow_queue_attr qattr = { .size = batch };
    const struct rte_flow_queue_attr *qattrs[] = { &qattr };
    const struct rte_flow_pattern_template_attr pt_attr = { .ingress = 1 };
    const struct rte_flow_actions_template_attr at_attr = { .ingress = 1 };
    const struct rte_flow_item pattern[] = {
        { .type = RTE_FLOW_ITEM_TYPE_ETH },
        { .type = RTE_FLOW_ITEM_TYPE_IPV4, .mask = &ip_mask },
        { .type = RTE_FLOW_ITEM_TYPE_UDP },
        { .type = RTE_FLOW_ITEM_TYPE_END },
    };
    const struct rte_flow_action_mark mark = { .id = 0 };
    const struct rte_flow_action actions[] = {
        { .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue0 },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    const struct rte_flow_action masks[] = {
        { .type = RTE_FLOW_ACTION_TYPE_MARK },
        { .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue_mask },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    const struct rte_flow_template_table_attr table_attr = {
        .flow_attr = { .ingress = 1 }, .nb_flows = n,
    };
    struct rte_flow_pattern_template *pt;
    struct rte_flow_actions_template *at;
    struct rte_flow_template_table *table;
    struct rte_flow_port_info info;
    struct rte_flow_queue_info qinfo;
    struct rte_flow_error error;

    memset(&error, 0, sizeof error);
    if (rte_flow_info_get(port, &info, &qinfo, &error)) {
        print_refusal("async", "rte_flow_info_get", &error, rte_errno);
        return NULL;
    }
    if (!info.max_nb_queues || batch > qinfo.max_size) {
        printf("async: the port has %"PRIu32" flow queues of at most "
               "%"PRIu32" operations\n", info.max_nb_queues, qinfo.max_size);
        return NULL;
    }
    if (rte_flow_configure(port, &port_attr, 1, qattrs, &error)) {
        print_refusal("async", "rte_flow_configure", &error, rte_errno);
        return NULL;
    }
    pt = rte_flow_pattern_template_create(port, &pt_attr, pattern, &error);
    at = (pt ? rte_flow_actions_template_create(port, &at_attr, actions,
                                                masks, &error)
          : NULL);
    table = (at ? rte_flow_template_table_create(port, &table_attr, &pt, 1,
                                                 &at, 1, &error)
             : NULL);
    if (!table) {
        fprintf(stderr, "async: templates: %s\n", error.message);
    }
    return table;
}

static int
bench_async(uint16_t port, uint32_t n, uint32_t batch,
            struct rte_flow **flows)
{
    const struct rte_flow_op_attr postpone = { .postpone = 1 };
    struct rte_flow_template_table *table = async_setup(port, n, batch);
    struct rte_flow_op_result *res = calloc(batch, sizeof *res);
    struct rte_flow_error error;
    struct bench_rule r;
    char what[64];
    double t;

    if (!table || !res) {
        free(res);
        return table ? -1 : 0;
    }
    t = now();
    for (uint32_t i = 0; i < n; i++) {
        rule_build(&r, i);
        flows[i] = rte_flow_async_create(port, 0, &postpone, table,
                                         r.pattern, 0, r.actions, 0, NULL,
                                         &error);
        if (!flows[i]) {
            fprintf(stderr, "rule %"PRIu32": %s\n", i, error.message);
            return -1;
        }
        if ((i + 1) % batch == 0 || i + 1 == n) {
            if (push_and_pull(port, i % batch + 1, res)) {
                return -1;
            }
        }
    }
    snprintf(what, sizeof what, "async insertion (batch %"PRIu32")", batch);
    print_rate(what, n, now() - t);

    t = now();
    for (uint32_t i = 0; i < n; i++) {
        if (rte_flow_async_destroy(port, 0, &postpone, flows[i], NULL,
                                   &error)) {
            fprintf(stderr, "rule %"PRIu32": %s\n", i, error.message);
            return -1;
        }
        if ((i + 1) % batch == 0 || i + 1 == n) {
            if (push_and_pull(port, i % batch + 1, res)) {
                return -1;
            }
        }
    }
    snprintf(what, sizeof what, "async deletion (batch %"PRIu32")", batch);
    print_rate(what, n, now() - t);
    rte_flow_template_table_destroy(port, table, &error);
    free(res);
    return 0;
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "rules", required_argument, NULL, 'n' },
        { "batch", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
    };
    struct rte_eth_conf conf = { 0 };
    struct rte_eth_dev_info info;
    uint32_t n = 100000, batch = 1000;
    struct rte_flow **flows;
    uint16_t port;
    int ret, opt;

    ret = rte_eal_init(argc, argv);
    if (ret < 0) {
        fprintf(stderr, "cannot initialize EAL\n");
        return 1;
    }
    argc -= ret;
    argv += ret;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'n' || opt == 'b') {
            *(opt == 'n' ? &n : &batch) = strtoul(optarg, NULL, 10);
        } else {
            fprintf(stderr, "usage: simnic-flow-bench EAL-ARGS -- "
                    "[--rules N] [--batch B]\n");
            return 2;
        }
    }
    if (!n || !batch || batch > n) {
        fprintf(stderr, "--rules and --batch must be > 0, batch <= rules\n");
        return 2;
    }
    port = rte_eth_find_next(0);
    if (port >= RTE_MAX_ETHPORTS || rte_eth_dev_info_get(port, &info)) {
        fprintf(stderr, "no port\n");
        return 1;
    }
    /* rte_flow_configure() wants a configured, stopped port. */
    if (rte_eth_dev_configure(port, 1, 1, &conf)) {
        fprintf(stderr, "cannot configure port %u\n", port);
        return 1;
    }
    printf("port %u (%s), %"PRIu32" rules\n", port, info.driver_name, n);
    flows = calloc(n, sizeof *flows);
    if (!flows) {
        return 1;
    }
    bench_loop(n);
    ret = bench_sync(port, n, flows) || bench_async(port, n, batch, flows);
    free(flows);
    rte_eth_dev_close(port);
    rte_eal_cleanup();
    return ret ? 1 : 0;
}
