// SPDX-License-Identifier: GPL-2.0
/*
 * KLP011 near miss: same parameter counts (names and spelling may differ), a variadic
 * original, and a function whose original is nowhere in the workspace.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_stats_proc_show(struct seq_file *seq, void *unused)
{
	seq_puts(seq, "stats: patched\n");
	return 0;
}

static long livepatch_stats_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static int livepatch_stats_printf(const char *fmt, ...)
{
	return 0;
}

static int livepatch_unknown(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "stats_proc_show",
		.new_func = livepatch_stats_proc_show,
	},
	{
		.old_name = "stats_ioctl",
		.new_func = livepatch_stats_ioctl,
	},
	{
		.old_name = "stats_printf",
		.new_func = livepatch_stats_printf,
	},
	{
		.old_name = "function_not_in_the_workspace",
		.new_func = livepatch_unknown,
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
MODULE_INFO(livepatch, "Y");
