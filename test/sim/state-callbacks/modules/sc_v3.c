// Test fixture for the state-callbacks simulator cases (semantics §12): cumulative; carries state 1, introduces state 4 with block_disable
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int v3_leak_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void v3_leak_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v3_leak_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v3_leak_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v3_leak_dtor(void *obj, void *shadow_data)
{
}

static int v3_lock_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void v3_lock_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v3_lock_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v3_lock_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int sc_v3_cmdline(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = sc_v3_cmdline },
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
		.id = 1,
		.is_shadow = true,
		.callbacks = {
			.pre_patch = v3_leak_pre_patch,
			.post_patch = v3_leak_post_patch,
			.pre_unpatch = v3_leak_pre_unpatch,
			.post_unpatch = v3_leak_post_unpatch,
			.shadow_dtor = v3_leak_dtor,
		},
	},
	{
		.id = 4,
		.block_disable = true,
		.callbacks = {
			.pre_patch = v3_lock_pre_patch,
			.post_patch = v3_lock_post_patch,
			.pre_unpatch = v3_lock_pre_unpatch,
			.post_unpatch = v3_lock_post_unpatch,
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

static int __init sc_v3_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_v3_exit(void)
{
}

module_init(sc_v3_init);
module_exit(sc_v3_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
