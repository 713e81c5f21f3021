// Test fixture for the state-callbacks simulator cases (semantics §12): cumulative; state 7 version 1 (lower) with callbacks
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int verb_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void verb_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int sc_ver_b_cmdline(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = sc_ver_b_cmdline },
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
		.id = 7,
		.version = 1,
		.callbacks = {
			.pre_patch = verb_pre_patch,
			.post_unpatch = verb_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int __init sc_ver_b_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_ver_b_exit(void)
{
}

module_init(sc_ver_b_init);
module_exit(sc_ver_b_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
