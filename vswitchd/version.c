/*
 * `ovs-vswitchd --version` for the drop-in daemon.
 *
 * OVS's main() (compiled unchanged from vswitchd/ovs-vswitchd.c) prints its
 * version with ovs_print_version(); the link wraps that call
 * (-Wl,--wrap=ovs_print_version).  OVS's own line comes first, unchanged,
 * because scripts parse it; the next line names ovs-offload.  The DPDK line
 * that follows is OVS's own.
 */

#include <config.h>

#include <stdio.h>

#include "util.h"

void __real_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);
void __wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp);

void
__wrap_ovs_print_version(uint8_t min_ofp, uint8_t max_ofp)
{
    __real_ovs_print_version(min_ofp, max_ofp);
    printf("ovs-offload %s (TC flower offload, built on Open vSwitch %s)\n",
           OVS_OFFLOAD_VERSION, VERSION);
}
