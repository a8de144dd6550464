/* SPDX-License-Identifier: MIT */
/*
 * Expressions: a small closed language compiled once to code for the
 * per-ISA machines of kernels/isa_vm.c.
 *
 *   expr    := compare
 *   compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)*
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := ("-" | "+") unary | power
 *   power   := primary ("^" unary)?          right-associative; -x^2 = -(x^2)
 *   primary := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
 *
 * Names: x, p0 ... p15, pi, e, inf and the functions of the table below.
 *
 * Compilation builds a DAG in which equal subexpressions are one node
 * (hash-consing) and constant subexpressions are folded (with libm, as the
 * scalar twin evaluates them); x^n for an integer constant |n| <= 64 becomes
 * multiplications. What does not depend on x is hoisted into a prologue that
 * the machine runs once per chunk of intervals; the rest runs once per row
 * of nodes. Registers are allocated by last use, with an operand's register
 * reused for the result where it dies.
 *
 * Limits keep every input safe: 65536 bytes of text, nesting 200 deep
 * (recursion is bounded by it), 32 registers. Every error is a value with
 * a message and the byte position of the offending character.
 */
#define _GNU_SOURCE   /* strtod_l, newlocale: numbers never depend on the locale */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

enum {
    MAX_TEXT = SQ_EXPR_MAX_TEXT,
    MAX_DEPTH = 200,
    MAX_POW = 64,                  /* x^n expanded for |n| up to this */
    /* Leaves, beyond the machine's operations. */
    N_X = SQ_OP_COUNT,
    N_P
};


/* ---- names ------------------------------------------------------------------- */

typedef struct function {
    const char *name;
    int op, nargs;
} function;

static const function functions[] = {
    {"sin", SQ_OP_SIN, 1}, {"cos", SQ_OP_COS, 1}, {"tan", SQ_OP_TAN, 1},
    {"asin", SQ_OP_ASIN, 1}, {"acos", SQ_OP_ACOS, 1}, {"atan", SQ_OP_ATAN, 1},
    {"atan2", SQ_OP_ATAN2, 2}, {"sinh", SQ_OP_SINH, 1},
    {"cosh", SQ_OP_COSH, 1}, {"tanh", SQ_OP_TANH, 1},
    {"asinh", SQ_OP_ASINH, 1}, {"acosh", SQ_OP_ACOSH, 1},
    {"atanh", SQ_OP_ATANH, 1}, {"exp", SQ_OP_EXP, 1}, {"exp2", SQ_OP_EXP2, 1},
    {"expm1", SQ_OP_EXPM1, 1}, {"log", SQ_OP_LOG, 1}, {"log2", SQ_OP_LOG2, 1},
    {"log10", SQ_OP_LOG10, 1}, {"log1p", SQ_OP_LOG1P, 1},
    {"sqrt", SQ_OP_SQRT, 1}, {"cbrt", SQ_OP_CBRT, 1}, {"abs", SQ_OP_ABS, 1},
    {"pow", SQ_OP_POW, 2}, {"hypot", SQ_OP_HYPOT, 2}, {"erf", SQ_OP_ERF, 1},
    {"erfc", SQ_OP_ERFC, 1}, {"tgamma", SQ_OP_TGAMMA, 1},
    {"lgamma", SQ_OP_LGAMMA, 1}, {"floor", SQ_OP_FLOOR, 1},
    {"ceil", SQ_OP_CEIL, 1}, {"min", SQ_OP_MIN, 2}, {"max", SQ_OP_MAX, 2},
    {"where", SQ_OP_WHERE, 3},
};

/* ---- the DAG ---------------------------------------------------------------- */

typedef struct node {
    int op;                  /* an sq_vm_op, N_X or N_P */
    int a, b, c;             /* operand nodes, -1 if none */
    double imm;              /* SQ_OP_CONST: the value; N_P: the index */
    int dep_x;               /* depends on x */
} node;

typedef struct parser {
    const char *s;
    size_t len, pos;
    int depth;
    node *nodes;
    size_t n, cap;
    int *hash;               /* node index + 1, 0 = empty */
    size_t hcap;
    locale_t c_locale;
    sq_expr_error *err;
    int failed;
    int nomem;
} parser;

