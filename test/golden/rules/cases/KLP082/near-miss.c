// SPDX-License-Identifier: GPL-2.0
/*
 * KLP082 near miss: a static patch whose .replace is set by the init function from a
 * module parameter: the tables are static, everything is checked.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static bool replace = true;
module_param(replace, bool, 0444);

static int lp_cmdline_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = lp_cmdline_show, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int lp_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

module_init(lp_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
