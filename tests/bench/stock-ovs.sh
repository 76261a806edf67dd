#!/bin/sh
# stock-ovs.sh DIR: unpacks Debian's openvswitch-switch (stock OVS 3.1, the
# baseline of make bench-tc) into DIR, once, without installing it (so no
# service starts and nothing of ours is replaced), and installs the
# libraries its ovs-vswitchd links.
set -e
dir=$1
bin=$dir/usr/lib/openvswitch-switch/ovs-vswitchd
if [ ! -x "$bin" ]; then
    mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get download openvswitch-switch openvswitch-common)
    for deb in "$dir"/debs/*.deb; do
        dpkg -x "$deb" "$dir"
    done
fi
libs="libbpf1 libxdp1 libunbound8 libcap-ng0 libnuma1 libssl3"
missing=
for p in $libs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
        | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi
echo "$bin"
