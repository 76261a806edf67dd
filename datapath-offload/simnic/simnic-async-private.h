/* simnic: what simnic-async.c (flow queues) and simnic-template.c
 * (templates and template tables) share: the port's template API state.
 */

#ifndef SIMNIC_ASYNC_PRIVATE_H
#define SIMNIC_ASYNC_PRIVATE_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_flow.h>
#include <rte_spinlock.h>

#include "simnic-async.h"
#include "simnic-flow.h"

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


/* Sets 'error' to a formatted message, kept in a per-thread buffer
 * because rte_flow_error only points to it. */
static inline int __attribute__((format(printf, 4, 5)))
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
static inline void *
handle_make(uint32_t slot, uint32_t gen)
{
    return (void *) (uintptr_t) (((uint64_t) gen << 32) | (slot + 1));
}

/* The slot 'handle' names among 'n' with generations 'gens', or -1. */
static inline int
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
static inline int
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


void simnic_table_free(struct table *);
int simnic_rule_pattern(const struct pattern_template *,
                        const struct rte_flow_item pattern[],
                        struct rte_flow_item items[MAX_TEMPLATE_LEN + 1],
                        struct rte_flow_error *);
int simnic_rule_actions(const struct actions_template *,
                        const struct rte_flow_action actions[],
                        struct rte_flow_action acts[MAX_TEMPLATE_LEN + 1],
                        struct rte_flow_error *);

#endif /* simnic-async-private.h */
