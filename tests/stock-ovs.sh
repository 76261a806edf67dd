#!/bin/sh
# stock-ovs.sh DIR [dpdk]: unpacks Debian's stock OVS 3.1 into DIR, once,
# without installing it (so no service starts and nothing of ours is
# replaced), installs the libraries its daemon links, and prints the path
# of the daemon:
#
#   stock-ovs.sh DIR        openvswitch-switch's ovs-vswitchd, the
#                           baseline of make bench-tc;
#   stock-ovs.sh DIR dpdk   openvswitch-switch-dpdk's ovs-vswitchd-dpdk
#                           (OVS 3.1 with DPDK 22.11), for the simnic
#                           tests in tests/simnic-ovs.at.
set -e
dir=$1
pkgs="openvswitch-switch openvswitch-common"
libs="libbpf1 libxdp1 libunbound8 libcap-ng0 libnuma1 libssl3"
if [ "${2:-}" = dpdk ]; then
    bin=$dir/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
    pkgs="openvswitch-switch-dpdk $pkgs"
    libs="$libs libevent-2.1-7 librte-eal23 librte-ethdev23 librte-mbuf23
librte-mempool23 librte-net23 librte-vhost23 librte-meter23 librte-pci23
librte-ring23 librte-kvargs23 librte-telemetry23 librte-hash23 librte-rcu23
librte-cryptodev23 librte-dmadev23"
else
    bin=$dir/usr/lib/openvswitch-switch/ovs-vswitchd
fi
if [ ! -x "$bin" ]; then
    mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get download -q $pkgs) >&2
    for deb in "$dir"/debs/*.deb; do
        dpkg -x "$deb" "$dir"
    done
fi
missing=
for p in $libs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
        | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
fi
if ldd "$bin" | grep 'not found' >&2; then
    echo "$0: $bin lacks libraries" >&2
    exit 1
fi
echo "$bin"
