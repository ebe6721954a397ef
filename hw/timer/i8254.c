/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i8254 programmable interval timer (PIT), reduced to what a PC guest
 * and the qtests use.
 *
 * Three 16-bit down counters share a 1.193182 MHz input clock.  Ports:
 *   base + 0..2   counter n: count writes and count/status reads
 *   base + 3      control word (write only; reads return 0)
 * Control word: bits 7-6 select the counter (3: read-back command), bits
 * 5-4 the access (0: counter latch command, 1: LSB only, 2: MSB only,
 * 3: LSB then MSB), bits 3-1 the mode (6 and 7 alias 2 and 3), bit 0 BCD
 * (accepted, counting stays binary).
 *
 * A counter is not ticked: it remembers when its count was loaded, on
 * QEMU_CLOCK_VIRTUAL, and derives the current count and its OUT level
 * from the ticks elapsed since.  With d ticks since the load of count N:
 *   mode 0, 1   OUT = d >= N (terminal count, once)
 *   mode 2      rate generator: OUT low during the last tick of each
 *               period of N ticks, high otherwise
 *   mode 3      square wave: OUT high for the first (N + 1) / 2 ticks of
 *               each period, low for the rest
 *   mode 4, 5   strobe: OUT low during tick N only
 * Gates are tied high (there is no port 0x61 here), so modes 1 and 5
 * count from the load like 0 and 4.
 *
 * Channel 0 drives an IRQ line (the board wires it to IOAPIC input 2, as
 * q35 does): a timer fires at each OUT transition and sets the line to
 * OUT, then is re-armed for the next one.  As on a PC after power-on,
 * reset leaves every channel in mode 3 with count 0x10000, so channel 0
 * runs at about 18.2 Hz until the guest reprograms it.  Channels 1 and 2
 * can be programmed and read back but drive nothing.
 *
 * Reading a counter while a status or count latch is pending returns
 * the latched bytes first (status, then count), as on the chip.  A
 * read-back command with its reserved bit 0 set is logged under
 * LOG_GUEST_ERROR and otherwise obeyed.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "exec/address-spaces.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/timer/i8254.h"

#define PIT_CTRL_SC_SHIFT       6
#define PIT_CTRL_RW_SHIFT       4
#define PIT_CTRL_MODE_SHIFT     1
#define PIT_CTRL_BCD            0x01
#define PIT_SC_READ_BACK        3

/* Read-back command: active-low latch selectors, channel bits. */
#define PIT_RB_NO_COUNT         0x20
#define PIT_RB_NO_STATUS        0x10
#define PIT_RB_CHANNEL(n)       (0x02 << (n))

/* Status byte. */
#define PIT_STATUS_OUT          0x80
#define PIT_STATUS_NULL_COUNT   0x40

/* @a * @b / @c, without overflow (all non-negative). */
static uint64_t pit_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
    return (unsigned __int128)a * b / c;
}

/* Ticks of the input clock since @c's count was loaded, at @now. */
static uint64_t pit_ticks(PITChannelState *c, int64_t now)
{
    if (now <= c->count_load_time) {
        return 0;
    }
    return pit_muldiv(now - c->count_load_time, PIT_FREQ,
                      NANOSECONDS_PER_SECOND);
}

/*
 * The first instant at which @ticks ticks have elapsed since the load:
 * rounded up, so that pit_ticks() there is exactly @ticks.
 */
static int64_t pit_tick_time(PITChannelState *c, uint64_t ticks)
{
    uint64_t ns = pit_muldiv(ticks, NANOSECONDS_PER_SECOND, PIT_FREQ);

    if (pit_muldiv(ns, PIT_FREQ, NANOSECONDS_PER_SECOND) < ticks) {
        ns++;
    }
    return c->count_load_time + ns;
}

static bool pit_out_at(PITChannelState *c, uint64_t d)
{
    uint64_t n = c->count;

    switch (c->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < (n + 1) / 2;
    default:
        return d != n;
    }
}

/* The tick of the next OUT transition strictly after tick @d; 0: none. */
static uint64_t pit_next_transition_tick(PITChannelState *c, uint64_t d)
{
    uint64_t n = c->count;
    uint64_t base = d - d % n;
    uint64_t half = (n + 1) / 2;

    switch (c->mode) {
    case 0:
    case 1:
        return d < n ? n : 0;
    case 2:
        return d % n < n - 1 ? base + n - 1 : base + n;
    case 3:
        return d % n < half ? base + half : base + n;
    default:
        if (d < n) {
            return n;
        }
        return d == n ? n + 1 : 0;
    }
}

