/*
 * Unit tests for lib/flower-codec*.c on tunnels, as the kernel sends them:
 * dump entries with tunnel keys, Geneve options and VXLAN GBP as
 * fl_dump_key() puts them and tunnel_key actions as tunnel_key_dump()
 * puts them, tunnel options and actions the codec does not model, which
 * decoding must report as not its own, and malformed ones, which it must
 * reject with EPROTO.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <string.h>

/* Puts into a nest of 'type' the Geneve options 'opts' as the kernel dumps
 * them: every TLV's class, type and data in one Geneve nest, without
 * NLA_F_NESTED (flower and act_tunnel_key number these alike). */
static void
put_geneve_dump(struct nlmsghdr *nlh, uint16_t type,
                const struct flower_geneve_opts *opts)
{
    struct nlattr *outer = mnl_attr_nest_start(nlh, type);
    struct nlattr *nest = mnl_attr_nest_start(nlh,
                                              TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
    size_t off, data_len;

    for (off = 0; off < opts->len; off += 4 + data_len) {
        const uint8_t *tlv = &opts->data[off];

        data_len = tlv[3] * 4;
        mnl_attr_put(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 2, tlv);
        mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, tlv[2]);
        mnl_attr_put(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, data_len,
                     tlv + 4);
    }
    mnl_attr_nest_end(nlh, nest);
    mnl_attr_nest_end(nlh, outer);
    outer->nla_type &= ~NLA_F_NESTED;   /* nla_nest_start_noflag(). */
    nest->nla_type &= ~NLA_F_NESTED;
}

/* Puts into a nest of 'type' flower's VXLAN nest with 'gbp', without
 * NLA_F_NESTED as the kernel dumps them. */
static void
put_vxlan_dump(struct nlmsghdr *nlh, uint16_t type, uint32_t gbp)
{
    struct nlattr *outer = mnl_attr_nest_start(nlh, type);
    struct nlattr *nest = mnl_attr_nest_start(nlh,
                                              TCA_FLOWER_KEY_ENC_OPTS_VXLAN);

    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, gbp);
    mnl_attr_nest_end(nlh, nest);
    mnl_attr_nest_end(nlh, outer);
    outer->nla_type &= ~NLA_F_NESTED;
    nest->nla_type &= ~NLA_F_NESTED;
}

/* Puts a key attribute and its mask attribute, if the mask is not zero, as
 * fl_dump_key_val() does. */
static void
put_key_val(struct nlmsghdr *nlh, uint16_t attr, const void *key,
            uint16_t mask_attr, const void *mask, size_t size)
{
    static const uint8_t zeros[16];

    if (memcmp(mask, zeros, size)) {
        mnl_attr_put(nlh, attr, size, key);
        if (mask_attr) {
            mnl_attr_put(nlh, mask_attr, size, mask);
        }
    }
}

/* Puts the tunnel keys of 'r' as fl_dump_key() does: the addresses of the
 * family matched, the key id, the ports, TOS and TTL, then the options
 * key and mask.  'gbp_mask' stands for the GBP mask. */
