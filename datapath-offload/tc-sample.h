/*
 * sFlow samples of offloaded flows: the psample groups that the TC rules'
 * act_sample copy packets to, each standing for one OVS sFlow action, and
 * the thread that reads the samples and hands them to OVS's sFlow agent,
 * as a datapath upcall would.
 *
 * A group lives while something holds a reference to it.
 * tc_sample_group(), which translation calls, finds or makes the group of
 * an action and takes one; an installed rule keeps it (the provider's
 * tc_flow), and whoever does not install the rule (a refused flow,
 * offload/explain) gives it back with tc_sample_unref().  Taking it at
 * once means that no other thread can free the group between translation
 * and installation.
 */
#ifndef TC_SAMPLE_H
#define TC_SAMPLE_H 1

#include <stdbool.h>
#include <stdint.h>

struct flower_rule;
struct nlattr;
struct ofpbuf;

uint32_t tc_sample_group(const struct nlattr *action);
bool tc_sample_action(uint32_t group, struct ofpbuf *);

uint32_t tc_sample_rule_group(const struct flower_rule *);
void tc_sample_unref(uint32_t group);

void tc_sample_start(void);

#endif /* tc-sample.h */
