// SPDX-License-Identifier: GPL-2.0
/*
 * KLP033 near miss: callbacks on the vmlinux object, and an xfs object without callbacks.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int livepatch_xfs_log_force(struct xfs_mount *mp, uint flags)
{
	return 0;
}

static struct klp_func xfs_funcs[] = {
	{
		.old_name = "xfs_log_force",
		.new_func = livepatch_xfs_log_force,
	},
	{ }
};

static void xfs_post_patch(struct klp_object *obj)
{
	pr_info("vmlinux: log force fix active\n");
}

static void xfs_pre_unpatch(struct klp_object *obj)
{
	pr_info("vmlinux: log force fix going away\n");
}

static struct klp_func no_funcs[] = {
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "xfs",
		.funcs = xfs_funcs,
	},
	{
		.funcs = no_funcs,
		.callbacks = {
			.post_patch = xfs_post_patch,
			.pre_unpatch = xfs_pre_unpatch,
		},
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
