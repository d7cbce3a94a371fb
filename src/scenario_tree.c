/*
 * scenario_tree.c - reads a YAML text into a tree of dp_node with libyaml's
 * event API (no recursion: an explicit stack of open containers, at most
 * DP_TREE_DEPTH deep), rejecting what a scenario does not accept: anchors,
 * aliases, explicit tags, several documents, an empty file, a root that is
 * not a mapping. libyaml's marks are 0-based; every position here is 1-based.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario_tree.h"

dp_node *dp_node_new(dp_node_kind kind, dp_pos pos, const char *text, size_t len)
{
    dp_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->pos = pos;
    if (kind == DP_NODE_SCALAR) {
        n->text = malloc(len + 1);
        if (!n->text) {
            free(n);
            return NULL;
        }
        if (len)
            memcpy(n->text, text, len);
        n->text[len] = '\0';
        n->len = len;
    }
    return n;
}

int dp_node_append(dp_node *parent, dp_node *child)
{
    if (parent->nkid == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 8;
        dp_node **k = realloc(parent->kid, cap * sizeof *k);
        if (!k)
            return -1;
        parent->kid = k;
        parent->cap = cap;
    }
    parent->kid[parent->nkid++] = child;
    parent->n = parent->kind == DP_NODE_MAP ? parent->nkid / 2 : parent->nkid;
    return 0;
}

void dp_node_free(dp_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkid; i++)
        dp_node_free(n->kid[i]);
    free(n->kid);
    free(n->text);
    free(n);
}

bool dp_node_is_null(const dp_node *n)
{
    if (n->kind != DP_NODE_SCALAR || n->quoted || n->block)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0
        || strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

dp_pos dp_node_text_pos(const dp_node *n)
{
    dp_pos p = n->pos;
    if (n->kind == DP_NODE_SCALAR && n->quoted && p.col > 0)
        p.col++;
    return p;
}

/* The state of one read. */
typedef struct builder {
    const char *file;
    const char *src;        /* --set: the argument, for the caret */
    int col0;               /* --set: column of the value's first character */
    const char *buf;        /* the text read, to place reader errors */
    size_t len;
    dp_diags *dg;
    bool *oom;
    dp_node *stack[DP_TREE_DEPTH];
    int depth;
    dp_node *root;
    dp_pos doc;             /* where the document starts */
} builder;

static dp_pos mark_pos(const builder *b, yaml_mark_t m)
{
    if (b->src && m.line > 0) {
        /* a --set value is one line: a later line is libyaml's end of input */
        int chars = 0;
        for (size_t i = 0; i < b->len; i++)
            chars += ((unsigned char)b->buf[i] & 0xC0) != 0x80;
        return (dp_pos){b->file, 1, b->col0 + chars, b->src};
    }
    if (b->src)
        return (dp_pos){b->file, 1, b->col0 + (int)m.column, b->src};
    return (dp_pos){b->file, (int)m.line + 1, (int)m.column + 1, NULL};
}

/* Reader errors carry a byte offset, not a mark: count lines and
 * characters up to it. */
static dp_pos offset_pos(const builder *b, size_t off)
{
    if (off > b->len)
        off = b->len;
    int line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)b->buf[i];
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    if (b->src)
        return (dp_pos){b->file, 1, b->col0 + col - 1, b->src};
    return (dp_pos){b->file, line, col, NULL};
}

static void nomem(builder *b)
{
    *b->oom = true;
    dp_diag_add(b->dg, DP_ERROR, (dp_pos){b->file, 0, 0, NULL}, "out of memory");
}

