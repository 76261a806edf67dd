/*
 * Unit tests for lib/flower-codec*.c on header rewrites: the pedit actions
 * and keys and the csum action that follows them, and the values the encoder
 * must refuse.
 */

#include "test-flower-codec.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <stdio.h>
#include <string.h>

/* Tests: pedit and csum actions. */

/* Checks that action 'index' of request 'nlh' is a pedit, verdict PIPE,
 * of the 'n' keys 'keys': the kernel's mask the bits to keep, its value
 * the model's under the model's mask, and one extended key each, a set
 * in the key's header. */
static const char *
expect_pedit(const struct nlmsghdr *nlh, uint16_t index,
             const struct flower_pedit_key *keys, int n)
{
    const struct nlattr *options, *parms, *keys_ex, *key_ex;
    uint16_t cmd = TCA_PEDIT_KEY_EX_CMD_SET;
    struct tc_pedit_sel sel;
    const uint8_t *payload;
    int i;

    TRY(expect_act_kind(nlh, index, "pedit", &options));
    EXPECT_NO_ACT_OPT(options, TCA_PEDIT_PARMS);
    parms = find_nested(options, TCA_PEDIT_PARMS_EX);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms)
          == sizeof sel + n * sizeof (struct tc_pedit_key));
    payload = mnl_attr_get_payload(parms);
    memcpy(&sel, payload, sizeof sel);
    CHECK(sel.action == TC_ACT_PIPE);
    CHECK(sel.nkeys == n);
    CHECK(sel.flags == 0);
    for (i = 0; i < n; i++) {
        const struct flower_pedit_key *key = &keys[i];
        struct tc_pedit_key k;

        memcpy(&k, &payload[sizeof sel + i * sizeof k], sizeof k);
        if (k.mask != ~key->mask || k.val != (key->value & key->mask)
            || k.off != key->offset || k.at || k.offmask || k.shift) {
            FAIL("action %u key %d: mask %#x val %#x off %u at %u offmask "
                 "%#x shift %u", index, i, k.mask, k.val, k.off, k.at,
                 k.offmask, k.shift);
        }
    }

    keys_ex = find_nested(options, TCA_PEDIT_KEYS_EX);
    CHECK(keys_ex != NULL);
    i = 0;
    mnl_attr_for_each_nested(key_ex, keys_ex) {
        uint16_t htype;

        CHECK(i < n);
        htype = keys[i].htype;
        CHECK(mnl_attr_get_type(key_ex) == TCA_PEDIT_KEY_EX);
        TRY(expect_payload(find_nested(key_ex, TCA_PEDIT_KEY_EX_HTYPE),
                           "TCA_PEDIT_KEY_EX_HTYPE", &htype, 2));
        TRY(expect_payload(find_nested(key_ex, TCA_PEDIT_KEY_EX_CMD),
                           "TCA_PEDIT_KEY_EX_CMD", &cmd, 2));
        i++;
    }
    CHECK(i == n);
    return NULL;
}

/* Checks that action 'index' of request 'nlh' is a csum of 'flags',
 * verdict PIPE. */
static const char *
expect_csum(const struct nlmsghdr *nlh, uint16_t index, uint32_t flags)
{
    const struct nlattr *options;
    struct tc_csum p;

    TRY(expect_act_kind(nlh, index, "csum", &options));
    TRY(get_parms(options, TCA_CSUM_PARMS, &p, sizeof p));
    CHECK(p.action == TC_ACT_PIPE);
    CHECK(p.update_flags == flags);
    return NULL;
}

/* A header rewrite as OVS asks for it: the keys of one pedit action. */
struct rewrite {
    const char *name;
    bool v6;                    /* On IPv6, else IPv4, TCP packets. */
    uint32_t csum_flags;        /* The csum after it. */
    int n_keys;
    struct flower_pedit_key keys[4];
};

