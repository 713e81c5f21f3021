// SPDX-License-Identifier: GPL-2.0
/*
 * KLP062 trigger: the x86-64 entry point of the `setns` syscall replaced by a plain
 * function taking the syscall's arguments.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/syscalls.h>

static long livepatch_sys_setns(int fd, int flags)
{
	if (flags & ~0x7e020000)
		return -EINVAL;
	return -EPERM;
}

static struct klp_func funcs[] = {
	{
		.old_name = "__x64_sys_setns",
		.new_func = livepatch_sys_setns,
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
