// SPDX-License-Identifier: GPL-2.0
/*
 * KLP031 trigger: pre_patch allocates a statistics buffer (through a helper) but nothing
 * frees it in post_unpatch; post_patch flips a global switch that no pre_unpatch restores.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/slab.h>

struct retry_stats {
	unsigned long retries;
	unsigned long giveups;
};

static struct retry_stats *stats;
static bool retry_accounting;

static int livepatch_blk_retry(struct request *rq)
{
	if (retry_accounting && stats)
		stats->retries++;
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "blk_retry_request",
		.new_func = livepatch_blk_retry,
	},
	{ }
};

static int alloc_stats(void)
{
	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	return stats ? 0 : -ENOMEM;
}

static int retry_pre_patch(struct klp_object *obj)
{
	return alloc_stats();
}

static void retry_post_patch(struct klp_object *obj)
{
	retry_accounting = true;
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.pre_patch = retry_pre_patch,
			.post_patch = retry_post_patch,
		},
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
