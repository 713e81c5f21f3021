// SPDX-License-Identifier: GPL-2.0
/*
 * KLP030 trigger: a pre_patch callback returning void, a post_patch returning int, and a
 * post_unpatch that takes the patch instead of the object.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int livepatch_nfs_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "nfs_file_fsync",
		.new_func = livepatch_nfs_fsync,
	},
	{ }
};

static void nfs_pre_patch(struct klp_object *obj)
{
	pr_info("nfs: about to patch\n");
}

static int nfs_post_patch(struct klp_object *obj)
{
	pr_info("nfs: patched\n");
	return 0;
}

static void nfs_pre_unpatch(struct klp_object *obj)
{
	pr_info("nfs: about to unpatch\n");
}

static void nfs_post_unpatch(struct klp_patch *patch)
{
	pr_info("nfs: unpatched\n");
}

static struct klp_object objs[] = {
	{
		.name = "nfs",
		.funcs = funcs,
		.callbacks = {
			.pre_patch = nfs_pre_patch,
			.post_patch = nfs_post_patch,
			.pre_unpatch = nfs_pre_unpatch,
			.post_unpatch = nfs_post_unpatch,
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
