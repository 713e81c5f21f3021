// SPDX-License-Identifier: GPL-2.0
/*
 * KLP081 trigger: a livepatch written for the proposed split-module API (one livepatch
 * module per patched object: a scalar klp_object and .obj in the patch; not merged): said
 * once, and no KLP001 about the missing .objs array nor KLP003 about the scalar object.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int lp_cmdline_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = lp_cmdline_show, },
	{ }
};

static struct klp_object obj = {
	.funcs = funcs,
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.obj = &obj,
	.replace = true,
};

static int lp_init(void)
{
	return klp_enable_patch(&patch);
}

module_init(lp_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
