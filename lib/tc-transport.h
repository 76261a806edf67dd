/*
 * Talking to the kernel's traffic control over rtnetlink, with libmnl.
 *
 * A transport is one netlink socket.  It is not thread-safe: callers give
 * each thread its own or serialize access.  Requests are built by the codec
 * (flower-codec.h); this layer only sends them, collects replies and turns
 * kernel errors into positive errno values, keeping the kernel's extended
 * ack message so that a refusal by the kernel can be explained.
 */
#ifndef TC_TRANSPORT_H
#define TC_TRANSPORT_H 1

#include <stdbool.h>
#include <stdint.h>
#include "flower-rule.h"
#include "tc-police-codec.h"

struct tc_transport;

int tc_transport_open(struct tc_transport **);
void tc_transport_close(struct tc_transport *);
const char *tc_transport_last_error(const struct tc_transport *);

/* The ingress qdisc, or the clsact qdisc if 'clsact' (for rules on the
 * egress hook).  Adding one that exists is not an error. */
int tc_qdisc_add(struct tc_transport *, uint32_t ifindex, bool clsact);
int tc_qdisc_del(struct tc_transport *, uint32_t ifindex, bool clsact);

int tc_rule_install(struct tc_transport *, struct flower_rule *,
                    bool replace);
int tc_rule_delete(struct tc_transport *, const struct flower_id *,
                   uint16_t protocol);
int tc_rule_get(struct tc_transport *, const struct flower_id *,
                uint16_t protocol, struct flower_rule *);

/* Called once per flower rule found by tc_rule_dump() (terse ones: see
 * flower_decode_terse()); a non-zero return
 * stops the dump and is returned by it. */
typedef int tc_rule_dump_cb(const struct flower_rule *, void *aux);
int tc_rule_dump(struct tc_transport *, uint32_t ifindex, bool egress,
                 bool terse, tc_rule_dump_cb *, void *aux);

/* The same dump in steps, so that a caller holds a batch of rules at a
 * time rather than all of them: tc_rule_dump_start() sends the request,
 * and each tc_rule_dump_step() reads one batch of replies and hands its
 * rules to 'cb'.  A step returns 0 while more may come, EOF once the dump
 * is over, or a positive errno value.  The transport is the dump's until
 * then. */
int tc_rule_dump_start(struct tc_transport *, uint32_t ifindex, bool egress,
                       bool terse);
int tc_rule_dump_step(struct tc_transport *, bool terse, tc_rule_dump_cb *,
                      void *aux);

/* Meters, as standalone police actions (tc-police-codec.h).  Setting one
 * creates it or replaces its parameters; getting or deleting one gives
 * its counters (its final ones, for a delete).  Deleting one that rules
 * are still bound to fails with EPERM. */
int tc_police_set(struct tc_transport *, const struct tc_meter_police *);
int tc_police_get(struct tc_transport *, uint32_t index,
                  struct tc_meter_police *, struct tc_meter_stats *);
int tc_police_del(struct tc_transport *, uint32_t index,
                  struct tc_meter_stats *);
int tc_police_dump(struct tc_transport *, tc_police_dump_cb *, void *aux);

#endif /* tc-transport.h */
