// SPDX-License-Identifier: GPL-2.0
/*
 * KLP031 near miss: the allocation in pre_patch is undone in post_unpatch, the switch set
 * in post_patch is reset in pre_unpatch, and a post_patch that only logs needs no partner.
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

static int livepatch_blk_giveup(struct request *rq)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "blk_retry_request",
		.new_func = livepatch_blk_retry,
	},
	{ }
};

static struct klp_func scsi_funcs[] = {
	{
		.old_name = "scsi_giveup_request",
		.new_func = livepatch_blk_giveup,
	},
	{ }
};

static int retry_pre_patch(struct klp_object *obj)
{
	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	return stats ? 0 : -ENOMEM;
}

static void retry_post_patch(struct klp_object *obj)
{
	retry_accounting = true;
}

static void retry_pre_unpatch(struct klp_object *obj)
{
	retry_accounting = false;
}

static void retry_post_unpatch(struct klp_object *obj)
{
	kfree(stats);
	stats = NULL;
}

static void scsi_post_patch(struct klp_object *obj)
{
	pr_info("%s: patched\n", obj->name);
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.pre_patch = retry_pre_patch,
			.post_patch = retry_post_patch,
			.pre_unpatch = retry_pre_unpatch,
			.post_unpatch = retry_post_unpatch,
		},
	},
	{
		.name = "scsi_mod",
		.funcs = scsi_funcs,
		.callbacks = {
			.post_patch = scsi_post_patch,
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
