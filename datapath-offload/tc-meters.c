/* OVS meters as TC police actions (see tc-meters.h). */

#include <config.h>
#include "tc-meters.h"

#include <errno.h>

#include "flower-translate.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "tc-transport.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tc_meters);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Meter ids, in 'offloaded' (flows may use them) or in 'doomed' (deleted
 * by OVS while rules were still bound to them: the kernel refuses to
 * delete those, so they are deleted once the rules are gone). */
struct meter_node {
    struct hmap_node node;
    uint32_t meter_id;
};

static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;
static struct hmap offloaded OVS_GUARDED_BY(mutex)
    = HMAP_INITIALIZER(&offloaded);
static struct hmap doomed OVS_GUARDED_BY(mutex) = HMAP_INITIALIZER(&doomed);

static struct meter_node *
meter_find(struct hmap *set, uint32_t meter_id) OVS_REQUIRES(mutex)
{
    struct meter_node *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(meter_id, 0), set) {
        if (m->meter_id == meter_id) {
            return m;
        }
    }
    return NULL;
}

/* Moves 'meter_id' into 'set' (or out of both sets if 'set' is null). */
static void
meter_move(uint32_t meter_id, struct hmap *set) OVS_REQUIRES(mutex)
{
    struct meter_node *m = meter_find(&offloaded, meter_id);
    struct hmap *from = &offloaded;

    if (!m) {
        m = meter_find(&doomed, meter_id);
        from = &doomed;
    }
    if (m && from != set) {
        hmap_remove(from, &m->node);
    }
    if (!set) {
        free(m);
    } else if (!m || from != set) {
        if (!m) {
            m = xmalloc(sizeof *m);
            m->meter_id = meter_id;
        }
        hmap_insert(set, &m->node, hash_int(meter_id, 0));
    }
}

bool
tc_meter_is_offloaded(uint32_t meter_id)
{
    bool found;

    ovs_mutex_lock(&mutex);
    found = meter_find(&offloaded, meter_id) != NULL;
    ovs_mutex_unlock(&mutex);
    return found;
}

/* Converts 'config' into a police.  Returns false for a meter that a police
 * cannot be: bands other than one drop band, a rate of 0. */
static bool
config_to_police(uint32_t meter_id, const struct ofputil_meter_config *config,
                 uint32_t cls_flags, struct tc_meter_police *police)
{
    const struct ofputil_meter_band *band = config->bands;
    uint64_t burst;

    if (config->n_bands != 1 || band->type != OFPMBT13_DROP || !band->rate) {
        return false;
    }
    burst = config->flags & OFPMF13_BURST ? band->burst_size : band->rate;
    memset(police, 0, sizeof *police);
    police->index = flower_meter_police_index(meter_id);
    police->flags = cls_flags;
    if (config->flags & OFPMF13_PKTPS) {
        police->rate_pkts_ps = band->rate;
        police->burst_pkts = burst ? burst : 1;
    } else {
        /* kbit/s and kbit, as OpenFlow has them. */
        police->rate_bytes_ps = (uint64_t) band->rate * 1000 / 8;
        police->burst_bytes = MAX(burst * 1000 / 8, 1);
    }
    return true;
}

int
tc_meter_set(struct tc_transport *t, uint32_t meter_id,
             const struct ofputil_meter_config *config, uint32_t cls_flags)
{
    struct tc_meter_police police;
    int error;

    if (!config_to_police(meter_id, config, cls_flags, &police)) {
        ovs_mutex_lock(&mutex);
        meter_move(meter_id, NULL);
        ovs_mutex_unlock(&mutex);
        VLOG_DBG("meter %"PRIu32": not offloaded (only one drop band is)",
                 meter_id);
        return EOPNOTSUPP;
    }
    error = tc_police_set(t, &police);
    ovs_mutex_lock(&mutex);
    meter_move(meter_id, error ? NULL : &offloaded);
    ovs_mutex_unlock(&mutex);
    if (error) {
        VLOG_WARN_RL(&rl, "meter %"PRIu32": cannot set police %#"PRIx32": "
                     "%s%s%s", meter_id, police.index, ovs_strerror(error),
                     *tc_transport_last_error(t) ? ": " : "",
                     tc_transport_last_error(t));
    }
    return error;
}

