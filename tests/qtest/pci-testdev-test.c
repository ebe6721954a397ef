/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI core and q35 through pci-testdev (hw/misc/pci-testdev.c has its
 * registers): BAR decoding, INTx routing to the IOAPIC, MSI and MSI-X
 * delivered into guest RAM, bus-master gating of DMA, MMCONFIG, reset
 * and query-pci.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"

#include "libqtest.h"
#include "libqos/pci-pc.h"

#define TESTDEV_VENDOR      0x1b36
#define TESTDEV_DEVICE      0x0005
#define TESTDEV_SLOT        3

#define REG_SCRATCH         0x00
#define REG_MAGIC           0x04
#define REG_DOORBELL        0x08
#define REG_DOORBELLS       0x0c
#define REG_INTX            0x10
#define REG_DMA_ADDR_LO     0x14
#define REG_DMA_ADDR_HI     0x18
#define REG_DMA_DATA        0x1c
#define REG_DMA_STATUS      0x20
#define MAGIC               0x54534554
/* The DMA_STATUS of an access the memory core refused (MemTxResult). */
#define MEMTX_ACCESS_ERROR  (1U << 2)

/* q35: slot s, pin p (0 = INTA) -> PIRQ (s + p) % 8 -> GSI 16 + PIRQ. */
#define TESTDEV_GSI         (16 + (TESTDEV_SLOT + 0) % 8)

/* Guest RAM the tests use as message and DMA targets. */
#define MSG_ADDR            0x100000ULL

#define MMCONFIG_BASE       0xb0000000ULL

typedef struct Fixture {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar regs;
} Fixture;

/*
 * QEMU has a "pci-testdev" too, with the same ids but other registers
 * (an ioeventfd test device): tell ours by its magic register, once per
 * process.
 */
static bool testdev_is_ours(void)
{
    static int ours = -1;
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;

    if (ours >= 0) {
        return ours;
    }
    ours = 0;
    if (!qtest_has_device("pci-testdev")) {
        return false;
    }
    qts = qtest_initf("-M q35 -device pci-testdev,addr=%x", TESTDEV_SLOT);
    bus = qpci_new_pc(qts);
    dev = qpci_device_find(bus, QPCI_DEVFN(TESTDEV_SLOT, 0));
    if (dev) {
        bar = qpci_iomap(dev, 0, NULL);
        qpci_device_enable(dev);
        ours = qpci_io_readl(dev, bar, REG_MAGIC) == MAGIC;
        g_free(dev);
    }
    qpci_free_pc(bus);
    qtest_quit(qts);
    return ours;
}

/* False, the test skipped, when the binary has no pci-testdev of ours. */
static bool fixture_start(Fixture *f, const char *extra)
{
    if (!testdev_is_ours()) {
        g_test_skip("this binary's pci-testdev is not hw/misc/pci-testdev.c "
                    "(QEMU's has other registers)");
        return false;
    }
    f->qts = qtest_initf("-M q35 -device pci-testdev,addr=%x %s",
                         TESTDEV_SLOT, extra ? extra : "");
    f->bus = qpci_new_pc(f->qts);
    f->dev = qpci_device_find(f->bus, QPCI_DEVFN(TESTDEV_SLOT, 0));
    g_assert_nonnull(f->dev);
    g_assert_cmphex(qpci_config_readw(f->dev, PCI_VENDOR_ID), ==,
                    TESTDEV_VENDOR);
    g_assert_cmphex(qpci_config_readw(f->dev, PCI_DEVICE_ID), ==,
                    TESTDEV_DEVICE);
    f->regs = qpci_iomap(f->dev, 0, NULL);
    return true;
}

static void fixture_end(Fixture *f)
{
    g_free(f->dev);
    qpci_free_pc(f->bus);
    qtest_quit(f->qts);
}

