/* Start-up probing of the kernel's TC capabilities (see tc-probe.h). */

#include <config.h>
#include "tc-probe.h"

#include <errno.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "flower-translate.h"
#include "packets.h"
#include "tc-transport.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tc_probe);

/* The last priority: after every rule of ours and of anyone else. */
#define PROBE_PRIO 0xfffe

/* Written once, by the first tc_probe_run(), before any flow is put. */
static struct flower_caps caps;
static char probe_errors[FLOWER_N_CAPS][64];

/* Starts 'rule' as a probe: a drop of frames to a locally administered MAC
 * nobody uses, of a "local experimental" ethertype, in software only. */
static void
probe_rule_init(struct flower_rule *rule, uint32_t ifindex,
                uint16_t eth_type)
{
    static const uint8_t probe_mac[6] = { 0x0e, 0x6f, 0x76, 0x73, 0, 1 };

    memset(rule, 0, sizeof *rule);
    rule->id.ifindex = ifindex;
    rule->id.prio = PROBE_PRIO;
    rule->protocol = htons(eth_type);
    rule->key.eth_type = htons(eth_type);
    rule->mask.eth_type = OVS_BE16_MAX;
    memcpy(rule->key.eth_dst, probe_mac, sizeof probe_mac);
    memset(rule->mask.eth_dst, 0xff, sizeof rule->mask.eth_dst);
    rule->flags = TCA_CLS_FLAGS_SKIP_HW;
}

static struct flower_action *
probe_add_action(struct flower_rule *rule, enum flower_action_type type)
{
    struct flower_action *action = &rule->actions[rule->n_actions++];

    action->type = type;
    return action;
}

/* Fills 'rule' with the probe for 'cap'.  Returns false for a capability
 * that is not probed by installing one rule. */
static bool
probe_build(enum flower_cap cap, struct flower_rule *rule, uint32_t ifindex)
{
    struct flower_key *k = &rule->key, *m = &rule->mask;
    struct flower_action *action;

    probe_rule_init(rule, ifindex, cap == FLOWER_CAP_MPLS ? ETH_TYPE_MPLS
                                                          : 0x88b5);
    switch (cap) {
    case FLOWER_CAP_CT:
        m->ct_zone = UINT16_MAX;
        k->ct_zone = 1;
        action = probe_add_action(rule, FLOWER_ACT_CT);
        action->ct.zone = 1;
        break;
    case FLOWER_CAP_CT_STATE_RPL_INV:
        k->ct_state = (TCA_FLOWER_KEY_CT_FLAGS_TRACKED
                       | TCA_FLOWER_KEY_CT_FLAGS_REPLY);
        m->ct_state = k->ct_state;
        break;
    case FLOWER_CAP_TUNNEL_KEY:
        k->enc_key_id = htonl(1);
        m->enc_key_id = OVS_BE32_MAX;
        probe_add_action(rule, FLOWER_ACT_TUNNEL_RELEASE);
        break;
    case FLOWER_CAP_GENEVE_OPTS:
        /* Class 0xffff, type 0x80, one word of data. */
        k->enc_geneve.len = m->enc_geneve.len = 8;
        memcpy(k->enc_geneve.data, "\xff\xff\x80\x01\0\0\0\1", 8);
        memcpy(m->enc_geneve.data, "\xff\xff\xff\x01\xff\xff\xff\xff", 8);
        break;
    case FLOWER_CAP_VXLAN_GBP:
        k->enc_vxlan_gbp = 1;
        m->enc_vxlan_gbp = 0xffff;
        break;
    case FLOWER_CAP_MPLS:
        k->mpls_ttl = 1;
        m->mpls_ttl = UINT8_MAX;
        action = probe_add_action(rule, FLOWER_ACT_MPLS_SET);
        action->mpls.ttl = 2;
        action->mpls.set_ttl = true;
        break;
    case FLOWER_CAP_SAMPLE:
        action = probe_add_action(rule, FLOWER_ACT_SAMPLE);
        action->sample.rate = 1;
        action->sample.group = 1;
        break;
    case FLOWER_CAP_MULTI_MASK_PER_PRIO:
        break;
    case FLOWER_CAP_TUNNEL_FLAGS:
    case FLOWER_CAP_POLICE:
    case FLOWER_CAP_TERSE_DUMP:
    case FLOWER_N_CAPS:
    default:
        return false;
    }
    probe_add_action(rule, FLOWER_ACT_DROP);
    return true;
}

/* Installs 'rule' and deletes it again.  Returns 0 if the kernel took it. */
static int
probe_install(struct tc_transport *t, struct flower_rule *rule,
              char *error_buf, size_t size)
{
    int error = tc_rule_install(t, rule, false);

    if (error) {
        snprintf(error_buf, size, "%s", (*tc_transport_last_error(t)
                                         ? tc_transport_last_error(t)
                                         : ovs_strerror(error)));
        return error;
    }
    tc_rule_delete(t, &rule->id, rule->protocol);
    return 0;
}

/* Two rules of different masks in one priority: a second mask in the same
 * priority is refused by kernels before 4.19 (and by some drivers). */
