#!/bin/sh
# Sets up a Debian 12 machine to build and test ovs-offload: installs the
# Debian packages, unpacks Debian's Open vSwitch 3.1 source and builds it
# once into a cache directory outside the git tree (it is rebuilt only when
# missing), then configures and builds this project against it.
#
# Usage: utilities/ovs-offload-setup.sh [--no-project | --demo | --check]
#   --no-project  only install packages and build OVS
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
iputils-ping netcat-openbsd tcpdump ethtool"

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
[ "$1" = --no-project ] && exit 0
build_project
case $1 in
    --demo) make demo ;;
    --check) make check-full ;;
esac
