// SPDX-License-Identifier: GPL-2.0
/*
 * KLP003 near miss: compound-literal arrays for the objects and their functions, each
 * ended by an empty entry.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int klpp_unix_gc(void)
{
	return 0;
}

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = (struct klp_object[]) {
		{
			.funcs = (struct klp_func[]) {
				{ .old_name = "unix_gc", .new_func = klpp_unix_gc, },
				{ }
			},
		},
		{ }
	},
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
