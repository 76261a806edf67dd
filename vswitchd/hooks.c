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
 */

#include <config.h>

#include <stdio.h>

#include "offload-explain.h"
#include "util.h"

void __real_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __real_bridge_init(const char *remote);
void __wrap_bridge_init(const char *remote);

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
