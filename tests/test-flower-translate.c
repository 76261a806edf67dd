/*
 * Drives the megaflow -> flower rule translation from the command line, for
 * the autotest suite:
 *
 *   test-flower-translate 'ODP FLOW' 'ODP ACTIONS'
 *
 * prints either "refused: NAME: description (detail)" or, when the flow is
 * offloadable, the rule's filter protocol, its VLAN keys if it has any (as
 * tc-flower(8) names them), its TC actions, and the flow read back from the
 * rule exactly as dpctl/dump-flows would print it ("flow: ...") with its
 * actions.  The rule is read back after a trip through the netlink codec,
 * as the request that would be sent decodes.  Datapath ports are faked:
 * port N (1..49, 99) is ifindex 100+N, port 50 is a tunnel vport, port 99
 * an internal port.
 */

#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flower-codec.h"
#include "flower-translate.h"
#include "netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

static int
fake_output_ifindex(void *aux OVS_UNUSED, uint32_t port, bool *ingress,
                    struct offload_refusal_info *refusal)
{
    *ingress = port == 99;
    if (port == 50 || port == 0 || port > 99) {
        offload_refusal_set(refusal, OFFLOAD_REFUSAL_ACTION_OUTPUT_PORT,
                            port == 50 ? "gre" : "not a datapath port");
        return 0;
    }
    return 100 + port;
}

static uint32_t
fake_ifindex_to_port(void *aux OVS_UNUSED, int ifindex)
{
    return ifindex > 100 && ifindex < 200 ? ifindex - 100 : UINT32_MAX;
}

/* Meters 1 to 9 have police actions; others do not. */
static bool
fake_meter_offloaded(void *aux OVS_UNUSED, uint32_t meter_id)
{
    return meter_id >= 1 && meter_id <= 9;
}

/* psample groups 7, 8, ...: one for each distinct sample action, as the
 * provider keeps them. */
static struct ofpbuf fake_samples[4];
static int n_fake_samples;

static uint32_t
fake_sample_group(void *aux OVS_UNUSED, const struct nlattr *action)
{
    for (int i = 0; i < n_fake_samples; i++) {
        if (fake_samples[i].size == action->nla_len
            && !memcmp(fake_samples[i].data, action, action->nla_len)) {
            return 7 + i;
        }
    }
    if (n_fake_samples >= ARRAY_SIZE(fake_samples)) {
        return 0;
    }
    ofpbuf_init(&fake_samples[n_fake_samples], 0);
    ofpbuf_put(&fake_samples[n_fake_samples], action, action->nla_len);
    return 7 + n_fake_samples++;
}

static bool
fake_sample_action(void *aux OVS_UNUSED, uint32_t group, struct ofpbuf *buf)
{
    if (group < 7 || group - 7 >= n_fake_samples) {
        return false;
    }
    ofpbuf_put(buf, fake_samples[group - 7].data,
               fake_samples[group - 7].size);
    return true;
}

/* Prints the VLAN keys of 'rule', if it has a tag, with the names of
 * tc-flower(8), so tests see which TPID and tag goes where. */
static void
print_tc_vlan(const struct flower_rule *rule)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;

    if (!m->eth_type || !eth_type_vlan(k->eth_type)) {
        return;
    }
    printf("tc vlan:");
    if (m->vlan_id) {
        printf(" vlan_id %u", k->vlan_id);
    }
    if (m->vlan_prio) {
        printf(" vlan_prio %u", k->vlan_prio);
    }
    if (m->vlan_eth_type) {
        printf(" vlan_ethtype 0x%04x", ntohs(k->vlan_eth_type));
    }
    if (m->cvlan_id) {
        printf(" cvlan_id %u", k->cvlan_id);
    }
    if (m->cvlan_prio) {
        printf(" cvlan_prio %u", k->cvlan_prio);
    }
    if (m->cvlan_eth_type) {
        printf(" cvlan_ethtype 0x%04x", ntohs(k->cvlan_eth_type));
    }
    printf("\n");
}

static void
print_tunnel_set(const struct flower_rule *rule,
                 const struct flower_tunnel_set *t)
{
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

    if (t->ipv4_dst) {
        inet_ntop(AF_INET, &t->ipv4_src, src, sizeof src);
        inet_ntop(AF_INET, &t->ipv4_dst, dst, sizeof dst);
    } else {
        inet_ntop(AF_INET6, &t->ipv6_src, src, sizeof src);
        inet_ntop(AF_INET6, &t->ipv6_dst, dst, sizeof dst);
    }
    printf(" tunnel-set(");
    if (t->has_id) {
        printf("id=%"PRIu32",", ntohl(t->id));
    }
    printf("src=%s,dst=%s,tos=%u,ttl=%u,dport=%u%s%s",
           src, dst, t->tos, t->ttl, ntohs(t->tp_dst),
           t->no_csum ? ",nocsum" : ",csum", t->dont_fragment ? ",df" : "");
    if (t->vxlan_gbp) {
        printf(",gbp=%#"PRIx32, t->gbp);
    }
    if (t->geneve) {
        printf(",geneve=");
        for (int i = 0; i < rule->encap_geneve.len; i++) {
            printf("%02x", rule->encap_geneve.data[i]);
        }
    }
    printf(")");
}

