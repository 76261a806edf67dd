/* simnic: tuple space search classifier (see simnic-cls.h). */

#include "simnic-cls.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct simnic_subtable {
    struct simnic_subtable *next;       /* In the group, by min_priority. */
    struct simnic_key mask;
    /* A lower bound of the priorities of the subtable's rules: lookup
     * stops before a subtable whose rules cannot beat the best match.  It
     * is not raised when rules go, which keeps it a valid bound. */
    uint32_t min_priority;
    uint32_t n_rules;
    /* The words of the key the mask covers: only they are hashed and
     * compared, most of a key being unmasked in most rules. */
    uint8_t words[SIMNIC_KEY_WORDS];
    uint8_t n_words;
    uint32_t n_buckets;                 /* A power of 2. */
    struct simnic_cls_rule **buckets;
};

struct simnic_group {
    struct simnic_group *next;
    uint32_t id;
    struct simnic_subtable *subtables;
};

struct simnic_cls {
    struct simnic_group *groups;
    uint32_t n_subtables;
};

/* Hashes the words of 'key' that 'st' masks, after masking them. */
static uint32_t
masked_hash(const struct simnic_subtable *st, const struct simnic_key *key)
{
    const uint64_t *k = (const uint64_t *) key;
    const uint64_t *m = (const uint64_t *) &st->mask;
    uint64_t h = 0x9e3779b97f4a7c15ULL;

    for (unsigned int i = 0; i < st->n_words; i++) {
        unsigned int w = st->words[i];

        h ^= k[w] & m[w];
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
    }
    /* A multiplication only carries bits upwards: without this final mix
     * (MurmurHash3's), keys that differ only in the high bits of their
     * last word, such as IPv4 addresses in network order, share a few
     * buckets. */
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (uint32_t) (h ^ (h >> 32));
}

/* Whether masked 'key' equals rule key 'rk' (already masked). */
static bool
masked_equal(const struct simnic_subtable *st, const struct simnic_key *rk,
             const struct simnic_key *key)
{
    const uint64_t *r = (const uint64_t *) rk;
    const uint64_t *k = (const uint64_t *) key;
    const uint64_t *m = (const uint64_t *) &st->mask;

    for (unsigned int i = 0; i < st->n_words; i++) {
        unsigned int w = st->words[i];

        if (r[w] != (k[w] & m[w])) {
            return false;
        }
    }
    return true;
}

struct simnic_cls *
simnic_cls_create(void)
{
    return calloc(1, sizeof(struct simnic_cls));
}

/* Frees the classifier's own memory; the rules belong to the caller. */
void
simnic_cls_destroy(struct simnic_cls *cls)
{
    if (!cls) {
        return;
    }
    while (cls->groups) {
        struct simnic_group *g = cls->groups;

        while (g->subtables) {
            struct simnic_subtable *st = g->subtables;

            g->subtables = st->next;
            free(st->buckets);
            free(st);
        }
        cls->groups = g->next;
        free(g);
    }
    free(cls);
}

static struct simnic_group *
group_find(const struct simnic_cls *cls, uint32_t id)
{
    for (struct simnic_group *g = cls->groups; g; g = g->next) {
        if (g->id == id) {
            return g;
        }
    }
    return NULL;
}

static void
subtable_unlink(struct simnic_group *g, struct simnic_subtable *st)
{
    struct simnic_subtable **p;

    for (p = &g->subtables; *p != st; p = &(*p)->next) {
        continue;
    }
    *p = st->next;
}

/* Links 'st' so that the list stays sorted by min_priority. */
static void
subtable_link(struct simnic_group *g, struct simnic_subtable *st)
{
    struct simnic_subtable **p;

    for (p = &g->subtables; *p && (*p)->min_priority <= st->min_priority;
         p = &(*p)->next) {
        continue;
    }
    st->next = *p;
    *p = st;
}

