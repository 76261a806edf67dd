/* simnic: the flow engine of one e-switch domain (or of a lone port).
 *
 * Validates rte_flow rules against a capability profile, keeps them in a
 * tuple space classifier and classifies packets.  It knows nothing of
 * ethdev or sockets: the caller says which port a rule or packet belongs
 * to.  Rules with attr.transfer match packets entering any port of the
 * domain and are looked up first; ingress rules only match packets
 * entering the port they were created on. */

#ifndef SIMNIC_FLOW_H
#define SIMNIC_FLOW_H 1

#include <stdint.h>

#include <rte_flow.h>
#include <rte_mbuf.h>
#include <rte_rwlock.h>

#include "simnic-actions.h"

struct simnic_engine_config {
    enum simnic_profile profile;
    uint32_t max_rules;
    uint32_t fail_create;       /* Fail the Nth create (1-based); 0: no. */
    uint32_t fail_rate;         /* Percentage of creates to fail. */
};

/* What happens to a received packet. */
enum simnic_disposition {
    SIMNIC_DELIVER,             /* To the application, on 'queue'. */
    SIMNIC_DROP,
    SIMNIC_FORWARD,             /* Out of 'out_port', inside the NIC. */
};

struct simnic_result {
    enum simnic_disposition disposition;
    uint16_t queue;
    uint16_t out_port;
    bool hit;                   /* Some rule matched. */
};

struct simnic_engine;
struct simnic_rule;

/* A rule checked and translated but not yet in the table. */
struct simnic_pending {
    struct simnic_rule *rule;   /* NULL once inserted or freed. */
    struct simnic_key mask;
};

struct simnic_engine *simnic_engine_create(
    const struct simnic_engine_config *);
void simnic_engine_destroy(struct simnic_engine *);

int simnic_flow_validate(struct simnic_engine *,
                         const struct simnic_flow_ctx *,
                         const struct rte_flow_attr *,
                         const struct rte_flow_item[],
                         const struct rte_flow_action[],
                         struct rte_flow_error *);
struct rte_flow *simnic_flow_create(struct simnic_engine *,
                                    const struct simnic_flow_ctx *,
                                    const struct rte_flow_attr *,
                                    const struct rte_flow_item[],
                                    const struct rte_flow_action[],
                                    struct rte_flow_error *);
/* simnic_flow_create() in two steps, for the async API: prepare checks
 * and translates (errors here are the caller's), insert is where the
 * "hardware" accepts or refuses the rule. */
int simnic_flow_prepare(struct simnic_engine *,
                        const struct simnic_flow_ctx *,
                        const struct rte_flow_attr *,
                        const struct rte_flow_item[],
                        const struct rte_flow_action[],
                        struct simnic_pending *, struct rte_flow_error *);
struct rte_flow *simnic_flow_insert(struct simnic_engine *,
                                    struct simnic_pending *,
                                    struct rte_flow_error *);
void simnic_pending_free(struct simnic_pending *);
int simnic_flow_attr_check(const struct rte_flow_attr *,
                           struct rte_flow_error *);
int simnic_flow_destroy(struct simnic_engine *, uint16_t port,
                        struct rte_flow *, struct rte_flow_error *);
int simnic_flow_flush(struct simnic_engine *, uint16_t port,
                      struct rte_flow_error *);
int simnic_flow_query(struct simnic_engine *, uint16_t port,
                      struct rte_flow *, const struct rte_flow_action *,
                      void *data, struct rte_flow_error *);
uint32_t simnic_engine_n_rules(const struct simnic_engine *);
uint32_t simnic_engine_max_rules(const struct simnic_engine *);
enum simnic_profile simnic_engine_profile(const struct simnic_engine *);

/* Classifying takes the engine's read lock once per burst. */
void simnic_engine_read_lock(struct simnic_engine *);
void simnic_engine_read_unlock(struct simnic_engine *);
void simnic_engine_classify(struct simnic_engine *, uint16_t in_port,
                            struct rte_mbuf *, struct simnic_result *);

#endif /* simnic-flow.h */