static void
print_ct_nat(const struct flower_ct *ct)
{
    char min[INET6_ADDRSTRLEN] = "", max[INET6_ADDRSTRLEN] = "";

    if (ct->nat_ipv4) {
        inet_ntop(AF_INET, &ct->nat_ipv4_min, min, sizeof min);
        inet_ntop(AF_INET, &ct->nat_ipv4_max, max, sizeof max);
    } else if (ct->nat_ipv6) {
        inet_ntop(AF_INET6, &ct->nat_ipv6_min, min, sizeof min);
        inet_ntop(AF_INET6, &ct->nat_ipv6_max, max, sizeof max);
    }
    printf("+nat(%s%s%s%s%s%s", ct->nat_src ? "src" : "",
           ct->nat_dst ? "dst" : "", *min ? "," : "", min, *max ? "-" : "",
           max);
    if (ct->nat_port_max) {
        printf(",ports=%u-%u", ntohs(ct->nat_port_min),
               ntohs(ct->nat_port_max));
    }
    printf(")");
}

/* Prints the tunnel and MPLS keys of 'rule', if it matches any. */
static void
print_tc_enc_mpls(const struct flower_rule *rule)
{
    const struct flower_key *k = &rule->key, *m = &rule->mask;
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

    if (flower_rule_matches_tunnel(rule)) {
        printf("tc enc:");
        if (m->enc_key_id) {
            printf(" key_id %"PRIu32, ntohl(k->enc_key_id));
        }
        if (m->enc_ipv4_src || m->enc_ipv4_dst) {
            inet_ntop(AF_INET, &k->enc_ipv4_src, a, sizeof a);
            inet_ntop(AF_INET, &k->enc_ipv4_dst, b, sizeof b);
            printf(" src %s/%08"PRIx32" dst %s/%08"PRIx32, a,
                   ntohl(m->enc_ipv4_src), b, ntohl(m->enc_ipv4_dst));
        }
        if (m->enc_tp_dst) {
            printf(" dport %u/%#x", ntohs(k->enc_tp_dst),
                   ntohs(m->enc_tp_dst));
        }
        if (m->enc_ttl) {
            printf(" ttl %u/%#x", k->enc_ttl, m->enc_ttl);
        }
        if (m->enc_vxlan_gbp) {
            printf(" gbp %#"PRIx32"/%#"PRIx32, k->enc_vxlan_gbp,
                   m->enc_vxlan_gbp);
        }
        if (k->enc_geneve.len) {
            printf(" geneve ");
            for (int i = 0; i < k->enc_geneve.len; i++) {
                printf("%02x", k->enc_geneve.data[i]);
            }
            printf("/");
            for (int i = 0; i < m->enc_geneve.len; i++) {
                printf("%02x", m->enc_geneve.data[i]);
            }
        }
        printf("\n");
    }
    if (m->mpls_label || m->mpls_tc || m->mpls_bos || m->mpls_ttl) {
        printf("tc mpls:");
        if (m->mpls_label) {
            printf(" label %"PRIu32, k->mpls_label);
        }
        if (m->mpls_tc) {
            printf(" tc %u", k->mpls_tc);
        }
        if (m->mpls_bos) {
            printf(" bos %u", k->mpls_bos);
        }
        if (m->mpls_ttl) {
            printf(" ttl %u", k->mpls_ttl);
        }
        printf("\n");
    }
}

/* Prints the TC actions of 'rule', so tests see mirror vs redirect,
 * egress vs ingress and the other TC actions chosen. */
