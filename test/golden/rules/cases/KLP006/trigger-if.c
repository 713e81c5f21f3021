// SPDX-License-Identifier: GPL-2.0
/*
 * KLP006 trigger: inside one branch of an #if the same function is named twice; the
 * finding says which branch it holds in.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/version.h>

static int lp_unix_gc(void)
{
	return 0;
}

static int lp_unix_gc_again(void)
{
	return 0;
}

static struct klp_func funcs[] = {
#ifdef CONFIG_UNIX
	{ .old_name = "unix_gc", .new_func = lp_unix_gc, },
	{ .old_name = "unix_gc", .new_func = lp_unix_gc_again, },
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
