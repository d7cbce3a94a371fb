/*
 * scenario_tree.h - private to the scenario loader: a YAML text as a small
 * tree of nodes with their positions, read with libyaml's event API.
 *
 * Only plain YAML is accepted: anchors, aliases and explicit tags are errors,
 * so is more than one document. A tree is nested at most DP_TREE_DEPTH deep.
 */
#ifndef DP_SCENARIO_TREE_H
#define DP_SCENARIO_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include "dp_diag.h"

#define DP_TREE_DEPTH 64

typedef enum {
    DP_NODE_SCALAR,
    DP_NODE_SEQ,
    DP_NODE_MAP,
    DP_NODE_BAD,     /* stands in for something already reported (an alias) */
} dp_node_kind;

typedef struct dp_node dp_node;
struct dp_node {
    dp_node_kind kind;
    dp_pos pos;        /* where the node starts (a quoted scalar: its quote) */
    /* scalar */
    char *text;        /* NUL-terminated, holds no NUL */
    size_t len;
    bool quoted;       /* single- or double-quoted: never a null */
    bool block;        /* a literal (|) or folded (>) scalar; a collection
                          in block style (not [..] or {..}) */
    /* sequence: n items in kid[0..n); mapping: n pairs, key kid[2i] (any
     * kind: the schema rejects non-scalar keys), value kid[2i+1] */
    size_t n;
    size_t nkid, cap;  /* kid pointers in use (2n + a key awaiting its value) */
    dp_node **kid;
};

static inline dp_node *dp_node_key(const dp_node *m, size_t i) { return m->kid[2 * i]; }
static inline dp_node *dp_node_val(const dp_node *m, size_t i) { return m->kid[2 * i + 1]; }

/* Reads path into a tree whose root is a mapping. On failure (unreadable
 * file, YAML syntax, empty file, root not a mapping, too deep) reports it
 * and returns NULL. Anchors, aliases and tags are reported and the tree is
 * still returned, so that the rest of the file is checked too. Node
 * positions point at file, which must outlive the tree. *oom is set when an
 * allocation failed. */
dp_node *dp_tree_load_file(const char *file, dp_diags *dg, bool *oom);

/* Reads one YAML value (a --set VALUE) of len bytes. Positions are
 * reported as file:1:(col0 + column in text), with pos.text = src for the
 * caret. An empty text is a null scalar. NULL when it was reported. */
dp_node *dp_tree_parse_value(const char *text, size_t len, const char *file,
                             const char *src, int col0, dp_diags *dg, bool *oom);

/* Applies one --set "KEY=VALUE" to root (a mapping; NULL: the argument is
 * only checked): KEY is a dotted path (casualties.per_day, phases.0.from),
 * VALUE one YAML value that replaces the node there or is added (a list
 * index may be the list's length: append); an empty VALUE removes the
 * field (an error when there is none). Problems are reported as
 * --set:1:COL, COL counted in the whole argument. */
void dp_tree_set(dp_node *root, const char *arg, dp_diags *dg, bool *oom);

/* A new node (scalar text copied; NULL text for containers). NULL on
 * allocation failure. */
dp_node *dp_node_new(dp_node_kind kind, dp_pos pos, const char *text, size_t len);

/* Appends child (a sequence item, or a mapping's key then value); -1 when
 * allocation failed (child is not taken). */
int dp_node_append(dp_node *parent, dp_node *child);

/* True for a null scalar: empty, ~, null, Null, NULL, not quoted. */
bool dp_node_is_null(const dp_node *n);

/* "a list", "a mapping", "a single value" or "nothing": for messages. */
const char *dp_node_kind_name(const dp_node *n);

/* The position of a scalar's first character of text (after the quote). */
dp_pos dp_node_text_pos(const dp_node *n);

void dp_node_free(dp_node *n);

#endif
