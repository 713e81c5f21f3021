// SPDX-License-Identifier: GPL-2.0
/*
 * KLP009 trigger: the init function ignores klp_enable_patch()'s result, a second patch
 * is enabled from a work item instead of init, and a third is never enabled at all.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/workqueue.h>
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

static struct klp_patch late_patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klp_patch forgotten_patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static void enable_later(struct work_struct *work)
{
	klp_enable_patch(&late_patch);
}

static struct work_struct enable_work;

static int livepatch_init(void)
{
	klp_enable_patch(&patch);
	INIT_WORK(&enable_work, enable_later);
	schedule_work(&enable_work);
	return 0;
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