static void parse_error(builder *b, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR) {
        nomem(b);
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        dp_pos pos = offset_pos(b, p->problem_offset);
        if (p->problem_value != -1)
            dp_diag_add(b->dg, DP_ERROR, pos, "not a valid YAML text: %s (0x%X)",
                        p->problem ? p->problem : "unreadable input",
                        (unsigned)p->problem_value);
        else
            dp_diag_add(b->dg, DP_ERROR, pos, "not a valid YAML text: %s",
                        p->problem ? p->problem : "unreadable input");
        return;
    }
    dp_pos pos = mark_pos(b, p->problem_mark);
    const char *what = p->problem ? p->problem : "syntax error";
    if (p->context && !b->src)
        dp_diag_add(b->dg, DP_ERROR, pos, "YAML syntax: %s (%s that began at line %d)",
                    what, p->context, (int)p->context_mark.line + 1);
    else if (p->context)
        dp_diag_add(b->dg, DP_ERROR, pos, "YAML syntax: %s (%s)", what, p->context);
    else
        dp_diag_add(b->dg, DP_ERROR, pos, "YAML syntax: %s", what);
}

/* Reports an anchor or a tag on a node; both are refused. */
static void check_props(builder *b, yaml_mark_t m, const yaml_char_t *anchor,
                        const yaml_char_t *tag)
{
    if (anchor)
        dp_diag_add(b->dg, DP_ERROR, mark_pos(b, m),
                    "YAML anchors (&%s) are not accepted: write the value out in full",
                    (const char *)anchor);
    if (tag)
        dp_diag_add(b->dg, DP_ERROR, mark_pos(b, m),
                    "YAML tags (%s) are not accepted: write the plain value",
                    (const char *)tag);
}

/* Hangs n under the open container (or makes it the root). False on
 * allocation failure (n is freed). */
static bool attach(builder *b, dp_node *n)
{
    if (b->depth == 0) {
        dp_node_free(b->root);  /* only one root per document */
        b->root = n;
        return true;
    }
    if (dp_node_append(b->stack[b->depth - 1], n) < 0) {
        dp_node_free(n);
        return false;
    }
    return true;
}

/* Runs the event loop; the root (NULL: no document) lands in b->root.
 * False when a fatal problem was reported (syntax, depth, memory). */
static bool build(builder *b, yaml_parser_t *p)
{
    bool done = false, ok = true;
    int docs = 0;
    while (!done && ok) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            parse_error(b, p);
            ok = false;
            break;
        }
        dp_pos pos = mark_pos(b, ev.start_mark);
        dp_node *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            b->doc = pos;
            if (++docs > 1) {
                dp_diag_add(b->dg, DP_ERROR, pos,
                            "a second YAML document begins here: %s holds one document",
                            b->src ? "a --set value" : "a scenario file");
                ok = false;
            }
            break;
        case YAML_SCALAR_EVENT: {
            check_props(b, ev.start_mark, ev.data.scalar.anchor, ev.data.scalar.tag);
            const char *t = (const char *)ev.data.scalar.value;
            size_t len = ev.data.scalar.length;
            if (memchr(t, '\0', len)) {
                dp_diag_add(b->dg, DP_ERROR, pos, "a NUL character is not accepted in a value");
                n = dp_node_new(DP_NODE_BAD, pos, NULL, 0);
            } else {
                n = dp_node_new(DP_NODE_SCALAR, pos, t, len);
            }
            if (n) {
                yaml_scalar_style_t st = ev.data.scalar.style;
                n->quoted = st == YAML_SINGLE_QUOTED_SCALAR_STYLE
                         || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
                n->block = st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE;
            }
            ok = n && attach(b, n);
            if (!ok)
                nomem(b);
            break;
        }
        case YAML_ALIAS_EVENT:
            dp_diag_add(b->dg, DP_ERROR, pos,
                        "YAML aliases (*%s) are not accepted: write the value out in full",
                        (const char *)ev.data.alias.anchor);
            n = dp_node_new(DP_NODE_BAD, pos, NULL, 0);
            ok = n && attach(b, n);
            if (!ok)
                nomem(b);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
            if (seq)
                check_props(b, ev.start_mark, ev.data.sequence_start.anchor,
                            ev.data.sequence_start.tag);
            else
                check_props(b, ev.start_mark, ev.data.mapping_start.anchor,
                            ev.data.mapping_start.tag);
            if (b->depth == DP_TREE_DEPTH) {
                dp_diag_add(b->dg, DP_ERROR, pos,
                            "nested more than %d levels deep", DP_TREE_DEPTH);
                ok = false;
                break;
            }
            n = dp_node_new(seq ? DP_NODE_SEQ : DP_NODE_MAP, pos, NULL, 0);
            if (n)
                n->block = seq ? ev.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE
                               : ev.data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE;
            ok = n && attach(b, n);
            if (!ok) {
                nomem(b);
                break;
            }
            b->stack[b->depth++] = n;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (b->depth > 0)
                b->depth--;
            break;
        default:   /* stream start, document end, no event */
            break;
        }
        yaml_event_delete(&ev);
    }
    if (!ok) {
        dp_node_free(b->root);
        b->root = NULL;
    }
    return ok;
}

