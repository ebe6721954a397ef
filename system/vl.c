/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-system-x86_64: command line and start-up.
 *
 * Start-up happens in this order, as in QEMU:
 *   1. parse every option (help requests print and exit here);
 *   2. main loop, character devices and monitors, network backends;
 *   3. accelerator, machine, memory map (the board builds RAM, buses,
 *      -nic NICs);
 *   4. the qtest server, then -device in command-line order;
 *   5. start the VM unless -S.
 * An error at any step prints one line in QEMU's form, prefixed with the
 * option it concerns, and exits with status 1.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/id.h"
#include "qemu/keyval.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qemu/accel.h"
#include "qemu/units.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "exec/memory.h"
#include "exec/address-spaces.h"
#include "hw/boards.h"
#include "hw/char/serial.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "qom/object_interfaces.h"
#include "trace/control.h"

typedef enum {
    OPT_HELP,
    OPT_VERSION,
    OPT_MACHINE,
    OPT_ACCEL,
    OPT_MEMORY,
    OPT_DEVICE,
    OPT_DISPLAY,
    OPT_NODEFAULTS,
    OPT_QTEST,
    OPT_QTEST_LOG,
    OPT_CHARDEV,
    OPT_MON,
    OPT_QMP,
    OPT_NAME,
    OPT_STOPPED,
    OPT_NO_SHUTDOWN,
    OPT_LOG,
    OPT_LOGFILE,
    OPT_TRACE,
    OPT_OBJECT,
    OPT_NETDEV,
    OPT_NIC,
    OPT_SMP,
    OPT_KERNEL,
    OPT_APPEND,
    OPT_SERIAL,
    OPT_NOGRAPHIC,
    OPT_NO_REBOOT,
} OptionIndex;

typedef struct OptionDef {
    const char *name;
    bool has_arg;
    OptionIndex index;
    const char *help;
} OptionDef;

static const OptionDef options[] = {
    { "h", false, OPT_HELP, "-h or -help      display this help and exit" },
    { "help", false, OPT_HELP, NULL },
    { "version", false, OPT_VERSION,
      "-version         display version information and exit" },
    { "machine", true, OPT_MACHINE,
      "-machine [type=]name[,prop=value]\n"
      "                 select the machine (-machine help for a list)" },
    { "M", true, OPT_MACHINE, NULL },
    { "accel", true, OPT_ACCEL,
      "-accel [accel=]name[,prop=value][,...]\n"
      "                 select the accelerator (-accel help for a list);\n"
      "                 several -accel (or name1:name2) are tried in "
      "order\n"
      "                 tcg: thread=single; kvm: needs /dev/kvm" },
    { "smp", true, OPT_SMP,
      "-smp [cpus=]n[,maxcpus=n][,sockets=n][,cores=n][,threads=n]\n"
      "                 number of vCPUs and their topology" },
    { "m", true, OPT_MEMORY,
      "-m [size=]megs   guest RAM size (suffixes K, M, G, T; default MiB)" },
    { "device", true, OPT_DEVICE,
      "-device driver[,prop=value][,...]\n"
      "                 add a device (-device help, -device driver,help)" },
    { "display", true, OPT_DISPLAY, "-display none    no display" },
    { "nodefaults", false, OPT_NODEFAULTS,
      "-nodefaults      create no default devices" },
    { "qtest", true, OPT_QTEST,
      "-qtest chardev   serve the qtest protocol (unix:PATH, stdio, null "
      "or a chardev id)" },
    { "qtest-log", true, OPT_QTEST_LOG,
      "-qtest-log file  log the qtest session to file (default stderr, "
      "'none': off)" },
    { "chardev", true, OPT_CHARDEV,
      "-chardev socket,id=id,path=path[,server=on|off][,wait=on|off]\n"
      "-chardev stdio,id=id\n"
      "-chardev null,id=id\n"
      "                 create a character device" },
    { "mon", true, OPT_MON,
      "-mon chardev=id,mode=control\n"
      "                 QMP monitor on a character device" },
    { "qmp", true, OPT_QMP,
      "-qmp dev         QMP monitor on dev (unix:PATH, stdio, null)" },
    { "name", true, OPT_NAME,
      "-name string[,debug-threads=on|off]\n"
      "                 guest name; debug-threads names host threads" },
    { "S", false, OPT_STOPPED, "-S               do not start the guest" },
    { "no-shutdown", false, OPT_NO_SHUTDOWN,
      "-no-shutdown     stop, rather than exit, on guest shutdown" },
    { "d", true, OPT_LOG,
      "-d item[,...]    log items (guest_errors, unimp, trace:PATTERN; "
      "'help' for list)" },
    { "D", true, OPT_LOGFILE, "-D logfile       output log to logfile "
      "(default stderr)" },
    { "trace", true, OPT_TRACE,
      "-trace [[enable=]<pattern>][,events=<file>][,file=<file>]\n"
      "                 enable trace events matching <pattern> (-trace "
      "help lists them)" },
    { "object", true, OPT_OBJECT,
      "-object TYPENAME[,PROP1=VALUE1,...]\n"
      "                 create a new object of type TYPENAME ('help' "
      "lists them)" },
    { "netdev", true, OPT_NETDEV,
      "-netdev user,id=str[,ipv4=on|off][,net=addr[/mask]][,host=addr]\n"
      "         [,ipv6=on|off][,restrict=on|off][,dhcpstart=addr]"
      "[,dns=addr]\n"
      "         [,hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:"
      "guestport]\n"
      "                 user mode network backend 'str' on libslirp "
      "('help' for a list)" },
    { "nic", true, OPT_NIC,
      "-nic user|none[,model=mn][,mac=macaddr][,user options]\n"
      "                 a NIC (model=help for a list) with its own "
      "backend" },
    { "no-reboot", false, OPT_NO_REBOOT,
      "-no-reboot       exit instead of rebooting" },
    { "kernel", true, OPT_KERNEL,
      "-kernel file     boot this multiboot kernel directly" },
    { "append", true, OPT_APPEND,
      "-append cmdline  the kernel's command line" },
    { "serial", true, OPT_SERIAL,
      "-serial dev      the next COM port: stdio, null, none, "
      "chardev:ID,\n"
      "                 unix:PATH" },
    { "nographic", false, OPT_NOGRAPHIC,
      "-nographic       no display; COM1 on stdio unless -serial says "
      "otherwise" },
};

