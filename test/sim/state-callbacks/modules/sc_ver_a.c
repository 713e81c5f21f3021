// Test fixture for the state-callbacks simulator cases (semantics §12): cumulative; state 7 version 2 with callbacks
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int vera_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void vera_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int sc_ver_a_cmdline(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = sc_ver_a_cmdline },
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
		.version = 2,
		.callbacks = {
			.pre_patch = vera_pre_patch,
			.post_unpatch = vera_post_unpatch,
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

static int __init sc_ver_a_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_ver_a_exit(void)
{
}

module_init(sc_ver_a_init);
module_exit(sc_ver_a_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
