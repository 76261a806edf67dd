/*
 * Header rewrites of the TC flower codec (see flower-codec.h): the options
 * of act_pedit, and of act_csum that fixes the checksums after it, for the
 * rows of flower-codec-actions.c's tables that name them.
 *
 * A pedit action is only ever put with extended keys (TCA_PEDIT_PARMS_EX
 * and TCA_PEDIT_KEYS_EX), each of which names the header its offset counts
 * from (Ethernet, IPv4, IPv6, TCP or UDP) and sets bits
 * (TCA_PEDIT_KEY_EX_CMD_SET).  Legacy pedit, whose offsets count from the
 * network header, keys that add, and keys at an offset computed from a
 * packet byte (tc_pedit_key 'at', 'offmask' and 'shift') are not ours.
 *
 * struct tc_pedit_key's mask says the opposite of the model's: act_pedit
 * computes new = (old & key.mask) ^ key.val (tcf_pedit_act()), so the
 * kernel's mask holds the bits to keep, while the model's holds the bits
 * to rewrite, and the model's value matters only under its mask.  A key is
 * put as mask = ~mask, val = value & mask, and read back the other way; a
 * key whose 'val' has bits that its mask keeps would flip them, which no
 * set does: not ours.  Both are bitwise, so the words keep the packet's
 * byte order.
 *
 * The keys of all the pedit actions of a rule live in rule->pedit_keys, at
 * most FLOWER_MAX_PEDIT_KEYS of them in all, which also bounds the size of
 * a request; decoding appends each action's keys there, in order.
 *
 * act_csum recomputes the checksums of TCA_CSUM_UPDATE_FLAG_*; it ignores
 * flags it does not know (tcf_csum_init() stores them unchecked), so they
 * are refused.
 */

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_pedit.h>
#include <string.h>

#include "flower-codec-private.h"

enum {
    PEDIT_WORD = 4,             /* Bytes a key rewrites, and offset unit. */
    SEL_SIZE = sizeof (struct tc_pedit_sel),    /* Before the keys. */
    KEY_SIZE = sizeof (struct tc_pedit_key),
    CSUM_FLAGS = (TCA_CSUM_UPDATE_FLAG_IPV4HDR | TCA_CSUM_UPDATE_FLAG_ICMP
                  | TCA_CSUM_UPDATE_FLAG_IGMP | TCA_CSUM_UPDATE_FLAG_TCP
                  | TCA_CSUM_UPDATE_FLAG_UDP | TCA_CSUM_UPDATE_FLAG_UDPLITE
                  | TCA_CSUM_UPDATE_FLAG_SCTP),
};

/* Attributes of a TCA_PEDIT_KEY_EX; others: EOPNOTSUPP. */
static const struct attr_policy key_ex_policy[] = {
    { TCA_PEDIT_KEY_EX_HTYPE, MNL_TYPE_U16, 0, false },
    { TCA_PEDIT_KEY_EX_CMD, MNL_TYPE_U16, 0, false },
};

/* Walk over TCA_PEDIT_KEYS_EX: one TCA_PEDIT_KEY_EX per key, in the order
 * of the keys. */
struct keys_ex_ctx {
    struct parse_state st;      /* Must be first. */
    int n_expected;             /* The parameters' 'nkeys'. */
    int n;                      /* Keys found so far. */
    uint16_t htype[FLOWER_MAX_PEDIT_KEYS];  /* TCA_PEDIT_KEY_EX_HTYPE. */
    uint16_t cmd[FLOWER_MAX_PEDIT_KEYS];    /* TCA_PEDIT_KEY_EX_CMD. */
};

static bool pedit_key_valid(const struct flower_pedit_key *);
static bool htype_valid(unsigned int htype);
static int pedit_keys_before(const struct flower_rule *, int index);
static int decode_pedit_key(const struct tc_pedit_key *, uint16_t htype,
                            uint16_t cmd, struct flower_pedit_key *);
static int keys_ex_cb(const struct nlattr *, void *ctx_);

/* act_put_func for pedit: the parameters with the action's keys, then one
 * extended key per key.  Refuses an action without keys or whose keys are
 * not all in rule->pedit_keys, a key the kernel would not apply as given
 * (pedit_key_valid()), and more than FLOWER_MAX_PEDIT_KEYS keys put by the
 * pedit actions up to this one. */
