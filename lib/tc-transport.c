/* rtnetlink transport for TC flower rules (see tc-transport.h). */

#include "tc-transport.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flower-codec.h"
#include "tc-police-codec.h"

/* This layer carries no OVS headers. */
#define OVS_UNUSED_ARG __attribute__((unused))

struct tc_transport {
    struct mnl_socket *nl;
    uint32_t portid;
    uint32_t seq;
    char last_error[128];       /* Kernel's extended ack message, if any. */
    char buf[32768];           /* MNL_SOCKET_DUMP_SIZE, libmnl >= 1.0.5. */
};

/* State of one request while its replies are processed. */
struct tc_request {
    struct tc_transport *transport;
    tc_rule_dump_cb *cb;            /* For flower rules, or... */
    mnl_cb_t msg_cb;                /* ...for any other reply. */
    bool terse;                     /* Rules from a terse dump. */
    void *aux;
    int cb_error;               /* First non-zero return of 'cb'. */
};

/* Opens a NETLINK_ROUTE socket with extended acks enabled. */
int
tc_transport_open(struct tc_transport **transportp)
{
    struct tc_transport *t = calloc(1, sizeof *t);
    int one = 1;

    *transportp = NULL;
    if (!t) {
        return ENOMEM;
    }
    t->nl = mnl_socket_open(NETLINK_ROUTE);
    if (!t->nl || mnl_socket_bind(t->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int error = errno;

        if (t->nl) {
            mnl_socket_close(t->nl);
        }
        free(t);
        return error;
    }
    /* Best effort: older kernels simply give no message. */
    mnl_socket_setsockopt(t->nl, NETLINK_EXT_ACK, &one, sizeof one);
    t->portid = mnl_socket_get_portid(t->nl);
    t->seq = getpid() ^ 0x5eed;
    *transportp = t;
    return 0;
}

void
tc_transport_close(struct tc_transport *t)
{
    if (t) {
        mnl_socket_close(t->nl);
        free(t);
    }
}

/* Returns the kernel's message for the last failed request, or "". */
const char *
tc_transport_last_error(const struct tc_transport *t)
{
    return t->last_error;
}

/* Keeps the extended ack message of an NLMSG_ERROR and turns its error code
 * into errno. */
static int
error_cb(const struct nlmsghdr *nlh, void *req_)
{
    struct tc_request *req = req_;
    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *attr;
    size_t offset;

    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof *err)) {
        errno = EPROTO;
        return MNL_CB_ERROR;
    }
    if (!err->error) {
        return MNL_CB_STOP;
    }

    offset = sizeof *err;
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
        offset += err->msg.nlmsg_len - sizeof err->msg;
    }
    if (nlh->nlmsg_flags & NLM_F_ACK_TLVS
        && mnl_nlmsg_size(offset) <= nlh->nlmsg_len) {
        mnl_attr_for_each (attr, nlh, offset) {
            if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG
                && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
                snprintf(req->transport->last_error,
                         sizeof req->transport->last_error, "%s",
                         mnl_attr_get_str(attr));
            }
        }
    }
    errno = err->error < 0 ? -err->error : EPROTO;
    return MNL_CB_ERROR;
}

/* Ends a dump; the kernel may put a negative errno in its payload. */
static int
done_cb(const struct nlmsghdr *nlh, void *req OVS_UNUSED_ARG)
{
    if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
        int status;

        memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof status);
        if (status < 0) {
            errno = -status;
            return MNL_CB_ERROR;
        }
    }
    return MNL_CB_STOP;
}

static int
noop_cb(const struct nlmsghdr *nlh OVS_UNUSED_ARG, void *req OVS_UNUSED_ARG)
{
    return MNL_CB_OK;
}

/* Hands each RTM_NEWTFILTER reply that decodes as flower to the request's
 * callback; other filters (not ours to judge) are skipped. */
static int
data_cb(const struct nlmsghdr *nlh, void *req_)
{
    struct tc_request *req = req_;
    struct flower_rule rule;

    if (req->msg_cb) {
        req->cb_error = req->msg_cb(nlh, req->aux);
        return req->cb_error ? MNL_CB_STOP : MNL_CB_OK;
    }
    if (!req->cb || nlh->nlmsg_type != RTM_NEWTFILTER) {
        return MNL_CB_OK;
    }
    if ((req->terse ? flower_decode_terse(nlh, &rule)
         : flower_decode(nlh, &rule))) {
        return MNL_CB_OK;
    }
    req->cb_error = req->cb(&rule, req->aux);
    return req->cb_error ? MNL_CB_STOP : MNL_CB_OK;
}

/* Reads one batch of replies to request 'seq' and runs 'req' over them.
 * Returns MNL_CB_OK while more replies are due, MNL_CB_STOP after the ack
 * (or the end of a dump), or MNL_CB_ERROR with errno set. */
