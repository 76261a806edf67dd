/*
 * Internals shared by the files of the translation (flower-translate.h):
 * flower-translate.c (the match), flower-translate-actions.c (the action
 * list), flower-translate-set.c (header rewrites as act_pedit),
 * flower-translate-tunnel.c (tunnel metadata and set tunnel),
 * flower-translate-ct.c (the ct action) and flower-translate-mpls.c
 * (MPLS).  Not for use outside the translation.
 */
#ifndef FLOWER_TRANSLATE_PRIVATE_H
#define FLOWER_TRANSLATE_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>
#include "flower-translate.h"

struct flow;
struct nlattr;
struct ofpbuf;

/* The action list (flower-translate-actions.c). */
struct flower_action *flower_add_action(struct flower_rule *,
                                        enum flower_action_type,
                                        struct offload_refusal_info *);
bool flower_action_ends_list(enum flower_action_type);
int flower_translate_action_list(const struct nlattr *actions,
                                 size_t actions_len, bool end,
                                 const struct flower_port_resolver *,
                                 struct flower_rule *,
                                 struct offload_refusal_info *);
int flower_actions_to_odp(const struct flower_rule *,
                          const struct flower_port_resolver *,
                          int start, int end, struct ofpbuf *);

/* check_pkt_len (flower-translate-pktlen.c). */
int flower_vlan_tags_at(const struct flower_rule *, int index);
int flower_translate_check_pkt_len(const struct nlattr *, bool is_last,
                                   const struct flower_port_resolver *,
                                   struct flower_rule *,
                                   struct offload_refusal_info *);
int flower_check_pkt_len_to_odp(const struct flower_rule *,
                                const struct flower_port_resolver *,
                                int index, int end, struct ofpbuf *);

/* sFlow sampling (flower-translate-sample.c). */
int flower_translate_sample(const struct nlattr *,
                            const struct flower_port_resolver *,
                            struct flower_rule *,
                            struct offload_refusal_info *);

/* Header rewrites (flower-translate-set.c). */
int flower_translate_set(const struct nlattr *set, bool masked,
                         struct flower_rule *, uint32_t *csum_flags,
                         struct offload_refusal_info *);
int flower_pedit_to_odp_actions(const struct flower_rule *,
                                const struct flower_action *,
                                struct ofpbuf *);

/* Tunnels (flower-translate-tunnel.c). */
int flower_translate_tunnel_match(const struct flow *key, struct flow *mask,
                                  struct flower_rule *,
                                  struct offload_refusal_info *);
void flower_rule_tunnel_to_match(const struct flower_rule *, struct match *);
int flower_translate_set_tunnel(const struct nlattr *tunnel,
                                struct flower_rule *, struct flower_action *,
                                struct offload_refusal_info *);
void flower_tunnel_set_to_odp_action(const struct flower_rule *,
                                     const struct flower_action *,
                                     struct ofpbuf *);

/* ct (flower-translate-ct.c). */
int flower_translate_ct(const struct nlattr *ct, struct flower_rule *,
                        struct offload_refusal_info *);
void flower_ct_to_odp_action(const struct flower_ct *, struct ofpbuf *);

/* MPLS (flower-translate-mpls.c).  act_mpls refuses to push or set the
 * "implicit null" label (RFC 3032), which never appears in a packet. */
#define MPLS_IMPLICIT_NULL 3

int flower_translate_mpls_match(const struct flow *key, struct flow *mask,
                                struct flower_rule *,
                                struct offload_refusal_info *);
void flower_rule_mpls_to_match(const struct flower_rule *, struct match *);
int flower_translate_set_mpls(const struct nlattr *key, const void *mask,
                              struct flower_action *,
                              struct offload_refusal_info *);
void flower_mpls_to_odp_action(const struct flower_action *,
                               struct ofpbuf *);

#endif /* flower-translate-private.h */
