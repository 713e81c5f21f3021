// SPDX-License-Identifier: GPL-2.0
/*
 * KLP041 near miss: two states with distinct ids and the same version.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define SWAP_TUNING_STATE	0x10
#define ZSWAP_LIMIT_STATE	0x11

static unsigned long livepatch_swap_ra_pages(void)
{
	return 8;
}

static struct klp_func funcs[] = {
	{
		.old_name = "swapin_nr_pages",
		.new_func = livepatch_swap_ra_pages,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = SWAP_TUNING_STATE,
		.version = 1,
	},
	{
		.id = ZSWAP_LIMIT_STATE,
		.version = 1,
	},
	{ }
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
