/* The thin layer between lwIP (raw API, NO_SYS) and the C# network task (firmware/NetworkTask.cs,
 * firmware/LwipStack.cs). C# calls the net_* functions below from its task; lwIP calls back into C#
 * through the firmware_net_* exports, always from inside one of those calls (lwIP never runs in an
 * interrupt here). Connections and DNS queries are slots made at boot: the slot number is the
 * context word lwIP carries (`arg`) and the index of the C# receiver. */
#include <stdint.h>
#include <string.h>
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/timeouts.h"
#include "lwip/stats.h"
#include "lwip/memp.h"
#include "lwip/prot/dhcp.h"
#include "lwip/apps/sntp.h"
#include "netif/ethernet.h"

/* C# exports (firmware/LwipStack.cs). */
int32_t firmware_net_transmit(const uint8_t *frame, int32_t length);
void firmware_net_tcp_event(int32_t slot, int32_t event, int32_t error);
void firmware_net_dns_found(int32_t slot, uint32_t address, int32_t found);
void firmware_net_sntp_time(uint32_t seconds, uint32_t microseconds);
void rt_panic(const char *what, uint32_t address);
uint64_t rt_uptime_ms(void);

/* The events C# sees, in firmware/LwipStack.cs's numbering. */
#define EVENT_CONNECTED 1
#define EVENT_RECEIVED  2
#define EVENT_SENT      3
#define EVENT_PEER_CLOSED 4
#define EVENT_ERROR     5

#define NET_TCP_SLOTS 2
#define NET_DNS_SLOTS 3 /* one per TCP slot, and one for lookups of their own (shell, boot probe) */
#define NET_FRAME_MAX 1536

uint16_t net_dns_server_port = 53;
uint16_t net_sntp_server_port = 123;

static struct netif net_if;
static uint8_t tx_frame[NET_FRAME_MAX];
static uint32_t random_state = 0x9E3779B9u;
static uint32_t tx_drops, rx_drops;

typedef struct {
    struct tcp_pcb *pcb;
    struct pbuf *rx;      /* received, not yet read by C# (a chain) */
    uint16_t rx_offset;   /* bytes of rx's first pbuf already read */
} tcp_slot;

static tcp_slot tcp_slots[NET_TCP_SLOTS];
static char dns_names[NET_DNS_SLOTS][DNS_MAX_NAME_LENGTH];

void net_assert_failed(const char *message, const char *file, int line)
{
    (void)message; (void)file;
    rt_panic("lwIP assertion failed", (uint32_t)line);
}

/* xorshift32, stirred by the uptime and whatever C# seeds it with (the MAC address): DHCP
 * transaction ids, DNS ids, TCP initial sequence numbers and local ports. */
uint32_t net_random(void)
{
    uint32_t x = random_state ^ (uint32_t)rt_uptime_ms();
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    random_state = x;
    return x;
}

void net_seed_random(uint32_t seed) { random_state ^= seed ? seed : 1u; }

u32_t sys_now(void) { return (u32_t)rt_uptime_ms(); }

/* lwIP's low-level output: flatten the pbuf chain into one frame and give it to the driver. */
static err_t net_link_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (p->tot_len > sizeof tx_frame) {
        tx_drops++;
        return ERR_BUF;
    }
    uint16_t length = pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
    if (!firmware_net_transmit(tx_frame, length)) {
        tx_drops++;
        LINK_STATS_INC(link.drop);
        return ERR_MEM;
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

static err_t net_if_init(struct netif *netif)
{
    netif->name[0] = 'e';
    netif->name[1] = '0';
    netif->output = etharp_output;
    netif->linkoutput = net_link_output;
    netif->mtu = 1500;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

void net_init(const uint8_t *mac, const char *hostname)
{
    lwip_init();
    memcpy(net_if.hwaddr, mac, ETH_HWADDR_LEN);
    netif_add(&net_if, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, net_if_init, ethernet_input);
    netif_set_hostname(&net_if, hostname);
    netif_set_default(&net_if);
    netif_set_up(&net_if);
}

void net_set_link(int32_t up)
{
    if (up)
        netif_set_link_up(&net_if);
    else
        netif_set_link_down(&net_if);
}

/* One received frame (no FCS) from the driver's ring: into a pool pbuf, then into lwIP. */
int32_t net_input(const uint8_t *frame, int32_t length)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)length, PBUF_POOL);
    if (p == NULL) {
        rx_drops++;
        LINK_STATS_INC(link.memerr);
        return 0;
    }
    pbuf_take(p, frame, (u16_t)length);
    LINK_STATS_INC(link.recv);
    if (net_if.input(p, &net_if) != ERR_OK) {
        pbuf_free(p);
        rx_drops++;
        return 0;
    }
    return 1;
}

