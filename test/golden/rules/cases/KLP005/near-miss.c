// SPDX-License-Identifier: GPL-2.0
/*
 * KLP005 near miss: vmlinux as an explicit NULL name, a module name of exactly 55
 * characters, and a module whose name merely contains "vmlinux".
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

static int livepatch_vmlinux_helper_init(void)
{
	return 0;
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

static struct klp_func helper_funcs[] = {
	{
		.old_name = "vmlinux_helper_init",
		.new_func = livepatch_vmlinux_helper_init,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.name = NULL,
		.funcs = vmlinux_funcs,
	},
	{
		.name = "vendor_storage_controller_with_a_long_driver_name_v2xyz",
		.funcs = vendor_funcs,
	},
	{
		.name = "vmlinux_helper",
		.funcs = helper_funcs,
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
