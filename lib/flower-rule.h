/*
 * A TC flower rule as ovs-offload models it.
 *
 * This is the meeting point of the layers: translation (megaflow -> rule)
 * produces it, the codec (rule <-> netlink message) consumes and produces
 * it, and the transport sends it.  It carries no Open vSwitch types, so the
 * codec and transport can be built, tested and reused without OVS.
 *
 * All multi-byte packet fields are in network byte order, exactly as the
 * kernel's TCA_FLOWER_KEY_* attributes carry them.  A field is matched when
 * its mask is non-zero.
 */
#ifndef FLOWER_RULE_H
#define FLOWER_RULE_H 1

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define FLOWER_MAX_ACTIONS 32   /* The kernel's TCA_ACT_MAX_PRIO. */
#define FLOWER_COOKIE_LEN 16    /* TC_COOKIE_MAX_SIZE; holds the OVS ufid. */
#define FLOWER_GENEVE_OPTS_MAX 252  /* Geneve's 6-bit opt_len, in bytes. */

/* Geneve options exactly as they lie in the packet: TLVs of a 16-bit class
 * (network order), an 8-bit type, a byte whose low 5 bits give the data
 * length in 4-byte words, then the data.  In a mask, every TLV header has
 * the same length byte as the key's (the kernel requires equal lengths)
 * and class, type and data hold mask bits. */
struct flower_geneve_opts {
    uint8_t len;                /* Bytes used in 'data', a multiple of 4. */
    uint8_t data[FLOWER_GENEVE_OPTS_MAX];
};

/* Packet fields a flower rule can match on (key and mask share it). */
struct flower_key {
    uint8_t eth_dst[6];
    uint8_t eth_src[6];
    uint16_t eth_type;          /* Outer type: 0x8100/0x88a8 if tagged. */

    /* VLAN tags, as cls_flower takes them.  With one tag, 'eth_type' is its
     * TPID (0x8100 or 0x88a8) and 'vlan_eth_type' the type it carries.
     * With two (QinQ), 'eth_type' is the outer TPID, 'vlan_eth_type' the
     * inner TPID (0x8100 or 0x88a8) and 'cvlan_eth_type' the type after
     * both tags.  Ids and priorities match exactly or not at all. */
    uint16_t vlan_id;           /* Outer tag: host byte order, 12 bits. */
    uint8_t vlan_prio;          /* 3 bits. */
    uint16_t vlan_eth_type;     /* Type after the outer tag. */
    uint16_t cvlan_id;          /* Inner tag: host byte order, 12 bits. */
    uint8_t cvlan_prio;         /* 3 bits. */
    uint16_t cvlan_eth_type;    /* Type after the inner tag. */

    uint8_t ip_proto;
    uint8_t ip_tos;
    uint8_t ip_ttl;
    uint32_t ip_flags;          /* TCA_FLOWER_KEY_FLAGS_* (fragments). */

    uint32_t ipv4_src;
    uint32_t ipv4_dst;
    struct in6_addr ipv6_src;
    struct in6_addr ipv6_dst;

    uint16_t tp_src;            /* TCP, UDP or SCTP ports. */
    uint16_t tp_dst;
    uint16_t tcp_flags;         /* TCP only; 12 bits, network order. */
    uint8_t icmp_type;          /* ICMPv4 or ICMPv6. */
    uint8_t icmp_code;

    /* ARP (eth_type 0x0806). */
    uint32_t arp_sip;
    uint32_t arp_tip;
    uint8_t arp_op;             /* Opcode, low 8 bits as flower has it. */
    uint8_t arp_sha[6];
    uint8_t arp_tha[6];

    /* Conntrack state, as set by a ct action in an earlier chain. */
    uint16_t ct_state;          /* TCA_FLOWER_KEY_CT_FLAGS_*, host order. */
    uint16_t ct_zone;           /* Host order. */
    uint32_t ct_mark;           /* Host order. */
    uint8_t ct_label[16];