static void test_registers(void)
{
    Fixture f;
    QPCIBar pio;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    pio = qpci_iomap(f.dev, 1, NULL);
    g_assert_true(pio.is_io);

    /* Decoding is off until the command register turns it on. */
    g_assert_cmphex(qtest_readl(f.qts, f.regs.addr + REG_MAGIC), !=, MAGIC);
    qpci_device_enable(f.dev);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_MAGIC), ==, MAGIC);
    g_assert_cmphex(qpci_io_readl(f.dev, pio, REG_MAGIC), ==, MAGIC);

    /* One register file behind both BARs; narrow accesses merge. */
    qpci_io_writel(f.dev, f.regs, REG_SCRATCH, 0x12345678);
    g_assert_cmphex(qpci_io_readl(f.dev, pio, REG_SCRATCH), ==, 0x12345678);
    qpci_io_writeb(f.dev, pio, REG_SCRATCH + 1, 0xab);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_SCRATCH), ==,
                    0x1234ab78);
    qpci_io_writew(f.dev, f.regs, REG_SCRATCH + 2, 0xcdef);
    g_assert_cmphex(qpci_io_readw(f.dev, pio, REG_SCRATCH + 2), ==, 0xcdef);
    g_assert_cmphex(qpci_io_readb(f.dev, f.regs, REG_SCRATCH), ==, 0x78);

    /* Turning memory decoding off unmaps BAR0 but not the I/O BAR. */
    qpci_config_writew(f.dev, PCI_COMMAND, PCI_COMMAND_IO);
    g_assert_cmphex(qtest_readl(f.qts, f.regs.addr + REG_MAGIC), !=, MAGIC);
    g_assert_cmphex(qpci_io_readl(f.dev, pio, REG_MAGIC), ==, MAGIC);
    fixture_end(&f);
}

static void test_bar_move(void)
{
    Fixture f;
    uint64_t new_addr;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    qpci_device_enable(f.dev);
    qpci_io_writel(f.dev, f.regs, REG_SCRATCH, 0xfeedf00d);

    /* The BAR answers at its new address only. */
    new_addr = f.regs.addr + 64 * KiB;
    qpci_config_writel(f.dev, PCI_BASE_ADDRESS_0, new_addr);
    g_assert_cmphex(qtest_readl(f.qts, new_addr + REG_SCRATCH), ==,
                    0xfeedf00d);
    g_assert_cmphex(qtest_readl(f.qts, f.regs.addr + REG_SCRATCH), !=,
                    0xfeedf00d);

    /* A BAR over RAM does not hide the RAM. */
    qtest_writel(f.qts, 0x200000, 0xcafe);
    qpci_config_writel(f.dev, PCI_BASE_ADDRESS_0, 0x200000);
    g_assert_cmphex(qtest_readl(f.qts, 0x200000), ==, 0xcafe);
    fixture_end(&f);
}

static void test_intx(void)
{
    Fixture f;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    g_assert_cmpint(qpci_config_readb(f.dev, PCI_INTERRUPT_PIN), ==, 1);
    qtest_irq_intercept_in(f.qts, "ioapic");
    qpci_device_enable(f.dev);

    qpci_io_writel(f.dev, f.regs, REG_INTX, 1);
    g_assert_true(qtest_get_irq(f.qts, TESTDEV_GSI));
    g_assert_true(qpci_config_readw(f.dev, PCI_STATUS) &
                  PCI_STATUS_INTERRUPT);

    /* INTX_DISABLE masks the line but not the status bit. */
    qpci_config_writew(f.dev, PCI_COMMAND,
                       qpci_config_readw(f.dev, PCI_COMMAND) |
                       PCI_COMMAND_INTX_DISABLE);
    g_assert_false(qtest_get_irq(f.qts, TESTDEV_GSI));
    g_assert_true(qpci_config_readw(f.dev, PCI_STATUS) &
                  PCI_STATUS_INTERRUPT);
    qpci_config_writew(f.dev, PCI_COMMAND,
                       qpci_config_readw(f.dev, PCI_COMMAND) &
                       ~PCI_COMMAND_INTX_DISABLE);
    g_assert_true(qtest_get_irq(f.qts, TESTDEV_GSI));

    qpci_io_writel(f.dev, f.regs, REG_INTX, 0);
    g_assert_false(qtest_get_irq(f.qts, TESTDEV_GSI));
    g_assert_false(qpci_config_readw(f.dev, PCI_STATUS) &
                   PCI_STATUS_INTERRUPT);

    /* Without MSI/MSI-X the doorbell pulses INTx: the line ends low. */
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 0);
    g_assert_false(qtest_get_irq(f.qts, TESTDEV_GSI));
    g_assert_cmpint(qpci_io_readl(f.dev, f.regs, REG_DOORBELLS), ==, 1);
    fixture_end(&f);
}

