/* lwIP configuration (lwIP 2.1.3, src/include/lwip/opt.h lists every option and its default).
 * NO_SYS: the raw API only, called from one cooperative task (firmware/NetworkTask.cs); no OS,
 * no threads, no malloc. Every pool below is a static array sized here, with the reason. */
#ifndef SHARPCHARGE_LWIPOPTS_H
#define SHARPCHARGE_LWIPOPTS_H

#include <stdint.h>

#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0   /* lwIP runs only in the network task, never in an interrupt */
#define LWIP_NETCONN                0
#define LWIP_SOCKET                 0
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1   /* the board answers ping */
#define LWIP_RAW                    0
#define LWIP_UDP                    1   /* DHCP, DNS, SNTP */
#define LWIP_TCP                    1
#define LWIP_DHCP                   1
#define LWIP_DNS                    1
#define LWIP_IGMP                   0
#define LWIP_AUTOIP                 0
#define LWIP_NETIF_LINK_CALLBACK    0   /* the network task polls link and address changes itself */
#define LWIP_NETIF_STATUS_CALLBACK  0
#define LWIP_SINGLE_NETIF           1
#define LWIP_TCP_KEEPALIVE          1   /* part 2's dead-link detection may use it */
#define LWIP_CHKSUM_ALGORITHM       3
#define IP_REASSEMBLY               0   /* TCP segments fit the MTU (MSS 1460); nothing we use sends fragments */
#define IP_FRAG                     0

/* Memory: lwIP's own allocator over a static array (MEM_LIBC_MALLOC 0) for PBUF_RAM pbufs, which
 * hold outgoing TCP data (tcp_write copies) and UDP requests. The TCP send buffer (TCP_SND_BUF,
 * below) must fit with room for DHCP/DNS/SNTP packets and segment headers: 16 KiB. */
#define MEM_LIBC_MALLOC             0
#define MEMP_MEM_MALLOC             0
#define MEM_ALIGNMENT               4
#define MEM_SIZE                    (16 * 1024)

/* Received frames: the network task copies each frame from the driver's ring into one pool
 * pbuf big enough for a whole Ethernet frame, so one pbuf = one frame. 12 of them hold a full
 * TCP receive window (TCP_WND, 4 segments) on two connections plus ARP/DHCP/DNS traffic. */
#define PBUF_POOL_SIZE              12
#define PBUF_POOL_BUFSIZE           1536

/* Connections: the OCPP WebSocket, one for diagnostics (shell `net tcp`, tests), one spare, and
 * TIME_WAIT pcbs that lwIP may reuse. No listening sockets. */
#define MEMP_NUM_TCP_PCB            4
#define MEMP_NUM_TCP_PCB_LISTEN     1
/* DHCP, DNS, SNTP, one spare. */
#define MEMP_NUM_UDP_PCB            4
/* Segments in flight or queued: TCP_SND_QUEUELEN per connection on two busy connections. */
#define MEMP_NUM_TCP_SEG            32
/* Reference pbufs (PBUF_REF/ROM): lwIP uses few without zero-copy sends. */
#define MEMP_NUM_PBUF               8
/* Packets waiting for an ARP reply: the first SYN, DNS query and SNTP request after boot. */
#define MEMP_NUM_ARP_QUEUE          8
#define ARP_TABLE_SIZE              4   /* gateway, DNS server, a host or two on the LAN */
#define ARP_QUEUEING                1
/* lwIP's own timers (TCP, ARP, DHCP x2, DNS, SNTP) plus the SNTP retry/update timeout. */
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)

#define TCP_MSS                     1460
#define TCP_WND                     (4 * TCP_MSS)   /* 5840: within the pbuf pool, see above */
#define TCP_SND_BUF                 (4 * TCP_MSS)   /* a WebSocket frame of 4 KiB goes out at once */
#define TCP_SND_QUEUELEN            ((4 * TCP_SND_BUF) / TCP_MSS)
#define TCP_QUEUE_OOSEQ             1
#define TCP_OVERSIZE                TCP_MSS
#define LWIP_WND_SCALE              0

#define DNS_TABLE_SIZE              3   /* the central system, the SNTP server, a diagnostic lookup */
#define DNS_MAX_NAME_LENGTH         64
#define DNS_MAX_SERVERS             1
#define DNS_MAX_RETRIES             3
/* The DNS server's port is configurable (the configuration block's dns_port), so tests can run a
 * responder on an unprivileged port. */
extern uint16_t net_dns_server_port;
#define DNS_SERVER_PORT             net_dns_server_port

#define LWIP_DHCP_DOES_ACD_CHECK    0
#define DHCP_DOES_ARP_CHECK         0   /* slirp and most home routers hand out unique leases */

/* SNTP (src/apps/sntp): poll mode, one server by name or address, port from the configuration
 * block (sntp_port). The result goes to C# (firmware_net_sntp_time). */
#define SNTP_SERVER_DNS             1
#define SNTP_MAX_SERVERS            1
#define SNTP_CHECK_RESPONSE         2   /* server address, port and originate timestamp must match */
#define SNTP_STARTUP_DELAY          0
#define SNTP_RETRY_TIMEOUT          3000
#define SNTP_RECV_TIMEOUT           3000 /* no answer in 3 s: ask again (the default waits 15 s) */
#define SNTP_UPDATE_DELAY           3600000 /* re-sync hourly */
extern uint16_t net_sntp_server_port;
#define SNTP_PORT                   net_sntp_server_port
void net_sntp_set_time(uint32_t seconds, uint32_t microseconds);
#define SNTP_SET_SYSTEM_TIME_US(sec, us) net_sntp_set_time((uint32_t)(sec), (uint32_t)(us))

/* Statistics: the shell's `net` command shows pool use and high-water marks. */
#define LWIP_STATS                  1
#define LWIP_STATS_DISPLAY          0
#define LINK_STATS                  1
#define ETHARP_STATS                0
#define IP_STATS                    0
#define ICMP_STATS                  0
#define UDP_STATS                   0
#define TCP_STATS                   0
#define MEM_STATS                   1
#define MEMP_STATS                  1
#define SYS_STATS                   0

#define LWIP_NETIF_HOSTNAME         1
#define LWIP_NOASSERT_ON_ERROR      0

#endif
