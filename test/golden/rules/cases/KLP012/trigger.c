// SPDX-License-Identifier: GPL-2.0
/*
 * KLP012 trigger: patches an __init, an __exit, a notrace and an inline function of the
 * widget driver, whose sources are in the workspace.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int livepatch_widget_setup(char *str)
{
	return 1;
}

static void livepatch_widget_cleanup(void)
{
}

static u64 livepatch_widget_read_clock(void)
{
	return 1;
}

static int livepatch_widget_ready(struct widget *w)
{
	return w->state == 2;
}

static struct klp_func funcs[] = {
	{
		.old_name = "widget_setup",
		.new_func = livepatch_widget_setup,
	},
	{
		.old_name = "widget_cleanup",
		.new_func = livepatch_widget_cleanup,
	},
	{
		.old_name = "widget_read_clock",
		.new_func = livepatch_widget_read_clock,
	},
	{
		.old_name = "widget_ready",
		.new_func = livepatch_widget_ready,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "widget",
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
