EXTRA_DIST += \
	utilities/ovs-offload-demo.sh \
	utilities/ovs-offload-setup.sh

# Boots the test VM and shows a flow going to TC with its counters.
demo: all
	$(srcdir)/tests/vm/vm-run.sh $(abs_srcdir)/utilities/ovs-offload-demo.sh \
	  $(OVS_BUILDDIR) $(OVS_SRCDIR) $(abs_top_builddir)
.PHONY: demo check-vm check-vm-upstream check-full
