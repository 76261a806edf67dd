/* simnic: the flow engine (see simnic-flow.h).
 *
 * A flow handle is not a pointer: it encodes a slot number and the
 * slot's generation, so a destroy or query of an unknown or already
 * destroyed handle is detected, never dereferenced. */

#include "simnic-flow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_random.h>

#include "simnic-cls.h"
#include "simnic-key.h"

#define MAX_JUMPS 8

struct simnic_rule {
    struct simnic_cls_rule cls;         /* Must be first. */
    struct simnic_actions actions;
    struct simnic_counter counter;
    uint32_t slot;
    uint16_t owner_port;
    bool transfer;
};

struct simnic_engine {
    rte_rwlock_t lock;
    struct simnic_engine_config cfg;
    struct simnic_cls *cls;
    struct simnic_rule **slots;         /* cfg.max_rules of them. */
    uint32_t *gens;                     /* Generation of each slot. */
    uint32_t *free_slots;               /* Stack of free slot numbers. */
    uint32_t n_free;
    uint64_t next_seq;
    uint64_t n_creates;                 /* For fault injection. */
    uint32_t n_transfer;                /* Transfer rules, to skip the
                                         * transfer lookup without any. */
    char msg[128];                      /* For messages with numbers. */
};

struct simnic_engine *
simnic_engine_create(const struct simnic_engine_config *cfg)
{
    struct simnic_engine *e = calloc(1, sizeof *e);

    if (!e) {
        return NULL;
    }
    e->cfg = *cfg;
    rte_rwlock_init(&e->lock);
    e->cls = simnic_cls_create();
    e->slots = calloc(cfg->max_rules, sizeof *e->slots);
    e->gens = calloc(cfg->max_rules, sizeof *e->gens);
    e->free_slots = calloc(cfg->max_rules, sizeof *e->free_slots);
    if (!e->cls || !e->slots || !e->gens || !e->free_slots) {
        simnic_engine_destroy(e);
        return NULL;
    }
    for (uint32_t i = 0; i < cfg->max_rules; i++) {
        e->free_slots[i] = cfg->max_rules - 1 - i;
    }
    e->n_free = cfg->max_rules;
    return e;
}

static void
rule_free(struct simnic_rule *r)
{
    simnic_actions_free(&r->actions);
    free(r);
}

void
simnic_engine_destroy(struct simnic_engine *e)
{
    if (!e) {
        return;
    }
    for (uint32_t i = 0; e->slots && i < e->cfg.max_rules; i++) {
        if (e->slots[i]) {
            rule_free(e->slots[i]);
        }
    }
    simnic_cls_destroy(e->cls);
    free(e->slots);
    free(e->gens);
    free(e->free_slots);
    free(e);
}

enum simnic_profile
simnic_engine_profile(const struct simnic_engine *e)
{
    return e->cfg.profile;
}

uint32_t
simnic_engine_max_rules(const struct simnic_engine *e)
{
    return e->cfg.max_rules;
}

uint32_t
simnic_engine_n_rules(const struct simnic_engine *e)
{
    return e->cfg.max_rules - e->n_free;
}

int
simnic_flow_attr_check(const struct rte_flow_attr *attr,
                       struct rte_flow_error *error)
{
    if (!attr) {
        return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR,
                                   NULL, "no attributes");
    }
    if (attr->egress) {
        return rte_flow_error_set(error, ENOTSUP,
                                   RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, attr,
                                   "egress rules are not supported");
    }
    if (!attr->ingress && !attr->transfer) {
        return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR,
                                   attr, "a rule must be ingress or "
                                   "transfer");
    }
    return 0;
}

/* Checks a rule and translates it.  On success the caller owns 'acts'. */
static int
rule_translate(struct simnic_engine *e, const struct simnic_flow_ctx *ctx,
               const struct rte_flow_attr *attr,
               const struct rte_flow_item pattern[],
               const struct rte_flow_action actions[],
               struct simnic_key *key, struct simnic_key *mask,
               struct simnic_actions *acts, struct rte_flow_error *error)
{
    int err = simnic_flow_attr_check(attr, error);

