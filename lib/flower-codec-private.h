/*
 * Internals shared by the files of the TC flower codec (flower-codec.h):
 * flower-codec.c (messages, the filter header, the decode driver and the
 * attribute walks), flower-codec-keys.c (the match keys),
 * flower-codec-actions.c (the actions), flower-codec-pedit.c (the header
 * rewrites and checksum updates among them), flower-codec-ct.c (conntrack),
 * flower-codec-list.c (the shape of the action list),
 * flower-codec-mpls.c (MPLS keys and actions), flower-codec-tunnel.c
 * (tunnel options and act_tunnel_key), flower-codec-police.c (the police
 * options of meters, of the rules that use them and of length tests),
 * flower-codec-sample.c (the sampling options) and flower-codec-stats.c
 * (the actions' counters), and with tc-police-codec.c (the standalone
 * police actions of tc-police-codec.h).  Not for use outside the codec.
 */
#ifndef FLOWER_CODEC_PRIVATE_H
#define FLOWER_CODEC_PRIVATE_H 1

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "flower-rule.h"

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])

/* Kernel ABI constants that the uapi headers do not name. */
enum {
    VID_MASK = 0x0fff,          /* 802.1Q VLAN identifier bits. */
    PCP_MASK = 0x7,             /* 802.1p priority bits. */
};

/* How an attribute is checked before it is read. */
struct attr_policy {
    uint16_t type;                  /* Attribute type. */
    enum mnl_attr_data_type data;   /* For mnl_attr_validate{,2}(). */
    uint16_t size;                  /* Exact payload size, 0: 'data''s. */
    bool skip;                      /* Accepted, never read (padding). */
};

/* Head of every attribute walk's context (its first member, so that the
 * callbacks' 'void *' points to both). */
struct parse_state {
    const char *next;           /* End of the last attribute visited. */
    int error;                  /* Positive errno once a callback fails. */
};

/* Walk that checks types against a policy and indexes them in 'tb'. */
struct policy_ctx {
    struct parse_state st;      /* Must be first. */
    const struct attr_policy *policy;   /* Types accepted, and checks. */
    size_t n_policy;            /* Rows in 'policy'. */
    uint16_t max;               /* Highest type the uapi headers know. */
    bool strict;                /* Unlisted type: EOPNOTSUPP, not ignored. */
    bool unknown;               /* Output: an unlisted type was ignored. */
    bool keys;                  /* Also accept codec_key_policy()'s types. */
    const struct nlattr **tb;   /* Output, 'max' + 1 slots. */
};

/* Match keys (flower-codec-keys.c). */
bool codec_put_keys(struct nlmsghdr *, const struct flower_rule *);
int codec_decode_keys(const struct nlattr *const *tb, uint16_t protocol,
                      struct flower_rule *);
bool codec_key_policy(uint16_t type, struct attr_policy *);
uint16_t codec_key_eth_type(const struct flower_rule *);

/* MPLS match keys (flower-codec-mpls.c). */
bool codec_put_mpls_keys(struct nlmsghdr *, const struct flower_rule *);
int codec_decode_mpls_keys(const struct nlattr *const *tb,
                           struct flower_rule *);
bool codec_mpls_key_policy(uint16_t type, struct attr_policy *);

/* Actions (flower-codec-actions.c). */
bool codec_put_actions(struct nlmsghdr *, const struct flower_rule *);
int codec_decode_actions(const struct nlattr *list, bool terse,
                         struct flower_rule *);

/* TC action kinds the codec speaks: indexes in flower-codec-actions.c's
 * 'act_kinds'. */
enum act_kind_id {
    AK_GACT, AK_MIRRED, AK_VLAN, AK_CT, AK_PEDIT, AK_CSUM, AK_MPLS,
    AK_TUNNEL_KEY, AK_POLICE, AK_SAMPLE, AK_SKBEDIT,
};

/* The exact TC action that expresses a modelled action (a row of
 * flower-codec-actions.c's 'act_maps').  Every parameter struct but
 * police's begins with 'tc_gen', whose 'action' is the verdict; police
 * has two, and 'control' is the one with which the packets that go on
 * leave it (TCA_POLICE_RESULT, for those that conform).  A 'control' of
 * TC_ACT_JUMP says that the action's own fields give its verdicts, each
 * TC_ACT_PIPE or a jump (codec_put_jump()). */
