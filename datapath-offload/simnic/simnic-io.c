/* simnic: packet I/O on a Linux interface, and the NIC's datapath.
 *
 * Each port owns an AF_PACKET socket bound to its interface.  The rx
 * burst reads a batch with recvmmsg(), classifies each packet through
 * the domain's engine and only returns those the rules deliver to the
 * application: forwarded packets are sent out of their target port and
 * dropped ones freed, as a NIC's e-switch would. */

#define _GNU_SOURCE 1

#include "simnic-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_mbuf.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define MAX_SEGS 8

/* Opens the port's socket.  Returns 0 or a positive errno. */
int
simnic_io_open(struct simnic_port *port)
{
    struct sockaddr_ll sll;
    int one = 1;
    int rcvbuf = 4 << 20;
    int fd;

    /* Protocol 0 until bound, so that no other interface's packets are
     * queued before bind(). */
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = port->ifindex;
    /* The kernel moves VLAN tags out of received frames; auxdata gives
     * them back.  Our own transmissions must not come back as input. */
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)
        || setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                      sizeof one)
        || bind(fd, (struct sockaddr *) &sll, sizeof sll)) {
        int err = errno;

        close(fd);
        return err;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    port->fd = fd;
    return 0;
}

void
simnic_io_close(struct simnic_port *port)
{
    if (port->fd >= 0) {
        close(port->fd);
        port->fd = -1;
    }
}

/* Puts back the VLAN tag the kernel took out of a received frame. */
static void
restore_vlan(struct rte_mbuf *m, const struct msghdr *msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *) msg); c;
         c = CMSG_NXTHDR((struct msghdr *) msg, c)) {
        const struct tpacket_auxdata *aux;
        uint16_t tpid, tci;
        uint8_t *d;

        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) {
            continue;
        }
        aux = (const void *) CMSG_DATA(c);
        if (!(aux->tp_status & TP_STATUS_VLAN_VALID)
            || rte_pktmbuf_data_len(m) < RTE_ETHER_ADDR_LEN * 2) {
            return;
        }
        tpid = htons(aux->tp_status & TP_STATUS_VLAN_TPID_VALID
                     ? aux->tp_vlan_tpid : RTE_ETHER_TYPE_VLAN);
        tci = htons(aux->tp_vlan_tci);
        d = (uint8_t *) rte_pktmbuf_prepend(m, 4);
        if (d) {
            memmove(d, d + 4, 12);
            memcpy(d + 12, &tpid, 2);
            memcpy(d + 14, &tci, 2);
        }
        return;
    }
}

/* The frames a burst forwards inside the NIC, sent together at its end:
 * one sendmmsg() per target port rather than one send() per frame. */
struct forward_batch {
    struct rte_mbuf *pkts[SIMNIC_BURST];
    uint16_t out_ports[SIMNIC_BURST];
    uint16_t n;
};

/* Sends the frames of 'batch' that go to 'out_port' from 'from'. */
static void
forward_to(struct simnic_port *from, struct forward_batch *batch,
           uint16_t out_port)
{
    struct simnic_port *to = simnic_port_by_id(out_port);
    struct mmsghdr msgs[SIMNIC_BURST];
    struct iovec iovs[SIMNIC_BURST];
    uint16_t n = 0;
    int sent = 0;

    for (uint16_t i = 0; i < batch->n; i++) {
        struct rte_mbuf *m = batch->pkts[i];

        if (m && batch->out_ports[i] == out_port) {
            iovs[n].iov_base = rte_pktmbuf_mtod(m, void *);
            iovs[n].iov_len = rte_pktmbuf_data_len(m);
            memset(&msgs[n], 0, sizeof msgs[n]);
            msgs[n].msg_hdr.msg_iov = &iovs[n];
            msgs[n].msg_hdr.msg_iovlen = 1;
            n++;
        }
    }
    if (to && to->fd >= 0) {
        sent = sendmmsg(to->fd, msgs, n, MSG_DONTWAIT);
        sent = sent < 0 ? 0 : sent;
    }
    from->nic_forwarded += sent;
    from->nic_dropped += n - sent;
    for (uint16_t i = 0; i < batch->n; i++) {
        if (batch->pkts[i] && batch->out_ports[i] == out_port) {
            rte_pktmbuf_free(batch->pkts[i]);
            batch->pkts[i] = NULL;
        }
    }
}

static void
forward_all(struct simnic_port *from, struct forward_batch *batch)
{
    for (uint16_t i = 0; i < batch->n; i++) {
        if (batch->pkts[i]) {
            forward_to(from, batch, batch->out_ports[i]);
        }
    }
}