/* Addresses cross as lwIP keeps them: network byte order in a u32 (a.b.c.d is a | b<<8 | ...). */
void net_start_dhcp(void) { dhcp_start(&net_if); }

void net_set_static(uint32_t address, uint32_t netmask, uint32_t gateway)
{
    ip4_addr_t a, m, g;
    a.addr = address; m.addr = netmask; g.addr = gateway;
    netif_set_addr(&net_if, &a, &m, &g);
}

void net_set_dns(uint32_t server, uint16_t port)
{
    ip_addr_t s;
    ip_addr_set_ip4_u32_val(s, server);
    dns_setserver(0, &s);
    net_dns_server_port = port;
}

/* Runs lwIP's due timers; returns the milliseconds until the next one (0xFFFFFFFF: none). */
uint32_t net_poll_timers(void)
{
    sys_check_timeouts();
    return sys_timeouts_sleeptime();
}

typedef struct {
    uint32_t address, netmask, gateway, dns;
    uint32_t lease_seconds, renew_seconds, rebind_seconds;
    int32_t dhcp_state;  /* lwIP's DHCP_STATE_*: 10 = bound */
    int32_t link_up;
    uint32_t tx_drops, rx_drops;
} net_info;

void net_get_info(net_info *info)
{
    info->address = ip4_addr_get_u32(netif_ip4_addr(&net_if));
    info->netmask = ip4_addr_get_u32(netif_ip4_netmask(&net_if));
    info->gateway = ip4_addr_get_u32(netif_ip4_gw(&net_if));
    const ip_addr_t *dns = dns_getserver(0);
    info->dns = ip_addr_get_ip4_u32(dns);
    struct dhcp *dhcp = netif_dhcp_data(&net_if);
    info->dhcp_state = dhcp ? dhcp->state : -1;
    info->lease_seconds = dhcp ? dhcp->offered_t0_lease : 0;
    info->renew_seconds = dhcp ? dhcp->offered_t1_renew : 0;
    info->rebind_seconds = dhcp ? dhcp->offered_t2_rebind : 0;
    info->link_up = netif_is_link_up(&net_if) ? 1 : 0;
    info->tx_drops = tx_drops;
    info->rx_drops = rx_drops;
}

/* lwIP's pool statistics for the shell: index 0 is lwIP's heap (MEM_SIZE), then every memp pool.
 * Returns 0 past the last one. The name is lwIP's own (a C string in flash). */
static const char *const pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

int32_t net_get_pool(int32_t index, const char **name, uint32_t *used, uint32_t *max, uint32_t *available, uint32_t *errors)
{
    const struct stats_mem *s;
    if (index == 0) {
        s = &lwip_stats.mem;
        *name = "heap";
    } else if (index - 1 < MEMP_MAX) {
        s = lwip_stats.memp[index - 1];
        *name = pool_names[index - 1];
    } else {
        return 0;
    }
    *used = s->used;
    *max = s->max;
    *available = s->avail;
    *errors = s->err;
    return 1;
}