static int fail(parser *ps, size_t pos, const char *fmt, const char *detail)
{
    if (!ps->failed) {
        ps->failed = 1;
        ps->err->position = pos;
        snprintf(ps->err->message, sizeof ps->err->message, fmt, detail);
    }
    return -1;
}

static int out_of_memory(parser *ps)
{
    ps->nomem = 1;
    return fail(ps, ps->pos, "%s", "out of memory");
}

static uint64_t node_hash(const node *n)
{
    uint64_t bits;
    memcpy(&bits, &n->imm, sizeof bits);
    uint64_t h = (uint64_t)n->op * 0x9e3779b97f4a7c15ull;
    h ^= (uint64_t)(uint32_t)n->a * 0xc2b2ae3d27d4eb4full + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uint32_t)n->b * 0x165667b19e3779f9ull + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uint32_t)n->c * 0x27d4eb2f165667c5ull + (h << 6) + (h >> 2);
    h ^= bits + (h << 6) + (h >> 2);
    return h ^ (h >> 29);
}

static int node_equal(const node *x, const node *y)
{
    return x->op == y->op && x->a == y->a && x->b == y->b && x->c == y->c
           && memcmp(&x->imm, &y->imm, sizeof x->imm) == 0;
}

static int rehash(parser *ps, size_t hcap)
{
    int *h = sq_calloc(hcap, sizeof *h);
    if (h == NULL)
        return -1;
    for (size_t i = 0; i < ps->n; i++) {
        size_t k = node_hash(&ps->nodes[i]) & (hcap - 1);
        while (h[k] != 0)
            k = (k + 1) & (hcap - 1);
        h[k] = (int)i + 1;
    }
    sq_free(ps->hash);
    ps->hash = h;
    ps->hcap = hcap;
    return 0;
}

/* The node (op, a, b, c, imm): an existing equal one, or a new one. */
static int intern(parser *ps, int op, int a, int b, int c, double imm)
{
    if (ps->failed)
        return -1;
    node key = {op, a, b, c, imm, 0};
    if (ps->hcap == 0 || 2 * (ps->n + 1) > ps->hcap) {
        if (rehash(ps, ps->hcap ? 2 * ps->hcap : 64) != 0)
            return out_of_memory(ps);
    }
    size_t k = node_hash(&key) & (ps->hcap - 1);
    while (ps->hash[k] != 0) {
        const node *m = &ps->nodes[ps->hash[k] - 1];
        if (node_equal(m, &key))
            return ps->hash[k] - 1;
        k = (k + 1) & (ps->hcap - 1);
    }
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 64;
        node *nn = sq_realloc(ps->nodes, cap * sizeof *nn);
        if (nn == NULL)
            return out_of_memory(ps);
        ps->nodes = nn;
        ps->cap = cap;
    }
    key.dep_x = op == N_X || (a >= 0 && ps->nodes[a].dep_x)
                || (b >= 0 && ps->nodes[b].dep_x) || (c >= 0 && ps->nodes[c].dep_x);
    ps->nodes[ps->n] = key;
    ps->hash[k] = (int)ps->n + 1;
    return (int)ps->n++;
}

static int constant(parser *ps, double v)
{
    return intern(ps, SQ_OP_CONST, -1, -1, -1, v);
}

static int is_const(const parser *ps, int i)
{
    return i >= 0 && ps->nodes[i].op == SQ_OP_CONST;
}

/* An operation on nodes, folded when every operand is a constant. */
static int make(parser *ps, int op, int a, int b, int c)
{
    if (ps->failed || a < 0)
        return -1;
    int nargs = c >= 0 ? 3 : b >= 0 ? 2 : 1;
    int folded = is_const(ps, a) && (nargs < 2 || is_const(ps, b))
                 && (nargs < 3 || is_const(ps, c));
    if (folded) {
        double va = ps->nodes[a].imm;
        double vb = nargs >= 2 ? ps->nodes[b].imm : 0;
        double vc = nargs >= 3 ? ps->nodes[c].imm : 0;
        return constant(ps, sq_expr_apply(op, va, vb, vc));
    }
    return intern(ps, op, a, nargs >= 2 ? b : -1, nargs >= 3 ? c : -1, 0);
}

