/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP query-pci: every root bus and the functions on it, in QEMU's shape:
 *
 *   [{"bus": 0, "devices": [{"bus", "slot", "function",
 *       "class_info": {"class", "desc"?},
 *       "id": {"vendor", "device", "subsystem", "subsystem-vendor"},
 *       "irq"?, "irq_pin", "qdev_id",
 *       "regions": [{"bar", "type": "io" | "memory", "address", "size",
 *                    "prefetch"?, "mem_type_64"?}]}]}]
 *
 * "address" is where the BAR is mapped now, -1 when it is not (decoding
 * off or never assigned), as QEMU reports it.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"

static const struct {
    uint16_t class;
    const char *desc;
} pci_class_descriptions[] = {
    { PCI_CLASS_STORAGE_SCSI, "SCSI controller" },
    { PCI_CLASS_STORAGE_SATA, "SATA controller" },
    { PCI_CLASS_STORAGE_OTHER, "Storage controller" },
    { PCI_CLASS_NETWORK_ETHERNET, "Ethernet controller" },
    { PCI_CLASS_DISPLAY_VGA, "VGA controller" },
    { PCI_CLASS_DISPLAY_OTHER, "Display controller" },
    { PCI_CLASS_MULTIMEDIA_AUDIO, "Audio controller" },
    { PCI_CLASS_MEMORY_RAM, "RAM controller" },
    { PCI_CLASS_BRIDGE_HOST, "Host bridge" },
    { PCI_CLASS_BRIDGE_ISA, "ISA bridge" },
    { PCI_CLASS_BRIDGE_PCI, "PCI bridge" },
    { PCI_CLASS_BRIDGE_OTHER, "Bridge" },
    { PCI_CLASS_COMMUNICATION_SERIAL, "Serial port" },
    { PCI_CLASS_SYSTEM_OTHER, "System peripheral" },
    { PCI_CLASS_INPUT_OTHER, "Input device controller" },
    { PCI_CLASS_SERIAL_USB, "USB controller" },
};

static JsonObject *qmp_query_pci_region(PCIDevice *dev, int bar)
{
    PCIIORegion *r = &dev->io_regions[bar];
    JsonObject *region = json_object_new();

    json_object_set_int_member(region, "bar", bar);
    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        json_object_set_string_member(region, "type", "io");
    } else {
        json_object_set_string_member(region, "type", "memory");
        json_object_set_boolean_member(region, "prefetch",
            !!(r->type & PCI_BASE_ADDRESS_MEM_PREFETCH));
        json_object_set_boolean_member(region, "mem_type_64",
            !!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64));
    }
    json_object_set_int_member(region, "address", (int64_t)r->addr);
    json_object_set_int_member(region, "size", r->size);
    return region;
}

static void qmp_query_pci_device(PCIBus *bus, PCIDevice *dev, void *opaque)
{
    JsonArray *devices = opaque;
    JsonObject *info = json_object_new();
    JsonObject *class_info = json_object_new();
    JsonObject *id = json_object_new();
    JsonArray *regions = json_array_new();
    uint16_t class = pci_get_word(dev->config + PCI_CLASS_DEVICE);
    uint8_t pin = dev->config[PCI_INTERRUPT_PIN];
    int i;

    json_object_set_int_member(info, "bus", pci_bus_num(bus));
    json_object_set_int_member(info, "slot", PCI_SLOT(dev->devfn));
    json_object_set_int_member(info, "function", PCI_FUNC(dev->devfn));

    for (i = 0; i < ARRAY_SIZE(pci_class_descriptions); i++) {
        if (pci_class_descriptions[i].class == class) {
            json_object_set_string_member(class_info, "desc",
                                          pci_class_descriptions[i].desc);
            break;
        }
    }
    json_object_set_int_member(class_info, "class", class);
    json_object_set_object_member(info, "class_info", class_info);

    json_object_set_int_member(id, "device",
                               pci_get_word(dev->config + PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor",
                               pci_get_word(dev->config + PCI_VENDOR_ID));
    json_object_set_int_member(id, "subsystem",
                               pci_get_word(dev->config + PCI_SUBSYSTEM_ID));
    json_object_set_int_member(id, "subsystem-vendor",
                               pci_get_word(dev->config +
                                            PCI_SUBSYSTEM_VENDOR_ID));
    json_object_set_object_member(info, "id", id);

    if (pin) {
        json_object_set_int_member(info, "irq",
                                   dev->config[PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(info, "irq_pin", pin);
    json_object_set_string_member(info, "qdev_id",
                                  DEVICE(dev)->id ? DEVICE(dev)->id : "");

    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        if (dev->io_regions[i].size) {
            json_array_add_object_element(regions,
                                          qmp_query_pci_region(dev, i));
        }
    }
    json_object_set_array_member(info, "regions", regions);
    json_array_add_object_element(devices, info);
}

static void qmp_query_pci(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonArray *list;
    PCIBus *bus = NULL;

    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    list = json_array_new();
    while ((bus = pci_root_bus_next(bus)) != NULL) {
        JsonObject *info = json_object_new();
        JsonArray *devices = json_array_new();

        json_object_set_int_member(info, "bus", pci_bus_num(bus));
        pci_for_each_device(bus, pci_bus_num(bus), qmp_query_pci_device,
                            devices);
        json_object_set_array_member(info, "devices", devices);
        json_array_add_object_element(list, info);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, list);
}

static void __attribute__((constructor)) pci_qmp_register(void)
{
    qmp_register_command("query-pci", qmp_query_pci, QCO_NO_OPTIONS);
}