static void test_msix(void)
{
    Fixture f;
    QPCIBar table;
    uint8_t cap;
    uint16_t flags;
    uint32_t table_reg, pba_reg;
    uint64_t entry;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    cap = qpci_find_capability(f.dev, PCI_CAP_ID_MSIX, 0);
    g_assert_cmphex(cap, !=, 0);
    flags = qpci_config_readw(f.dev, cap + 2);
    g_assert_cmpint((flags & 0x7ff) + 1, ==, 4);
    table_reg = qpci_config_readl(f.dev, cap + 4);
    pba_reg = qpci_config_readl(f.dev, cap + 8);
    g_assert_cmpint(table_reg & 7, ==, 4);
    g_assert_cmpint(pba_reg & 7, ==, 4);

    table = qpci_iomap(f.dev, 4, NULL);
    qpci_device_enable(f.dev);
    qpci_config_writew(f.dev, cap + 2, flags | 0x8000);

    /* Vectors start masked. */
    entry = (table_reg & ~7u) + 1 * 16;
    g_assert_cmphex(qpci_io_readl(f.dev, table, entry + 12), ==, 1);
    qpci_io_writel(f.dev, table, entry + 0, MSG_ADDR);
    qpci_io_writel(f.dev, table, entry + 4, 0);
    qpci_io_writel(f.dev, table, entry + 8, 0x4321);

    /* Masked: the doorbell only sets the pending bit. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 1);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    g_assert_cmphex(qpci_io_readl(f.dev, table, pba_reg & ~7u), ==, 2);

    /* Unmasking delivers it. */
    qpci_io_writel(f.dev, table, entry + 12, 0);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x4321);
    g_assert_cmphex(qpci_io_readl(f.dev, table, pba_reg & ~7u), ==, 0);

    /* The function mask holds vectors back the same way. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_config_writew(f.dev, cap + 2, flags | 0xc000);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 1);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    qpci_config_writew(f.dev, cap + 2, flags | 0x8000);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x4321);

    /* Vector 4, the first past the table: dropped, nothing pending. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 4);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    g_assert_cmphex(qpci_io_readl(f.dev, table, pba_reg & ~7u), ==, 0);

    /* No bus mastering, no message. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_config_writew(f.dev, PCI_COMMAND, PCI_COMMAND_MEMORY);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 1);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    fixture_end(&f);
}

static void test_msi(void)
{
    Fixture f;
    uint8_t cap;
    uint16_t flags;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    cap = qpci_find_capability(f.dev, PCI_CAP_ID_MSI, 0);
    g_assert_cmphex(cap, !=, 0);
    flags = qpci_config_readw(f.dev, cap + 2);
    /* 4 vectors offered, 64-bit, per-vector masking. */
    g_assert_cmphex(flags & 0x18e, ==, 0x184);

    qpci_device_enable(f.dev);
    qpci_config_writel(f.dev, cap + 4, MSG_ADDR);
    qpci_config_writel(f.dev, cap + 8, 0);
    qpci_config_writew(f.dev, cap + 12, 0x5550);
    /* Enable with 4 vectors: vector n sends data | n. */
    qpci_config_writew(f.dev, cap + 2, flags | 0x21);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 2);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x5552);

    /* Masked vector 3: pending until unmasked. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_config_writel(f.dev, cap + 16, 1 << 3);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 3);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    g_assert_cmphex(qpci_config_readl(f.dev, cap + 20), ==, 1 << 3);
    qpci_config_writel(f.dev, cap + 16, 0);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x5553);
    g_assert_cmphex(qpci_config_readl(f.dev, cap + 20), ==, 0);

    /* Two vectors enabled: vector 2 is dropped, vector 1 goes out. */
    qtest_writel(f.qts, MSG_ADDR, 0);
    qpci_config_writew(f.dev, cap + 2, flags | 0x11);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 2);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0);
    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 1);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x5551);

    /* Eight enabled where four are offered: the guest gets four. */
    qpci_config_writew(f.dev, cap + 2, flags | 0x31);
    g_assert_cmphex(qpci_config_readw(f.dev, cap + 2) & 0x70, ==, 0x20);
    fixture_end(&f);
}

