/* Reads the tc-policy that OVS parsed (see tc-policy.h). */

#include <config.h>
#include "tc-policy.h"

#include <linux/pkt_cls.h>

#include "netlink.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-atomic.h"
#include "tc.h"

static atomic_uint32_t cls_flags = ATOMIC_VAR_INIT(0);

/* Learns the current policy.  lib/tc.c keeps it private but exports
 * nl_msg_put_act_tc_policy_flag(), which writes it as a TCA_ACT_FLAGS
 * attribute (none writes nothing); decode that. */
void
tc_policy_refresh(void)
{
    uint64_t stub[16];
    struct ofpbuf buf;
    uint32_t flags = 0;

    ofpbuf_use_stub(&buf, stub, sizeof stub);
    nl_msg_put_act_tc_policy_flag(&buf);
    if (buf.size >= NLA_HDRLEN + sizeof(struct nla_bitfield32)) {
        const struct nla_bitfield32 *bf
            = nl_attr_get(ofpbuf_at_assert(&buf, 0, NLA_HDRLEN));

        if (bf->value & TCA_ACT_FLAGS_SKIP_HW) {
            flags = TCA_CLS_FLAGS_SKIP_HW;
        } else if (bf->value & TCA_ACT_FLAGS_SKIP_SW) {
            flags = TCA_CLS_FLAGS_SKIP_SW;
        }
    }
    ofpbuf_uninit(&buf);
    atomic_store_relaxed(&cls_flags, flags);
}

/* Returns the TCA_CLS_FLAGS_* for new rules under the current policy. */
uint32_t
tc_policy_cls_flags(void)
{
    uint32_t flags;

    atomic_read_relaxed(&cls_flags, &flags);
    return flags;
}

const char *
tc_policy_name(void)
{
    uint32_t flags = tc_policy_cls_flags();

    return (flags & TCA_CLS_FLAGS_SKIP_HW ? "skip_hw"
            : flags & TCA_CLS_FLAGS_SKIP_SW ? "skip_sw" : "none");
}
