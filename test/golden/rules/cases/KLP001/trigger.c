// SPDX-License-Identifier: GPL-2.0
/*
 * KLP001 trigger: the patch forgets .mod, and a second patch has neither .mod nor .objs.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

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
		/* name being NULL means vmlinux */
		.funcs = funcs,
	},
	{ }
};

static struct klp_patch patch = {
	.objs = objs,
	.replace = true,
};

static struct klp_patch spare_patch = {
	.replace = true,
};

static int livepatch_init(void)
{
	int ret = klp_enable_patch(&patch);

	if (ret)
		return ret;
	return klp_enable_patch(&spare_patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
