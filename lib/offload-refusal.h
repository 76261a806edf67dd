/*
 * Why a datapath flow was not offloaded.
 *
 * One enum and one string table, generated from the single list below, so
 * that a reason has exactly one name everywhere: in the DBG log line, in
 * tests, and (later) in `ovs-appctl offload/explain`.
 */
#ifndef OFFLOAD_REFUSAL_H
#define OFFLOAD_REFUSAL_H 1

#include <stddef.h>

#define OFFLOAD_REFUSALS                                                   \
    R(NONE, "none")                                                        \
    R(NO_RECIRC_SHARING,                                                   \
      "the kernel cannot resume TC chains in the datapath")                \
    R(INPUT_PORT, "input port of a type TC rules are not made for")      \
    R(MATCH_TUNNEL, "match on tunnel metadata")                            \
    R(MATCH_NOT_ETHERNET, "packet is not Ethernet")                        \
    R(MATCH_VLAN_MASK, "VLAN TCI partially masked")                        \
    R(MATCH_VLAN_DEPTH, "VLAN tags nested deeper than the match reads")   \
    R(MATCH_MPLS, "match on MPLS")                                         \
    R(MATCH_ARP, "match on ARP fields")                                    \
    R(MATCH_IPV6_FRAG, "match on an IPv6 fragment")                        \
    R(MATCH_TCP_FLAGS, "match on tcp_flags")                               \
    R(MATCH_CT, "match on conntrack state")                                \
    R(MATCH_FIELD, "match on a field flower cannot express")               \
    R(ACTION_UNSUPPORTED, "action not offloaded")                          \
    R(ACTION_OUTPUT_PORT, "output to a port without a TC device")          \
    R(ACTION_TOO_MANY, "more actions than one TC rule holds")              \
    R(ACTION_MALFORMED, "malformed actions")                                \
    R(ACTION_TUNNEL_DF,                                                    \
      "the kernel cannot set DF on a tunnel; set options:df_default=false") \
    R(ACTION_METER, "meter not offloaded")                                 \
    R(ACTION_SAMPLE, "only sFlow sampling is offloaded, once a flow")      \
    R(KERNEL_LACKS, "the kernel lacks a feature the flow needs")           \
    R(KERNEL, "the kernel refused the rule")

enum offload_refusal {
#define R(NAME, STRING) OFFLOAD_REFUSAL_##NAME,
    OFFLOAD_REFUSALS
#undef R
    OFFLOAD_N_REFUSALS
};

/* A refusal with the detail that makes it actionable: the field or action
 * that could not be offloaded (e.g. "ct_state", "userspace"). */
struct offload_refusal_info {
    enum offload_refusal reason;
    char detail[48];
};

const char *offload_refusal_to_string(enum offload_refusal);
const char *offload_refusal_name(enum offload_refusal);
void offload_refusal_set(struct offload_refusal_info *, enum offload_refusal,
                         const char *detail);
int offload_refuse(struct offload_refusal_info *, enum offload_refusal,
                   const char *detail);
void offload_refusal_format(const struct offload_refusal_info *,
                            char *buf, size_t size);

#endif /* offload-refusal.h */