static void
put_enc_dump(struct nlmsghdr *nlh, const struct flower_rule *r,
             uint32_t gbp_mask)
{
    const struct flower_key *k = &r->key, *m = &r->mask;

    if (m->enc_ipv4_src || m->enc_ipv4_dst) {
        put_key_val(nlh, TCA_FLOWER_KEY_ENC_IPV4_SRC, &k->enc_ipv4_src,
                    TCA_FLOWER_KEY_ENC_IPV4_SRC_MASK, &m->enc_ipv4_src, 4);
        put_key_val(nlh, TCA_FLOWER_KEY_ENC_IPV4_DST, &k->enc_ipv4_dst,
                    TCA_FLOWER_KEY_ENC_IPV4_DST_MASK, &m->enc_ipv4_dst, 4);
    } else {
        put_key_val(nlh, TCA_FLOWER_KEY_ENC_IPV6_SRC, &k->enc_ipv6_src,
                    TCA_FLOWER_KEY_ENC_IPV6_SRC_MASK, &m->enc_ipv6_src, 16);
        put_key_val(nlh, TCA_FLOWER_KEY_ENC_IPV6_DST, &k->enc_ipv6_dst,
                    TCA_FLOWER_KEY_ENC_IPV6_DST_MASK, &m->enc_ipv6_dst, 16);
    }
    put_key_val(nlh, TCA_FLOWER_KEY_ENC_KEY_ID, &k->enc_key_id, 0,
                &m->enc_key_id, 4);
    put_key_val(nlh, TCA_FLOWER_KEY_ENC_UDP_SRC_PORT, &k->enc_tp_src,
                TCA_FLOWER_KEY_ENC_UDP_SRC_PORT_MASK, &m->enc_tp_src, 2);
    put_key_val(nlh, TCA_FLOWER_KEY_ENC_UDP_DST_PORT, &k->enc_tp_dst,
                TCA_FLOWER_KEY_ENC_UDP_DST_PORT_MASK, &m->enc_tp_dst, 2);
    put_key_val(nlh, TCA_FLOWER_KEY_ENC_IP_TOS, &k->enc_tos,
                TCA_FLOWER_KEY_ENC_IP_TOS_MASK, &m->enc_tos, 1);
    put_key_val(nlh, TCA_FLOWER_KEY_ENC_IP_TTL, &k->enc_ttl,
                TCA_FLOWER_KEY_ENC_IP_TTL_MASK, &m->enc_ttl, 1);
    if (m->enc_geneve.len) {
        put_geneve_dump(nlh, TCA_FLOWER_KEY_ENC_OPTS, &k->enc_geneve);
        put_geneve_dump(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK, &m->enc_geneve);
    } else if (m->enc_vxlan_gbp) {
        put_vxlan_dump(nlh, TCA_FLOWER_KEY_ENC_OPTS, k->enc_vxlan_gbp);
        put_vxlan_dump(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK, gbp_mask);
    }
}

/* Builds the dump entry of 'r', whose only keys are the ethertype and
 * tunnel keys, with a redirect to 9. */
static struct nlmsghdr *
reply_enc(const struct flower_rule *r, uint32_t gbp_mask)
{
    struct nlmsghdr *nlh = reply_start("flower", r->protocol);
    struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    struct nlattr *list;

    put_key_val(nlh, TCA_FLOWER_KEY_ETH_TYPE, &r->key.eth_type, 0,
                &r->mask.eth_type, 2);
    put_enc_dump(nlh, r, gbp_mask);
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS, TCA_CLS_FLAGS_NOT_IN_HW);
    mnl_attr_put_u32(nlh, TCA_FLOWER_IN_HW_COUNT, 0);
    list = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    reply_mirred(nlh, 1, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, NO_TM);
    mnl_attr_nest_end(nlh, list);
    mnl_attr_nest_end(nlh, options);
    return nlh;
}

/* Tests: tunnel keys as the kernel dumps them. */

/* IPv4 tunnel keys and two Geneve TLVs, one masked, all of them in the one
 * Geneve nest of a dump, decode to the rule that was added. */
const char *
test_decode_kernel_enc_geneve(void)
{
    struct flower_rule r, expected;

    ip_rule(&expected, false);
    expected.id.prio = 1;
    expected.id.handle = 1;
    expected.key.enc_key_id = htonl(5000);
    expected.mask.enc_key_id = 0xffffffff;
    expected.key.enc_ipv4_dst = htonl(0xc0a80001);
    expected.mask.enc_ipv4_dst = 0xffffffff;
    expected.key.enc_tp_dst = htons(6081);
    expected.mask.enc_tp_dst = 0xffff;
    expected.key.enc_ttl = 63;
    expected.mask.enc_ttl = 0xff;
    add_tlv(&expected.key.enc_geneve, 0x0102, 0x80, 1, 0x10, 1);
    add_tlv(&expected.key.enc_geneve, 0x0103, 0x05, 3, 0x20, 1);
    add_tlv(&expected.mask.enc_geneve, 0xffff, 0xff, 1, 0xff, 0);
    add_tlv(&expected.mask.enc_geneve, 0xff00, 0x7f, 3, 0xf0, 0);
    CHECK_ERR(decode_copy(reply_enc(&expected, 0), &r), 0);
    TRY(compare_rules(&expected, &r));
    return roundtrip(&expected);
}

