/*
 * Start-up probing of what the kernel's TC can do (see flower-caps.h).
 *
 * The first port whose flow API starts is probed: a test rule for each
 * capability is added to its ingress hook and deleted at once.  The rules
 * match only a made-up destination MAC and ethertype, skip hardware, and
 * sit at the last priority, so they never see real traffic.
 */
#ifndef TC_PROBE_H
#define TC_PROBE_H 1

#include <stdbool.h>
#include <stdint.h>
#include "flower-caps.h"

struct ds;
struct tc_transport;

bool tc_probe_run(struct tc_transport *, uint32_t ifindex);
const struct flower_caps *tc_probe_caps(void);
void tc_probe_format(struct ds *);

#endif /* tc-probe.h */
