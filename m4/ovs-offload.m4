# OVS_OFFLOAD_CHECK_OVS
#
# Finds the Open vSwitch 3.1 source and build trees that ovs-offload builds
# against (--with-ovs-source, --with-ovs-build) and checks that the build
# tree was configured with DPDK and is fully built.  Substitutes
# OVS_SRCDIR, OVS_BUILDDIR, OVS_VERSION and the compiler and linker flags
# that OVS itself used, because OVS's headers change struct layouts with
# its config.h (DPDK_NETDEV embeds rte_mbuf in dp_packet).
AC_DEFUN([OVS_OFFLOAD_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [Open vSwitch 3.1 source tree (required)])],
    [OVS_SRCDIR=$withval], [OVS_SRCDIR=])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree (default: the source tree)])],
    [OVS_BUILDDIR=$withval], [OVS_BUILDDIR=$OVS_SRCDIR])

  setup_hint="run utilities/ovs-offload-setup.sh, which unpacks and builds
    Debian's openvswitch-source into /var/cache/ovs-offload"
  AS_IF([test -z "$OVS_SRCDIR"],
    [AC_MSG_ERROR([the Open vSwitch source tree is not given: pass
    --with-ovs-source=DIR (and --with-ovs-build=DIR), or $setup_hint])])
  AS_IF([test ! -f "$OVS_SRCDIR/vswitchd/bridge.c"],
    [AC_MSG_ERROR([$OVS_SRCDIR is not an Open vSwitch source tree
    (no vswitchd/bridge.c): unpack /usr/src/openvswitch/openvswitch.tar.gz
    from Debian's openvswitch-source package, or $setup_hint])])
  OVS_SRCDIR=`cd "$OVS_SRCDIR" && pwd`
  AS_IF([test ! -f "$OVS_BUILDDIR/config.h"],
    [AC_MSG_ERROR([$OVS_BUILDDIR is not a configured Open vSwitch build tree
    (no config.h): configure it with --with-dpdk=shared and build it, or
    $setup_hint])])
  OVS_BUILDDIR=`cd "$OVS_BUILDDIR" && pwd`

  AC_MSG_CHECKING([Open vSwitch version])
  OVS_VERSION=`sed -n 's/^#define VERSION "\(.*\)"$/\1/p' \
               "$OVS_BUILDDIR/config.h"`
  AC_MSG_RESULT([$OVS_VERSION])
  case $OVS_VERSION in
    3.1.*) ;;
    *) AC_MSG_ERROR([Open vSwitch $OVS_VERSION found in $OVS_BUILDDIR, but
    ovs-offload needs 3.1.x: use Debian 12's openvswitch-source]) ;;
  esac

  AC_MSG_CHECKING([whether Open vSwitch was built with DPDK])
  AS_IF([grep -q '^#define DPDK_NETDEV' "$OVS_BUILDDIR/config.h"],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([Open vSwitch in $OVS_BUILDDIR was configured without
    DPDK: reconfigure it with --with-dpdk=shared and rebuild])])

  AC_MSG_CHECKING([whether Open vSwitch is built])
  for lib in lib/libopenvswitch.la lib/libsflow.la ofproto/libofproto.la \
             lib/libopenvswitchavx512.la; do
    AS_IF([test ! -f "$OVS_BUILDDIR/$lib"],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([$OVS_BUILDDIR/$lib is missing: run make in
    $OVS_BUILDDIR, or $setup_hint])])
  done
  AC_MSG_RESULT([yes])

  dnl OVS's own compiler and linker flags, as its Makefile has them.
  ovs_make_var() {
    sed -n "s/^$[]1 = //p" "$OVS_BUILDDIR/Makefile"
  }
  OVS_CFLAGS=`ovs_make_var OVS_CFLAGS`
  OVS_WARNING_FLAGS=`ovs_make_var WARNING_FLAGS`
  OVS_LIBS="`ovs_make_var LIBS` `ovs_make_var SSL_LIBS` \
`ovs_make_var CAPNG_LDADD`"

  AC_SUBST([OVS_SRCDIR])
  AC_SUBST([OVS_BUILDDIR])
  AC_SUBST([OVS_VERSION])
  AC_SUBST([OVS_CFLAGS])
  AC_SUBST([OVS_WARNING_FLAGS])
  AC_SUBST([OVS_LIBS])
])
