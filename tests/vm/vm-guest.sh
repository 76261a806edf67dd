#!/bin/sh
# vm-guest.sh CWD COMMAND [ARGS...]: second stage inside the VM.
#
# Started (as root, in the overlay root) by the wrapper that vm-run.sh
# generates, which exports VM_RESULTS (the results share) and
# VM_MODULES_DIR (the unpacked module tree of the guest kernel in the
# host's cache).  Loads the modules the kernel-datapath and TC tests need,
# brings lo up, then runs COMMAND in CWD with stdout and stderr captured
# into $VM_RESULTS/.vm/output.log and its exit status written to
# $VM_RESULTS/.vm/status.  Set-up messages go to $VM_RESULTS/.vm/setup.log.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
export PATH HOME

modules="openvswitch cls_flower cls_matchall act_gact act_mirred act_vlan
    act_pedit act_tunnel_key act_ct act_police act_csum act_skbedit act_mpls
    act_sample psample sch_ingress veth vxlan geneve nfnetlink
    nf_conntrack_netlink 8021q"

vm=$VM_RESULTS/.vm
cwd=$1
shift

# Guest uptime in seconds, appended to $vm/uptimes as "LABEL SECONDS".
mark() { echo "$1 $(cut -d' ' -f1 /proc/uptime)" >> "$vm/uptimes"; }
mark userspace

{
    # modprobe looks in /lib/modules/$(uname -r): point it at the cache.
    kver=$(uname -r)
    if [ "$(readlink "/lib/modules/$kver")" != "$VM_MODULES_DIR" ]; then
        mkdir -p /lib/modules
        rm -rf "/lib/modules/$kver"
        ln -s "$VM_MODULES_DIR" "/lib/modules/$kver"
    fi
    # One modprobe for all (each exec costs ~0.1 s under TCG); then retry
    # those not in /sys/module one by one to name the failures.
    # shellcheck disable=SC2086 # $modules is a list
    modprobe -a $modules 2>/dev/null
    failed=
    for m in $modules; do
        [ -d "/sys/module/$m" ] || modprobe "$m" || failed="$failed $m"
    done
    [ -z "$failed" ] || echo "modules not loaded:$failed"
    # The kernel loads modules on demand (a TC classifier or action, a
    # conntrack helper) by running its modprobe helper in its own root, the
    # initramfs's (vm-init.sh only chroots), which has no module tree:
    # point the helper at this root's modprobe.
    helper=/proc/1/root/bin/modprobe-guest
    printf '#!/bin/sh\nexec /bin/chroot /newroot /sbin/modprobe "$@"\n' \
        > $helper && chmod +x $helper &&
        echo /bin/modprobe-guest > /proc/sys/kernel/modprobe
    ip link set lo up
} > "$vm/setup.log" 2>&1

# Tests that depend on the kernel's build options read its config here, as
# they would read /boot/config-$(uname -r) on a real machine.
VM_KERNEL_CONFIG=$(cd "$VM_MODULES_DIR/../../.." 2>/dev/null \
                   && pwd)/boot/config-$(uname -r)
export VM_KERNEL_CONFIG

cd "$cwd" || { echo "vm-guest: cannot cd to $cwd" >> "$vm/setup.log"; exit 1; }

# A plain (non-executable) script file is run with sh.
if [ -f "$1" ] && [ ! -x "$1" ]; then
    set -- /bin/sh "$@"
fi
mark script
"$@" > "$vm/output.log" 2>&1 < /dev/null
status=$?
mark end
echo "$status" > "$vm/status"
exit "$status"
