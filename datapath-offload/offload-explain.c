/* offload/show and offload/explain (see offload-explain.h). */

#include <config.h>
#include "offload-explain.h"

#include <errno.h>
#include <string.h>

#include "dpif.h"
#include "flower-translate.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/shash.h"
#include "tc-flow-map.h"
#include "tc-policy.h"
#include "tc-ports.h"
#include "tc-probe.h"
#include "tc-sample.h"
#include "ufid-hash.h"
#include "unixctl.h"
#include "util.h"

#define MAX_RECORDS 65536

struct refusal_record {
    struct hmap_node node;      /* In 'records', by ufid. */
    struct ovs_list age_node;   /* In 'by_age', oldest first. */
    ovs_u128 ufid;
    char port[32];
    struct offload_refusal_info info;
};

static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;
static struct hmap records OVS_GUARDED_BY(mutex) = HMAP_INITIALIZER(&records);
static struct ovs_list by_age OVS_GUARDED_BY(mutex)
    = OVS_LIST_INITIALIZER(&by_age);

static struct refusal_record *
record_find(const ovs_u128 *ufid) OVS_REQUIRES(mutex)
{
    struct refusal_record *r;

    HMAP_FOR_EACH_WITH_HASH (r, node, ufid_hash(ufid), &records) {
        if (ovs_u128_equals(r->ufid, *ufid)) {
            return r;
        }
    }
    return NULL;
}

static void
record_remove(struct refusal_record *r) OVS_REQUIRES(mutex)
{
    hmap_remove(&records, &r->node);
    ovs_list_remove(&r->age_node);
    free(r);
}

void
offload_explain_refused(const ovs_u128 *ufid, const char *port,
                        const struct offload_refusal_info *info)
{
    struct refusal_record *r;

    ovs_mutex_lock(&mutex);
    r = record_find(ufid);
    if (r) {
        ovs_list_remove(&r->age_node);
    } else {
        if (hmap_count(&records) >= MAX_RECORDS) {
            record_remove(CONTAINER_OF(ovs_list_front(&by_age),
                                       struct refusal_record, age_node));
        }
        r = xzalloc(sizeof *r);
        r->ufid = *ufid;
        hmap_insert(&records, &r->node, ufid_hash(ufid));
    }
    ovs_list_push_back(&by_age, &r->age_node);
    ovs_strlcpy(r->port, port, sizeof r->port);
    r->info = *info;
    ovs_mutex_unlock(&mutex);
}

bool
offload_explain_forget(const ovs_u128 *ufid)
{
    struct refusal_record *r;
    bool found;

    ovs_mutex_lock(&mutex);
    r = record_find(ufid);
    found = r != NULL;
    if (found) {
        record_remove(r);
    }
    ovs_mutex_unlock(&mutex);
    return found;
}

/* Per-port tallies for offload/show. */
struct port_tally {
    uint64_t n_offloaded;
    uint64_t n_refused;
    struct shash reasons;       /* "description (detail)" -> count. */
};

static struct port_tally *
tally_for(struct shash *ports, const char *name)
{
    struct port_tally *t = shash_find_data(ports, name);

    if (!t) {
        t = xzalloc(sizeof *t);
        shash_init(&t->reasons);
        shash_add(ports, name, t);
    }
    return t;
}

static void
count_refusals(struct shash *ports)
{
    struct refusal_record *r;

    ovs_mutex_lock(&mutex);
    HMAP_FOR_EACH (r, node, &records) {
        struct port_tally *t = tally_for(ports, r->port);
        char reason[128];
        void *n;

        offload_refusal_format(&r->info, reason, sizeof reason);
        n = shash_find_data(&t->reasons, reason);
        shash_replace(&t->reasons, reason, (void *) ((uintptr_t) n + 1));
        t->n_refused++;
    }
    ovs_mutex_unlock(&mutex);
}

static void
offload_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
             const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct shash offloaded = SHASH_INITIALIZER(&offloaded);
    struct shash ports = SHASH_INITIALIZER(&ports);
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash_node **sorted;
    struct shash_node *node;

    ovs_mutex_lock(&tc_flow_map_mutex);
    tc_flow_count_by_port(&offloaded);
    ovs_mutex_unlock(&tc_flow_map_mutex);
    SHASH_FOR_EACH (node, &offloaded) {
        tally_for(&ports, node->name)->n_offloaded = (uintptr_t) node->data;
    }
    shash_destroy(&offloaded);
    count_refusals(&ports);

    if (!netdev_is_flow_api_enabled()) {
        ds_put_cstr(&s, "hw-offload is disabled (other_config:hw-offload)\n");
    } else {
        tc_policy_refresh();
        ds_put_format(&s, "TC flower offload by ovs-offload, tc-policy %s\n",
                      tc_policy_name());
        ds_put_cstr(&s, "kernel capabilities:");
        tc_probe_format(&s);
        ds_put_char(&s, '\n');
    }
    sorted = shash_sort(&ports);
    for (size_t i = 0; i < shash_count(&ports); i++) {
        struct port_tally *t = sorted[i]->data;
        const struct shash_node **reasons = shash_sort(&t->reasons);

        ds_put_format(&s, "  %s: %"PRIu64" offloaded, %"PRIu64" refused\n",
                      sorted[i]->name, t->n_offloaded, t->n_refused);
        for (size_t j = 0; j < shash_count(&t->reasons); j++) {
            ds_put_format(&s, "    %"PRIuPTR"  %s\n",
                          (uintptr_t) reasons[j]->data, reasons[j]->name);
        }
        free(reasons);
        shash_destroy(&t->reasons);
        free(t);
    }
    free(sorted);
    shash_destroy(&ports);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Explains a flow given by ufid: offloaded where, or refused why. */
