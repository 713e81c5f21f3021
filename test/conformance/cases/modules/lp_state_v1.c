// Test fixture for the simulator's conformance cases: cumulative, system state 7 version 1
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

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

static struct klp_func funcs0[] = {
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs0,
		.callbacks = {
			.pre_patch = vmlinux_pre_patch,
			.post_patch = vmlinux_post_patch,
			.pre_unpatch = vmlinux_pre_unpatch,
			.post_unpatch = vmlinux_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{ .id = 7, .version = 1 },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int __init lp_state_v1_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_state_v1_exit(void)
{
}

module_init(lp_state_v1_init);
module_exit(lp_state_v1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
