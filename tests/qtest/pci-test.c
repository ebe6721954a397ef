/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI on q35 through libqos: the host bridge, enumeration of bus 0,
 * absent functions, capability lists, BAR assignment and access (with
 * pci-testdev and ivshmem-plain, when the binary has them).
 */

#include "qemu/osdep.h"
#include "qemu/units.h"

#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "hw/pci/pci_ids.h"

#define Q35_HOST_VENDOR     0x8086
#define Q35_HOST_DEVICE     0x29c0

#define PCI_TESTDEV_VENDOR  0x1b36
#define PCI_TESTDEV_DEVICE  0x0005

typedef struct PCITest {
    QTestState *qts;
    QPCIBus *bus;
} PCITest;

static void pci_test_start(PCITest *t, const char *extra)
{
    t->qts = qtest_initf("-M q35 %s", extra ? extra : "");
    t->bus = qpci_new_pc(t->qts);
}

static void pci_test_end(PCITest *t)
{
    qpci_free_pc(t->bus);
    qtest_quit(t->qts);
}

static void test_host_bridge(void)
{
    PCITest t;
    QPCIDevice *dev;

    pci_test_start(&t, NULL);
    dev = qpci_device_find(t.bus, QPCI_DEVFN(0, 0));
    g_assert_nonnull(dev);
    g_assert_cmphex(qpci_config_readw(dev, PCI_VENDOR_ID), ==,
                    Q35_HOST_VENDOR);
    g_assert_cmphex(qpci_config_readw(dev, PCI_DEVICE_ID), ==,
                    Q35_HOST_DEVICE);
    g_assert_cmphex(qpci_config_readl(dev, PCI_VENDOR_ID), ==,
                    Q35_HOST_DEVICE << 16 | Q35_HOST_VENDOR);
    g_assert_cmphex(qpci_config_readw(dev, PCI_CLASS_DEVICE), ==,
                    PCI_CLASS_BRIDGE_HOST);
    g_assert_cmphex(qpci_config_readb(dev, PCI_CLASS_PROG), ==, 0);
    /* Type 0 header. */
    g_assert_cmphex(qpci_config_readb(dev, PCI_HEADER_TYPE) & 0x7f, ==, 0);
    g_free(dev);

    dev = qpci_device_find_id(t.bus, Q35_HOST_VENDOR, Q35_HOST_DEVICE);
    g_assert_nonnull(dev);
    g_assert_cmpint(dev->devfn, ==, 0);
    g_free(dev);
    pci_test_end(&t);
}

typedef struct Census {
    int count;
    int last_devfn;
    bool host_seen;
} Census;

static void count_device(QPCIDevice *dev, int devfn, void *data)
{
    Census *c = data;
    uint8_t header = qpci_config_readb(dev, PCI_HEADER_TYPE) & 0x7f;

    g_assert_cmpint(dev->devfn, ==, devfn);
    g_assert_cmpint(devfn, >, c->last_devfn);
    g_assert_cmphex(qpci_config_readw(dev, PCI_VENDOR_ID), !=, 0xffff);
    /* Type 0 (device), 1 (PCI bridge) or 2 (CardBus bridge). */
    g_assert_cmpuint(header, <=, 2);
    if (devfn == 0) {
        c->host_seen = true;
    }
    c->last_devfn = devfn;
    c->count++;
    g_free(dev);
}

static void test_enumerate(void)
{
    Census all = { .last_devfn = -1 };
    Census host = { .last_devfn = -1 };
    Census none = { .last_devfn = -1 };
    PCITest t;

    pci_test_start(&t, NULL);
    qpci_device_foreach(t.bus, -1, -1, count_device, &all);
    g_assert_cmpint(all.count, >=, 1);
    g_assert_true(all.host_seen);
    g_test_message("%d functions on bus 0", all.count);

    qpci_device_foreach(t.bus, Q35_HOST_VENDOR, Q35_HOST_DEVICE,
                        count_device, &host);
    g_assert_cmpint(host.count, ==, 1);
    g_assert_true(host.host_seen);

    qpci_device_foreach(t.bus, 0x1234, 0xfedc, count_device, &none);
    g_assert_cmpint(none.count, ==, 0);
    pci_test_end(&t);
}

