/* What a TC rule read back from the kernel says in OVS's terms: its
 * counters as flow stats, its flags as flow attributes, its match and
 * actions as a flow (see tc-rule-ovs.h). */

#include <config.h>

#include "tc-rule-ovs.h"

#include <linux/pkt_cls.h>
#include <string.h>

#include "dpif.h"
#include "flower-translate.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "tc-ports.h"
#include "timeval.h"
#include "util.h"

/* Returns the bytes of each packet that TC does not count for 'rule'.
 *
 * TC counts bytes from the network header on ingress (the kernel has
 * already pulled the Ethernet header and taken a VLAN tag into metadata),
 * while OVS's datapath counts the whole frame, tag included.  Adding what
 * TC left out keeps a flow's bytes the same when it is offloaded.  On
 * egress TC counts the whole frame. */
uint8_t
tc_rule_l2_len(const struct flower_rule *rule)
{
    if (rule->id.egress) {
        return 0;
    } else if (rule->mask.eth_type && eth_type_vlan(rule->key.eth_type)) {
        return ETH_HEADER_LEN + VLAN_HEADER_LEN;
    }
    return ETH_HEADER_LEN;
}

/* Converts kernel counters of 'rule' plus 'base' into OVS stats, adding
 * 'l2_len' bytes a packet (see tc_rule_l2_len()). */
void
tc_counters_to_stats(const struct flower_stats *counters,
                     const struct dpif_flow_stats *base, uint8_t l2_len,
                     struct dpif_flow_stats *stats)
{
    long long int used = 0;

    if (counters->n_packets && counters->has_lastuse) {
        used = time_msec() - counters->lastuse_ms;
    }
    memset(stats, 0, sizeof *stats);
    stats->n_packets = counters->n_packets;
    stats->n_bytes = counters->n_bytes + counters->n_packets * l2_len;
    stats->used = used;
    if (base) {
        stats->n_packets += base->n_packets;
        stats->n_bytes += base->n_bytes;
        stats->used = MAX(stats->used, base->used);
    }
}

void
tc_rule_stats(const struct flower_rule *rule,
              const struct dpif_flow_stats *base, uint8_t l2_len,
              struct dpif_flow_stats *stats)
{
    tc_counters_to_stats(&rule->stats, base, l2_len, stats);
}

void
tc_flags_to_attrs(bool in_hw, uint32_t flags, struct dpif_flow_attrs *attrs)
{
    /* A rule in TC's software path is offloaded when the user asked for
     * exactly that (skip_hw); otherwise only when the hardware took it. */
    attrs->offloaded = in_hw || (flags & TCA_CLS_FLAGS_SKIP_HW);
    attrs->dp_layer = "tc";
    attrs->dp_extra_info = in_hw ? "in_hw" : "not_in_hw";
}

void
tc_rule_attrs(const struct flower_rule *rule, struct dpif_flow_attrs *attrs)
{
    tc_flags_to_attrs(rule->in_hw, rule->flags, attrs);
}

/* Fills 'match' and 'actions' (in 'buf') from a rule read back from the
 * kernel, for flow_get and flow_dump.  'ports_locked': see
 * tc_ports_ifindex_to_port(). */
int
tc_rule_to_flow(const struct flower_rule *rule, struct netdev *netdev,
                odp_port_t in_port, bool ports_locked, struct match *match,
                struct nlattr **actions, struct ofpbuf *buf)
{
    struct flower_port_resolver resolver;
    struct tc_ports_aux aux;
    size_t offset;
    int error;

    tc_ports_resolver_init(&resolver, &aux, netdev_get_dpif_type(netdev),
                           ports_locked);
    flower_rule_to_match(rule, odp_to_u32(in_port), match);

    ofpbuf_clear(buf);
    offset = nl_msg_start_nested(buf, OVS_FLOW_ATTR_ACTIONS);
    error = flower_rule_to_odp_actions(rule, &resolver, buf);
    nl_msg_end_nested(buf, offset);
    *actions = ofpbuf_at_assert(buf, offset, sizeof(struct nlattr));
    return error;
}
