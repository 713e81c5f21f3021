// Test fixture for the simulator's conformance cases: non-cumulative patch of cmdline_proc_show without callbacks
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int lp_c_cmdline_proc_show(void)
{
	return 0;
}

static struct klp_func funcs0[] = {
	{ .old_name = "cmdline_proc_show", .new_func = lp_c_cmdline_proc_show },
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

static int __init lp_c_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_c_exit(void)
{
}

module_init(lp_c_init);
module_exit(lp_c_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
