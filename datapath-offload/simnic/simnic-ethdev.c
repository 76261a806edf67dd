/* simnic: the 'net_simnic' vdev, a software SmartNIC.
 *
 * Probing, devargs and ethdev ops; the rte_flow ops are in
 * simnic-flow-ops.c.  Devargs:
 *   iface=NAME       Linux interface carrying the port's packets (required)
 *   domain=NAME      e-switch: ports with the same domain share rules
 *   profile=full|mark  which actions the "hardware" accepts
 *   max_rules=N      rule table size (per domain)
 *   fail_create=N    fault injection: the Nth rule creation fails
 *   fail_rate=P      fault injection: P percent of creations fail */

#include "simnic-private.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_kvargs.h>

RTE_LOG_REGISTER_DEFAULT(simnic_logtype, NOTICE);

#define DEFAULT_MAX_RULES 65536

static const char *const valid_args[] = {
    "iface", "domain", "profile", "max_rules", "fail_create", "fail_rate",
    NULL
};

struct simnic_devargs {
    char iface[IF_NAMESIZE];
    char domain[64];
    struct simnic_engine_config cfg;
};

static const struct eth_dev_ops simnic_dev_ops;

/* All domains.  Probe and remove run on the main lcore only. */
static struct simnic_domain *domains;

struct simnic_port *
simnic_port_by_id(uint16_t port_id)
{
    struct rte_eth_dev *dev;

    if (!rte_eth_dev_is_valid_port(port_id)) {
        return NULL;
    }
    dev = &rte_eth_devices[port_id];
    if (dev->dev_ops != &simnic_dev_ops) {
        return NULL;
    }
    return dev->data->dev_private;
}

/* ethdev ops. */

static int
simnic_dev_configure(struct rte_eth_dev *dev)
{
    (void) dev;
    return 0;
}

/* Marks the link and every queue of 'dev' up and started, or down and
 * stopped. */
static void
set_port_state(struct rte_eth_dev *dev, bool up)
{
    uint8_t state = (up ? RTE_ETH_QUEUE_STATE_STARTED
                     : RTE_ETH_QUEUE_STATE_STOPPED);

    dev->data->dev_link.link_status = (up ? RTE_ETH_LINK_UP
                                       : RTE_ETH_LINK_DOWN);
    for (uint16_t i = 0; i < dev->data->nb_rx_queues; i++) {
        dev->data->rx_queue_state[i] = state;
    }
    for (uint16_t i = 0; i < dev->data->nb_tx_queues; i++) {
        dev->data->tx_queue_state[i] = state;
    }
}

static int
simnic_dev_start(struct rte_eth_dev *dev)
{
    struct simnic_port *port = simnic_dev_port(dev);
    int err = simnic_io_open(port);

    if (err) {
        SIMNIC_LOG(ERR, "%s: cannot open a packet socket: %s\n",
                   port->iface, strerror(err));
        return -err;
    }
    set_port_state(dev, true);
    return 0;
}

static int
simnic_dev_stop(struct rte_eth_dev *dev)
{
    simnic_io_close(simnic_dev_port(dev));
    set_port_state(dev, false);
    return 0;
}

static void
domain_leave(struct simnic_port *port)
{
    struct simnic_domain *d = port->domain;
    struct simnic_domain **p;

    simnic_flow_flush(d->engine, port->port_id, NULL);
    for (unsigned int i = 0; i < d->n_ports; i++) {
        if (d->ports[i] == port) {
            d->ports[i] = NULL;
        }
    }
    for (unsigned int i = 0; i < d->n_ports; i++) {
        if (d->ports[i]) {
            return;
        }
    }
    for (p = &domains; *p != d; p = &(*p)->next) {
        continue;
    }
    *p = d->next;
    rte_eth_switch_domain_free(d->domain_id);
    simnic_engine_destroy(d->engine);
    free(d);
}

static int
simnic_dev_close(struct rte_eth_dev *dev)
{
    struct simnic_port *port = simnic_dev_port(dev);

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        return 0;
    }
    simnic_io_close(port);
    for (int i = 0; i < SIMNIC_MAX_QUEUES; i++) {
        rte_ring_free(port->rxqs[i].ring);
        port->rxqs[i].ring = NULL;
    }
    simnic_async_destroy(port->async);
    port->async = NULL;
    if (port->domain) {
        domain_leave(port);
        port->domain = NULL;
    }
    /* mac_addrs points into dev_private: not to be freed alone. */
    dev->data->mac_addrs = NULL;
    return 0;
}

