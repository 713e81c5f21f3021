// SPDX-License-Identifier: GPL-2.0
/*
 * KLP006 near miss: one function patched by one entry per kernel version: the two
 * entries are in different branches of an #if and are never compiled together.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/version.h>

static int lp_unix_gc_old(void)
{
	return 0;
}

static int lp_unix_gc(void)
{
	return 0;
}

static struct klp_func funcs[] = {
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
	{ .old_name = "unix_gc", .new_func = lp_unix_gc_old, },
#else
	{ .old_name = "unix_gc", .new_func = lp_unix_gc, },
#endif
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
