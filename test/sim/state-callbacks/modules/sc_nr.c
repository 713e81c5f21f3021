// Test fixture for the state-callbacks simulator cases (semantics §12): non-cumulative; also carries state 1
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int nr_leak_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void nr_leak_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void nr_leak_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void nr_leak_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static void nr_leak_dtor(void *obj, void *shadow_data)
{
}

static int sc_nr_version(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "version_proc_show", .new_func = sc_nr_version },
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
			.pre_patch = nr_leak_pre_patch,
			.post_patch = nr_leak_post_patch,
			.pre_unpatch = nr_leak_pre_unpatch,
			.post_unpatch = nr_leak_post_unpatch,
			.shadow_dtor = nr_leak_dtor,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = false,
};

static int __init sc_nr_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_nr_exit(void)
{
}

module_init(sc_nr_init);
module_exit(sc_nr_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
