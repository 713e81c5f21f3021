// SPDX-License-Identifier: GPL-2.0
/*
 * KLP012 near miss: patches an ordinary and a noinline function of the widget driver; the
 * livepatch's own init and exit are __init/__exit, which is right for them.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int livepatch_widget_open(struct inode *inode, struct file *file)
{
	return -EBUSY;
}

static int livepatch_widget_release(struct inode *inode, struct file *file)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "widget_open",
		.new_func = livepatch_widget_open,
	},
	{
		.old_name = "widget_release",
		.new_func = livepatch_widget_release,
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

static int __init livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