/* IPv6 tunnel keys and a GBP added without a mask, which the kernel dumps
 * with a mask of all ones: decoded as the bits a packet can have. */
const char *
test_decode_kernel_enc_vxlan(void)
{
    struct flower_rule r, expected;

    ip_rule(&expected, true);
    expected.id.prio = 1;
    expected.id.handle = 1;
    memset(&expected.key.enc_ipv6_src, 0x20, 16);
    memset(&expected.mask.enc_ipv6_src, 0xff, 16);
    memset(&expected.key.enc_ipv6_dst, 0x30, 16);
    memset(&expected.mask.enc_ipv6_dst, 0xff, 8);
    expected.key.enc_tos = 0x10;
    expected.mask.enc_tos = 0xfc;
    expected.key.enc_vxlan_gbp = 0x00080042;
    expected.mask.enc_vxlan_gbp = 0x0048ffff;
    CHECK_ERR(decode_copy(reply_enc(&expected, 0xffffffff), &r), 0);
    TRY(compare_rules(&expected, &r));
    return roundtrip(&expected);
}

/* Puts the options of a tunnel_key doing 't_action' as tunnel_key_dump()
 * does, for a set those of 't' and the options 'geneve' if 't' has them,
 * except for the attribute 'omit'. */
static void
put_tunnel_key_dump(struct nlmsghdr *nlh, uint16_t index, int t_action,
                    const struct flower_tunnel_set *t,
                    const struct flower_geneve_opts *geneve, uint16_t omit)
{
    struct tc_tunnel_key p = { .index = index, .action = TC_ACT_PIPE,
                               .t_action = t_action, .refcnt = 1,
                               .bindcnt = 1 };
    struct opt opts[] = {
        { TCA_TUNNEL_KEY_PARMS, &p, sizeof p },
        { TCA_TUNNEL_KEY_ENC_KEY_ID, &t->id, t->has_id ? 4 : 0 },
        { TCA_TUNNEL_KEY_ENC_IPV4_SRC, &t->ipv4_src, t->ipv4_dst ? 4 : 0 },
        { TCA_TUNNEL_KEY_ENC_IPV4_DST, &t->ipv4_dst, t->ipv4_dst ? 4 : 0 },
        { TCA_TUNNEL_KEY_ENC_IPV6_SRC, &t->ipv6_src, t->ipv4_dst ? 0 : 16 },
        { TCA_TUNNEL_KEY_ENC_IPV6_DST, &t->ipv6_dst, t->ipv4_dst ? 0 : 16 },
        { TCA_TUNNEL_KEY_ENC_DST_PORT, &t->tp_dst, t->tp_dst ? 2 : 0 },
        { TCA_TUNNEL_KEY_NO_CSUM, &t->no_csum, 1 },
        { TCA_TUNNEL_KEY_ENC_TOS, &t->tos, t->tos ? 1 : 0 },
        { TCA_TUNNEL_KEY_ENC_TTL, &t->ttl, t->ttl ? 1 : 0 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(opts); i++) {
        if (opts[i].type != omit && opts[i].size
            && (i == 0 || t_action == TCA_TUNNEL_KEY_ACT_SET)) {
            mnl_attr_put(nlh, opts[i].type, opts[i].size, opts[i].data);
        }
        if (opts[i].type == TCA_TUNNEL_KEY_NO_CSUM && t->geneve
            && t_action == TCA_TUNNEL_KEY_ACT_SET
            && omit != TCA_TUNNEL_KEY_ENC_OPTS) {
            put_geneve_dump(nlh, TCA_TUNNEL_KEY_ENC_OPTS, geneve);
        }
    }
    mnl_attr_put(nlh, TCA_TUNNEL_KEY_PAD, 0, NULL);
}

/* Tests: tunnel_key as the kernel dumps it. */

/* A set with Geneve options then a redirect; a release, an IPv6 set
 * without id, port, TOS or TTL and a redirect: both decode to what was
 * added, the last use being the most recent of the actions'. */
const char *
test_decode_kernel_tunnel_key(void)
{
    struct flower_rule r, expected;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        int i = pass;

        base_rule(&expected);
        expected.id.prio = 1;
        expected.id.handle = 1;
        if (pass) {
            memset(&expected.actions[0], 0, sizeof expected.actions[0]);
            expected.actions[0].type = FLOWER_ACT_TUNNEL_RELEASE;
            reply_act_start(nlh, &n, 1, "tunnel_key");
            put_tunnel_key_dump(nlh, 1, TCA_TUNNEL_KEY_ACT_RELEASE,
                                &expected.actions[0].tunnel, NULL, 0);
            reply_act_end(nlh, &n, TCA_TUNNEL_KEY_TM, 30);
        }
        set_tunnel(&expected, i, pass);
        if (pass) {
            expected.actions[i].tunnel.has_id = false;
            expected.actions[i].tunnel.id = 0;
            expected.actions[i].tunnel.tp_dst = 0;
            expected.actions[i].tunnel.tos = 0;
            expected.actions[i].tunnel.ttl = 0;
            expected.actions[i].tunnel.no_csum = false;
        } else {
            expected.actions[i].tunnel.geneve = true;
            add_tlv(&expected.encap_geneve, 0x0102, 0x80, 1, 0x11, 1);
            add_tlv(&expected.encap_geneve, 0x0104, 0x01, 2, 0x22, 1);
        }
        reply_act_start(nlh, &n, i + 1, "tunnel_key");
        put_tunnel_key_dump(nlh, i + 1, TCA_TUNNEL_KEY_ACT_SET,
                            &expected.actions[i].tunnel,
                            &expected.encap_geneve, 0);
        reply_act_end(nlh, &n, TCA_TUNNEL_KEY_TM, 40);
        reply_mirred(nlh, i + 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0,
                     50);
        expected.actions[i + 1].type = FLOWER_ACT_REDIRECT;
        expected.actions[i + 1].ifindex = 9;
        expected.n_actions = i + 2;
        expected.stats.has_lastuse = true;
        expected.stats.lastuse_ms = pass ? 300 : 400;
        CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r), 0);
        TRY(compare_rules(&expected, &r));

        expected.stats.has_lastuse = false;
        expected.stats.lastuse_ms = 0;
        TRY(roundtrip(&expected));
    }
    return NULL;
}