/* One command-line option with its argument, in command-line order. */
typedef struct CmdOption {
    const OptionDef *def;
    const char *arg;
} CmdOption;

static GArray *cmd_options;
static const char *qtest_chrdev;
static const char *qtest_log;
static bool start_stopped;
static bool nographic;
static bool nodefaults;

/* -serial: the chardev of each COM port, in order; NULL for "none". */
static Chardev *serial_hds[MAX_ISA_SERIAL_PORTS];
static int serial_hds_count;

static void version(void)
{
    printf("QEMU emulator version " QEMU_VERSION " (" QEMU_PKGVERSION ")\n"
           "A trimmed QEMU tree for testing one patch series; "
           "GPL-2.0-or-later\n");
}

static void help(void)
{
    size_t i;

    version();
    printf("usage: qemu-system-x86_64 [options]\n\n");
    for (i = 0; i < ARRAY_SIZE(options); i++) {
        if (options[i].help) {
            printf("%s\n", options[i].help);
        }
    }
}

/* Print a message for the option being processed, then exit(1). */
static G_NORETURN void opt_fail(Error *err)
{
    error_report_err(err);
    exit(1);
}

static const OptionDef *lookup_option(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(options); i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    return NULL;
}

/*
 * Options start with one or two dashes.  The location is set to the
 * option (and argument) so that every message about it is prefixed.
 */
static void parse_command_line(int argc, char **argv)
{
    int i = 1;

    cmd_options = g_array_new(FALSE, FALSE, sizeof(CmdOption));
    while (i < argc) {
        const char *name = argv[i];
        CmdOption opt;

        if (name[0] != '-') {
            loc_set_none();
            error_report("%s: unsupported positional argument (no disk "
                         "images here)", name);
            exit(1);
        }
        name += (name[1] == '-') ? 2 : 1;
        opt.def = lookup_option(name);
        if (!opt.def) {
            loc_set_str(argv[i]);
            error_report("invalid option");
            exit(1);
        }
        opt.arg = NULL;
        if (opt.def->has_arg) {
            if (i + 1 >= argc) {
                loc_set_str(argv[i]);
                error_report("requires an argument");
                exit(1);
            }
            opt.arg = argv[i + 1];
            i++;
        }
        i++;
        g_array_append_val(cmd_options, opt);
    }
}

/* The location prefix for messages about @opt: "-device foo,bar=1". */
static char *option_location(const CmdOption *opt)
{
    return opt->arg ? g_strdup_printf("-%s %s", opt->def->name, opt->arg)
                    : g_strdup_printf("-%s", opt->def->name);
}

/* Machines */

