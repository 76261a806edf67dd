/*
 * Declarations shared by the unit tests for lib/flower-codec*.c and
 * lib/tc-police-codec.c: the macros
 * that check a condition and fail a test with a message, the message buffer,
 * the helpers of test-flower-codec-helpers.c and test-flower-codec-replies.c,
 * and the tests of test-flower-codec-*.c, which test-flower-codec.c registers
 * and runs.
 */
#ifndef TEST_FLOWER_CODEC_H
#define TEST_FLOWER_CODEC_H 1

#include "flower-codec.h"

#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_pedit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct nlattr;
struct nlmsghdr;

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])

/* Reason for the current test's failure, which FAIL() formats. */
extern char why[512];

#define FAIL(...)                                       \
    do {                                                \
        snprintf(why, sizeof why, __VA_ARGS__);         \
        return why;                                     \
    } while (0)

#define CHECK(COND)                                                 \
    do {                                                            \
        if (!(COND)) {                                              \
            FAIL("line %d: %s", __LINE__, #COND);                   \
        }                                                           \
    } while (0)

#define CHECK_ERR(EXPR, ERR)                                        \
    do {                                                            \
        int err_ = (EXPR);                                          \
        if (err_ != (ERR)) {                                        \
            FAIL("line %d: %s returned %d (%s), expected %s",       \
                 __LINE__, #EXPR, err_, strerror(err_), #ERR);      \
        }                                                           \
    } while (0)

#define TRY(EXPR)                                       \
    do {                                                \
        const char *why_ = (EXPR);                      \
        if (why_) {                                     \
            return why_;                                \
        }                                               \
    } while (0)

/* Message buffers, 4-byte aligned as netlink wants.  main() clears
 * 'bufw' before each test. */
extern uint32_t bufw[FLOWER_MSG_BUFSIZE / 4];
extern void *const buf;

/* Sentinel for "no struct tcf_t" in reply builders. */
#define NO_TM UINT64_MAX

/* test-flower-codec-helpers.c: rules. */

void base_rule(struct flower_rule *r);
void ip_rule(struct flower_rule *r, bool v6);
void l4_rule(struct flower_rule *r, bool v6, uint8_t proto);
void vlan_rule(struct flower_rule *r, uint16_t inner);
void qinq_rule(struct flower_rule *r, uint16_t outer, uint16_t inner,
               uint16_t type);
void arp_rule(struct flower_rule *r);
void set_ct(struct flower_rule *r, int i, uint16_t zone);
void set_goto(struct flower_rule *r, int i, uint32_t chain);
void set_pedit_key(struct flower_rule *r, int i, uint8_t htype,
                   uint32_t offset, uint32_t value, uint32_t mask);
void set_pedit(struct flower_rule *r, int i, int first, int n);
void set_csum(struct flower_rule *r, int i, uint32_t flags);
void tunnel_match_rule(struct flower_rule *r);
void set_tunnel(struct flower_rule *r, int i, bool v6);
void add_tlv(struct flower_geneve_opts *opts, uint16_t class, uint8_t type,
             int words, uint8_t fill, uint8_t step);
void set_police(struct flower_rule *r, int i, uint32_t index);
struct nlmsghdr *encode(const struct flower_rule *r);
int decode_copy(const struct nlmsghdr *nlh, struct flower_rule *rule);
const char *compare_rules(const struct flower_rule *a,
                          const struct flower_rule *b);
const char *roundtrip(const struct flower_rule *r);

#define CMP(A, B, FIELD, WHAT)                                          \
    do {                                                                \
        if (memcmp(&(A)->FIELD, &(B)->FIELD, sizeof (A)->FIELD)) {      \
            FAIL("decoded %s%s differs", WHAT, #FIELD);                 \
        }                                                               \
    } while (0)

/* test-flower-codec-helpers.c: attributes. */

const struct nlattr *find_nested(const struct nlattr *nest, uint16_t type);
const struct nlattr *find_top(const struct nlmsghdr *nlh, uint16_t type);
const struct nlattr *find_opt(const struct nlmsghdr *nlh, uint16_t type);
const char *expect_payload(const struct nlattr *attr, const char *name,
                           const void *data, size_t size);
const struct nlattr *find_act(const struct nlmsghdr *nlh, uint16_t index);
const char *expect_mirred(const struct nlmsghdr *nlh, uint16_t index,
                          int eaction, int control, uint32_t ifindex);
const char *expect_act_kind(const struct nlmsghdr *nlh, uint16_t index,
                            const char *kind, const struct nlattr **options);
const char *get_parms(const struct nlattr *options, uint16_t type, void *parms,
                      size_t size);
const char *check_field(const struct flower_rule *r, uint16_t attr,
                        const char *name, const void *key, uint16_t mask_attr,
                        const void *mask, size_t size);

#define EXPECT_OPT(NLH, TYPE, DATA, SIZE) \
    TRY(expect_payload(find_opt(NLH, TYPE), #TYPE, DATA, SIZE))

#define EXPECT_NO_OPT(NLH, TYPE)                                \
    do {                                                        \
        if (find_opt(NLH, TYPE)) {                              \
            FAIL("attribute %s present, expected absent", #TYPE); \
        }                                                       \
    } while (0)

#define EXPECT_ACT_OPT(OPTIONS, TYPE, DATA, SIZE) \
    TRY(expect_payload(find_nested(OPTIONS, TYPE), #TYPE, DATA, SIZE))

#define EXPECT_NO_ACT_OPT(OPTIONS, TYPE)                            \
    do {                                                            \
        if (find_nested(OPTIONS, TYPE)) {                           \
            FAIL("attribute %s present, expected absent", #TYPE);   \
        }                                                           \
    } while (0)

#define CHECK_FIELD(R, ATTR, KEY, MASK_ATTR, MASK, SIZE) \
    check_field(R, ATTR, #ATTR, KEY, MASK_ATTR, MASK, SIZE)

/* Defines test_NAME() as FUNCTION(ARG), for IPv4/IPv6 or src/dst
 * variants of one test. */
#define VARIANT_TEST(NAME, FUNCTION, ARG)       \
    const char *                                \
    test_##NAME(void)                           \
    {                                           \
        return FUNCTION(ARG);                   \
    }

/* test-flower-codec-replies.c: simulated kernel replies. */

/* Nests left open while a dump entry with actions is built. */
struct reply_nests {
    struct nlattr *options;     /* TCA_OPTIONS. */
    struct nlattr *list;        /* TCA_FLOWER_ACT. */
    struct nlattr *act;         /* The current action. */
    struct nlattr *act_options; /* Its TCA_ACT_OPTIONS. */
};

/* A pedit action as tcf_pedit_dump() puts it, and how to spoil it. */
struct pedit_reply {
    int action;                 /* Verdict. */
    int nkeys;                  /* tc_pedit_sel 'nkeys', and keys put. */
    int flags;                  /* tc_pedit_sel 'flags'. */
    int parms_extra;            /* Bytes added to the parameters (or,
                                 * if negative, cut from their end). */
    uint16_t parms_type;        /* TCA_PEDIT_PARMS_EX or legacy _PARMS. */
    int n_ex;                   /* Extended keys; -1: no TCA_PEDIT_KEYS_EX
                                 * at all. */
    uint16_t ex_type;           /* Type of their nests. */
    unsigned int ex_attrs;      /* EX_* attributes each one holds. */
    uint16_t htype, cmd;        /* Each extended key's. */
    struct tc_pedit_key key;    /* Each key, 'off' 4 bytes further than
                                 * the one before. */
    size_t tm_size;             /* If not 0, a TCA_PEDIT_TM of this many
                                 * bytes instead of a struct tcf_t. */
};

/* Attributes of an extended key in a 'struct pedit_reply'. */
enum {
    EX_HTYPE = 1 << 0,          /* TCA_PEDIT_KEY_EX_HTYPE. */
    EX_CMD = 1 << 1,            /* TCA_PEDIT_KEY_EX_CMD. */
    EX_HTYPE_U32 = 1 << 2,      /* TCA_PEDIT_KEY_EX_HTYPE, 4 bytes. */
    EX_NEWER = 1 << 3,          /* An attribute newer than the headers. */
};

/* An option attribute, for replies built from a list of them. */
struct opt {
    uint16_t type;
    const void *data;
    size_t size;
};

struct nlmsghdr *reply_start(const char *kind, uint16_t protocol);
void put_tm(struct nlmsghdr *nlh, uint16_t type, uint64_t lastuse);
void reply_mirred(struct nlmsghdr *nlh, uint16_t index, int eaction,
                  int control, uint32_t ifindex, uint64_t bytes,
                  uint32_t packets, uint64_t lastuse);
void reply_gact(struct nlmsghdr *nlh, uint16_t index, int control);
struct nlmsghdr *reply_simple(void);
struct nlattr *first_opt(struct nlmsghdr *nlh);
struct nlmsghdr *reply_list_start(struct reply_nests *n);
struct nlmsghdr *reply_list_end(struct nlmsghdr *nlh, struct reply_nests *n);
void reply_act_start(struct nlmsghdr *nlh, struct reply_nests *n,
                     uint16_t index, const char *kind);
void reply_act_end(struct nlmsghdr *nlh, struct reply_nests *n,
                   uint16_t tm_attr, uint64_t lastuse);
void reply_gact_tm(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                   int control, uint64_t lastuse);
void reply_vlan(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                int v_action, int id, uint16_t tpid, uint8_t prio,
                uint64_t lastuse);
void reply_ct(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
              uint16_t flags, const struct flower_ct *ct, uint64_t lastuse);
void pedit_reply_init(struct pedit_reply *p);
void pedit_reply_keys(struct flower_rule *r, int first);
void reply_pedit(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                 const struct pedit_reply *p, uint64_t lastuse);
void reply_csum(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                uint32_t flags, uint64_t lastuse);
void reply_mpls(struct nlmsghdr *nlh, struct reply_nests *n, uint16_t index,
                int m_action, const struct flower_mpls *m, uint64_t lastuse);
const char *check_pedit_reply(int id, const struct pedit_reply *p,
                              struct flower_rule *r, int error);
const char *check_act_reply(int line, const char *kind, const struct opt *opts,
                            size_t n_opts, uint16_t bad_type, size_t bad_size,
                            int error);

#define CHECK_PEDIT_REPLY(P, ERROR)                             \
    do {                                                        \
        struct flower_rule r_;                                  \
        TRY(check_pedit_reply(__LINE__, P, &r_, ERROR));        \
    } while (0)

#define CHECK_ACT_REPLY(KIND, OPTS, N_OPTS, BAD_TYPE, BAD_SIZE, ERROR)  \
    TRY(check_act_reply(__LINE__, KIND, OPTS, N_OPTS, BAD_TYPE,         \
                        BAD_SIZE, ERROR))

/* test-flower-codec-police.c: police actions as the kernel dumps them. */

/* A police action, as tcf_police_dump() puts it, and its counters. */
struct police_reply {
    struct tc_police p;         /* TCA_POLICE_TBF. */
    uint32_t result;            /* TCA_POLICE_RESULT, unless 0. */
    uint32_t avrate;            /* TCA_POLICE_AVRATE, unless 0. */
    uint64_t rate64;            /* TCA_POLICE_RATE64, unless 0. */
    uint64_t pkt_rate;          /* TCA_POLICE_PKTRATE64, unless 0. */
    uint64_t pkt_burst;         /* TCA_POLICE_PKTBURST64, unless 0. */
    uint64_t lastuse;           /* TCA_POLICE_TM, unless NO_TM. */
    uint64_t packets, bytes;    /* TCA_STATS_BASIC. */
    uint32_t drops;             /* TCA_STATS_QUEUE drops and overlimits. */
    uint32_t act_flags;         /* TCA_ACT_FLAGS, unless 0. */
};

void police_reply_init(struct police_reply *pr, uint32_t index);
void put_police_act(struct nlmsghdr *nlh, uint16_t type,
                    const struct police_reply *pr);

/* test-flower-codec-meter.c: action messages. */

struct tc_meter_police;
struct tc_meter_stats;

const struct nlattr *find_root(const struct nlmsghdr *nlh, uint16_t type);
struct nlmsghdr *act_reply_start(uint16_t type, struct nlattr **tab);
struct nlmsghdr *act_reply(uint16_t type, const struct police_reply *pr);
int decode_copy_police(const struct nlmsghdr *nlh,
                       struct tc_meter_police *meter,
                       struct tc_meter_stats *stats);

/* Tests. */

/* A test: returns NULL on success, else why it failed. */
typedef const char *test_func(void);

/* test-flower-codec-keys.c. */
test_func test_rt_eth_dst, test_rt_eth_src, test_rt_eth_type, test_rt_vlan,
          test_rt_vlan_8021ad, test_rt_vlan_icmp, test_rt_qinq_8021ad,
          test_rt_qinq_8021q, test_rt_qinq_partial, test_rt_ip_proto_v4,
          test_rt_ip_proto_v6, test_rt_ip_tos_v4, test_rt_ip_tos_v6,
          test_rt_ip_ttl_v4, test_rt_ip_ttl_v6, test_rt_ip_flags_v4,
          test_rt_ip_flags_v6, test_rt_ipv4_src, test_rt_ipv4_dst,
          test_rt_ipv6_src, test_rt_ipv6_dst, test_rt_tcp_src, test_rt_tcp_dst,
          test_rt_udp_src, test_rt_udp_dst, test_rt_sctp_src, test_rt_sctp_dst,
          test_rt_tcp_dst_v6, test_rt_udp_src_v6, test_rt_icmpv4_type,
          test_rt_icmpv4_code, test_rt_icmpv6_type, test_rt_icmpv6_code,
          test_rt_tcp_flags_v4, test_rt_tcp_flags_v6, test_rt_arp_sip,
          test_rt_arp_tip, test_rt_arp_op, test_rt_arp_sha, test_rt_arp_tha,
          test_rt_arp_rarp_vlan, test_rt_ct_state, test_rt_ct_zone,
          test_rt_ct_mark, test_rt_ct_label, test_encode_rejects_new_keys,
          test_zero_mask_not_encoded, test_encode_rejects,
          test_encode_rejects_qinq;

/* test-flower-codec-actions.c. */
test_func test_act_drop, test_act_redirect, test_act_mirror_mirror_redirect,
          test_act_max, test_act_ingress, test_cookie, test_flags_skip_hw,
          test_flags_skip_sw, test_flags_none, test_id_fields,
          test_id_chain_zero, test_encode_del_get, test_encode_dump,
          test_encode_qdisc, test_act_vlan_push_8021q,
          test_act_vlan_push_8021ad, test_act_vlan_pop, test_act_goto_chain,
          test_act_ct_commit, test_act_ct_plain, test_act_ct_clear,
          test_act_ovn_ct_goto, test_act_refuse_pipe_last,
          test_act_refuse_end_not_last, test_encode_rejects_actions;

/* test-flower-codec-pedit.c. */
test_func test_act_pedit_rewrite, test_act_pedit_key_bytes, test_act_pedit_two,
          test_act_pedit_refuse;

/* test-flower-codec-tunnel.c. */
test_func test_rt_enc_key_id, test_rt_enc_ipv4_src, test_rt_enc_ipv4_dst,
          test_rt_enc_ipv6_src, test_rt_enc_ipv6_dst, test_rt_enc_tos,
          test_rt_enc_ttl, test_rt_enc_udp_src, test_rt_enc_udp_dst,
          test_rt_enc_all, test_rt_enc_geneve_one, test_rt_enc_geneve_two,
          test_rt_enc_geneve_masked, test_rt_enc_vxlan_gbp,
          test_encode_rejects_enc, test_encode_rejects_geneve,
          test_act_tunnel_set_v4, test_act_tunnel_set_v6,
          test_act_tunnel_set_geneve, test_act_tunnel_set_vxlan_gbp,
          test_act_tunnel_release,
          test_act_tunnel_refuse, test_tunnel_msg_size;

/* test-flower-codec-tunnel-decode.c. */
test_func test_decode_kernel_enc_geneve, test_decode_kernel_enc_vxlan,
          test_decode_kernel_tunnel_key, test_decode_enc_opts_unknown,
          test_decode_tunnel_key_unknown, test_bad_enc_reply,
          test_bad_tunnel_key_reply;

/* test-flower-codec-police.c. */
test_func test_act_police_redirect, test_act_police_drop,
          test_act_police_refuse, test_decode_police_dump,
          test_decode_police_two, test_decode_police_foreign,
          test_bad_police_reply, test_act_sample, test_act_sample_refuse,
          test_decode_sample_dump, test_bad_sample_reply;

/* test-flower-codec-meter.c. */
test_func test_meter_set_bytes, test_meter_set_pkts, test_meter_set_rate64,
          test_meter_burst_rounding, test_meter_set_flags,
          test_meter_set_refuse, test_meter_get_del, test_meter_dump_request;

/* test-flower-codec-meter-replies.c. */
test_func test_meter_decode_reply, test_meter_decode_foreign,
          test_meter_decode_dump, test_bad_meter_reply,
          test_bad_meter_truncated, test_bad_meter_dump;

/* test-flower-codec-decode.c. */
test_func test_decode_kernel_reply, test_decode_vlan_dump,
          test_decode_qinq_dump, test_decode_in_hw, test_stats_decode,
          test_stats_pkt64, test_kind_u32, test_no_options,
          test_unknown_act_kind, test_unknown_act_use, test_unknown_key,
          test_foreign_cookie, test_decode_kernel_new_acts,
          test_stats_lastuse_kinds, test_decode_act_order,
          test_decode_vlan_unknown, test_decode_ct_unknown,
          test_decode_kernel_pedit, test_decode_pedit_unknown;

/* test-flower-codec-malformed.c. */
test_func test_bad_truncated_header, test_bad_truncated_attr, test_bad_u16_len,
          test_bad_mirred_size, test_bad_stats_size, test_bad_options_overflow,
          test_bad_nested_overflow, test_bad_kind, test_bad_act_numbering,
          test_bad_key_combination, test_bad_new_key_len,
          test_bad_new_key_combination, test_bad_cvlan_len,
          test_bad_qinq_combination, test_decode_qinq_third_tag,
          test_bad_act_attr_size, test_bad_act_combination,
          test_bad_pedit_reply, test_bad_csum_reply;

/* test-flower-codec-mpls.c. */
test_func test_rt_mpls_fields, test_rt_mpls_lse, test_rt_mpls_vlan,
          test_encode_rejects_mpls, test_decode_mpls_dump,
          test_bad_mpls_keys, test_act_mpls_push_uc, test_act_mpls_push_mc,
          test_act_mpls_pop, test_act_mpls_set,
          test_encode_rejects_mpls_acts, test_decode_kernel_mpls,
          test_bad_mpls_reply;

/* test-flower-codec-nat.c. */
test_func test_act_ct_nat, test_act_ct_snat_v4, test_act_ct_dnat_v6,
          test_encode_rejects_nat, test_decode_kernel_nat,
          test_bad_nat_reply;

/* test-flower-codec-terse.c. */
test_func test_encode_dump_terse, test_decode_terse, test_decode_terse_full,
          test_bad_terse_reply;

/* test-flower-codec-pktlen.c. */
test_func test_pktlen_police_mtu, test_pktlen_layout, test_pktlen_refuse,
          test_decode_pktlen_dump, test_decode_pktlen_meter,
          test_decode_pktlen_foreign, test_bad_pktlen_reply,
          test_pktlen_gact_jump, test_pktlen_jump_refuse,
          test_decode_pktlen_jump;

#endif /* test-flower-codec.h */
