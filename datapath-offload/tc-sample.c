/*
 * sFlow samples of offloaded flows (see tc-sample.h).
 *
 * OVS 3.1 has no reader of psample, so TC rules that sample would send
 * their copies nowhere; ours are read here and go to the sFlow agent of
 * the bridge the cookie names, through dpif_sflow_received(), as the
 * handler threads do with the datapath's sFlow upcalls.  The group of a
 * rule stands for its OVS action, whose cookie says which bridge, input
 * port, VLAN and output the sample reports.
 *
 * Samples are not offloaded (the flow stays in the datapath) unless the
 * reader runs: a TC rule whose samples nobody reads would lose them.
 */

#include <config.h>
#include "tc-sample.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/psample.h>
#include <poll.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "flow.h"
#include "flower-rule.h"
#include "hash.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "ofproto/ofproto-dpif-sflow.h"
#include "ofproto/ofproto-dpif-xlate.h"
#include "ofproto/ofproto-dpif.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tc_sample);

COVERAGE_DEFINE(offload_tc_sample);
COVERAGE_DEFINE(offload_tc_sample_lost);

/* psample groups are shared by everything on the host: ours are numbered
 * from here, out of the way of the small numbers tc users pick. */
#define GROUP_BASE 0x4f560000U
#define GROUP_SPAN 0x10000U

struct sample_group {
    struct hmap_node by_action;   /* In 'groups_by_action'. */
    struct hmap_node by_group;    /* In 'groups_by_id'. */
    uint32_t group;
    unsigned int refs;            /* Rules installed or being installed. */
    struct nlattr *action;        /* The OVS action it stands for. */
};

static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;
static struct hmap groups_by_action OVS_GUARDED_BY(mutex)
    = HMAP_INITIALIZER(&groups_by_action);
static struct hmap groups_by_id OVS_GUARDED_BY(mutex)
    = HMAP_INITIALIZER(&groups_by_id);
static uint32_t next_group OVS_GUARDED_BY(mutex);
static bool reader_running OVS_GUARDED_BY(mutex);

static struct sample_group *
find_by_id(uint32_t group)
    OVS_REQUIRES(mutex)
{
    struct sample_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, by_group, hash_int(group, 0),
                             &groups_by_id) {
        if (g->group == group) {
            return g;
        }
    }
    return NULL;
}

/* Returns the psample group of 'action' (a sample or userspace action of
 * sFlow), making one if there is none, with a reference for the caller; or
 * 0 if samples cannot be read. */
uint32_t
tc_sample_group(const struct nlattr *action)
{
    uint32_t hash = hash_bytes(action, action->nla_len, 0);
    struct sample_group *g;
    uint32_t group = 0;

    ovs_mutex_lock(&mutex);
    if (!reader_running) {
        goto out;
    }
    HMAP_FOR_EACH_WITH_HASH (g, by_action, hash, &groups_by_action) {
        if (g->action->nla_len == action->nla_len
            && !memcmp(g->action, action, action->nla_len)) {
            g->refs++;
            group = g->group;
            goto out;
        }
    }
    if (hmap_count(&groups_by_id) >= GROUP_SPAN) {
        goto out;
    }
    do {
        group = GROUP_BASE + next_group++ % GROUP_SPAN;
    } while (find_by_id(group));

    g = xzalloc(sizeof *g);
    g->group = group;
    g->refs = 1;
    g->action = xmemdup(action, action->nla_len);
    hmap_insert(&groups_by_action, &g->by_action, hash);
    hmap_insert(&groups_by_id, &g->by_group, hash_int(group, 0));
out:
    ovs_mutex_unlock(&mutex);
    return group;
}

/* Appends the OVS action that 'group' stands for to 'buf'. */
bool
tc_sample_action(uint32_t group, struct ofpbuf *buf)
{
    struct sample_group *g;

    ovs_mutex_lock(&mutex);
    g = find_by_id(group);
    if (g) {
        ofpbuf_put(buf, g->action, g->action->nla_len);
    }
    ovs_mutex_unlock(&mutex);
    return g != NULL;
}

/* Returns the psample group 'rule' samples to, or 0. */
uint32_t
tc_sample_rule_group(const struct flower_rule *rule)
{
    for (int i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FLOWER_ACT_SAMPLE) {
            return rule->actions[i].sample.group;
        }
    }
    return 0;
}