bool
codec_put_pedit(struct nlmsghdr *nlh, const struct act_map *map,
                const struct flower_rule *rule, int index)
{
    const struct flower_action *act = &rule->actions[index];
    int first = act->pedit.first, n = act->pedit.n;
    uint8_t parms[SEL_SIZE + FLOWER_MAX_PEDIT_KEYS * KEY_SIZE];
    struct tc_pedit_sel sel;
    struct nlattr *keys_ex;
    int i;

    if (!n || rule->n_pedit_keys > FLOWER_MAX_PEDIT_KEYS
        || first + n > rule->n_pedit_keys
        || pedit_keys_before(rule, index) + n > FLOWER_MAX_PEDIT_KEYS) {
        return false;
    }
    memset(&sel, 0, sizeof sel);
    sel.action = map->control;
    sel.nkeys = n;
    memcpy(parms, &sel, SEL_SIZE);
    for (i = 0; i < n; i++) {
        const struct flower_pedit_key *key = &rule->pedit_keys[first + i];
        struct tc_pedit_key k;

        if (!pedit_key_valid(key)) {
            return false;
        }
        memset(&k, 0, sizeof k);
        k.mask = ~key->mask;
        k.val = key->value & key->mask;
        k.off = key->offset;
        memcpy(&parms[SEL_SIZE + i * KEY_SIZE], &k, KEY_SIZE);
    }
    mnl_attr_put(nlh, TCA_PEDIT_PARMS_EX, SEL_SIZE + n * KEY_SIZE, parms);

    keys_ex = mnl_attr_nest_start(nlh, TCA_PEDIT_KEYS_EX);
    for (i = 0; i < n; i++) {
        struct nlattr *key_ex = mnl_attr_nest_start(nlh, TCA_PEDIT_KEY_EX);

        mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_HTYPE,
                         rule->pedit_keys[first + i].htype);
        mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_CMD, TCA_PEDIT_KEY_EX_CMD_SET);
        mnl_attr_nest_end(nlh, key_ex);
    }
    mnl_attr_nest_end(nlh, keys_ex);
    return true;
}

/* act_put_func for csum.  Refuses flags act_csum does not know. */
bool
codec_put_csum(struct nlmsghdr *nlh, const struct act_map *map,
               const struct flower_rule *rule, int index)
{
    struct tc_csum p = { .action = map->control,
                         .update_flags = rule->actions[index].csum_flags };

    if (p.update_flags & ~CSUM_FLAGS) {
        return false;
    }
    mnl_attr_put(nlh, TCA_CSUM_PARMS, sizeof p, &p);
    return true;
}

/* Returns true if act_pedit applies 'key' as the model means it: a word
 * at an aligned offset of a header it knows.  (A misaligned offset is
 * refused by recent kernels and skipped packet by packet by older ones.) */
static bool
pedit_key_valid(const struct flower_pedit_key *key)
{
    return htype_valid(key->htype) && !(key->offset % PEDIT_WORD);
}

/* Returns true if 'htype' is a header type the model rewrites: not
 * TCA_PEDIT_KEY_EX_HDR_TYPE_NETWORK (legacy), nor one newer than the uapi
 * headers. */
static bool
htype_valid(unsigned int htype)
{
    return (htype >= TCA_PEDIT_KEY_EX_HDR_TYPE_ETH
            && htype <= TCA_PEDIT_KEY_EX_HDR_TYPE_UDP);
}

/* Returns how many keys the pedit actions before action 'index' of 'rule'
 * put. */
static int
pedit_keys_before(const struct flower_rule *rule, int index)
{
    int n = 0;
    int i;

    for (i = 0; i < index; i++) {
        if (rule->actions[i].type == FLOWER_ACT_PEDIT) {
            n += rule->actions[i].pedit.n;
        }
    }
    return n;
}

/* act_decode_func for pedit: appends the action's keys to
 * rule->pedit_keys.  The kernel dumps the parameters with exactly 'nkeys'
 * keys and, for extended keys, one TCA_PEDIT_KEY_EX per key
 * (tcf_pedit_dump()); anything else is malformed. */
