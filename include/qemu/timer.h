/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers.
 *
 * Clocks, all in nanoseconds:
 * - QEMU_CLOCK_REALTIME: monotonic host time, runs while the VM is stopped;
 *   for things that are not guest-visible (UI, tooling, timeouts).
 * - QEMU_CLOCK_VIRTUAL: guest time.  Under the qtest accelerator it moves
 *   only when the test steps it (clock_step/clock_set).
 * - QEMU_CLOCK_HOST: the host's wall clock (it may jump); for the guest's
 *   RTC.
 * - QEMU_CLOCK_VIRTUAL_RT: like QEMU_CLOCK_VIRTUAL; without instruction
 *   counting (which this tree does not have) it is the same clock.
 *
 * A QEMUTimer belongs to a QEMUTimerList, one list per clock and per event
 * loop (QEMUTimerListGroup).  The main loop's group is main_loop_tlg; an
 * AioContext has its own.  Timers run in the thread of their event loop.
 */

#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include "qemu/notify.h"

#define NANOSECONDS_PER_SECOND 1000000000LL

/* Scale factors, in nanoseconds per unit, for timer_new() and friends. */
#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

typedef enum {
    QEMU_CLOCK_REALTIME = 0,
    QEMU_CLOCK_VIRTUAL = 1,
    QEMU_CLOCK_HOST = 2,
    QEMU_CLOCK_VIRTUAL_RT = 3,
    QEMU_CLOCK_MAX
} QEMUClockType;

/*
 * Timer attributes: a deadline computation may ask for timers of some
 * kinds only.  QEMU_TIMER_ATTR_EXTERNAL marks timers that drive I/O from
 * outside the guest (a replay point in QEMU; here, only a filter).
 */
#define QEMU_TIMER_ATTR_EXTERNAL ((int)BIT(0))
#define QEMU_TIMER_ATTR_ALL      0xffffffff

typedef struct QEMUTimerList QEMUTimerList;

typedef struct QEMUTimerListGroup {
    QEMUTimerList *tl[QEMU_CLOCK_MAX];
} QEMUTimerListGroup;

typedef void QEMUTimerCB(void *opaque);
typedef void QEMUTimerListNotifyCB(void *opaque, QEMUClockType type);

typedef struct QEMUTimer {
    int64_t expire_time;        /* in nanoseconds, -1 when not pending */
    QEMUTimerList *timer_list;
    QEMUTimerCB *cb;
    void *opaque;
    struct QEMUTimer *next;
    int attributes;
    int scale;
} QEMUTimer;

extern QEMUTimerListGroup main_loop_tlg;

/* Clocks */

/**
 * qemu_clock_get_ns: the current value of clock @type in nanoseconds.
 */
int64_t qemu_clock_get_ns(QEMUClockType type);

static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

static inline int64_t qemu_clock_get_us(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_US;
}

/**
 * qemu_clock_has_timers: whether any timer of clock @type is pending.
 */
bool qemu_clock_has_timers(QEMUClockType type);

/**
 * qemu_clock_expired: whether a timer of clock @type has expired.
 */
bool qemu_clock_expired(QEMUClockType type);

/**
 * qemu_clock_deadline_ns_all: nanoseconds until the first timer of clock
 * @type (over every timer list, restricted to timers with an attribute in
 * @attr_mask) expires, 0 if one has expired, -1 if there is none.
 */
int64_t qemu_clock_deadline_ns_all(QEMUClockType type, int attr_mask);

/**
 * qemu_clock_enable: stop (false) or restart (true) running the timers of
 * clock @type.  Disabled clocks report no deadline.
 */
void qemu_clock_enable(QEMUClockType type, bool enabled);

/**
 * qemu_clock_run_timers: run the expired timers of @type in the main
 * loop's timer list; returns true if any ran.
 */
bool qemu_clock_run_timers(QEMUClockType type);

/**
 * qemu_clock_run_all_timers: the same for every clock.
 */
bool qemu_clock_run_all_timers(void);

/**
 * qemu_clock_advance_virtual_time: move QEMU_CLOCK_VIRTUAL forward to
 * @dest, stopping at each timer deadline on the way to run the timers
 * that expire there, so they run in order and see the right time.
 * Returns the clock before the final step to @dest.  Used by qtest.
 */
int64_t qemu_clock_advance_virtual_time(int64_t dest);

/* Timer lists */

QEMUTimerList *timerlist_new(QEMUClockType type,
                             QEMUTimerListNotifyCB *cb, void *opaque);
void timerlist_free(QEMUTimerList *timer_list);
bool timerlist_has_timers(QEMUTimerList *timer_list);
bool timerlist_expired(QEMUTimerList *timer_list);
int64_t timerlist_deadline_ns(QEMUTimerList *timer_list);
QEMUClockType timerlist_get_clock(QEMUTimerList *timer_list);
bool timerlist_run_timers(QEMUTimerList *timer_list);
void timerlist_notify(QEMUTimerList *timer_list);

