// SPDX-License-Identifier: GPL-2.0
/*
 * KLP061 trigger: the target module's key is reached through an extern declaration,
 * which is not a definition of the livepatch's own.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

extern struct static_key_false acme_fast_path;

static int lp_acme_lookup(int id)
{
	if (static_branch_unlikely(&acme_fast_path))
		return id;
	return -ENOENT;
}

static struct klp_func funcs[] = {
	{
		.old_name = "acme_lookup",
		.new_func = lp_acme_lookup,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "acme",
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
