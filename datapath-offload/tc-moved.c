/* Flows that left TC for the kernel datapath (see tc-moved.h). */

#include <config.h>

#include "tc-moved.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "dpif.h"
#include "netlink.h"
#include "netlink-protocol.h"
#include "netlink-socket.h"
#include "odp-netlink.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "unaligned.h"
#include "util.h"
#include "ufid-hash.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(tc_moved);

struct moved_flow {
    struct hmap_node node;
    ovs_u128 ufid;
    struct dpif_flow_stats stats;   /* Its TC rule's, when it was deleted. */
    uint64_t dumps_started;         /* 'dumps_started' then. */
};

/* Revalidator dumps, numbered from 1 as they start; 'dump_ended' is the
 * highest number of one that has ended.  A dump that starts after a flow
 * left TC shows OVS the datapath's copy, and once it has ended, OVS counts
 * from that copy's counters. */
static atomic_uint64_t dumps_started = ATOMIC_VAR_INIT(0);
static atomic_uint64_t dump_ended = ATOMIC_VAR_INIT(0);

static struct ovs_mutex moved_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap moved OVS_GUARDED_BY(moved_mutex)
    = HMAP_INITIALIZER(&moved);

/* hmap_count(&moved), readable without the mutex: every successful flow_put
 * asks tc_moved_take(), and the set is nearly always empty. */
static atomic_count n_moved = ATOMIC_COUNT_INIT(0);

static struct moved_flow *
moved_find(const ovs_u128 *ufid) OVS_REQUIRES(moved_mutex)
{
    struct moved_flow *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, ufid_hash(ufid), &moved) {
        if (ovs_u128_equals(m->ufid, *ufid)) {
            return m;
        }
    }
    return NULL;
}

/* Notes that 'ufid' is leaving TC for the datapath. */
void
tc_moved_add(const ovs_u128 *ufid)
{
    ovs_mutex_lock(&moved_mutex);
    if (!moved_find(ufid)) {
        struct moved_flow *m = xmalloc(sizeof *m);

        m->ufid = *ufid;
        memset(&m->stats, 0, sizeof m->stats);
        atomic_read_relaxed(&dumps_started, &m->dumps_started);
        hmap_insert(&moved, &m->node, ufid_hash(ufid));
        atomic_count_inc(&n_moved);
    }
    ovs_mutex_unlock(&moved_mutex);
}

/* Returns true if 'ufid' is leaving TC. */
bool
tc_moved_is(const ovs_u128 *ufid)
{
    bool is;

    ovs_mutex_lock(&moved_mutex);
    is = moved_find(ufid) != NULL;
    ovs_mutex_unlock(&moved_mutex);
    return is;
}

/* Keeps 'stats', the final ones of the TC rule of 'ufid', if it is leaving
 * TC. */
void
tc_moved_set_stats(const ovs_u128 *ufid, const struct dpif_flow_stats *stats)
{
    struct moved_flow *m;

    ovs_mutex_lock(&moved_mutex);
    m = moved_find(ufid);
    if (m) {
        m->stats = *stats;
        atomic_read_relaxed(&dumps_started, &m->dumps_started);
    }
    ovs_mutex_unlock(&moved_mutex);
}

uint64_t
tc_moved_dump_start(void)
{
    uint64_t n;

    atomic_add(&dumps_started, 1, &n);
    return n + 1;
}

void
tc_moved_dump_end(uint64_t number)
{
    uint64_t ended;

    atomic_read(&dump_ended, &ended);
    while (ended < number
           && !atomic_compare_exchange_weak(&dump_ended, &ended, number)) {
        continue;
    }
}

/* Forgets 'ufid'.  Returns true if it had left TC, and then stores in
 * 'stats', if nonnull, what its TC rule had counted, and in '*seen' whether
 * a revalidator dump has shown OVS the datapath's copy since. */
bool
tc_moved_take(const ovs_u128 *ufid, struct dpif_flow_stats *stats,
              bool *seen)
{
    struct moved_flow *m;

    if (!atomic_count_get(&n_moved)) {
        /* A flow is added before the put or delete that takes it returns
         * to OVS, which orders the two under its own locks, so a flow added
         * cannot be missed here. */
        return false;
    }
    ovs_mutex_lock(&moved_mutex);
    m = moved_find(ufid);
    if (m) {
        hmap_remove(&moved, &m->node);
        atomic_count_dec(&n_moved);
        if (stats) {
            *stats = m->stats;
        }
        if (seen) {
            uint64_t ended;

            atomic_read(&dump_ended, &ended);
            *seen = ended > m->dumps_started;
        }
        free(m);
    }
    ovs_mutex_unlock(&moved_mutex);
    return m != NULL;
}

/* Sends the kernel datapath 'cmd' (OVS_FLOW_CMD_GET or _DEL) for its flow
 * 'ufid'.  Returns 0 and, if 'replyp' is nonnull, the flow as the reply
 * gives it in '*replyp' (the caller frees it), or an errno value: ENOENT if
 * the datapath has no such flow. */
