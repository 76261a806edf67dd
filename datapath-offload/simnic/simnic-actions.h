/* simnic: rte_flow actions, compiled once at rule creation and applied to
 * each packet that hits the rule. */

#ifndef SIMNIC_ACTIONS_H
#define SIMNIC_ACTIONS_H 1

#include <stdbool.h>
#include <stdint.h>

#include <rte_flow.h>
#include <rte_mbuf.h>

#include "simnic-key.h"

enum simnic_profile {
    SIMNIC_PROFILE_FULL,        /* Every action simnic implements. */
    SIMNIC_PROFILE_MARK,        /* MARK, FLAG, RSS, QUEUE only: the
                                 * "partial offload" NICs. */
};

/* What a rule can reach outside the engine, checked at validation. */
struct simnic_flow_ctx {
    uint16_t port_id;           /* Port the rule is created on. */
    uint16_t n_rx_queues;
    /* A transfer rule created on a port other than its domain's transfer
     * proxy, whose pattern names no port, matches only the packets that
     * enter 'port_id' (as rules created through mlx5 representors do). */
    bool transfer_from_own_port;
    /* Whether 'port' is a port of the same e-switch domain. */
    bool (*port_in_domain)(uint16_t port, void *aux);
    void *aux;
};

struct simnic_action {
    enum rte_flow_action_type type;
    union {
        uint32_t u32;           /* MARK id, JUMP group, QUEUE, port. */
        uint16_t be16;          /* TPID, VID, L4 port. */
        uint8_t u8;             /* PCP, TTL. */
        uint8_t bytes[16];      /* MAC, IPv4 or IPv6 address. */
        struct {
            uint8_t *data;      /* Owned. */
            uint16_t size;
            uint16_t l3_ofs;    /* VXLAN_ENCAP: where its IP header is. */
            uint16_t l3_type;   /* VXLAN_ENCAP: 4 or 6; RAW: 0. */
        } encap;
        uint16_t decap_size;
        struct {
            uint32_t data;
            uint32_t mask;
            uint8_t index;
        } tag;
        struct {
            uint16_t *queues;   /* Owned. */
            uint16_t n;
        } rss;
    };
};

struct simnic_actions {
    struct simnic_action *list;
    uint16_t n;
    bool has_count;
};

/* The outcome of applying a rule's actions to a packet. */
enum simnic_fate {
    SIMNIC_FATE_NONE,           /* No fate action: deliver to the app. */
    SIMNIC_FATE_DROP,
    SIMNIC_FATE_FORWARD,        /* Out of 'out_port'. */
    SIMNIC_FATE_QUEUE,          /* To the app on 'queue'. */
    SIMNIC_FATE_JUMP,           /* Continue in group 'group'. */
};

struct simnic_verdict {
    enum simnic_fate fate;
    uint16_t out_port;
    uint16_t queue;
    uint32_t group;
    uint32_t mark;              /* Valid if 'marked'. */
    uint32_t tags[SIMNIC_N_TAGS];   /* SET_TAG's, for later groups. */
    bool marked;
};

struct simnic_counter {
    uint64_t hits;
    uint64_t bytes;
};

int simnic_actions_compile(const struct rte_flow_action actions[],
                           enum simnic_profile,
                           const struct simnic_flow_ctx *,
                           const struct rte_flow_attr *,
                           struct simnic_actions *,
                           struct rte_flow_error *);
int simnic_actions_check_types(const struct rte_flow_action[],
                               enum simnic_profile,
                               struct rte_flow_error *);
void simnic_actions_free(struct simnic_actions *);
void simnic_actions_apply(const struct simnic_actions *, struct rte_mbuf *,
                          struct simnic_counter *, struct simnic_verdict *);
const char *simnic_action_name(enum rte_flow_action_type);
bool simnic_profile_from_string(const char *, enum simnic_profile *);

#endif /* simnic-actions.h */
