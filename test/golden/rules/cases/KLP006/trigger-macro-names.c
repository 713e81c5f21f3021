// SPDX-License-Identifier: GPL-2.0
/*
 * KLP006 trigger: the same function named twice, once through __stringify() and once
 * through a function-like macro of this file.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define KLP_SYM(name) #name

static int klpp_unix_gc(void)
{
	return 0;
}

static int klpp_unix_gc_again(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = __stringify(unix_gc), .new_func = klpp_unix_gc, },
	{ .old_name = KLP_SYM(unix_gc), .new_func = klpp_unix_gc_again, },
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