    /* Tunnel metadata of a packet that a tunnel device received and
     * decapsulated (flower's enc_* keys). */
    uint32_t enc_key_id;        /* Network order; VNI in the low 24 bits. */
    uint32_t enc_ipv4_src;
    uint32_t enc_ipv4_dst;
    struct in6_addr enc_ipv6_src;
    struct in6_addr enc_ipv6_dst;
    uint8_t enc_tos;
    uint8_t enc_ttl;
    uint16_t enc_tp_src;        /* Outer UDP ports. */
    uint16_t enc_tp_dst;
    struct flower_geneve_opts enc_geneve;
    uint32_t enc_vxlan_gbp;     /* VXLAN-GBP policy: host order. */

    /* The outermost MPLS label stack entry (eth_type 0x8847 or 0x8848).
     * cls_flower matches each of these exactly or not at all. */
    uint32_t mpls_label;        /* Host order, 20 bits. */
    uint8_t mpls_tc;            /* 3 bits. */
    uint8_t mpls_bos;           /* 1 bit. */
    uint8_t mpls_ttl;
};

enum flower_action_type {
    FLOWER_ACT_DROP,            /* gact shot. */
    FLOWER_ACT_REDIRECT,        /* mirred egress redirect. */
    FLOWER_ACT_MIRROR,          /* mirred egress mirror. */
    FLOWER_ACT_REDIRECT_INGRESS, /* mirred ingress redirect. */
    FLOWER_ACT_MIRROR_INGRESS,  /* mirred ingress mirror. */
    FLOWER_ACT_VLAN_PUSH,       /* act_vlan push (then PIPE). */
    FLOWER_ACT_VLAN_POP,        /* act_vlan pop (then PIPE). */
    FLOWER_ACT_GOTO_CHAIN,      /* gact goto_chain: ends the list. */
    FLOWER_ACT_CT,              /* act_ct (then PIPE). */
    FLOWER_ACT_CT_CLEAR,        /* act_ct clear (then PIPE). */
    FLOWER_ACT_PEDIT,           /* act_pedit with extended keys (PIPE). */
    FLOWER_ACT_CSUM,            /* act_csum (then PIPE). */
    FLOWER_ACT_TUNNEL_SET,      /* act_tunnel_key set (then PIPE). */
    FLOWER_ACT_TUNNEL_RELEASE,  /* act_tunnel_key release (then PIPE). */
    FLOWER_ACT_MPLS_PUSH,       /* act_mpls push (then PIPE). */
    FLOWER_ACT_MPLS_POP,        /* act_mpls pop (then PIPE). */
    FLOWER_ACT_MPLS_SET,        /* act_mpls modify (then PIPE). */
    FLOWER_ACT_POLICE,          /* act_police shared by index: a meter.
                                 * Conforming packets go on (PIPE),
                                 * exceeding ones are dropped. */
    FLOWER_ACT_SAMPLE,          /* act_sample to a psample group (PIPE). */
    FLOWER_ACT_POLICE_MTU,      /* act_police of the rule's own that sends
                                 * packets one way or another by their
                                 * length: see 'police_mtu'. */
    FLOWER_ACT_JUMP,            /* gact jump: skips the next 'jump'
                                 * actions. */
    FLOWER_ACT_PTYPE_HOST,      /* act_skbedit ptype host (PIPE): before an
                                 * ingress redirect or mirror, so that the
                                 * stack of the device takes a unicast
                                 * frame that came in with another MAC, as
                                 * the datapath's eth_type_trans() on an
                                 * internal port does. */
};

/* One 32-bit word that act_pedit rewrites: at byte 'offset' of the header
 * 'htype' (TCA_PEDIT_KEY_EX_HDR_TYPE_*), the word becomes
 * (old & ~mask) | (value & mask).  'value' and 'mask' are in network byte
 * order, as the bytes lie in the packet; 'offset' is a multiple of 4. */
struct flower_pedit_key {
    uint8_t htype;
    uint32_t offset;
    uint32_t value;
    uint32_t mask;              /* Bits to rewrite (not the kernel's
                                 * inverted "bits to keep"). */
};

#define FLOWER_MAX_PEDIT_KEYS 32

/* act_ct parameters (TCA_CT_*).  Fields with a zero mask are not set. */
struct flower_ct {
    uint16_t zone;              /* Host order. */
    bool commit;                /* TCA_CT_ACT_COMMIT. */
    bool force;                 /* TCA_CT_ACT_FORCE. */
    uint32_t mark, mark_mask;   /* Host order; committed with the entry. */
    uint8_t label[16], label_mask[16];