#define PK(HTYPE, OFFSET, VALUE, MASK) \
    { TCA_PEDIT_KEY_EX_HDR_TYPE_##HTYPE, OFFSET, VALUE, MASK }

/* Encodes the rule that does 'rw', a csum and a redirect, checks each
 * action and round-trips it. */
static const char *
check_rewrite(const struct rewrite *rw)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    l4_rule(&r, rw->v6, IPPROTO_TCP);
    r.actions[2] = r.actions[0];
    set_pedit(&r, 0, 0, rw->n_keys);
    set_csum(&r, 1, rw->csum_flags);
    r.n_actions = 3;
    memcpy(r.pedit_keys, rw->keys, rw->n_keys * sizeof rw->keys[0]);
    r.n_pedit_keys = rw->n_keys;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_pedit(nlh, 1, rw->keys, rw->n_keys));
    TRY(expect_csum(nlh, 2, rw->csum_flags));
    TRY(expect_mirred(nlh, 3, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    CHECK(find_act(nlh, 4) == NULL);
    return roundtrip(&r);
}

/* OVS's usual rewrites (set eth_dst, partly masked; set nw_ttl; set
 * ipv6_src; set tp_dst), each a pedit, then csum and a redirect. */
const char *
test_act_pedit_rewrite(void)
{
    const uint32_t v4_csum = (TCA_CSUM_UPDATE_FLAG_IPV4HDR
                              | TCA_CSUM_UPDATE_FLAG_TCP);
    const uint32_t all = 0xffffffff;
    const struct rewrite rewrites[] = {
        { "eth_dst", false, v4_csum, 2, {
            PK(ETH, 0, htonl(0x00110033), htonl(0xffff00ff)),
            PK(ETH, 4, htonl(0x44550000), htonl(0xffff0000)) } },
        { "ipv4_ttl", false, v4_csum, 1, {
            PK(IP4, 8, htonl(0x3f000000), htonl(0xff000000)) } },
        { "ipv6_src", true, TCA_CSUM_UPDATE_FLAG_TCP, 4, {
            PK(IP6, 8, htonl(0x20010db8), all), PK(IP6, 12, 0, all),
            PK(IP6, 16, 0, all), PK(IP6, 20, htonl(1), all) } },
        { "tcp_dst", false, v4_csum, 1, {
            PK(TCP, 0, htonl(0x00001f90), htonl(0x0000ffff)) } },
        { "all_v4", false, v4_csum, 4, {
            PK(ETH, 0, htonl(0x00112233), all),
            PK(ETH, 4, htonl(0x44550000), htonl(0xffff0000)),
            PK(IP4, 8, htonl(0x3f000000), htonl(0xff000000)),
            PK(TCP, 0, htonl(0x00001f90), htonl(0x0000ffff)) } },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rewrites); i++) {
        const char *reason = check_rewrite(&rewrites[i]);

        if (reason) {
            char copy[sizeof why];

            snprintf(copy, sizeof copy, "%s", reason);
            FAIL("%s: %.400s", rewrites[i].name, copy);
        }
    }
    return NULL;
}

/* The bytes of one struct tc_pedit_key: the kernel keeps the bits of its
 * mask and XORs in its value, so setting the TTL (byte 0 of the word at
 * IPv4 offset 8) puts mask 00 ff ff ff and value 3f 00 00 00, the bits of
 * the model's value outside its mask dropped, and rewrites a word as the
 * model means it. */
const char *
test_act_pedit_key_bytes(void)
{
    static const uint8_t model_value[4] = { 0x3f, 0x11, 0x22, 0x33 };
    static const uint8_t model_mask[4] = { 0xff, 0x00, 0x00, 0x00 };
    static const uint8_t kernel_mask[4] = { 0x00, 0xff, 0xff, 0xff };
    static const uint8_t kernel_val[4] = { 0x3f, 0x00, 0x00, 0x00 };
    static const uint8_t old[4] = { 0x40, 0x06, 0xbe, 0xef };
    static const uint8_t new[4] = { 0x3f, 0x06, 0xbe, 0xef };
    uint8_t expected[sizeof (struct tc_pedit_key)];
    const struct nlattr *options, *parms;
    struct flower_rule r, out;
    struct tc_pedit_key k;
    struct nlmsghdr *nlh;
    uint32_t value, mask, word;

    memcpy(&value, model_value, 4);
    memcpy(&mask, model_mask, 4);
    ip_rule(&r, false);
    r.actions[1] = r.actions[0];
    set_pedit(&r, 0, 0, 1);
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8, value, mask);
    r.n_actions = 2;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_act_kind(nlh, 1, "pedit", &options));
    parms = find_nested(options, TCA_PEDIT_PARMS_EX);
    CHECK(parms != NULL);
    CHECK(mnl_attr_get_payload_len(parms)
          == sizeof (struct tc_pedit_sel) + sizeof k);

    memset(expected, 0, sizeof expected);
    memcpy(&expected[offsetof(struct tc_pedit_key, mask)], kernel_mask, 4);
    memcpy(&expected[offsetof(struct tc_pedit_key, val)], kernel_val, 4);
    k.off = 8;
    memcpy(&expected[offsetof(struct tc_pedit_key, off)], &k.off, 4);
    CHECK(!memcmp((const uint8_t *) mnl_attr_get_payload(parms)
                  + sizeof (struct tc_pedit_sel), expected, sizeof expected));

    /* What tcf_pedit_act() does with it. */
    memcpy(&k, expected, sizeof k);
    memcpy(&word, old, 4);
    word = (word & k.mask) ^ k.val;
    CHECK(!memcmp(&word, new, 4));

    /* Read back: the value under the mask only. */
    CHECK_ERR(decode_copy(nlh, &out), 0);
    CHECK(out.n_pedit_keys == 1);
    CHECK(!memcmp(&out.pedit_keys[0].value, kernel_val, 4));
    CHECK(!memcmp(&out.pedit_keys[0].mask, model_mask, 4));
    CHECK(out.pedit_keys[0].offset == 8);
    CHECK(out.pedit_keys[0].htype == TCA_PEDIT_KEY_EX_HDR_TYPE_IP4);
    return NULL;
}

