/* Datapath port <-> Linux device resolution (see tc-ports.h). */

#include <config.h>
#include "tc-ports.h"

#include <string.h>

#include "flower-caps.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "openvswitch/types.h"
#include "tc-meters.h"
#include "tc-probe.h"
#include "tc-sample.h"
#include "util.h"

/* Returns true if TC rules on (and to) ports of netdev type 'type' are
 * ours: real devices, OVS internal ports, and the VXLAN and Geneve tunnel
 * devices (vxlan_sys_4789, genev_sys_6081) of the kernel datapath, whose
 * ingress sees decapsulated packets with their tunnel metadata and whose
 * egress encapsulates with the metadata act_tunnel_key sets. */
bool
tc_ports_type_supported(const char *type)
{
    return (!strcmp(type, "system") || !strcmp(type, "tap")
            || !strcmp(type, "internal") || !strcmp(type, "vxlan")
            || !strcmp(type, "geneve"));
}

/* Returns true if the rules for packets that come in on 'netdev' belong on
 * its egress hook.  What the host sends through an OVS internal port
 * reaches the datapath from the device's transmit path, which the ingress
 * hook never sees; the egress hook sees every such packet. */
bool
tc_ports_uses_egress(const struct netdev *netdev)
{
    return !strcmp(netdev_get_type(netdev), "internal");
}

/* A TC rule can output to Linux devices: real ones and tunnel devices by
 * transmitting, OVS internal ports by handing the packet to their host
 * side. */
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
    if (!tc_ports_type_supported(type)) {
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

static bool
resolve_meter(void *aux OVS_UNUSED, uint32_t meter_id)
{
    return tc_meter_is_offloaded(meter_id);
}

static uint32_t
resolve_sample_group(void *aux OVS_UNUSED, const struct nlattr *action)
{
    return tc_sample_group(action);
}

static bool
resolve_sample_action(void *aux OVS_UNUSED, uint32_t group,
                      struct ofpbuf *buf)
{
    return tc_sample_action(group, buf);
}

void
tc_ports_resolver_init(struct flower_port_resolver *resolver,
                       struct tc_ports_aux *aux, const char *dpif_type)
{
    aux->dpif_type = dpif_type;
    resolver->output_ifindex = resolve_output;
    resolver->ifindex_to_port = resolve_ifindex;
    resolver->meter_offloaded = resolve_meter;
    resolver->sample_group = resolve_sample_group;
    resolver->sample_action = resolve_sample_action;
    resolver->aux = aux;
}

int
tc_ports_translate(const struct match *match, const struct nlattr *actions,
                   size_t actions_len, const char *dpif_type,
                   struct flower_rule *rule,
                   struct offload_refusal_info *refusal)
{
    struct flower_port_resolver resolver;
    struct tc_ports_aux aux;
    int error;

    memset(rule, 0, sizeof *rule);
    tc_ports_resolver_init(&resolver, &aux, dpif_type);
    error = flower_translate_match(match, rule, refusal);
    if (!error) {
        error = flower_translate_actions(actions, actions_len, &resolver,
                                         rule, refusal);
    }
    if (!error) {
        error = flower_caps_check(tc_probe_caps(), rule, refusal);
    }
    return error;
}