static int
receive(struct tc_transport *t, uint32_t seq, struct tc_request *req)
{
    static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
        [NLMSG_NOOP] = noop_cb,
        [NLMSG_ERROR] = error_cb,
        [NLMSG_DONE] = done_cb,
        [NLMSG_OVERRUN] = noop_cb,
    };
    int ret = mnl_socket_recvfrom(t->nl, t->buf, sizeof t->buf);

    if (ret < 0) {
        return MNL_CB_ERROR;
    }
    ret = mnl_cb_run2(t->buf, ret, seq, t->portid, data_cb, req,
                      ctl_cbs, NLMSG_MIN_TYPE);
    if (ret < 0 && !errno) {
        errno = EPROTO;
    }
    return ret;
}

/* Sends 'nlh' and processes replies until the ack (or the end of a dump).
 * Returns 0 or a positive errno value. */
static int
transact__(struct tc_transport *t, struct nlmsghdr *nlh,
           tc_rule_dump_cb *cb, mnl_cb_t msg_cb, bool terse, void *aux)
{
    struct tc_request req = { .transport = t, .cb = cb, .msg_cb = msg_cb,
                              .terse = terse, .aux = aux };
    int ret;

    t->last_error[0] = '\0';
    if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0) {
        return errno;
    }
    do {
        ret = receive(t, nlh->nlmsg_seq, &req);
    } while (ret > MNL_CB_STOP);

    return ret < 0 ? errno : req.cb_error;
}

/* Sends 'nlh', a request about flower rules, and hands the rules in the
 * replies to 'cb', if non-null. */
static int
transact(struct tc_transport *t, struct nlmsghdr *nlh,
         tc_rule_dump_cb *cb, void *aux)
{
    return nlh ? transact__(t, nlh, cb, NULL, false, aux) : EINVAL;
}

int
tc_qdisc_add(struct tc_transport *t, uint32_t ifindex, bool clsact)
{
    char buf[FLOWER_MSG_BUFSIZE];
    int error;

    error = transact(t, flower_encode_qdisc(buf, ifindex, clsact, true,
                                            ++t->seq), NULL, NULL);
    return error == EEXIST ? 0 : error;
}

int
tc_qdisc_del(struct tc_transport *t, uint32_t ifindex, bool clsact)
{
    char buf[FLOWER_MSG_BUFSIZE];

    return transact(t, flower_encode_qdisc(buf, ifindex, clsact, false,
                                           ++t->seq), NULL, NULL);
}

/* Learns the kernel-chosen handle and prio from the echo of a new rule. */
static int
echo_cb(const struct flower_rule *echo, void *rule_)
{
    struct flower_rule *rule = rule_;

    rule->id.handle = echo->id.handle;
    rule->id.prio = echo->id.prio;
    rule->in_hw = echo->in_hw;
    rule->in_hw_count = echo->in_hw_count;
    return 0;
}

/* Installs 'rule'.  With 'replace', the rule at rule->id (which must have
 * its handle) is replaced in place, atomically for traffic; otherwise a new
 * rule is created, with rule->id's handle if it has one, else with one the
 * kernel chooses, which is then stored in rule->id.  EEXIST means that a
 * rule with the same key is there. */
int
tc_rule_install(struct tc_transport *t, struct flower_rule *rule,
                bool replace)
{
    char buf[FLOWER_MSG_BUFSIZE];
    struct nlmsghdr *nlh;
    uint16_t flags = replace ? NLM_F_CREATE : NLM_F_CREATE | NLM_F_EXCL;
    int error;

    nlh = flower_encode_new(buf, rule, flags, ++t->seq);
    if (!nlh) {
        return EINVAL;
    }
    error = transact(t, nlh, echo_cb, rule);
    if (error == EEXIST && !replace && rule->id.handle) {
        /* Either the handle is taken or the key is: only the second is
         * EEXIST to the caller, so ask again and let the kernel choose. */
        rule->id.handle = 0;
        return tc_rule_install(t, rule, false);
    }
    return error;
}

int
tc_rule_delete(struct tc_transport *t, const struct flower_id *id,
               uint16_t protocol)
{
    char buf[FLOWER_MSG_BUFSIZE];

    return transact(t, flower_encode_del(buf, id, protocol, ++t->seq),
                    NULL, NULL);
}

static int
get_cb(const struct flower_rule *found, void *rule_)
{
    *(struct flower_rule *) rule_ = *found;
    return 0;
}

