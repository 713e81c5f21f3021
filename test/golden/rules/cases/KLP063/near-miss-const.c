// SPDX-License-Identifier: GPL-2.0
/*
 * KLP063 near miss: a static const table in a replacement is read-only data: the copy
 * holds the same values, nothing starts over.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int lp_level_of(int prio)
{
	static const int levels[] = { 0, 1, 4, 7 };

	return prio >= 0 && prio < 4 ? levels[prio] : 7;
}

static struct klp_func funcs[] = {
	{
		.old_name = "level_of",
		.new_func = lp_level_of,
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