static void machine_help(void)
{
    g_autoptr(GSList) list = machine_class_list();
    GSList *el;

    printf("Supported machines are:\n");
    for (el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (mc->alias) {
            printf("%-20s %s (alias of %s)\n", mc->alias, mc->desc,
                   mc->name);
        }
        printf("%-20s %s%s\n", mc->name, mc->desc,
               mc->is_default ? " (default)" : "");
    }
}

static void accel_help(void)
{
    g_autoptr(GSList) list = accel_class_list();
    GSList *el;

    printf("Accelerators supported in QEMU binary:\n");
    for (el = list; el; el = el->next) {
        printf("%s\n", ACCEL_CLASS(el->data)->name);
    }
}

/* Devices */

static void device_help_one(gpointer data, gpointer user_data)
{
    DeviceClass *dc = data;

    if (!dc->user_creatable) {
        return;
    }
    printf("name \"%s\"", object_class_get_name(OBJECT_CLASS(dc)));
    if (dc->bus_type) {
        printf(", bus %s", dc->bus_type);
    }
    if (dc->desc) {
        printf(", desc \"%s\"", dc->desc);
    }
    printf("\n");
}

static void device_help(void)
{
    g_autoptr(GSList) list = object_class_get_list_sorted(TYPE_DEVICE,
                                                          false);

    printf("Devices:\n");
    g_slist_foreach(list, device_help_one, NULL);
}

static gint prop_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ObjectProperty *)a)->name,
                  ((const ObjectProperty *)b)->name);
}

static void collect_prop(ObjectProperty *prop, void *opaque)
{
    GSList **list = opaque;

    *list = g_slist_insert_sorted(*list, prop, prop_cmp);
}

/* What QEMU leaves out of -device DRIVER,help: QOM and qdev plumbing. */
static bool device_help_skip(const ObjectProperty *prop)
{
    static const char *const skip[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus", NULL
    };

    return g_strv_contains(skip, prop->name) ||
           g_str_has_prefix(prop->name, "legacy-");
}

/* A fresh instance's value as QEMU shows a default: JSON. */
static char *device_help_default(Object *obj, const ObjectProperty *prop)
{
    static const char *const numeric[] = {
        "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
        "int64", "size", NULL
    };
    g_autofree char *value = NULL;
    int64_t num;

    if (!prop->get || g_str_has_prefix(prop->type, "child<") ||
        g_str_has_prefix(prop->type, "link<")) {
        return NULL;
    }
    value = object_property_print(obj, prop->name, NULL);
    if (!value) {
        return NULL;
    }
    if (!strcmp(prop->type, "bool")) {
        return g_strdup(!strcmp(value, "on") ? "true" : "false");
    }
    if (g_strv_contains(numeric, prop->type)) {
        /* A number, unless the property prints something else. */
        if (qemu_strtoi64(value, NULL, 0, &num) < 0) {
            return NULL;
        }
        return g_steal_pointer(&value);
    }
    return g_strdup_printf("\"%s\"", value);
}

/*
 * -device DRIVER,help: every property of an instance, as QEMU lists
 * them (instance properties too, such as those a virtio-pci proxy
 * forwards to its virtio device), sorted, with description and default.
 */
static void device_props_help(DeviceClass *dc)
{
    Object *obj = object_new(object_class_get_name(OBJECT_CLASS(dc)));
    g_autoptr(GSList) list = NULL;
    GSList *el;

    object_property_foreach(obj, collect_prop, &list);
    printf("%s options:\n", object_class_get_name(OBJECT_CLASS(dc)));
    for (el = list; el; el = el->next) {
        ObjectProperty *prop = el->data;
        g_autoptr(GString) line = g_string_new(NULL);
        g_autofree char *def = NULL;

        if (device_help_skip(prop)) {
            continue;
        }
        g_string_printf(line, "  %s=<%s>", prop->name, prop->type);
        def = device_help_default(obj, prop);
        if (prop->description || def) {
            while (line->len < 24) {
                g_string_append_c(line, ' ');
            }
            g_string_append_printf(line, " - %s",
                                   prop->description ? prop->description
                                                     : "");
        }
        if (def) {
            g_string_append_printf(line, " (default: %s)", def);
        }
        printf("%s\n", line->str);
    }
    object_unref(obj);
}

/* Depth-first search for a bus of @type (named @name when given). */
typedef struct BusSearch {
    const char *type;
    const char *name;
    BusState *found;
} BusSearch;

static int bus_search_one(Object *child, void *opaque)
{
    BusSearch *s = opaque;

    if (s->found || child->parent == child) {
        return s->found != NULL;
    }
    if (object_dynamic_cast(child, TYPE_BUS)) {
        BusState *bus = BUS(child);

        if ((!s->type || object_dynamic_cast(child, s->type)) &&
            (!s->name || !strcmp(bus->name, s->name))) {
            s->found = bus;
            return 1;
        }
    }
    return object_child_foreach(child, bus_search_one, s);
}