static int
simnic_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
    struct simnic_port *port = simnic_dev_port(dev);

    info->max_mac_addrs = 1;
    info->max_rx_pktlen = RTE_ETHER_MAX_JUMBO_FRAME_LEN;
    info->max_rx_queues = SIMNIC_MAX_QUEUES;
    info->max_tx_queues = SIMNIC_MAX_QUEUES;
    info->min_rx_bufsize = 0;
    info->flow_type_rss_offloads = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP
                                   | RTE_ETH_RSS_UDP;
    info->switch_info.name = port->domain->name;
    info->switch_info.domain_id = port->domain->domain_id;
    info->switch_info.port_id = port->switch_port;
    return 0;
}

static int
simnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
                      unsigned int socket_id,
                      const struct rte_eth_rxconf *conf,
                      struct rte_mempool *mp)
{
    struct simnic_port *port = simnic_dev_port(dev);
    struct simnic_rxq *rxq = &port->rxqs[qid];

    (void) nb_desc;
    (void) conf;
    rxq->port = port;
    rxq->mp = mp;
    rxq->queue_id = qid;
    if (qid && !rxq->ring) {
        char name[RTE_RING_NAMESIZE];

        snprintf(name, sizeof name, "simnic%u_q%u", port->port_id, qid);
        rxq->ring = rte_ring_create(name, 1024, socket_id,
                                    RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (!rxq->ring) {
            return -ENOMEM;
        }
    }
    dev->data->rx_queues[qid] = rxq;
    return 0;
}

static int
simnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
                      unsigned int socket_id,
                      const struct rte_eth_txconf *conf)
{
    struct simnic_port *port = simnic_dev_port(dev);

    (void) nb_desc;
    (void) socket_id;
    (void) conf;
    port->txqs[qid].port = port;
    dev->data->tx_queues[qid] = &port->txqs[qid];
    return 0;
}

static void
simnic_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
    (void) dev;
    (void) qid;
}

static int
simnic_link_update(struct rte_eth_dev *dev, int wait)
{
    (void) dev;
    (void) wait;
    return 0;
}

static int
simnic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
    struct simnic_port *port = simnic_dev_port(dev);

    for (int i = 0; i < SIMNIC_MAX_QUEUES; i++) {
        stats->ipackets += port->rxqs[i].packets;
        stats->ibytes += port->rxqs[i].bytes;
        stats->ierrors += port->rxqs[i].errors;
        stats->opackets += port->txqs[i].packets;
        stats->obytes += port->txqs[i].bytes;
        stats->oerrors += port->txqs[i].errors;
        if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
            stats->q_ipackets[i] = port->rxqs[i].packets;
            stats->q_opackets[i] = port->txqs[i].packets;
        }
    }
    /* Packets the "hardware" dropped by rule never reach the host. */
    stats->imissed = port->nic_dropped;
    return 0;
}

static int
simnic_stats_reset(struct rte_eth_dev *dev)
{
    struct simnic_port *port = simnic_dev_port(dev);

    for (int i = 0; i < SIMNIC_MAX_QUEUES; i++) {
        port->rxqs[i].packets = port->rxqs[i].bytes = 0;
        port->rxqs[i].errors = 0;
        port->txqs[i].packets = port->txqs[i].bytes = 0;
        port->txqs[i].errors = 0;
    }
    port->nic_dropped = port->nic_forwarded = 0;
    return 0;
}

/* What the NIC did with received packets besides delivering them: the
 * host never sees these, so they are extended stats of their own. */
static const struct {
    const char *name;
    size_t offset;
} simnic_xstats[] = {
    { "rx_nic_forwarded_packets", offsetof(struct simnic_port,
                                           nic_forwarded) },
    { "rx_nic_dropped_packets", offsetof(struct simnic_port, nic_dropped) },
};

static int
simnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
                  unsigned int n)
{
    const char *port = (const char *) simnic_dev_port(dev);

    if (n < RTE_DIM(simnic_xstats)) {
        return RTE_DIM(simnic_xstats);
    }
    for (unsigned int i = 0; i < RTE_DIM(simnic_xstats); i++) {
        xstats[i].id = i;
        memcpy(&xstats[i].value, port + simnic_xstats[i].offset,
               sizeof xstats[i].value);
    }
    return RTE_DIM(simnic_xstats);
}