/* base^e: multiplications for a small integer constant exponent. */
static int power(parser *ps, int base, int e)
{
    if (base < 0 || e < 0)
        return -1;
    if (is_const(ps, e) && !is_const(ps, base)) {
        double n = ps->nodes[e].imm;
        if (n == floor(n) && fabs(n) <= MAX_POW && n != 0) {
            unsigned k = (unsigned)fabs(n);
            int result = -1, sq = base;
            while (k > 0) {
                if (k & 1)
                    result = result < 0 ? sq : make(ps, SQ_OP_MUL, result, sq, -1);
                k >>= 1;
                if (k > 0)
                    sq = make(ps, SQ_OP_MUL, sq, sq, -1);
            }
            return n < 0 ? make(ps, SQ_OP_DIV, constant(ps, 1.0), result, -1)
                         : result;
        }
    }
    return make(ps, SQ_OP_POW, base, e, -1);
}

/* ---- the parser --------------------------------------------------------------- */

static void skip_space(parser *ps)
{
    while (ps->pos < ps->len
           && (ps->s[ps->pos] == ' ' || ps->s[ps->pos] == '\t'
               || ps->s[ps->pos] == '\n' || ps->s[ps->pos] == '\r'))
        ps->pos++;
}

static int peek(parser *ps)
{
    skip_space(ps);
    return ps->pos < ps->len ? (unsigned char)ps->s[ps->pos] : -1;
}

static int accept(parser *ps, const char *tok)
{
    skip_space(ps);
    size_t n = strlen(tok);
    if (ps->len - ps->pos >= n && memcmp(ps->s + ps->pos, tok, n) == 0) {
        ps->pos += n;
        return 1;
    }
    return 0;
}

/* A printable description of the character at pos, for messages. */
static const char *char_at(const parser *ps, size_t pos, char *buf, size_t size)
{
    if (pos >= ps->len)
        return "the end";
    unsigned char ch = (unsigned char)ps->s[pos];
    if (ch >= 0x21 && ch < 0x7f)
        snprintf(buf, size, "'%c'", ch);
    else
        snprintf(buf, size, "byte 0x%02x", ch);
    return buf;
}

static int parse_expr(parser *ps);

static int parse_number(parser *ps)
{
    size_t start = ps->pos, i = ps->pos;
    /* Scan the token ourselves: digits, one point, an exponent. */
    while (i < ps->len && isdigit((unsigned char)ps->s[i]))
        i++;
    if (i < ps->len && ps->s[i] == '.') {
        i++;
        while (i < ps->len && isdigit((unsigned char)ps->s[i]))
            i++;
    }
    if (i < ps->len && (ps->s[i] == 'e' || ps->s[i] == 'E')) {
        size_t j = i + 1;
        if (j < ps->len && (ps->s[j] == '+' || ps->s[j] == '-'))
            j++;
        if (j < ps->len && isdigit((unsigned char)ps->s[j])) {
            while (j < ps->len && isdigit((unsigned char)ps->s[j]))
                j++;
            i = j;
        }
    }
    size_t n = i - start;
    if (n > 400)
        return fail(ps, start, "%s", "number too long");
    char buf[402];
    memcpy(buf, ps->s + start, n);
    buf[n] = 0;
    char *end;
    double v = strtod_l(buf, &end, ps->c_locale);
    if ((size_t)(end - buf) != n)
        return fail(ps, start, "%s", "malformed number");
    if (isinf(v))
        return fail(ps, start, "%s", "number too large (use inf)");
    ps->pos = i;
    return constant(ps, v);
}

