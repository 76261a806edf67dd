/* Datapath port <-> Linux device resolution (see tc-ports.h). */

#include <config.h>
#include "tc-ports.h"

#include <string.h>

#include "netdev.h"
#include "netdev-offload.h"
#include "openvswitch/types.h"
#include "util.h"

/* A TC rule can output to Linux devices: real ones ("system", "tap") by
 * transmitting, OVS internal ports by handing the packet to their host
 * side.  Tunnel vports have no device a rule could output to as such. */
static int
resolve_output(void *aux_, uint32_t port, bool *ingress,
               struct offload_refusal_info *refusal)
{
    struct tc_ports_aux *aux = aux_;
    struct netdev *dev = netdev_ports_get(u32_to_odp(port), aux->dpif_type);
    const char *type;
    int ifindex = 0;

    if (!dev) {
        offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_OUTPUT_PORT,
                            "not a datapath port");
        return 0;
    }
    type = netdev_get_type(dev);
    *ingress = !strcmp(type, "internal");
    if (strcmp(type, "system") && strcmp(type, "tap") && !*ingress) {
        offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_OUTPUT_PORT,
                            type);
    } else {
        ifindex = netdev_get_ifindex(dev);
        if (ifindex <= 0) {
            offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_OUTPUT_PORT,
                                netdev_get_name(dev));
            ifindex = 0;
        }
    }
    netdev_close(dev);
    return ifindex;
}

static uint32_t
resolve_ifindex(void *aux OVS_UNUSED, int ifindex)
{
    return odp_to_u32(netdev_ifindex_to_odp_port(ifindex));
}

void
tc_ports_resolver_init(struct flower_port_resolver *resolver,
                       struct tc_ports_aux *aux, const char *dpif_type)
{
    aux->dpif_type = dpif_type;
    resolver->output_ifindex = resolve_output;
    resolver->ifindex_to_port = resolve_ifindex;
    resolver->aux = aux;
}