    /* NAT (TCA_CT_ACT_NAT).  With neither 'nat_src' nor 'nat_dst', ct
     * only applies the NAT an existing connection already has.  A range
     * is used only when its family flag is set; ports (network order)
     * only when 'nat_port_max' is non-zero. */
    bool nat;
    bool nat_src;               /* TCA_CT_ACT_NAT_SRC. */
    bool nat_dst;               /* TCA_CT_ACT_NAT_DST. */
    bool nat_ipv4;              /* 'nat_ipv4_min'..'max' given. */
    bool nat_ipv6;              /* 'nat_ipv6_min'..'max' given. */
    uint32_t nat_ipv4_min, nat_ipv4_max;
    struct in6_addr nat_ipv6_min, nat_ipv6_max;
    uint16_t nat_port_min, nat_port_max;
};

/* act_tunnel_key set: the metadata the tunnel device that the packet is
 * then redirected to encapsulates it with.  Addresses are IPv4 when
 * 'ipv4_dst' is non-zero, else IPv6.  Geneve options, if any, are the
 * rule's 'encap_geneve' (one set per rule); a VXLAN-GBP is the set's own
 * 'gbp'. */
struct flower_tunnel_set {
    uint32_t id;                /* Network order, used if 'has_id'. */
    bool has_id;
    uint32_t ipv4_src, ipv4_dst;
    struct in6_addr ipv6_src, ipv6_dst;
    uint16_t tp_dst;            /* Network order, 0: the device's port. */
    uint8_t tos;
    uint8_t ttl;                /* 0: the device's default. */
    bool no_csum;               /* Outer UDP checksum off. */
    bool dont_fragment;         /* DF in the outer header.  No kernel
                                 * attribute up to Linux 6.1: encoding
                                 * refuses it. */
    bool geneve;                /* Carries the rule's 'encap_geneve'. */
    bool vxlan_gbp;             /* Carries 'gbp'. */
    uint32_t gbp;               /* VXLAN-GBP as flower matches it: flags
                                 * (bits 16-23) and policy id, host order. */
};

/* act_mpls (TCA_MPLS_*): push, pop or modify of the outermost LSE.  For
 * MPLS_SET only the fields whose 'set_*' flag is true change. */
struct flower_mpls {
    uint16_t proto;             /* Push: 0x8847/0x8848; pop: the type
                                 * that follows; network order. */
    uint32_t label;             /* Host order, 20 bits. */
    uint8_t tc;                 /* 3 bits. */
    uint8_t ttl;
    uint8_t bos;                /* 1 bit. */
    bool set_label, set_tc, set_ttl, set_bos;
};

/* Where packets go.  The kernel runs a rule's actions in order.  A packet
 * leaves most actions for the next one (those marked "then PIPE" above, and
 * mirrors and meters), or leaves the list at one that ends it (drop,
 * redirect, goto chain).  A POLICE_MTU action can instead make it skip the
 * next n actions (n > 0), i.e. go on to the action n + 1 places further on,
 * so that the list branches as OVS's check_pkt_len needs, and a JUMP
 * action always does, so that branches can join again.  For example,
 *
 *     [police_mtu 1500, exceed skips 2] [mirror] [redirect]
 *                                       [pedit] [redirect]
 *
 * sends packets of up to 1500 bytes (see below) through the mirror and the
 * first redirect, longer ones through the pedit and the second redirect,
 * and
 *
 *     [police_mtu 1500, conform skips 3] [pedit] [mirror] [jump 1]
 *                                        [vlan pop]
 *                                        [redirect]
 *
 * sends longer packets through the pedit and the mirror, shorter ones
 * through the VLAN pop, and both through the redirect.
 * The codec takes a list only if every action of it runs for some packet
 * and every packet leaves the list at an action that ends it: every skip
 * lands on an action of the list, and no packet leaves the last action for
 * the next.
 *
 * The length that POLICE_MTU compares with 'mtu' is the one that Linux (6.1,
 * tcf_police_mtu_check()) gives the packet: for a GSO packet, that of each
 * of the segments it would be cut into, else qdisc_pkt_len(), which on
 * either hook is the length of the skb as the hook received it, plus, on
 * ingress, where the Ethernet header has already been pulled, the length of
 * the MAC header.  So it is the frame from the first byte of its
 * destination address to the end of its payload, without FCS and without a
 * VLAN tag that the kernel holds beside the data (skb_vlan_tag_present()):
 * on ingress, the outermost tag always is, as __netif_receive_skb_core()
 * takes it out before TC runs; inner tags count.  OVS's kernel datapath
 * compares the same length for check_pkt_len (skb->len from the MAC header
 * on, tags held beside the data not counted), so its 'pkt_len' can be used
 * as 'mtu' as is, with two exceptions: OVS's userspace datapath counts
 * every VLAN tag, and after conntrack has reassembled fragments the kernel
 * datapath compares the largest fragment (its MRU) where act_police
 * compares the reassembled packet. */