static int parse_call(parser *ps, const function *fn, size_t at)
{
    int args[3] = {-1, -1, -1};
    int n = 0;
    if (!accept(ps, ")")) {
        for (;;) {
            if (n == 3)
                return fail(ps, ps->pos, "too many arguments to '%s'", fn->name);
            args[n++] = parse_expr(ps);
            if (ps->failed)
                return -1;
            if (accept(ps, ")"))
                break;
            if (!accept(ps, ",")) {
                char b[16];
                return fail(ps, ps->pos, "expected ',' or ')', found %s",
                            char_at(ps, ps->pos, b, sizeof b));
            }
        }
    }
    if (n != fn->nargs) {
        char msg[64];
        snprintf(msg, sizeof msg, "'%s' takes %d argument%s", fn->name,
                 fn->nargs, fn->nargs == 1 ? "" : "s");
        return fail(ps, at, "%s", msg);
    }
    if (fn->op == SQ_OP_POW)
        return power(ps, args[0], args[1]);
    return make(ps, fn->op, args[0], args[1], args[2]);
}

static int parse_name(parser *ps)
{
    size_t start = ps->pos, i = ps->pos;
    while (i < ps->len && (isalnum((unsigned char)ps->s[i]) || ps->s[i] == '_'))
        i++;
    size_t n = i - start;
    char name[32];
    if (n >= sizeof name)
        return fail(ps, start, "%s", "name too long");
    memcpy(name, ps->s + start, n);
    name[n] = 0;
    ps->pos = i;
    if (accept(ps, "(")) {
        for (size_t k = 0; k < sizeof functions / sizeof *functions; k++)
            if (strcmp(name, functions[k].name) == 0)
                return parse_call(ps, &functions[k], start);
        return fail(ps, start, "unknown function '%s'", name);
    }
    if (strcmp(name, "x") == 0)
        return intern(ps, N_X, -1, -1, -1, 0);
    if (strcmp(name, "pi") == 0)
        return constant(ps, 3.14159265358979323846);
    if (strcmp(name, "e") == 0)
        return constant(ps, 2.71828182845904523536);
    if (strcmp(name, "inf") == 0)
        return constant(ps, INFINITY);
    if (name[0] == 'p' && isdigit((unsigned char)name[1])) {
        int k = atoi(name + 1);
        int canonical = (name[1] != '0' || name[2] == 0) && strlen(name) <= 3;
        for (size_t j = 1; name[j]; j++)
            canonical &= isdigit((unsigned char)name[j]) != 0;
        if (canonical && k >= 0 && k < 16)
            return intern(ps, N_P, -1, -1, -1, (double)k);
        return fail(ps, start, "unknown parameter '%s' (p0 ... p15)", name);
    }
    for (size_t k = 0; k < sizeof functions / sizeof *functions; k++)
        if (strcmp(name, functions[k].name) == 0)
            return fail(ps, start, "function '%s' needs arguments in parentheses",
                        name);
    return fail(ps, start, "unknown name '%s'", name);
}

static int parse_primary(parser *ps)
{
    int ch = peek(ps);
    if (ch < 0)
        return fail(ps, ps->pos, "%s", "unexpected end of the expression");
    if (isdigit(ch) || (ch == '.' && ps->pos + 1 < ps->len
                        && isdigit((unsigned char)ps->s[ps->pos + 1])))
        return parse_number(ps);
    if (isalpha(ch) || ch == '_')
        return parse_name(ps);
    if (ch == '(') {
        size_t open = ps->pos;
        ps->pos++;
        int v = parse_expr(ps);
        if (ps->failed)
            return -1;
        if (!accept(ps, ")")) {
            char b[16];
            (void)open;
            return fail(ps, ps->pos, "expected ')', found %s",
                        char_at(ps, ps->pos, b, sizeof b));
        }
        return v;
    }
    char b[16];
    return fail(ps, ps->pos, "unexpected %s", char_at(ps, ps->pos, b, sizeof b));
}

static int parse_unary(parser *ps);

static int parse_power(parser *ps)
{
    int base = parse_primary(ps);
    if (ps->failed)
        return -1;
    if (accept(ps, "^")) {
        /* The exponent is parsed by recursion (^ is right-associative):
         * each ^ of a chain is a level, counted like a parenthesis. */
        if (++ps->depth > MAX_DEPTH)
            return fail(ps, ps->pos, "nesting deeper than %s", "200");
        int e = parse_unary(ps);
        ps->depth--;
        return power(ps, base, e);
    }
    return base;
}

