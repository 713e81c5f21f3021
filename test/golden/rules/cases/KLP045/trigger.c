// SPDX-License-Identifier: GPL-2.0
/*
 * KLP045 trigger: a callback looks up a state id the patch never declares (a typo'd
 * macro), and another uses a bare number nobody declares.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define CONSOLE_LOGLEVEL_STATE		0x1
#define CONSOLE_LOGLEVEL_STATE_OLD	0x2

static struct klp_patch patch;

static int livepatch_console_verbose(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "console_verbose",
		.new_func = livepatch_console_verbose,
	},
	{ }
};

static void loglevel_post_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, CONSOLE_LOGLEVEL_STATE_OLD);

	if (state)
		state->data = NULL;
}

static void loglevel_pre_unpatch(struct klp_object *obj)
{
	struct klp_state *prev = klp_get_prev_state(7);

	if (prev)
		pr_info("older loglevel state found\n");
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.post_patch = loglevel_post_patch,
			.pre_unpatch = loglevel_pre_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = CONSOLE_LOGLEVEL_STATE,
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
