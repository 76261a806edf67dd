/* Flows that left TC for the kernel datapath (see tc-moved.h). */

#include <config.h>

#include "tc-moved.h"

#include <errno.h>
#include <net/if.h>

#include "dpif.h"
#include "netlink.h"
#include "netlink-socket.h"
#include "odp-netlink.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "util.h"
#include "ufid-hash.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(tc_moved);

struct moved_flow {
    struct hmap_node node;
    ovs_u128 ufid;
    struct dpif_flow_stats stats;   /* Its TC rule's, when it was deleted. */
};

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
    }
    ovs_mutex_unlock(&moved_mutex);
}

/* Forgets 'ufid'.  Returns true if it had left TC, and then stores in
 * 'stats', if nonnull, what its TC rule had counted. */
bool
tc_moved_take(const ovs_u128 *ufid, struct dpif_flow_stats *stats)
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
        free(m);
    }
    ovs_mutex_unlock(&moved_mutex);
    return m != NULL;
}

/* Asks the kernel datapath whether it has the flow 'ufid'.  When it cannot
 * tell, says yes: then OVS deletes the flow there, as it would have. */
bool
tc_moved_in_datapath(const ovs_u128 *ufid)
{
    /* dpif-netlink names the datapath of type "system" so. */
    unsigned int dp_ifindex = if_nametoindex("ovs-system");
    struct ovs_header *header;
    struct ofpbuf *request;
    int family = 0;             /* nl_lookup_genl_family() fills in 0. */
    int error;

    if (!dp_ifindex || nl_lookup_genl_family(OVS_FLOW_FAMILY, &family)) {
        return true;
    }
    request = ofpbuf_new(128);
    nl_msg_put_genlmsghdr(request, 0, family, NLM_F_REQUEST,
                          OVS_FLOW_CMD_GET, OVS_FLOW_VERSION);
    header = ofpbuf_put_zeros(request, sizeof *header);
    header->dp_ifindex = dp_ifindex;
    nl_msg_put_u128(request, OVS_FLOW_ATTR_UFID, *ufid);
    nl_msg_put_u32(request, OVS_FLOW_ATTR_UFID_FLAGS,
                   OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK
                   | OVS_UFID_F_OMIT_ACTIONS);
    error = nl_transact(NETLINK_GENERIC, request, NULL);
    ofpbuf_delete(request);
    VLOG_DBG("datapath flow "UUID_FMT": %s",
             UUID_ARGS((struct uuid *) ufid), error ? ovs_strerror(error)
                                                  : "present");
    return error != ENOENT;
}