    if (err) {
        return err;
    }
    err = simnic_key_from_pattern(pattern, key, mask, error);
    if (err) {
        return err;
    }
    if (attr->transfer) {
        key->transfer = 1;
        if (ctx->transfer_from_own_port && !mask->in_port) {
            key->in_port = ctx->port_id;
            mask->in_port = UINT32_MAX;
        }
    } else {
        if (mask->in_port && key->in_port != ctx->port_id) {
            return rte_flow_error_set(error, ENOTSUP,
                                       RTE_FLOW_ERROR_TYPE_ITEM, NULL,
                                       "an ingress rule only matches its "
                                       "own port; use transfer");
        }
        key->in_port = ctx->port_id;
        mask->in_port = UINT32_MAX;
    }
    mask->transfer = UINT32_MAX;
    return simnic_actions_compile(actions, e->cfg.profile, ctx, attr, acts,
                                  error);
}

int
simnic_flow_validate(struct simnic_engine *e,
                     const struct simnic_flow_ctx *ctx,
                     const struct rte_flow_attr *attr,
                     const struct rte_flow_item pattern[],
                     const struct rte_flow_action actions[],
                     struct rte_flow_error *error)
{
    struct simnic_key key, mask;
    struct simnic_actions acts;
    int err;

    err = rule_translate(e, ctx, attr, pattern, actions, &key, &mask, &acts,
                         error);
    if (!err) {
        simnic_actions_free(&acts);
    }
    return err;
}

/* Whether fault injection says this create fails. */
static bool
inject_fault(struct simnic_engine *e)
{
    e->n_creates++;
    if (e->cfg.fail_create && e->n_creates == e->cfg.fail_create) {
        return true;
    }
    return e->cfg.fail_rate && rte_rand_max(100) < e->cfg.fail_rate;
}

static struct rte_flow *
handle_from_slot(const struct simnic_engine *e, uint32_t slot)
{
    return (struct rte_flow *) (uintptr_t) (((uint64_t) e->gens[slot] << 32)
                                            | (slot + 1));
}

/* The live rule 'flow' names on 'port', or NULL. */
static struct simnic_rule *
rule_from_handle(const struct simnic_engine *e, uint16_t port,
                 const struct rte_flow *flow)
{
    uint64_t h = (uintptr_t) flow;
    uint32_t slot = (uint32_t) h - 1;
    struct simnic_rule *r;

    if ((uint32_t) h == 0 || slot >= e->cfg.max_rules) {
        return NULL;
    }
    r = e->slots[slot];
    if (!r || e->gens[slot] != (uint32_t) (h >> 32)
        || r->owner_port != port) {
        return NULL;
    }
    return r;
}

/* Checks and translates a rule, without touching the table: the first
 * half of a create, which the async API runs when a rule is enqueued. */
int
simnic_flow_prepare(struct simnic_engine *e,
                    const struct simnic_flow_ctx *ctx,
                    const struct rte_flow_attr *attr,
                    const struct rte_flow_item pattern[],
                    const struct rte_flow_action actions[],
                    struct simnic_pending *p, struct rte_flow_error *error)
{
    struct simnic_rule *r = calloc(1, sizeof *r);
    int err;

    p->rule = NULL;
    if (!r) {
        return rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_HANDLE,
                                   NULL, "out of memory");
    }
    err = rule_translate(e, ctx, attr, pattern, actions, &r->cls.key,
                         &p->mask, &r->actions, error);
    if (err) {
        free(r);
        return err;
    }
    r->cls.priority = attr->priority;
    r->cls.group = attr->group;
    r->owner_port = ctx->port_id;
    r->transfer = attr->transfer;
    p->rule = r;
    return 0;
}

void
simnic_pending_free(struct simnic_pending *p)
{
    if (p->rule) {
        rule_free(p->rule);
        p->rule = NULL;
    }
}

/* Puts a prepared rule into the table: the second half of a create, where
 * the "hardware" can still fail (fault injection, full table).  Consumes
 * 'p' either way. */
