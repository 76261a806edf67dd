#!/bin/sh
# bench-tc.sh BUILDDIR OVS_BUILDDIR OVS_SRCDIR STOCK_VSWITCHD N...: the TC
# benchmark, run inside the test VM (make bench-tc).  For each N it
# measures, in this one run:
#
#   raw     "tc -b" adding N flower rules (the kernel's own limit), and
#           deleting them;
#   stock   Debian's openvswitch-switch 3.1 ovs-vswitchd;
#   ours    our vswitchd/ovs-vswitchd;
#   floor   our vswitchd/ovs-vswitchd with hw-offload=false: what
#           "dpctl/add-flows" costs in OVS itself (it dumps the datapath's
#           ports and parses the flow, for each flow), with the kernel
#           datapath's flow insert in place of TC's.  No offload can insert
#           faster than that through dpctl;
#
# and for both daemons, with hw-offload=true and tc-policy=skip_hw: adding N
# datapath flows with "ovs-appctl dpctl/add-flows", how many of them
# "dpctl/dump-flows type=offloaded" shows then and after the revalidators
# had 3 s (and how many rules TC has), the time that dump takes,
# ovs-vswitchd's revalidator CPU time over 10 s with the N flows idle, its
# RSS growth per flow, deleting them ("dpctl/del-flows"), and N distinct
# flows set up by traffic (upcalls): time until all are offloaded, the
# "lost" count of "dpctl/show", and then, on the flows both daemons keep,
# the dump time, revalidator CPU and RSS per flow held.
# Prints one line per measurement, then the ratios.
set -e

builddir=$1
ovs_build=$2
ovs_src=$3
stock=$4
shift 4
work=/tmp/bench-tc
rm -rf $work && mkdir -p $work
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work OVS_SYSCONFDIR=$work
export PATH=$ovs_build/utilities:$ovs_build/ovsdb:$PATH

now() {
    date +%s.%N
}

elapsed() {
    awk -v a=$1 -v b=$2 'BEGIN { printf "%.3f\n", b - a }'
}

# A daemon that stops answering must not stall the benchmark (a dump of
# 100k flows takes minutes under TCG).  Stock OVS 3.1 can deadlock in its
# dump (a race, seen at 1k and 10k flows), so a dump gets
# $BENCH_DUMP_TIMEOUT seconds (ours needs about 10 s for 100k flows).
dump_timeout=${BENCH_DUMP_TIMEOUT:-300}
appctl() {
    ovs-appctl --timeout=900 "$@"
}

report() {
    printf '%-7s %-40s %s\n' "$1" "$2" "$3" | tee -a $work/results
}

# Two veth pairs: packets come in on b0 (sent from b1), go out on c0.
ip link add b0 type veth peer name b1
ip link add c0 type veth peer name c1
for d in b0 b1 c0 c1; do
    sysctl -q -w net.ipv6.conf.$d.disable_ipv6=1
    ip link set $d up
done

# gen_dp_flows N PORT_IN PORT_OUT: N datapath flows, one per source.
gen_dp_flows() {
    awk -v n=$1 -v in_port=$2 -v out=$3 'BEGIN {
        for (i = 0; i < n; i++) {
            printf "recirc_id(0),in_port(%d),eth(),eth_type(0x0800),"   \
                   "ipv4(src=10.%d.%d.%d,frag=no) %d\n", in_port,
                   int(i / 65536) % 256, int(i / 256) % 256, i % 256, out
        }
    }'
}

raw_tc() {
    n=$1
    tc qdisc add dev b0 ingress
    awk -v n=$n 'BEGIN {
        for (i = 0; i < n; i++) {
            printf "filter add dev b0 ingress protocol ip prio 4 flower " \
                   "skip_hw src_ip 10.%d.%d.%d action mirred egress "      \
                   "redirect dev c0\n", int(i / 65536) % 256,
                   int(i / 256) % 256, i % 256
        }
    }' > $work/batch
    t0=$(now)
    tc -b $work/batch
    t1=$(now)
    report raw "insert $n (s)" "$(elapsed $t0 $t1)"
    t0=$(now)
    tc filter del dev b0 ingress
    t1=$(now)
    report raw "delete $n (s)" "$(elapsed $t0 $t1)"
    tc qdisc del dev b0 ingress
}