struct act_map {
    enum flower_action_type type;   /* Modelled action. */
    enum act_kind_id kind;          /* TC action kind. */
    int variant;                    /* tc_mirred 'eaction', tc_vlan
                                     * 'v_action', TCA_CT_ACT_CLEAR or 0 for
                                     * ct, tc_mpls 'm_action',
                                     * tc_tunnel_key 't_action', 0 for the
                                     * others. */
    int control;                    /* tc_gen 'action': a TC_ACT_* verdict;
                                     * TC_ACT_GOTO_CHAIN takes the chain in
                                     * its low bits. */
    bool shared;                    /* Other rules share the action, whose
                                     * counters are then not the rule's. */
};

/* Puts the options of action 'index' of 'rule', expressed as 'map', inside
 * TCA_ACT_OPTIONS.  Returns false if a value cannot be expressed. */
typedef bool act_put_func(struct nlmsghdr *, const struct act_map *,
                          const struct flower_rule *rule, int index);

/* Fills action 'index' of 'rule' from the validated options 'tb' of an
 * action of its kind, whose parameter struct is present.  Returns 0 or a
 * positive errno. */
typedef int act_decode_func(const struct nlattr *const *tb,
                            struct flower_rule *rule, int index);

const struct act_map *codec_find_act_map(enum act_kind_id, int variant,
                                         int control);
/* The shape of the list (flower-codec-list.c). */
const struct act_map *codec_find_map_by_type(enum flower_action_type);
bool codec_list_is_sound(const struct flower_rule *);
uint32_t codec_put_jump(int index, uint8_t skip);
int codec_decode_jump(uint32_t verdict, int index, uint8_t *skip);
int codec_parse_act_options(const struct nlattr *options, enum act_kind_id,
                            const struct nlattr **tb);

/* act_pedit and act_csum (flower-codec-pedit.c). */
act_put_func codec_put_pedit, codec_put_csum;
act_decode_func codec_decode_pedit, codec_decode_csum;

/* act_ct (flower-codec-ct.c). */
act_put_func codec_put_ct;
act_decode_func codec_decode_ct;

/* act_mpls (flower-codec-mpls.c). */
act_put_func codec_put_mpls;
act_decode_func codec_decode_mpls;

/* Tunnel option keys and act_tunnel_key (flower-codec-tunnel.c). */
bool codec_put_enc_opts(struct nlmsghdr *, const struct flower_rule *);
int codec_decode_enc_opts(const struct nlattr *const *tb,
                          struct flower_rule *);
act_put_func codec_put_tunnel_key;
act_decode_func codec_decode_tunnel_key;

/* act_sample (flower-codec-sample.c). */
act_put_func codec_put_sample;
act_decode_func codec_decode_sample;

/* act_police (flower-codec-police.c). */
struct tc_meter_police;
act_put_func codec_put_police;
act_decode_func codec_decode_police;
int codec_police_meter(const struct nlattr *const *tb,
                       struct tc_meter_police *);
bool codec_put_police_meter(struct nlmsghdr *,
                            const struct tc_meter_police *);

/* Counters of an action's TCA_ACT_STATS (flower-codec-stats.c). */
struct codec_act_counters {
    uint64_t n_packets;         /* TCA_STATS_BASIC, else _BASIC_HW. */
    uint64_t n_bytes;
    uint64_t n_drops;           /* TCA_STATS_QUEUE. */
    uint64_t n_overlimits;
};

int codec_decode_act_stats(const struct nlattr *,
                           struct codec_act_counters *);
void codec_decode_lastuse(const struct nlattr *, struct flower_stats *);

/* Attribute walks (flower-codec.c).  Each callback validates an attribute
 * with libmnl before anything reads it, and a walk fails unless the
 * attributes fill their container exactly. */
int codec_parse_nested(const struct nlattr *, mnl_attr_cb_t,
                       struct parse_state *);
int codec_parse_end(int ret, const struct parse_state *, const void *end);
int codec_policy_cb(const struct nlattr *, void *ctx_);
void codec_note_attr(struct parse_state *, const struct nlattr *);
int codec_parse_fail(struct parse_state *, int error);

/* Returns true if all 'n' bytes at 'p' equal 'value'. */
static inline bool
codec_bytes_are(const void *p_, size_t n, uint8_t value)
{
    const uint8_t *p = p_;

    while (n--) {
        if (*p++ != value) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'eth_type' (network order) introduces a VLAN tag, as the
 * kernel's eth_type_vlan() decides. */
static inline bool
codec_is_vlan_tpid(uint16_t eth_type)
{
    return (eth_type == htons(ETH_P_8021Q)
            || eth_type == htons(ETH_P_8021AD));
}

#endif /* flower-codec-private.h */
