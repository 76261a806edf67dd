#!/bin/sh
# Sets up a Debian 12 machine to build and test ovs-offload: installs the
# Debian packages, unpacks Debian's Open vSwitch 3.1 source and builds it
# once into a cache directory outside the git tree (it is rebuilt only when
# missing), fetches Debian's source of the installed DPDK (simnic needs
# driver headers libdpdk-dev lacks) and unpacks Debian's OVS-DPDK (for the
# simnic OVS-DPDK tests), then configures and builds this project against
# it.
#
# Usage: utilities/ovs-offload-setup.sh [--no-project | --demo | --check]
#   --no-project  only install packages, build OVS and fetch the DPDK source
#   --demo        then run the demo in the test VM (make demo)
#   --check       then run every test, host and VM (make check-full)
# Environment: OVS_OFFLOAD_CACHE (default /var/cache/ovs-offload).

set -e

cache=${OVS_OFFLOAD_CACHE:-/var/cache/ovs-offload}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
ovs_src=$cache/src/openvswitch
ovs_build=$cache/build

packages="build-essential autoconf automake libtool pkg-config libssl-dev
libcap-ng-dev python3 libdpdk-dev dpdk dpdk-dev libnuma-dev libmnl-dev
openvswitch-source qemu-system-x86 busybox-static cpio kmod iproute2
iputils-ping netcat-openbsd tcpdump ethtool valgrind iptables net-tools wget"

log() {
    echo "ovs-offload-setup: $*"
}

install_packages() {
    missing=
    for p in $packages; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
            | grep -q '^install ok installed$' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        log "installing:$missing"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    fi
}

build_ovs() {
    if [ -f "$ovs_build/.ovs-offload-built" ]; then
        log "OVS already built in $ovs_build"
        return
    fi
    log "unpacking OVS source into $ovs_src"
    rm -rf "$ovs_src" "$ovs_build"
    mkdir -p "$cache/src" "$ovs_build"
    tar -xzf /usr/src/openvswitch/openvswitch.tar.gz -C "$cache/src"
    log "building OVS in $ovs_build (takes a few minutes)"
    (cd "$ovs_build" \
        && "$ovs_src/configure" --prefix=/usr --localstatedir=/var \
               --sysconfdir=/etc --enable-ssl --with-dpdk=shared \
               > configure.log 2>&1 \
        && make -j"$(nproc)" > make.log 2>&1) || {
        log "OVS build failed; see $ovs_build/configure.log and make.log"
        exit 1
    }
    touch "$ovs_build/.ovs-offload-built"
}

# Debian's source tarball of the installed DPDK, into $cache/dpdk-src:
# the build extracts simnic's driver headers from it.
fetch_dpdk_source() {
    version=$(pkg-config --modversion libdpdk)
    pkgversion=$(dpkg-query -W -f='${Version}' libdpdk-dev)
    dir=$cache/dpdk-src
    if [ -f "$dir/dpdk_$version.orig.tar.xz" ]; then
        log "DPDK $version source already in $dir"
        return
    fi
    if ! grep -qs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources \
        && ! grep -qs '^deb-src' /etc/apt/sources.list \
                                 /etc/apt/sources.list.d/*.list; then
        log "adding deb-src entries for Debian's mirror"
        sed 's/^Types: deb$/Types: deb-src/' \
            /etc/apt/sources.list.d/debian.sources \
            > /etc/apt/sources.list.d/ovs-offload-deb-src.sources
        apt-get update -q
    fi
    mkdir -p "$dir"
    log "fetching Debian's dpdk $pkgversion source into $dir"
    (cd "$dir" && apt-get source --download-only -q "dpdk=$pkgversion") || {
        log "cannot fetch the source of dpdk $pkgversion (the installed"
        log "libdpdk-dev); configure with --disable-simnic to build without"
        log "simnic"
        exit 1
    }
}

build_project() {
    cd "$srcdir"
    [ -x configure ] || ./boot.sh
    if [ ! -f Makefile ]; then
        ./configure --with-ovs-source="$ovs_src" --with-ovs-build="$ovs_build"
    fi
    make -j"$(nproc)"
}

case $1 in
    ''|--no-project|--demo|--check) ;;
    *) echo "usage: $0 [--no-project | --demo | --check]" >&2; exit 2 ;;
esac
install_packages
build_ovs
fetch_dpdk_source
# Debian's ovs-vswitchd-dpdk, unpacked (not installed), for the tests in
# tests/simnic-ovs.at.
log "unpacking Debian's OVS-DPDK into $cache/stock-dpdk"
"$srcdir/tests/stock-ovs.sh" "$cache/stock-dpdk" dpdk > /dev/null
[ "$1" = --no-project ] && exit 0
build_project
case $1 in
    --demo) make demo ;;
    --check) make check-full ;;
esac
