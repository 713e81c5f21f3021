// SPDX-License-Identifier: GPL-2.0
/*
 * KLP044 near miss: the patch sets up its own copy of the state's data in pre_patch and
 * frees only that in post_unpatch; it never takes data over from an earlier patch, so
 * nothing it frees is shared.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define LOGLEVEL_STATE 0x44

static struct klp_patch patch;

static int lp_pre_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, LOGLEVEL_STATE);

	if (!state)
		return -EINVAL;
	state->data = kzalloc(sizeof(int), GFP_KERNEL);
	return state->data ? 0 : -ENOMEM;
}

static void lp_post_unpatch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, LOGLEVEL_STATE);

	if (state)
		kfree(state->data);
}

static struct klp_func no_funcs[] = {
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = {
			.pre_patch = lp_pre_patch,
			.post_unpatch = lp_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = LOGLEVEL_STATE,
		.version = 1,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
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