static int
probe_multi_mask(struct tc_transport *t, uint32_t ifindex, char *error_buf,
                 size_t size)
{
    struct flower_rule first, second;
    int error;

    probe_build(FLOWER_CAP_MULTI_MASK_PER_PRIO, &first, ifindex);
    error = tc_rule_install(t, &first, false);
    if (error) {
        snprintf(error_buf, size, "%s", ovs_strerror(error));
        return error;
    }
    probe_build(FLOWER_CAP_MULTI_MASK_PER_PRIO, &second, ifindex);
    memset(second.mask.eth_dst, 0, sizeof second.mask.eth_dst);
    memset(second.mask.eth_src, 0xff, sizeof second.mask.eth_src);
    error = probe_install(t, &second, error_buf, size);
    tc_rule_delete(t, &first.id, first.protocol);
    return error;
}

/* A police action at an index below those of meters, created and deleted
 * again. */
static int
probe_police(struct tc_transport *t, char *error_buf, size_t size)
{
    struct tc_meter_police police = {
        .index = FLOWER_METER_POLICE_BASE - 1,
        .rate_bytes_ps = 125000,
        .burst_bytes = 12500,
        .flags = TCA_CLS_FLAGS_SKIP_HW,
    };
    int error = tc_police_set(t, &police);

    if (error) {
        snprintf(error_buf, size, "%s", (*tc_transport_last_error(t)
                                         ? tc_transport_last_error(t)
                                         : ovs_strerror(error)));
        return error;
    }
    tc_police_del(t, police.index, NULL);
    return 0;
}

/* Notes whether the probe rule came back from a terse dump without its
 * keys and actions' options. */
static int
note_terse(const struct flower_rule *rule, void *terse_)
{
    int *terse = terse_;

    if (rule->id.prio == PROBE_PRIO) {
        *terse = rule->terse;
    }
    return 0;
}

/* Asks for a terse dump with the probe rule in place.  Kernels before 5.10
 * ignore the flag and dump in full. */
static int
probe_terse(struct tc_transport *t, uint32_t ifindex, char *error_buf,
            size_t size)
{
    struct flower_rule rule;
    int terse = -1;
    int error;

    probe_rule_init(&rule, ifindex, 0x88b5);
    probe_add_action(&rule, FLOWER_ACT_DROP);
    error = tc_rule_install(t, &rule, false);
    if (!error) {
        error = tc_rule_dump(t, ifindex, false, true, note_terse, &terse);
        tc_rule_delete(t, &rule.id, rule.protocol);
    }
    if (error || terse != 1) {
        snprintf(error_buf, size, "%s", (error ? ovs_strerror(error)
                                         : "dumps in full"));
        return error ? error : EOPNOTSUPP;
    }
    return 0;
}

/* Probes, the first time it is called; returns true then. */
bool
tc_probe_run(struct tc_transport *t, uint32_t ifindex)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!ovsthread_once_start(&once)) {
        return false;
    }
    for (int cap = 0; cap < FLOWER_N_CAPS; cap++) {
        char *err = probe_errors[cap];
        struct flower_rule rule;

        if (cap == FLOWER_CAP_MULTI_MASK_PER_PRIO) {
            caps.has[cap] = !probe_multi_mask(t, ifindex, err,
                                              sizeof probe_errors[cap]);
        } else if (cap == FLOWER_CAP_TERSE_DUMP) {
            caps.has[cap] = !probe_terse(t, ifindex, err,
                                         sizeof probe_errors[cap]);
        } else if (cap == FLOWER_CAP_POLICE) {
            caps.has[cap] = !probe_police(t, err, sizeof probe_errors[cap]);
        } else if (cap == FLOWER_CAP_TUNNEL_FLAGS) {
            /* No attribute for it in the kernel headers we are built
             * with (Linux 6.1 has none). */
            snprintf(err, sizeof probe_errors[cap], "not in this build");
        } else if (probe_build(cap, &rule, ifindex)) {
            caps.has[cap] = !probe_install(t, &rule, err,
                                           sizeof probe_errors[cap]);
        } else {
            /* Probed elsewhere, or assumed present. */
            caps.has[cap] = true;
        }
    }
    caps.probed = true;
    tc_probe_format(&s);
    VLOG_INFO("TC capabilities:%s", ds_cstr(&s));
    ds_destroy(&s);
    ovsthread_once_done(&once);
    return true;
}

const struct flower_caps *
tc_probe_caps(void)
{
    return &caps;
}

/* Appends " name=yes|no" for each capability, with why for a "no". */
void
tc_probe_format(struct ds *s)
{
    if (!caps.probed) {
        ds_put_cstr(s, " not probed yet");
        return;
    }
    for (int cap = 0; cap < FLOWER_N_CAPS; cap++) {
        ds_put_format(s, " %s=%s", flower_cap_name(cap),
                      caps.has[cap] ? "yes" : "no");
        if (!caps.has[cap] && probe_errors[cap][0]) {
            ds_put_format(s, " (%s)", probe_errors[cap]);
        }
    }
}