/* An attribute of a hand-built options nest: a nest of 'type' that holds
 * the attributes after it (none if 'type' is 0), or 'len' bytes. */
struct raw_attr {
    bool nest;
    uint16_t type;
    uint16_t len;
};

#define GENEVE { true, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, 0 }
#define CLASS { false, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 2 }
#define TYPE { false, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 1 }
#define DATA(LEN) { false, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, LEN }
#define TLV(LEN) CLASS, TYPE, DATA(LEN)
#define VXLAN { true, TCA_FLOWER_KEY_ENC_OPTS_VXLAN, 0 }
#define GBP { false, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, 4 }
#define EMPTY { true, 0, 0 }
#define MAX_RAW 12

/* Puts, unless 'attrs' is empty, a nest of 'type' with the attributes
 * 'attrs' (up to MAX_RAW, ended by one of type 0), their bytes 'fill'. */
static void
put_raw_opts(struct nlmsghdr *nlh, uint16_t type,
             const struct raw_attr *attrs, uint8_t fill)
{
    struct nlattr *outer, *nest = NULL;
    uint8_t data[128];
    int i;

    if (!attrs[0].nest && !attrs[0].type) {
        return;
    }
    memset(data, fill, sizeof data);
    outer = mnl_attr_nest_start(nlh, type);
    for (i = 0; i < MAX_RAW && (attrs[i].nest || attrs[i].type); i++) {
        if (!attrs[i].nest) {
            mnl_attr_put(nlh, attrs[i].type, attrs[i].len, data);
            continue;
        }
        if (nest) {
            mnl_attr_nest_end(nlh, nest);
            nest = NULL;
        }
        if (attrs[i].type) {
            nest = mnl_attr_nest_start(nlh, attrs[i].type);
        }
    }
    if (nest) {
        mnl_attr_nest_end(nlh, nest);
    }
    mnl_attr_nest_end(nlh, outer);
}

