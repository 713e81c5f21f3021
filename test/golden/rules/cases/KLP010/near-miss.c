// SPDX-License-Identifier: GPL-2.0
/*
 * KLP010 near miss: a replacement marked noinline, and an inline helper (not a
 * replacement) that the replacement calls; notrace on the init function is fine.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/fs.h>

static inline bool may_read(struct inode *inode)
{
	return !IS_DEADDIR(inode);
}

static noinline int livepatch_generic_permission(struct mnt_idmap *idmap, struct inode *inode, int mask)
{
	return may_read(inode) ? 0 : -EACCES;
}

static struct klp_func funcs[] = {
	{
		.old_name = "generic_permission",
		.new_func = livepatch_generic_permission,
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

static notrace int livepatch_init(void)
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
