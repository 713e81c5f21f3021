// Test fixture for the simulator's conformance cases: non-cumulative, new system state 9
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
	{ .id = 9, .version = 1 },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
};

static int __init lp_state_new_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_state_new_exit(void)
{
}

module_init(lp_state_new_init);
module_exit(lp_state_new_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
