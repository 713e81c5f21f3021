// SPDX-License-Identifier: GPL-2.0
/*
 * KLP011 trigger: the replacement of stats_proc_show drops the `v` parameter, and the
 * replacement of account_task_time (only its prototype is in the workspace)
 * gained one.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_stats_proc_show(struct seq_file *m)
{
	seq_puts(m, "stats: patched\n");
	return 0;
}

static void livepatch_account_task_time(struct task_struct *p, u64 delta, bool user, int cpu)
{
}

static struct klp_func funcs[] = {
	{
		.old_name = "stats_proc_show",
		.new_func = livepatch_stats_proc_show,
	},
	{
		.old_name = "account_task_time",
		.new_func = livepatch_account_task_time,
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