start_ovs() {
    # Stock OVS 3.1.0 opens no upcall handler if started in the first 10 s
    # after boot (fixed in 3.1.1; ours works around it, see design.rst):
    # measure it at its best.
    while test "$(cut -d. -f1 /proc/uptime)" -lt 11; do
        sleep 1
    done
    rm -f $work/conf.db $work/*.pid $work/*.ctl
    ovsdb-tool create $work/conf.db $ovs_src/vswitchd/vswitch.ovsschema
    ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote=punix:$work/db.sock $work/conf.db
    ovs-vsctl --no-wait init
    ovs-vsctl --no-wait set Open_vSwitch . \
        other_config:hw-offload=${2:-true} \
        other_config:tc-policy=skip_hw other_config:max-idle=3600000
    if ! "$1" --detach --no-chdir --pidfile --log-file; then
        echo "$1 did not start; its log ends with:" >&2
        tail -40 $work/ovs-vswitchd.log >&2
        return 1
    fi
    ovs-vsctl add-br br0 -- set bridge br0 datapath_type=system \
        -- add-port br0 b0 -- add-port br0 c0
    # The ports' flow API starts when they are added.
    sleep 2
    if ! test -e $work/ovs-vswitchd.pid; then
        echo "$1 exited; its log ends with:" >&2
        tail -40 $work/ovs-vswitchd.log >&2
        return 1
    fi
    vswitchd_pid=$(cat $work/ovs-vswitchd.pid)
    ovsdb_pid=$(cat $work/ovsdb-server.pid)
}

# Whether process $1 still runs (a zombie does not).
alive() {
    test -n "$1" && test -e /proc/$1 \
        && ! grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat 2>/dev/null
}

# Waits until process $1 is gone; after $2 seconds, kills it.
wait_gone() {
    i=0
    while alive $1; do
        if test $i -eq $2; then
            kill -9 $1 2>/dev/null || true
        fi
        sleep 1
        i=$((i + 1))
    done
}

stop_ovs() {
    appctl -t ovs-vswitchd exit --cleanup || true
    appctl -t ovsdb-server exit || true
    # "exit" answers before the process is gone, and a daemon on its way
    # out removes its pidfile and sockets, even those the next daemon has
    # made by then (seen at 100k flows).
    wait_gone "$vswitchd_pid" 300
    wait_gone "$ovsdb_pid" 30
    ovs-dpctl del-dp ovs-system 2>/dev/null || true
    tc qdisc del dev b0 ingress 2>/dev/null || true
    tc qdisc del dev c0 ingress 2>/dev/null || true
}

# A daemon that does not answer: where its threads are, and its last log.
stuck_report() {
    echo "ovs-vswitchd did not answer; its threads:" >&2
    gdb -q -p $vswitchd_pid -batch \
        -ex "thread apply all bt 20" 2>&1 | grep -v '^\[New' >&2 || true
    tail -30 $work/ovs-vswitchd.log >&2
}

# Prints how many flows "dpctl/dump-flows type=offloaded" shows, or fails
# if the daemon did not answer within $dump_timeout seconds.
offloaded() {
    t0=$(now)
    if ! ovs-appctl --timeout=$dump_timeout dpctl/dump-flows type=offloaded \
            > $work/dump 2> $work/dump-error; then
        # What went wrong, for the report: no answer, or an error.
        if test $(elapsed $t0 $(now) | cut -d. -f1) -ge $dump_timeout; then
            echo "hung: no answer in $dump_timeout s" > $work/dump-failure
        else
            echo "failed: $(tail -1 $work/dump-error)" > $work/dump-failure
        fi
        stuck_report
        return 1
    fi
    grep -c "eth_type(0x0800)" $work/dump || true
}

# A daemon that hung is killed and a fresh one started, so that the
# measurements that need no flows (the upcall-driven set-up) still run.
restart_hung() {
    kill -9 $vswitchd_pid 2>/dev/null || true
    wait_gone $vswitchd_pid 30
    stop_ovs
    start_ovs "$1"
}

# upcall/show's flow limit and last dump duration.  OVS's revalidators
# lower the limit while a dump takes more than 1.3 s and then delete the
# flows idle for 100 ms, whatever the provider: idle dpctl-added flows can
# go for that reason alone.
flow_limit() {
    appctl upcall/show | awk '
        /\(limit/ { sub(/.*\(limit /, ""); sub(/\).*/, ""); limit = $0 }
        /dump duration/ { duration = $NF }
        END { print "limit " limit ", dump " duration }'
}

