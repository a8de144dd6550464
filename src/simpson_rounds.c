/* SPDX-License-Identifier: MIT */
/*
 * Adaptive Simpson's rounds (see simpson.h): one tile of items visited,
 * and a round's plan, visit and settling.
 */
#include "simpson.h"

/* ---- one tile ---------------------------------------------------------------- */

/* Find the chunk holding item j, starting the search at *ci. */
static chunk *chunk_of(engine *e, size_t *ci, size_t j)
{
    while (e->w->chunks[*ci].hi <= j)
        ++*ci;
    return &e->w->chunks[*ci];
}

/* Leftmost abscissa among a half's two new values that is not finite. */
static double half_where(const scratch *t, size_t ld, size_t j, int side)
{
    double xa = t->x[(2 * side) * ld + j], xb = t->x[(2 * side + 1) * ld + j];
    double ya = t->y[(2 * side) * ld + j], yb = t->y[(2 * side + 1) * ld + j];
    return isfinite(ya) ? xb : isfinite(yb) ? xa : fmin(xa, xb);
}

/*
 * In the first rounds nothing is accepted: five or nine points say too
 * little (two estimates can agree by coincidence, an oscillation can alias
 * into a smooth curve), so every half splits once more. Returns the new
 * number of splits.
 */
static size_t force_splits(size_t n, const sq_simpson_visit *v)
{
    size_t nsplit = 0;
    int64_t *fates[2] = {v->fate_l, v->fate_r};
    double *vals[2] = {v->val_l, v->val_r}, *errs[2] = {v->err_l, v->err_r};
    for (int side = 0; side < 2; side++)
        for (size_t j = 0; j < n; j++) {
            if (fates[side][j] == SQ_HALF_ACCEPT) {
                fates[side][j] = SQ_HALF_SPLIT;
                vals[side][j] = 0;
                errs[side][j] = 0;
            }
            nsplit += fates[side][j] == SQ_HALF_SPLIT;
        }
    return nsplit;
}

/*
 * Visit the halves of items [lo, hi) (within one unit): nodes, evaluation,
 * estimates, canonical sums into the chunks, children into `next` at *out.
 * Items whose points make the callback fail mark their chunk.
 */
