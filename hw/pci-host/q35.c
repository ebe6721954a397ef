/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The q35 host bridge ("q35-pcihost") and its MCH function ("mch", 00.0).
 *
 * The host owns the PCIe root bus "pcie.0", decodes CONFIG_ADDRESS and
 * CONFIG_DATA at 0xcf8/0xcfc of the I/O space, and routes INTx to its
 * eight PIRQ outputs.  The MCH holds PCIEXBAR, which places the MMCONFIG
 * window.
 *
 * PCI memory is system memory itself and PCI I/O is the I/O space: BARs
 * are mapped straight into get_system_memory()/get_system_io(), below
 * RAM (docs/devel/pci.md explains why that is enough here).
 *
 * Unlike real q35 (and QEMU), where firmware enables MMCONFIG, PCIEXBAR
 * resets to "enabled, 256 MiB at 0xb0000000": there is no firmware, and
 * guests and tests expect ECAM to work from the start.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci-host/q35.h"

/* Host bridge */

static int q35_host_map_irq(PCIDevice *pci_dev, int pin)
{
    return q35_pirq_of(PCI_SLOT(pci_dev->devfn), pin);
}

static void q35_host_set_irq(void *opaque, int pirq, int level)
{
    Q35PCIHost *s = opaque;

    qemu_set_irq(s->pirq[pirq], level);
}

static void q35_host_realize(DeviceState *dev, Error **errp)
{
    Q35PCIHost *s = Q35_HOST_DEVICE(dev);
    PCIHostState *phb = PCI_HOST_BRIDGE(dev);
    DeviceState *mch;

    memory_region_add_subregion(get_system_io(), MCH_HOST_BRIDGE_CONFIG_ADDR,
                                &phb->conf_mem);
    memory_region_add_subregion(get_system_io(), MCH_HOST_BRIDGE_CONFIG_DATA,
                                &phb->data_mem);

    phb->bus = pci_root_bus_new(dev, "pcie.0", get_system_memory(),
                                get_system_io(), 0, TYPE_PCIE_BUS);
    pci_bus_irqs(phb->bus, q35_host_set_irq, s, Q35_NUM_PIRQ);
    pci_bus_map_irqs(phb->bus, q35_host_map_irq);

    mch = qdev_new(TYPE_MCH_PCI_DEVICE);
    object_property_set_str(OBJECT(mch), "addr", "0.0", &error_abort);
    object_property_add_child(OBJECT(s), "mch", OBJECT(mch));
    s->mch = MCH_PCI_DEVICE(mch);
    qdev_realize_and_unref(mch, BUS(phb->bus), errp);
}

static void q35_host_unrealize(DeviceState *dev)
{
    PCIHostState *phb = PCI_HOST_BRIDGE(dev);

    /* pcie.0 and its devices (the MCH included) are gone already. */
    Q35_HOST_DEVICE(dev)->mch = NULL;
    phb->bus = NULL;
    memory_region_del_subregion(get_system_io(), &phb->data_mem);
    memory_region_del_subregion(get_system_io(), &phb->conf_mem);
}

static void q35_host_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "Q35 PCIe host bridge";
    dc->realize = q35_host_realize;
    dc->unrealize = q35_host_unrealize;
}

/* MCH */

static PCIExpressHost *mch_host(MCHPCIState *mch)
{
    return PCIE_HOST_BRIDGE(qdev_get_parent_bus(DEVICE(mch))->parent);
}

static void mch_update_pciexbar(MCHPCIState *mch)
{
    PCIDevice *pd = PCI_DEVICE(mch);
    uint64_t pciexbar = pci_get_quad(pd->config + MCH_HOST_BRIDGE_PCIEXBAR);
    uint64_t addr_mask = MCH_HOST_BRIDGE_PCIEXBAR_ADMSK;
    uint64_t length;

    switch (pciexbar & MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_MASK) {
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_256M:
        length = 256 * MiB;
        break;
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_128M:
        length = 128 * MiB;
        addr_mask |= MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK;
        break;
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_64M:
        length = 64 * MiB;
        addr_mask |= MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK |
                     MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: reserved PCIEXBAR length, "
                      "MMCONFIG disabled\n", __func__);
        pcie_host_mmcfg_update(mch_host(mch), false, 0, 0);
        return;
    }
    pcie_host_mmcfg_update(mch_host(mch),
                           pciexbar & MCH_HOST_BRIDGE_PCIEXBAR_EN,
                           pciexbar & addr_mask, length);
}

static void mch_write_config(PCIDevice *d, uint32_t address, uint32_t val,
                             int len)
{
    pci_default_write_config(d, address, val, len);
    if (address < MCH_HOST_BRIDGE_PCIEXBAR + MCH_HOST_BRIDGE_PCIEXBAR_SIZE &&
        MCH_HOST_BRIDGE_PCIEXBAR < address + len) {
        mch_update_pciexbar(MCH_PCI_DEVICE(d));
    }
}

static void mch_reset(PCIDevice *d)
{
    pci_set_quad(d->config + MCH_HOST_BRIDGE_PCIEXBAR,
                 MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT |
                 MCH_HOST_BRIDGE_PCIEXBAR_EN);
    mch_update_pciexbar(MCH_PCI_DEVICE(d));
}

static void mch_realize(PCIDevice *d, Error **errp)
{
    pci_set_quad(d->wmask + MCH_HOST_BRIDGE_PCIEXBAR,
                 MCH_HOST_BRIDGE_PCIEXBAR_ADMSK |
                 MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK |
                 MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK |
                 MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_MASK |
                 MCH_HOST_BRIDGE_PCIEXBAR_EN);
}

static void mch_exit(PCIDevice *d)
{
    pcie_host_mmcfg_unmap(mch_host(MCH_PCI_DEVICE(d)));
}

static void mch_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    dc->desc = "Host bridge";
    /* Part of the q35 host; -device cannot make one. */
    dc->user_creatable = false;
    k->realize = mch_realize;
    k->exit = mch_exit;
    k->reset = mch_reset;
    k->config_write = mch_write_config;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_Q35_MCH;
    k->revision = MCH_HOST_BRIDGE_REVISION_DEFAULT;
    k->class_id = PCI_CLASS_BRIDGE_HOST;
}

static const TypeInfo q35_types[] = {
    {
        .name = TYPE_Q35_HOST_DEVICE,
        .parent = TYPE_PCIE_HOST_BRIDGE,
        .instance_size = sizeof(Q35PCIHost),
        .class_init = q35_host_class_init,
    },
    {
        .name = TYPE_MCH_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(MCHPCIState),
        .class_init = mch_class_init,
    },
};

DEFINE_TYPES(q35_types)
