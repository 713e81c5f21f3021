// Test fixture for the simulator's conformance cases: a function selected by old_sympos
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int lp_sympos_dup_static_func(void)
{
	return 0;
}

static struct klp_func funcs0[] = {
	{ .old_name = "dup_static_func", .new_func = lp_sympos_dup_static_func, .old_sympos = 2 },
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs0,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init lp_sympos_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_sympos_exit(void)
{
}

module_init(lp_sympos_init);
module_exit(lp_sympos_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
