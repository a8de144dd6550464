/* SPDX-License-Identifier: MIT */
/*
 * Expensive integrands: a pool of worker threads in front of a cache of
 * points. Every point is evaluated at most once: the cache holds each
 * point's state (queued, running, done, failed) by its exact bits. The
 * engines ask for the points of a tile and wait for them; before that they
 * announce the whole round (needed) and the rounds that may follow
 * (speculative). Workers take needed points first and speculative ones only
 * when nothing needed is waiting, shallowest first, so that a narrow
 * frontier does not leave them idle. A speculative point the engines never
 * ask for is counted as wasted.
 *
 * One mutex guards everything: each evaluation is assumed to cost far more
 * than taking a lock. The workers are plain POSIX threads, not OpenMP's:
 * there may be many more of them than cores, since an expensive integrand
 * often waits (for I/O, a solver, a remote call) rather than computes.
 * They start as points arrive, never more than the points waiting for one,
 * so `workers` is a ceiling, not a cost: 10^5 workers for 23 points start
 * 23 threads.
 */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime */

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

enum { EMPTY = 0, QUEUED, RUNNING, DONE, FAILED };

typedef struct slot {
    uint64_t key;            /* the bits of x */
    double y;
    uint8_t state;
    uint8_t speculative;     /* queued as speculation, not yet needed */
    uint8_t used;            /* asked for by an engine */
} slot;

/* A queue of point indices into the table (a ring that grows). */
typedef struct queue {
    size_t *v;
    size_t head, n, cap;
} queue;

struct sq_oracle {
    sq_point_fn f;
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    pthread_t *threads;
    int nthreads;            /* started so far */
    int max_threads;         /* the caller's workers */
    int idle;                /* started and not in a call */
    int stop;
    slot *table;
    size_t cap, count;       /* slots, occupied */
    queue needed, spec;
    size_t outstanding;      /* needed points queued or running */
    double newest_needed;    /* when the newest needed call started */
    double typical;          /* a running average of call durations */
    size_t evaluated, failed_points;
    int nomem;
};

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static size_t hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k;
}

static int push(queue *q, size_t v)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 256;
        size_t *nv = sq_malloc(cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        for (size_t i = 0; i < q->n; i++)
            nv[i] = q->v[(q->head + i) % q->cap];
        sq_free(q->v);
        q->v = nv;
        q->head = 0;
        q->cap = cap;
    }
    q->v[(q->head + q->n) % q->cap] = v;
    q->n++;
    return 0;
}