static int parse_unary(parser *ps)
{
    int neg = accept(ps, "-");
    if (!neg && !accept(ps, "+"))
        return parse_power(ps);
    /* Each sign is a level of recursion: count it like a parenthesis. */
    if (++ps->depth > MAX_DEPTH)
        return fail(ps, ps->pos, "nesting deeper than %s", "200");
    int v = parse_unary(ps);
    if (neg)
        v = make(ps, SQ_OP_NEG, v, -1, -1);
    ps->depth--;
    return v;
}

static int parse_product(parser *ps)
{
    int v = parse_unary(ps);
    while (!ps->failed) {
        if (accept(ps, "*"))
            v = make(ps, SQ_OP_MUL, v, parse_unary(ps), -1);
        else if (accept(ps, "/"))
            v = make(ps, SQ_OP_DIV, v, parse_unary(ps), -1);
        else
            break;
    }
    return v;
}

static int parse_sum(parser *ps)
{
    int v = parse_product(ps);
    while (!ps->failed) {
        if (accept(ps, "+"))
            v = make(ps, SQ_OP_ADD, v, parse_product(ps), -1);
        else if (accept(ps, "-"))
            v = make(ps, SQ_OP_SUB, v, parse_product(ps), -1);
        else
            break;
    }
    return v;
}

static int parse_expr(parser *ps)
{
    if (++ps->depth > MAX_DEPTH)
        return fail(ps, ps->pos, "nesting deeper than %s", "200");
    static const struct { const char *tok; int op; } cmp[] = {
        {"<=", SQ_OP_LE}, {">=", SQ_OP_GE}, {"==", SQ_OP_EQ}, {"!=", SQ_OP_NE},
        {"<", SQ_OP_LT}, {">", SQ_OP_GT},
    };
    int v = parse_sum(ps);
    for (int more = 1; more && !ps->failed;) {
        more = 0;
        for (size_t k = 0; k < sizeof cmp / sizeof *cmp; k++)
            if (accept(ps, cmp[k].tok)) {
                v = make(ps, cmp[k].op, v, parse_sum(ps), -1);
                more = 1;
                break;
            }
    }
    ps->depth--;
    return v;
}

/* ---- code generation ----------------------------------------------------------- */

typedef struct codegen {
    parser *ps;
    int *order;          /* nodes in evaluation order */
    size_t norder;
    uint8_t *seen;
    int *need;           /* Sethi-Ullman register need */
} codegen;

static int leaf(const node *n)
{
    return n->op == N_X || n->op == N_P;
}

/* Register need of every node (Sethi-Ullman), for evaluating the needier
 * operand first. Operands are always older nodes than their users, so one
 * pass in index order sees them first. */
static void needs(codegen *g)
{
    for (size_t i = 0; i < g->ps->n; i++) {
        const node *n = &g->ps->nodes[i];
        if (leaf(n) || n->op == SQ_OP_CONST) {
            g->need[i] = n->op == SQ_OP_CONST;
            continue;
        }
        int ops[3] = {n->a, n->b, n->c}, k = 0, best = 0;
        for (int j = 0; j < 3; j++)
            if (ops[j] >= 0) {
                int nj = g->need[ops[j]] + k;
                best = nj > best ? nj : best;
                k++;
            }
        g->need[i] = best > 1 ? best : 1;
    }
}

/* Post-order with an explicit stack (depth is bounded by the parser, but a
 * DAG can still be deep through shared nodes). */