static void test_dma(void)
{
    Fixture f;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    qpci_config_writew(f.dev, PCI_COMMAND, PCI_COMMAND_MEMORY);
    qtest_writel(f.qts, MSG_ADDR, 0x11111111);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_LO, MSG_ADDR);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_HI, 0);

    /* Bus mastering off: DMA fails and RAM keeps its value. */
    qpci_io_writel(f.dev, f.regs, REG_DMA_DATA, 0x22222222);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_STATUS), !=, 0);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x11111111);

    qpci_device_enable(f.dev);
    qpci_io_writel(f.dev, f.regs, REG_DMA_DATA, 0x33333333);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x33333333);
    qtest_writel(f.qts, MSG_ADDR, 0x44444444);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_DATA), ==,
                    0x44444444);
    fixture_end(&f);
}

/* A -D file for the emulator's guest-error log, and its contents. */
static char *guest_log_path(void)
{
    return g_strdup_printf("%s/pci-testdev-test-%d.log", g_get_tmp_dir(),
                           (int)getpid());
}

static void assert_log_contains(const char *path, const char *needle)
{
    g_autofree char *log = NULL;

    g_assert_true(g_file_get_contents(path, &log, NULL, NULL));
    if (!strstr(log, needle)) {
        g_test_message("log: %s", log);
        g_assert_cmpstr(log, ==, needle);
    }
}

/*
 * DMA aimed at the device's own DMA_DATA register would recurse without
 * bound (each access starts another); the memory core drops the inner
 * access as re-entrant (QEMU's MemReentrancyGuard) and logs it, and the
 * device stays usable.
 */
static void test_dma_reentrant(void)
{
    g_autofree char *log = guest_log_path();
    g_autofree char *args = g_strdup_printf("-d guest_errors -D %s", log);
    Fixture f;

    if (!fixture_start(&f, args)) {
        return;
    }
    qpci_device_enable(f.dev);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_LO,
                   f.regs.addr + REG_DMA_DATA);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_HI, f.regs.addr >> 32);

    qpci_io_writel(f.dev, f.regs, REG_DMA_DATA, 0x12345678);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_STATUS), ==,
                    MEMTX_ACCESS_ERROR);
    /* A blocked read returns 0, like any failed DMA read. */
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_DATA), ==, 0);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_STATUS), ==,
                    MEMTX_ACCESS_ERROR);
    assert_log_contains(log, "Blocked re-entrant IO on MemoryRegion: "
                        "pci-testdev-mmio at addr: 0x1C\n");

    /* The guard is released: the next DMA to RAM works. */
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_MAGIC), ==, MAGIC);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_LO, MSG_ADDR);
    qpci_io_writel(f.dev, f.regs, REG_DMA_ADDR_HI, 0);
    qpci_io_writel(f.dev, f.regs, REG_DMA_DATA, 0x55667788);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_DMA_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(f.qts, MSG_ADDR), ==, 0x55667788);
    fixture_end(&f);
    unlink(log);
}

