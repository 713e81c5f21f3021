// Test fixture for the state-callbacks simulator cases (semantics §12): cumulative; only state 3: drops states 1 and 2
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int v5_stat_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void v5_stat_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v5_stat_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void v5_stat_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int sc_v5_cmdline(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = sc_v5_cmdline },
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
		.id = 3,
		.callbacks = {
			.pre_patch = v5_stat_pre_patch,
			.post_patch = v5_stat_post_patch,
			.pre_unpatch = v5_stat_pre_unpatch,
			.post_unpatch = v5_stat_post_unpatch,
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

static int __init sc_v5_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_v5_exit(void)
{
}

module_init(sc_v5_init);
module_exit(sc_v5_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
