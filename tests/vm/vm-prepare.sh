#!/bin/sh
# vm-prepare.sh: fetch the guest kernel and build the initramfs that
# tests/vm/vm-run.sh boots.
#
# The host kernel has no cls_flower and no openvswitch module, so the
# kernel-datapath and TC tests run in a QEMU (TCG) guest on Debian 12's
# stock kernel.  This script is idempotent: it only redoes what is missing.
#
# Cache layout, ${OVS_OFFLOAD_CACHE:-/var/cache/ovs-offload}/vm:
#   debs/linux-image-VERSION_*.deb     the downloaded package
#   kernel/VERSION/                    dpkg -x of it (boot/, lib/modules/)
#   kernel/VERSION/.stamp              unpacked and depmod'ed
#   kernel/VERSION/vmlinux             uncompressed kernel (faster boot)
#   initramfs-VERSION.cpio.gz          busybox + 9p/overlay modules + init
#   initramfs-VERSION.stamp            checksum of what it was built from
#   current                            the VERSION last prepared
#
# Prints VERSION (e.g. 6.1.0-56-amd64) on stdout, all else on stderr.
# Env: OVS_OFFLOAD_CACHE; VM_KERNEL_VERSION pins a version (no apt query).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${OVS_OFFLOAD_CACHE:-/var/cache/ovs-offload}/vm

# Modules the initramfs needs to mount the host's / over virtio-9p and
# stack an overlayfs on it.  Dependencies are added by modprobe.
initrd_modules="virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay"

say() { echo "vm-prepare: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Install the Debian packages providing the tools we use, if missing.
ensure_tools() {
    missing=
    command -v qemu-system-x86_64 >/dev/null ||
        missing="$missing qemu-system-x86"
    command -v cpio >/dev/null || missing="$missing cpio"
    command -v depmod >/dev/null || missing="$missing kmod"
    # Only the static busybox works inside an initramfs without libc.
    dpkg -s busybox-static >/dev/null 2>&1 || missing="$missing busybox-static"
    [ -z "$missing" ] && return 0
    say "installing$missing"
    # shellcheck disable=SC2086 # $missing is a list of package names
    apt-get install -y -q $missing >&2 ||
        { apt-get update -q >&2 &&
          apt-get install -y -q $missing >&2; } ||
        die "cannot install$missing"
}

# Print the kernel version linux-image-amd64 currently depends on
# (the plain flavour: -cloud-amd64 lacks 9p).
apt_kernel_version() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: linux-image-\([0-9.]*-[0-9]*-amd64\)$/\1/p' |
        head -n 1
}

# Decide which kernel VERSION to use.
pick_version() {
    if [ -n "${VM_KERNEL_VERSION:-}" ]; then
        echo "$VM_KERNEL_VERSION"
        return
    fi
    v=$(apt_kernel_version)
    if [ -z "$v" ]; then
        say "apt-cache knows no linux-image-amd64; running apt-get update"
        apt-get update -q >&2 || true
        v=$(apt_kernel_version)
    fi
    # Offline and no package lists: fall back to what was prepared before.
    if [ -z "$v" ] && [ -f "$cache/current" ]; then
        v=$(cat "$cache/current")
    fi
    [ -n "$v" ] || die "cannot find the linux-image-6.1.0-N-amd64 package"
    echo "$v"
}

# Make sure the package of $version is in $cache/debs; return 1 if it
# cannot be downloaded (e.g. offline).
download_kernel() {
    pkg=linux-image-$version
    mkdir -p "$cache/debs"
    set -- "$cache/debs/${pkg}"_*.deb
    [ -f "$1" ] && return 0
    say "downloading $pkg"
    # Download as root into the cache (no _apt sandbox warning); if the
    # package lists are stale, update them once and retry.
    (cd "$cache/debs" &&
        { apt-get download -q -o APT::Sandbox::User=root "$pkg" ||
          { apt-get update -q && apt-get download -q \
                -o APT::Sandbox::User=root "$pkg"; }; }) >&2 || return 1
}

# Unpack the downloaded package into $kdir, then run depmod.
prepare_kernel() {
    [ -f "$kdir/.stamp" ] && return 0
    set -- "$cache/debs/linux-image-${version}"_*.deb
    [ -f "$1" ] || die "no linux-image-$version .deb in $cache/debs"
    say "unpacking $(basename "$1")"
    rm -rf "$kdir.tmp"
    dpkg -x "$1" "$kdir.tmp"
    [ -f "$kdir.tmp/boot/vmlinuz-$version" ] || die "no vmlinuz in $1"
    [ -d "$kdir.tmp/lib/modules/$version" ] || die "no modules in $1"
    depmod -b "$kdir.tmp" "$version"
    rm -rf "$kdir"
    mv "$kdir.tmp" "$kdir"
    touch "$kdir/.stamp"
}

