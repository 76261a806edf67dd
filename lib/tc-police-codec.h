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

/* A meter as a police action.  Exactly one of the two rates is non-zero
 * (or, read back, neither: see flower-codec-police.c).  The kernel
 * keeps a burst as the time the rate takes to send it, in ticks of 64 ns
 * of at most 32 bits (274 s): a burst reads back exactly for rates below
 * one byte (or packet) a tick, i.e. 125 MB/s or 15.6 Mpps, and otherwise
 * rounded down to the nearest the kernel holds, which encodes again to
 * the same kernel values. */
struct tc_meter_police {
    uint32_t index;             /* TC action index, not 0. */
    uint64_t rate_bytes_ps;     /* Bytes per second, or 0. */
    uint64_t burst_bytes;       /* Bucket size in bytes. */
    uint64_t rate_pkts_ps;      /* Packets per second, or 0. */
    uint64_t burst_pkts;        /* Bucket size in packets. */
    uint32_t flags;             /* TCA_CLS_FLAGS_SKIP_HW or _SKIP_SW: those
                                 * of the rules that use the meter. */
};

#endif /* tc-police-codec.h */