static void run_tile(engine *e, scratch *t, size_t lo, size_t hi, size_t *ci,
                    size_t *out)
{
    const sq_isa_ops *ops = e->ops;
    const items *cur = &e->w->cur;
    items *next = &e->w->next;
    size_t n = hi - lo;
    size_t ld = e->pad ? (n + ops->vlen - 1) / ops->vlen * ops->vlen : n;

    ops->simpson_nodes(n, ld, cur->f[C_A] + lo, cur->f[C_B] + lo, t->x);
    for (size_t j = 0; j < ld; j++)
        t->uid[j] = e->w->prob[cur->pid[lo + (j < n ? j : 0)]].uid;
    if (sq_eval_tile(e->run->ev, 4, ld, t->x, t->uid, &t->es, t->y) != 0) {
        /* Only the problems whose points fail stop; the round goes on for
         * the others (their chunk sums are dropped with them). */
        uint8_t failed[TILE];
        sq_isolate_failures(e->run->ev, 4, n, ld, t->x, t->uid, &t->es, t->y,
                            failed);
        size_t cj = *ci;
        for (size_t j = 0; j < n; j++)
            if (failed[j])
                chunk_of(e, &cj, lo + j)->failed = 1;
    }

    /* Zero samples prove nothing (see finish): the largest |f| seen. */
    for (size_t j = 0, cj = *ci; j < n; j++) {
        double m = sq_fmax(sq_fmax(fabs(t->y[j]), fabs(t->y[ld + j])),
                           sq_fmax(fabs(t->y[2 * ld + j]), fabs(t->y[3 * ld + j])));
        chunk *cm = chunk_of(e, &cj, lo + j);
        cm->absmax = sq_fmax(cm->absmax, m);
    }

    sq_simpson_items in = items_view(cur, lo);
    sq_simpson_visit v = {t->mid, t->vl, t->vr, t->el, t->er, t->fl, t->fr};
    int unusual;
    size_t nsplit = ops->simpson_estimate(n, &in, t->y, ld, &v, &unusual);
    if (e->forced)
        nsplit = force_splits(n, &v);

    size_t first = *ci;    /* the chunk holding item lo */

    /* Canonical sums. Fast path: the tile lies in one chunk and starts at a
     * multiple of 4 items in it, so half c of the tile is half c of the
     * chunk modulo 8. */
    chunk *c = chunk_of(e, ci, lo);
    if (hi <= c->hi && (lo - c->lo) % 4 == 0) {
        ops->sum8_pair(n, t->vl, t->vr, c->sv);
        ops->sum8_pair(n, t->el, t->er, c->se);
    } else {
        for (size_t j = 0; j < n; j++) {
            c = chunk_of(e, ci, lo + j);
            size_t pos = 2 * (lo + j - c->lo);
            c->sv[pos % 8] += t->vl[j];
            c->se[pos % 8] += t->el[j];
            c->sv[(pos + 1) % 8] += t->vr[j];
            c->se[(pos + 1) % 8] += t->er[j];
        }
    }

    if (nsplit > 0) {
        sq_simpson_dest d = {
            next->f[C_A] + *out, next->f[C_B] + *out,
            next->f[C_F0] + *out, next->f[C_F1] + *out,
            next->f[C_F2] + *out, next->f[C_F3] + *out,
            next->f[C_F4] + *out, next->f[C_TOL] + *out,
            next->pid + *out,
        };
        ops->simpson_emit(n, &in, t->y, ld, &v, &d);
        *out += nsplit;
    }

    /* Per-chunk children counts and rare events, attributed half by half
     * only when the tile spans chunks or something unusual happened. The
     * search starts again from the tile's first chunk. */
    size_t cf = first;
    c = chunk_of(e, &cf, lo);
    if (hi <= c->hi && !unusual) {
        c->children += nsplit;
    } else {
        for (size_t j = 0; j < n; j++) {
            c = chunk_of(e, &cf, lo + j);
            const int64_t fate[2] = {t->fl[j], t->fr[j]};
            for (int side = 0; side < 2; side++) {
                c->children += fate[side] == SQ_HALF_SPLIT;
                if (fate[side] == SQ_HALF_ROUNDOFF)
                    c->roundoff = 1;
                if (fate[side] == SQ_HALF_NONFINITE && !c->nonfinite) {
                    c->nonfinite = 1;
                    c->where = half_where(t, ld, j, side);
                }
            }
        }
    }
}

static void run_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    unit *u = &e->w->units[ui];
    scratch *t = &e->w->tls[slot];
    size_t ci = u->c0;
    size_t out = u->out;
    for (size_t lo = u->lo; lo < u->hi; lo += TILE) {
        size_t hi = lo + TILE < u->hi ? lo + TILE : u->hi;
        run_tile(e, t, lo, hi, &ci, &out);
    }
    u->nout = out - u->out;
}

/* After a parallel round: move one unit's children to their place. */
static void gather_unit(size_t ui, int slot, void *ctx)
{
    engine *e = ctx;
    const unit *u = &e->w->units[ui];
    (void)slot;
    sq_cols_move(&e->w->cur, u->dest, &e->w->next, u->out, u->nout);
}

/* ---- rounds ------------------------------------------------------------------ */

/* Cut the runs of the active problems into chunks, and chunks into units of
 * contiguous items. */
