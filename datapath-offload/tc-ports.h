/*
 * How the TC provider resolves datapath ports to Linux devices, for
 * flower-translate's resolver interface.
 */
#ifndef TC_PORTS_H
#define TC_PORTS_H 1

#include "flower-translate.h"

struct netdev;

struct tc_ports_aux {
    const char *dpif_type;      /* Datapath type whose ports to resolve. */
    bool ports_locked;          /* See tc_ports_ifindex_to_port(). */
};

bool tc_ports_type_supported(const char *netdev_type);
bool tc_ports_uses_egress(const struct netdev *);
void tc_ports_resolver_init(struct flower_port_resolver *,
                            struct tc_ports_aux *, const char *dpif_type,
                            bool ports_locked);

/* The datapath port of device 'ifindex', or UINT32_MAX.
 *
 * OVS calls flow_get, flow_del, flow_dump_create and flow_flush holding
 * the read lock of its port table (netdev-offload.c), which OVS 3.1's
 * netdev_ifindex_to_odp_port() takes again: with a writer waiting (a port
 * added, a dpctl command opening the datapath) the second read lock waits
 * for the writer, which waits for the first, and both hang (fixed upstream
 * in 3.2, cd608cf96).  So the provider learns each device's port when it
 * translates a flow, and with 'ports_locked' only asks what it learned. */
uint32_t tc_ports_ifindex_to_port(int ifindex, bool ports_locked);
void tc_ports_learn(int ifindex, uint32_t port);

/* Translates a datapath flow into 'rule' as this host would install it:
 * its ports, its meters, and what its kernel's TC can do (tc-probe.h).
 * Returns 0 or EOPNOTSUPP with 'refusal'. */
int tc_ports_translate(const struct match *, const struct nlattr *actions,
                       size_t actions_len, const char *dpif_type,
                       struct flower_rule *, struct offload_refusal_info *);

#endif /* tc-ports.h */
