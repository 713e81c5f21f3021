// Test fixture for the state-callbacks simulator cases (semantics §12): cumulative; introduces state 1 (is_shadow, all callbacks, shadow_dtor) and state 2
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int leak_pre_ret;
module_param(leak_pre_ret, int, 0644);

static int cfg_pre_ret;
module_param(cfg_pre_ret, int, 0644);

static int v1_leak_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return leak_pre_ret;
}

static void v1_leak_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v1_leak_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v1_leak_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v1_leak_dtor(void *obj, void *shadow_data)
{
}

static int v1_cfg_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return cfg_pre_ret;
}

static void v1_cfg_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v1_cfg_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v1_cfg_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int sc_v1_cmdline(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = sc_v1_cmdline },
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
			.pre_patch = v1_leak_pre_patch,
			.post_patch = v1_leak_post_patch,
			.pre_unpatch = v1_leak_pre_unpatch,
			.post_unpatch = v1_leak_post_unpatch,
			.shadow_dtor = v1_leak_dtor,
		},
	},
	{
		.id = 2,
		.callbacks = {
			.pre_patch = v1_cfg_pre_patch,
			.post_patch = v1_cfg_post_patch,
			.pre_unpatch = v1_cfg_pre_unpatch,
			.post_unpatch = v1_cfg_post_unpatch,
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

static int __init sc_v1_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_v1_exit(void)
{
}

module_init(sc_v1_init);
module_exit(sc_v1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