static int
datapath_flow_transact(uint8_t cmd, const ovs_u128 *ufid,
                       struct ofpbuf **replyp)
{
    /* dpif-netlink names the datapath of type "system" so. */
    unsigned int dp_ifindex = if_nametoindex("ovs-system");
    struct ovs_header *header;
    struct ofpbuf *request;
    int family = 0;             /* nl_lookup_genl_family() fills in 0. */
    int error;

    if (!dp_ifindex) {
        return ENODEV;
    }
    error = nl_lookup_genl_family(OVS_FLOW_FAMILY, &family);
    if (error) {
        return error;
    }
    request = ofpbuf_new(128);
    nl_msg_put_genlmsghdr(request, 0, family,
                          NLM_F_REQUEST | (replyp ? NLM_F_ECHO : 0),
                          cmd, OVS_FLOW_VERSION);
    header = ofpbuf_put_zeros(request, sizeof *header);
    header->dp_ifindex = dp_ifindex;
    nl_msg_put_u128(request, OVS_FLOW_ATTR_UFID, *ufid);
    nl_msg_put_u32(request, OVS_FLOW_ATTR_UFID_FLAGS,
                   OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK
                   | OVS_UFID_F_OMIT_ACTIONS);
    error = nl_transact(NETLINK_GENERIC, request, replyp);
    ofpbuf_delete(request);
    VLOG_DBG("datapath flow "UUID_FMT" (%s): %s",
             UUID_ARGS((struct uuid *) ufid),
             cmd == OVS_FLOW_CMD_DEL ? "delete" : "get",
             error ? ovs_strerror(error) : "present");
    return error;
}

/* Asks the kernel datapath whether it has the flow 'ufid'.  When it cannot
 * tell, says yes: then OVS deletes the flow there, as it would have. */
bool
tc_moved_in_datapath(const ovs_u128 *ufid)
{
    return datapath_flow_transact(OVS_FLOW_CMD_GET, ufid, NULL) != ENOENT;
}

/* Sends 'cmd' for the kernel datapath's flow 'ufid' and stores in 'stats'
 * what it has counted, as dpif-netlink reads them.  Returns 0, or an errno
 * value (ENOENT: no such flow), leaving 'stats' alone. */
static int
datapath_flow_stats(uint8_t cmd, const ovs_u128 *ufid,
                    struct dpif_flow_stats *stats)
{
    static const struct nl_policy policy[] = {
        [OVS_FLOW_ATTR_STATS] = { .type = NL_A_UNSPEC, .optional = true,
                                  .min_len = sizeof(struct ovs_flow_stats) },
        [OVS_FLOW_ATTR_TCP_FLAGS] = { .type = NL_A_U8, .optional = true },
        [OVS_FLOW_ATTR_USED] = { .type = NL_A_U64, .optional = true },
    };
    struct nlattr *a[ARRAY_SIZE(policy)];
    struct ofpbuf *reply;
    struct ofpbuf b;
    int error;

    error = datapath_flow_transact(cmd, ufid, &reply);
    if (error) {
        return error;
    }
    b = ofpbuf_const_initializer(reply->data, reply->size);
    if (!ofpbuf_try_pull(&b, NLMSG_HDRLEN + GENL_HDRLEN)
        || !ofpbuf_try_pull(&b, sizeof(struct ovs_header))
        || !nl_policy_parse(&b, 0, policy, a, ARRAY_SIZE(policy))) {
        ofpbuf_delete(reply);
        return EPROTO;
    }
    memset(stats, 0, sizeof *stats);
    if (a[OVS_FLOW_ATTR_STATS]) {
        const struct ovs_flow_stats *s = nl_attr_get(a[OVS_FLOW_ATTR_STATS]);

        stats->n_packets = get_32aligned_u64(&s->n_packets);
        stats->n_bytes = get_32aligned_u64(&s->n_bytes);
    }
    if (a[OVS_FLOW_ATTR_TCP_FLAGS]) {
        stats->tcp_flags = nl_attr_get_u8(a[OVS_FLOW_ATTR_TCP_FLAGS]);
    }
    if (a[OVS_FLOW_ATTR_USED]) {
        stats->used = nl_attr_get_u64(a[OVS_FLOW_ATTR_USED]);
    }
    ofpbuf_delete(reply);
    return 0;
}

/* Stores in 'stats' what the kernel datapath's flow 'ufid' has counted.
 * Returns false, leaving 'stats' alone, if the datapath has no such flow
 * or cannot say. */
bool
tc_datapath_flow_stats(const ovs_u128 *ufid, struct dpif_flow_stats *stats)
{
    return !datapath_flow_stats(OVS_FLOW_CMD_GET, ufid, stats);
}

/* Deletes the kernel datapath's flow 'ufid' and stores what it had counted
 * in 'stats'.  Returns 0 or an errno value: ENOENT if there was none. */
int
tc_datapath_flow_delete(const ovs_u128 *ufid, struct dpif_flow_stats *stats)
{
    return datapath_flow_stats(OVS_FLOW_CMD_DEL, ufid, stats);
}
