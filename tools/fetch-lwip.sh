#!/usr/bin/env bash
# Fetches lwIP's source into native/vendor/lwip (git-ignored): Debian's source package `lwip`,
# pinned by version and by the sha256 of its upstream tarball. apt does the download through a
# private sources file (a deb-src twin of this machine's own apt sources, derived here at run
# time) and a private lists directory, so the machine's apt configuration is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

LWIP_VERSION="2.1.3+dfsg1"
LWIP_TARBALL="lwip_${LWIP_VERSION}.orig.tar.xz"
LWIP_SHA256="0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24"
DEST=native/vendor/lwip
STAMP="$DEST/.sharpcharge-$LWIP_VERSION"
CACHE=build/deps/lwip

fail() { printf 'deps: lwip: %s\n' "$*" >&2; exit 1; }

if [ -f "$STAMP" ]; then
    printf '==> lwip: %s already in %s\n' "$LWIP_VERSION" "$DEST"
    exit 0
fi

mkdir -p "$CACHE"
tarball="$CACHE/$LWIP_TARBALL"
if [ ! -f "$tarball" ] || ! echo "$LWIP_SHA256  $tarball" | sha256sum -c --status; then
    rm -f "$tarball"
    command -v apt-get >/dev/null || fail "apt-get not found (needed to fetch Debian's lwip source package)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/archives/partial"
    # deb-src twins of every deb entry this machine uses (deb822 .sources files and one-line lists).
    found=0
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$work/sources.list.d/$(basename "$f")"
        found=1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        grep -E '^[[:space:]]*deb[[:space:]]' "$f" | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' > "$work/sources.list.d/twin-$(basename "$f")" || true
        [ -s "$work/sources.list.d/twin-$(basename "$f")" ] && found=1
    done
    [ "$found" = 1 ] || fail "no apt sources found under /etc/apt to derive a deb-src line from"
    APT=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/sources.list.d"
         -o Dir::State::Lists="$work/lists" -o Dir::Cache::Archives="$work/archives"
         -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    printf '==> lwip: apt-get update (private deb-src lists)\n'
    "${APT[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; fail "apt-get update of the private deb-src lists failed"; }
    printf '==> lwip: apt-get source --download-only lwip (wanting upstream %s)\n' "$LWIP_VERSION"
    (cd "$work" && "${APT[@]}" source --download-only lwip) >"$work/source.log" 2>&1 \
        || { cat "$work/source.log" >&2; fail "source package lwip $LWIP_VERSION not found through apt (is it still in the archive?)"; }
    [ -f "$work/$LWIP_TARBALL" ] || fail "apt downloaded no $LWIP_TARBALL"
    mv "$work/$LWIP_TARBALL" "$tarball"
fi

actual=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$actual" = "$LWIP_SHA256" ] || { rm -f "$tarball"; fail "checksum mismatch for $LWIP_TARBALL: expected $LWIP_SHA256, got $actual"; }
printf '==> lwip: %s sha256 ok\n' "$LWIP_TARBALL"

rm -rf "$DEST"
mkdir -p "$DEST"
tar -xJf "$tarball" -C "$DEST" --strip-components=1
[ -f "$DEST/src/core/tcp.c" ] && [ -f "$DEST/src/apps/sntp/sntp.c" ] || fail "unpacked tarball lacks src/core/tcp.c or src/apps/sntp/sntp.c"
touch "$STAMP"
printf '==> lwip: unpacked into %s\n' "$DEST"
