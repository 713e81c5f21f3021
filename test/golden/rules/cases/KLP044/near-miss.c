// SPDX-License-Identifier: GPL-2.0
/*
 * KLP044 near miss: pre_patch takes the state over from an older patch when there is one,
 * and post_unpatch (through a helper) leaves the data to that patch when the transition
 * was reversed; the replacement function only reads this patch's own state.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/slab.h>

#define DIRTY_RATIO_STATE	0x5
#define DIRTY_RATIO_VERSION	2

static struct klp_patch patch;

static int livepatch_dirty_ratio_handler(const struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	struct klp_state *state = klp_get_state(&patch, DIRTY_RATIO_STATE);

	return state && state->data ? 0 : -EAGAIN;
}

static struct klp_func funcs[] = {
	{
		.old_name = "dirty_ratio_handler",
		.new_func = livepatch_dirty_ratio_handler,
	},
	{ }
};

static int dirty_pre_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, DIRTY_RATIO_STATE);
	struct klp_state *prev = klp_get_prev_state(DIRTY_RATIO_STATE);

	if (prev) {
		state->data = prev->data;
		return 0;
	}
	state->data = kzalloc(sizeof(int), GFP_KERNEL);
	return state->data ? 0 : -ENOMEM;
}

static void release_dirty_state(void)
{
	struct klp_state *state = klp_get_state(&patch, DIRTY_RATIO_STATE);

	if (klp_get_prev_state(DIRTY_RATIO_STATE))
		return;
	kfree(state->data);
}

static void dirty_post_unpatch(struct klp_object *obj)
{
	release_dirty_state();
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.pre_patch = dirty_pre_patch,
			.post_unpatch = dirty_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = DIRTY_RATIO_STATE,
		.version = DIRTY_RATIO_VERSION,
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
