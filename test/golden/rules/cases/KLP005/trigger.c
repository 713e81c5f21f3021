// SPDX-License-Identifier: GPL-2.0
/*
 * KLP005 trigger: vmlinux written as a name, and a module name longer than 55 characters.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched\n");
	return 0;
}

static int livepatch_vendor_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return -ENODEV;
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	},
	{ }
};

static struct klp_func vendor_funcs[] = {
	{
		.old_name = "vendor_probe",
		.new_func = livepatch_vendor_probe,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "vmlinux",
		.funcs = vmlinux_funcs,
	},
	{
		.name = "vendor_storage_controller_with_a_very_long_driver_name_v2",
		.funcs = vendor_funcs,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