# How many flower rules b0 has: what is in TC, whatever OVS shows.  Stock
# OVS 3.1 reports skip_hw rules as not offloaded (the kernel flags them
# not_in_hw), so "type=offloaded" leaves its rules out.
tc_rules() {
    tc filter show dev b0 ingress | grep -c ' handle ' || true
}

# The "offloaded flows" count of upcall/show.
offloaded_count() {
    count=$(appctl upcall/show | sed -n 's/^ *offloaded flows : //p')
    echo ${count:-0}
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' /proc/$vswitchd_pid/status
}

# Revalidator threads' CPU time (utime + stime), in clock ticks.
reval_ticks() {
    pid=$vswitchd_pid
    total=0
    for t in /proc/$pid/task/*; do
        if grep -q '^revalidator' $t/comm 2>/dev/null; then
            ticks=$(awk '{print $14 + $15}' $t/stat)
            total=$((total + ticks))
        fi
    done
    echo $total
}

floor_bench() {
    n=$1
    start_ovs "$builddir/vswitchd/ovs-vswitchd" false
    in_port=$(appctl dpif/show | sed -n 's/.* b0 [0-9]*\/\([0-9]*\):.*/\1/p')
    out_port=$(appctl dpif/show | sed -n 's/.* c0 [0-9]*\/\([0-9]*\):.*/\1/p')
    gen_dp_flows $n $in_port $out_port > $work/flows
    ovs-ofctl add-flow br0 "ip,in_port=b0,actions=output:c0"
    t0=$(now)
    appctl dpctl/add-flows $work/flows > /dev/null
    t1=$(now)
    report floor "insert $n (s)" "$(elapsed $t0 $t1)"
    stop_ovs
}

daemon_bench() {
    who=$1 binary=$2 n=$3
    start_ovs "$binary"
    # "b0 1/2:" is OpenFlow port 1, datapath port 2.
    in_port=$(appctl dpif/show | sed -n 's/.* b0 [0-9]*\/\([0-9]*\):.*/\1/p')
    out_port=$(appctl dpif/show | sed -n 's/.* c0 [0-9]*\/\([0-9]*\):.*/\1/p')
    gen_dp_flows $n $in_port $out_port > $work/flows
    # Actions as OpenFlow gives them, or the revalidators replace them.
    ovs-ofctl add-flow br0 "ip,in_port=b0,actions=output:c0"
    rss0=$(rss_kb)
    t0=$(now)
    appctl dpctl/add-flows $work/flows > /dev/null
    t1=$(now)
    report $who "insert $n (s)" "$(elapsed $t0 $t1)"
    t0=$(now)
    if shown=$(offloaded); then
        t1=$(now)
        report $who "dump-flows type=offloaded (s)" "$(elapsed $t0 $t1)"
        report $who "offloaded right after insert" "$shown"
        report $who "TC rules right after insert" "$(tc_rules)"
        sleep 3
        report $who "offloaded 3 s later" "$(offloaded || echo hung)"
        report $who "TC rules 3 s later" "$(tc_rules)"
        report $who "flow limit and dump time then" "$(flow_limit)"
        report $who "RSS per offloaded flow (bytes)" \
            "$(( ($(rss_kb) - rss0) * 1024 / n ))"
        r0=$(reval_ticks)
        sleep 10
        report $who "revalidator CPU over 10 s (ticks)" \
            "$(( $(reval_ticks) - r0 ))"
        t0=$(now)
        appctl dpctl/del-flows > /dev/null
        t1=$(now)
        report $who "delete (s)" "$(elapsed $t0 $t1)"
    else
        # What needs the N flows cannot be measured; a fresh daemon can
        # still set flows up from traffic.
        report $who "dump-flows type=offloaded (s)" "$(cat $work/dump-failure)"
        restart_hung "$binary"
    fi

    # Upcall-driven: one OpenFlow rule per source, one packet each.
    awk -v n=$n 'BEGIN {
        for (i = 0; i < n; i++) {
            printf "ip,in_port=b0,nw_src=10.%d.%d.%d,actions=output:c0\n",
                   int(i / 65536) % 256, int(i / 256) % 256, i % 256
        }
    }' > $work/of-flows
    ovs-ofctl del-flows br0
    ovs-ofctl add-flows br0 $work/of-flows
    rss0=$(rss_kb)
    lost0=$(appctl dpctl/show | sed -n 's/.*lost:\([0-9]*\).*/\1/p')
    t0=$(now)
    python3 "$(dirname "$0")/send-sources.py" b1 $n
    i=0
    # upcall/show's count is cheap; a dump of every flow is not.
    while test $(offloaded_count) -lt $n && test $i -lt 60; do
        sleep 0.5
        i=$((i + 1))
    done
    t1=$(now)
    report $who "upcall setup of $n flows (s)" "$(elapsed $t0 $t1)"
    report $who "upcall/show offloaded flows" "$(offloaded_count)"
    report $who "TC rules after upcalls" "$(tc_rules)"
    lost1=$(appctl dpctl/show | sed -n 's/.*lost:\([0-9]*\).*/\1/p')
    report $who "upcalls lost (dpctl/show)" "$((lost1 - lost0))"
    # Stock keeps these flows, so here both daemons hold the flows that
    # traffic made in TC: like for like, per flow held.  The dump is of
    # every flow (a plain dpctl/dump-flows), stock's skip_hw rules too.
    if shown=$(offloaded); then
        report $who "offloaded after upcalls" "$shown"
        t0=$(now)
        appctl dpctl/dump-flows > $work/dump-all
        t1=$(now)
        report $who "dump-flows of the upcall flows (s)" "$(elapsed $t0 $t1)"
        report $who "flows in that dump" \
            "$(grep -c 'eth_type(0x0800)' $work/dump-all || true)"
        # Per flow held: under a burst, some upcalls are lost.
        held=$(tc_rules)
        report $who "RSS per upcall flow (bytes)" \
            "$(( ($(rss_kb) - rss0) * 1024 / (held > 0 ? held : 1) ))"
        r0=$(reval_ticks)
        sleep 10
        report $who "revalidator CPU, 10 s, upcall flows (ticks)" \
            "$(( $(reval_ticks) - r0 ))"
        report $who "TC rules 10 s later" "$(tc_rules)"
    else
        report $who "offloaded after upcalls" "$(cat $work/dump-failure)"
        restart_hung "$binary"
    fi
    stop_ovs
}