static BusState *find_bus(const char *type, const char *name)
{
    BusSearch s = { .type = type, .name = name };

    object_child_foreach(qdev_get_machine(), bus_search_one, &s);
    return s.found;
}

/* -device: QEMU's qdev_device_add() rules and messages. */
static void device_add(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "driver", errp);
    const char *driver, *id, *bus_name;
    ObjectClass *oc;
    DeviceClass *dc;
    DeviceState *dev;
    BusState *bus = NULL;
    Object *container;
    int i;

    if (!kv) {
        return;
    }
    driver = keyval_get(kv, "driver");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return;
    }
    oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return;
    }

    bus_name = keyval_get(kv, "bus");
    if (bus_name) {
        bus = find_bus(NULL, bus_name);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", bus_name);
            return;
        }
        if (!dc->bus_type || !object_dynamic_cast(OBJECT(bus),
                                                  dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return;
        }
    } else if (dc->bus_type) {
        bus = find_bus(dc->bus_type, NULL);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'",
                       dc->bus_type, driver);
            return;
        }
    }

    id = keyval_get(kv, "id");
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, ID_WELLFORMED_HINT);
        return;
    }
    container = container_get(qdev_get_machine(),
                              id ? "peripheral" : "peripheral-anon");
    if (id && object_resolve_path_component(container, id)) {
        error_setg(errp, "Duplicate device ID '%s'", id);
        return;
    }

    dev = qdev_new(driver);
    dev->id = g_strdup(id);
    for (i = 0; i < kv->n; i++) {
        const char *key = kv->pairs[i].key;

        if (!strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        if (!object_property_parse(OBJECT(dev), key, kv->pairs[i].value,
                                   errp)) {
            object_unref(OBJECT(dev));
            return;
        }
    }
    object_property_add_child(container, id ? id : "device[*]",
                              OBJECT(dev));
    if (!qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
    }
    object_unref(OBJECT(dev));
}

/*
 * The device class whose properties "-device DRIVER,help" asks for, NULL
 * if @optarg asks no help.  Nothing stays allocated: the caller exits.
 */
static DeviceClass *device_help_class(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "driver", errp);
    const char *driver = kv ? keyval_get(kv, "driver") : NULL;
    ObjectClass *oc;

    if (!kv || !driver || !keyval_get(kv, "help")) {
        return NULL;
    }
    oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    return DEVICE_CLASS(oc);
}

/* Early help requests: -machine help, -accel help, -device help... */
static void process_help_options(void)
{
    guint i;

    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);
        Error *err = NULL;

        loc_set_str(loc);
        switch (opt->def->index) {
        case OPT_HELP:
            help();
            exit(0);
        case OPT_VERSION:
            version();
            exit(0);
        case OPT_MACHINE:
            if (!strcmp(opt->arg, "help") || !strcmp(opt->arg, "?")) {
                machine_help();
                exit(0);
            }
            break;
        case OPT_ACCEL:
            if (!strcmp(opt->arg, "help") || !strcmp(opt->arg, "?")) {
                accel_help();
                exit(0);
            }
            break;
        case OPT_DEVICE:
            if (!strcmp(opt->arg, "help") || !strcmp(opt->arg, "?")) {
                device_help();
                exit(0);
            } else {
                DeviceClass *dc = device_help_class(opt->arg, &err);

                if (err) {
                    opt_fail(err);
                }
                if (dc) {
                    device_props_help(dc);
                    exit(0);
                }
            }
            break;
        case OPT_LOG:
            if (!strcmp(opt->arg, "help")) {
                qemu_print_log_usage(stdout);
                exit(0);
            }
            if (!strcmp(opt->arg, "trace:help")) {
                trace_list_events(stdout);
                exit(0);
            }
            break;
        case OPT_OBJECT:
            if (user_creatable_help(opt->arg)) {
                exit(0);
            }
            break;
        case OPT_NETDEV:
            if (!strcmp(opt->arg, "help") || !strcmp(opt->arg, "?")) {
                net_help_backends();
                exit(0);
            }
            break;
        default:
            break;
        }
    }
    loc_set_none();
}

