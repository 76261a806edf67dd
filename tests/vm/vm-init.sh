#!/bin/sh
# vm-init.sh: the /init (PID 1) of the initramfs that vm-prepare.sh builds;
# it runs under busybox ash, before any host file is visible.
#
# It mounts the host's / (9p tag "hostroot", read-only) as the lower layer
# of an overlayfs with a tmpfs upper layer, so every host binary and build
# tree is visible and writes stay in the guest; mounts the read-write
# results share (9p tag "results") at /mnt/results and the usual pseudo
# filesystems; then runs the wrapper script named by "vmrun=PATH" on the
# kernel command line in a chroot, and powers off.  vm-run.sh treats a
# missing status file as a failed boot, so every error path just powers off.

PATH=/bin
export PATH
/bin/busybox --install -s /bin

log() { echo "vm-init: $*"; }
halt() { log "$*"; sync; poweroff -f; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# virtio_pci, 9p, overlay and their dependencies, in load order.
while read -r ko; do
    insmod "/modules/$ko" || log "insmod $ko failed"
done < /modules/order

vmrun=
# shellcheck disable=SC2013 # the command line is one line of words
for arg in $(cat /proc/cmdline); do
    case $arg in
    vmrun=*) vmrun=${arg#vmrun=} ;;
    esac
done
[ -n "$vmrun" ] || halt "no vmrun=PATH on the kernel command line"

# Host root, read-only.  cache=loose lets the guest cache host files: they
# do not change under a test run (and must not be written from here).
p9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$p9,ro,cache=loose" hostroot /lower ||
    halt "cannot mount the hostroot 9p share"
mount -t tmpfs -o mode=755 rw /rw
mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
    overlay /newroot || halt "cannot mount the overlay root"

# Results share: no caching, so the host sees output as it is written.
mkdir -p /newroot/mnt/results
mount -t 9p -o "$p9" results /newroot/mnt/results ||
    halt "cannot mount the results 9p share"

# Pseudo filesystems of the new root.
r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $r/dev/pts
mount -t tmpfs -o mode=1777 shm $r/dev/shm
mount -t tmpfs -o mode=755 run $r/run
# /tmp stays the overlay's: a checkout or build under the host's /tmp (as
# CI may use) must be visible; writes still stay in the guest.
hostname ovs-vm

# Run the wrapper; it writes the exit status into the results share.
# ash stays PID 1 meanwhile and reaps orphaned daemons while it waits.
chroot $r /bin/sh "$vmrun" < /dev/null
log "wrapper exited with status $?"
sync
umount $r/mnt/results
poweroff -f
