/*
 * Encoding and decoding of standalone TC police actions with libmnl: the
 * meters that flower rules share by index (FLOWER_ACT_POLICE in
 * flower-rule.h), as Open vSwitch's meter_set/meter_get/meter_del offload
 * them to TC.
 *
 * A meter is an act_police of its own (RTM_NEWACTION, not inside a
 * filter) whose exceeding packets are dropped (TC_ACT_SHOT) and whose
 * conforming ones go on to the rule's next action (TCA_POLICE_RESULT
 * TC_ACT_PIPE), with no MTU limit and one rate: bytes or packets per
 * second.  Rules refer to it by its index; the kernel refuses to delete a
 * police that rules are bound to (EPERM), and to bind a rule whose
 * TCA_CLS_FLAGS_SKIP_HW / _SKIP_SW differ from the police's action flags
 * (EINVAL), so a meter must carry the flags of the rules that use it.
 *
 * Pure functions like those of flower-codec.h: no I/O, no allocation, no
 * logging.  Every reply is validated before any attribute is read; a
 * malformed one is rejected with EPROTO, and a police action that is not
 * of the shape above (so not one of ours) with EOPNOTSUPP.
 */
#ifndef TC_POLICE_CODEC_H
#define TC_POLICE_CODEC_H 1

#include <stdint.h>

struct nlmsghdr;

/* Large enough for any request built here (a rate table is 1 kB). */
#define TC_POLICE_MSG_BUFSIZE 2048

/* A meter as a police action.  Exactly one of the two rates is non-zero
 * (but see tc_police_decode() on a police without a rate).  The kernel
 * keeps a burst as the time the rate takes to send it, in ticks of 64 ns
 * of at most 32 bits (274 s): a burst reads back exactly for rates below
 * one byte (or packet) a tick, 15.6 MB/s (125 Mbit/s) or 15.6 Mpps, and
 * otherwise rounded down to what the kernel holds, which encodes again to
 * the same kernel values. */
struct tc_meter_police {
    uint32_t index;             /* TC action index, not 0. */
    uint64_t rate_bytes_ps;     /* Bytes per second, or 0. */
    uint64_t burst_bytes;       /* Bucket size in bytes. */
    uint64_t rate_pkts_ps;      /* Packets per second, or 0. */
    uint64_t burst_pkts;        /* Bucket size in packets. */
    uint32_t flags;             /* TCA_CLS_FLAGS_SKIP_HW or _SKIP_SW: those
                                 * of the rules that use the meter.  Set
                                 * when the police is created, never
                                 * replaced. */
};

/* What the kernel counted for a meter. */
struct tc_meter_stats {
    uint64_t n_packets;         /* Packets that reached it, in software or
                                 * hardware, conforming or not. */
    uint64_t n_bytes;
    uint64_t n_drops;           /* Exceeding packets, dropped, in software
                                 * or hardware. */
    uint64_t n_overlimits;      /* The same, in software only (hardware
                                 * reports drops). */
    uint32_t n_bound;           /* Rules bound to it. */
};

/* Builds into 'buf' (TC_POLICE_MSG_BUFSIZE bytes) an RTM_NEWACTION
 * request that creates the police 'meter' describes, or replaces the
 * parameters of the police with its index, keeping its counters and the
 * rules bound to it.  Returns NULL if 'meter' has index 0, no rate or two
 * rates, a zero burst or one the kernel cannot hold, a rate above about
 * 9.4 Tbit/s (or pps), or flags other than one of TCA_CLS_FLAGS_SKIP_HW
 * and _SKIP_SW. */
struct nlmsghdr *tc_police_encode_set(void *buf,
                                      const struct tc_meter_police *meter,
                                      uint32_t seq);

/* Builds into 'buf' an RTM_GETACTION request for the police 'index'.  The
 * kernel answers with one message for tc_police_decode(), or ENOENT.
 * Returns NULL if 'index' is 0. */
struct nlmsghdr *tc_police_encode_get(void *buf, uint32_t index,
                                      uint32_t seq);

/* Builds into 'buf' an RTM_DELACTION request for the police 'index', with
 * NLM_F_ECHO so that the kernel sends its final counters first, in a
 * message for tc_police_decode().  The kernel refuses with EPERM while
 * rules are bound to it, ENOENT if there is none.  Returns NULL if
 * 'index' is 0. */
struct nlmsghdr *tc_police_encode_del(void *buf, uint32_t index,
                                      uint32_t seq);

/* Builds into 'buf' an RTM_GETACTION dump request for every police action
 * (of any owner), in messages of as many as fit, for
 * tc_police_decode_dump(). */
struct nlmsghdr *tc_police_encode_dump(void *buf, uint32_t seq);

/* Parses the kernel's reply to one of the requests above but the dump
 * (RTM_GETACTION for a get, RTM_DELACTION for a delete, RTM_NEWACTION for
 * an echoed set), which holds exactly one police action, into 'meter' and
 * 'stats'.  Returns 0, EPROTO if the message is malformed (another kind
 * of action among them), or EOPNOTSUPP if the police is not a meter (an
 * MTU limit, a peak rate, other verdicts...), in which case of 'meter'
 * only the index is set ('stats' is, all the same).  A meter without a
 * rate, both rates 0, is one that a rule created by binding an index no
 * police had: it lets every packet through. */
int tc_police_decode(const struct nlmsghdr *, struct tc_meter_police *meter,
                     struct tc_meter_stats *stats);

/* Called by tc_police_decode_dump() once per police action: 'error' is 0
 * or EOPNOTSUPP as for tc_police_decode(), so that a caller that sweeps
 * its own range of indexes sees police actions that are not meters too.
 * A non-zero return stops the calls and is returned. */
typedef int tc_police_dump_cb(const struct tc_meter_police *meter,
                              const struct tc_meter_stats *stats, int error,
                              void *aux);

/* Parses one message of the reply to tc_police_encode_dump() and calls
 * 'cb' for each police action in it, in order.  The whole message is
 * validated first: if it is malformed, EPROTO is returned and 'cb' is not
 * called. */
int tc_police_decode_dump(const struct nlmsghdr *, tc_police_dump_cb *cb,
                          void *aux);

#endif /* tc-police-codec.h */
