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
};

bool tc_ports_type_supported(const char *netdev_type);
bool tc_ports_uses_egress(const struct netdev *);
void tc_ports_resolver_init(struct flower_port_resolver *,
                            struct tc_ports_aux *, const char *dpif_type);

/* Translates a datapath flow into 'rule' as this host would install it:
 * its ports, its meters, and what its kernel's TC can do (tc-probe.h).
 * Returns 0 or EOPNOTSUPP with 'refusal'. */
int tc_ports_translate(const struct match *, const struct nlattr *actions,
                       size_t actions_len, const char *dpif_type,
                       struct flower_rule *, struct offload_refusal_info *);

#endif /* tc-ports.h */