/* -m [size=]SIZE: false, with @errp set, for a bad one. */
static bool parse_ram_size(const char *arg, uint64_t *value, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(arg, "size", errp);
    const char *size;

    if (!kv) {
        return false;
    }
    size = keyval_get(kv, "size");
    if (!size || qemu_strtosz_MiB(size, NULL, value) < 0 || *value == 0) {
        error_setg(errp, "Parameter 'size' expects a non-negative number "
                   "below 2^64");
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means "
                          "kilo-, mega-, giga-, tera-, peta-\nand exabytes, "
                          "respectively.\n");
        return false;
    }
    return true;
}

/* Fail for the first key of @kv that is not in @keys (NULL-terminated). */
static bool check_keys(const KeyValList *kv, const char *const *keys,
                       const char *fmt, Error **errp)
{
    int i;

    for (i = 0; i < kv->n; i++) {
        if (!g_strv_contains(keys, kv->pairs[i].key)) {
            error_setg(errp, fmt, kv->pairs[i].key);
            return false;
        }
    }
    return true;
}

/* -display none: QEMU's messages for what is not there. */
static void parse_display(const char *arg, Error **errp)
{
    static const char *const keys[] = { "type", NULL };
    g_autoptr(KeyValList) kv = keyval_parse(arg, "type", errp);

    if (!kv || !check_keys(kv, keys, "Parameter '%s' is unexpected", errp)) {
        return;
    }
    if (g_strcmp0(keyval_get(kv, "type"), "none")) {
        error_setg(errp, "Display '%s' is not available",
                   keyval_get(kv, "type"));
    }
}

/* -name [guest=]NAME[,process=P][,debug-threads=on|off] */
static void parse_name(const char *arg, Error **errp)
{
    static const char *const keys[] = {
        "guest", "process", "debug-threads", NULL
    };
    g_autoptr(KeyValList) kv = keyval_parse(arg, "guest", errp);
    const char *debug_threads;
    bool on;

    if (!kv || !check_keys(kv, keys, "Invalid parameter '%s'", errp)) {
        return;
    }
    debug_threads = keyval_get(kv, "debug-threads");
    if (debug_threads) {
        if (!qapi_bool_parse("debug-threads", debug_threads, &on, errp)) {
            return;
        }
        qemu_thread_naming(on);
    }
}

/*
 * -machine keys other than type and accel are properties of the machine
 * object, set before it is built; as in QEMU, an error names the
 * property, not the option.
 */
static void machine_set_properties(MachineState *ms, GPtrArray *args)
{
    guint i;
    int j;

    for (i = 0; i < args->len; i++) {
        g_autoptr(KeyValList) kv = keyval_parse(g_ptr_array_index(args, i),
                                                "type", &error_abort);

        for (j = 0; j < kv->n; j++) {
            const char *key = kv->pairs[j].key;

            if (strcmp(key, "type") && strcmp(key, "accel") &&
                !object_property_parse(OBJECT(ms), key, kv->pairs[j].value,
                                       &error_fatal)) {
                return;
            }
        }
    }
}

/* -serial */

Chardev *serial_hd(int i)
{
    return i >= 0 && i < serial_hds_count ? serial_hds[i] : NULL;
}

/* The COM port for @spec, the next one; its chardev is "serialN". */
static void serial_parse(const char *spec, Error **errp)
{
    Chardev **chr;
    g_autofree char *label = NULL;
    Error *local_err = NULL;

    if (serial_hds_count == MAX_ISA_SERIAL_PORTS) {
        error_setg(errp, "too many serial ports (at most %d)",
                   MAX_ISA_SERIAL_PORTS);
        return;
    }
    chr = &serial_hds[serial_hds_count++];
    if (!strcmp(spec, "none")) {
        return;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        *chr = qemu_chr_find(spec + strlen("chardev:"));
    } else {
        label = g_strdup_printf("serial%d", serial_hds_count - 1);
        *chr = qemu_chr_new(label, spec, &local_err);
    }
    if (!*chr) {
        error_setg(errp, "could not connect serial device to character "
                   "backend '%s'%s%s", spec, local_err ? ": " : "",
                   local_err ? error_get_pretty(local_err) : "");
        error_free(local_err);
    }
}