/* Options key and mask of a flower dump entry, and the expected result. */
struct enc_opts_case {
    int line;
    struct raw_attr key[MAX_RAW];   /* Bytes 0, or 'key_fill'. */
    struct raw_attr mask[MAX_RAW];  /* Bytes 0xff. */
    int error;
    uint8_t key_fill;
};

/* Decodes a dump entry with the options of each of the 'n' 'cases' and
 * checks the result. */
static const char *
check_enc_opts_cases(const struct enc_opts_case *cases, size_t n)
{
    struct flower_rule r;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct enc_opts_case *c = &cases[i];
        struct nlmsghdr *nlh = reply_start("flower", htons(ETH_P_ALL));
        struct nlattr *options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        int ret;

        put_raw_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS, c->key, c->key_fill);
        put_raw_opts(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK, c->mask, 0xff);
        mnl_attr_nest_end(nlh, options);
        ret = decode_copy(nlh, &r);
        if (ret != c->error) {
            FAIL("case of line %d: decoded as %d (%s), expected %d (%s)",
                 c->line, ret, strerror(ret), c->error, strerror(c->error));
        }
    }
    return NULL;
}

/* Tests: options, actions and uses of them the codec does not model. */

/* ERSPAN and GTP options, and option kinds and Geneve or VXLAN attributes
 * newer than the uapi headers. */
const char *
test_decode_enc_opts_unknown(void)
{
    static const struct raw_attr erspan[MAX_RAW] = {
        { true, TCA_FLOWER_KEY_ENC_OPTS_ERSPAN, 0 },
        { false, TCA_FLOWER_KEY_ENC_OPT_ERSPAN_VER, 1 },
    };
    static const struct raw_attr gtp[MAX_RAW] = {
        { true, TCA_FLOWER_KEY_ENC_OPTS_GTP, 0 },
        { false, TCA_FLOWER_KEY_ENC_OPT_GTP_PDU_TYPE, 1 },
    };
    static const struct enc_opts_case cases[] = {
        { __LINE__, { GENEVE, TLV(4) }, { GENEVE, TLV(4) }, 0, 0 },
        { __LINE__, { VXLAN, GBP }, { VXLAN, GBP }, 0, 0 },
        { __LINE__, { GENEVE, TLV(4), { false, 4, 4 } },
          { GENEVE, TLV(4), { false, 4, 4 } }, EOPNOTSUPP, 0 },
        { __LINE__, { VXLAN, GBP, { false, 2, 4 } },
          { VXLAN, GBP, { false, 2, 4 } }, EOPNOTSUPP, 0 },
        { __LINE__, { { true, TCA_FLOWER_KEY_ENC_OPTS_MAX + 1, 0 }, TLV(4) },
          { { true, TCA_FLOWER_KEY_ENC_OPTS_MAX + 1, 0 }, TLV(4) },
          EOPNOTSUPP, 0 },
    };
    struct enc_opts_case c = { __LINE__, { { 0 } }, { { 0 } },
                               EOPNOTSUPP, 0 };

    TRY(check_enc_opts_cases(cases, ARRAY_SIZE(cases)));
    memcpy(c.key, erspan, sizeof erspan);
    memcpy(c.mask, erspan, sizeof erspan);
    TRY(check_enc_opts_cases(&c, 1));
    memcpy(c.key, gtp, sizeof gtp);
    memcpy(c.mask, gtp, sizeof gtp);
    return check_enc_opts_cases(&c, 1);
}