/* Reads the rule at 'id' back from the kernel, with its counters. */
int
tc_rule_get(struct tc_transport *t, const struct flower_id *id,
            uint16_t protocol, struct flower_rule *rule)
{
    char buf[FLOWER_MSG_BUFSIZE];
    int error;

    memset(rule, 0, sizeof *rule);
    rule->id.ifindex = UINT32_MAX;
    error = transact(t, flower_encode_get(buf, id, protocol, ++t->seq),
                     get_cb, rule);
    if (!error && rule->id.ifindex == UINT32_MAX) {
        error = ENOENT;
    }
    return error;
}

int
tc_rule_dump(struct tc_transport *t, uint32_t ifindex, bool egress,
             bool terse, tc_rule_dump_cb *cb, void *aux)
{
    char buf[FLOWER_MSG_BUFSIZE];
    struct nlmsghdr *nlh = flower_encode_dump(buf, ifindex, egress, terse,
                                              ++t->seq);

    return transact__(t, nlh, cb, NULL, terse, aux);
}

int
tc_rule_dump_start(struct tc_transport *t, uint32_t ifindex, bool egress,
                   bool terse)
{
    char buf[FLOWER_MSG_BUFSIZE];
    struct nlmsghdr *nlh = flower_encode_dump(buf, ifindex, egress, terse,
                                              ++t->seq);

    t->last_error[0] = '\0';
    if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0) {
        return errno;
    }
    return 0;
}

int
tc_rule_dump_step(struct tc_transport *t, bool terse, tc_rule_dump_cb *cb,
                  void *aux)
{
    struct tc_request req = { .transport = t, .cb = cb, .terse = terse,
                              .aux = aux };
    int ret = receive(t, t->seq, &req);

    if (ret < 0) {
        return errno;
    } else if (req.cb_error) {
        return req.cb_error;
    }
    return ret == MNL_CB_STOP ? EOF : 0;
}

/* Meters: standalone police actions (tc-police-codec.h). */

struct police_reply {
    struct tc_meter_police *meter;
    struct tc_meter_stats *stats;
    bool found;
};

static int
police_reply_cb(const struct nlmsghdr *nlh, void *reply_)
{
    struct police_reply *reply = reply_;
    struct tc_meter_police meter;
    struct tc_meter_stats stats;
    int error;

    if (nlh->nlmsg_type != RTM_NEWACTION && nlh->nlmsg_type != RTM_GETACTION
        && nlh->nlmsg_type != RTM_DELACTION) {
        return 0;
    }
    error = tc_police_decode(nlh, &meter, &stats);
    if (error && error != EOPNOTSUPP) {
        return error;
    }
    reply->found = true;
    if (reply->meter) {
        *reply->meter = meter;
    }
    if (reply->stats) {
        *reply->stats = stats;
    }
    return 0;
}

int
tc_police_set(struct tc_transport *t, const struct tc_meter_police *meter)
{
    char buf[TC_POLICE_MSG_BUFSIZE];
    struct nlmsghdr *nlh = tc_police_encode_set(buf, meter, ++t->seq);

    return nlh ? transact__(t, nlh, NULL, NULL, false, NULL) : EINVAL;
}

int
tc_police_get(struct tc_transport *t, uint32_t index,
              struct tc_meter_police *meter, struct tc_meter_stats *stats)
{
    struct police_reply reply = { .meter = meter, .stats = stats };
    char buf[TC_POLICE_MSG_BUFSIZE];
    struct nlmsghdr *nlh = tc_police_encode_get(buf, index, ++t->seq);
    int error;

    error = (nlh ? transact__(t, nlh, NULL, police_reply_cb, false, &reply)
             : EINVAL);
    return !error && !reply.found ? ENOENT : error;
}

int
tc_police_del(struct tc_transport *t, uint32_t index,
              struct tc_meter_stats *stats)
{
    struct police_reply reply = { .stats = stats };
    char buf[TC_POLICE_MSG_BUFSIZE];
    struct nlmsghdr *nlh = tc_police_encode_del(buf, index, ++t->seq);

    if (stats) {
        memset(stats, 0, sizeof *stats);
    }
    return (nlh ? transact__(t, nlh, NULL, police_reply_cb, false, &reply)
            : EINVAL);
}

struct police_dump {
    tc_police_dump_cb *cb;
    void *aux;
};

static int
police_dump_cb(const struct nlmsghdr *nlh, void *dump_)
{
    struct police_dump *dump = dump_;

    return (nlh->nlmsg_type == RTM_NEWACTION
            || nlh->nlmsg_type == RTM_GETACTION
            ? tc_police_decode_dump(nlh, dump->cb, dump->aux) : 0);
}

int
tc_police_dump(struct tc_transport *t, tc_police_dump_cb *cb, void *aux)
{
    struct police_dump dump = { .cb = cb, .aux = aux };
    char buf[TC_POLICE_MSG_BUFSIZE];

    return transact__(t, tc_police_encode_dump(buf, ++t->seq), NULL,
                      police_dump_cb, false, &dump);
}