struct rte_flow *
simnic_flow_insert(struct simnic_engine *e, struct simnic_pending *p,
                   struct rte_flow_error *error)
{
    struct simnic_rule *r = p->rule;
    struct rte_flow *handle = NULL;
    uint32_t slot;

    p->rule = NULL;
    rte_rwlock_write_lock(&e->lock);
    if (inject_fault(e)) {
        snprintf(e->msg, sizeof e->msg, "fault injection: create #%"PRIu64
                 " fails", e->n_creates);
        rte_flow_error_set(error, EIO, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
                           e->msg);
        goto out;
    }
    if (!e->n_free) {
        snprintf(e->msg, sizeof e->msg, "flow table full (max_rules=%"PRIu32
                 ")", e->cfg.max_rules);
        rte_flow_error_set(error, ENOSPC, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
                           e->msg);
        goto out;
    }
    r->cls.seq = e->next_seq++;
    if (simnic_cls_insert(e->cls, &r->cls, &p->mask)) {
        rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
                           "out of memory");
        goto out;
    }
    slot = e->free_slots[--e->n_free];
    e->n_transfer += r->transfer;
    r->slot = slot;
    e->slots[slot] = r;
    handle = handle_from_slot(e, slot);
    r = NULL;
out:
    rte_rwlock_write_unlock(&e->lock);
    if (r) {
        rule_free(r);
    }
    return handle;
}

struct rte_flow *
simnic_flow_create(struct simnic_engine *e,
                   const struct simnic_flow_ctx *ctx,
                   const struct rte_flow_attr *attr,
                   const struct rte_flow_item pattern[],
                   const struct rte_flow_action actions[],
                   struct rte_flow_error *error)
{
    struct simnic_pending p;

    if (simnic_flow_prepare(e, ctx, attr, pattern, actions, &p, error)) {
        return NULL;
    }
    return simnic_flow_insert(e, &p, error);
}

/* Unlinks and frees 'r'; the write lock is held. */
static void
rule_remove(struct simnic_engine *e, struct simnic_rule *r)
{
    simnic_cls_remove(e->cls, &r->cls);
    e->n_transfer -= r->transfer;
    e->slots[r->slot] = NULL;
    e->gens[r->slot]++;
    e->free_slots[e->n_free++] = r->slot;
    rule_free(r);
}

int
simnic_flow_destroy(struct simnic_engine *e, uint16_t port,
                    struct rte_flow *flow, struct rte_flow_error *error)
{
    struct simnic_rule *r;

    rte_rwlock_write_lock(&e->lock);
    r = rule_from_handle(e, port, flow);
    if (r) {
        rule_remove(e, r);
    }
    rte_rwlock_write_unlock(&e->lock);
    if (!r) {
        return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
                                   flow, "no such flow on this port");
    }
    return 0;
}

/* Destroys every rule created on 'port'. */
int
simnic_flow_flush(struct simnic_engine *e, uint16_t port,
                  struct rte_flow_error *error)
{
    (void) error;
    rte_rwlock_write_lock(&e->lock);
    for (uint32_t i = 0; i < e->cfg.max_rules; i++) {
        struct simnic_rule *r = e->slots[i];

        if (r && r->owner_port == port) {
            rule_remove(e, r);
        }
    }
    rte_rwlock_write_unlock(&e->lock);
    return 0;
}

