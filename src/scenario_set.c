/*
 * scenario_set.c - `--set KEY=VALUE`: one change to a scenario's YAML tree,
 * made before the schema walk so that the same tables check it.
 *
 * KEY is a dotted path of mapping keys and list indices
 * (reinforcements.0.size); VALUE is read by libyaml as one YAML value, so
 * `[0.5, 0]` is a list and `500 to 900` a single value. Missing mappings and
 * lists on the way are created; a list index must exist or equal the list's
 * length (append). Key names are not checked here: a new key carries its
 * position in the argument, and the schema reports it there if unknown.
 *
 * An empty VALUE (or ~, null) removes the field, so that a default comes
 * back or the other of two exclusive fields can be set:
 *   --set casualties.per_day= --set casualties.rate=0.8%
 * Removing what is not there is an error (it is most likely a typo).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_tree.h"

#define SET_FILE "--set"

/* The position of byte off of the argument; columns count characters, as
 * libyaml's do. */
static dp_pos at(const char *arg, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off && arg[i]; i++)
        col += ((unsigned char)arg[i] & 0xC0) != 0x80;
    return (dp_pos){SET_FILE, 1, col, arg};
}

static bool is_index(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A path segment: [b, b + n) of the argument. */
typedef struct seg {
    size_t b, n;
} seg;

/* A fresh container at segment here for what the next segment asks: a list
 * for an index, else a mapping. */
static dp_node *container_for(const char *arg, const seg *here, const seg *next, bool *oom)
{
    dp_node *c = dp_node_new(is_index(arg + next->b, next->n) ? DP_NODE_SEQ : DP_NODE_MAP,
                             at(arg, here->b), NULL, 0);
    if (!c)
        *oom = true;
    return c;
}

void dp_tree_set(dp_node *root, const char *arg, dp_diags *dg, bool *oom)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        dp_diag_add(dg, DP_ERROR, at(arg, 0),
                    "expected KEY=VALUE, e.g. casualties.per_day=80 or "
                    "thresholds.strength=[0.5, 0]");
        return;
    }
    const char *nl = strpbrk(arg, "\r\n");
    if (nl) {
        dp_diag_add(dg, DP_ERROR, at(arg, (size_t)(nl - arg)),
                    "a --set value must be on one line");
        return;
    }
    size_t klen = (size_t)(eq - arg);

    /* the path */
    seg segs[DP_TREE_DEPTH];
    size_t nseg = 0;
    for (size_t b = 0;;) {
        size_t e = b;
        while (e < klen && arg[e] != '.')
            e++;
        if (e == b) {
            dp_diag_add(dg, DP_ERROR, at(arg, b),
                        "empty name in the key '%.*s' (names are joined by single dots)",
                        (int)klen, arg);
            return;
        }
        if (nseg == DP_TREE_DEPTH) {
            dp_diag_add(dg, DP_ERROR, at(arg, b), "the key has more than %d parts",
                        DP_TREE_DEPTH);
            return;
        }
        segs[nseg++] = (seg){b, e - b};
        if (e == klen)
            break;
        b = e + 1;
    }

    /* the value, checked even when there is no tree to change */
    const char *val = eq + 1;
    dp_node *v = dp_tree_parse_value(val, strlen(val), SET_FILE, arg, at(arg, klen + 1).col,
                                    dg, oom);
    if (v && v->kind != DP_NODE_SCALAR && v->block) {
        /* "name=Kursk: phase 2" would be a mapping: the value is one flow value */
        dp_diag_add(dg, DP_ERROR, v->pos,
                    "a --set VALUE is one YAML flow value: quote text that holds ': ' "
                    "or starts with '- ' (name='Kursk: phase 2'), write a list as [a, b] "
                    "and a mapping as {key: value}");
        dp_node_free(v);
        return;
    }
    if (!v || !root) {
        dp_node_free(v);
        return;
    }

    /* an empty (null) VALUE removes what KEY names */
    bool remove = dp_node_is_null(v);
    dp_node *cur = root;
    for (size_t i = 0; i < nseg; i++) {
        const char *name = arg + segs[i].b;
        size_t n = segs[i].n;
        bool last = i + 1 == nseg;
        /* the slot that the segment names: *slot is replaced or filled */
        dp_node **slot = NULL;
        size_t at_kid = 0;   /* index of slot in cur->kid */
        if (cur->kind == DP_NODE_MAP) {
            for (size_t j = 0; j < cur->n && !slot; j++) {
                const dp_node *k = dp_node_key(cur, j);
                if (k->kind == DP_NODE_SCALAR && k->len == n && memcmp(k->text, name, n) == 0) {
                    at_kid = 2 * j + 1;
                    slot = &cur->kid[at_kid];
                }
            }
            if (!slot && remove)
                goto absent;
            if (!slot) {
                dp_node *k = dp_node_new(DP_NODE_SCALAR, at(arg, segs[i].b), name, n);
                if (!k || dp_node_append(cur, k) < 0) {
                    dp_node_free(k);
                    goto nomem;
                }
                if (dp_node_append(cur, NULL) < 0)
                    goto nomem;   /* the dangling key is freed with the tree */
                at_kid = 2 * (cur->n - 1) + 1;
                slot = &cur->kid[at_kid];
            }
        } else if (cur->kind == DP_NODE_SEQ) {
            if (!is_index(name, n)) {
                dp_diag_add(dg, DP_ERROR, at(arg, segs[i].b),
                            "'%.*s' is a list: expected an item number after it, got '%.*s'",
                            (int)(segs[i].b - 1), arg, (int)n, name);
                goto fail;
            }
            uint64_t idx = 0;
            bool big = false;
            for (size_t c = 0; c < n; c++) {
                if (idx > (UINT64_MAX - 9) / 10)
                    big = true;
                else
                    idx = idx * 10 + (uint64_t)(name[c] - '0');
            }
            if (remove && !big && idx == cur->n)
                goto absent;
            if (big || idx > cur->n) {
                dp_diag_add(dg, DP_ERROR, at(arg, segs[i].b),
                            "'%.*s' has %zu item%s: '%.*s' is out of range (0 to %zu; %zu "
                            "adds an item)", (int)(segs[i].b - 1), arg, cur->n,
                            cur->n == 1 ? "" : "s", (int)n, name,
                            cur->n ? cur->n - 1 : 0, cur->n);
                goto fail;
            }
            if (idx == cur->n) {
                if (dp_node_append(cur, NULL) < 0)
                    goto nomem;
            }
            at_kid = (size_t)idx;
            slot = &cur->kid[at_kid];
        } else {
            dp_diag_add(dg, DP_ERROR, at(arg, segs[i].b),
                        "'%.*s' holds a single value, not a mapping or a list: "
                        "it has no '%.*s'", (int)(segs[i].b - 1), arg, (int)n, name);
            goto fail;
        }

        if (last && remove) {
            /* take out the pair (key and value) or the item */
            size_t first = cur->kind == DP_NODE_MAP ? at_kid - 1 : at_kid;
            size_t width = cur->kind == DP_NODE_MAP ? 2 : 1;
            for (size_t k = first; k < first + width; k++)
                dp_node_free(cur->kid[k]);
            memmove(&cur->kid[first], &cur->kid[first + width],
                    (cur->nkid - first - width) * sizeof *cur->kid);
            cur->nkid -= width;
            cur->n--;
            dp_node_free(v);
            return;
        }
        if (last) {
            dp_node_free(*slot);
            *slot = v;
            return;
        }
        /* go down, making what is missing (a null counts as missing) */
        if (!*slot || dp_node_is_null(*slot)) {
            if (remove)
                goto absent;
            dp_node *c = container_for(arg, &segs[i], &segs[i + 1], oom);
            if (!c)
                goto nomem;
            dp_node_free(*slot);
            *slot = c;
        }
        cur = *slot;
    }
    return;   /* not reached: the last segment returns */

absent:
    dp_diag_add(dg, DP_ERROR, at(arg, 0),
                "'%.*s' is not in the scenario: an empty VALUE removes a field, and there "
                "is none to remove", (int)klen, arg);
    goto fail;

nomem:
    *oom = true;
    dp_diag_add(dg, DP_ERROR, (dp_pos){SET_FILE, 0, 0, NULL}, "out of memory");
fail:
    dp_node_free(v);
}