/* The count a read would see at @now. */
static uint16_t pit_current_count(PITChannelState *c, int64_t now)
{
    uint64_t d = pit_ticks(c, now);
    uint64_t n = c->count;

    switch (c->mode) {
    case 2:
        return n - d % n;
    case 3:
        /* Decrements by two, twice per period. */
        return n - (2 * d) % n;
    default:
        return n - d;
    }
}

/*
 * Channel 0: set the line to OUT at @now and arm the timer for the next
 * transition.
 */
static void pit_irq_update(PITChannelState *c, int64_t now)
{
    uint64_t d = pit_ticks(c, now);
    uint64_t next;

    if (!c->timer) {
        return;
    }
    qemu_set_irq(c->irq, pit_out_at(c, d));
    next = pit_next_transition_tick(c, d);
    if (!next) {
        c->next_transition = -1;
        timer_del(c->timer);
        return;
    }
    c->next_transition = pit_tick_time(c, next);
    if (c->next_transition < c->count_load_time) {
        /* Past the end of time (int64_t ns): it never comes. */
        c->next_transition = -1;
        timer_del(c->timer);
        return;
    }
    timer_mod(c->timer, c->next_transition);
}

static void pit_timer_cb(void *opaque)
{
    PITChannelState *c = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    /*
     * The transition's own time: exact, however late the timer ran.  A
     * timer a whole period or more late (the clock jumped: qtest bounds
     * the stops of a huge clock_step) catches up at once, so that the
     * missed periods are not replayed one by one.
     */
    if (pit_ticks(c, now) - pit_ticks(c, c->next_transition) >= c->count) {
        pit_irq_update(c, now);
    } else {
        pit_irq_update(c, c->next_transition);
    }
}

static void pit_load_count(PITChannelState *c, uint32_t value)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    c->count = value ? value : 0x10000;
    c->count_load_time = now;
    c->null_count = false;
    pit_irq_update(c, now);
}

static uint8_t pit_status(PITChannelState *c, int64_t now)
{
    uint8_t status = c->rw_mode << PIT_CTRL_RW_SHIFT |
                     c->mode << PIT_CTRL_MODE_SHIFT |
                     (c->bcd ? PIT_CTRL_BCD : 0);

    if (pit_out_at(c, pit_ticks(c, now))) {
        status |= PIT_STATUS_OUT;
    }
    if (c->null_count) {
        status |= PIT_STATUS_NULL_COUNT;
    }
    return status;
}

/* Counter latch command: a latch already pending is kept. */
static void pit_latch_count(PITChannelState *c, int64_t now)
{
    if (!c->count_latched) {
        c->latched_count = pit_current_count(c, now);
        c->count_latched = true;
        c->latched_msb_next = false;
    }
}

static void pit_read_back(PITState *s, uint8_t val, int64_t now)
{
    int i;

    if (val & 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: reserved bit 0 set in read-back "
                      "command 0x%02x\n", __func__, val);
    }
    for (i = 0; i < PIT_NUM_CHANNELS; i++) {
        PITChannelState *c = &s->channels[i];

        if (!(val & PIT_RB_CHANNEL(i))) {
            continue;
        }
        if (!(val & PIT_RB_NO_COUNT)) {
            pit_latch_count(c, now);
        }
        if (!(val & PIT_RB_NO_STATUS) && !c->status_latched) {
            c->latched_status = pit_status(c, now);
            c->status_latched = true;
        }
    }
}

static void pit_write_control(PITState *s, uint8_t val)
{
    int sc = val >> PIT_CTRL_SC_SHIFT;
    int rw = (val >> PIT_CTRL_RW_SHIFT) & 3;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    PITChannelState *c;

    if (sc == PIT_SC_READ_BACK) {
        pit_read_back(s, val, now);
        return;
    }
    c = &s->channels[sc];
    if (rw == PIT_RW_LATCH) {
        pit_latch_count(c, now);
        return;
    }
    c->rw_mode = rw;
    c->mode = (val >> PIT_CTRL_MODE_SHIFT) & 7;
    if (c->mode >= 6) {
        c->mode -= 4;
    }
    c->bcd = val & PIT_CTRL_BCD;
    c->null_count = true;
    c->write_msb_next = false;
    c->read_msb_next = false;
}

