// SPDX-License-Identifier: GPL-2.0
/*
 * KLP007 trigger: a complete livepatch that forgets the modinfo tag (MODULE_INFO for
 * something else is present).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_loadavg_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "0.00 0.00 0.00 1/1 1\n");
	return 0;
}

static struct klp_func funcs[] = {
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
MODULE_INFO(supported, "external");