/*
 * An MSI-X message aimed at the device's own DOORBELL would ring it
 * again, forever: the message is dropped as re-entrant, so one doorbell
 * write counts once.
 */
static void test_msix_reentrant(void)
{
    g_autofree char *log = guest_log_path();
    g_autofree char *args = g_strdup_printf("-d guest_errors -D %s", log);
    Fixture f;
    QPCIBar table;
    uint8_t cap;
    uint16_t flags;
    uint64_t entry;

    if (!fixture_start(&f, args)) {
        return;
    }
    cap = qpci_find_capability(f.dev, PCI_CAP_ID_MSIX, 0);
    flags = qpci_config_readw(f.dev, cap + 2);
    table = qpci_iomap(f.dev, 4, NULL);
    qpci_device_enable(f.dev);
    qpci_config_writew(f.dev, cap + 2, flags | 0x8000);
    entry = (qpci_config_readl(f.dev, cap + 4) & ~7u) + 1 * 16;
    qpci_io_writel(f.dev, table, entry + 0, f.regs.addr + REG_DOORBELL);
    qpci_io_writel(f.dev, table, entry + 4, f.regs.addr >> 32);
    qpci_io_writel(f.dev, table, entry + 8, 1);
    qpci_io_writel(f.dev, table, entry + 12, 0);

    qpci_io_writel(f.dev, f.regs, REG_DOORBELL, 1);
    g_assert_cmpint(qpci_io_readl(f.dev, f.regs, REG_DOORBELLS), ==, 1);
    assert_log_contains(log, "Blocked re-entrant IO on MemoryRegion: "
                        "pci-testdev-mmio at addr: 0x8\n");
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_MAGIC), ==, MAGIC);
    fixture_end(&f);
    unlink(log);
}

static void test_mmconfig(void)
{
    Fixture f;
    uint64_t cfg = MMCONFIG_BASE + (QPCI_DEVFN(TESTDEV_SLOT, 0) << 12);

    if (!fixture_start(&f, NULL)) {
        return;
    }
    g_assert_cmphex(qtest_readl(f.qts, MMCONFIG_BASE), ==,
                    0x29c08086);
    g_assert_cmphex(qtest_readl(f.qts, cfg), ==,
                    TESTDEV_DEVICE << 16 | TESTDEV_VENDOR);
    /* A conventional function has no extended config space. */
    g_assert_cmphex(qtest_readl(f.qts, cfg + 0x100), ==, 0xffffffff);
    /* Absent functions read all ones. */
    g_assert_cmphex(qtest_readl(f.qts, MMCONFIG_BASE + (31 << 15)), ==,
                    0xffffffff);
    /* ECAM and 0xcf8/0xcfc reach the same registers. */
    qtest_writew(f.qts, cfg + PCI_COMMAND, PCI_COMMAND_MEMORY);
    g_assert_cmphex(qpci_config_readw(f.dev, PCI_COMMAND), ==,
                    PCI_COMMAND_MEMORY);
    fixture_end(&f);
}

static void test_reset(void)
{
    Fixture f;
    int i;

    if (!fixture_start(&f, NULL)) {
        return;
    }
    qpci_device_enable(f.dev);
    qpci_io_writel(f.dev, f.regs, REG_SCRATCH, 0x5a5a5a5a);
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'system_reset' }");
    /* The reset runs in the main loop after the reply: wait for it. */
    for (i = 0; i < 1000 && qpci_config_readw(f.dev, PCI_COMMAND); i++) {
        g_usleep(1000);
    }
    g_assert_cmphex(qpci_config_readw(f.dev, PCI_COMMAND), ==, 0);
    g_assert_cmphex(qpci_config_readl(f.dev, PCI_BASE_ADDRESS_0), ==, 0);
    g_assert_cmphex(qpci_config_readl(f.dev, PCI_BASE_ADDRESS_0 + 8), ==,
                    PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    f.regs = qpci_iomap(f.dev, 0, NULL);
    qpci_device_enable(f.dev);
    g_assert_cmphex(qpci_io_readl(f.dev, f.regs, REG_SCRATCH), ==, 0);
    fixture_end(&f);
}

