/*
 * How the TC provider resolves datapath ports to Linux devices, for
 * flower-translate's resolver interface.
 */
#ifndef TC_PORTS_H
#define TC_PORTS_H 1

#include "flower-translate.h"

struct tc_ports_aux {
    const char *dpif_type;      /* Datapath type whose ports to resolve. */
};

void tc_ports_resolver_init(struct flower_port_resolver *,
                            struct tc_ports_aux *, const char *dpif_type);

#endif /* tc-ports.h */