static void
group_free(struct sample_group *g)
    OVS_REQUIRES(mutex)
{
    hmap_remove(&groups_by_action, &g->by_action);
    hmap_remove(&groups_by_id, &g->by_group);
    free(g->action);
    free(g);
}

/* Gives back a reference to 'group', which goes with the last one. */
void
tc_sample_unref(uint32_t group)
{
    struct sample_group *g;

    if (group) {
        ovs_mutex_lock(&mutex);
        g = find_by_id(group);
        if (g && !--g->refs) {
            group_free(g);
        }
        ovs_mutex_unlock(&mutex);
    }
}

/* Copies the sFlow cookie of 'group' into 'cookie'. */
static bool
group_cookie(uint32_t group, struct user_action_cookie *cookie)
{
    const struct nlattr *userspace, *a;
    struct sample_group *g;
    bool found = false;
    size_t left;

    ovs_mutex_lock(&mutex);
    g = find_by_id(group);
    if (g) {
        userspace = g->action;
        if (nl_attr_type(userspace) == OVS_ACTION_ATTR_SAMPLE) {
            a = nl_attr_find_nested(userspace, OVS_SAMPLE_ATTR_ACTIONS);
            userspace = a ? nl_attr_get(a) : NULL;
        }
        NL_NESTED_FOR_EACH (a, left, userspace) {
            if (nl_attr_type(a) == OVS_USERSPACE_ATTR_USERDATA
                && nl_attr_get_size(a) == sizeof *cookie) {
                memcpy(cookie, nl_attr_get(a), sizeof *cookie);
                found = true;
            }
        }
    }
    ovs_mutex_unlock(&mutex);
    return found;
}

/* Hands the packet 'data' that psample 'group' received on 'ifindex' to
 * the sFlow agent of the cookie's bridge. */
static void
deliver(uint32_t group, int ifindex, const void *data, size_t len)
{
    struct user_action_cookie cookie;
    struct ofproto_dpif *ofproto;
    struct dpif_sflow *sflow = NULL;
    struct dp_packet packet;
    struct flow flow;
    odp_port_t port;

    if (!group_cookie(group, &cookie)) {
        COVERAGE_INC(offload_tc_sample_lost);
        return;
    }
    port = netdev_ifindex_to_odp_port(ifindex);
    dp_packet_use_const(&packet, data, len);
    pkt_metadata_init(&packet.md, port);
    flow_extract(&packet, &flow);

    ofproto = ofproto_dpif_lookup_by_uuid(&cookie.ofproto_uuid);
    if (!ofproto
        || xlate_lookup(ofproto->backer, &flow, NULL, NULL, &sflow, NULL,
                        NULL, NULL)
        || !sflow) {
        COVERAGE_INC(offload_tc_sample_lost);
        return;
    }
    dpif_sflow_received(sflow, &packet, &flow, port, &cookie, NULL);
    COVERAGE_INC(offload_tc_sample);
}

static int
parse_sample_attr(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(attr);

    if (mnl_attr_type_valid(attr, PSAMPLE_ATTR_MAX) > 0) {
        tb[type] = attr;
    }
    return MNL_CB_OK;
}

static int
sample_cb(const struct nlmsghdr *nlh, void *aux OVS_UNUSED)
{
    const struct nlattr *tb[PSAMPLE_ATTR_MAX + 1] = { NULL };
    const struct nlattr *data, *group, *iif;

    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_sample_attr, tb);
    group = tb[PSAMPLE_ATTR_SAMPLE_GROUP];
    iif = tb[PSAMPLE_ATTR_IIFINDEX];
    data = tb[PSAMPLE_ATTR_DATA];
    if (group && mnl_attr_validate(group, MNL_TYPE_U32) >= 0
        && iif && mnl_attr_validate(iif, MNL_TYPE_U16) >= 0 && data) {
        deliver(mnl_attr_get_u32(group), mnl_attr_get_u16(iif),
                mnl_attr_get_payload(data), mnl_attr_get_payload_len(data));
    }
    return MNL_CB_OK;
}

struct family {
    uint16_t id;
    uint32_t mcgrp;
};