static void pit_write_count(PITChannelState *c, uint8_t val)
{
    switch (c->rw_mode) {
    case PIT_RW_LSB:
        pit_load_count(c, val);
        break;
    case PIT_RW_MSB:
        pit_load_count(c, val << 8);
        break;
    default:
        /* PIT_RW_WORD: a latch command never sets rw_mode. */
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
        } else {
            c->write_msb_next = false;
            pit_load_count(c, c->write_lsb | val << 8);
        }
        break;
    }
}

/* One byte of @count in @rw_mode; *@msb_next tracks PIT_RW_WORD. */
static uint8_t pit_count_byte(uint16_t count, uint8_t rw_mode,
                              bool *msb_next, bool *done)
{
    bool msb;

    switch (rw_mode) {
    case PIT_RW_MSB:
        *done = true;
        return count >> 8;
    case PIT_RW_WORD:
        msb = *msb_next;
        *msb_next = !msb;
        *done = msb;
        return msb ? count >> 8 : count & 0xff;
    default:
        *done = true;
        return count & 0xff;
    }
}

static uint8_t pit_read_counter(PITChannelState *c)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    bool done;
    uint8_t val;

    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    if (c->count_latched) {
        val = pit_count_byte(c->latched_count, c->rw_mode,
                             &c->latched_msb_next, &done);
        if (done) {
            c->count_latched = false;
        }
        return val;
    }
    return pit_count_byte(pit_current_count(c, now), c->rw_mode,
                          &c->read_msb_next, &done);
}

static uint64_t pit_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;

    if (addr == 3) {
        /* The control word register is write only. */
        return 0;
    }
    return pit_read_counter(&s->channels[addr]);
}

static void pit_ioport_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PITState *s = opaque;

    if (addr == 3) {
        pit_write_control(s, val);
    } else {
        pit_write_count(&s->channels[addr], val);
    }
}

static const MemoryRegionOps pit_ioport_ops = {
    .read = pit_ioport_read,
    .write = pit_ioport_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl.min_access_size = 1,
    .impl.max_access_size = 1,
};

/* Power-on state: mode 3, count 0x10000, both bytes; channel 0 runs. */
static void pit_reset(DeviceState *dev)
{
    PITState *s = I8254(dev);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int i;

    for (i = 0; i < PIT_NUM_CHANNELS; i++) {
        PITChannelState *c = &s->channels[i];

        c->mode = 3;
        c->rw_mode = PIT_RW_WORD;
        c->bcd = false;
        c->null_count = false;
        c->write_msb_next = false;
        c->read_msb_next = false;
        c->count_latched = false;
        c->status_latched = false;
        c->count = 0x10000;
        c->count_load_time = now;
        pit_irq_update(c, now);
    }
}

static void pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = I8254(dev);
    PITChannelState *c0 = &s->channels[0];

    if (s->iobase > 0xfffc) {
        error_setg(errp, "iobase 0x%" PRIx32 " is beyond the I/O space",
                   s->iobase);
        return;
    }
    c0->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, pit_timer_cb, c0);
    c0->next_transition = -1;
    memory_region_init_io(&s->ioports, OBJECT(s), &pit_ioport_ops, s,
                          "pit", 4);
    memory_region_add_subregion(get_system_io(), s->iobase, &s->ioports);
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = I8254(dev);
    PITChannelState *c0 = &s->channels[0];

    memory_region_del_subregion(get_system_io(), &s->ioports);
    timer_free(c0->timer);
    c0->timer = NULL;
}

static const Property pit_props[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, 0x40),
    DEFINE_PROP_END_OF_LIST(),
};

static void pit_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "i8254 programmable interval timer";
    dc->realize = pit_realize;
    dc->unrealize = pit_unrealize;
    /* Part of the board, created by it. */
    dc->user_creatable = false;
    device_class_set_legacy_reset(dc, pit_reset);
    device_class_set_props(dc, pit_props);
}

DeviceState *i8254_pit_init(Object *parent, int base, qemu_irq irq)
{
    DeviceState *dev = qdev_new(TYPE_I8254);

    object_property_set_uint(OBJECT(dev), "iobase", base, &error_abort);
    I8254(dev)->channels[0].irq = irq;
    object_property_add_child(parent, "pit", OBJECT(dev));
    qdev_realize_and_unref(dev, NULL, &error_fatal);
    return dev;
}

static const TypeInfo pit_types[] = {
    {
        .name = TYPE_I8254,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PITState),
        .class_init = pit_class_init,
    },
};

DEFINE_TYPES(pit_types)