/* -smp [cpus=]N[,maxcpus=N][,sockets=N][,cores=N][,threads=N] */
static bool smp_parse(const char *arg, SMPConfiguration *config,
                      Error **errp)
{
    static const char *const keys[] = {
        "cpus", "maxcpus", "sockets", "cores", "threads",
    };
    g_autoptr(KeyValList) kv = keyval_parse(arg, "cpus", errp);
    bool *has[] = {
        &config->has_cpus, &config->has_maxcpus, &config->has_sockets,
        &config->has_cores, &config->has_threads,
    };
    uint64_t *val[] = {
        &config->cpus, &config->maxcpus, &config->sockets, &config->cores,
        &config->threads,
    };
    int i, k;

    if (!kv) {
        return false;
    }
    for (i = 0; i < kv->n; i++) {
        uint64_t v;

        for (k = 0; k < ARRAY_SIZE(keys); k++) {
            if (!strcmp(kv->pairs[i].key, keys[k])) {
                break;
            }
        }
        if (k == ARRAY_SIZE(keys)) {
            error_setg(errp, "Parameter 'smp.%s' is unexpected",
                       kv->pairs[i].key);
            return false;
        }
        if (qemu_strtou64(kv->pairs[i].value, NULL, 0, &v) < 0 ||
            v > UINT32_MAX) {
            error_setg(errp, "Parameter 'smp.%s' expects integer", keys[k]);
            return false;
        }
        *has[k] = true;
        *val[k] = v;
    }
    return true;
}

/*
 * Accelerators, as QEMU's configure_accelerators(): every -accel (or
 * the names of -machine accel=A:B) is tried in order and the first that
 * initialises wins; the ones that fail say why.
 */
typedef struct AccelChoice {
    char *name;
    char *location;         /* the -accel option, NULL for -machine */
    KeyValList *props;
} AccelChoice;

static void accel_choice_free(gpointer p)
{
    AccelChoice *c = p;

    g_free(c->name);
    g_free(c->location);
    keyval_free(c->props);
}

static void accel_choices_add(GArray *choices, const char *names,
                              const char *location, KeyValList *props)
{
    g_auto(GStrv) list = g_strsplit(names, ":", -1);
    int i;

    for (i = 0; list[i]; i++) {
        AccelChoice c = {
            .name = g_strdup(list[i]),
            .location = g_strdup(location),
            /* Properties belong to a single accelerator. */
            .props = list[1] ? NULL : props,
        };

        g_array_append_val(choices, c);
    }
    if (!list[0] || list[1]) {
        keyval_free(props);
    }
}

/* Set the -accel properties other than the name on @accel. */
static bool accel_set_props(AccelState *accel, const KeyValList *props,
                            Error **errp)
{
    int i;

    for (i = 0; props && i < props->n; i++) {
        const char *key = props->pairs[i].key;

        if (!strcmp(key, "accel")) {
            continue;
        }
        if (!object_property_find(OBJECT(accel), key)) {
            error_setg(errp, "Property '%s.%s' not found",
                       object_get_typename(OBJECT(accel)), key);
            return false;
        }
        if (!object_property_parse(OBJECT(accel), key, props->pairs[i].value,
                                   errp)) {
            return false;
        }
    }
    return true;
}

static void configure_accelerators(GArray *choices)
{
    bool init_failed = false;
    guint i;

    for (i = 0; i < choices->len; i++) {
        AccelChoice *c = &g_array_index(choices, AccelChoice, i);
        AccelClass *ac = accel_find(c->name);
        AccelState *accel;
        Error *err = NULL;

        if (c->location) {
            loc_set_str(c->location);
        } else {
            loc_set_none();
        }
        if (!ac) {
            error_report("invalid accelerator %s", c->name);
            init_failed = true;
            continue;
        }
        accel = ACCEL(object_new_with_class(OBJECT_CLASS(ac)));
        if (!accel_set_props(accel, c->props, &err)) {
            opt_fail(err);
        }
        if ((ac->available && !ac->available()) ||
            !ac->init_machine(accel, current_machine, &err)) {
            error_report("failed to initialize %s: %s", ac->name,
                         err ? error_get_pretty(err) : "not available");
            error_free(err);
            object_unref(OBJECT(accel));
            init_failed = true;
            continue;
        }
        current_accel = accel;
        break;
    }
    loc_set_none();
    if (!current_accel) {
        if (!init_failed) {
            error_report("no accelerator found");
        }
        exit(1);
    }
    if (init_failed && !qtest_chrdev) {
        info_report("falling back to %s",
                    ACCEL_GET_CLASS(current_accel)->name);
    }
}

static void termsig_handler(int signal, siginfo_t *info, void *c)
{
    qemu_system_killed(info->si_signo, info->si_pid);
}

static void os_setup_signal_handling(void)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = termsig_handler;
    act.sa_flags = SA_SIGINFO;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGHUP, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
}

