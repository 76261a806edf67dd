/*
 * The shape of an action list in the TC flower codec (flower-codec.h; see
 * flower-codec-actions.c for the rules it follows): where packets go when
 * they leave each action, whether every action runs for some packet and
 * every packet leaves the list at an action that ends it, and the jump
 * verdicts that let a list branch (check_pkt_len).
 */

#include <errno.h>
#include <linux/pkt_cls.h>

#include "flower-codec-private.h"

static int act_successors(const struct flower_rule *, int index,
                          int next[2]);

/* Returns true if the actions of 'rule' are all modelled, every one of them
 * runs for some packet and every packet that leaves one goes on to another
 * of the list or leaves the list (see flower-codec-actions.c).  A packet only
 * ever goes on forward, so one pass in order finds every action that
 * packets reach before it looks at what they leave it for. */
bool
codec_list_is_sound(const struct flower_rule *rule)
{
    bool reached[FLOWER_MAX_ACTIONS] = { true };
    int i, j;

    if (rule->n_actions <= 0 || rule->n_actions > FLOWER_MAX_ACTIONS) {
        return false;
    }
    for (i = 0; i < rule->n_actions; i++) {
        int next[2];
        int n_next;

        n_next = act_successors(rule, i, next);
        if (!reached[i] || n_next < 0) {
            return false;
        }
        for (j = 0; j < n_next; j++) {
            if (next[j] <= i || next[j] >= rule->n_actions) {
                return false;
            }
            reached[next[j]] = true;
        }
    }
    return true;
}

/* Stores in 'next' the indexes of the actions of 'rule' that packets go on
 * to when they leave action 'index', and returns how many there are (0 if
 * the action ends the list), or -1 if the action is not modelled or is a
 * jump of 0. */
static int
act_successors(const struct flower_rule *rule, int index, int next[2])
{
    const struct flower_action *act = &rule->actions[index];
    const struct act_map *map = codec_find_map_by_type(act->type);

    if (!map) {
        return -1;
    } else if (act->type == FLOWER_ACT_POLICE_MTU) {
        next[0] = index + 1 + act->police_mtu.conform_jump;
        next[1] = index + 1 + act->police_mtu.exceed_jump;
        return 2;
    } else if (act->type == FLOWER_ACT_JUMP) {
        /* A jump of 0 would be a PIPE, which a gact never is here. */
        next[0] = index + 1 + act->jump;
        return act->jump ? 1 : -1;
    } else if (map->control == TC_ACT_PIPE) {
        next[0] = index + 1;
        return 1;
    }
    return 0;
}

/* Returns the verdict with which packets leave action 'index' to skip the
 * next 'skip' actions: TC_ACT_PIPE for none, else a jump.  The kernel's
 * jumps are not relative: on TC_ACT_JUMP | n, tcf_action_exec() starts
 * over at the first action and skips n of them, i.e. goes on to action n
 * (counting from 0). */
uint32_t
codec_put_jump(int index, uint8_t skip)
{
    return skip ? TC_ACT_JUMP | (index + 1 + skip) : TC_ACT_PIPE;
}

/* Stores in '*skip' how many actions packets skip when they leave action
 * 'index' with 'verdict', and returns 0, or EOPNOTSUPP if 'verdict' is
 * not one that codec_put_jump() puts: another verdict, or a jump that is
 * not forward past the next action (the kernel treats a jump to action 0
 * as an error and lets the packet go, and a jump back runs the jumping
 * action again, until the kernel gives up after 32 jumps).  Whether the
 * action the jump lands on exists is for the list's check
 * (codec_list_is_sound()). */
int
codec_decode_jump(uint32_t verdict, int index, uint8_t *skip)
{
    uint32_t to = verdict & TC_ACT_EXT_VAL_MASK;

    if (verdict == TC_ACT_PIPE) {
        *skip = 0;
    } else if (TC_ACT_EXT_CMP(verdict, TC_ACT_JUMP)
               && to > index + 1 && to - (index + 1) <= FLOWER_MAX_ACTIONS) {
        *skip = to - (index + 1);
    } else {
        return EOPNOTSUPP;
    }
    return 0;
}