static void
explain_ufid(const ovs_u128 *ufid, struct ds *s)
{
    struct refusal_record *r;
    struct tc_flow *flow;
    bool found = false;

    ovs_mutex_lock(&tc_flow_map_mutex);
    flow = tc_flow_find(ufid);
    if (flow) {
        ds_put_format(s, "offloaded to TC: dev %s ingress chain %"PRIu32
                      " prio %u handle %#"PRIx32"\n",
                      netdev_get_name(flow->netdev), flow->id.chain,
                      flow->id.prio, flow->id.handle);
        found = true;
    }
    ovs_mutex_unlock(&tc_flow_map_mutex);

    ovs_mutex_lock(&mutex);
    r = found ? NULL : record_find(ufid);
    if (r) {
        char reason[128];

        offload_refusal_format(&r->info, reason, sizeof reason);
        ds_put_format(s, "not offloaded, stays in the datapath (port %s): "
                      "%s [%s]\n", r->port, reason,
                      offload_refusal_name(r->info.reason));
        found = true;
    }
    ovs_mutex_unlock(&mutex);

    if (!found) {
        ds_put_cstr(s, "unknown to the TC provider: no such flow was "
                    "offered for offload (or it was deleted)\n");
    }
}

/* Explains whether the datapath flow 'flow_s' with 'actions_s' would be
 * offloaded, without installing anything. */
static int
explain_flow(const char *flow_s, const char *actions_s, struct ds *s)
{
    struct offload_refusal_info refusal = { .reason = 0 };
    struct ofpbuf key, mask, actions;
    struct flower_rule rule;
    struct match match;
    char *error_s = NULL;
    int error;

    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    ofpbuf_init(&actions, 0);
    error = odp_flow_from_string(flow_s, NULL, &key, &mask, &error_s);
    if (error) {
        ds_put_format(s, "bad flow: %s", error_s ? error_s : flow_s);
        goto out;
    }
    error = odp_actions_from_string(actions_s, NULL, &actions);
    if (error) {
        ds_put_format(s, "bad actions: %s", actions_s);
        goto out;
    }
    error = parse_key_and_mask_to_match(key.data, key.size, mask.data,
                                        mask.size, &match);
    if (error) {
        ds_put_cstr(s, "flow does not convert to a match (incomplete key?)");
        goto out;
    }

    error = tc_ports_translate(&match, actions.data, actions.size, "system",
                               &rule, &refusal);
    /* Only an installed rule keeps its psample group. */
    tc_sample_unref(tc_sample_rule_group(&rule));
    if (error) {
        char reason[128];

        offload_refusal_format(&refusal, reason, sizeof reason);
        ds_put_format(s, "would not be offloaded: %s [%s]\n", reason,
                      offload_refusal_name(refusal.reason));
    } else {
        ds_put_format(s, "would be offloaded: flower protocol 0x%04x with %d "
                      "action%s\n", ntohs(rule.protocol), rule.n_actions,
                      rule.n_actions == 1 ? "" : "s");
    }
    error = 0;

out:
    free(error_s);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
    ofpbuf_uninit(&actions);
    return error;
}

static void
offload_explain(struct unixctl_conn *conn, int argc, const char *argv[],
                void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ovs_u128 ufid;
    int error = 0;

    if (argc == 2 && odp_ufid_from_string(argv[1], &ufid) > 0) {
        explain_ufid(&ufid, &s);
    } else if (argc == 3) {
        error = explain_flow(argv[1], argv[2], &s);
    } else {
        ds_put_cstr(&s, "usage: offload/explain ufid:UFID | FLOW ACTIONS");
        error = EINVAL;
    }
    if (error) {
        unixctl_command_reply_error(conn, ds_cstr(&s));
    } else {
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

/* Registers the commands, once. */
void
offload_explain_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        unixctl_command_register("offload/show", "", 0, 0, offload_show,
                                 NULL);
        unixctl_command_register("offload/explain",
                                 "ufid:UFID | FLOW ACTIONS", 1, 2,
                                 offload_explain, NULL);
        ovsthread_once_done(&once);
    }
}