value() {
    sed -n "s/^$1 *$2 *//p" $work/results | tail -1
}

# a/b, or "n/a" where either was not measured (or hung).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        num = "^[0-9]+([.][0-9]+)?$"
        if (a ~ num && b ~ num && b > 0) {
            printf "%.2f\n", a / b
        } else {
            print "n/a"
        }
    }'
}

# BENCH_WHO (default "raw,floor,stock,ours") picks what to measure.
measure=$(echo "${BENCH_WHO:-raw,floor,stock,ours}" | tr ',' ' ')
for n in "$@"; do
    case " $measure " in *" raw "*) raw_tc $n ;; esac
    case " $measure " in *" floor "*) floor_bench $n ;; esac
    case " $measure " in *" stock "*) daemon_bench stock "$stock" $n ;; esac
    case " $measure " in *" ours "*)
        daemon_bench ours "$builddir/vswitchd/ovs-vswitchd" $n ;;
    esac
    raw=$(value raw "insert $n (s)")
    s=$(value stock "insert $n (s)")
    o=$(value ours "insert $n (s)")
    f=$(value floor "insert $n (s)")
    od=$(value ours 'dump-flows of the upcall flows (s)')
    sd=$(value stock 'dump-flows of the upcall flows (s)')
    oc=$(value ours 'revalidator CPU, 10 s, upcall flows (ticks)')
    sc=$(value stock 'revalidator CPU, 10 s, upcall flows (ticks)')
    om=$(value ours 'RSS per upcall flow (bytes)')
    sm=$(value stock 'RSS per upcall flow (bytes)')
    echo "N=$n: insert rate ours/raw tc = $(ratio "$raw" "$o")," \
         "ours/stock = $(ratio "$s" "$o")," \
         "dpctl floor/raw tc = $(ratio "$raw" "$f");" \
         "with the upcall flows, ours/stock: dump time $(ratio "$od" "$sd")," \
         "revalidator CPU $(ratio "$oc" "$sc"), RSS per flow" \
         "$(ratio "$om" "$sm")" \
        | tee -a $work/results
done
cp $work/results "${BENCH_RESULTS:-/dev/null}" 2>/dev/null || true