struct flower_action {
    enum flower_action_type type;
    union {
        uint32_t ifindex;       /* REDIRECT*, MIRROR*. */
        struct {                /* VLAN_PUSH. */
            uint16_t proto;     /* 0x8100 or 0x88a8, network order. */
            uint16_t id;        /* Host order, 12 bits. */
            uint8_t prio;       /* 3 bits. */
        } vlan;
        uint32_t chain;         /* GOTO_CHAIN. */
        struct flower_ct ct;    /* CT. */
        struct {                /* PEDIT: rule->pedit_keys[first..+n). */
            uint8_t first;
            uint8_t n;
        } pedit;
        uint32_t csum_flags;    /* CSUM: TCA_CSUM_UPDATE_FLAG_*. */
        struct flower_tunnel_set tunnel;    /* TUNNEL_SET. */
        struct flower_mpls mpls;            /* MPLS_*. */
        uint32_t police_index;  /* POLICE: the shared act_police. */
        struct {                /* SAMPLE. */
            uint32_t rate;      /* 1 in 'rate' packets. */
            uint32_t group;     /* psample group. */
            uint32_t trunc;     /* Truncate copies to this; 0: don't. */
        } sample;
        struct {                /* POLICE_MTU. */
            uint32_t mtu;       /* Longest packet that conforms: 1 to
                                 * UINT32_MAX - 1. */
            uint8_t conform_jump;   /* Actions that packets of up to 'mtu'
                                     * bytes skip; 0: on to the next. */
            uint8_t exceed_jump;    /* Those that longer packets skip. */
        } police_mtu;
        uint8_t jump;           /* JUMP: actions skipped, at least 1. */
    };
};

/* Counters the kernel keeps for a rule (read back, never written). */
struct flower_stats {
    uint64_t n_packets;
    uint64_t n_bytes;
    uint64_t lastuse_ms;        /* Milliseconds since last hit. */
    bool has_lastuse;
};

/* Where a rule lives in the kernel and how to find it again. */
struct flower_id {
    uint32_t ifindex;           /* Device. */
    bool egress;                /* On its egress hook (clsact), which sees
                                 * what the host sends through an OVS
                                 * internal port; else on ingress. */
    uint32_t chain;
    uint16_t prio;
    uint32_t handle;
};

struct flower_rule {
    struct flower_id id;
    uint16_t protocol;          /* Filter protocol (ETH_P_*), network order. */

    struct flower_key key;
    struct flower_key mask;

    uint32_t flags;             /* TCA_CLS_FLAGS_SKIP_HW / SKIP_SW. */
    bool in_hw;                 /* Decoded: kernel reports in_hw. */
    uint32_t in_hw_count;

    struct flower_action actions[FLOWER_MAX_ACTIONS];
    int n_actions;

    /* The words that PEDIT actions rewrite, shared by all of them. */
    struct flower_pedit_key pedit_keys[FLOWER_MAX_PEDIT_KEYS];
    int n_pedit_keys;

    /* Geneve options of the TUNNEL_SET action whose 'geneve' is true. */
    struct flower_geneve_opts encap_geneve;

    /* Decoded from a terse dump: there are no keys and the actions are
     * not known, only the flags, counters (without a last use) and
     * cookie. */
    bool terse;

    /* Opaque cookie on the last action, so a dumped rule can be mapped back
     * to its datapath flow (OVS does the same with its ufid). */
    uint8_t cookie[FLOWER_COOKIE_LEN];
    bool has_cookie;

    struct flower_stats stats;
};

#endif /* flower-rule.h */