/* Adds the police's counters to 'stats'. */
static void
add_stats(const struct tc_meter_stats *police,
          struct ofputil_meter_stats *stats)
{
    if (stats) {
        stats->packet_in_count += police->n_packets;
        stats->byte_in_count += police->n_bytes;
        if (stats->n_bands >= 1) {
            stats->bands[0].packet_count += police->n_drops;
        }
    }
}

int
tc_meter_get(struct tc_transport *t, uint32_t meter_id,
             struct ofputil_meter_stats *stats)
{
    struct tc_meter_stats police;
    int error;

    if (!tc_meter_is_offloaded(meter_id)) {
        return ENOENT;
    }
    error = tc_police_get(t, flower_meter_police_index(meter_id), NULL,
                          &police);
    if (!error) {
        add_stats(&police, stats);
    }
    return error;
}

int
tc_meter_del(struct tc_transport *t, uint32_t meter_id,
             struct ofputil_meter_stats *stats)
{
    struct tc_meter_stats police;
    bool known;
    int error;

    ovs_mutex_lock(&mutex);
    known = meter_find(&offloaded, meter_id) != NULL;
    ovs_mutex_unlock(&mutex);
    if (!known) {
        return ENOENT;
    }

    error = tc_police_del(t, flower_meter_police_index(meter_id), &police);
    ovs_mutex_lock(&mutex);
    if (error == EPERM) {
        /* Rules still use it: no new flow may, and it goes with them. */
        error = tc_police_get(t, flower_meter_police_index(meter_id), NULL,
                              &police);
        meter_move(meter_id, &doomed);
    } else {
        meter_move(meter_id, NULL);
    }
    ovs_mutex_unlock(&mutex);
    if (!error) {
        add_stats(&police, stats);
    } else if (error != ENOENT) {
        VLOG_WARN_RL(&rl, "meter %"PRIu32": cannot delete its police: %s",
                     meter_id, ovs_strerror(error));
    }
    return error == ENOENT ? 0 : error;
}

/* Deletes the police of meters that OVS deleted while rules used them, now
 * that (some of) those rules may be gone. */
void
tc_meter_retry_deletes(struct tc_transport *t)
{
    struct meter_node *m;

    ovs_mutex_lock(&mutex);
    HMAP_FOR_EACH_SAFE (m, node, &doomed) {
        int error = tc_police_del(t, flower_meter_police_index(m->meter_id),
                                  NULL);

        if (error != EPERM) {
            hmap_remove(&doomed, &m->node);
            free(m);
        }
    }
    ovs_mutex_unlock(&mutex);
}

bool
tc_meter_has_doomed(void)
{
    bool any;

    ovs_mutex_lock(&mutex);
    any = !hmap_is_empty(&doomed);
    ovs_mutex_unlock(&mutex);
    return any;
}

static int
collect_stale(const struct tc_meter_police *police,
              const struct tc_meter_stats *stats OVS_UNUSED, int error,
              void *stale_)
{
    struct hmap *stale = stale_;
    uint32_t index = police->index;

    if (index >= FLOWER_METER_POLICE_BASE
        && index - FLOWER_METER_POLICE_BASE < FLOWER_METER_POLICE_BASE
        && !error) {
        struct meter_node *m = xmalloc(sizeof *m);

        m->meter_id = index - FLOWER_METER_POLICE_BASE;
        hmap_insert(stale, &m->node, hash_int(m->meter_id, 0));
    }
    return 0;
}

/* Deletes the meters' police actions that an earlier ovs-vswitchd left and
 * that no meter_set() has claimed since. */
void
tc_meter_sweep(struct tc_transport *t)
{
    struct hmap stale = HMAP_INITIALIZER(&stale);
    struct meter_node *m;

    if (tc_police_dump(t, collect_stale, &stale)) {
        VLOG_DBG("cannot dump police actions");
    }
    HMAP_FOR_EACH_POP (m, node, &stale) {
        ovs_mutex_lock(&mutex);
        bool ours = meter_find(&offloaded, m->meter_id) != NULL;
        ovs_mutex_unlock(&mutex);

        if (!ours) {
            tc_police_del(t, flower_meter_police_index(m->meter_id), NULL);
        }
        free(m);
    }
    hmap_destroy(&stale);
}