static int
subtable_grow(struct simnic_subtable *st)
{
    uint32_t n = st->n_buckets ? st->n_buckets * 2 : 16;
    struct simnic_cls_rule **b = calloc(n, sizeof *b);

    if (!b) {
        return ENOMEM;
    }
    for (uint32_t i = 0; i < st->n_buckets; i++) {
        struct simnic_cls_rule *r = st->buckets[i];

        while (r) {
            struct simnic_cls_rule *next = r->hnext;

            r->hnext = b[r->hash & (n - 1)];
            b[r->hash & (n - 1)] = r;
            r = next;
        }
    }
    free(st->buckets);
    st->buckets = b;
    st->n_buckets = n;
    return 0;
}

/* Inserts 'rule' (whose key, priority, group and seq are set) with 'mask'.
 * Returns 0 or ENOMEM. */
int
simnic_cls_insert(struct simnic_cls *cls, struct simnic_cls_rule *rule,
                  const struct simnic_key *mask)
{
    struct simnic_group *g = group_find(cls, rule->group);
    struct simnic_subtable *st = NULL;
    bool new_group = false;

    if (!g) {
        g = calloc(1, sizeof *g);
        if (!g) {
            return ENOMEM;
        }
        g->id = rule->group;
        new_group = true;
    }
    for (st = g->subtables; st; st = st->next) {
        if (simnic_key_equal(&st->mask, mask)) {
            break;
        }
    }
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st || subtable_grow(st)) {
            free(st);
            if (new_group) {
                free(g);
            }
            return ENOMEM;
        }
        st->mask = *mask;
        for (unsigned int i = 0; i < SIMNIC_KEY_WORDS; i++) {
            if (((const uint64_t *) mask)[i]) {
                st->words[st->n_words++] = i;
            }
        }
        st->min_priority = rule->priority;
        subtable_link(g, st);
        cls->n_subtables++;
    } else if (st->n_rules >= st->n_buckets && subtable_grow(st)) {
        return ENOMEM;
    }
    if (new_group) {
        g->next = cls->groups;
        cls->groups = g;
    }
    if (rule->priority < st->min_priority) {
        subtable_unlink(g, st);
        st->min_priority = rule->priority;
        subtable_link(g, st);
    }
    simnic_key_and(&rule->key, &rule->key, mask);
    rule->hash = masked_hash(st, &rule->key);
    rule->subtable = st;
    rule->hnext = st->buckets[rule->hash & (st->n_buckets - 1)];
    st->buckets[rule->hash & (st->n_buckets - 1)] = rule;
    st->n_rules++;
    return 0;
}

void
simnic_cls_remove(struct simnic_cls *cls, struct simnic_cls_rule *rule)
{
    struct simnic_subtable *st = rule->subtable;
    struct simnic_cls_rule **p;

    for (p = &st->buckets[rule->hash & (st->n_buckets - 1)]; *p != rule;
         p = &(*p)->hnext) {
        continue;
    }
    *p = rule->hnext;
    rule->subtable = NULL;
    if (--st->n_rules == 0) {
        struct simnic_group *g = group_find(cls, rule->group);

        subtable_unlink(g, st);
        free(st->buckets);
        free(st);
        cls->n_subtables--;
    }
}

static bool
better(const struct simnic_cls_rule *a, const struct simnic_cls_rule *b)
{
    return !b || a->priority < b->priority
           || (a->priority == b->priority && a->seq < b->seq);
}

/* Returns the best rule of 'group' matching 'key', or NULL. */
const struct simnic_cls_rule *
simnic_cls_lookup(const struct simnic_cls *cls, uint32_t group,
                  const struct simnic_key *key)
{
    const struct simnic_group *g = group_find(cls, group);
    const struct simnic_cls_rule *best = NULL;

    if (!g) {
        return NULL;
    }
    for (const struct simnic_subtable *st = g->subtables; st;
         st = st->next) {
        uint32_t hash;

        if (best && best->priority < st->min_priority) {
            break;
        }
        hash = masked_hash(st, key);
        for (const struct simnic_cls_rule *r
                 = st->buckets[hash & (st->n_buckets - 1)];
             r; r = r->hnext) {
            if (r->hash == hash && masked_equal(st, &r->key, key)
                && better(r, best)) {
                best = r;
            }
        }
    }
    return best;
}

uint32_t
simnic_cls_n_subtables(const struct simnic_cls *cls)
{
    return cls->n_subtables;
}
