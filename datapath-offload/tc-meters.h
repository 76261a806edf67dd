/*
 * OVS meters as TC police actions, for the TC provider's meter_set,
 * meter_get and meter_del.
 *
 * Meter N is the police action with index flower_meter_police_index(N)
 * (flower-translate.h).  A meter with one drop band is offloaded; flows
 * that use another kind stay in the datapath, and say why.  Counters of
 * a meter add the police's to the datapath meter's, as packets pass one
 * or the other.  Callers of the functions that take a transport serialize
 * their use of it.
 */
#ifndef TC_METERS_H
#define TC_METERS_H 1

#include <stdbool.h>
#include <stdint.h>

struct ofputil_meter_config;
struct ofputil_meter_stats;
struct tc_transport;

int tc_meter_set(struct tc_transport *, uint32_t meter_id,
                 const struct ofputil_meter_config *, uint32_t cls_flags);
int tc_meter_get(struct tc_transport *, uint32_t meter_id,
                 struct ofputil_meter_stats *);
int tc_meter_del(struct tc_transport *, uint32_t meter_id,
                 struct ofputil_meter_stats *);
void tc_meter_retry_deletes(struct tc_transport *);
bool tc_meter_has_doomed(void);
void tc_meter_sweep(struct tc_transport *);

bool tc_meter_is_offloaded(uint32_t meter_id);

#endif /* tc-meters.h */
