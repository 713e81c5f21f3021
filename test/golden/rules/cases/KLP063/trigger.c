// SPDX-License-Identifier: GPL-2.0
/*
 * KLP063 trigger: the replacement keeps its rate-limit bookkeeping in static locals.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/jiffies.h>

static void livepatch_report_oom_victim(struct task_struct *p)
{
	static unsigned long last_report;
	static int reports;

	if (time_before(jiffies, last_report + HZ) && reports > 10)
		return;
	last_report = jiffies;
	reports++;
	pr_info("oom victim %d\n", p->pid);
}

static struct klp_func funcs[] = {
	{
		.old_name = "report_oom_victim",
		.new_func = livepatch_report_oom_victim,
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