/* Absent functions read all ones, whatever the register and width. */
static void assert_absent(QPCIBus *bus, int devfn)
{
    g_assert_cmphex(bus->config_readw(bus, devfn, PCI_VENDOR_ID), ==,
                    0xffff);
    g_assert_cmphex(bus->config_readl(bus, devfn, PCI_VENDOR_ID), ==,
                    0xffffffff);
    g_assert_cmphex(bus->config_readl(bus, devfn, PCI_REVISION_ID), ==,
                    0xffffffff);
    g_assert_cmphex(bus->config_readb(bus, devfn, PCI_HEADER_TYPE), ==,
                    0xff);
    g_assert_null(qpci_device_find(bus, devfn));
}

static void test_absent(void)
{
    PCITest t;
    int slot;

    pci_test_start(&t, NULL);
    /* The host bridge is single-function: its other functions are void. */
    g_assert_false(t.bus->config_readb(t.bus, 0, PCI_HEADER_TYPE) &
                   PCI_HEADER_TYPE_MULTI_FUNCTION);
    assert_absent(t.bus, QPCI_DEVFN(0, 5));
    assert_absent(t.bus, QPCI_DEVFN(0, 7));

    /* An empty slot: q35 has only a handful of devices. */
    for (slot = 1; slot < 32; slot++) {
        if (t.bus->config_readw(t.bus, QPCI_DEVFN(slot, 0),
                                PCI_VENDOR_ID) == 0xffff) {
            break;
        }
    }
    g_assert_cmpint(slot, <, 32);
    assert_absent(t.bus, QPCI_DEVFN(slot, 0));
    assert_absent(t.bus, QPCI_DEVFN(slot, 3));

    /* A bus that does not exist. */
    assert_absent(t.bus, QPCI_BUS_DEVFN(0xff, 0, 0));
    assert_absent(t.bus, QPCI_BUS_DEVFN(7, 3, 0));
    pci_test_end(&t);
}

