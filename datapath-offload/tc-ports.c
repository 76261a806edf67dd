/* Datapath port <-> Linux device resolution (see tc-ports.h). */

#include <config.h>
#include "tc-ports.h"

#include <string.h>

#include "flower-caps.h"
#include "hash.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "openvswitch/hmap.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "tc-meters.h"
#include "tc-probe.h"
#include "tc-sample.h"
#include "util.h"

/* Returns true if TC rules on (and to) ports of netdev type 'type' are
 * ours: real devices, OVS internal ports, and the VXLAN, Geneve and GRE
 * tunnel devices (vxlan_sys_4789, genev_sys_6081, gre_sys, and
 * ip6gre_sys, an ip6gretap) of the kernel datapath, whose ingress sees
 * decapsulated packets with their tunnel metadata and whose egress
 * encapsulates with the metadata act_tunnel_key sets.  Other tunnels
 * (ERSPAN, GTP-U, ...) need metadata that flower or act_tunnel_key do not
 * carry. */
bool
tc_ports_type_supported(const char *type)
{
    return (!strcmp(type, "system") || !strcmp(type, "tap")
            || !strcmp(type, "internal") || !strcmp(type, "vxlan")
            || !strcmp(type, "geneve") || !strcmp(type, "gre")
            || !strcmp(type, "ip6gre"));
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

/* Devices' datapath ports, as translation found them (see
 * tc_ports_ifindex_to_port()). */
struct learned_port {
    struct hmap_node node;      /* In 'learned_ports', by ifindex. */
    int ifindex;
    uint32_t port;
};

static struct ovs_mutex learned_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap learned_ports OVS_GUARDED_BY(learned_mutex)
    = HMAP_INITIALIZER(&learned_ports);

static struct learned_port *
learned_find(int ifindex) OVS_REQUIRES(learned_mutex)
{
    struct learned_port *lp;

    HMAP_FOR_EACH_WITH_HASH (lp, node, hash_int(ifindex, 0),
                             &learned_ports) {
        if (lp->ifindex == ifindex) {
            return lp;
        }
    }
    return NULL;
}

void
tc_ports_learn(int ifindex, uint32_t port)
{
    struct learned_port *lp;

    ovs_mutex_lock(&learned_mutex);
    lp = learned_find(ifindex);
    if (!lp) {
        lp = xmalloc(sizeof *lp);
        lp->ifindex = ifindex;
        hmap_insert(&learned_ports, &lp->node, hash_int(ifindex, 0));
    }
    lp->port = port;
    ovs_mutex_unlock(&learned_mutex);
}

uint32_t
tc_ports_ifindex_to_port(int ifindex, bool ports_locked)
{
    struct learned_port *lp;
    uint32_t port = UINT32_MAX;

    ovs_mutex_lock(&learned_mutex);
    lp = learned_find(ifindex);
    if (lp) {
        port = lp->port;
    }
    ovs_mutex_unlock(&learned_mutex);

    if (port == UINT32_MAX && !ports_locked) {
        /* OVS's table answers 0 for a device that is no datapath port. */
        port = odp_to_u32(netdev_ifindex_to_odp_port(ifindex));
        if (port) {
            tc_ports_learn(ifindex, port);
        } else {
            port = UINT32_MAX;
        }
    }
    return port;
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
        } else {
            tc_ports_learn(ifindex, port);
        }
    }
    netdev_close(dev);
    return ifindex;
}

static uint32_t
resolve_ifindex(void *aux_, int ifindex)
{
    struct tc_ports_aux *aux = aux_;

    return tc_ports_ifindex_to_port(ifindex, aux->ports_locked);
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
                       struct tc_ports_aux *aux, const char *dpif_type,
                       bool ports_locked)
{
    aux->dpif_type = dpif_type;
    aux->ports_locked = ports_locked;
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
    tc_ports_resolver_init(&resolver, &aux, dpif_type, false);
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
