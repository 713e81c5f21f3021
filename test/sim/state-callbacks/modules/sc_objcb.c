// Test fixture for the state-callbacks simulator cases (semantics §12): non-cumulative; object callbacks (vmlinux and target_mod) next to a state callback
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int objcb_state_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
	return 0;
}

static void objcb_state_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("%s: state %lu\n", __func__, state->id);
}

static int vmlinux_pre_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
	return 0;
}

static void vmlinux_post_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void vmlinux_pre_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void vmlinux_post_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static int target_pre_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
	return 0;
}

static void target_post_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void target_pre_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void target_post_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static int sc_objcb_uptime(void)
{
	return 0;
}

static int sc_objcb_target_func(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "uptime_proc_show", .new_func = sc_objcb_uptime },
	{ }
};

static struct klp_func funcs1[] = {
	{ .old_name = "target_func", .new_func = sc_objcb_target_func },
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.pre_patch = vmlinux_pre_patch,
			.post_patch = vmlinux_post_patch,
			.pre_unpatch = vmlinux_pre_unpatch,
			.post_unpatch = vmlinux_post_unpatch,
		},
	},
	{
		.name = "target_mod",
		.funcs = funcs1,
		.callbacks = {
			.pre_patch = target_pre_patch,
			.post_patch = target_post_patch,
			.pre_unpatch = target_pre_unpatch,
			.post_unpatch = target_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = 6,
		.callbacks = {
			.pre_patch = objcb_state_pre_patch,
			.post_unpatch = objcb_state_post_unpatch,
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

static int __init sc_objcb_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit sc_objcb_exit(void)
{
}

module_init(sc_objcb_init);
module_exit(sc_objcb_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
