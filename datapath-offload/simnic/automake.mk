# simnic: a software SmartNIC, built as the DPDK vdev plugin
# librte_net_simnic.so (loaded with EAL's "-d").  It is a plugin of
# DPDK, not part of ovs-vswitchd, so it is built with DPDK's flags and not
# OVS's, by hand rather than through libtool (which builds no shared
# libraries here).
#
# The flow engine needs neither ethdev's driver headers nor EAL, and is
# also linked into tests/test-simnic-engine.
SIMNIC_ENGINE_SRC = \
	datapath-offload/simnic/simnic-actions.c \
	datapath-offload/simnic/simnic-actions.h \
	datapath-offload/simnic/simnic-apply.c \
	datapath-offload/simnic/simnic-async.c \
	datapath-offload/simnic/simnic-async.h \
	datapath-offload/simnic/simnic-async-private.h \
	datapath-offload/simnic/simnic-cls.c \
	datapath-offload/simnic/simnic-cls.h \
	datapath-offload/simnic/simnic-flow.c \
	datapath-offload/simnic/simnic-flow.h \
	datapath-offload/simnic/simnic-key.c \
	datapath-offload/simnic/simnic-key.h \
	datapath-offload/simnic/simnic-template.c
SIMNIC_PMD_SRC = $(SIMNIC_ENGINE_SRC) \
	datapath-offload/simnic/simnic-ethdev.c \
	datapath-offload/simnic/simnic-flow-ops.c \
	datapath-offload/simnic/simnic-io.c \
	datapath-offload/simnic/simnic-private.h
EXTRA_DIST += $(SIMNIC_PMD_SRC) \
	datapath-offload/simnic/extract-driver-headers.sh

if SIMNIC
SIMNIC_SO = datapath-offload/simnic/librte_net_simnic.so
endif
# The driver-SDK headers Debian does not ship, from its source tarball.
SIMNIC_HDR_DIR = datapath-offload/simnic/dpdk-driver-headers
# rte_flow_conv() (DPDK's names of item and action types) is experimental.
# libdpdk.pc lists no drivers: the vdev bus (rte_vdev_register) is linked
# by name, or the plugin only loads into programs that link it themselves
# (dpdk-testpmd does, dpdk-test-flow-perf does not).
SIMNIC_PMD_FLAGS = -O2 -g -fPIC -Wall -Wextra \
	-DALLOW_INTERNAL_API -DALLOW_EXPERIMENTAL_API \
	-I$(SIMNIC_HDR_DIR) $(DPDK_CFLAGS)

$(SIMNIC_HDR_DIR)/.stamp: $(srcdir)/datapath-offload/simnic/extract-driver-headers.sh
	$(AM_V_GEN)$(SHELL) $(srcdir)/datapath-offload/simnic/extract-driver-headers.sh \
	  '$(DPDK_SOURCE_TARBALL)' '$(DPDK_VERSION)' $(SIMNIC_HDR_DIR) && \
	touch $@

datapath-offload/simnic/librte_net_simnic.so: $(SIMNIC_PMD_SRC) \
	$(SIMNIC_HDR_DIR)/.stamp Makefile
	$(AM_V_CCLD)$(CC) $(SIMNIC_PMD_FLAGS) $(CFLAGS) -shared -o $@ \
	  $(addprefix $(srcdir)/,$(filter %.c,$(SIMNIC_PMD_SRC))) \
	  $(DPDK_LIBS) -lrte_bus_vdev

all-local: $(SIMNIC_SO)

# Installed where EAL will load it from ("-d"): root-owned and, unlike
# /tmp, with no world-writable directory on the way.
simnicdir = $(pkglibdir)/dpdk-pmds
install-exec-local: $(SIMNIC_SO)
	@if test -n '$(SIMNIC_SO)'; then \
	  $(MKDIR_P) '$(DESTDIR)$(simnicdir)' && \
	  $(INSTALL_PROGRAM) $(SIMNIC_SO) '$(DESTDIR)$(simnicdir)/'; \
	fi
uninstall-local:
	rm -f '$(DESTDIR)$(simnicdir)/librte_net_simnic.so'
CLEANFILES += datapath-offload/simnic/librte_net_simnic.so
clean-local: clean-simnic
clean-simnic:
	rm -rf $(SIMNIC_HDR_DIR)
.PHONY: clean-simnic

# Unit tests of the engine, and its lookup cost with 1, 1k and 100k rules.
if SIMNIC
check_PROGRAMS += tests/test-simnic-engine
endif
tests_test_simnic_engine_SOURCES = tests/test-simnic-engine.c \
	tests/test-simnic-engine.h \
	tests/test-simnic-async.c \
	$(SIMNIC_ENGINE_SRC)
tests_test_simnic_engine_CPPFLAGS = -I$(top_srcdir)/datapath-offload/simnic
tests_test_simnic_engine_CFLAGS = -O2 -g -Wall -Wextra \
	-DALLOW_EXPERIMENTAL_API $(DPDK_CFLAGS)
tests_test_simnic_engine_LDADD = $(DPDK_LIBS)

SIMNIC_BENCH_N = 1 1000 100000
bench-simnic: tests/test-simnic-engine$(EXEEXT)
	tests/test-simnic-engine$(EXEEXT) bench $(SIMNIC_BENCH_N)
.PHONY: bench-simnic

# Rule insertion and deletion rates, synchronous (dpdk-test-flow-perf and
# simnic-flow-bench) and through the template API (simnic-flow-bench:
# dpdk-test-flow-perf 22.11 has no asynchronous mode), against simnic and
# net_null.
if SIMNIC
check_PROGRAMS += tests/simnic-flow-bench
endif
tests_simnic_flow_bench_SOURCES = tests/simnic-flow-bench.c
tests_simnic_flow_bench_CFLAGS = -O2 -g -Wall -Wextra \
	-DALLOW_EXPERIMENTAL_API $(DPDK_CFLAGS)
tests_simnic_flow_bench_LDADD = $(DPDK_LIBS)
EXTRA_DIST += tests/simnic-flow-bench.sh

SIMNIC_FLOW_BENCH_RULES = 100000
SIMNIC_FLOW_BENCH_BATCH = 1000
bench-simnic-flows: tests/simnic-flow-bench$(EXEEXT) $(SIMNIC_SO)
	@$(SHELL) $(srcdir)/tests/simnic-flow-bench.sh $(SIMNIC_SO) \
	  tests/simnic-flow-bench$(EXEEXT) $(SIMNIC_FLOW_BENCH_RULES) \
	  $(SIMNIC_FLOW_BENCH_BATCH)
.PHONY: bench-simnic-flows