void timerlistgroup_init(QEMUTimerListGroup *tlg,
                         QEMUTimerListNotifyCB *cb, void *opaque);
void timerlistgroup_deinit(QEMUTimerListGroup *tlg);
bool timerlistgroup_run_timers(QEMUTimerListGroup *tlg);
int64_t timerlistgroup_deadline_ns(QEMUTimerListGroup *tlg);

/* Timers */

/**
 * timer_init_full: initialise a caller-allocated timer on @timer_list_group
 * (NULL for the main loop) and clock @type; @scale converts the expire
 * times given to timer_mod() into nanoseconds.
 */
void timer_init_full(QEMUTimer *ts,
                     QEMUTimerListGroup *timer_list_group, QEMUClockType type,
                     int scale, int attributes,
                     QEMUTimerCB *cb, void *opaque);

static inline void timer_init(QEMUTimer *ts, QEMUClockType type, int scale,
                              QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, NULL, type, scale, 0, cb, opaque);
}

static inline void timer_init_ns(QEMUTimer *ts, QEMUClockType type,
                                 QEMUTimerCB *cb, void *opaque)
{
    timer_init(ts, type, SCALE_NS, cb, opaque);
}

static inline void timer_init_ms(QEMUTimer *ts, QEMUClockType type,
                                 QEMUTimerCB *cb, void *opaque)
{
    timer_init(ts, type, SCALE_MS, cb, opaque);
}

static inline QEMUTimer *timer_new_full(QEMUTimerListGroup *timer_list_group,
                                        QEMUClockType type,
                                        int scale, int attributes,
                                        QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *ts = g_new0(QEMUTimer, 1);

    timer_init_full(ts, timer_list_group, type, scale, attributes, cb, opaque);
    return ts;
}

static inline QEMUTimer *timer_new(QEMUClockType type, int scale,
                                   QEMUTimerCB *cb, void *opaque)
{
    return timer_new_full(NULL, type, scale, 0, cb, opaque);
}

static inline QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_NS, cb, opaque);
}

static inline QEMUTimer *timer_new_us(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_US, cb, opaque);
}

static inline QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_MS, cb, opaque);
}

/* timer_deinit: the timer must not be pending any more. */
void timer_deinit(QEMUTimer *ts);

/* timer_free: delete (if pending) and free a timer from timer_new*(). */
void timer_free(QEMUTimer *ts);

/* timer_del: make the timer not pending; its callback will not run. */
void timer_del(QEMUTimer *ts);

/* timer_mod_ns: (re)arm to expire at @expire_time nanoseconds. */
void timer_mod_ns(QEMUTimer *ts, int64_t expire_time);

/* timer_mod: (re)arm to expire at @expire_timer in the timer's scale. */
void timer_mod(QEMUTimer *ts, int64_t expire_timer);

/* timer_mod_anticipate: like timer_mod, but only ever moves it earlier. */
void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time);

bool timer_pending(QEMUTimer *ts);
bool timer_expired(QEMUTimer *timer_head, int64_t current_time);
uint64_t timer_expire_time_ns(QEMUTimer *ts);

/* Helpers */

/*
 * qemu_soonest_timeout: the earlier of two timeouts, where -1 means
 * "infinite" (cast to unsigned, -1 is the largest value).
 */
static inline int64_t qemu_soonest_timeout(int64_t timeout1, int64_t timeout2)
{
    return ((uint64_t) timeout1 < (uint64_t) timeout2) ? timeout1 : timeout2;
}

/**
 * initclocks:
 *
 * Initialise the clock & timer infrastructure
 */
void init_clocks(QEMUTimerListNotifyCB *notify_cb);

static inline int64_t get_max_clock_jump(void)
{
    /* A guest may notice a jump of the host clock of up to 60 seconds. */
    return 60 * NANOSECONDS_PER_SECOND;
}

/*
 * qemu_timeout_ns_to_ms: convert a timeout to milliseconds for poll(),
 * rounding up so that a short timeout does not turn into busy waiting;
 * -1 (infinite) stays -1.
 */
int qemu_timeout_ns_to_ms(int64_t ns);

/*
 * get_clock: CLOCK_MONOTONIC in nanoseconds, the base of
 * QEMU_CLOCK_REALTIME; get_clock_realtime: the wall clock in nanoseconds.
 */
static inline int64_t get_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static inline int64_t get_clock_realtime(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec * NANOSECONDS_PER_SECOND + (tv.tv_usec * 1000);
}

#endif /* QEMU_TIMER_H */
