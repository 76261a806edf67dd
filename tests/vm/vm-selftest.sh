#!/bin/sh
# vm-selftest.sh: check that the VM harness works.
#
# On the host: boots the VM twice with vm-run.sh, (1) to check that the
# script's output comes back and its exit status is ours, (2) to run this
# file with --guest inside the VM.  --guest checks that a flower rule can be
# added on a veth (skip_hw, so "not_in_hw") and, if the OVS build tree has
# ovs-dpctl, that the openvswitch datapath works.  Prints "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
build=${OVS_OFFLOAD_CACHE:-/var/cache/ovs-offload}/build

if [ "${1:-}" = --guest ]; then
    set -e
    echo "== flower on veth"
    ip link add name a type veth peer name b
    ip link set dev a up
    ip link set dev b up
    tc qdisc add dev a ingress
    tc filter add dev a ingress protocol ip prio 1 flower skip_hw \
        dst_ip 10.0.0.1 action drop
    out=$(tc -s filter show dev a ingress)
    echo "$out"
    echo "$out" | grep -q not_in_hw
    echo "== openvswitch datapath"
    if [ -x "$build/utilities/ovs-dpctl" ]; then
        "$build/utilities/ovs-dpctl" add-dp test
        out=$("$build/utilities/ovs-dpctl" show)
        echo "$out"
        echo "$out" | grep -q 'port 0: test (internal)'
    else
        echo "skipped: no $build/utilities/ovs-dpctl"
    fi
    exit 0
fi

pass=0 fail=0
check() {
    if [ "$1" = "$2" ]; then
        pass=$((pass + 1)); echo "PASS: $3"
    else
        fail=$((fail + 1)); echo "FAIL: $3 (status $1, want $2)"
    fi
}

# Run from the repository: the guest hides the host's /tmp.
cd "$here" || exit 1

out=$("$here/vm-run.sh" sh -c 'uname -r; lsmod | grep -c .; exit 3')
check $? 3 "exit status comes back"
echo "$out"
case $out in
*-amd64*) check 0 0 "output comes back" ;;
*) check 1 0 "output comes back" ;;
esac

"$here/vm-run.sh" "$here/vm-selftest.sh" --guest
check $? 0 "flower rule and openvswitch datapath in the guest"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