/* ---- DNS ------------------------------------------------------------------------------------ */
static void dns_found(const char *name, const ip_addr_t *address, void *arg)
{
    (void)name;
    int32_t slot = (int32_t)(intptr_t)arg;
    firmware_net_dns_found(slot, address ? ip_addr_get_ip4_u32(address) : 0, address != NULL);
}

/* 0: resolved now (a literal or cached), *address set; 1: pending (firmware_net_dns_found
 * follows); negative: lwIP's error (bad name, no memory). */
int32_t net_dns_lookup(int32_t slot, const uint8_t *name, int32_t length, uint32_t *address)
{
    if (slot < 0 || slot >= NET_DNS_SLOTS || length <= 0 || length >= DNS_MAX_NAME_LENGTH)
        return ERR_ARG;
    memcpy(dns_names[slot], name, (size_t)length);
    dns_names[slot][length] = 0;
    ip_addr_t result;
    err_t err = dns_gethostbyname(dns_names[slot], &result, dns_found, (void *)(intptr_t)slot);
    if (err == ERR_OK) {
        *address = ip_addr_get_ip4_u32(&result);
        return 0;
    }
    return err == ERR_INPROGRESS ? 1 : err;
}

/* ---- SNTP ----------------------------------------------------------------------------------- */
static char sntp_name[DNS_MAX_NAME_LENGTH];

void net_sntp_set_time(uint32_t seconds, uint32_t microseconds) { firmware_net_sntp_time(seconds, microseconds); }

void net_sntp_start(const uint8_t *server, int32_t length, uint16_t port)
{
    if (length <= 0 || length >= (int32_t)sizeof sntp_name)
        return;
    memcpy(sntp_name, server, (size_t)length);
    sntp_name[length] = 0;
    net_sntp_server_port = port;
    sntp_stop();
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    sntp_setservername(0, sntp_name);
    sntp_init();
}

/* ---- TCP ------------------------------------------------------------------------------------ */
static void tcp_slot_release_rx(tcp_slot *s)
{
    if (s->rx)
        pbuf_free(s->rx);
    s->rx = NULL;
    s->rx_offset = 0;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)pcb;
    firmware_net_tcp_event((int32_t)(intptr_t)arg, err == ERR_OK ? EVENT_CONNECTED : EVENT_ERROR, err);
    return ERR_OK;
}

static err_t on_received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb; (void)err;
    int32_t slot = (int32_t)(intptr_t)arg;
    tcp_slot *s = &tcp_slots[slot];
    if (p == NULL) {
        firmware_net_tcp_event(slot, EVENT_PEER_CLOSED, 0);
        return ERR_OK;
    }
    /* Kept until C# reads it; the window reopens (tcp_recved) only as it does: flow control,
     * never a drop. */
    if (s->rx)
        pbuf_cat(s->rx, p);
    else
        s->rx = p;
    firmware_net_tcp_event(slot, EVENT_RECEIVED, 0);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t length)
{
    (void)pcb; (void)length;
    firmware_net_tcp_event((int32_t)(intptr_t)arg, EVENT_SENT, 0);
    return ERR_OK;
}

/* The pcb is already freed when this runs (reset by the peer, aborted, out of memory). */
static void on_error(void *arg, err_t err)
{
    int32_t slot = (int32_t)(intptr_t)arg;
    tcp_slots[slot].pcb = NULL;
    firmware_net_tcp_event(slot, EVENT_ERROR, err);
}

