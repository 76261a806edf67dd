#!/bin/sh
# stock-ovs-dpdk.sh DIR: unpacks Debian's openvswitch-switch-dpdk (stock
# OVS 3.1 built with DPDK 22.11, for the tests in tests/simnic-ovs.at)
# into DIR, once, without installing it (so no service starts and nothing
# of ours is replaced), and installs the libraries its ovs-vswitchd-dpdk
# links.  Prints the path of ovs-vswitchd-dpdk.
set -e
dir=$1
bin=$dir/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
if [ ! -x "$bin" ]; then
    mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get download -q openvswitch-switch-dpdk \
         openvswitch-switch openvswitch-common) >&2
    for deb in "$dir"/debs/*.deb; do
        dpkg -x "$deb" "$dir"
    done
fi
libs="libbpf1 libxdp1 libunbound8 libcap-ng0 libnuma1 libssl3 libevent-2.1-7
librte-eal23 librte-ethdev23 librte-mbuf23 librte-mempool23 librte-net23
librte-vhost23 librte-meter23 librte-pci23 librte-ring23 librte-kvargs23
librte-telemetry23 librte-hash23 librte-rcu23 librte-cryptodev23
librte-dmadev23"
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
