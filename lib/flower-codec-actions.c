/*
 * Actions of the TC flower codec (see flower-codec.h): the TCA_FLOWER_ACT
 * list.  One table, 'act_maps', gives the exact TC action (kind, variant
 * and verdict) that expresses each modelled action, read in both
 * directions; each kind in 'act_kinds' has one function that puts its
 * options and one that reads them back (those of pedit and csum live in
 * flower-codec-pedit.c, ct's in flower-codec-ct.c, mpls's in
 * flower-codec-mpls.c, tunnel_key's in flower-codec-tunnel.c, police's in
 * flower-codec-police.c and sample's in flower-codec-sample.c).  Any other
 * TC action is not ours (EOPNOTSUPP), so a foreign rule is never mistaken
 * for one of ours.
 *
 * The kernel runs the actions in order while each returns TC_ACT_PIPE,
 * goes on at another action on a jump and stops at any other verdict
 * (tcf_action_exec()).  So a packet leaves a PIPE action (mirror, VLAN,
 * ct, pedit, csum, MPLS, tunnel_key, sample, and a meter for the packets
 * that conform to it) for the next one, and leaves an action that ends the
 * list (drop, redirect, goto chain) for nowhere.  A length test (a police
 * with an MTU) leaves packets with one of two verdicts, each a PIPE or a
 * jump past some of the actions that follow (codec_put_jump()), and a gact
 * jump always with such a jump.  A list is ours only if every action of it
 * runs for some packet and no packet goes past its end
 * (codec_list_is_sound(), flower-codec-list.c): an action after an ending
 * one that no jump lands on would never run, and no datapath flow
 * translates to a list that ends with a PIPE one (the packet would go on
 * up the stack).
 * Encoding refuses any other list, and decoding reports it as not ours.
 *
 * Values that the kernel would silently truncate or ignore, rather than
 * refuse, are refused as well: a pushed VLAN priority above 7 (act_vlan
 * shifts it into the TCI unchecked), a goto chain above
 * TC_ACT_EXT_VAL_MASK (it would spill into the verdict's opcode), and
 * those of the kinds in files of their own (see there).
 *
 * A police action that is a meter is shared by many rules, so its counters
 * and last use are those of all of them, not the rule's: they are skipped.
 * Counters come from the first other action, which every matching packet
 * passes (or, after a meter, every packet the meter lets through).  The
 * last use is the most recent of the other actions' struct tcf_t, which
 * counts clock_t ticks (jiffies_to_clock_t(): USER_HZ, which is 100, i.e.
 * 10 ms a tick, on every architecture but Alpha).
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_ct.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_mpls.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_sample.h>
#include <linux/tc_act/tc_skbedit.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <linux/tc_act/tc_vlan.h>
#include <stdlib.h>
#include <string.h>

#include "flower-codec-private.h"

#define MAX2(A, B) ((A) > (B) ? (A) : (B))

enum {
    CT_LABEL_LEN = sizeof ((struct flower_ct *) NULL)->label,

    /* Largest option type of any kind in 'act_kinds'. */
    ACT_OPTS_MAX = MAX2(MAX2(MAX2(TCA_GACT_MAX, TCA_MIRRED_MAX),
                             MAX2(TCA_VLAN_MAX, TCA_CT_MAX)),
                        MAX2(MAX2(TCA_PEDIT_MAX, TCA_CSUM_MAX),
                             MAX2(MAX2(TCA_MPLS_MAX, TCA_TUNNEL_KEY_MAX),
                                  MAX2(TCA_POLICE_MAX, TCA_SAMPLE_MAX)))),
};

/* Action attributes read; others (index, flags, hw stats) are ignored. */
static const struct attr_policy act_policy[] = {
    { TCA_ACT_KIND, MNL_TYPE_NUL_STRING, 0, false },
    { TCA_ACT_OPTIONS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_STATS, MNL_TYPE_NESTED, 0, false },
    { TCA_ACT_COOKIE, MNL_TYPE_BINARY, 0, false },
};