static int schedule(codegen *g, int root)
{
    size_t cap = g->ps->n * 3 + 4;
    int *stack = sq_malloc(cap * sizeof *stack);
    if (stack == NULL)
        return -1;
    size_t sp = 0;
    stack[sp++] = root;
    while (sp > 0) {
        int i = stack[sp - 1];
        if (g->seen[i] == 2) {
            sp--;
            continue;
        }
        const node *n = &g->ps->nodes[i];
        if (g->seen[i] == 1) {
            g->seen[i] = 2;
            g->order[g->norder++] = i;
            sp--;
            continue;
        }
        g->seen[i] = 1;
        int ops[3] = {n->a, n->b, n->c};
        /* Push so that the needier operand is evaluated first. */
        for (int j = 0; j < 3; j++)
            for (int k = j + 1; k < 3; k++)
                if (ops[k] >= 0 && (ops[j] < 0 || g->need[ops[k]] > g->need[ops[j]])) {
                    int t = ops[j];
                    ops[j] = ops[k];
                    ops[k] = t;
                }
        for (int j = 2; j >= 0; j--)
            if (ops[j] >= 0 && g->seen[ops[j]] == 0)
                stack[sp++] = ops[j];
    }
    sq_free(stack);
    return 0;
}

/*
 * Compile the DAG under the roots (nroots outputs) into e. Returns -1 with
 * ps->err set. With one output the root's instruction writes the output
 * row itself; with several, each root is copied to its row as soon as it
 * is computed (or at the end of the body, for a root that does not depend
 * on x), so that its register is free for the rest.
 */