static int
simnic_xstats_get_names(struct rte_eth_dev *dev,
                        struct rte_eth_xstat_name *names, unsigned int size)
{
    (void) dev;
    if (names && size >= RTE_DIM(simnic_xstats)) {
        for (unsigned int i = 0; i < RTE_DIM(simnic_xstats); i++) {
            snprintf(names[i].name, sizeof names[i].name, "%s",
                     simnic_xstats[i].name);
        }
    }
    return RTE_DIM(simnic_xstats);
}

/* A veth or tap interface receives every frame anyway. */
static int
simnic_noop(struct rte_eth_dev *dev)
{
    (void) dev;
    return 0;
}

static int
simnic_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
    (void) dev;
    (void) mtu;
    return 0;
}

static int
simnic_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops);

static const struct eth_dev_ops simnic_dev_ops = {
    .dev_configure = simnic_dev_configure,
    .dev_start = simnic_dev_start,
    .dev_stop = simnic_dev_stop,
    .dev_close = simnic_dev_close,
    .dev_infos_get = simnic_dev_infos_get,
    .rx_queue_setup = simnic_rx_queue_setup,
    .tx_queue_setup = simnic_tx_queue_setup,
    .rx_queue_release = simnic_queue_release,
    .tx_queue_release = simnic_queue_release,
    .link_update = simnic_link_update,
    .stats_get = simnic_stats_get,
    .stats_reset = simnic_stats_reset,
    .xstats_get = simnic_xstats_get,
    .xstats_get_names = simnic_xstats_get_names,
    .xstats_reset = simnic_stats_reset,
    .promiscuous_enable = simnic_noop,
    .promiscuous_disable = simnic_noop,
    .allmulticast_enable = simnic_noop,
    .allmulticast_disable = simnic_noop,
    .mtu_set = simnic_mtu_set,
    .flow_ops_get = simnic_flow_ops_get,
};

static int
simnic_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
    (void) dev;
    *ops = &simnic_flow_ops;
    return 0;
}

/* Probing. */

static int
parse_u32(const char *key, const char *value, void *out_)
{
    uint32_t *out = out_;
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(value, &end, 10);
    if (errno || *end || end == value || v > UINT32_MAX) {
        SIMNIC_LOG(ERR, "%s=%s: not a number\n", key, value);
        return -EINVAL;
    }
    *out = v;
    return 0;
}

static int
parse_string(const char *key, const char *value, void *out_)
{
    char *out = out_;
    size_t size = !strcmp(key, "iface") ? IF_NAMESIZE : 64;

    if (strlen(value) >= size) {
        SIMNIC_LOG(ERR, "%s=%s: too long\n", key, value);
        return -EINVAL;
    }
    strcpy(out, value);
    return 0;
}

static int
parse_profile(const char *key, const char *value, void *out)
{
    if (!simnic_profile_from_string(value, out)) {
        SIMNIC_LOG(ERR, "%s=%s: unknown profile (full, mark)\n", key, value);
        return -EINVAL;
    }
    return 0;
}

static int
parse_devargs(const char *params, struct simnic_devargs *args)
{
    struct rte_kvargs *kv;
    int err = 0;

    memset(args, 0, sizeof *args);
    args->cfg.profile = SIMNIC_PROFILE_FULL;
    args->cfg.max_rules = DEFAULT_MAX_RULES;
    kv = rte_kvargs_parse(params ? params : "", valid_args);
    if (!kv) {
        SIMNIC_LOG(ERR, "cannot parse devargs '%s'\n", params);
        return -EINVAL;
    }
    if (rte_kvargs_process(kv, "iface", parse_string, args->iface)
        || rte_kvargs_process(kv, "domain", parse_string, args->domain)
        || rte_kvargs_process(kv, "profile", parse_profile,
                              &args->cfg.profile)
        || rte_kvargs_process(kv, "max_rules", parse_u32,
                              &args->cfg.max_rules)
        || rte_kvargs_process(kv, "fail_create", parse_u32,
                              &args->cfg.fail_create)
        || rte_kvargs_process(kv, "fail_rate", parse_u32,
                              &args->cfg.fail_rate)) {
        err = -EINVAL;
    } else if (!args->iface[0]) {
        SIMNIC_LOG(ERR, "the iface= devarg is required\n");
        err = -EINVAL;
    } else if (!args->cfg.max_rules || args->cfg.fail_rate > 100) {
        SIMNIC_LOG(ERR, "max_rules must be > 0 and fail_rate <= 100\n");
        err = -EINVAL;
    }
    rte_kvargs_free(kv);
    return err;
}