/* Decodes a list of a tunnel_key set whose options are put by
 * put_tunnel_key_dump() from set_tunnel(..., 'v6') without 'omit', then
 * 'extra_type' of 'extra_size' bytes (if not 0) or the raw options
 * 'raw' (if any) in TCA_TUNNEL_KEY_ENC_OPTS, then a redirect, and checks
 * that decoding returns 'error'. */
static const char *
check_tunnel_key_reply(int line, bool v6, uint16_t omit, uint16_t extra_type,
                       size_t extra_size, const struct raw_attr *raw,
                       int error)
{
    static const uint8_t zeros[32];
    struct flower_rule expected, r;
    struct reply_nests n;
    struct nlmsghdr *nlh = reply_list_start(&n);
    int ret;

    base_rule(&expected);
    set_tunnel(&expected, 0, v6);
    reply_act_start(nlh, &n, 1, "tunnel_key");
    put_tunnel_key_dump(nlh, 1, TCA_TUNNEL_KEY_ACT_SET,
                        &expected.actions[0].tunnel, NULL, omit);
    if (extra_type) {
        mnl_attr_put(nlh, extra_type, extra_size, zeros);
    }
    if (raw) {
        put_raw_opts(nlh, TCA_TUNNEL_KEY_ENC_OPTS, raw, 0);
    }
    reply_act_end(nlh, &n, TCA_TUNNEL_KEY_TM, NO_TM);
    reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0, NO_TM);
    ret = decode_copy(reply_list_end(nlh, &n), &r);
    if (ret != error) {
        FAIL("line %d: decoded as %d (%s), expected %d (%s)", line, ret,
             strerror(ret), error, strerror(error));
    }
    return NULL;
}

#define CHECK_TUNNEL_KEY_REPLY(V6, OMIT, EXTRA, SIZE, RAW, ERROR)        \
    TRY(check_tunnel_key_reply(__LINE__, V6, OMIT, EXTRA, SIZE, RAW, ERROR))

/* ERSPAN options to set (VXLAN ones, a GBP, are ours), the "don't
 * fragment" flag of later kernels, a destination 0.0.0.0 or :: (the model
 * takes a zero IPv4 destination for IPv6, and refuses an unspecified IPv6
 * one), a second set with Geneve options and an unknown tunnel_key
 * action. */
const char *
test_decode_tunnel_key_unknown(void)
{
    static const struct raw_attr vxlan[MAX_RAW] = {
        { true, TCA_TUNNEL_KEY_ENC_OPTS_VXLAN, 0 },
        { false, TCA_TUNNEL_KEY_ENC_OPT_VXLAN_GBP, 4 },
    };
    static const struct raw_attr erspan[MAX_RAW] = {
        { true, TCA_TUNNEL_KEY_ENC_OPTS_ERSPAN, 0 },
        { false, TCA_TUNNEL_KEY_ENC_OPT_ERSPAN_VER, 1 },
    };
    static const struct raw_attr geneve[MAX_RAW] = { GENEVE, TLV(4) };
    struct flower_geneve_opts opts;
    struct flower_rule r;
    int pass;

    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, geneve, 0);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, vxlan, 0);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, erspan, EOPNOTSUPP);
    CHECK_TUNNEL_KEY_REPLY(false, 0, TCA_TUNNEL_KEY_MAX + 1, 0, NULL,
                           EOPNOTSUPP);

    CHECK_TUNNEL_KEY_REPLY(false, TCA_TUNNEL_KEY_ENC_IPV4_DST,
                           TCA_TUNNEL_KEY_ENC_IPV4_DST, 4, NULL, EOPNOTSUPP);
    CHECK_TUNNEL_KEY_REPLY(true, TCA_TUNNEL_KEY_ENC_IPV6_DST,
                           TCA_TUNNEL_KEY_ENC_IPV6_DST, 16, NULL, EOPNOTSUPP);

    /* Geneve options on the first set only, on both, and an action that
     * is neither a set nor a release. */
    memset(&opts, 0, sizeof opts);
    add_tlv(&opts, 0x0102, 0x80, 1, 0x11, 1);
    for (pass = 0; pass < 3; pass++) {
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        int t_action = pass == 2 ? 3 : TCA_TUNNEL_KEY_ACT_SET;
        int i;

        base_rule(&r);
        for (i = 0; i < 2; i++) {
            set_tunnel(&r, i, false);
            r.actions[i].tunnel.geneve = !i || pass == 1;
            reply_act_start(nlh, &n, i + 1, "tunnel_key");
            put_tunnel_key_dump(nlh, i + 1, t_action, &r.actions[i].tunnel,
                                &opts, 0);
            reply_act_end(nlh, &n, TCA_TUNNEL_KEY_TM, NO_TM);
        }
        reply_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0,
                     NO_TM);
        CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r),
                  pass ? EOPNOTSUPP : 0);
    }
    return NULL;
}