static int
parse_ctrl_attr(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;

    if (mnl_attr_type_valid(attr, CTRL_ATTR_MAX) > 0) {
        tb[mnl_attr_get_type(attr)] = attr;
    }
    return MNL_CB_OK;
}

static int
family_cb(const struct nlmsghdr *nlh, void *family_)
{
    const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
    struct family *family = family_;
    const struct nlattr *grp;

    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_ctrl_attr, tb);
    if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_MCAST_GROUPS]) {
        return MNL_CB_ERROR;
    }
    family->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
    mnl_attr_for_each_nested (grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
        const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
        const struct nlattr *a;

        mnl_attr_for_each_nested (a, grp) {
            if (mnl_attr_type_valid(a, CTRL_ATTR_MCAST_GRP_MAX) > 0) {
                g[mnl_attr_get_type(a)] = a;
            }
        }
        if (g[CTRL_ATTR_MCAST_GRP_NAME] && g[CTRL_ATTR_MCAST_GRP_ID]
            && !strcmp(mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]),
                       PSAMPLE_NL_MCGRP_SAMPLE_NAME)) {
            family->mcgrp = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
        }
    }
    return MNL_CB_OK;
}

/* Opens a socket that receives every psample sample, or returns NULL. */
static struct mnl_socket *
open_psample(void)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct family family = { 0, 0 };
    struct mnl_socket *nl;
    struct genlmsghdr *genl;
    struct nlmsghdr *nlh;
    int rcvbuf = 4 << 20;
    ssize_t n;

    nl = mnl_socket_open(NETLINK_GENERIC);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        goto error;
    }
    nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = GENL_ID_CTRL;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = 1;
    genl = mnl_nlmsg_put_extra_header(nlh, sizeof *genl);
    genl->cmd = CTRL_CMD_GETFAMILY;
    genl->version = 1;
    mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PSAMPLE_GENL_NAME);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        goto error;
    }
    do {
        n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n <= 0) {
            goto error;
        }
        n = mnl_cb_run(buf, n, 1, mnl_socket_get_portid(nl), family_cb,
                       &family);
    } while (n > 0);
    if (n < 0 || !family.mcgrp) {
        goto error;
    }
    /* A burst of samples must not be dropped while the thread sleeps. */
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
               sizeof rcvbuf);
    if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &family.mcgrp,
                              sizeof family.mcgrp) < 0) {
        goto error;
    }
    return nl;

error:
    VLOG_WARN("cannot read psample samples (%s): sFlow sampling stays in "
              "the datapath", ovs_strerror(errno));
    if (nl) {
        mnl_socket_close(nl);
    }
    return NULL;
}

static void *
reader_main(void *nl_)
{
    struct mnl_socket *nl = nl_;
    int fd = mnl_socket_get_fd(nl);
    char *buf = xmalloc(65536);

    for (;;) {
        ssize_t n = recv(fd, buf, 65536, MSG_DONTWAIT);

        if (n > 0) {
            mnl_cb_run(buf, n, 0, 0, sample_cb, NULL);
        } else if (n < 0 && errno == ENOBUFS) {
            /* The socket overflowed: samples were dropped, as the
             * datapath drops upcalls it cannot queue. */
            COVERAGE_INC(offload_tc_sample_lost);
        } else if (n < 0 && errno == EAGAIN) {
            poll_fd_wait(fd, POLLIN);
            /* Wake up now and then, so that this thread's coverage
             * counters reach coverage/show. */
            poll_timer_wait(1000);
            poll_block();
        } else if (n < 0 && errno != EINTR) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

            VLOG_WARN_RL(&rl, "reading psample: %s", ovs_strerror(errno));
        }
        /* Busy with samples or not, let RCU free what it postponed. */
        ovsrcu_quiesce();
    }
    return NULL;
}

/* Starts the reader, once: called when the kernel was found to have
 * act_sample. */
void
tc_sample_start(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        struct mnl_socket *nl = open_psample();

        if (nl) {
            ovs_thread_create("tc_sample", reader_main, nl);
            ovs_mutex_lock(&mutex);
            reader_running = true;
            ovs_mutex_unlock(&mutex);
        }
        ovsthread_once_done(&once);
    }
}