static JsonObject *find_device(JsonArray *devices, int slot)
{
    guint i;

    for (i = 0; i < json_array_get_length(devices); i++) {
        JsonObject *d = json_array_get_object_element(devices, i);

        if (json_object_get_int_member(d, "slot") == slot) {
            return d;
        }
    }
    return NULL;
}

static void test_query_pci(void)
{
    Fixture f;
    JsonObject *rsp, *bus, *dev, *id, *region;
    JsonArray *buses, *devices, *regions;

    if (!fixture_start(&f, "-device pci-testdev,id=second,membar=0")) {
        return;
    }
    qpci_device_enable(f.dev);
    rsp = qtest_qmp(f.qts, "{ 'execute': 'query-pci' }");
    buses = json_object_get_array_member(rsp, "return");
    g_assert_cmpint(json_array_get_length(buses), ==, 1);
    bus = json_array_get_object_element(buses, 0);
    g_assert_cmpint(json_object_get_int_member(bus, "bus"), ==, 0);
    devices = json_object_get_array_member(bus, "devices");

    dev = find_device(devices, 0);
    g_assert_nonnull(dev);
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(dev, "class_info"),
                        "class"), ==, 0x0600);
    id = json_object_get_object_member(dev, "id");
    g_assert_cmpint(json_object_get_int_member(id, "vendor"), ==, 0x8086);
    g_assert_cmpint(json_object_get_int_member(id, "device"), ==, 0x29c0);

    dev = find_device(devices, TESTDEV_SLOT);
    g_assert_nonnull(dev);
    g_assert_cmpstr(json_object_get_string_member(dev, "qdev_id"), ==, "");
    regions = json_object_get_array_member(dev, "regions");
    /* BAR0, BAR1, BAR2 (64-bit prefetchable), BAR4 (MSI-X). */
    g_assert_cmpint(json_array_get_length(regions), ==, 4);
    region = json_array_get_object_element(regions, 0);
    g_assert_cmpstr(json_object_get_string_member(region, "type"), ==,
                    "memory");
    g_assert_cmpint(json_object_get_int_member(region, "address"), ==,
                    f.regs.addr);
    g_assert_cmpint(json_object_get_int_member(region, "size"), ==, 4096);
    region = json_array_get_object_element(regions, 2);
    g_assert_true(json_object_get_boolean_member(region, "prefetch"));
    g_assert_true(json_object_get_boolean_member(region, "mem_type_64"));
    g_assert_cmpint(json_object_get_int_member(region, "address"), ==, -1);

    /* The second one took the first free slot and has no membar. */
    dev = find_device(devices, 1);
    g_assert_nonnull(dev);
    g_assert_cmpstr(json_object_get_string_member(dev, "qdev_id"), ==,
                    "second");
    regions = json_object_get_array_member(dev, "regions");
    g_assert_cmpint(json_array_get_length(regions), ==, 3);
    json_object_unref(rsp);
    fixture_end(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/pci-testdev/registers", test_registers);
    g_test_add_func("/x86_64/pci-testdev/bar-move", test_bar_move);
    g_test_add_func("/x86_64/pci-testdev/intx", test_intx);
    g_test_add_func("/x86_64/pci-testdev/msix", test_msix);
    g_test_add_func("/x86_64/pci-testdev/msi", test_msi);
    g_test_add_func("/x86_64/pci-testdev/dma", test_dma);
    g_test_add_func("/x86_64/pci-testdev/dma-reentrant", test_dma_reentrant);
    g_test_add_func("/x86_64/pci-testdev/msix-reentrant",
                    test_msix_reentrant);
    g_test_add_func("/x86_64/pci-testdev/mmconfig", test_mmconfig);
    g_test_add_func("/x86_64/pci-testdev/reset", test_reset);
    g_test_add_func("/x86_64/pci-testdev/query-pci", test_query_pci);

    return g_test_run();
}
