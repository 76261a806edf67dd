/*
 * The two places where the drop-in ovs-vswitchd adds to OVS's own main()
 * (compiled unchanged from vswitchd/ovs-vswitchd.c), by wrapping calls that
 * cross object files at link time (-Wl,--wrap=...): nothing in OVS is
 * patched.
 *
 * - ovs_print_version(): `--version` keeps OVS's own first line, which
 *   scripts parse, and adds a line naming ovs-offload.
 * - bridge_init(): registers ovs-offload's unixctl commands (offload/show,
 *   offload/explain) once main() has set up logging and unixctl, so they
 *   exist whether or not hw-offload is on.
 * - count_cpu_cores(): OVS 3.1.0 reads the CPU count only once time_msec(),
 *   the time since boot, reaches 10 s, and returns 0 before that.  An
 *   ovs-vswitchd started in the first 10 s after boot (a VM, a fast
 *   SmartNIC host) then opens no upcall handler in per-CPU dispatch mode,
 *   and the kernel datapath's upcalls go nowhere: no flow is ever set up.
 *   Upstream fixed it in 3.1.1 (b354cee2e, "ovs-thread: Fix cpus not read
 *   for the first 10s."); Debian 12 ships 3.1.0.
 */

#include <config.h>

#include <sched.h>
#include <stdio.h>

#include "offload-explain.h"
#include "util.h"

void __real_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __real_bridge_init(const char *remote);
void __wrap_bridge_init(const char *remote);
int __real_count_cpu_cores(void);
int __wrap_count_cpu_cores(void);

void
__wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp)
{
    __real_ovs_print_version(min_ofp, max_ofp);
    printf("ovs-offload %s (TC flower offload, built on Open vSwitch %s)\n",
           OVS_OFFLOAD_VERSION, VERSION);
}

void
__wrap_bridge_init(const char *remote)
{
    offload_explain_init();
    __real_bridge_init(remote);
}

int
__wrap_count_cpu_cores(void)
{
    int n = __real_count_cpu_cores();

    if (!n) {
        /* OVS has not read the count yet (see above): read it the way it
         * will, the CPUs this process may run on. */
        cpu_set_t set;

        if (!sched_getaffinity(0, sizeof set, &set)) {
            n = CPU_COUNT(&set);
        }
    }
    return n;
}