/* Reads up to 'n' frames from the socket into 'bufs'. */
static uint16_t
receive(struct simnic_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
    struct mmsghdr msgs[SIMNIC_BURST];
    struct iovec iovs[SIMNIC_BURST];
    union {
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        struct cmsghdr align;
    } cmsgs[SIMNIC_BURST];
    uint16_t kept;
    int got;

    n = RTE_MIN(n, SIMNIC_BURST);
    if (rte_pktmbuf_alloc_bulk(rxq->mp, bufs, n)) {
        return 0;
    }
    for (uint16_t i = 0; i < n; i++) {
        iovs[i].iov_base = rte_pktmbuf_mtod(bufs[i], void *);
        iovs[i].iov_len = rte_pktmbuf_tailroom(bufs[i]);
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = cmsgs[i].buf;
        msgs[i].msg_hdr.msg_controllen = sizeof cmsgs[i].buf;
    }
    got = recvmmsg(rxq->port->fd, msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
    if (got < 0) {
        got = 0;
    }
    kept = 0;
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *m = bufs[i];

        if (i >= got) {
            rte_pktmbuf_free(m);
        } else if (msgs[i].msg_len > iovs[i].iov_len) {
            /* A frame larger than the mbuf: delivering the part that fit
             * would be worse than dropping it. */
            rxq->errors++;
            rte_pktmbuf_free(m);
        } else {
            m->data_len = msgs[i].msg_len;
            m->pkt_len = m->data_len;
            m->port = rxq->port->port_id;
            restore_vlan(m, &msgs[i].msg_hdr);
            bufs[kept++] = m;
        }
    }
    return kept;
}

uint16_t
simnic_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
    struct simnic_rxq *rxq = q;
    struct simnic_port *port = rxq->port;
    struct simnic_engine *engine = port->domain->engine;
    struct rte_mbuf *pkts[SIMNIC_BURST];
    struct forward_batch fwd;
    uint16_t got, delivered = 0;

    if (rxq->queue_id != 0) {
        /* Only queue 0 reads the socket; the others get what QUEUE and
         * RSS actions sent them. */
        delivered = rte_ring_dequeue_burst(rxq->ring, (void **) bufs, n,
                                           NULL);
        goto out;
    }
    if (port->fd < 0) {
        return 0;
    }
    got = receive(rxq, pkts, n);
    if (!got) {
        return 0;
    }
    fwd.n = 0;
    simnic_engine_read_lock(engine);
    for (uint16_t i = 0; i < got; i++) {
        struct rte_mbuf *m = pkts[i];
        struct simnic_result res;

        simnic_engine_classify(engine, port->port_id, m, &res);
        if (res.disposition == SIMNIC_DELIVER && port->isolated
            && !res.hit) {
            /* Isolated mode: only what the rules ask for. */
            res.disposition = SIMNIC_DROP;
        }
        switch (res.disposition) {
        case SIMNIC_DELIVER:
            if (res.queue == 0) {
                bufs[delivered++] = m;
            } else if (!port->rxqs[res.queue].ring
                       || rte_ring_enqueue(port->rxqs[res.queue].ring, m)) {
                port->nic_dropped++;
                rte_pktmbuf_free(m);
            }
            break;
        case SIMNIC_FORWARD:
            fwd.out_ports[fwd.n] = res.out_port;
            fwd.pkts[fwd.n++] = m;
            break;
        case SIMNIC_DROP:
        default:
            port->nic_dropped++;
            rte_pktmbuf_free(m);
            break;
        }
    }
    simnic_engine_read_unlock(engine);
    forward_all(port, &fwd);
out:
    for (uint16_t i = 0; i < delivered; i++) {
        rxq->bytes += rte_pktmbuf_pkt_len(bufs[i]);
    }
    rxq->packets += delivered;
    return delivered;
}

uint16_t
simnic_tx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
    struct simnic_txq *txq = q;
    struct simnic_port *port = txq->port;
    struct mmsghdr msgs[SIMNIC_BURST];
    struct iovec iovs[SIMNIC_BURST][MAX_SEGS];
    uint16_t done = 0;

    if (port->fd < 0) {
        return 0;
    }
    n = RTE_MIN(n, SIMNIC_BURST);
    for (uint16_t i = 0; i < n; i++) {
        struct rte_mbuf *seg = bufs[i];
        int n_iov = 0;

        if (seg->nb_segs > MAX_SEGS) {
            /* Sending part of it would be wrong: send those before it
             * now; it is dropped when it comes first. */
            if (i == 0) {
                txq->errors++;
                rte_pktmbuf_free(seg);
                return 1;
            }
            n = i;
            break;
        }
        for (; seg; seg = seg->next) {
            iovs[i][n_iov].iov_base = rte_pktmbuf_mtod(seg, void *);
            iovs[i][n_iov].iov_len = rte_pktmbuf_data_len(seg);
            n_iov++;
        }
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = iovs[i];
        msgs[i].msg_hdr.msg_iovlen = n_iov;
    }
    while (done < n) {
        int sent = sendmmsg(port->fd, &msgs[done], n - done, MSG_DONTWAIT);

        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                break;
            }
            /* A packet the interface refuses (too big, say) is dropped
             * rather than retried forever. */
            txq->errors++;
            rte_pktmbuf_free(bufs[done]);
            done++;
            continue;
        }
        for (int i = 0; i < sent; i++) {
            txq->bytes += rte_pktmbuf_pkt_len(bufs[done + i]);
            rte_pktmbuf_free(bufs[done + i]);
        }
        txq->packets += sent;
        done += sent;
    }
    return done;
}
