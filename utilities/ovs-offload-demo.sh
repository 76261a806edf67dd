#!/bin/sh
# Demonstrates ovs-offload: Open vSwitch on the kernel datapath with
# hw-offload=true and tc-policy=skip_hw, two network namespaces pinging
# each other through br0, and the resulting TC flower rules with their
# counters.  Needs the openvswitch and cls_flower kernel modules, so
# `make demo` runs it inside the test VM (tests/vm/vm-run.sh).
#
# Usage: utilities/ovs-offload-demo.sh OVS_BUILDDIR OVS_SRCDIR BUILDDIR

set -e

ovs_build=$1
ovs_src=$2
build=$3
run=$(mktemp -d /tmp/ovs-offload-demo.XXXXXX)

export OVS_RUNDIR=$run OVS_DBDIR=$run OVS_LOGDIR=$run OVS_SYSCONFDIR=$run
export PATH=$build/vswitchd:$ovs_build/utilities:$ovs_build/ovsdb:$PATH

say() {
    printf '\n### %s\n' "$*"
}

show() {
    printf '$ %s\n' "$*"
    "$@"
}

cleanup() {
    ovs-appctl -t ovs-vswitchd exit --cleanup 2>/dev/null || :
    ovs-appctl -t ovsdb-server exit 2>/dev/null || :
    ip netns del demo0 2>/dev/null || :
    ip netns del demo1 2>/dev/null || :
}
trap cleanup EXIT

modprobe openvswitch
say "Starting OVS with ovs-offload's ovs-vswitchd"
ovsdb-tool create "$run/conf.db" "$ovs_src/vswitchd/vswitch.ovsschema"
ovsdb-server --detach --no-chdir --pidfile --log-file \
    --remote=punix:"$run/db.sock"
ovs-vsctl --no-wait init
show ovs-vsctl --no-wait set Open_vSwitch . other_config:hw-offload=true \
    other_config:tc-policy=skip_hw
ovs-vswitchd --detach --no-chdir --pidfile --log-file
show ovs-vswitchd --version
timeout 30 ovs-vsctl add-br br0

say "Two namespaces behind br0"
for i in 0 1; do
    ip netns add demo$i
    ip link add p$i type veth peer name ovs-p$i
    ip link set p$i netns demo$i
    ip link set ovs-p$i up
    ip netns exec demo$i ip addr add 10.1.1.$((i + 1))/24 dev p$i
    ip netns exec demo$i ip link set p$i up
    timeout 30 ovs-vsctl add-port br0 ovs-p$i
done
show ip netns exec demo0 ping -c 10 -i 0.1 10.1.1.2

say "The datapath flows, offloaded to TC"
show ovs-appctl dpctl/dump-flows -m type=offloaded
show ovs-appctl upcall/show

say "The TC flower rules ovs-offload made, with the kernel's counters"
show tc -s filter show dev ovs-p0 ingress
