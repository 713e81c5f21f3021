// SPDX-License-Identifier: GPL-2.0
/*
 * KLP060 trigger: the replacement warns once and logs once; both flags start over.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int livepatch_mem_cgroup_charge(struct folio *folio, struct mm_struct *mm, gfp_t gfp)
{
	if (WARN_ON_ONCE(!folio))
		return -EINVAL;
	if (!mm) {
		pr_warn_once("memcg: charging a folio without an mm\n");
		return 0;
	}
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "__mem_cgroup_charge",
		.new_func = livepatch_mem_cgroup_charge,
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
	pr_info_once("memcg charge fix loaded\n");
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
