// SPDX-License-Identifier: GPL-2.0
/*
 * KLP001 near miss: .mod and .objs are both set, in the reverse of the usual order, and
 * a forward declaration of the patch (no initializer) precedes the definition.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static struct klp_patch patch;

static int livepatch_meminfo_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "MemTotal: patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "meminfo_proc_show",
		.new_func = livepatch_meminfo_proc_show,
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
	.objs = objs,
	.mod = THIS_MODULE,
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
