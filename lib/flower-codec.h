/*
 * Encoding and decoding of TC flower netlink messages with libmnl.
 *
 * Pure functions: they build requests into a caller's buffer and parse
 * replies, with no I/O and no logging, so they can be unit-tested on a host
 * without cls_flower.  Every reply is validated before any attribute is
 * read; a malformed message is rejected with EPROTO, never trusted.
 */
#ifndef FLOWER_CODEC_H
#define FLOWER_CODEC_H 1

#include <stddef.h>
#include <stdint.h>
#include "flower-rule.h"

struct nlmsghdr;

/* Parent of every rule we install: the ingress (or clsact) qdisc's ingress
 * hook, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS). */
#define FLOWER_INGRESS_PARENT 0xfffffff2U

/* The egress hook of a clsact qdisc, TC_H_MAKE(TC_H_CLSACT,
 * TC_H_MIN_EGRESS). */
#define FLOWER_EGRESS_PARENT 0xfffffff3U

/* Large enough for any request built here. */
#define FLOWER_MSG_BUFSIZE 16384

/* Builds an RTM_NEWTFILTER request for 'rule' into 'buf' (at least
 * FLOWER_MSG_BUFSIZE bytes).  'nlm_flags' is added to NLM_F_REQUEST |
 * NLM_F_ACK, and NLM_F_ECHO if the rule has no handle yet (pass
 * NLM_F_CREATE | NLM_F_EXCL to add, or NLM_F_CREATE alone with a non-zero
 * handle to replace in place).
 * Returns the message, or NULL if the rule cannot be encoded exactly: too
 * many actions, an action list in which some action runs for no packet or
 * some packet does not leave at a drop, redirect or goto chain (see
 * flower-rule.h), a value the kernel would take for something else, or a
 * key the kernel would match more broadly than asked (e.g. ports without
 * an IP protocol). */
struct nlmsghdr *flower_encode_new(void *buf, const struct flower_rule *,
                                   uint16_t nlm_flags, uint32_t seq);

/* Builds an RTM_DELTFILTER request for the rule at 'id'.  With a zero
 * handle and zero prio it deletes every filter of the chain. */
struct nlmsghdr *flower_encode_del(void *buf, const struct flower_id *,
                                   uint16_t protocol, uint32_t seq);

/* Builds an RTM_GETTFILTER request for the single rule at 'id'. */
struct nlmsghdr *flower_encode_get(void *buf, const struct flower_id *,
                                   uint16_t protocol, uint32_t seq);

/* Builds an RTM_GETTFILTER dump request for every filter on the ingress
 * (or, if 'egress', the egress) hook of 'ifindex'.  With 'terse' the
 * kernel (Linux 5.10 and later; older ones ignore the flag) leaves out the
 * keys and the actions' options: flower_decode_terse() reads such
 * replies. */
struct nlmsghdr *flower_encode_dump(void *buf, uint32_t ifindex, bool egress,
                                    bool terse, uint32_t seq);

/* Builds an RTM_NEWQDISC (add, NLM_F_CREATE | NLM_F_EXCL) or RTM_DELQDISC
 * request for the ingress qdisc of 'ifindex', or its clsact qdisc (which
 * has an egress hook as well) if 'clsact'. */
struct nlmsghdr *flower_encode_qdisc(void *buf, uint32_t ifindex,
                                     bool clsact, bool add, uint32_t seq);

/* Parses one RTM_NEWTFILTER message (a dump entry, a get reply or an echo)
 * into 'rule'.  Returns 0 on success, EAFNOSUPPORT for a filter that is not
 * flower (or a chain/template message without options), EPROTO for a
 * malformed message, EOPNOTSUPP for a valid flower rule using a key or
 * action this codec does not model (so it must not be mistaken for ours). */
int flower_decode(const struct nlmsghdr *, struct flower_rule *);

/* Parses one entry of a terse dump into 'rule': its id, protocol, flags,
 * counters (no last use: the actions' times are among their options) and
 * cookie, with 'rule->terse' set and 'n_actions' the number of actions,
 * whose types are unknown.  A full entry (from a kernel that ignored the
 * terse flag) is read in full.  Returns as flower_decode(). */
int flower_decode_terse(const struct nlmsghdr *, struct flower_rule *);

#endif /* flower-codec.h */