/* act_gact options; others (e.g. random verdicts): EOPNOTSUPP. */
static const struct attr_policy gact_policy[] = {
    { TCA_GACT_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_GACT_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_gact), false },
    { TCA_GACT_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_mirred options; others (e.g. a block target): EOPNOTSUPP. */
static const struct attr_policy mirred_policy[] = {
    { TCA_MIRRED_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_MIRRED_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_mirred), false },
    { TCA_MIRRED_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_vlan options; others (push_eth's addresses): EOPNOTSUPP. */
static const struct attr_policy vlan_policy[] = {
    { TCA_VLAN_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_VLAN_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_vlan), false },
    { TCA_VLAN_PUSH_VLAN_ID, MNL_TYPE_U16, 0, false },
    { TCA_VLAN_PUSH_VLAN_PROTOCOL, MNL_TYPE_U16, 0, false },
    { TCA_VLAN_PUSH_VLAN_PRIORITY, MNL_TYPE_U8, 0, false },
    { TCA_VLAN_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_ct options; others (helpers): EOPNOTSUPP. */
static const struct attr_policy ct_policy[] = {
    { TCA_CT_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_CT_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_ct), false },
    { TCA_CT_ACTION, MNL_TYPE_U16, 0, false },
    { TCA_CT_ZONE, MNL_TYPE_U16, 0, false },
    { TCA_CT_MARK, MNL_TYPE_U32, 0, false },
    { TCA_CT_MARK_MASK, MNL_TYPE_U32, 0, false },
    { TCA_CT_LABELS, MNL_TYPE_UNSPEC, CT_LABEL_LEN, false },
    { TCA_CT_LABELS_MASK, MNL_TYPE_UNSPEC, CT_LABEL_LEN, false },
    { TCA_CT_NAT_IPV4_MIN, MNL_TYPE_U32, 0, false },
    { TCA_CT_NAT_IPV4_MAX, MNL_TYPE_U32, 0, false },
    { TCA_CT_NAT_IPV6_MIN, MNL_TYPE_UNSPEC, sizeof (struct in6_addr), false },
    { TCA_CT_NAT_IPV6_MAX, MNL_TYPE_UNSPEC, sizeof (struct in6_addr), false },
    { TCA_CT_NAT_PORT_MIN, MNL_TYPE_U16, 0, false },
    { TCA_CT_NAT_PORT_MAX, MNL_TYPE_U16, 0, false },
    { TCA_CT_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_pedit options.  TCA_PEDIT_PARMS_EX is a struct tc_pedit_sel followed
 * by its keys, whose size codec_decode_pedit() checks.  Others, legacy
 * TCA_PEDIT_PARMS (offsets from the network header, no header types)
 * above all: EOPNOTSUPP. */
static const struct attr_policy pedit_policy[] = {
    { TCA_PEDIT_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_PEDIT_PARMS_EX, MNL_TYPE_UNSPEC, 0, false },
    { TCA_PEDIT_KEYS_EX, MNL_TYPE_NESTED, 0, false },
    { TCA_PEDIT_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_csum options. */
static const struct attr_policy csum_policy[] = {
    { TCA_CSUM_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_CSUM_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_csum), false },
    { TCA_CSUM_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_mpls options, whose values codec_decode_mpls() checks; others:
 * EOPNOTSUPP. */
static const struct attr_policy mpls_policy[] = {
    { TCA_MPLS_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_MPLS_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_mpls), false },
    { TCA_MPLS_PAD, MNL_TYPE_UNSPEC, 0, true },
    { TCA_MPLS_PROTO, MNL_TYPE_U16, 0, false },
    { TCA_MPLS_LABEL, MNL_TYPE_U32, 0, false },
    { TCA_MPLS_TC, MNL_TYPE_U8, 0, false },
    { TCA_MPLS_TTL, MNL_TYPE_U8, 0, false },
    { TCA_MPLS_BOS, MNL_TYPE_U8, 0, false },
};

/* act_tunnel_key options; others (the "don't fragment" flag of later
 * kernels): EOPNOTSUPP.  ENC_KEY_ID is a be32 (the uapi says be64). */
static const struct attr_policy tunnel_key_policy[] = {
    { TCA_TUNNEL_KEY_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_TUNNEL_KEY_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_tunnel_key),
      false },
    { TCA_TUNNEL_KEY_ENC_IPV4_SRC, MNL_TYPE_U32, 0, false },
    { TCA_TUNNEL_KEY_ENC_IPV4_DST, MNL_TYPE_U32, 0, false },
    { TCA_TUNNEL_KEY_ENC_IPV6_SRC, MNL_TYPE_UNSPEC,
      sizeof (struct in6_addr), false },
    { TCA_TUNNEL_KEY_ENC_IPV6_DST, MNL_TYPE_UNSPEC,
      sizeof (struct in6_addr), false },
    { TCA_TUNNEL_KEY_ENC_KEY_ID, MNL_TYPE_U32, 0, false },
    { TCA_TUNNEL_KEY_PAD, MNL_TYPE_UNSPEC, 0, true },
    { TCA_TUNNEL_KEY_ENC_DST_PORT, MNL_TYPE_U16, 0, false },
    { TCA_TUNNEL_KEY_NO_CSUM, MNL_TYPE_U8, 0, false },
    { TCA_TUNNEL_KEY_ENC_OPTS, MNL_TYPE_NESTED, 0, false },
    { TCA_TUNNEL_KEY_ENC_TOS, MNL_TYPE_U8, 0, false },
    { TCA_TUNNEL_KEY_ENC_TTL, MNL_TYPE_U8, 0, false },
};

/* act_police options, as tcf_police_dump() puts them for a police with a
 * rate of either kind; others (rate tables, which the kernel never dumps,
 * a peak or average rate): EOPNOTSUPP. */
static const struct attr_policy police_policy[] = {
    { TCA_POLICE_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_POLICE_TBF, MNL_TYPE_UNSPEC, sizeof (struct tc_police), false },
    { TCA_POLICE_RESULT, MNL_TYPE_U32, 0, false },
    { TCA_POLICE_RATE64, MNL_TYPE_U64, 0, false },
    { TCA_POLICE_PKTRATE64, MNL_TYPE_U64, 0, false },
    { TCA_POLICE_PKTBURST64, MNL_TYPE_U64, 0, false },
    { TCA_POLICE_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_sample options. */
static const struct attr_policy sample_policy[] = {
    { TCA_SAMPLE_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_SAMPLE_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_sample), false },
    { TCA_SAMPLE_RATE, MNL_TYPE_U32, 0, false },
    { TCA_SAMPLE_TRUNC_SIZE, MNL_TYPE_U32, 0, false },
    { TCA_SAMPLE_PSAMPLE_GROUP, MNL_TYPE_U32, 0, false },
    { TCA_SAMPLE_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* act_skbedit options, for a packet type alone; others (priority, mark,
 * queue mapping): EOPNOTSUPP. */
static const struct attr_policy skbedit_policy[] = {
    { TCA_SKBEDIT_TM, MNL_TYPE_UNSPEC, sizeof (struct tcf_t), false },
    { TCA_SKBEDIT_PARMS, MNL_TYPE_UNSPEC, sizeof (struct tc_skbedit),
      false },
    { TCA_SKBEDIT_PTYPE, MNL_TYPE_U16, 0, false },
    { TCA_SKBEDIT_PAD, MNL_TYPE_UNSPEC, 0, true },
};

/* The exact TC action that expresses each modelled action. */
static const struct act_map act_maps[] = {
    { FLOWER_ACT_DROP, AK_GACT, 0, TC_ACT_SHOT, false },
    { FLOWER_ACT_GOTO_CHAIN, AK_GACT, 0, TC_ACT_GOTO_CHAIN, false },
    { FLOWER_ACT_REDIRECT, AK_MIRRED, TCA_EGRESS_REDIR, TC_ACT_STOLEN,
      false },
    { FLOWER_ACT_MIRROR, AK_MIRRED, TCA_EGRESS_MIRROR, TC_ACT_PIPE, false },
    { FLOWER_ACT_REDIRECT_INGRESS, AK_MIRRED, TCA_INGRESS_REDIR,
      TC_ACT_STOLEN, false },
    { FLOWER_ACT_MIRROR_INGRESS, AK_MIRRED, TCA_INGRESS_MIRROR, TC_ACT_PIPE,
      false },
    { FLOWER_ACT_VLAN_PUSH, AK_VLAN, TCA_VLAN_ACT_PUSH, TC_ACT_PIPE, false },
    { FLOWER_ACT_VLAN_POP, AK_VLAN, TCA_VLAN_ACT_POP, TC_ACT_PIPE, false },
    { FLOWER_ACT_CT, AK_CT, 0, TC_ACT_PIPE, false },
    { FLOWER_ACT_CT_CLEAR, AK_CT, TCA_CT_ACT_CLEAR, TC_ACT_PIPE, false },
    { FLOWER_ACT_PEDIT, AK_PEDIT, 0, TC_ACT_PIPE, false },
    { FLOWER_ACT_CSUM, AK_CSUM, 0, TC_ACT_PIPE, false },
    { FLOWER_ACT_MPLS_PUSH, AK_MPLS, TCA_MPLS_ACT_PUSH, TC_ACT_PIPE, false },
    { FLOWER_ACT_MPLS_POP, AK_MPLS, TCA_MPLS_ACT_POP, TC_ACT_PIPE, false },
    { FLOWER_ACT_MPLS_SET, AK_MPLS, TCA_MPLS_ACT_MODIFY, TC_ACT_PIPE,
      false },
    { FLOWER_ACT_TUNNEL_SET, AK_TUNNEL_KEY, TCA_TUNNEL_KEY_ACT_SET,
      TC_ACT_PIPE, false },
    { FLOWER_ACT_TUNNEL_RELEASE, AK_TUNNEL_KEY, TCA_TUNNEL_KEY_ACT_RELEASE,
      TC_ACT_PIPE, false },
    { FLOWER_ACT_POLICE, AK_POLICE, 0, TC_ACT_PIPE, true },
    { FLOWER_ACT_SAMPLE, AK_SAMPLE, 0, TC_ACT_PIPE, false },
    { FLOWER_ACT_POLICE_MTU, AK_POLICE, 0, TC_ACT_JUMP, false },
    { FLOWER_ACT_JUMP, AK_GACT, 0, TC_ACT_JUMP, false },
    { FLOWER_ACT_PTYPE_HOST, AK_SKBEDIT, 0, TC_ACT_PIPE, false },
};

static act_put_func put_gact, put_mirred, put_vlan, put_skbedit;
static act_decode_func decode_gact, decode_mirred, decode_vlan,
    decode_skbedit;

/* A TC action kind, and how its options look. */
static const struct act_kind {
    const char *name;                   /* TCA_ACT_KIND. */
    const struct attr_policy *policy;   /* TCA_ACT_OPTIONS contents. */
    size_t n_policy;                    /* Rows in 'policy'. */
    uint16_t max;                       /* Highest option type known. */
    uint16_t parms_attr;                /* Parameter struct, mandatory. */
    uint16_t tm_attr;                   /* struct tcf_t. */
    act_put_func *put;
    act_decode_func *decode;
} act_kinds[] = {
    [AK_GACT] = { "gact", gact_policy, ARRAY_SIZE(gact_policy),
                  TCA_GACT_MAX, TCA_GACT_PARMS, TCA_GACT_TM,
                  put_gact, decode_gact },
    [AK_MIRRED] = { "mirred", mirred_policy, ARRAY_SIZE(mirred_policy),
                    TCA_MIRRED_MAX, TCA_MIRRED_PARMS, TCA_MIRRED_TM,
                    put_mirred, decode_mirred },
    [AK_VLAN] = { "vlan", vlan_policy, ARRAY_SIZE(vlan_policy),
                  TCA_VLAN_MAX, TCA_VLAN_PARMS, TCA_VLAN_TM,
                  put_vlan, decode_vlan },
    [AK_CT] = { "ct", ct_policy, ARRAY_SIZE(ct_policy),
                TCA_CT_MAX, TCA_CT_PARMS, TCA_CT_TM,
                codec_put_ct, codec_decode_ct },
    [AK_PEDIT] = { "pedit", pedit_policy, ARRAY_SIZE(pedit_policy),
                   TCA_PEDIT_MAX, TCA_PEDIT_PARMS_EX, TCA_PEDIT_TM,
                   codec_put_pedit, codec_decode_pedit },
    [AK_CSUM] = { "csum", csum_policy, ARRAY_SIZE(csum_policy),
                  TCA_CSUM_MAX, TCA_CSUM_PARMS, TCA_CSUM_TM,
                  codec_put_csum, codec_decode_csum },
    [AK_MPLS] = { "mpls", mpls_policy, ARRAY_SIZE(mpls_policy),
                  TCA_MPLS_MAX, TCA_MPLS_PARMS, TCA_MPLS_TM,
                  codec_put_mpls, codec_decode_mpls },
    [AK_TUNNEL_KEY] = { "tunnel_key", tunnel_key_policy,
                        ARRAY_SIZE(tunnel_key_policy), TCA_TUNNEL_KEY_MAX,
                        TCA_TUNNEL_KEY_PARMS, TCA_TUNNEL_KEY_TM,
                        codec_put_tunnel_key, codec_decode_tunnel_key },
    [AK_POLICE] = { "police", police_policy, ARRAY_SIZE(police_policy),
                    TCA_POLICE_MAX, TCA_POLICE_TBF, TCA_POLICE_TM,
                    codec_put_police, codec_decode_police },
    [AK_SAMPLE] = { "sample", sample_policy, ARRAY_SIZE(sample_policy),
                    TCA_SAMPLE_MAX, TCA_SAMPLE_PARMS, TCA_SAMPLE_TM,
                    codec_put_sample, codec_decode_sample },
    [AK_SKBEDIT] = { "skbedit", skbedit_policy, ARRAY_SIZE(skbedit_policy),
                     TCA_SKBEDIT_MAX, TCA_SKBEDIT_PARMS, TCA_SKBEDIT_TM,
                     put_skbedit, decode_skbedit },
};

/* Walk over TCA_FLOWER_ACT: one nest per action, numbered 1...n. */
struct act_list_ctx {
    struct parse_state st;      /* Must be first. */
    const struct nlattr *acts[TCA_ACT_MAX_PRIO + 1];    /* By number. */
};

static const struct act_map *first_map_of_kind(enum act_kind_id);
static bool vlan_push_valid(const struct flower_action *);

static int decode_action(const struct nlattr *, int index, int n_actions,
                         bool terse, struct flower_rule *);
static bool act_is_shared(const struct flower_rule *, int index);
static bool counts_for_rule(const struct flower_rule *, int index);
static int decode_act_options(const struct nlattr *, const struct act_kind *,
                              struct flower_rule *, int index);
static int act_list_cb(const struct nlattr *, void *ctx_);

/* Encoding. */

/* Puts TCA_FLOWER_ACT: action i in a nest numbered i + 1 (the order the
 * kernel runs them in), the cookie on the last one.  Returns false on an
 * unknown action type, an action out of place in the list or a value that
 * cannot be expressed (see the file comment). */
bool
codec_put_actions(struct nlmsghdr *nlh, const struct flower_rule *rule)
{
    struct nlattr *list;
    int i;

    if (!rule->n_actions) {
        return true;
    } else if (!codec_list_is_sound(rule)) {
        return false;
    }
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    for (i = 0; i < rule->n_actions; i++) {
        const struct flower_action *act = &rule->actions[i];
        const struct act_map *map = codec_find_map_by_type(act->type);
        const struct act_kind *kind = &act_kinds[map->kind];
        struct nlattr *nest, *options;

        nest = mnl_attr_nest_start(nlh, i + 1);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, kind->name);
        options = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        if (!kind->put(nlh, map, rule, i)) {
            return false;
        }
        mnl_attr_nest_end(nlh, options);
        if (rule->has_cookie && i == rule->n_actions - 1) {
            mnl_attr_put(nlh, TCA_ACT_COOKIE, FLOWER_COOKIE_LEN,
                         rule->cookie);
        }
        mnl_attr_nest_end(nlh, nest);
    }
    mnl_attr_nest_end(nlh, list);
    return true;
}

/* act_put_func for gact: a plain verdict, goto chain or jump. */
static bool
put_gact(struct nlmsghdr *nlh, const struct act_map *map,
         const struct flower_rule *rule, int index)
{
    const struct flower_action *act = &rule->actions[index];
    struct tc_gact p = { .action = map->control };

    if (map->type == FLOWER_ACT_GOTO_CHAIN) {
        if (act->chain > TC_ACT_EXT_VAL_MASK) {
            return false;
        }
        p.action |= act->chain;
    } else if (map->type == FLOWER_ACT_JUMP) {
        p.action = codec_put_jump(index, act->jump);
    }
    mnl_attr_put(nlh, TCA_GACT_PARMS, sizeof p, &p);
    return true;
}

/* act_put_func for mirred. */
static bool
put_mirred(struct nlmsghdr *nlh, const struct act_map *map,
           const struct flower_rule *rule, int index)
{
    struct tc_mirred p = { .action = map->control, .eaction = map->variant,
                           .ifindex = rule->actions[index].ifindex };

    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof p, &p);
    return true;
}

/* act_put_func for vlan: the tag of a push is always put in full, as the
 * kernel dumps it (tcf_vlan_dump()). */
static bool
put_vlan(struct nlmsghdr *nlh, const struct act_map *map,
         const struct flower_rule *rule, int index)
{
    const struct flower_action *act = &rule->actions[index];
    struct tc_vlan p = { .action = map->control, .v_action = map->variant };

    if (map->type == FLOWER_ACT_VLAN_PUSH && !vlan_push_valid(act)) {
        return false;
    }
    mnl_attr_put(nlh, TCA_VLAN_PARMS, sizeof p, &p);
    if (map->type == FLOWER_ACT_VLAN_PUSH) {
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_ID, act->vlan.id);
        mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_PROTOCOL, act->vlan.proto);
        mnl_attr_put_u8(nlh, TCA_VLAN_PUSH_VLAN_PRIORITY, act->vlan.prio);
    }
    return true;
}

static bool
put_skbedit(struct nlmsghdr *nlh, const struct act_map *map,
            const struct flower_rule *rule, int index)
{
    struct tc_skbedit p = { .action = map->control };

    /* The packet type is all there is to say. */
    (void) rule;
    (void) index;
    mnl_attr_put(nlh, TCA_SKBEDIT_PARMS, sizeof p, &p);
    mnl_attr_put_u16(nlh, TCA_SKBEDIT_PTYPE, PACKET_HOST);
    return true;
}

/* The tables. */

/* Returns the row of 'act_maps' for 'type', or NULL. */
const struct act_map *
codec_find_map_by_type(enum flower_action_type type)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(act_maps); i++) {
        if (act_maps[i].type == type) {
            return &act_maps[i];
        }
    }
    return NULL;
}

/* Returns the row of 'act_maps' for a TC action of 'kind' and 'variant'
 * with verdict 'control', or NULL if the codec does not model it. */
/* Returns the first row of 'act_maps' for TC action kind 'kind'. */
static const struct act_map *
first_map_of_kind(enum act_kind_id kind)
{
    const struct act_map *map;

    for (map = act_maps; map < &act_maps[ARRAY_SIZE(act_maps)]; map++) {
        if (map->kind == kind) {
            return map;
        }
    }
    abort();                    /* Every kind has a row. */
}

const struct act_map *
codec_find_act_map(enum act_kind_id kind, int variant, int control)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(act_maps); i++) {
        const struct act_map *map = &act_maps[i];

        if (map->kind == kind && map->variant == variant
            && (TC_ACT_EXT_OPCODE(map->control)
                ? TC_ACT_EXT_CMP(control, map->control)
                : control == map->control)) {
            return map;
        }
    }
    return NULL;
}

/* Returns true if the VLAN push 'act' is one act_vlan takes as is:
 * tcf_vlan_init() refuses VID 4095 and other TPIDs, and would truncate a
 * priority above 7. */
static bool
vlan_push_valid(const struct flower_action *act)
{
    return (act->vlan.id < VID_MASK && act->vlan.prio <= PCP_MASK
            && codec_is_vlan_tpid(act->vlan.proto));
}

/* Decoding. */

/* Decodes the TCA_FLOWER_ACT nest 'list' into the actions, cookie and
 * counters of 'rule'. */
int
codec_decode_actions(const struct nlattr *list, bool terse,
                     struct flower_rule *rule)
{
    struct act_list_ctx ctx;
    int error;
    int n, i;

    memset(&ctx, 0, sizeof ctx);
    error = codec_parse_nested(list, act_list_cb, &ctx.st);
    if (error) {
        return error;
    }

    /* The kernel numbers actions 1...n without gaps. */
    for (n = 0; n < TCA_ACT_MAX_PRIO && ctx.acts[n + 1]; n++) {
        continue;
    }
    for (i = n + 1; i <= TCA_ACT_MAX_PRIO; i++) {
        if (ctx.acts[i]) {
            return EPROTO;
        }
    }
    if (n > FLOWER_MAX_ACTIONS) {
        return EOPNOTSUPP;
    }
    for (i = 0; i < n; i++) {
        error = decode_action(ctx.acts[i + 1], i, n, terse, rule);
        if (error) {
            return error;
        }
    }
    rule->n_actions = n;
    /* A terse rule's jumps are not known: its shape cannot be checked. */
    return n && !rule->terse && !codec_list_is_sound(rule) ? EOPNOTSUPP : 0;
}

/* Decodes action nest 'nest', number 'index' of 'n_actions', into 'rule':
 * the action, the cookie if it is the last action, the counters if they
 * are the rule's (counts_for_rule()), and its last use.  If 'terse', an
 * action may come without its options (a terse dump): then only its kind
 * is known, which is enough to tell whether its counters are the rule's,
 * and the rule is marked terse. */
static int
decode_action(const struct nlattr *nest, int index, int n_actions,
              bool terse, struct flower_rule *rule)
{
    const struct nlattr *tb[TCA_ACT_MAX + 1] = { NULL };
    struct policy_ctx ctx = {
        .policy = act_policy, .n_policy = ARRAY_SIZE(act_policy),
        .max = TCA_ACT_MAX, .tb = tb,
    };
    const struct act_kind *kind = NULL;
    const struct nlattr *cookie;
    size_t i;
    int error;

    error = codec_parse_nested(nest, codec_policy_cb, &ctx.st);
    if (error) {
        return error;
    } else if (!tb[TCA_ACT_KIND] || (!tb[TCA_ACT_OPTIONS] && !terse)) {
        return EPROTO;
    }
    for (i = 0; i < ARRAY_SIZE(act_kinds); i++) {
        if (!strcmp(mnl_attr_get_str(tb[TCA_ACT_KIND]), act_kinds[i].name)) {
            kind = &act_kinds[i];
        }
    }
    if (!kind) {
        return EOPNOTSUPP;
    }
    if (tb[TCA_ACT_OPTIONS]) {
        error = decode_act_options(tb[TCA_ACT_OPTIONS], kind, rule, index);
        if (error) {
            return error;
        }
    } else {
        /* Any type of the kind: counts_for_rule() reads only its kind. */
        rule->actions[index].type = first_map_of_kind(kind - act_kinds)->type;
        rule->terse = true;
    }

    cookie = tb[TCA_ACT_COOKIE];
    if (cookie) {
        uint16_t size = mnl_attr_get_payload_len(cookie);

        if (!size || size > TC_COOKIE_MAX_SIZE) {
            return EPROTO;
        } else if (size != FLOWER_COOKIE_LEN || index != n_actions - 1) {
            return EOPNOTSUPP;  /* Not a cookie we would have put. */
        }
        memcpy(rule->cookie, mnl_attr_get_payload(cookie), size);
        rule->has_cookie = true;
    }
    if (counts_for_rule(rule, index) && tb[TCA_ACT_STATS]) {
        struct codec_act_counters counters;

        error = codec_decode_act_stats(tb[TCA_ACT_STATS], &counters);
        rule->stats.n_packets = counters.n_packets;
        rule->stats.n_bytes = counters.n_bytes;
    }
    return error;
}

/* Returns true if action 'index' of 'rule', decoded, is one that other
 * rules share. */
static bool
act_is_shared(const struct flower_rule *rule, int index)
{
    return codec_find_map_by_type(rule->actions[index].type)->shared;
}

/* Returns true if action 'index' of 'rule' is its first that no other rule
 * shares, whose counters are then the rule's: the actions before it are
 * meters, which every packet that they let through leaves for the next
 * action.  It and the actions before it are decoded. */
static bool
counts_for_rule(const struct flower_rule *rule, int index)
{
    int i;

    for (i = 0; i <= index; i++) {
        if (!act_is_shared(rule, i)) {
            return i == index;
        }
    }
    return false;
}

/* Validates the TCA_ACT_OPTIONS nest 'options' of an action of 'kind_id'
 * and indexes its attributes in 'tb', which has room for the kind's
 * highest option type and is zeroed.  Returns 0, EPROTO if an attribute
 * is malformed, EOPNOTSUPP if one is not an attribute the codec reads (a
 * variant of the kind that is not ours, whose parameter struct may then
 * be another), or EPROTO if the parameter struct is missing.  Every
 * attribute is checked before an unknown one makes the action not ours,
 * so that what 'tb' then holds can be trusted all the same. */
int
codec_parse_act_options(const struct nlattr *options,
                        enum act_kind_id kind_id, const struct nlattr **tb)
{
    const struct act_kind *kind = &act_kinds[kind_id];
    struct policy_ctx ctx = {
        .policy = kind->policy, .n_policy = kind->n_policy,
        .max = kind->max, .tb = tb,
    };
    int error;

    error = codec_parse_nested(options, codec_policy_cb, &ctx.st);
    if (!error && ctx.unknown) {
        error = EOPNOTSUPP;
    } else if (!error && !tb[kind->parms_attr]) {
        error = EPROTO;
    }
    return error;
}

/* Decodes the TCA_ACT_OPTIONS nest 'options' of an action of 'kind' into
 * action 'index' of 'rule', and lowers the rule's last use to the
 * action's unless other rules share it. */
static int
decode_act_options(const struct nlattr *options, const struct act_kind *kind,
                   struct flower_rule *rule, int index)
{
    const struct nlattr *tb[ACT_OPTS_MAX + 1] = { NULL };
    int error;

    error = codec_parse_act_options(options, kind - act_kinds, tb);
    if (!error) {
        error = kind->decode(tb, rule, index);
    }
    if (!error && tb[kind->tm_attr] && !act_is_shared(rule, index)) {
        codec_decode_lastuse(tb[kind->tm_attr], &rule->stats);
    }
    return error;
}

/* act_decode_func for gact. */
static int
decode_gact(const struct nlattr *const *tb, struct flower_rule *rule,
            int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct act_map *map;
    struct tc_gact p;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_GACT_PARMS]), sizeof p);
    map = codec_find_act_map(AK_GACT, 0, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    if (map->type == FLOWER_ACT_GOTO_CHAIN) {
        act->chain = p.action & TC_ACT_EXT_VAL_MASK;
    } else if (map->type == FLOWER_ACT_JUMP) {
        return codec_decode_jump(p.action, index, &act->jump);
    }
    return 0;
}

