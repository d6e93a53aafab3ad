#!/usr/bin/env python3
"""Write a SharpCharge configuration block (firmware/Core/Config/ConfigBlock.cs).

The block overrides the board defaults without a rebuild: load the file at the board's
ConfigBlockAddress with QEMU (-device loader,file=build/config.bin,addr=...) or OpenOCD.
Only the keys given here go into it; the others keep the board defaults.

    tools/configblock.py -o build/config.bin --cs-url ws://10.0.2.2:8180/steve/websocket \\
        --cp-id CP7 --ip dhcp --dns 10.0.2.2 --dns-port 5353 --sntp 10.0.2.2 --sntp-port 1123

Values are checked with the firmware's rules, and bad input stops the tool with a message.
For negative tests, --raw-key, --version, --length and --corrupt-crc write what they are
given without checks.

Layout (little-endian): magic "SCCF", u16 version 1, u16 payload length N (1..1008),
u32 CRC-32 of the payload (zlib.crc32), u32 reserved 0, then N bytes of key=value lines;
the file is the whole 1024-byte region, padded with 0xFF (erased flash).
"""

import argparse
import os
import re
import struct
import sys
import zlib

MAGIC = b"SCCF"
FORMAT_VERSION = 1
REGION_SIZE = 1024
HEADER_SIZE = 16
MAX_PAYLOAD = REGION_SIZE - HEADER_SIZE
MAX_HOST = 63
MAX_URL = 200
MAX_CP_ID = 48


class BadValue(Exception):
    pass


def fail(message):
    """Bad input: one line on stderr, exit status 2 (as argparse does for bad options)."""
    sys.stderr.write(f"configblock.py: error: {message}\n")
    sys.exit(2)


def ipv4(text):
    """a.b.c.d, four parts 0..255 without leading zeros (as Ipv4.TryParse)."""
    parts = text.split(".")
    if len(parts) != 4 or not all(re.fullmatch(r"0|[1-9][0-9]{0,2}", p) for p in parts):
        raise BadValue(f'"{text}" is not a dotted IPv4 address')
    value = 0
    for p in parts:
        if int(p) > 255:
            raise BadValue(f'"{text}" is not a dotted IPv4 address')
        value = (value << 8) | int(p)
    return value


def unicast(text):
    value = ipv4(text)
    first = value >> 24
    if first == 0 or first == 127 or first >= 224:
        raise BadValue(f"{text} is not a unicast host address")
    return value


def netmask(text):
    value = ipv4(text)
    host_bits = ~value & 0xFFFFFFFF
    if value == 0:
        raise BadValue(f"{text} has no network bits")
    if host_bits & (host_bits + 1):
        raise BadValue(f"{text} is not contiguous ones (like 255.255.255.0)")
    return value


def port(text):
    if not text:
        raise BadValue("empty (expected 1..65535)")
    if not text.isdigit() or not text.isascii():
        raise BadValue(f'"{text}" is not a number')
    if not 1 <= int(text) <= 65535:
        raise BadValue(f"{text} out of range 1..65535")
    return text


def host(text):
    """A dotted IPv4 address or a name of letters, digits, '-' and '.' (as HostName.Validate)."""
    if not text:
        raise BadValue("empty")
    if len(text.encode()) > MAX_HOST:
        raise BadValue(f"{len(text.encode())} bytes, longer than {MAX_HOST}")
    bad = re.search(r"[^A-Za-z0-9.-]", text)
    if bad:
        raise BadValue(f'character "{bad.group()}" not allowed (letters, digits, - and .)')
    if re.fullmatch(r"[0-9.]+", text):
        try:
            ipv4(text)
        except BadValue:
            raise BadValue(f'"{text}" is not a valid IPv4 address')
    elif text.startswith(".") or text.endswith(".") or ".." in text:
        raise BadValue(f'"{text}" has an empty label')
    return text


def ws_url(text):
    """ws://host[:port]/path (as WsUrl.TryParse)."""
    if len(text.encode()) > MAX_URL:
        raise BadValue(f"{len(text.encode())} bytes, longer than {MAX_URL}")
    scheme, sep, rest = text.partition("://")
    if not sep or "/" in scheme:
        raise BadValue(f'no scheme in "{text}" (expected ws://host[:port]/path)')
    if scheme.lower() == "wss":
        raise BadValue("wss:// needs TLS, which is not supported yet: use ws://")
    if scheme.lower() != "ws":
        raise BadValue(f'scheme "{scheme}" not supported (expected ws://)')
    authority = re.match(r"[^:/]*", rest).group()
    try:
        host(authority)
    except BadValue as e:
        raise BadValue(f"host {e}")
    rest = rest[len(authority):]
    if rest.startswith(":"):
        port_text = re.match(r"[^/]*", rest[1:]).group()
        try:
            port(port_text)
        except BadValue as e:
            raise BadValue(f"port {e}")
        rest = rest[1 + len(port_text):]
    if not rest:
        raise BadValue("path missing (expected ws://host[:port]/path)")
    if "#" in rest:
        raise BadValue("fragment not allowed in a WebSocket URL (RFC 6455 3)")
    bad = re.search(r"[^\x21-\x7e]", rest)
    if bad:
        raise BadValue(f"path character {bad.group()!r} not allowed (printable ASCII, no spaces)")
    return text


