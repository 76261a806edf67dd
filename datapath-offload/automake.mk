# The providers.  They are linked as objects, never from an archive:
# defining 'netdev_offload_tc' in an object is what keeps OVS's own
# provider out of the link (see Documentation/design.rst).
DATAPATH_OFFLOAD_SOURCES = \
	datapath-offload/netdev-offload-tc.c \
	datapath-offload/offload-explain.c \
	datapath-offload/offload-explain.h \
	datapath-offload/tc-flow-dump.c \
	datapath-offload/tc-flow-dump.h \
	datapath-offload/tc-flow-map.c \
	datapath-offload/tc-flow-map.h \
	datapath-offload/tc-meters.c \
	datapath-offload/tc-meters.h \
	datapath-offload/tc-moved.c \
	datapath-offload/tc-moved.h \
	datapath-offload/tc-policy.c \
	datapath-offload/tc-policy.h \
	datapath-offload/tc-ports.c \
	datapath-offload/tc-ports.h \
	datapath-offload/tc-probe.c \
	datapath-offload/tc-probe.h \
	datapath-offload/tc-rule-array.c \
	datapath-offload/tc-rule-array.h \
	datapath-offload/tc-rule-ovs.c \
	datapath-offload/tc-rule-ovs.h \
	datapath-offload/tc-sample.c \
	datapath-offload/tc-sample.h \
	datapath-offload/ufid-hash.h
include datapath-offload/simnic/automake.mk
