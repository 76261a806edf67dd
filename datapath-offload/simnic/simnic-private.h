/* simnic: the ethdev side's shared state (ports, domains, queues), used by
 * simnic-ethdev.c and simnic-io.c. */

#ifndef SIMNIC_PRIVATE_H
#define SIMNIC_PRIVATE_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_ring.h>

#include "simnic-async.h"
#include "simnic-flow.h"

#define SIMNIC_MAX_QUEUES 4
#define SIMNIC_MAX_DOMAIN_PORTS 16
#define SIMNIC_BURST 32

extern int simnic_logtype;
#define SIMNIC_LOG(LEVEL, ...) \
    rte_log(RTE_LOG_##LEVEL, simnic_logtype, "simnic: " __VA_ARGS__)

/* An e-switch: the ports that share one engine. */
struct simnic_domain {
    struct simnic_domain *next;
    char name[64];
    uint16_t domain_id;         /* From rte_eth_switch_domain_alloc(). */
    bool lone;                  /* A port's own, without domain=. */
    struct simnic_engine_config cfg;    /* The first port's settings. */
    struct simnic_engine *engine;
    struct simnic_port *ports[SIMNIC_MAX_DOMAIN_PORTS];
    unsigned int n_ports;
};

struct simnic_rxq {
    struct simnic_port *port;
    struct rte_mempool *mp;
    struct rte_ring *ring;      /* Packets QUEUE/RSS sent to this queue,
                                 * for queues other than 0. */
    uint16_t queue_id;
    uint64_t packets;
    uint64_t bytes;
    uint64_t errors;            /* Frames too large for an mbuf. */
};

struct simnic_txq {
    struct simnic_port *port;
    uint64_t packets;
    uint64_t bytes;
    uint64_t errors;
};

struct simnic_port {
    uint16_t port_id;
    uint16_t switch_port;       /* Index in the domain. */
    char iface[IF_NAMESIZE];
    int ifindex;
    int fd;                     /* AF_PACKET socket while started, or -1. */
    bool isolated;
    struct rte_ether_addr mac;
    struct simnic_domain *domain;
    struct simnic_async *async;     /* Templates, tables, flow queues. */
    struct simnic_rxq rxqs[SIMNIC_MAX_QUEUES];
    struct simnic_txq txqs[SIMNIC_MAX_QUEUES];
    uint64_t nic_forwarded;     /* Sent out by a rule, inside the NIC. */
    uint64_t nic_dropped;       /* Dropped by a rule or a full queue. */
};

static inline struct simnic_port *
simnic_dev_port(const struct rte_eth_dev *dev)
{
    return dev->data->dev_private;
}

extern const struct rte_flow_ops simnic_flow_ops;

int simnic_io_open(struct simnic_port *);
void simnic_io_close(struct simnic_port *);
uint16_t simnic_rx_burst(void *rxq, struct rte_mbuf **, uint16_t n);
uint16_t simnic_tx_burst(void *txq, struct rte_mbuf **, uint16_t n);
struct simnic_port *simnic_port_by_id(uint16_t port_id);

#endif /* simnic-private.h */
