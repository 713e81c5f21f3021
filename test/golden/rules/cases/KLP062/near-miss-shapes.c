// SPDX-License-Identifier: GPL-2.0
/*
 * KLP062 near miss: syscall replacements whose arguments are right: a zero-argument
 * syscall (getpid, its name built from an arch prefix), a pt_regs wrapper that takes the
 * registers, and the typed __do_sys_ function.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define FN_PREFIX __x64_

static asmlinkage long lp_sys_getpid(void)
{
	return task_tgid_vnr(current);
}

static asmlinkage long lp_x64_sys_setns(const struct pt_regs *regs)
{
	return regs->di < 0 ? -EBADF : -EPERM;
}

static long lp_do_sys_setns(int fd, int flags)
{
	return fd < 0 ? -EBADF : -EPERM;
}

static struct klp_func funcs[] = {
	{
		.old_name = __stringify(FN_PREFIX) "sys_getpid",
		.new_func = lp_sys_getpid,
	},
	{
		.old_name = "__x64_sys_setns",
		.new_func = lp_x64_sys_setns,
	},
	{
		.old_name = "__do_sys_setns",
		.new_func = lp_do_sys_setns,
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
