/*
 * sFlow samples of offloaded flows: the psample groups that the TC rules'
 * act_sample copy packets to, each standing for one OVS sFlow action, and
 * the thread that reads the samples and hands them to OVS's sFlow agent,
 * as a datapath upcall would.
 *
 * A group lives while a rule uses it: tc_sample_group() finds or makes the
 * group of an action for translation, the provider takes a reference for
 * each installed rule, and tc_sample_gc() drops a group that no installed
 * rule took (a refused flow, offload/explain).
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
void tc_sample_ref(uint32_t group);
void tc_sample_unref(uint32_t group);
void tc_sample_gc(uint32_t group);

void tc_sample_start(void);

#endif /* tc-sample.h */
