// SPDX-License-Identifier: GPL-2.0
/*
 * KLP081 trigger: a register-only livepatch (openEuler style): registered at load,
 * enabled later through sysfs. No KLP009.
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

static struct klp_object objs[] = {
	{ .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int lp_init(void)
{
	return klp_register_patch(&patch);
}

static void lp_exit(void)
{
	WARN_ON(klp_unregister_patch(&patch));
}

module_init(lp_init);
module_exit(lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
