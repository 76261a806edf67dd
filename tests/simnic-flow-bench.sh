#! /bin/sh
# Rule insertion and deletion rates against simnic, next to the same
# run's numbers for DPDK's null PMD (net_null), which has no rte_flow:
# where its numbers are not rates, this says so.  "make bench-simnic-flows"
# runs it.  A benchmark, not a test: nothing here passes or fails on a
# number.
#
# Usage: simnic-flow-bench.sh PLUGIN BENCH-PROGRAM RULES BATCH

set -u
plugin=$1 bench=$2 n=$3 batch=$4

# EAL loads no plugin from under a world-writable directory (such as
# /tmp, where a clone may be built): use a private copy.
dir=$(mktemp -d /run/simnic-bench.XXXXXX 2>/dev/null \
      || mktemp -d "$HOME/.simnic-bench.XXXXXX") || exit 1
# EAL leaves its runtime directory behind: /var/run/dpdk/PREFIX for root.
trap 'rm -rf "$dir" /var/run/dpdk/simnic-bench$$-*' EXIT
cp "$plugin" "$dir/" || exit 1
so=$dir/$(basename "$plugin")

# eal PREFIX CORES
eal () {
    echo "--no-huge -m 512 --no-pci --file-prefix=simnic-bench$$-$1 -l $2"
}
# simnic's port is on "lo": only rules are measured, no packet is sent.
simnic_vdev="--vdev=net_simnic0,iface=lo,max_rules=$n"
null_vdev=--vdev=net_null0

echo "== dpdk-test-flow-perf (synchronous API, one core): $n rules" \
     "\"eth / ipv4 src is X / udp -> mark / queue\", batches of $batch"
if ! command -v dpdk-test-flow-perf > /dev/null; then
    echo "dpdk-test-flow-perf is not installed"
else
    flow_perf () {
        # shellcheck disable=SC2046,SC2086
        dpdk-test-flow-perf $(eal "$1" 0-1) $2 -- --ingress --ether --ipv4 \
            --udp --mark --queue --rules-count="$n" --rules-batch="$batch" \
            --deletion 2>&1
    }
    # Starting simnic's port opens a packet socket: root only.  Its
    # main core only waits for the worker.
    out=$(flow_perf fp-simnic "-d $so $simnic_vdev")
    rate () {
        echo "$out" \
            | sed -n "s/.*\\[Latency | $1\\] All Cores.*rate -> \\(.*\\)/\\1/p"
    }
    ins=$(rate Insertion)
    del=$(rate Deletion)
    if test -n "$ins" && test -n "$del"; then
        echo "simnic:   insertion $ins, deletion $del"
    else
        echo "simnic:   no rates; dpdk-test-flow-perf said:"
        echo "$out" | tail -5 | sed 's/^/    /'
    fi
    out=$(flow_perf fp-null "$null_vdev")
    echo "net_null: no baseline: net_null has no rte_flow and" \
         "dpdk-test-flow-perf stops at its first rule:"
    echo "$out" | grep -E "can't be created|Function not implemented" \
        | head -1 | sed 's/^/    /'
fi

echo
echo "== simnic-flow-bench (synchronous and template API): $n rules," \
     "async in batches of $batch"
echo "-- simnic:"
# shellcheck disable=SC2046
"$bench" $(eal sb-simnic 0) -d "$so" "$simnic_vdev" -- --rules "$n" \
    --batch "$batch" 2>&1 | grep -v '^EAL:\|^TELEMETRY:'
echo "-- net_null (no rte_flow: the 'loop only' line is the program's own" \
     "cost, the only rate that applies to both ports):"
# shellcheck disable=SC2046
"$bench" $(eal sb-null 0) "$null_vdev" -- --rules "$n" --batch "$batch" 2>&1 \
    | grep -v '^EAL:\|^TELEMETRY:'
exit 0
