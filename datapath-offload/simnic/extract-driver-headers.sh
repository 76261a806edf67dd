#!/bin/sh
# Extracts the five DPDK driver-SDK headers that Debian's libdpdk-dev does
# not ship (ethdev_driver.h, ethdev_vdev.h, bus_vdev_driver.h,
# dev_driver.h, bus_driver.h) from Debian's DPDK source tarball into one
# flat directory, after checking that the tarball is the DPDK release
# that is installed: driver structs must match the libraries exactly.
#
# Usage: extract-driver-headers.sh TARBALL VERSION OUTDIR

set -e

tarball=$1 version=$2 outdir=$3
top=dpdk-stable-$version
headers="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/dev_driver.h
lib/eal/include/bus_driver.h"

fail() {
    echo "extract-driver-headers: $*" >&2
    exit 1
}

[ -f "$tarball" ] || fail "$tarball is missing: run
  utilities/ovs-offload-setup.sh (it fetches Debian's dpdk source with
  'apt-get source --download-only dpdk'), or configure --disable-simnic"

tmp=$outdir.tmp
rm -rf "$tmp" && mkdir -p "$tmp"
members="$top/VERSION"
for h in $headers; do
    members="$members $top/$h"
done
# shellcheck disable=SC2086
tar -xJf "$tarball" -C "$tmp" $members 2>"$tmp/tar.err" || {
    rm -rf "$tmp"
    fail "$tarball has no $top/ (is it the source of DPDK $version, the \
installed libdpdk?)"
}
found=$(cat "$tmp/$top/VERSION")
[ "$found" = "$version" ] || {
    rm -rf "$tmp"
    fail "$tarball is DPDK $found, but libdpdk $version is installed"
}
rm -rf "$outdir" && mkdir -p "$outdir"
for h in $headers; do
    cp "$tmp/$top/$h" "$outdir/"
done
rm -rf "$tmp"
