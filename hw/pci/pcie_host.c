/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express host bridges: the ECAM (MMCONFIG) window.
 *
 * Offset bus << 20 | devfn << 12 | register of the window reaches that
 * register of that function, with byte, word or dword accesses; the
 * whole 4 KiB of a PCIe function, the first 256 bytes of a conventional
 * one (reads beyond return all ones).  Absent functions read all ones.
 */

#include "qemu/osdep.h"
#include "exec/address-spaces.h"
#include "hw/pci/pcie_host.h"
#include "hw/pci/pci_bus.h"

static PCIDevice *pcie_dev_find_by_mmcfg_addr(PCIBus *s, hwaddr mmcfg_addr)
{
    return pci_find_device(s, PCIE_MMCFG_BUS(mmcfg_addr),
                           PCIE_MMCFG_DEVFN(mmcfg_addr));
}

static void pcie_mmcfg_data_write(void *opaque, hwaddr mmcfg_addr,
                                  uint64_t val, unsigned len)
{
    PCIExpressHost *e = opaque;
    PCIDevice *pci_dev;

    if (!e->pci.bus) {
        return;
    }
    pci_dev = pcie_dev_find_by_mmcfg_addr(e->pci.bus, mmcfg_addr);
    if (!pci_dev) {
        return;
    }
    pci_host_config_write_common(pci_dev, PCIE_MMCFG_CONFOFFSET(mmcfg_addr),
                                 pci_config_size(pci_dev), val, len);
}

static uint64_t pcie_mmcfg_data_read(void *opaque, hwaddr mmcfg_addr,
                                     unsigned len)
{
    PCIExpressHost *e = opaque;
    PCIDevice *pci_dev;

    if (!e->pci.bus) {
        return ~0ULL;
    }
    pci_dev = pcie_dev_find_by_mmcfg_addr(e->pci.bus, mmcfg_addr);
    if (!pci_dev) {
        return ~0ULL;
    }
    return pci_host_config_read_common(pci_dev,
                                       PCIE_MMCFG_CONFOFFSET(mmcfg_addr),
                                       pci_config_size(pci_dev), len);
}

static const MemoryRegionOps pcie_mmcfg_ops = {
    .read = pcie_mmcfg_data_read,
    .write = pcie_mmcfg_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

void pcie_host_mmcfg_unmap(PCIExpressHost *e)
{
    if (e->base_addr != PCIE_BASE_ADDR_UNMAPPED) {
        memory_region_del_subregion(get_system_memory(), &e->mmio);
        e->base_addr = PCIE_BASE_ADDR_UNMAPPED;
    }
}

void pcie_host_mmcfg_map(PCIExpressHost *e, hwaddr addr, uint64_t size)
{
    assert(!(size & (size - 1)) && size >= PCIE_MMCFG_SIZE_MIN &&
           size <= PCIE_MMCFG_SIZE_MAX);
    e->base_addr = addr;
    e->size = size;
    memory_region_set_size(&e->mmio, size);
    memory_region_add_subregion(get_system_memory(), addr, &e->mmio);
}

void pcie_host_mmcfg_update(PCIExpressHost *e, bool enable, hwaddr addr,
                            uint64_t size)
{
    memory_region_transaction_begin();
    pcie_host_mmcfg_unmap(e);
    if (enable) {
        pcie_host_mmcfg_map(e, addr, size);
    }
    memory_region_transaction_commit();
}

static void pcie_host_initfn(Object *obj)
{
    PCIExpressHost *e = PCIE_HOST_BRIDGE(obj);

    e->base_addr = PCIE_BASE_ADDR_UNMAPPED;
    memory_region_init_io(&e->mmio, obj, &pcie_mmcfg_ops, e,
                          "pcie-mmcfg-mmio", PCIE_MMCFG_SIZE_MAX);
}

static const TypeInfo pcie_host_type_info = {
    .name = TYPE_PCIE_HOST_BRIDGE,
    .parent = TYPE_PCI_HOST_BRIDGE,
    .abstract = true,
    .instance_size = sizeof(PCIExpressHost),
    .instance_init = pcie_host_initfn,
};

static void pcie_host_register_types(void)
{
    type_register_static(&pcie_host_type_info);
}

type_init(pcie_host_register_types)