/* 0: connecting (EVENT_CONNECTED or EVENT_ERROR follows); negative: lwIP's error. */
int32_t net_tcp_open(int32_t slot, uint32_t address, uint16_t port)
{
    if (slot < 0 || slot >= NET_TCP_SLOTS || tcp_slots[slot].pcb != NULL)
        return ERR_ARG;
    tcp_slot *s = &tcp_slots[slot];
    tcp_slot_release_rx(s);
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (pcb == NULL)
        return ERR_MEM;
    tcp_arg(pcb, (void *)(intptr_t)slot);
    tcp_recv(pcb, on_received);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    tcp_nagle_disable(pcb);
    /* TCP keep-alive (RFC 1122 4.2.3.6): after a minute of silence, a probe every 10 s; three
     * unanswered ones end the connection with an error (a black-holed link is found even when
     * the WebSocket ping is off). */
    ip_set_option(pcb, SOF_KEEPALIVE);
    pcb->keep_idle = 60000;
    pcb->keep_intvl = 10000;
    pcb->keep_cnt = 3;
    ip_addr_t remote;
    ip_addr_set_ip4_u32_val(remote, address);
    err_t err = tcp_connect(pcb, &remote, port, on_connected);
    if (err != ERR_OK) {
        tcp_abort(pcb);
        return err;
    }
    s->pcb = pcb;
    return 0;
}

/* Takes what fits in lwIP's send buffer now (maybe less than asked: back-pressure, never a drop)
 * and returns that count; EVENT_SENT tells when room opens. Negative: not connected. */
int32_t net_tcp_write(int32_t slot, const uint8_t *data, int32_t length)
{
    struct tcp_pcb *pcb = tcp_slots[slot].pcb;
    if (pcb == NULL)
        return ERR_CONN;
    uint32_t room = tcp_sndbuf(pcb);
    if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
        room = 0;
    uint32_t count = (uint32_t)length < room ? (uint32_t)length : room;
    if (count == 0)
        return 0;
    err_t err = tcp_write(pcb, data, (u16_t)count, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM)
        return 0;
    if (err != ERR_OK)
        return err;
    tcp_output(pcb);
    return (int32_t)count;
}

/* Copies up to `length` received bytes; the bytes read reopen the receive window. */
int32_t net_tcp_read(int32_t slot, uint8_t *destination, int32_t length)
{
    tcp_slot *s = &tcp_slots[slot];
    int32_t copied = 0;
    while (s->rx && copied < length) {
        struct pbuf *first = s->rx;
        uint16_t left = (uint16_t)(first->len - s->rx_offset);
        uint16_t n = (uint16_t)((length - copied) < left ? (length - copied) : left);
        memcpy(destination + copied, (const uint8_t *)first->payload + s->rx_offset, n);
        copied += n;
        s->rx_offset = (uint16_t)(s->rx_offset + n);
        if (s->rx_offset == first->len) {
            s->rx = first->next;
            if (s->rx)
                pbuf_ref(s->rx);
            pbuf_free(first);
            s->rx_offset = 0;
        }
    }
    if (copied > 0 && s->pcb)
        tcp_recved(s->pcb, (u16_t)copied);
    return copied;
}

int32_t net_tcp_available(int32_t slot)
{
    tcp_slot *s = &tcp_slots[slot];
    return s->rx ? (int32_t)(s->rx->tot_len - s->rx_offset) : 0;
}

/* Unsent bytes still in lwIP's hands (so a caller can wait for a clean close). */
int32_t net_tcp_unsent(int32_t slot)
{
    struct tcp_pcb *pcb = tcp_slots[slot].pcb;
    return pcb ? (int32_t)(TCP_SND_BUF - tcp_sndbuf(pcb)) : 0;
}

/* Graceful close (FIN); when lwIP cannot queue the FIN (out of memory), abort (RST). Either way
 * the slot is free again, and its unread data is dropped with it. */
void net_tcp_close(int32_t slot, int32_t abort)
{
    tcp_slot *s = &tcp_slots[slot];
    struct tcp_pcb *pcb = s->pcb;
    s->pcb = NULL;
    tcp_slot_release_rx(s);
    if (pcb == NULL)
        return;
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (abort || tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

uint32_t net_tcp_remote(int32_t slot)
{
    struct tcp_pcb *pcb = tcp_slots[slot].pcb;
    return pcb ? ip_addr_get_ip4_u32(&pcb->remote_ip) : 0;
}