int
simnic_flow_query(struct simnic_engine *e, uint16_t port,
                  struct rte_flow *flow, const struct rte_flow_action *action,
                  void *data, struct rte_flow_error *error)
{
    struct rte_flow_query_count *count = data;
    struct simnic_rule *r;
    int err = 0;

    if (!action || action->type != RTE_FLOW_ACTION_TYPE_COUNT || !data) {
        return rte_flow_error_set(error, ENOTSUP,
                                   RTE_FLOW_ERROR_TYPE_ACTION, action,
                                   "only COUNT can be queried");
    }
    /* The read lock: counters are updated atomically by the datapath,
     * which holds it too. */
    rte_rwlock_read_lock(&e->lock);
    r = rule_from_handle(e, port, flow);
    if (!r) {
        err = rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
                                  flow, "no such flow on this port");
    } else if (!r->actions.has_count) {
        err = rte_flow_error_set(error, ENOTSUP,
                                  RTE_FLOW_ERROR_TYPE_ACTION, action,
                                  "the flow has no COUNT action");
    } else if (count->reset) {
        count->hits = __atomic_exchange_n(&r->counter.hits, 0,
                                          __ATOMIC_RELAXED);
        count->bytes = __atomic_exchange_n(&r->counter.bytes, 0,
                                           __ATOMIC_RELAXED);
    } else {
        count->hits = __atomic_load_n(&r->counter.hits, __ATOMIC_RELAXED);
        count->bytes = __atomic_load_n(&r->counter.bytes, __ATOMIC_RELAXED);
    }
    if (!err) {
        count->hits_set = 1;
        count->bytes_set = 1;
    }
    rte_rwlock_read_unlock(&e->lock);
    return err;
}

void
simnic_engine_read_lock(struct simnic_engine *e)
{
    rte_rwlock_read_lock(&e->lock);
}

void
simnic_engine_read_unlock(struct simnic_engine *e)
{
    rte_rwlock_read_unlock(&e->lock);
}

/* Runs one lookup pass (transfer or ingress) from group 0, following
 * JUMPs.  Returns the final verdict's fate; 'hit' says if any rule
 * matched. */
static enum simnic_fate
classify_pass(struct simnic_engine *e, uint16_t in_port, bool transfer,
              struct rte_mbuf *m, struct simnic_verdict *v, bool *hit)
{
    uint32_t group = 0;
    uint32_t mark = 0;

    for (int depth = 0; depth <= MAX_JUMPS; depth++) {
        const struct simnic_cls_rule *cr;
        struct simnic_rule *r;
        struct simnic_key key;

        simnic_key_from_frame(rte_pktmbuf_mtod(m, uint8_t *),
                              rte_pktmbuf_data_len(m), &key, NULL);
        key.in_port = in_port;
        key.transfer = transfer;
        key.mark = mark;
        memcpy(key.tag, v->tags, sizeof key.tag);
        cr = simnic_cls_lookup(e->cls, group, &key);
        if (!cr) {
            return SIMNIC_FATE_NONE;
        }
        r = (struct simnic_rule *) cr;
        *hit = true;
        v->marked = false;
        simnic_actions_apply(&r->actions, m, &r->counter, v);
        if (v->marked) {
            mark = v->mark;
        }
        if (v->fate != SIMNIC_FATE_JUMP) {
            return v->fate;
        }
        group = v->group;
    }
    return SIMNIC_FATE_NONE;
}

/* Classifies 'm', which entered 'in_port', and applies the matching
 * rules' actions to it.  The caller holds the read lock. */
void
simnic_engine_classify(struct simnic_engine *e, uint16_t in_port,
                       struct rte_mbuf *m, struct simnic_result *res)
{
    struct simnic_verdict v;
    enum simnic_fate fate;
    bool hit = false;

    memset(&v, 0, sizeof v);
    res->disposition = SIMNIC_DELIVER;
    res->queue = 0;
    fate = (e->n_transfer
            ? classify_pass(e, in_port, true, m, &v, &hit)
            : SIMNIC_FATE_NONE);
    if (fate == SIMNIC_FATE_NONE
        && e->n_transfer < simnic_engine_n_rules(e)) {
        /* No e-switch decision: the packet reaches the port, whose own
         * ingress rules apply. */
        fate = classify_pass(e, in_port, false, m, &v, &hit);
    }
    res->hit = hit;
    switch (fate) {
    case SIMNIC_FATE_DROP:
        res->disposition = SIMNIC_DROP;
        break;
    case SIMNIC_FATE_FORWARD:
        res->disposition = SIMNIC_FORWARD;
        res->out_port = v.out_port;
        break;
    case SIMNIC_FATE_QUEUE:
        res->queue = v.queue;
        break;
    default:
        break;
    }
}
