// SPDX-License-Identifier: GPL-2.0
/*
 * KLP052 trigger: shadow ids written as bare numbers, and one id allocated with two
 * different sizes.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define SV_CONN_STATS	0x301

struct conn_stats_v1 {
	u64 drops;
};

struct conn_stats_v2 {
	u64 drops;
	u64 resets;
};

static void livepatch_conn_drop(struct conn *c)
{
	struct conn_stats_v1 *st = klp_shadow_get_or_alloc(c, SV_CONN_STATS, sizeof(struct conn_stats_v1), GFP_ATOMIC, NULL, NULL);
	u32 *seq = klp_shadow_get_or_alloc(c, 0x302, sizeof(u32), GFP_ATOMIC, NULL, NULL);

	if (st)
		st->drops++;
	if (seq)
		(*seq)++;
}

static void livepatch_conn_reset(struct conn *c)
{
	struct conn_stats_v2 *st = klp_shadow_get_or_alloc(c, SV_CONN_STATS, sizeof(struct conn_stats_v2), GFP_ATOMIC, NULL, NULL);

	if (st)
		st->resets++;
}

static void livepatch_conn_free(struct conn *c)
{
	klp_shadow_free(c, SV_CONN_STATS, NULL);
	klp_shadow_free(c, 0x302, NULL);
}

static struct klp_func funcs[] = {
	{ .old_name = "conn_drop", .new_func = livepatch_conn_drop },
	{ .old_name = "conn_reset", .new_func = livepatch_conn_reset },
	{ .old_name = "conn_free", .new_func = livepatch_conn_free },
	{ }
};

static void conn_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_CONN_STATS, NULL);
	klp_shadow_free_all(0x302, NULL);
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = conn_post_unpatch,
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