static size_t pop(queue *q)
{
    size_t v = q->v[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    return v;
}

static size_t lookup(const sq_oracle *o, uint64_t key)
{
    if (o->cap == 0)
        return SIZE_MAX;
    size_t k = hash(key) & (o->cap - 1);
    while (o->table[k].state != EMPTY) {
        if (o->table[k].key == key)
            return k;
        k = (k + 1) & (o->cap - 1);
    }
    return SIZE_MAX;
}

/* Double the table; queue entries (slot indices) are renumbered. */
static int grow(sq_oracle *o)
{
    size_t cap = o->cap ? 2 * o->cap : 1024;
    slot *t = sq_calloc(cap, sizeof *t);
    size_t *remap = o->cap ? sq_malloc(o->cap * sizeof *remap) : NULL;
    if (t == NULL || (o->cap && remap == NULL)) {
        sq_free(t);
        sq_free(remap);
        return -1;
    }
    for (size_t i = 0; i < o->cap; i++) {
        if (o->table[i].state == EMPTY)
            continue;
        size_t k = hash(o->table[i].key) & (cap - 1);
        while (t[k].state != EMPTY)
            k = (k + 1) & (cap - 1);
        t[k] = o->table[i];
        remap[i] = k;
    }
    queue *qs[2] = {&o->needed, &o->spec};
    for (int q = 0; q < 2; q++)
        for (size_t i = 0; i < qs[q]->n; i++) {
            size_t *e = &qs[q]->v[(qs[q]->head + i) % qs[q]->cap];
            *e = remap[*e];
        }
    sq_free(o->table);
    sq_free(remap);
    o->table = t;
    o->cap = cap;
    return 0;
}

/* The slot of x: the existing one, or a new one (state EMPTY, which the
 * caller changes at once); SIZE_MAX if memory ran out. Lock held. */
static size_t find(sq_oracle *o, double x)
{
    uint64_t key = bits_of(x);
    size_t k = lookup(o, key);
    if (k != SIZE_MAX)
        return k;
    if (2 * (o->count + 1) > o->cap && grow(o) != 0)
        return SIZE_MAX;
    k = hash(key) & (o->cap - 1);
    while (o->table[k].state != EMPTY)
        k = (k + 1) & (o->cap - 1);
    o->table[k].key = key;
    o->count++;
    return k;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* May a worker start a speculative call now? Lock held. */
static int may_speculate(const sq_oracle *o)
{
    if (o->spec.n == 0 || o->outstanding == 0)
        return 0;
    return !(o->typical > 0) || seconds() - o->newest_needed < 0.5 * o->typical;
}

static void *worker(void *arg)
{
    sq_oracle *o = arg;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        while (!o->stop && o->needed.n == 0 && !may_speculate(o))
            pthread_cond_wait(&o->work, &o->lock);
        if (o->stop)
            break;
        size_t k = o->needed.n > 0 ? pop(&o->needed) : pop(&o->spec);
        if (o->table[k].state != QUEUED)
            continue;            /* taken already through the other queue */
        o->table[k].state = RUNNING;
        o->idle--;
        double x = from_bits(o->table[k].key);
        double start = seconds();
        if (o->table[k].used)
            o->newest_needed = start;
        pthread_mutex_unlock(&o->lock);
        double y = NAN;
        int rc = o->f(x, &y, o->ctx);
        double took = seconds() - start;
        pthread_mutex_lock(&o->lock);
        o->typical = o->typical > 0 ? 0.875 * o->typical + 0.125 * took : took;
        /* The table may have been rehashed meanwhile: look the slot up
         * again (it exists: slots are never removed). */
        size_t j = lookup(o, bits_of(x));
        o->evaluated++;
        o->table[j].y = y;
        o->table[j].state = rc == 0 ? DONE : FAILED;
        o->failed_points += rc != 0;
        if (o->table[j].used)
            o->outstanding--;
        o->idle++;
        pthread_cond_broadcast(&o->done);
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

sq_oracle *sq_oracle_new(sq_point_fn f, void *ctx, int workers)
{
    sq_oracle *o = sq_calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->f = f;
    o->ctx = ctx;
    if (pthread_mutex_init(&o->lock, NULL) != 0) {
        sq_free(o);
        return NULL;
    }
    pthread_cond_init(&o->work, NULL);
    pthread_cond_init(&o->done, NULL);
    o->threads = sq_calloc((size_t)workers, sizeof *o->threads);
    if (o->threads == NULL) {
        sq_oracle_free(o);
        return NULL;
    }
    o->max_threads = workers;
    /* One worker now, so that a refusal is seen here; the rest as points
     * arrive (spawn). */
    if (pthread_create(&o->threads[0], NULL, worker, o) != 0) {
        sq_oracle_free(o);
        return NULL;
    }
    o->nthreads = 1;
    o->idle = 1;
    return o;
}

/* Start workers while points wait for one and the ceiling allows; a
 * refusal keeps the ones there are. Lock held. */
static void spawn(sq_oracle *o)
{
    size_t waiting = o->needed.n + o->spec.n;
    while (o->nthreads < o->max_threads && (size_t)o->idle < waiting) {
        if (pthread_create(&o->threads[o->nthreads], NULL, worker, o) != 0) {
            o->max_threads = o->nthreads;
            break;
        }
        o->nthreads++;
        o->idle++;
    }
}

/* Stop the workers (after the calls in flight) and free everything. */
void sq_oracle_free(sq_oracle *o)
{
    if (o == NULL)
        return;
    pthread_mutex_lock(&o->lock);
    o->stop = 1;
    pthread_cond_broadcast(&o->work);
    pthread_mutex_unlock(&o->lock);
    for (int i = 0; i < o->nthreads; i++)
        pthread_join(o->threads[i], NULL);
    sq_free(o->threads);
    sq_free(o->table);
    sq_free(o->needed.v);
    sq_free(o->spec.v);
    pthread_cond_destroy(&o->work);
    pthread_cond_destroy(&o->done);
    pthread_mutex_destroy(&o->lock);
    sq_free(o);
}

/* Queue points not yet known; needed ones also promote speculative ones. */
static void enqueue(sq_oracle *o, const double *x, size_t n, int needed)
{
    pthread_mutex_lock(&o->lock);
    for (size_t i = 0; i < n; i++) {
        size_t k = find(o, x[i]);
        if (k == SIZE_MAX) {
            o->nomem = 1;
            break;
        }
        slot *s = &o->table[k];
        if (needed && !s->used) {
            s->used = 1;
            /* Outstanding until its value is in (a new slot is queued just
             * below). */
            o->outstanding += s->state == EMPTY || s->state == QUEUED
                              || s->state == RUNNING;
        }
        if (s->state == EMPTY) {
            s->state = QUEUED;
            s->speculative = (uint8_t)!needed;
            if (push(needed ? &o->needed : &o->spec, k) != 0) {
                o->nomem = 1;
                s->state = FAILED;
                o->outstanding -= s->used;
                break;
            }
        } else if (needed && s->state == QUEUED && s->speculative) {
            s->speculative = 0;
            if (push(&o->needed, k) != 0) {
                o->nomem = 1;
                break;
            }
        }
    }
    spawn(o);
    pthread_cond_broadcast(&o->work);
    pthread_mutex_unlock(&o->lock);
}

void sq_oracle_need(sq_oracle *o, const double *x, size_t n)
{
    enqueue(o, x, n, 1);
}

void sq_oracle_speculate(sq_oracle *o, const double *x, size_t n)
{
    enqueue(o, x, n, 0);
}

int sq_oracle_get(sq_oracle *o, const double *x, size_t n, double *y)
{
    sq_oracle_need(o, x, n);
    int failed = 0;
    pthread_mutex_lock(&o->lock);
    for (size_t i = 0; i < n; i++) {
        for (;;) {
            size_t k = lookup(o, bits_of(x[i]));
            if (k == SIZE_MAX) {     /* lost to an allocation failure */
                failed = 1;
                break;
            }
            uint8_t st = o->table[k].state;
            if (st == DONE) {
                y[i] = o->table[k].y;
                break;
            }
            if (st == FAILED) {
                failed = 1;
                break;
            }
            pthread_cond_wait(&o->done, &o->lock);
        }
        if (failed)
            break;
    }
    pthread_mutex_unlock(&o->lock);
    return failed;
}

int sq_oracle_stats(sq_oracle *o, size_t *evaluated, size_t *wasted)
{
    /* Stop first: the calls in flight end, and nothing new starts. */
    pthread_mutex_lock(&o->lock);
    o->stop = 1;
    pthread_cond_broadcast(&o->work);
    pthread_mutex_unlock(&o->lock);
    for (int i = 0; i < o->nthreads; i++)
        pthread_join(o->threads[i], NULL);
    o->nthreads = 0;
    pthread_mutex_lock(&o->lock);
    size_t unused = 0;
    for (size_t i = 0; i < o->cap; i++)
        unused += (o->table[i].state == DONE || o->table[i].state == FAILED)
                  && !o->table[i].used;
    *evaluated = o->evaluated;
    *wasted = unused;
    int nomem = o->nomem;
    pthread_mutex_unlock(&o->lock);
    return nomem;
}