static int generate(parser *ps, const int *roots, size_t nroots, sq_expr *e)
{
    int root = roots[0];
    int multi = nroots > 1;
    size_t n = ps->n;
    codegen g = {ps, sq_malloc(n * sizeof(int)), 0, sq_calloc(n, 1),
                 sq_malloc(n * sizeof(int))};
    int *seq = sq_malloc(n * sizeof *seq);
    int *slot = sq_malloc(n * sizeof *slot);
    int *last = sq_malloc(n * sizeof *last);
    e->code = sq_malloc((n + nroots) * sizeof *e->code);
    int ok = g.order && g.seen && g.need && seq && slot && last && e->code;
    if (ok) {
        needs(&g);
        for (size_t r = 0; r < nroots && ok; r++)
            ok = schedule(&g, roots[r]) == 0;
    }
    if (!ok) {
        sq_free(g.order);
        sq_free(g.seen);
        sq_free(g.need);
        sq_free(seq);
        sq_free(slot);
        sq_free(last);
        return out_of_memory(ps);
    }

    /* Instructions: the x-independent ones first (the prologue), except
     * constants that only the body uses: those are set where they are
     * needed, rather than hold a register through every row. */
    uint8_t *used_by = g.seen;           /* reused: bit 0 prologue, 1 body */
    memset(used_by, 0, n);
    for (size_t k = 0; k < g.norder; k++) {
        const node *nd = &ps->nodes[g.order[k]];
        int in_body = nd->dep_x;
        int ops[3] = {nd->a, nd->b, nd->c};
        for (int j = 0; j < 3; j++)
            if (ops[j] >= 0)
                used_by[ops[j]] |= (uint8_t)(in_body ? 2 : 1);
    }
    for (size_t r = 0; r < nroots; r++)
        used_by[roots[r]] |= 2;
    size_t nseq = 0, nprologue = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < g.norder; k++) {
            int i = g.order[k];
            const node *nd = &ps->nodes[i];
            if (leaf(nd))
                continue;
            int is_root = 0;
            for (size_t r = 0; r < nroots; r++)
                is_root |= roots[r] == i;
            int body = nd->dep_x
                       || (nd->op == SQ_OP_CONST && used_by[i] == 2 && !is_root);
            if (body != pass)
                continue;
            seq[nseq++] = i;
            if (pass == 0)
                nprologue++;
        }
    /* Last use of each value (prologue values used by the body live on). */
    uint8_t *placed_early = sq_calloc(n, 1);
    if (placed_early == NULL) {
        sq_free(g.order);
        sq_free(g.seen);
        sq_free(g.need);
        sq_free(seq);
        sq_free(slot);
        sq_free(last);
        return out_of_memory(ps);
    }
    for (size_t k = 0; k < nprologue; k++)
        placed_early[seq[k]] = 1;
    for (size_t i = 0; i < n; i++)
        last[i] = -1;
    for (size_t k = 0; k < nseq; k++) {
        const node *nd = &ps->nodes[seq[k]];
        int ops[3] = {nd->a, nd->b, nd->c};
        for (int j = 0; j < 3; j++)
            if (ops[j] >= 0) {
                int pinned = k >= nprologue && placed_early[ops[j]];
                last[ops[j]] = pinned ? (int)nseq : (int)k;
            }
    }
    const node *rn = &ps->nodes[root];
    int root_in_body = !multi && !leaf(rn) && !placed_early[root];
    for (size_t r = 0; r < nroots; r++) {
        int q = roots[r];
        const node *qn = &ps->nodes[q];
        if (!multi ? !root_in_body : leaf(qn) || placed_early[q])
            last[q] = (int)nseq;             /* copied to the output at the end */
    }

    /* Registers by last use: operands that die here free theirs first, so
     * that the result may take one of them (element-wise, in place). */
    uint32_t used = 0;
    int maxreg = 0, fail_regs = 0;
    size_t nc = 0;
    for (size_t k = 0; k < nseq; k++) {
        int i = seq[k];
        const node *nd = &ps->nodes[i];
        sq_vm_instr in = {(uint8_t)nd->op, 0, 0, 0, 0, nd->imm};
        int ops[3] = {nd->a, nd->b, nd->c};
        uint8_t *fields[3] = {&in.a, &in.b, &in.c};
        for (int j = 0; j < 3; j++) {
            if (ops[j] < 0)
                continue;
            const node *o = &ps->nodes[ops[j]];
            *fields[j] = (uint8_t)(o->op == N_X ? SQ_VM_X
                                   : o->op == N_P ? SQ_VM_P0 + (int)o->imm
                                                  : slot[ops[j]]);
        }
        for (int j = 0; j < 3; j++)
            if (ops[j] >= 0 && last[ops[j]] == (int)k && !leaf(&ps->nodes[ops[j]]))
                used &= ~(1u << slot[ops[j]]);
        if (i == root && root_in_body) {
            in.dst = SQ_VM_OUT;
        } else {
            int r = 0;
            while (r < SQ_VM_REGS && (used >> r & 1))
                r++;
            if (r == SQ_VM_REGS) {
                fail_regs = 1;
                break;
            }
            used |= 1u << r;
            slot[i] = r;
            in.dst = (uint8_t)r;
            maxreg = r + 1 > maxreg ? r + 1 : maxreg;
        }
        e->code[nc++] = in;
        if (multi && k >= nprologue) {
            /* Outputs computed here: copied to their rows now, and the
             * register freed unless a later instruction reads it. */
            for (size_t r = 0; r < nroots; r++)
                if (roots[r] == i) {
                    sq_vm_instr copy = {SQ_OP_COPY, (uint8_t)(SQ_VM_OUT + r),
                                        in.dst, 0, 0, 0};
                    e->code[nc++] = copy;
                }
            if (last[i] <= (int)k && (used >> in.dst & 1u)) {
                int is_root = 0;
                for (size_t r = 0; r < nroots; r++)
                    is_root |= roots[r] == i;
                if (is_root)
                    used &= ~(1u << in.dst);
            }
        }
    }
    for (size_t r = 0; r < nroots && !fail_regs; r++) {
        int q = roots[r];
        const node *qn = &ps->nodes[q];
        if (multi ? !leaf(qn) && !placed_early[q] : root_in_body)
            continue;
        uint8_t src = (uint8_t)(qn->op == N_X ? SQ_VM_X
                                : qn->op == N_P ? SQ_VM_P0 + (int)qn->imm
                                                : slot[q]);
        sq_vm_instr copy = {SQ_OP_COPY, (uint8_t)(SQ_VM_OUT + r), src, 0, 0, 0};
        e->code[nc++] = copy;
    }
    size_t nparams = 0;
    uint32_t read_params = 0;
    for (size_t k = 0; k < g.norder; k++) {
        const node *nd = &ps->nodes[g.order[k]];
        if (nd->op == N_P && (size_t)nd->imm + 1 > nparams)
            nparams = (size_t)nd->imm + 1;
        if (nd->op == N_P)
            read_params |= (uint32_t)1 << (unsigned)nd->imm;
    }
    int uses_x = 0;
    for (size_t r = 0; r < nroots; r++)
        uses_x |= ps->nodes[roots[r]].dep_x;
    sq_free(placed_early);
    sq_free(g.order);
    sq_free(g.seen);
    sq_free(g.need);
    sq_free(seq);
    sq_free(slot);
    sq_free(last);
    if (fail_regs)
        return fail(ps, 0, "%s", "expression too complex (needs more than 32 "
                                  "registers)");
    (void)maxreg;
    e->ncode = nc;
    e->vm.code = e->code;
    e->vm.nprologue = nprologue;
    e->vm.nbody = nc - nprologue;
    e->vm.nparams = nparams;
    e->vm.nout = nroots;
    e->uses_x = uses_x;
    e->params_used = read_params;
    return 0;
}