# Unpack the ELF vmlinux from the bzImage into $kdir/vmlinux.  QEMU boots an
# ELF kernel with a PVH note directly, which skips the in-guest
# decompression: about 4 s under TCG.  Like the kernel's
# scripts/extract-vmlinux: find a compressed stream's magic and unpack from
# there; the decompressor complains of the trailing bytes, so check the
# ELF magic instead of its status.  If none works vm-run.sh uses vmlinuz.
extract_vmlinux() {
    [ -f "$kdir/vmlinux" ] || [ -f "$kdir/.no-vmlinux" ] && return 0
    img=$kdir/boot/vmlinuz-$version
    for fmt in "xz -dc:\3757zXZ" "zstd -qdc:\050\265\057\375" \
               "gzip -dc:\037\213\010"; do
        cmd=${fmt%%:*}
        # shellcheck disable=SC2059 # the format holds octal escapes
        magic=$(printf "${fmt#*:}")
        command -v "${cmd%% *}" >/dev/null || continue
        # shellcheck disable=SC2013 # one offset per line
        for off in $(LC_ALL=C grep -abo "$magic" "$img" | cut -d: -f1); do
            tail -c +$((off + 1)) "$img" | $cmd > "$kdir/vmlinux.tmp" \
                2>/dev/null || true
            if [ "$(head -c 4 "$kdir/vmlinux.tmp" | od -An -c | tr -d ' ')" \
                 = '177ELF' ]; then
                mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
                return 0
            fi
        done
    done
    rm -f "$kdir/vmlinux.tmp"
    touch "$kdir/.no-vmlinux"
    say "cannot unpack vmlinux from $img; booting the bzImage"
}

# Write to file $1, in load order and without repeats, the .ko files needed
# to load $initrd_modules (modprobe --show-depends prints "insmod PATH").
initrd_module_files() {
    : > "$1.dep"
    for m in $initrd_modules; do
        modprobe -d "$kdir" -S "$version" --show-depends "$m" >> "$1.dep" ||
            die "module $m not found in $version"
    done
    awk '$1 == "insmod" && !seen[$2]++ { print $2 }' "$1.dep" > "$1"
    rm -f "$1.dep"
}

# Build the busybox initramfs, unless the stamp says it is up to date.
prepare_initramfs() {
    img=$cache/initramfs-$version.cpio.gz
    stamp=$cache/initramfs-$version.stamp
    # What the image is made of: init script, busybox, module list.
    want=$(cat "$here/vm-init.sh" /bin/busybox | cksum)
    want="$want $initrd_modules"
    if [ -f "$img" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]
    then
        return 0
    fi
    say "building $(basename "$img")"
    stage=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$stage'" EXIT
    mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" \
        "$stage/modules" "$stage/lower" "$stage/rw" "$stage/newroot"
    cp /bin/busybox "$stage/bin/busybox"
    ln -s busybox "$stage/bin/sh"
    # The kernel opens /dev/console before devtmpfs is mounted.
    mknod -m 600 "$stage/dev/console" c 5 1
    cp "$here/vm-init.sh" "$stage/init"
    chmod 755 "$stage/init"
    # Copy the modules flat, uncompressed, and record their load order.
    initrd_module_files "$stage/modules/order.paths"
    while read -r ko; do
        name=$(basename "$ko")
        case $name in
        *.ko.xz) xz -dc "$ko" > "$stage/modules/${name%.xz}" ;;
        *.ko.zst) zstd -qdc "$ko" > "$stage/modules/${name%.zst}" ;;
        *.ko.gz) gzip -dc "$ko" > "$stage/modules/${name%.gz}" ;;
        *) cp "$ko" "$stage/modules/$name" ;;
        esac
        echo "${name%.ko*}.ko"
    done < "$stage/modules/order.paths" > "$stage/modules/order"
    rm "$stage/modules/order.paths"
    (cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$img.tmp"
    mv "$img.tmp" "$img"
    echo "$want" > "$stamp"
    rm -rf "$stage"
    trap - EXIT
}

mkdir -p "$cache/kernel"
# One preparer at a time (parallel vm-run.sh calls share the cache).
exec 9> "$cache/.lock"
flock 9
ensure_tools
version=$(pick_version)
case $version in
*-cloud-amd64) die "$version: the cloud flavour has no 9p" ;;
esac
kdir=$cache/kernel/$version
if [ ! -f "$kdir/.stamp" ] && ! download_kernel; then
    # Offline with a newer package listed: keep using the last good one.
    old=$(cat "$cache/current" 2>/dev/null) || old=
    if [ -z "$old" ] || [ ! -f "$cache/kernel/$old/.stamp" ]; then
        die "apt-get download linux-image-$version failed"
    fi
    say "cannot download linux-image-$version; using the cached $old"
    version=$old
    kdir=$cache/kernel/$version
fi
prepare_kernel
extract_vmlinux
prepare_initramfs
echo "$version" > "$cache/current"
echo "$version"