/* act_decode_func for mirred. */
static int
decode_mirred(const struct nlattr *const *tb, struct flower_rule *rule,
              int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct act_map *map;
    struct tc_mirred p;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_MIRRED_PARMS]), sizeof p);
    map = codec_find_act_map(AK_MIRRED, p.eaction, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    act->ifindex = p.ifindex;
    return 0;
}

/* act_decode_func for vlan.  A missing protocol or priority means what it
 * means to tcf_vlan_init(): 802.1Q, priority 0. */
static int
decode_vlan(const struct nlattr *const *tb, struct flower_rule *rule,
            int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct nlattr *id = tb[TCA_VLAN_PUSH_VLAN_ID];
    const struct nlattr *proto = tb[TCA_VLAN_PUSH_VLAN_PROTOCOL];
    const struct nlattr *prio = tb[TCA_VLAN_PUSH_VLAN_PRIORITY];
    const struct act_map *map;
    struct tc_vlan p;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_VLAN_PARMS]), sizeof p);
    map = codec_find_act_map(AK_VLAN, p.v_action, p.action);
    if (!map) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    if (map->type == FLOWER_ACT_VLAN_POP) {
        return id || proto || prio ? EPROTO : 0;
    } else if (!id) {
        return EPROTO;
    }
    act->vlan.id = mnl_attr_get_u16(id);
    act->vlan.proto = proto ? mnl_attr_get_u16(proto) : htons(ETH_P_8021Q);
    act->vlan.prio = prio ? mnl_attr_get_u8(prio) : 0;
    if (act->vlan.id >= VID_MASK || !codec_is_vlan_tpid(act->vlan.proto)) {
        return EPROTO;          /* tcf_vlan_init() refuses these. */
    }
    return vlan_push_valid(act) ? 0 : EOPNOTSUPP;
}

/* Only "ptype host" is ours. */
static int
decode_skbedit(const struct nlattr *const *tb, struct flower_rule *rule,
               int index)
{
    const struct nlattr *ptype = tb[TCA_SKBEDIT_PTYPE];
    const struct act_map *map;
    struct tc_skbedit p;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_SKBEDIT_PARMS]), sizeof p);
    map = codec_find_act_map(AK_SKBEDIT, 0, p.action);
    if (!map || !ptype || mnl_attr_get_u16(ptype) != PACKET_HOST) {
        return EOPNOTSUPP;
    }
    rule->actions[index].type = map->type;
    return 0;
}

/* Attribute walks. */

/* mnl_attr_cb_t for a 'struct act_list_ctx': one nest per action. */
static int
act_list_cb(const struct nlattr *attr, void *ctx_)
{
    struct act_list_ctx *ctx = ctx_;
    uint16_t type = mnl_attr_get_type(attr);

    codec_note_attr(&ctx->st, attr);
    if (!type || mnl_attr_type_valid(attr, TCA_ACT_MAX_PRIO) < 0
        || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 || ctx->acts[type]) {
        return codec_parse_fail(&ctx->st, EPROTO);
    }
    ctx->acts[type] = attr;
    return MNL_CB_OK;
}