def cp_id(text):
    size = len(text.encode())
    if size == 0:
        raise BadValue(f"empty (expected 1..{MAX_CP_ID} characters)")
    if size > MAX_CP_ID:
        raise BadValue(f"{size} bytes, longer than {MAX_CP_ID}")
    bad = re.search(r"[^\x21-\x7e]|[/?#]", text)
    if bad:
        raise BadValue(f"character {bad.group()!r} not allowed (printable ASCII without space, /, ? or #)")
    return text


def password(text):
    """Empty (no authentication), 16..20 printable ASCII characters, or 32..40 hex digits
    (an even count): the OCPP 1.6 security whitepaper's 16..20-byte AuthorizationKey, plain or
    hex encoded (see ConfigText.ApplyPassword)."""
    if re.search(r"[^\x20-\x7e]", text):
        raise BadValue("not printable ASCII")
    n = len(text)
    if n == 0 or 16 <= n <= 20:
        return text
    if 32 <= n <= 40:
        if n % 2 == 0 and re.fullmatch(r"[0-9A-Fa-f]+", text):
            return text
        raise BadValue(f"{n} characters: 32..40 must be an even count of hex digits "
                       "(a 16..20-byte password, OCPP 1.6 security whitepaper)")
    raise BadValue(f"{n} characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)")


def ip(text):
    if text == "dhcp":
        return text
    try:
        unicast(text)
    except BadValue as e:
        raise BadValue(str(e).replace("is not a dotted", "is not dhcp or a dotted"))
    return text


def dns(text):
    if text == "auto":
        return text
    try:
        unicast(text)
    except BadValue as e:
        raise BadValue(str(e).replace("is not a dotted", "is not auto or a dotted"))
    return text


def on_off(text):
    if text not in ("on", "off"):
        raise BadValue("is not on or off")
    return text


def seconds(text, low, high):
    if not text.isdigit() or not text.isascii() or len(text) > 6 or not low <= int(text) <= high:
        raise BadValue(f"is not a whole number of seconds in {low}..{high}")
    return text


# SessionStreamOptions.MaxHighRateHz: the session stream's sampler runs on a millisecond clock.
MAX_USBLOG_HZ = 1000


def hertz(text):
    if not text.isdigit() or not text.isascii() or len(text) > 6 or not 0 <= int(text) <= MAX_USBLOG_HZ:
        raise BadValue(f"is not a whole number of samples per second in 0..{MAX_USBLOG_HZ}")
    return text


# Each key with the check that raises BadValue for a bad value, in the order they are written.
# The option is the key with '-' for '_' (--dns-port for dns_port).
KEYS = [
    ("ip", ip),
    ("netmask", netmask),
    ("gateway", unicast),
    ("dns", dns),
    ("dns_port", port),
    ("sntp", host),
    ("sntp_port", port),
    ("cs_url", ws_url),
    ("cp_id", cp_id),
    ("password", password),
    ("demo", lambda v: on_off(v)),
    ("demo_auth_s", lambda v: seconds(v, 0, 3600)),
    ("demo_charge_s", lambda v: seconds(v, 1, 86400)),
    ("usblog_ts", lambda v: on_off(v)),
    ("usblog_hz", hertz),
    ("usblog_meter_s", lambda v: seconds(v, 1, 3600)),
]


