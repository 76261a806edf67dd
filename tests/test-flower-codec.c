/*
 * Unit tests for lib/flower-codec*.c and lib/tc-police-codec.c: the table
 * of tests, in the order in which "--list" prints and main() runs them, and
 * main().  Standalone: links only the codec and libmnl, needs no kernel
 * support.  The tests are in test-flower-codec-*.c, their helpers in
 * test-flower-codec-helpers.c and test-flower-codec-replies.c.  Usage:
 * test-flower-codec [--list | TEST-NAME]
 */

#include "test-flower-codec.h"

#include <stdio.h>
#include <string.h>

/* Test table and driver. */

/* A test: returns NULL on success, else why it failed. */
struct test {
    const char *name;               /* As given on the command line. */
    test_func *run;                 /* The test itself. */
};

#define T(NAME) { #NAME, test_##NAME }

static const struct test tests[] = {
    T(rt_eth_dst), T(rt_eth_src), T(rt_eth_type),
    T(rt_vlan), T(rt_vlan_8021ad), T(rt_vlan_icmp),
    T(rt_qinq_8021ad), T(rt_qinq_8021q), T(rt_qinq_partial),
    T(rt_ip_proto_v4), T(rt_ip_proto_v6),
    T(rt_ip_tos_v4), T(rt_ip_tos_v6), T(rt_ip_ttl_v4), T(rt_ip_ttl_v6),
    T(rt_ip_flags_v4), T(rt_ip_flags_v6),
    T(rt_ipv4_src), T(rt_ipv4_dst), T(rt_ipv6_src), T(rt_ipv6_dst),
    T(rt_tcp_src), T(rt_tcp_dst), T(rt_udp_src), T(rt_udp_dst),
    T(rt_sctp_src), T(rt_sctp_dst), T(rt_tcp_dst_v6), T(rt_udp_src_v6),
    T(rt_icmpv4_type), T(rt_icmpv4_code),
    T(rt_icmpv6_type), T(rt_icmpv6_code),
    T(rt_tcp_flags_v4), T(rt_tcp_flags_v6),
    T(rt_arp_sip), T(rt_arp_tip), T(rt_arp_op), T(rt_arp_sha), T(rt_arp_tha),
    T(rt_arp_rarp_vlan),
    T(rt_ct_state), T(rt_ct_zone), T(rt_ct_mark), T(rt_ct_label),
    T(zero_mask_not_encoded), T(encode_rejects), T(encode_rejects_new_keys),
    T(encode_rejects_qinq),
    T(rt_enc_key_id), T(rt_enc_ipv4_src), T(rt_enc_ipv4_dst),
    T(rt_enc_ipv6_src), T(rt_enc_ipv6_dst), T(rt_enc_tos), T(rt_enc_ttl),
    T(rt_enc_udp_src), T(rt_enc_udp_dst), T(rt_enc_all),
    T(rt_enc_geneve_one), T(rt_enc_geneve_two), T(rt_enc_geneve_masked),
    T(rt_enc_vxlan_gbp), T(encode_rejects_enc), T(encode_rejects_geneve),
    T(act_drop), T(act_redirect), T(act_mirror_mirror_redirect),
    T(act_max), T(act_ingress), T(cookie),
    T(act_vlan_push_8021q), T(act_vlan_push_8021ad), T(act_vlan_pop),
    T(act_goto_chain), T(act_ct_commit), T(act_ct_plain), T(act_ct_clear),
    T(act_ovn_ct_goto), T(act_refuse_pipe_last), T(act_refuse_end_not_last),
    T(encode_rejects_actions),
    T(act_pedit_rewrite), T(act_pedit_key_bytes), T(act_pedit_two),
    T(act_pedit_refuse),
    T(act_tunnel_set_v4), T(act_tunnel_set_v6), T(act_tunnel_set_geneve),
    T(act_tunnel_set_vxlan_gbp),
    T(act_tunnel_release), T(act_tunnel_refuse), T(tunnel_msg_size),
    T(act_police_redirect), T(act_police_drop), T(act_police_refuse),
    T(act_sample), T(act_sample_refuse),
    T(meter_set_bytes), T(meter_set_pkts), T(meter_set_rate64),
    T(meter_burst_rounding), T(meter_set_flags), T(meter_set_refuse),
    T(meter_get_del), T(meter_dump_request),
    T(flags_skip_hw), T(flags_skip_sw), T(flags_none),
    T(id_fields), T(id_chain_zero),
    T(encode_del_get), T(encode_dump), T(encode_qdisc),
    T(decode_kernel_reply), T(decode_vlan_dump), T(decode_qinq_dump),
    T(decode_qinq_third_tag), T(decode_in_hw),
    T(stats_decode), T(stats_pkt64),
    T(decode_kernel_new_acts), T(stats_lastuse_kinds), T(decode_act_order),
    T(decode_vlan_unknown), T(decode_ct_unknown),
    T(decode_kernel_pedit), T(decode_pedit_unknown),
    T(decode_kernel_enc_geneve), T(decode_kernel_enc_vxlan),
    T(decode_kernel_tunnel_key), T(decode_enc_opts_unknown),
    T(decode_tunnel_key_unknown),
    T(decode_police_dump), T(decode_police_two), T(decode_police_foreign),
    T(meter_decode_reply), T(meter_decode_foreign), T(meter_decode_dump),
    T(decode_sample_dump),
    T(kind_u32), T(no_options),
    T(unknown_act_kind), T(unknown_act_use), T(unknown_key),
    T(foreign_cookie),
    T(bad_truncated_header), T(bad_truncated_attr), T(bad_u16_len),
    T(bad_mirred_size), T(bad_stats_size), T(bad_options_overflow),
    T(bad_nested_overflow), T(bad_kind), T(bad_act_numbering),
    T(bad_key_combination), T(bad_new_key_len), T(bad_new_key_combination),
    T(bad_cvlan_len), T(bad_qinq_combination),
    T(bad_act_attr_size), T(bad_act_combination),
    T(bad_pedit_reply), T(bad_csum_reply),
    T(rt_mpls_fields), T(rt_mpls_lse), T(rt_mpls_vlan),
    T(encode_rejects_mpls), T(decode_mpls_dump), T(bad_mpls_keys),
    T(act_mpls_push_uc), T(act_mpls_push_mc), T(act_mpls_pop),
    T(act_mpls_set), T(encode_rejects_mpls_acts), T(decode_kernel_mpls),
    T(bad_mpls_reply),
    T(act_ct_nat), T(act_ct_snat_v4), T(act_ct_dnat_v6),
    T(encode_rejects_nat), T(decode_kernel_nat), T(bad_nat_reply),
    T(bad_enc_reply), T(bad_tunnel_key_reply),
    T(bad_police_reply),
    T(encode_dump_terse), T(decode_terse), T(decode_terse_full),
    T(bad_terse_reply),
    T(bad_meter_reply), T(bad_meter_truncated), T(bad_meter_dump),
    T(bad_sample_reply),
    T(pktlen_police_mtu), T(pktlen_layout), T(pktlen_refuse),
    T(decode_pktlen_dump), T(decode_pktlen_meter),
    T(decode_pktlen_foreign), T(bad_pktlen_reply),
    T(pktlen_gact_jump), T(pktlen_jump_refuse), T(decode_pktlen_jump),
};

/* Runs the test named by argv[1], or all of them; "--list" lists them.
 * Exits 1 if a test fails, 2 if no test has the name given. */
int
main(int argc, char *argv[])
{
    const char *only = argc > 1 ? argv[1] : NULL;
    int n_run = 0, n_failed = 0;
    size_t i;

    if (only && !strcmp(only, "--list")) {
        for (i = 0; i < ARRAY_SIZE(tests); i++) {
            puts(tests[i].name);
        }
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(tests); i++) {
        const char *reason;

        if (only && strcmp(only, tests[i].name)) {
            continue;
        }
        memset(bufw, 0, sizeof bufw);
        reason = tests[i].run();
        n_run++;
        if (reason) {
            printf("FAIL %s: %s\n", tests[i].name, reason);
            n_failed++;
        } else {
            printf("PASS %s\n", tests[i].name);
        }
    }
    if (!n_run) {
        fprintf(stderr, "%s: no test named \"%s\"\n", argv[0], only);
        return 2;
    }
    return n_failed ? 1 : 0;
}