void qemu_init(int argc, char **argv)
{
    g_autofree char *machine_name = NULL;
    g_autoptr(GPtrArray) machine_args = g_ptr_array_new();
    g_autofree char *machine_accel = NULL;
    g_autofree char *kernel_filename = NULL;
    g_autofree char *kernel_cmdline = NULL;
    g_autoptr(GArray) accels = g_array_new(false, true, sizeof(AccelChoice));
    SMPConfiguration smp = { 0 };
    uint64_t ram_size = 0;
    MachineClass *mc;
    Error *err = NULL;
    guint i;

    g_array_set_clear_func(accels, accel_choice_free);
    g_set_prgname("qemu-system-x86_64");
    parse_command_line(argc, argv);
    process_help_options();

    /* First pass: settings that shape the machine. */
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);
        g_autofree char *name = NULL;
        g_autoptr(KeyValList) kv = NULL;

        loc_set_str(loc);
        switch (opt->def->index) {
        case OPT_MACHINE:
            kv = keyval_parse(opt->arg, "type", &err);
            if (!kv) {
                opt_fail(err);
            }
            if (keyval_get(kv, "type")) {
                g_free(machine_name);
                machine_name = g_strdup(keyval_get(kv, "type"));
            }
            if (keyval_get(kv, "accel")) {
                g_free(machine_accel);
                machine_accel = g_strdup(keyval_get(kv, "accel"));
            }
            g_ptr_array_add(machine_args, (gpointer)opt->arg);
            break;
        case OPT_ACCEL:
            kv = keyval_parse(opt->arg, "accel", &err);
            if (!kv) {
                opt_fail(err);
            }
            if (!keyval_get(kv, "accel")) {
                error_report("invalid accelerator ");
                exit(1);
            }
            name = g_strdup(keyval_get(kv, "accel"));
            accel_choices_add(accels, name, loc, g_steal_pointer(&kv));
            break;
        case OPT_MEMORY:
            if (!parse_ram_size(opt->arg, &ram_size, &err)) {
                opt_fail(err);
            }
            break;
        case OPT_SMP:
            if (!smp_parse(opt->arg, &smp, &err)) {
                /* QEMU reports -smp without the option, as "smp.KEY". */
                loc_set_none();
                opt_fail(err);
            }
            break;
        case OPT_KERNEL:
            g_free(kernel_filename);
            kernel_filename = g_strdup(opt->arg);
            break;
        case OPT_APPEND:
            g_free(kernel_cmdline);
            kernel_cmdline = g_strdup(opt->arg);
            break;
        case OPT_DISPLAY:
            parse_display(opt->arg, &err);
            if (err) {
                opt_fail(err);
            }
            break;
        case OPT_NOGRAPHIC:
            nographic = true;
            break;
        case OPT_NODEFAULTS:
            nodefaults = true;
            break;
        case OPT_QTEST:
            qtest_chrdev = opt->arg;
            break;
        case OPT_QTEST_LOG:
            qtest_log = opt->arg;
            break;
        case OPT_NAME:
            parse_name(opt->arg, &err);
            if (err) {
                opt_fail(err);
            }
            break;
        case OPT_STOPPED:
            start_stopped = true;
            break;
        case OPT_NO_SHUTDOWN:
            no_shutdown = true;
            break;
        case OPT_TRACE:
            if (!trace_opt_parse(opt->arg, &err)) {
                opt_fail(err);
            }
            break;
        case OPT_NO_REBOOT:
            no_reboot = true;
            break;
        case OPT_LOG: {
            int mask = qemu_str_to_log_mask(opt->arg);

            if (!mask) {
                error_report("Invalid -d option \"%s\"", opt->arg);
                error_printf("Try -d help for a list of log items\n");
                exit(1);
            }
            qemu_set_log(mask, &error_fatal);
            break;
        }
        case OPT_LOGFILE:
            if (!qemu_set_log_filename(opt->arg, &err)) {
                opt_fail(err);
            }
            break;
        default:
            break;
        }
    }
    loc_set_none();

    if (kernel_cmdline && !kernel_filename) {
        error_report("-append only allowed with -kernel option");
        exit(1);
    }
    if (machine_accel && accels->len) {
        error_report("The -accel and \"-machine accel=\" options are "
                     "incompatible");
        exit(1);
    }
    if (machine_accel) {
        accel_choices_add(accels, machine_accel, NULL, NULL);
    } else if (!accels->len) {
        /*
         * QEMU's default is tcg.  Without firmware a CPU has nothing to
         * run unless a kernel is given, so then tcg, else qtest.
         */
        accel_choices_add(accels, kernel_filename ? "tcg" : "qtest", NULL,
                          NULL);
    }

    /* The main thread runs the main loop, which holds the BQL. */
    bql_lock();
    if (qemu_init_main_loop(&err) < 0) {
        opt_fail(err);
    }
    os_setup_signal_handling();

    /* Character devices, then the monitors and COM ports that use them. */
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        loc_set_str(loc);
        if (opt->def->index == OPT_CHARDEV &&
            !qemu_chr_new_from_opts(opt->arg, &err)) {
            opt_fail(err);
        }
    }
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        loc_set_str(loc);
        if (opt->def->index == OPT_MON &&
            !monitor_init_opts(opt->arg, &err)) {
            opt_fail(err);
        }
        if (opt->def->index == OPT_QMP &&
            !monitor_init_qmp_chardev(opt->arg, &err)) {
            opt_fail(err);
        }
        if (opt->def->index == OPT_SERIAL) {
            serial_parse(opt->arg, &err);
            if (err) {
                opt_fail(err);
            }
        }
    }
    loc_set_none();
    if (!serial_hds_count && !nodefaults) {
        /* QEMU's default COM1: on stdio with -nographic. */
        if (nographic) {
            loc_set_str("-nographic");
        }
        serial_parse(nographic ? "stdio" : "null", &error_fatal);
        loc_set_none();
    }

    /* Network backends: -netdev first, then -nic, as QEMU does. */
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        loc_set_str(loc);
        if (opt->def->index == OPT_NETDEV && !netdev_add_opts(opt->arg,
                                                              &err)) {
            opt_fail(err);
        }
    }
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        loc_set_str(loc);
        if (opt->def->index == OPT_NIC && !net_param_nic(opt->arg, &err)) {
            opt_fail(err);
        }
    }
    loc_set_none();

    /* Accelerator and machine. */
    if (machine_name) {
        mc = machine_find_class(machine_name);
        if (!mc) {
            error_report("unsupported machine type: \"%s\"", machine_name);
            error_printf("Use -machine help to list supported machines\n");
            exit(1);
        }
    } else {
        mc = machine_find_default();
        assert(mc);
    }

    current_machine = MACHINE(object_new(object_class_get_name(
                                             OBJECT_CLASS(mc))));
    object_property_add_child(object_get_root(), "machine",
                              OBJECT(current_machine));
    object_unref(OBJECT(current_machine));
    /*
     * After /machine exists: regions without an owner hang below
     * /machine/unattached.
     */
    memory_map_init();
    if (ram_size) {
        current_machine->ram_size = ram_size;
    }

    machine_set_properties(current_machine, machine_args);

    current_machine->kernel_filename = g_steal_pointer(&kernel_filename);
    current_machine->kernel_cmdline = g_steal_pointer(&kernel_cmdline);
    if (!machine_parse_smp_config(current_machine, &smp, &err)) {
        loc_set_none();
        opt_fail(err);
    }

    configure_accelerators(accels);
    mc->init(current_machine);

    if (qtest_chrdev) {
        loc_set_str("-qtest");
        if (!qtest_server_init(qtest_chrdev, qtest_log, &err)) {
            opt_fail(err);
        }
        loc_set_none();
    }

    /* Objects may be referenced by devices, so they come first. */
    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        if (opt->def->index != OPT_OBJECT) {
            continue;
        }
        loc_set_str(loc);
        if (!user_creatable_add_from_str(opt->arg, &err)) {
            opt_fail(err);
        }
    }
    loc_set_none();

    for (i = 0; i < cmd_options->len; i++) {
        CmdOption *opt = &g_array_index(cmd_options, CmdOption, i);
        g_autofree char *loc = option_location(opt);

        if (opt->def->index != OPT_DEVICE) {
            continue;
        }
        loc_set_str(loc);
        device_add(opt->arg, &err);
        if (err) {
            opt_fail(err);
        }
    }
    loc_set_none();
    net_check_clients();

    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    if (!start_stopped) {
        vm_start();
    }
}

/*
 * Tear down in the reverse order of start-up, as QEMU does: the monitors,
 * then the character devices (a front end still attached, like qtest's,
 * hears CHR_EVENT_CLOSED; server sockets are removed, stdin restored).
 * The machine and its devices stay: the process ends with them, as in
 * QEMU.
 */
void qemu_cleanup(int status)
{
    /* vCPUs first: they may be in the middle of guest code or MMIO. */
    vm_shutdown();
    monitor_cleanup();
    qemu_chr_cleanup();
    user_creatable_cleanup();
    /* Backends close their host sockets (hostfwd listeners). */
    net_cleanup();
    /*
     * Let RCU callbacks queued so far (old memory maps, finalised
     * regions) run, so that nothing is left half freed at exit.
     */
    drain_call_rcu();
    bql_unlock();
    g_array_free(cmd_options, TRUE);
}
