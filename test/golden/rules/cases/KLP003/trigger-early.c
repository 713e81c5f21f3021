// SPDX-License-Identifier: GPL-2.0
/*
 * KLP003 trigger: an empty entry in the middle of the klp_func array. The kernel stops at
 * the first all-zero entry, so the second replacement below is never registered.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_meminfo_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "MemTotal: 0 kB\n");
	return 0;
}

static int livepatch_loadavg_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "0.00 0.00 0.00\n");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "meminfo_proc_show",
		.new_func = livepatch_meminfo_proc_show,
	},
	{ },
	{
		.old_name = "loadavg_proc_show",
		.new_func = livepatch_loadavg_proc_show,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int early_init(void)
{
	return klp_enable_patch(&patch);
}

static void early_exit(void)
{
}

module_init(early_init);
module_exit(early_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
