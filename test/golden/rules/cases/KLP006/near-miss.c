// SPDX-License-Identifier: GPL-2.0
/*
 * KLP006 near miss: two static functions named show_stats told apart by old_sympos 1 and 2,
 * and the same name patched in two different objects.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static void livepatch_show_stats_first(struct seq_file *seq)
{
}

static void livepatch_show_stats_second(struct seq_file *seq)
{
}

static void livepatch_nfs_show_stats(struct seq_file *seq)
{
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "show_stats",
		.new_func = livepatch_show_stats_first,
		.old_sympos = 1,
	},
	{
		.old_name = "show_stats",
		.new_func = livepatch_show_stats_second,
		.old_sympos = 2,
	},
	{ }
};

static struct klp_func nfs_funcs[] = {
	{
		.old_name = "show_stats",
		.new_func = livepatch_nfs_show_stats,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
	},
	{
		.name = "nfs",
		.funcs = nfs_funcs,
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
