// SPDX-License-Identifier: GPL-2.0
/*
 * KLP020 near miss: .replace comes from a module parameter set in init before
 * klp_enable_patch() (the selftests' style); a second, explicitly stacking patch says so.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int replace;
module_param(replace, int, 0644);
MODULE_PARM_DESC(replace, "replace (default=0)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
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
};

static struct klp_patch stacking_patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = false,
};

static int livepatch_init(void)
{
	int ret;

	patch.replace = replace;
	ret = klp_enable_patch(&patch);
	if (ret)
		return ret;
	return klp_enable_patch(&stacking_patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
