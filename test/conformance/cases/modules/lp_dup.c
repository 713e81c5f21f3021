// Test fixture for the simulator's conformance cases: the same function twice in one object
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int lp_dup_cmdline_proc_show(void)
{
	return 0;
}

static struct klp_func funcs0[] = {
	{ .old_name = "cmdline_proc_show", .new_func = lp_dup_cmdline_proc_show },
	{ .old_name = "cmdline_proc_show", .new_func = lp_dup_cmdline_proc_show, .old_sympos = 1 },
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

static int __init lp_dup_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lp_dup_exit(void)
{
}

module_init(lp_dup_init);
module_exit(lp_dup_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