/* Two pedit actions share the rule's keys, each with its own range:
 * pedit(eth_dst), pedit(ttl), csum, redirect. */
const char *
test_act_pedit_two(void)
{
    struct flower_rule r;
    struct nlmsghdr *nlh;

    ip_rule(&r, false);
    r.actions[3] = r.actions[0];
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, 0,
                  htonl(0x00112233), 0xffffffff);
    set_pedit_key(&r, 1, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, 4,
                  htonl(0x44550000), htonl(0xffff0000));
    set_pedit_key(&r, 2, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    set_pedit(&r, 0, 0, 2);
    set_pedit(&r, 1, 2, 1);
    set_csum(&r, 2, TCA_CSUM_UPDATE_FLAG_IPV4HDR);
    r.n_actions = 4;
    nlh = encode(&r);
    CHECK(nlh != NULL);
    TRY(expect_pedit(nlh, 1, &r.pedit_keys[0], 2));
    TRY(expect_pedit(nlh, 2, &r.pedit_keys[2], 1));
    TRY(expect_csum(nlh, 3, TCA_CSUM_UPDATE_FLAG_IPV4HDR));
    TRY(expect_mirred(nlh, 4, TCA_EGRESS_REDIR, TC_ACT_STOLEN, 9));
    return roundtrip(&r);
}

/* Pedit and csum values the kernel would refuse or apply otherwise than
 * the model means are refused; the nearest valid values are not. */
const char *
test_act_pedit_refuse(void)
{
    struct flower_pedit_key *key;
    struct flower_rule r;
    int i;

    ip_rule(&r, false);
    r.actions[1] = r.actions[0];
    r.n_actions = 2;
    set_pedit(&r, 0, 0, 1);
    set_pedit_key(&r, 0, TCA_PEDIT_KEY_EX_HDR_TYPE_IP4, 8,
                  htonl(0x3f000000), htonl(0xff000000));
    key = &r.pedit_keys[0];
    CHECK(encode(&r) != NULL);

    r.actions[0].pedit.n = 0;               /* No keys. */
    CHECK(encode(&r) == NULL);
    r.pedit_keys[1] = r.pedit_keys[0];      /* Beyond n_pedit_keys. */
    r.actions[0].pedit.n = 2;
    CHECK(encode(&r) == NULL);
    r.actions[0].pedit.n = 1;
    r.actions[0].pedit.first = 1;
    CHECK(encode(&r) == NULL);
    r.actions[0].pedit.first = 0;

    key->offset = 10;                       /* Misaligned. */
    CHECK(encode(&r) == NULL);
    key->offset = 2;
    CHECK(encode(&r) == NULL);
    key->offset = 12;
    CHECK(encode(&r) != NULL);

    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_NETWORK;
    CHECK(encode(&r) == NULL);
    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_UDP + 1;
    CHECK(encode(&r) == NULL);
    key->htype = 0xff;
    CHECK(encode(&r) == NULL);
    key->htype = TCA_PEDIT_KEY_EX_HDR_TYPE_UDP;
    CHECK(encode(&r) != NULL);

    /* FLOWER_MAX_PEDIT_KEYS in all, in one action or two. */
    for (i = 0; i < FLOWER_MAX_PEDIT_KEYS; i++) {
        set_pedit_key(&r, i, TCA_PEDIT_KEY_EX_HDR_TYPE_IP6, 4 * i,
                      htonl(i), 0xffffffff);
    }
    set_pedit(&r, 0, 0, FLOWER_MAX_PEDIT_KEYS);
    TRY(roundtrip(&r));
    r.n_pedit_keys = FLOWER_MAX_PEDIT_KEYS + 1;
    CHECK(encode(&r) == NULL);
    r.n_pedit_keys = FLOWER_MAX_PEDIT_KEYS;
    r.actions[2] = r.actions[1];
    r.n_actions = 3;
    set_pedit(&r, 0, 0, 16);
    set_pedit(&r, 1, 16, 16);
    TRY(roundtrip(&r));
    set_pedit(&r, 1, 10, 16);               /* 32 keys, but 16 + 16 put. */
    CHECK(encode(&r) != NULL);
    set_pedit(&r, 1, 10, 17);               /* 16 + 17 put. */
    CHECK(encode(&r) == NULL);

    set_csum(&r, 1, 0x7f);                  /* Every flag act_csum knows. */
    CHECK(encode(&r) != NULL);
    set_csum(&r, 1, 0x80);
    CHECK(encode(&r) == NULL);
    set_csum(&r, 1, UINT32_MAX);
    CHECK(encode(&r) == NULL);
    return NULL;
}