/* Tests: malformed tunnel keys and options. */

/* Options the kernel never dumps: TLVs cut, out of order, of bad sizes or
 * too many; empty nests, key without mask and the reverse, a mask of other
 * TLVs, Geneve options mixed with a GBP, a bad GBP; and outer addresses of
 * both families. */
const char *
test_bad_enc_reply(void)
{
    static const struct enc_opts_case cases[] = {
        { __LINE__, { GENEVE, TLV(4), TLV(8) }, { GENEVE, TLV(4), TLV(8) },
          0, 0 },
        { __LINE__, { GENEVE, TLV(3) }, { GENEVE, TLV(3) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(6) }, { GENEVE, TLV(6) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(0) }, { GENEVE, TLV(0) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(128) }, { GENEVE, TLV(128) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(124), TLV(124), TLV(4) },
          { GENEVE, TLV(124), TLV(124), TLV(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE, CLASS, TYPE }, { GENEVE, CLASS, TYPE },
          EPROTO, 0 },
        { __LINE__, { GENEVE, TYPE, CLASS, DATA(4) },
          { GENEVE, TYPE, CLASS, DATA(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE,
                      { false, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 1 },
                      TYPE, DATA(4) },
          { GENEVE, TLV(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE, CLASS,
                      { false, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 2 },
                      DATA(4) },
          { GENEVE, TLV(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE }, { GENEVE }, EPROTO, 0 },
        { __LINE__, { EMPTY }, { EMPTY }, EPROTO, 0 },
        { __LINE__, { { false, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, 2 } },
          { GENEVE, TLV(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(4) }, { { 0 } }, EPROTO, 0 },
        { __LINE__, { { 0 } }, { GENEVE, TLV(4) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(4) }, { GENEVE, TLV(8) }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(4), TLV(4) }, { GENEVE, TLV(4) },
          EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(4) }, { VXLAN, GBP }, EPROTO, 0 },
        { __LINE__, { GENEVE, TLV(4), VXLAN, GBP },
          { GENEVE, TLV(4), VXLAN, GBP }, EPROTO, 0 },
        { __LINE__, { VXLAN, GBP, GENEVE, TLV(4) },
          { VXLAN, GBP, GENEVE, TLV(4) }, EPROTO, 0 },
        { __LINE__, { VXLAN, GBP, VXLAN, GBP }, { VXLAN, GBP, VXLAN, GBP },
          EPROTO, 0 },
        { __LINE__, { VXLAN }, { VXLAN }, EPROTO, 0 },
        { __LINE__, { VXLAN, { false, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, 2 } },
          { VXLAN, GBP }, EPROTO, 0 },
        { __LINE__, { VXLAN, GBP }, { VXLAN, GBP }, EPROTO, 0xff },
    };
    struct flower_rule r;
    struct nlmsghdr *nlh;
    int pass;

    TRY(check_enc_opts_cases(cases, ARRAY_SIZE(cases)));

    /* fl_dump_key() reports one family (the other shares its bytes). */
    for (pass = 0; pass < 2; pass++) {
        struct nlattr *options;

        nlh = reply_start("flower", htons(ETH_P_ALL));
        options = mnl_attr_nest_start(nlh, TCA_OPTIONS);
        mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ENC_IPV4_DST, 1);
        mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ENC_IPV4_DST_MASK, 0xffffffff);
        if (pass) {
            uint8_t addr[16] = { 0x20, 0x01 };

            mnl_attr_put(nlh, TCA_FLOWER_KEY_ENC_IPV6_SRC, 16, addr);
        }
        mnl_attr_nest_end(nlh, options);
        CHECK_ERR(decode_copy(nlh, &r), pass ? EPROTO : 0);
    }
    return NULL;
}

/* A set without addresses, with half of them or both families, with
 * attributes of the wrong size (the uapi's be64 key id) or empty or bad
 * Geneve options; a release with a set's attributes. */
const char *
test_bad_tunnel_key_reply(void)
{
    static const struct raw_attr empty[MAX_RAW] = { EMPTY };
    static const struct raw_attr no_tlv[MAX_RAW] = { GENEVE };
    static const struct raw_attr short_data[MAX_RAW] = { GENEVE, TLV(5) };
    static const struct raw_attr no_data[MAX_RAW] = { GENEVE, CLASS, TYPE };
    struct flower_rule r;
    int pass;

    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, NULL, 0);
    CHECK_TUNNEL_KEY_REPLY(true, 0, 0, 0, NULL, 0);
    CHECK_TUNNEL_KEY_REPLY(false, TCA_TUNNEL_KEY_ENC_IPV4_SRC, 0, 0, NULL,
                           EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, TCA_TUNNEL_KEY_ENC_IPV4_DST, 0, 0, NULL,
                           EPROTO);
    CHECK_TUNNEL_KEY_REPLY(true, TCA_TUNNEL_KEY_ENC_IPV6_DST, 0, 0, NULL,
                           EPROTO);
    CHECK_TUNNEL_KEY_REPLY(true, 0, TCA_TUNNEL_KEY_ENC_IPV4_DST, 4, NULL,
                           EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, 0, TCA_TUNNEL_KEY_ENC_IPV6_SRC, 16, NULL,
                           EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, TCA_TUNNEL_KEY_ENC_KEY_ID,
                           TCA_TUNNEL_KEY_ENC_KEY_ID, 8, NULL, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(true, TCA_TUNNEL_KEY_ENC_IPV6_SRC,
                           TCA_TUNNEL_KEY_ENC_IPV6_SRC, 4, NULL, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, TCA_TUNNEL_KEY_NO_CSUM,
                           TCA_TUNNEL_KEY_NO_CSUM, 4, NULL, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, empty, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, no_tlv, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, short_data, EPROTO);
    CHECK_TUNNEL_KEY_REPLY(false, 0, 0, 0, no_data, EPROTO);

    /* tunnel_key_dump() puts nothing but the parameters for a release. */
    for (pass = 0; pass < 3; pass++) {
        static const uint8_t zeros[4];
        struct reply_nests n;
        struct nlmsghdr *nlh = reply_list_start(&n);
        static const uint16_t extra[] = {
            0, TCA_TUNNEL_KEY_ENC_KEY_ID, TCA_TUNNEL_KEY_NO_CSUM,
        };

        reply_act_start(nlh, &n, 1, "tunnel_key");
        base_rule(&r);
        put_tunnel_key_dump(nlh, 1, TCA_TUNNEL_KEY_ACT_RELEASE,
                            &r.actions[0].tunnel, NULL, 0);
        if (extra[pass]) {
            mnl_attr_put(nlh, extra[pass],
                         extra[pass] == TCA_TUNNEL_KEY_NO_CSUM ? 1 : 4,
                         zeros);
        }
        reply_act_end(nlh, &n, TCA_TUNNEL_KEY_TM, NO_TM);
        reply_mirred(nlh, 2, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9, 0, 0,
                     NO_TM);
        CHECK_ERR(decode_copy(reply_list_end(nlh, &n), &r),
                  pass ? EPROTO : 0);
    }
    return NULL;
}