static void
print_tc_actions(const struct flower_rule *rule)
{
    printf("tc actions:");
    for (int i = 0; i < rule->n_actions; i++) {
        const struct flower_action *a = &rule->actions[i];

        switch (a->type) {
        case FLOWER_ACT_DROP:
            printf(" drop");
            break;
        case FLOWER_ACT_REDIRECT:
            printf(" redirect(%"PRIu32")", a->ifindex);
            break;
        case FLOWER_ACT_MIRROR:
            printf(" mirror(%"PRIu32")", a->ifindex);
            break;
        case FLOWER_ACT_PTYPE_HOST:
            printf(" ptype-host");
            break;
        case FLOWER_ACT_REDIRECT_INGRESS:
            printf(" ingress-redirect(%"PRIu32")", a->ifindex);
            break;
        case FLOWER_ACT_MIRROR_INGRESS:
            printf(" ingress-mirror(%"PRIu32")", a->ifindex);
            break;
        case FLOWER_ACT_VLAN_PUSH:
            printf(" vlan-push(0x%04x,%u,%u)", ntohs(a->vlan.proto),
                   a->vlan.id, a->vlan.prio);
            break;
        case FLOWER_ACT_VLAN_POP:
            printf(" vlan-pop");
            break;
        case FLOWER_ACT_GOTO_CHAIN:
            printf(" goto-chain(%"PRIu32")", a->chain);
            break;
        case FLOWER_ACT_CT:
            printf(" ct(zone=%u%s%s,mark=%#"PRIx32"/%#"PRIx32")",
                   a->ct.zone, a->ct.commit ? ",commit" : "",
                   a->ct.force ? ",force" : "", a->ct.mark,
                   a->ct.mark_mask);
            break;
        case FLOWER_ACT_CT_CLEAR:
            printf(" ct-clear");
            break;
        case FLOWER_ACT_PEDIT:
            printf(" pedit(");
            for (int k = a->pedit.first; k < a->pedit.first + a->pedit.n;
                 k++) {
                const struct flower_pedit_key *key = &rule->pedit_keys[k];

                printf("%s%u+%"PRIu32"=%08"PRIx32"/%08"PRIx32,
                       k > a->pedit.first ? "," : "", key->htype,
                       key->offset, ntohl(key->value), ntohl(key->mask));
            }
            printf(")");
            break;
        case FLOWER_ACT_CSUM:
            printf(" csum(%#"PRIx32")", a->csum_flags);
            break;
        case FLOWER_ACT_TUNNEL_SET:
            print_tunnel_set(rule, &a->tunnel);
            break;
        case FLOWER_ACT_TUNNEL_RELEASE:
            printf(" tunnel-release");
            break;
        case FLOWER_ACT_MPLS_PUSH:
            printf(" mpls-push(0x%04x,label=%"PRIu32",tc=%u,bos=%u,ttl=%u)",
                   ntohs(a->mpls.proto), a->mpls.label, a->mpls.tc,
                   a->mpls.bos, a->mpls.ttl);
            break;
        case FLOWER_ACT_MPLS_POP:
            printf(" mpls-pop(0x%04x)", ntohs(a->mpls.proto));
            break;
        case FLOWER_ACT_MPLS_SET:
            printf(" mpls-set(");
            if (a->mpls.set_label) {
                printf("label=%"PRIu32",", a->mpls.label);
            }
            if (a->mpls.set_tc) {
                printf("tc=%u,", a->mpls.tc);
            }
            if (a->mpls.set_bos) {
                printf("bos=%u,", a->mpls.bos);
            }
            if (a->mpls.set_ttl) {
                printf("ttl=%u,", a->mpls.ttl);
            }
            printf(")");
            break;
        case FLOWER_ACT_POLICE:
            printf(" police(%#"PRIx32")", a->police_index);
            break;
        case FLOWER_ACT_SAMPLE:
            printf(" sample(%"PRIu32",%"PRIu32")", a->sample.rate,
                   a->sample.group);
            break;
        case FLOWER_ACT_POLICE_MTU:
            printf(" police-mtu(%"PRIu32",conform=+%u,exceed=+%u)",
                   a->police_mtu.mtu, a->police_mtu.conform_jump,
                   a->police_mtu.exceed_jump);
            break;
        case FLOWER_ACT_JUMP:
            printf(" jump(+%u)", a->jump);
            break;
        }
        if (a->type == FLOWER_ACT_CT && a->ct.nat) {
            print_ct_nat(&a->ct);
        }
    }
    printf("\n");
}

/* Prints 'match' as an ODP flow, the way dpif-netlink shows a TC flow. */
static void
print_match(const struct match *match)
{
    struct odp_flow_key_parms parms = {
        .flow = &match->flow,
        .mask = &match->wc.masks,
        .support = {
            .max_vlan_headers = 2,
            .max_mpls_depth = 1,
            .recirc = true,
            .ct_state = true,
            .ct_zone = true,
            .ct_mark = true,
            .ct_label = true,
        },
    };
    struct ofpbuf key, mask;
    struct ds s = DS_EMPTY_INITIALIZER;

    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    odp_flow_key_from_flow(&parms, &key);
    parms.key_buf = &key;
    odp_flow_key_from_mask(&parms, &mask);
    odp_flow_format(key.data, key.size, mask.data, mask.size, NULL, &s,
                    false);
    printf("flow: %s", ds_cstr(&s));
    ds_destroy(&s);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
}

