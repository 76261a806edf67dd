/* What test-simnic-engine.c, which holds main() and the engine's tests,
 * shares with the files of its other tests (test-simnic-async.c). */

#ifndef TEST_SIMNIC_ENGINE_H
#define TEST_SIMNIC_ENGINE_H 1

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "simnic-flow.h"

/* Exits with status 1, naming the check, if 'COND' is false. */
#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,      \
                    __LINE__, #COND);                                   \
            exit(1);                                                    \
        }                                                               \
    } while (0)

/* Port 0 of a switch domain of ports 0 to 3, with one rx queue.  Defined
 * in test-simnic-engine.c. */
extern const struct simnic_flow_ctx ctx0;

int64_t classify_mark(struct simnic_engine *, uint16_t port, uint32_t src,
                      uint32_t dst, uint16_t dport);

/* test-simnic-async.c. */
void test_async_queues(void);
void test_async_failures(void);
void test_async_templates(void);

#endif /* test-simnic-engine.h */