/* Walk every capability list; qpci_find_capability() must agree. */
static void check_capabilities(QPCIDevice *dev, int devfn, void *data)
{
    int *walked = data;
    uint8_t seen[256] = { 0 };
    uint8_t addr;
    int n = 0;

    if (!(qpci_config_readw(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        g_assert_cmpint(qpci_find_capability(dev, PCI_CAP_ID_MSI, 0), ==,
                        0);
        g_free(dev);
        return;
    }
    for (addr = qpci_config_readb(dev, PCI_CAPABILITY_LIST) & ~3; addr;
         addr = qpci_config_readb(dev, addr + 1) & ~3) {
        uint8_t id = qpci_config_readb(dev, addr);

        g_assert_cmphex(addr, >=, 0x40);
        g_assert_cmpint(++n, <, 48);
        if (!seen[id]) {
            seen[id] = addr;
            g_assert_cmphex(qpci_find_capability(dev, id, 0), ==, addr);
        } else {
            uint8_t prev = seen[id];

            g_assert_cmphex(qpci_find_capability(dev, id, prev), ==, addr);
            seen[id] = addr;
        }
    }
    g_test_message("%02x.%x: %d capabilities", devfn >> 3, devfn & 7, n);
    (*walked)++;
    g_free(dev);
}

static void test_capabilities(void)
{
    PCITest t;
    int walked = 0;

    pci_test_start(&t, NULL);
    qpci_device_foreach(t.bus, -1, -1, check_capabilities, &walked);
    g_test_message("%d functions with capabilities", walked);
    pci_test_end(&t);
}

static void check_bar_register(QPCIDevice *dev, int barno, QPCIBar bar,
                               bool is_64)
{
    uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * barno;
    uint64_t addr = qpci_config_readl(dev, reg) & ~0xfu;

    if (bar.is_io) {
        addr = qpci_config_readl(dev, reg) & ~3u;
    } else if (is_64) {
        addr |= (uint64_t)qpci_config_readl(dev, reg + 4) << 32;
    }
    g_assert_cmphex(addr, ==, bar.addr);
}

/*
 * pci-testdev: BAR 0 is 4 KiB of MMIO, BAR 1 256 ports, BAR 2 (membar) a
 * 64-bit prefetchable BAR, placed in the 64-bit window.
 */
static void test_iomap(void)
{
    PCITest t;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t size;

    if (!qtest_has_device("pci-testdev")) {
        g_test_skip("no pci-testdev in this binary");
        return;
    }
    pci_test_start(&t, "-device pci-testdev,membar=1M");
    dev = qpci_device_find_id(t.bus, PCI_TESTDEV_VENDOR, PCI_TESTDEV_DEVICE);
    g_assert_nonnull(dev);

    bar = qpci_iomap(dev, 0, &size);
    g_assert_false(bar.is_io);
    g_assert_cmphex(size, ==, 4096);
    g_assert_cmphex(bar.addr, ==, QPCI_PC_MMIO_BASE);
    check_bar_register(dev, 0, bar, false);

    bar = qpci_iomap(dev, 1, &size);
    g_assert_true(bar.is_io);
    g_assert_cmphex(size, ==, 256);
    g_assert_cmphex(bar.addr, ==, QPCI_PC_PIO_BASE);
    check_bar_register(dev, 1, bar, false);

    bar = qpci_iomap(dev, 2, &size);
    g_assert_false(bar.is_io);
    g_assert_cmphex(size, ==, 1 * MiB);
    g_assert_cmphex(bar.addr, ==, QPCI_PC_MMIO64_BASE);
    check_bar_register(dev, 2, bar, true);

    qpci_device_enable(dev);
    g_free(dev);
    pci_test_end(&t);
}

/*
 * A device with registers in BAR 0 (a read/write one at offset 0) and
 * 2 MiB of RAM in BAR 2, 64-bit prefetchable: accesses through both
 * windows, and BARs moved with qpci_set_mmio64_window().  QEMU has
 * ivshmem-plain (its interrupt mask is the register); this tree has
 * pci-testdev (SCRATCH), whose membar is such a RAM BAR.
 */
typedef struct BarDevice {
    const char *name;
    const char *args;
    uint16_t vendor_id;
    uint16_t device_id;
} BarDevice;

static const BarDevice bar_devices[] = {
    { "ivshmem-plain", "-object memory-backend-ram,id=mb,size=2M "
      "-device ivshmem-plain,memdev=mb", 0x1af4, 0x1110 },
    { "pci-testdev", "-device pci-testdev,membar=2M", 0x1b36, 0x0005 },
};

/* pci-testdev's magic register: QEMU's has the same ids, other BARs. */
#define TESTDEV_MAGIC_REG   0x04
#define TESTDEV_MAGIC       0x54534554

static void test_bar_access(void)
{
    const uint64_t base = 0x4000000000ULL;
    const BarDevice *bd = NULL;
    PCITest t;
    QPCIDevice *dev;
    QPCIBar regs, shm;
    uint64_t size;
    uint8_t data[256], back[256];
    int i;

    for (i = 0; i < ARRAY_SIZE(bar_devices) && !bd; i++) {
        if (qtest_has_device(bar_devices[i].name)) {
            bd = &bar_devices[i];
        }
    }
    if (!bd) {
        g_test_skip("no ivshmem-plain or pci-testdev in this binary");
        return;
    }
    pci_test_start(&t, bd->args);
    dev = qpci_device_find_id(t.bus, bd->vendor_id, bd->device_id);
    g_assert_nonnull(dev);

    regs = qpci_iomap(dev, 0, NULL);
    g_assert_cmphex(regs.addr, >=, QPCI_PC_MMIO_BASE);
    shm = qpci_iomap(dev, 2, &size);
    g_assert_cmphex(size, ==, 2 * MiB);
    g_assert_cmphex(shm.addr, ==, QPCI_PC_MMIO64_BASE);

    /* Decoding off: neither BAR answers. */
    qpci_io_writel(dev, regs, 0, 0x12345678);
    qpci_io_writel(dev, shm, 0, 0x12345678);
    g_assert_cmphex(qpci_io_readl(dev, shm, 0), !=, 0x12345678);

    qpci_device_enable(dev);
    if (!strcmp(bd->name, "pci-testdev")) {
        g_assert_cmphex(qpci_io_readl(dev, regs, TESTDEV_MAGIC_REG), ==,
                        TESTDEV_MAGIC);
    }
    qpci_io_writel(dev, regs, 0, 0xa5a5a5a5);
    g_assert_cmphex(qpci_io_readl(dev, regs, 0), ==, 0xa5a5a5a5);

    qpci_io_writeb(dev, shm, 1, 0xab);
    g_assert_cmphex(qpci_io_readb(dev, shm, 1), ==, 0xab);
    qpci_io_writew(dev, shm, 2, 0xcdef);
    g_assert_cmphex(qpci_io_readw(dev, shm, 2), ==, 0xcdef);
    qpci_io_writel(dev, shm, 4, 0x12345678);
    g_assert_cmphex(qpci_io_readl(dev, shm, 4), ==, 0x12345678);
    qpci_io_writeq(dev, shm, size - 8, 0x0011223344556677ULL);
    g_assert_cmphex(qpci_io_readq(dev, shm, size - 8), ==,
                    0x0011223344556677ULL);
    for (i = 0; i < sizeof(data); i++) {
        data[i] = i * 7;
    }
    qpci_memwrite(dev, shm, 0x1000, data, sizeof(data));
    qpci_memread(dev, shm, 0x1000, back, sizeof(back));
    g_assert_cmpmem(data, sizeof(data), back, sizeof(back));
    /* The BAR is at the guest-physical address it was given. */
    g_assert_cmphex(qtest_readl(t.qts, QPCI_PC_MMIO64_BASE + 4), ==,
                    0x12345678);

    /* Elsewhere in a new window: the same RAM shows there only. */
    qpci_set_mmio64_window(t.bus, base + 1, base + 64 * MiB);
    shm = qpci_iomap(dev, 2, NULL);
    g_assert_cmphex(shm.addr, ==, base + 2 * MiB);
    check_bar_register(dev, 2, shm, true);
    g_assert_cmphex(qtest_readl(t.qts, base + 2 * MiB + 4), ==, 0x12345678);
    g_assert_cmphex(qtest_readl(t.qts, QPCI_PC_MMIO64_BASE + 4), !=,
                    0x12345678);

    /* No 64-bit window: the 32-bit one takes it. */
    qpci_set_mmio64_window(t.bus, 0, 0);
    shm = qpci_iomap(dev, 2, NULL);
    g_assert_cmphex(shm.addr, >, regs.addr);
    g_assert_cmphex(shm.addr + size, <=, QPCI_PC_MMIO_LIMIT);
    check_bar_register(dev, 2, shm, true);
    g_assert_cmphex(qpci_io_readl(dev, shm, 4), ==, 0x12345678);

    g_free(dev);
    pci_test_end(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/pci/host-bridge", test_host_bridge);
    g_test_add_func("/x86_64/pci/enumerate", test_enumerate);
    g_test_add_func("/x86_64/pci/absent", test_absent);
    g_test_add_func("/x86_64/pci/capabilities", test_capabilities);
    g_test_add_func("/x86_64/pci/iomap", test_iomap);
    g_test_add_func("/x86_64/pci/bar-access", test_bar_access);

    return g_test_run();
}