/* ---- the public interface ---------------------------------------------------------- */

sq_expr *sq_expr_compile_n(const char *text, size_t len, sq_expr_error *err)
{
    sq_expr_error local;
    if (err == NULL)
        err = &local;
    memset(err, 0, sizeof *err);
    if (text == NULL) {
        snprintf(err->message, sizeof err->message, "no expression (NULL)");
        return NULL;
    }
    if (len > MAX_TEXT) {
        err->position = MAX_TEXT;
        snprintf(err->message, sizeof err->message,
                 "expression longer than 65536 bytes");
        return NULL;
    }
    const char *nul = memchr(text, 0, len);
    if (nul != NULL) {
        err->position = (size_t)(nul - text);
        snprintf(err->message, sizeof err->message, "NUL byte in the expression");
        return NULL;
    }
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.depth = -1;               /* the whole expression is no nesting */
    ps.s = text;
    ps.len = len;
    ps.err = err;
    ps.c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (ps.c_locale == (locale_t)0) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    /* Outputs separated by semicolons, each a whole expression. */
    int roots[SQ_VM_MAX_OUT];
    size_t nroots = 0;
    do {
        if (nroots == SQ_VM_MAX_OUT) {
            fail(&ps, ps.pos, "more than %s outputs", "128");
            break;
        }
        int ch = peek(&ps);
        if (ch < 0 || ch == ';')
            fail(&ps, ps.pos, "%s", nroots == 0 && ch < 0 ? "empty expression"
                                                          : "empty output");
        else
            roots[nroots++] = parse_expr(&ps);
    } while (!ps.failed && accept(&ps, ";"));
    if (!ps.failed && peek(&ps) >= 0) {
        char b[16];
        fail(&ps, ps.pos, "unexpected %s after the expression",
             char_at(&ps, ps.pos, b, sizeof b));
    }
    sq_expr *e = NULL;
    if (!ps.failed) {
        e = sq_calloc(1, sizeof *e);
        if (e == NULL)
            out_of_memory(&ps);
        else if (generate(&ps, roots, nroots, e) != 0) {
            sq_free(e->code);
            sq_free(e);
            e = NULL;
        }
    }
    freelocale(ps.c_locale);
    sq_free(ps.nodes);
    sq_free(ps.hash);
    return e;
}

sq_expr *sq_expr_compile(const char *text, sq_expr_error *err)
{
    return sq_expr_compile_n(text, text != NULL ? strnlen(text, MAX_TEXT + 1) : 0,
                             err);
}

void sq_expr_free(sq_expr *e)
{
    if (e == NULL)
        return;
    sq_free(e->code);
    sq_free(e);
}

size_t sq_expr_nparams(const sq_expr *e)
{
    return e != NULL ? e->vm.nparams : 0;
}

int sq_expr_uses_x(const sq_expr *e)
{
    return e != NULL && e->uses_x;
}

int sq_expr_uses_param(const sq_expr *e, size_t k)
{
    return e != NULL && k < SQ_MAX_PARAMS && (e->params_used >> k & 1u) != 0;
}

size_t sq_expr_noutputs(const sq_expr *e)
{
    return e != NULL ? e->vm.nout : 0;
}

size_t sq_expr_ops(const sq_expr *e)
{
    return e != NULL ? e->ncode : 0;
}

const sq_vm *sq_expr_vm(const sq_expr *e)
{
    return &e->vm;
}
