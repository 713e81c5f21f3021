// SPDX-License-Identifier: GPL-2.0
/*
 * KLP002 near miss: a vmlinux object that only carries callbacks points .funcs at an array
 * holding just the terminator (zero functions is legal).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static void post_patch_notice(struct klp_object *obj)
{
	pr_info("patched %s\n", obj->name ? obj->name : "vmlinux");
}

static void pre_unpatch_notice(struct klp_object *obj)
{
	pr_info("unpatching %s\n", obj->name ? obj->name : "vmlinux");
}

static int livepatch_ext4_sync_fs(struct super_block *sb, int wait)
{
	return 0;
}

static struct klp_func no_funcs[] = {
	{ }
};

static struct klp_func ext4_funcs[] = {
	{
		.old_name = "ext4_sync_fs",
		.new_func = livepatch_ext4_sync_fs,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = {
			.post_patch = post_patch_notice,
			.pre_unpatch = pre_unpatch_notice,
		},
	},
	{
		.name = "ext4",
		.funcs = ext4_funcs,
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
