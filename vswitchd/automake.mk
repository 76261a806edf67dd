# The drop-in ovs-vswitchd: OVS's own vswitchd/*.c compiled unchanged from
# the OVS source tree, our providers, and OVS's libraries.
sbin_PROGRAMS += vswitchd/ovs-vswitchd
vswitchd_ovs_vswitchd_SOURCES = \
	$(DATAPATH_OFFLOAD_SOURCES) \
	vswitchd/hooks.c
OVS_VSWITCHD_OBJS = \
	vswitchd/ovs-bridge.$(OBJEXT) \
	vswitchd/ovs-main.$(OBJEXT) \
	vswitchd/ovs-system-stats.$(OBJEXT)
vswitchd_ovs_vswitchd_LDADD = \
	$(OVS_VSWITCHD_OBJS) \
	lib/libovsoffload.la \
	$(OVS_LIBS_LA) \
	$(MNL_LIBS)
vswitchd_ovs_vswitchd_LDFLAGS = \
	-Wl,--wrap=ovs_print_version -Wl,--wrap=bridge_init \
	-Wl,--wrap=count_cpu_cores
EXTRA_vswitchd_ovs_vswitchd_DEPENDENCIES = $(OVS_VSWITCHD_OBJS)
CLEANFILES += $(OVS_VSWITCHD_OBJS)

vswitchd/ovs-bridge.$(OBJEXT): $(OVS_SRCDIR)/vswitchd/bridge.c
	$(AM_V_CC)$(COMPILE) -c -o $@ $(OVS_SRCDIR)/vswitchd/bridge.c
vswitchd/ovs-main.$(OBJEXT): $(OVS_SRCDIR)/vswitchd/ovs-vswitchd.c
	$(AM_V_CC)$(COMPILE) -c -o $@ $(OVS_SRCDIR)/vswitchd/ovs-vswitchd.c
vswitchd/ovs-system-stats.$(OBJEXT): $(OVS_SRCDIR)/vswitchd/system-stats.c
	$(AM_V_CC)$(COMPILE) -c -o $@ $(OVS_SRCDIR)/vswitchd/system-stats.c

# OVS's TC provider must not be in the binary: if it is, ours is not used.
all-local: vswitchd/.provider-check
vswitchd/.provider-check: vswitchd/ovs-vswitchd$(EXEEXT)
	@if nm vswitchd/ovs-vswitchd$(EXEEXT) \
	    | grep -q -e ' VLM_netdev_offload_tc$$' -e ' parse_tc_flower_to_match$$'; \
	then echo "error: OVS's own TC provider was linked in"; exit 1; fi
	@touch $@
CLEANFILES += vswitchd/.provider-check