const char *dp_node_kind_name(const dp_node *n)
{
    switch (n->kind) {
    case DP_NODE_SEQ: return "a list";
    case DP_NODE_MAP: return "a mapping";
    case DP_NODE_SCALAR: return dp_node_is_null(n) ? "nothing" : "a single value";
    default: return "an alias";
    }
}

dp_node *dp_tree_load_file(const char *file, dp_diags *dg, bool *oom)
{
    dp_pos fpos = {file, 0, 0, NULL};
    char *buf;
    size_t len;
    int err;
    switch (dp_read_file(file, &buf, &len, &err)) {
    case DP_READ_OK:
        break;
    case DP_READ_OPEN:
        dp_diag_add(dg, DP_ERROR, fpos, "cannot open the scenario: %s", strerror(err));
        return NULL;
    case DP_READ_NOMEM:
        *oom = true;
        dp_diag_add(dg, DP_ERROR, fpos, "out of memory");
        return NULL;
    case DP_READ_IO:
        dp_diag_add(dg, DP_ERROR, fpos, "cannot read the scenario: %s", strerror(err));
        return NULL;
    }

    builder b = {.file = file, .buf = buf, .len = len, .dg = dg, .oom = oom};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        free(buf);
        nomem(&b);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    bool ok = build(&b, &p);
    yaml_parser_delete(&p);
    free(buf);
    dp_node *root = b.root;
    if (!ok)
        return NULL;
    if (!root) {  /* no document at all: nothing, or only comments */
        dp_diag_add(dg, DP_ERROR, (dp_pos){file, 1, 1, NULL},
                    "the file is empty: expected a mapping of scenario fields "
                    "(start:, force:, casualties:, ...)");
        return NULL;
    }
    if (root->kind != DP_NODE_MAP) {
        if (dp_node_is_null(root))
            dp_diag_add(dg, DP_ERROR, b.doc,
                        "the document is empty: expected a mapping of scenario fields "
                        "(start:, force:, casualties:, ...)");
        else if (root->kind != DP_NODE_BAD)
            dp_diag_add(dg, DP_ERROR, root->pos,
                        "the top level must be a mapping of scenario fields "
                        "(start:, force:, ...), not %s", dp_node_kind_name(root));
        dp_node_free(root);
        return NULL;
    }
    return root;
}

dp_node *dp_tree_parse_value(const char *text, size_t len, const char *file,
                             const char *src, int col0, dp_diags *dg, bool *oom)
{
    builder b = {.file = file, .src = src, .col0 = col0, .buf = text, .len = len,
                 .dg = dg, .oom = oom};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        nomem(&b);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = build(&b, &p);
    yaml_parser_delete(&p);
    dp_node *root = b.root;
    if (ok && !root) {
        /* no document: an empty value, a null */
        root = dp_node_new(DP_NODE_SCALAR, (dp_pos){file, 1, col0, src}, "", 0);
        if (!root)
            nomem(&b);
    }
    return root;
}
