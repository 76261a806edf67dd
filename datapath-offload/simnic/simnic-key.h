/* simnic: the flattened match key.
 *
 * Every rte_flow pattern and every received packet is turned into one
 * 'struct simnic_key', so that matching a rule is a masked comparison of
 * two fixed-size structs and the classifier can hash it.  A key has an
 * outer and an inner (after VXLAN/GENEVE) header layer. */

#ifndef SIMNIC_KEY_H
#define SIMNIC_KEY_H 1

#include <stdbool.h>
#include <stdint.h>

#include <rte_flow.h>

/* TAG items and SET_TAG actions: how many 32-bit tags a packet carries
 * from group to group. */
#define SIMNIC_N_TAGS 3

/* One layer of headers.  Multi-byte fields are in network byte order, as
 * in the packet and in rte_flow item specs. */
struct simnic_layer {
    uint8_t dst_mac[6];
    uint8_t src_mac[6];
    uint16_t eth_type;          /* As in the Ethernet header (a TPID when
                                 * the frame is tagged). */
    uint16_t vlan_tci[2];
    uint16_t l3_type;           /* EtherType after all VLAN tags. */
    uint8_t n_vlan;
    uint8_t ip_proto;
    uint8_t ip_tos;             /* IPv4 TOS or IPv6 traffic class. */
    uint8_t ip_ttl;             /* IPv4 TTL or IPv6 hop limit. */
    uint32_t ipv4_src;
    uint32_t ipv4_dst;
    uint8_t ipv6_src[16];
    uint8_t ipv6_dst[16];
    uint16_t tp_src;
    uint16_t tp_dst;
    uint8_t tcp_flags;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t has_vlan;           /* 1 if n_vlan > 0 (ETH item 'has_vlan'). */
    uint16_t ipv4_frag;         /* IPv4 flags and fragment offset. */
    uint8_t pad[2];
};

enum simnic_tunnel {
    SIMNIC_TUNNEL_NONE,
    SIMNIC_TUNNEL_VXLAN,
    SIMNIC_TUNNEL_GENEVE,
};

struct simnic_key {
    uint32_t in_port;           /* ethdev port the packet entered. */
    uint32_t transfer;          /* 1 for e-switch (transfer) rules. */
    uint32_t mark;              /* Set by MARK in an earlier group. */
    uint32_t tag[SIMNIC_N_TAGS];    /* Set by SET_TAG in an earlier group. */
    uint32_t tunnel;            /* enum simnic_tunnel. */
    uint32_t vni;               /* Network order, low 24 bits. */
    struct simnic_layer outer;
    struct simnic_layer inner;
} __attribute__((aligned(8)));

#define SIMNIC_KEY_WORDS (sizeof(struct simnic_key) / sizeof(uint64_t))
_Static_assert(sizeof(struct simnic_key) % sizeof(uint64_t) == 0,
               "simnic_key must be a whole number of 64-bit words");

/* Where the outer headers of a frame are, for the actions that rewrite
 * them.  Offsets are from the start of the frame; 0 means "absent" for
 * l3_ofs/l4_ofs (an L3 header never starts at byte 0). */
struct simnic_layout {
    uint16_t l3_ofs;
    uint16_t l4_ofs;
    uint16_t l3_type;
    uint8_t ip_proto;
    uint8_t n_vlan;
};

int simnic_key_from_pattern(const struct rte_flow_item pattern[],
                            struct simnic_key *key, struct simnic_key *mask,
                            struct rte_flow_error *error);
void simnic_key_from_frame(const uint8_t *frame, uint32_t len,
                           struct simnic_key *key,
                           struct simnic_layout *layout);
const char *simnic_item_name(enum rte_flow_item_type);

static inline void
simnic_key_and(struct simnic_key *dst, const struct simnic_key *a,
               const struct simnic_key *b)
{
    const uint64_t *pa = (const uint64_t *) a;
    const uint64_t *pb = (const uint64_t *) b;
    uint64_t *pd = (uint64_t *) dst;

    for (size_t i = 0; i < SIMNIC_KEY_WORDS; i++) {
        pd[i] = pa[i] & pb[i];
    }
}

static inline bool
simnic_key_equal(const struct simnic_key *a, const struct simnic_key *b)
{
    const uint64_t *pa = (const uint64_t *) a;
    const uint64_t *pb = (const uint64_t *) b;

    for (size_t i = 0; i < SIMNIC_KEY_WORDS; i++) {
        if (pa[i] != pb[i]) {
            return false;
        }
    }
    return true;
}

#endif /* simnic-key.h */
