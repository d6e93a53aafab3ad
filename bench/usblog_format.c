/* `make bench` (tools/bench.sh): the session stream's formatting and ring the way a C firmware
 * would write them, with snprintf, to set beside firmware/Core/SessionLog (SessionLine into
 * LogRing) in the same BenchmarkDotNet run. tools/bench.sh builds it with the host's gcc -O2 into
 * build/bench/libusblog_c.so; SessionLogBenchmarks calls it through P/Invoke, once per operation
 * of many lines, so the call's cost is spread over all of them.
 *
 * The work is the same on both sides: the same lines (usblog_line, mirrored by
 * SessionLogBenchmarks.OursLine; Check compares the bytes before anything is timed), each
 * formatted into a line buffer, then copied into a 16 KiB ring whose consumer takes it at once
 * (as the pump does while the port keeps up). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RING_BYTES 16384u
#define LINE_BYTES 160

static uint8_t ring[RING_BYTES];
static uint32_t head, tail;

/* The console's timestamp and a space: "[00:00:17.197,000] " (hours grow past two digits). */
static int stamp(char *d, size_t n, int64_t us)
{
    int64_t total = us / 1000000;
    int micros = (int)(us - total * 1000000);
    int64_t hours = total / 3600;
    int in_hour = (int)(total - hours * 3600);
    return snprintf(d, n, "[%02lld:%02d:%02d.%03d,%03d] ", (long long)hours, in_hour / 60, in_hour % 60, micros / 1000, micros % 1000);
}

/* Line i of the workload: a high-rate session's mix, 16 lines a cycle (START, AUTH, three
 * readings, ten [HR] samples, STOP), the event lines with timestamps. */
static int usblog_line(char *d, size_t n, int i)
{
    int kind = i % 16;
    int c = 1 + (i & 1);
    int64_t us = 17197000 + (int64_t)i * 1000;
    int at;
    switch (kind) {
    case 0:
        at = stamp(d, n, us);
        return at + snprintf(d + at, n - at, "[START] Connector %d: ID=ZepId0%d\r\n", c, c - 1);
    case 1:
        at = stamp(d, n, us);
        return at + snprintf(d + at, n - at, "[AUTH] Connector %d: Authorized (status=%d)\r\n", c, 1);
    case 2: case 3: case 4:
        at = stamp(d, n, us);
        return at + snprintf(d + at, n - at, "[METER] Conn%d: %lld Wh (reading #%lld)\r\n", c,
                             (long long)(7 + i / 100), (long long)(i / 16 * 3 + (kind - 2) + 1));
    case 15:
        at = stamp(d, n, us);
        return at + snprintf(d + at, n - at, "[STOP] Connector %d: Session ended\r\n", c);
    default:
        return snprintf(d, n, "[HR] %d %lld %d %d %d %lld\r\n", c, (long long)us, 230000, 15652, 3600, (long long)(7000 + i));
    }
}

static void ring_write(const char *line, uint32_t length)
{
    uint32_t at = head & (RING_BYTES - 1);
    uint32_t first = RING_BYTES - at;
    if (first >= length) {
        memcpy(ring + at, line, length);
    } else {
        memcpy(ring + at, line, first);
        memcpy(ring, line + first, length - first);
    }
    head += length;
}

/* The timed work: `lines` lines formatted into the ring and taken out. Returns the bytes. */
int64_t usblog_c_run(int lines)
{
    char line[LINE_BYTES];
    int64_t bytes = 0;
    for (int i = 0; i < lines; i++) {
        int length = usblog_line(line, sizeof line, i);
        if (length <= 0 || length >= LINE_BYTES) return -1;
        if (RING_BYTES - (head - tail) < (uint32_t)length) return -1;
        ring_write(line, (uint32_t)length);
        tail = head; /* the consumer keeps up */
        bytes += length;
    }
    return bytes;
}

/* For the check: the same lines one after the other into `out`. Returns the bytes, -1 when they
 * do not fit. */
int64_t usblog_c_fill(uint8_t *out, int64_t capacity, int lines)
{
    char line[LINE_BYTES];
    int64_t at = 0;
    for (int i = 0; i < lines; i++) {
        int length = usblog_line(line, sizeof line, i);
        if (length <= 0 || length >= LINE_BYTES || at + length > capacity) return -1;
        memcpy(out + at, line, (size_t)length);
        at += length;
    }
    return at;
}