static int plan_round(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    size_t nch = 0;
    for (size_t p = 0; p < e->nprob; p++)
        if (w->prob[p].active)
            nch += (w->prob[p].run + CHUNK - 1) / CHUNK;
    if (sq_grow((void **)&w->chunks, &w->chunk_cap, nch, sizeof(chunk)) != 0
        || sq_grow((void **)&w->units, &w->unit_cap, nch, sizeof(unit)) != 0)
        return -1;
    e->nchunks = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        const pstate *ps = &w->prob[p];
        if (!ps->active)
            continue;
        for (size_t off = 0; off < ps->run; off += CHUNK) {
            chunk *c = &w->chunks[e->nchunks++];
            memset(c, 0, sizeof *c);
            c->prob = p;
            c->lo = ps->start + off;
            c->hi = ps->start + (off + CHUNK < ps->run ? off + CHUNK : ps->run);
        }
    }
    e->nunits = 0;
    for (size_t c = 0; c < e->nchunks;) {
        unit *u = &w->units[e->nunits++];
        memset(u, 0, sizeof *u);
        u->c0 = c;
        u->lo = w->chunks[c].lo;
        c++;
        while (c < e->nchunks && w->chunks[c].lo == w->chunks[c - 1].hi
               && w->chunks[c].lo - u->lo < UNIT)
            c++;
        u->c1 = c;
        u->hi = w->chunks[c - 1].hi;
    }
    return 0;
}

/* Add the estimates of a problem's unfinished items (its run in `s`, then
 * its pending items) in position order. */
void sq_simpson_add_unfinished(pstate *ps, const items *s)
{
    for (size_t j = ps->start; j < ps->start + ps->run; j++) {
        double err;
        double v = item_estimate(s, j, &err);
        sq_sum_add(&ps->sum, &ps->sumc, v);
        sq_sum_add(&ps->err, &ps->errc, err);
    }
    for (size_t j = ps->pend.n; j-- > 0;) {
        double err;
        double v = item_estimate(&ps->pend, j, &err);
        sq_sum_add(&ps->sum, &ps->sumc, v);
        sq_sum_add(&ps->err, &ps->errc, err);
    }
    ps->pend.n = 0;
}

/*
 * One round over the whole frontier. Returns -1 if memory ran out before
 * anything was evaluated (the frontier is then intact).
 */
int sq_simpson_round(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    size_t n = w->cur.n;
    /* Both buffers can hold the largest possible next frontier: the
     * parallel path compacts `next` back into `cur`. */
    if (plan_round(e) != 0 || items_reserve(&w->next, 2 * n + SLACK, 0) != 0
        || items_reserve(&w->cur, 2 * n + SLACK, n) != 0)
        return -1;
    int parallel = e->nthreads > 1 && n >= PAR_MIN && e->nunits > 1;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++)
            w->units[u].out = 2 * w->units[u].lo;
        sq_parallel_for_paced(e->pace, e->nunits, e->nthreads, run_unit, e);
    } else {
        size_t off = 0;
        for (size_t u = 0; u < e->nunits; u++) {
            w->units[u].out = off;
            run_unit(u, 0, e);
            off += w->units[u].nout;
        }
    }

    /* A failed callback stops its problems as they stood at the start of
     * the round, so what other threads finished meanwhile cannot matter. */
    for (size_t c = 0; c < e->nchunks; c++) {
        pstate *ps = &w->prob[w->chunks[c].prob];
        if (w->chunks[c].failed && ps->active) {
            sq_simpson_add_unfinished(ps, &w->cur);
            sq_simpson_stop(ps, SQ_CALLBACK_ABORT);
        }
    }

    for (size_t p = 0; p < e->nprob; p++)
        w->prob[p].next_run = 0;
    for (size_t c = 0; c < e->nchunks; c++) {
        const chunk *ch = &w->chunks[c];
        pstate *ps = &w->prob[ch->prob];
        ps->next_run += ch->children;
        if (!ps->active)
            continue;
        sq_sum_add(&ps->sum, &ps->sumc, fold8(ch->sv));
        sq_sum_add(&ps->err, &ps->errc, fold8(ch->se));
        ps->evals += 4 * (ch->hi - ch->lo);
        ps->intervals += 2 * (ch->hi - ch->lo);
        ps->roundoff |= ch->roundoff;
        ps->absmax = fmax(ps->absmax, ch->absmax);
        if (ch->nonfinite && ps->status == SQ_OK) {
            ps->status = SQ_NONFINITE;
            ps->where = ch->where;
        }
    }

    /* The next frontier, compact, in `cur`. */
    size_t total = 0;
    if (parallel) {
        for (size_t u = 0; u < e->nunits; u++) {
            w->units[u].dest = total;
            total += w->units[u].nout;
        }
        /* A short copy: its team would not pay by itself, and its pace
         * must not set aside run_unit's, which loops as many units. */
        sq_parallel_for_after(e->pace, e->nunits, e->nthreads, gather_unit, e);
    } else {
        for (size_t u = 0; u < e->nunits; u++)
            total += w->units[u].nout;
        items t = w->cur;
        w->cur = w->next;
        w->next = t;
    }
    w->cur.n = total;
    size_t start = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        ps->start = start;
        ps->run = ps->next_run;
        start += ps->run;
    }
    return 0;
}

