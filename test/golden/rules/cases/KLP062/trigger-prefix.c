// SPDX-License-Identifier: GPL-2.0
/*
 * KLP062 trigger: the arch prefix comes from a macro, and the replacement of the
 * pt_regs wrapper takes the typed arguments.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define FN_PREFIX __x64_

static asmlinkage long lp_sys_setns(int fd, int flags)
{
	return fd < 0 ? -EBADF : -EPERM;
}

static struct klp_func funcs[] = {
	{
		.old_name = __stringify(FN_PREFIX) "sys_setns",
		.new_func = lp_sys_setns,
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
