/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI host bridges: configuration mechanism #1 (0xcf8/0xcfc).
 *
 * CONFIG_ADDRESS (dword at 0xcf8):
 *   bit 31 enable | bits 23:16 bus | bits 15:8 devfn | bits 7:2 register
 * CONFIG_DATA (0xcfc..0xcff): the selected dword; a byte or word access
 * at 0xcfc + n reaches register + n.  With the enable bit clear, or no
 * device at the address, reads return all ones and writes are dropped,
 * which is how firmware and libqos find empty slots.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "hw/pci/pci_host.h"
#include "hw/pci/pci_bus.h"

#define CONFIG_ADDR_ENABLE  (1U << 31)

uint32_t pci_host_config_read_common(PCIDevice *pci_dev, uint32_t addr,
                                     uint32_t limit, uint32_t len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(pci_dev);

    limit = MIN(limit, pci_config_size(pci_dev));
    if (addr >= limit) {
        return ~0U;
    }
    return pc->config_read(pci_dev, addr, MIN(len, limit - addr));
}

void pci_host_config_write_common(PCIDevice *pci_dev, uint32_t addr,
                                  uint32_t limit, uint32_t val,
                                  uint32_t len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(pci_dev);

    limit = MIN(limit, pci_config_size(pci_dev));
    if (addr >= limit) {
        return;
    }
    pc->config_write(pci_dev, addr, val, MIN(len, limit - addr));
}

static PCIDevice *pci_dev_find_by_addr(PCIBus *bus, uint32_t addr)
{
    return pci_find_device(bus, (addr >> 16) & 0xff, (addr >> 8) & 0xff);
}

uint32_t pci_data_read(PCIBus *s, uint32_t addr, unsigned len)
{
    PCIDevice *pci_dev = pci_dev_find_by_addr(s, addr);

    if (!pci_dev) {
        return ~0U;
    }
    return pci_host_config_read_common(pci_dev, addr & 0xff,
                                       PCI_CONFIG_SPACE_SIZE, len);
}

void pci_data_write(PCIBus *s, uint32_t addr, uint32_t val, unsigned len)
{
    PCIDevice *pci_dev = pci_dev_find_by_addr(s, addr);

    if (!pci_dev) {
        return;
    }
    pci_host_config_write_common(pci_dev, addr & 0xff,
                                 PCI_CONFIG_SPACE_SIZE, val, len);
}

/* CONFIG_ADDRESS: only whole-dword writes latch it, as on PC chipsets. */
static void pci_host_config_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned len)
{
    PCIHostState *s = opaque;

    if (addr != 0 || len != 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %u-byte write at offset %"
                      HWADDR_PRIx " of CONFIG_ADDRESS ignored\n", __func__,
                      len, addr);
        return;
    }
    s->config_reg = val;
}

static uint64_t pci_host_config_read(void *opaque, hwaddr addr,
                                     unsigned len)
{
    PCIHostState *s = opaque;

    return s->config_reg >> (8 * (addr & 3));
}

/* Offset in the selected dword, and a length that stays inside it. */
static uint32_t pci_host_data_addr(PCIHostState *s, hwaddr addr,
                                   unsigned *len)
{
    unsigned off = addr & 3;

    *len = MIN(*len, 4 - off);
    return (s->config_reg & ~3U) | off;
}

static void pci_host_data_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned len)
{
    PCIHostState *s = opaque;
    uint32_t config_addr;

    if (!(s->config_reg & CONFIG_ADDR_ENABLE) || !s->bus) {
        return;
    }
    config_addr = pci_host_data_addr(s, addr, &len);
    pci_data_write(s->bus, config_addr, val, len);
}

static uint64_t pci_host_data_read(void *opaque, hwaddr addr, unsigned len)
{
    PCIHostState *s = opaque;
    uint32_t config_addr;

    if (!(s->config_reg & CONFIG_ADDR_ENABLE) || !s->bus) {
        return ~0U;
    }
    config_addr = pci_host_data_addr(s, addr, &len);
    return pci_data_read(s->bus, config_addr, len);
}

const MemoryRegionOps pci_host_conf_le_ops = {
    .read = pci_host_config_read,
    .write = pci_host_config_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

const MemoryRegionOps pci_host_data_le_ops = {
    .read = pci_host_data_read,
    .write = pci_host_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

static void pci_host_initfn(Object *obj)
{
    PCIHostState *s = PCI_HOST_BRIDGE(obj);

    memory_region_init_io(&s->conf_mem, obj, &pci_host_conf_le_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, obj, &pci_host_data_le_ops, s,
                          "pci-conf-data", 4);
}

static const TypeInfo pci_host_type_info = {
    .name = TYPE_PCI_HOST_BRIDGE,
    .parent = TYPE_DEVICE,
    .abstract = true,
    .instance_size = sizeof(PCIHostState),
    .instance_init = pci_host_initfn,
    .class_size = sizeof(DeviceClass),
};

static void pci_host_register_types(void)
{
    type_register_static(&pci_host_type_info);
}

type_init(pci_host_register_types)
