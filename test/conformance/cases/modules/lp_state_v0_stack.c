// Test fixture for the simulator's conformance cases: non-cumulative, system state 7 version 0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static struct klp_func funcs0[] = {
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs0,
	},
	{ }
};

static struct klp_state states[] = {
	{ .id = 7, .version = 0 },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
};

static int __init lp_state_v0_stack_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_state_v0_stack_exit(void)
{
}

module_init(lp_state_v0_stack_init);
module_exit(lp_state_v0_stack_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
