/*
 * The user's other_config:tc-policy (none, skip_sw, skip_hw).
 *
 * OVS parses the option itself (tc_set_policy() in lib/tc.c, which also
 * logs it and rejects bad values); we read the result back instead of
 * parsing the database a second time.
 */
#ifndef TC_POLICY_H
#define TC_POLICY_H 1

#include <stdint.h>

void tc_policy_refresh(void);
uint32_t tc_policy_cls_flags(void);
const char *tc_policy_name(void);

#endif /* tc-policy.h */