def build_payload(args):
    lines = []
    for key, check in KEYS:
        value = getattr(args, key)
        if value is None:
            continue
        try:
            check(value)
        except BadValue as e:
            shown = "" if key == "password" else f" {value!r}"  # a password is never echoed
            fail(f"--{key.replace('_', '-')}{shown}: {e}")
        lines.append(f"{key}={value}")

    if args.ip not in (None, "dhcp"):
        if args.netmask is None or args.gateway is None:
            fail(f"--ip {args.ip} needs --netmask and --gateway")
        mask = netmask(args.netmask)
        if ipv4(args.gateway) & mask != ipv4(args.ip) & mask:
            fail(f"--gateway {args.gateway} is outside the network of {args.ip}/{args.netmask}")
    if args.password and args.cp_id and ":" in args.cp_id:
        fail('--cp-id: ":" not allowed with a password (it is the basic-auth user name, RFC 7617 2)')

    for raw in args.raw_key:
        lines.append(raw)  # verbatim, unchecked: for negative tests

    if not lines:
        fail("no keys given: nothing to write (give at least one key option or --raw-key)")
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    if len(payload) > MAX_PAYLOAD:
        fail(f"payload of {len(payload)} bytes is longer than {MAX_PAYLOAD}")
    return payload, len(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Write a SharpCharge configuration block (1024 bytes) from key options.",
        epilog="Only the given keys go into the block; the firmware keeps the board defaults for the rest.")
    parser.add_argument("-o", "--output", required=True, help="the block file to write")
    parser.add_argument("--ip", help="dhcp, or a dotted IPv4 address (then --netmask and --gateway)")
    parser.add_argument("--netmask", help="dotted IPv4 netmask, contiguous ones")
    parser.add_argument("--gateway", help="dotted IPv4 gateway, inside the address's network")
    parser.add_argument("--dns", help="auto (from DHCP) or a dotted IPv4 address")
    parser.add_argument("--dns-port", dest="dns_port", help="1..65535 (firmware default 53)")
    parser.add_argument("--sntp", help="SNTP server: host name or dotted IPv4 address")
    parser.add_argument("--sntp-port", dest="sntp_port", help="1..65535 (firmware default 123)")
    parser.add_argument("--cs-url", dest="cs_url", help="central system: ws://host[:port]/path")
    parser.add_argument("--cp-id", dest="cp_id", help="charge point identity, 1..48 characters")
    parser.add_argument("--password", help="basic-auth password: empty (none), 16..20 characters or 32..40 hex digits")
    parser.add_argument("--demo", help="on or off: the seed's demo session (firmware default on)")
    parser.add_argument("--demo-auth-s", dest="demo_auth_s", help="seconds from Boot accepted to the demo's Authorize, 0..3600 (10)")
    parser.add_argument("--demo-charge-s", dest="demo_charge_s", help="seconds of charging before the demo stops, 1..86400 (50)")
    parser.add_argument("--usblog-ts", dest="usblog_ts",
                        help="on or off: the console's timestamp before each session-stream event line (firmware default off)")
    parser.add_argument("--usblog-hz", dest="usblog_hz",
                        help=f"high-rate [HR] samples per second per charging connector, 0..{MAX_USBLOG_HZ}, 0 none (0)")
    parser.add_argument("--usblog-meter-s", dest="usblog_meter_s",
                        help="seconds between a charging connector's [METER] readings in the session stream, 1..3600 (1)")
    tests = parser.add_argument_group("for negative tests (not checked)")
    tests.add_argument("--raw-key", dest="raw_key", action="append", default=[], metavar="KEY=VALUE",
                       help="a line written verbatim after the other keys (repeatable)")
    tests.add_argument("--version", type=int, default=FORMAT_VERSION, metavar="N",
                       help=f"format version to write (default {FORMAT_VERSION})")
    tests.add_argument("--length", type=int, metavar="N", help="payload length to write in the header instead of the real one")
    tests.add_argument("--corrupt-crc", dest="corrupt_crc", action="store_true", help="write a wrong CRC-32")
    args = parser.parse_args(argv)

    payload, keys = build_payload(args)
    if not 0 <= args.version <= 0xFFFF:
        fail(f"--version {args.version} does not fit in 16 bits")
    length = len(payload) if args.length is None else args.length
    if not 0 <= length <= 0xFFFF:
        fail(f"--length {length} does not fit in 16 bits")
    crc = zlib.crc32(payload) & 0xFFFFFFFF
    if args.corrupt_crc:
        crc ^= 0xFFFFFFFF

    block = MAGIC + struct.pack("<HHII", args.version, length, crc, 0) + payload
    block += b"\xff" * (REGION_SIZE - len(block))

    directory = os.path.dirname(args.output)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(args.output, "wb") as f:
        f.write(block)

    notes = []
    if args.raw_key:
        notes.append(f"{len(args.raw_key)} raw")
    if args.version != FORMAT_VERSION:
        notes.append(f"version {args.version}")
    if args.length is not None:
        notes.append(f"header length {length}")
    if args.corrupt_crc:
        notes.append("corrupt crc")
    extra = f" [{', '.join(notes)}]" if notes else ""
    print(f"configblock: wrote {args.output}: {keys} key{'s' if keys != 1 else ''}, "
          f"{len(payload)}-byte payload, crc 0x{crc:08x}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