int
codec_decode_pedit(const struct nlattr *const *tb, struct flower_rule *rule,
                   int index)
{
    const struct nlattr *parms = tb[TCA_PEDIT_PARMS_EX];
    const uint8_t *payload = mnl_attr_get_payload(parms);
    size_t len = mnl_attr_get_payload_len(parms);
    struct flower_action *act = &rule->actions[index];
    int first = rule->n_pedit_keys;
    const struct act_map *map;
    struct tc_pedit_sel sel;
    struct keys_ex_ctx ctx;
    int error;
    int i;

    if (len < SEL_SIZE) {
        return EPROTO;
    }
    memcpy(&sel, payload, SEL_SIZE);
    if (len != SEL_SIZE + (size_t) sel.nkeys * KEY_SIZE
        || !tb[TCA_PEDIT_KEYS_EX]) {
        return EPROTO;
    }
    map = codec_find_act_map(AK_PEDIT, 0, sel.action);
    if (!map || !sel.nkeys || sel.flags
        || sel.nkeys > FLOWER_MAX_PEDIT_KEYS - first) {
        return EOPNOTSUPP;
    }

    memset(&ctx, 0, sizeof ctx);
    ctx.n_expected = sel.nkeys;
    error = codec_parse_nested(tb[TCA_PEDIT_KEYS_EX], keys_ex_cb, &ctx.st);
    if (!error && ctx.n != sel.nkeys) {
        error = EPROTO;
    }
    for (i = 0; !error && i < sel.nkeys; i++) {
        struct tc_pedit_key k;

        memcpy(&k, &payload[SEL_SIZE + i * KEY_SIZE], KEY_SIZE);
        error = decode_pedit_key(&k, ctx.htype[i], ctx.cmd[i],
                                 &rule->pedit_keys[first + i]);
    }
    if (error) {
        return error;
    }
    act->type = map->type;
    act->pedit.first = first;
    act->pedit.n = sel.nkeys;
    rule->n_pedit_keys += sel.nkeys;
    return 0;
}

/* Fills 'key' from the kernel's key 'k' with extended key 'htype' and
 * 'cmd'.  Returns EOPNOTSUPP for a key that codec_put_pedit() would not
 * have put. */
static int
decode_pedit_key(const struct tc_pedit_key *k, uint16_t htype, uint16_t cmd,
                 struct flower_pedit_key *key)
{
    if (cmd != TCA_PEDIT_KEY_EX_CMD_SET || !htype_valid(htype)
        || k->at || k->offmask || k->shift || k->off % PEDIT_WORD
        || k->val & k->mask) {
        return EOPNOTSUPP;
    }
    key->htype = htype;
    key->offset = k->off;
    key->value = k->val;
    key->mask = ~k->mask;
    return 0;
}

/* act_decode_func for csum. */
int
codec_decode_csum(const struct nlattr *const *tb, struct flower_rule *rule,
                  int index)
{
    struct flower_action *act = &rule->actions[index];
    const struct act_map *map;
    struct tc_csum p;

    memcpy(&p, mnl_attr_get_payload(tb[TCA_CSUM_PARMS]), sizeof p);
    map = codec_find_act_map(AK_CSUM, 0, p.action);
    if (!map || p.update_flags & ~CSUM_FLAGS) {
        return EOPNOTSUPP;
    }
    act->type = map->type;
    act->csum_flags = p.update_flags;
    return 0;
}

/* mnl_attr_cb_t for a 'struct keys_ex_ctx': one TCA_PEDIT_KEY_EX nest,
 * with both its attributes, per key and no more. */
static int
keys_ex_cb(const struct nlattr *attr, void *ctx_)
{
    struct keys_ex_ctx *ctx = ctx_;
    const struct nlattr *tb[TCA_PEDIT_KEY_EX_MAX + 1] = { NULL };
    struct policy_ctx key_ctx = {
        .policy = key_ex_policy, .n_policy = ARRAY_SIZE(key_ex_policy),
        .max = TCA_PEDIT_KEY_EX_MAX, .strict = true, .tb = tb,
    };
    int error;

    codec_note_attr(&ctx->st, attr);
    if (mnl_attr_get_type(attr) != TCA_PEDIT_KEY_EX
        || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0
        || ctx->n >= ctx->n_expected) {
        return codec_parse_fail(&ctx->st, EPROTO);
    }
    error = codec_parse_nested(attr, codec_policy_cb, &key_ctx.st);
    if (!error && (!tb[TCA_PEDIT_KEY_EX_HTYPE]
                   || !tb[TCA_PEDIT_KEY_EX_CMD])) {
        error = EPROTO;
    }
    if (error) {
        return codec_parse_fail(&ctx->st, error);
    }
    ctx->htype[ctx->n] = mnl_attr_get_u16(tb[TCA_PEDIT_KEY_EX_HTYPE]);
    ctx->cmd[ctx->n] = mnl_attr_get_u16(tb[TCA_PEDIT_KEY_EX_CMD]);
    ctx->n++;
    return MNL_CB_OK;
}
