/*
 * Hashing a datapath flow's ufid, for the maps the providers keep by ufid.
 */
#ifndef UFID_HASH_H
#define UFID_HASH_H 1

#include <stdint.h>

#include "openvswitch/types.h"

/* OVS makes ufids random (a UUID), so any 32 bits of one are a good hash,
 * as OVS's ofproto-dpif-upcall.c also takes them. */
static inline uint32_t
ufid_hash(const ovs_u128 *ufid)
{
    return ufid->u32[0];
}

#endif /* ufid-hash.h */
