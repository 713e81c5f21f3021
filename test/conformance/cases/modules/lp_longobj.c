// Test fixture for the simulator's conformance cases: an object name of 56 characters
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int lp_longobj_target_func(void)
{
	return 0;
}

static struct klp_func funcs0[] = {
	{ .old_name = "target_func", .new_func = lp_longobj_target_func },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
		.funcs = funcs0,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init lp_longobj_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_longobj_exit(void)
{
}

module_init(lp_longobj_init);
module_exit(lp_longobj_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