/* Finds or creates the domain 'name' ("" for a lone port, which gets a
 * domain of its own named after it). */
static struct simnic_domain *
domain_join(const char *name, const struct simnic_engine_config *cfg,
            struct simnic_port *port)
{
    struct simnic_domain *d = NULL;

    for (d = name[0] ? domains : NULL; d; d = d->next) {
        if (!d->lone && !strcmp(d->name, name)) {
            break;
        }
    }
    if (!d) {
        d = calloc(1, sizeof *d);
        if (!d) {
            return NULL;
        }
        snprintf(d->name, sizeof d->name, "%s",
                 name[0] ? name : port->iface);
        d->lone = !name[0];
        d->cfg = *cfg;
        d->engine = simnic_engine_create(cfg);
        if (!d->engine || rte_eth_switch_domain_alloc(&d->domain_id)) {
            simnic_engine_destroy(d->engine);
            free(d);
            return NULL;
        }
        d->next = domains;
        domains = d;
    } else if (d->n_ports >= SIMNIC_MAX_DOMAIN_PORTS) {
        SIMNIC_LOG(ERR, "domain %s is full\n", name);
        return NULL;
    } else if (memcmp(&d->cfg, cfg, sizeof *cfg)) {
        /* One table, one set of settings: the first port's. */
        SIMNIC_LOG(WARNING, "%s: domain %s keeps its first port's profile, "
                   "max_rules and fault injection settings\n", port->iface,
                   name);
    }
    port->switch_port = d->n_ports;
    d->ports[d->n_ports++] = port;
    port->domain = d;
    return d;
}

static void
read_mac(struct simnic_port *port)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", port->iface);
    if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr)) {
        memcpy(port->mac.addr_bytes, ifr.ifr_hwaddr.sa_data, 6);
    } else {
        rte_eth_random_addr(port->mac.addr_bytes);
    }
    if (fd >= 0) {
        close(fd);
    }
}

static int
simnic_probe(struct rte_vdev_device *vdev)
{
    const char *name = rte_vdev_device_name(vdev);
    struct simnic_devargs args;
    struct rte_eth_dev *dev;
    struct simnic_port *port;
    int err;

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        SIMNIC_LOG(ERR, "%s: secondary processes are not supported\n",
                   name);
        return -ENOTSUP;
    }
    err = parse_devargs(rte_vdev_device_args(vdev), &args);
    if (err) {
        return err;
    }
    if (!if_nametoindex(args.iface)) {
        SIMNIC_LOG(ERR, "%s: no interface %s\n", name, args.iface);
        return -ENODEV;
    }
    dev = rte_eth_vdev_allocate(vdev, sizeof *port);
    if (!dev) {
        return -ENOMEM;
    }
    port = dev->data->dev_private;
    port->port_id = dev->data->port_id;
    port->fd = -1;
    port->ifindex = if_nametoindex(args.iface);
    snprintf(port->iface, sizeof port->iface, "%s", args.iface);
    read_mac(port);
    if (!domain_join(args.domain, &args.cfg, port)) {
        rte_eth_dev_release_port(dev);
        return -ENOMEM;
    }
    port->async = simnic_async_create(port->domain->engine);
    if (!port->async) {
        domain_leave(port);
        rte_eth_dev_release_port(dev);
        return -ENOMEM;
    }
    dev->dev_ops = &simnic_dev_ops;
    dev->data->mac_addrs = &port->mac;
    dev->data->dev_link.link_speed = RTE_ETH_SPEED_NUM_10G;
    dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
    dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
    dev->rx_pkt_burst = simnic_rx_burst;
    dev->tx_pkt_burst = simnic_tx_burst;
    rte_eth_dev_probing_finish(dev);
    SIMNIC_LOG(INFO, "%s: port %u on %s, domain %s\n", name, port->port_id,
               port->iface, port->domain->name);
    return 0;
}

static int
simnic_remove(struct rte_vdev_device *vdev)
{
    struct rte_eth_dev *dev;

    dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
    if (!dev) {
        return 0;
    }
    simnic_dev_close(dev);
    rte_eth_dev_release_port(dev);
    return 0;
}

static struct rte_vdev_driver simnic_driver = {
    .probe = simnic_probe,
    .remove = simnic_remove,
};

RTE_PMD_REGISTER_VDEV(net_simnic, simnic_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_simnic,
                              "iface=<ifname> domain=<name> "
                              "profile=<full|mark> max_rules=<int> "
                              "fail_create=<int> fail_rate=<percent>");
