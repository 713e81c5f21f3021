// SPDX-License-Identifier: GPL-2.0
/*
 * KLP003 trigger: none of the three arrays ends with an empty entry (one is written on a
 * single line, one has a trailing comma, one has none).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

#define UPTIME_STATE 0x1

static int livepatch_uptime_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "0.00 0.00\n");
	return 0;
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "Linux version patched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "uptime_proc_show",
		.new_func = livepatch_uptime_proc_show,
	},
	{
		.old_name = "version_proc_show",
		.new_func = livepatch_version_proc_show,
	},
};

static struct klp_object objs[] = {
	{ .funcs = funcs }
};

static struct klp_state states[] = {
	{
		.id = UPTIME_STATE,
		.version = 1,
	}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
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
