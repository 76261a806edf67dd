/* Kernel TC capabilities and the rules that need them (flower-caps.h). */

#include "flower-caps.h"

#include <linux/pkt_cls.h>
#include <string.h>

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])

static const struct {
    const char *name;
    const char *description;
} caps[] = {
#define C(ENUM, NAME, DESC) { NAME, DESC },
    FLOWER_CAPS
#undef C
};

const char *
flower_cap_name(enum flower_cap cap)
{
    return cap < ARRAY_SIZE(caps) ? caps[cap].name : "unknown";
}

const char *
flower_cap_description(enum flower_cap cap)
{
    return cap < ARRAY_SIZE(caps) ? caps[cap].description : "unknown";
}

static bool
is_zero(const void *p_, size_t n)
{
    const unsigned char *p = p_;

    while (n--) {
        if (*p++) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'rule' matches tunnel metadata, i.e. is a decap rule. */
bool
flower_rule_matches_tunnel(const struct flower_rule *rule)
{
    const struct flower_key *m = &rule->mask;

    return (m->enc_ipv4_src || m->enc_ipv4_dst
            || !is_zero(&m->enc_ipv6_src, sizeof m->enc_ipv6_src)
            || !is_zero(&m->enc_ipv6_dst, sizeof m->enc_ipv6_dst)
            || m->enc_key_id || m->enc_tos || m->enc_ttl
            || m->enc_tp_src || m->enc_tp_dst || m->enc_vxlan_gbp
            || m->enc_geneve.len);
}

/* Marks in 'need' the capabilities that the key of 'rule' needs. */
static void
key_needs(const struct flower_rule *rule, bool need[FLOWER_N_CAPS])
{
    const struct flower_key *m = &rule->mask;

    if (m->ct_state || m->ct_zone || m->ct_mark
        || !is_zero(m->ct_label, sizeof m->ct_label)) {
        need[FLOWER_CAP_CT] = true;
    }
    if (m->ct_state & (TCA_FLOWER_KEY_CT_FLAGS_REPLY
                       | TCA_FLOWER_KEY_CT_FLAGS_INVALID)) {
        need[FLOWER_CAP_CT_STATE_RPL_INV] = true;
    }
    if (flower_rule_matches_tunnel(rule)) {
        need[FLOWER_CAP_TUNNEL_KEY] = true;
    }
    if (m->enc_geneve.len) {
        need[FLOWER_CAP_GENEVE_OPTS] = true;
    }
    if (m->enc_vxlan_gbp) {
        need[FLOWER_CAP_VXLAN_GBP] = true;
    }
    if (m->mpls_label || m->mpls_tc || m->mpls_bos || m->mpls_ttl) {
        need[FLOWER_CAP_MPLS] = true;
    }
}

/* Marks in 'need' the capabilities that the actions of 'rule' need. */
static void
actions_need(const struct flower_rule *rule, bool need[FLOWER_N_CAPS])
{
    for (int i = 0; i < rule->n_actions; i++) {
        const struct flower_action *a = &rule->actions[i];

        switch (a->type) {
        case FLOWER_ACT_CT:
        case FLOWER_ACT_CT_CLEAR:
            need[FLOWER_CAP_CT] = true;
            break;
        case FLOWER_ACT_TUNNEL_SET:
            need[FLOWER_CAP_TUNNEL_KEY] = true;
            need[FLOWER_CAP_GENEVE_OPTS] |= a->tunnel.geneve;
            /* act_tunnel_key took VXLAN options in the same release as
             * flower (Linux 5.7). */
            need[FLOWER_CAP_VXLAN_GBP] |= a->tunnel.vxlan_gbp;
            need[FLOWER_CAP_TUNNEL_FLAGS] |= a->tunnel.dont_fragment;
            break;
        case FLOWER_ACT_TUNNEL_RELEASE:
            need[FLOWER_CAP_TUNNEL_KEY] = true;
            break;
        case FLOWER_ACT_MPLS_PUSH:
        case FLOWER_ACT_MPLS_POP:
        case FLOWER_ACT_MPLS_SET:
            need[FLOWER_CAP_MPLS] = true;
            break;
        case FLOWER_ACT_POLICE:
        case FLOWER_ACT_POLICE_MTU:
            need[FLOWER_CAP_POLICE] = true;
            break;
        case FLOWER_ACT_SAMPLE:
            need[FLOWER_CAP_SAMPLE] = true;
            break;
        case FLOWER_ACT_DROP:
        case FLOWER_ACT_REDIRECT:
        case FLOWER_ACT_MIRROR:
        case FLOWER_ACT_REDIRECT_INGRESS:
        case FLOWER_ACT_MIRROR_INGRESS:
        case FLOWER_ACT_VLAN_PUSH:
        case FLOWER_ACT_VLAN_POP:
        case FLOWER_ACT_GOTO_CHAIN:
        case FLOWER_ACT_PEDIT:
        case FLOWER_ACT_CSUM:
        case FLOWER_ACT_JUMP:
        case FLOWER_ACT_PTYPE_HOST:
            break;
        }
    }
}

int
flower_caps_check(const struct flower_caps *have,
                  const struct flower_rule *rule,
                  struct offload_refusal_info *refusal)
{
    bool need[FLOWER_N_CAPS];

    if (!have->probed) {
        return 0;
    }
    memset(need, 0, sizeof need);
    key_needs(rule, need);
    actions_need(rule, need);
    for (int cap = 0; cap < FLOWER_N_CAPS; cap++) {
        if (need[cap] && !have->has[cap]) {
            return offload_refuse(refusal, OFFLOAD_REFUSAL_KERNEL_LACKS,
                                  flower_cap_name(cap));
        }
    }
    return 0;
}
