// SPDX-License-Identifier: GPL-2.0
/*
 * KLP062 near miss: instead of the syscall entry, the patch replaces the ordinary helper
 * the syscall calls (a function whose name merely starts like one).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/syscalls.h>

static int livepatch_validate_nsset(struct nsset *nsset, struct pid *pid)
{
	return -EPERM;
}

static int livepatch_sysfs_setns_notify(struct nsset *nsset)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "validate_nsset",
		.new_func = livepatch_validate_nsset,
	},
	{
		.old_name = "sysfs_setns_notify",
		.new_func = livepatch_sysfs_setns_notify,
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
