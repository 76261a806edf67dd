/* Names and descriptions of the reasons a flow is not offloaded. */

#include "offload-refusal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *description;
} refusal_table[OFFLOAD_N_REFUSALS] = {
#define R(NAME, STRING) [OFFLOAD_REFUSAL_##NAME] = { #NAME, STRING },
    OFFLOAD_REFUSALS
#undef R
};

/* Returns a human-readable description of 'reason'. */
const char *
offload_refusal_to_string(enum offload_refusal reason)
{
    return reason < OFFLOAD_N_REFUSALS
           ? refusal_table[reason].description : "unknown reason";
}

/* Returns the short symbolic name of 'reason', e.g. "MATCH_CT". */
const char *
offload_refusal_name(enum offload_refusal reason)
{
    return reason < OFFLOAD_N_REFUSALS ? refusal_table[reason].name : "?";
}

/* Records 'reason' and an optional 'detail' (may be NULL) in 'info'. */
void
offload_refusal_set(struct offload_refusal_info *info,
                    enum offload_refusal reason, const char *detail)
{
    info->reason = reason;
    snprintf(info->detail, sizeof info->detail, "%s", detail ? detail : "");
}

/* Records 'reason' and 'detail' like offload_refusal_set() and returns
 * EOPNOTSUPP, the error a refused flow is reported with, so that refusing
 * is one statement: "return offload_refuse(...);". */
int
offload_refuse(struct offload_refusal_info *info, enum offload_refusal reason,
               const char *detail)
{
    offload_refusal_set(info, reason, detail);
    return EOPNOTSUPP;
}

/* Formats 'info' as "description (detail)" into 'buf'. */
void
offload_refusal_format(const struct offload_refusal_info *info,
                       char *buf, size_t size)
{
    const char *description = offload_refusal_to_string(info->reason);

    if (info->detail[0]) {
        snprintf(buf, size, "%s (%s)", description, info->detail);
    } else {
        snprintf(buf, size, "%s", description);
    }
}