/* Parses the datapath actions in 's' into 'actions', as
 * odp_actions_from_string() does, and also "pop_mpls(eth_type=N)", which
 * OVS 3.1 prints but does not parse.  Returns false on error. */
static bool
parse_actions(const char *s, struct ofpbuf *actions)
{
    static const char pop[] = "pop_mpls(eth_type=";
    char *copy = xstrdup(s);
    char *p = copy;
    bool ok = true;

    while (ok && *p) {
        char *next = strstr(p, pop);
        unsigned int type;
        int n = 0;

        if (next) {
            *next = '\0';
        }
        if (*p) {
            size_t len = strlen(p);

            if (p[len - 1] == ',') {
                p[len - 1] = '\0';
            }
            ok = !odp_actions_from_string(p, NULL, actions);
        }
        if (!next) {
            break;
        }
        p = next + strlen(pop);
        if (ok && sscanf(p, "%i)%n", &type, &n) == 1 && n) {
            nl_msg_put_be16(actions, OVS_ACTION_ATTR_POP_MPLS, htons(type));
            p += n + (p[n] == ',');
        } else {
            ok = false;
        }
    }
    free(copy);
    return ok;
}

int
main(int argc, char *argv[])
{
    struct flower_port_resolver resolver = {
        .output_ifindex = fake_output_ifindex,
        .ifindex_to_port = fake_ifindex_to_port,
        .meter_offloaded = fake_meter_offloaded,
        .sample_group = fake_sample_group,
        .sample_action = fake_sample_action,
    };
    struct offload_refusal_info refusal = { .reason = 0 };
    struct ofpbuf key, mask, actions, back;
    static uint32_t msg[FLOWER_MSG_BUFSIZE / 4];
    struct flower_rule rule, decoded;
    struct nlmsghdr *nlh;
    struct match match;
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error_str = NULL;
    int error;

    set_program_name(argv[0]);
    if (argc != 3) {
        ovs_fatal(0, "usage: %s FLOW ACTIONS", argv[0]);
    }

    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    ofpbuf_init(&actions, 0);
    if (odp_flow_from_string(argv[1], NULL, &key, &mask, &error_str)) {
        ovs_fatal(0, "bad flow: %s", error_str);
    }
    if (!parse_actions(argv[2], &actions)) {
        ovs_fatal(0, "bad actions: %s", argv[2]);
    }
    if (parse_key_and_mask_to_match(key.data, key.size, mask.data, mask.size,
                                    &match)) {
        ovs_fatal(0, "flow does not convert to a match");
    }

    memset(&rule, 0, sizeof rule);
    error = flower_translate_match(&match, &rule, &refusal);
    if (!error) {
        error = flower_translate_actions(actions.data, actions.size,
                                         &resolver, &rule, &refusal);
    }
    if (error) {
        printf("refused: %s: %s%s%s%s\n", offload_refusal_name(refusal.reason),
               offload_refusal_to_string(refusal.reason),
               refusal.detail[0] ? " (" : "", refusal.detail,
               refusal.detail[0] ? ")" : "");
        return 0;
    }

    /* Read the flow back the way the provider does: in_port is the device
     * the rule sits on and recirc_id its chain. */
    odp_port_t in_port = match.flow.in_port.odp_port;

    printf("protocol: 0x%04x chain: %"PRIu32"\n", ntohs(rule.protocol),
           rule.id.chain);
    print_tc_vlan(&rule);
    print_tc_enc_mpls(&rule);
    print_tc_actions(&rule);
    nlh = flower_encode_new(msg, &rule, 0, 1);
    if (!nlh) {
        ovs_fatal(0, "rule does not encode");
    }
    error = flower_decode(nlh, &decoded);
    if (error) {
        ovs_fatal(error, "request does not decode");
    }
    flower_rule_to_match(&decoded, odp_to_u32(in_port), &match);
    print_match(&match);

    ofpbuf_init(&back, 0);
    if (flower_rule_to_odp_actions(&decoded, &resolver, &back)) {
        ovs_fatal(0, "actions do not read back");
    }
    format_odp_actions(&s, back.data, back.size, NULL);
    printf(", actions:%s\n", back.size ? ds_cstr(&s) : "drop");

    ds_destroy(&s);
    ofpbuf_uninit(&back);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
    ofpbuf_uninit(&actions);
    return 0;
}
