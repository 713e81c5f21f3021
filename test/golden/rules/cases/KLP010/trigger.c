// SPDX-License-Identifier: GPL-2.0
/*
 * KLP010 trigger: one replacement declared `static inline`, another marked notrace.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/fs.h>

static inline int livepatch_generic_permission(struct mnt_idmap *idmap, struct inode *inode, int mask)
{
	return -EACCES;
}

static notrace ssize_t livepatch_vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	return -EIO;
}

static struct klp_func funcs[] = {
	{
		.old_name = "generic_permission",
		.new_func = livepatch_generic_permission,
	},
	{
		.old_name = "vfs_read",
		.new_func = livepatch_vfs_read,
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