/*
 * Between rounds: problems without items are done; problems that hit a
 * budget or a non-finite value stop with their unfinished items' estimates;
 * every other problem takes exactly min(WINDOW, items left) items into the
 * next round, its leftmost ones. The frontier is then rebuilt compactly.
 * Returns -1 if memory ran out.
 */
int sq_simpson_settle(engine *e)
{
    struct sq_simpson_ws *w = e->w;
    const sq_run *run = e->run;
    int relayout = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active) {
            relayout |= ps->run > 0;
            continue;
        }
        size_t left = ps->run + ps->pend.n;
        size_t next = left < WINDOW ? left : WINDOW;   /* the next round's */
        sq_status why = SQ_OK;
        if (ps->status == SQ_NONFINITE)
            why = SQ_NONFINITE;
        else if (left > 0 && ps->evals + 4 * next > run->max_evals)
            why = SQ_MAX_EVALS;
        else if (left > run->max_intervals)
            why = SQ_MAX_INTERVALS;
        if (why != SQ_OK) {
            sq_simpson_add_unfinished(ps, &w->cur);
            sq_simpson_stop(ps, why);
            relayout |= ps->run > 0;
        } else if (left == 0) {
            ps->active = 0;
        } else if (ps->run != WINDOW && (ps->run > WINDOW || ps->pend.n > 0)) {
            relayout = 1;
        }
    }
    if (!relayout)
        return 0;

    /* Room for what moves to the pending stacks, and for the new frontier. */
    size_t need = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active)
            continue;
        if (ps->run > WINDOW
            && items_reserve(&ps->pend, ps->pend.n + ps->run - WINDOW + SLACK,
                             ps->pend.n) != 0)
            return -1;
        size_t left = ps->run + ps->pend.n;
        need += left < WINDOW ? left : WINDOW;
    }
    /* With one problem in the frontier its run stays where it is (truncate,
     * append): no copy. Otherwise rebuild the frontier in `next`. */
    int in_place = e->nprob == 1 && w->prob[0].active;
    items *dst = in_place ? &w->cur : &w->next;
    if (items_reserve(dst, need + SLACK, in_place ? w->cur.n : 0) != 0)
        return -1;

    size_t to = 0;
    for (size_t p = 0; p < e->nprob; p++) {
        pstate *ps = &w->prob[p];
        if (!ps->active) {
            ps->run = 0;
            continue;
        }
        size_t take = ps->run < WINDOW ? ps->run : WINDOW;
        if (ps->run > take) {
            /* The surplus lies left of everything already pending. */
            sq_cols_move_reversed(&ps->pend, ps->pend.n, &w->cur, ps->start + take,
                                  ps->run - take, e->pace, e->nthreads, PAR_MIN);
            ps->pend.n += ps->run - take;
        }
        if (!in_place)
            sq_cols_move(dst, to, &w->cur, ps->start, take);
        size_t refill = WINDOW - take < ps->pend.n ? WINDOW - take : ps->pend.n;
        sq_cols_move_reversed(dst, to + take, &ps->pend, ps->pend.n - refill,
                              refill, e->pace, e->nthreads, PAR_MIN);
        ps->pend.n -= refill;
        ps->start = to;
        ps->run = take + refill;
        to += ps->run;
    }
    if (!in_place) {
        items t = w->cur;
        w->cur = w->next;
        w->next = t;
    }
    w->cur.n = to;
    return 0;
}
