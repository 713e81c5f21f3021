// Test fixture for the simulator's conformance cases: three objects with callbacks; pre_patch results and replace from parameters
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);

static int target_pre_ret;
module_param(target_pre_ret, int, 0644);

static bool replace;
module_param(replace, bool, 0444);

static int vmlinux_pre_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
	return pre_patch_ret;
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
	return target_pre_ret;
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

static int busy_pre_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
	return 0;
}

static void busy_post_patch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void busy_pre_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static void busy_post_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", __func__);
}

static int lp_a_busy_work_func(void)
{
	return 0;
}

static int lp_a_cmdline_proc_show(void)
{
	return 0;
}

static int lp_a_meminfo_proc_show(void)
{
	return 0;
}

static int lp_a_target_func(void)
{
	return 0;
}

static struct klp_func funcs0[] = {
	{ .old_name = "cmdline_proc_show", .new_func = lp_a_cmdline_proc_show },
	{ .old_name = "meminfo_proc_show", .new_func = lp_a_meminfo_proc_show },
	{ }
};

static struct klp_func funcs1[] = {
	{ .old_name = "target_func", .new_func = lp_a_target_func },
	{ }
};

static struct klp_func funcs2[] = {
	{ .old_name = "busy_work_func", .new_func = lp_a_busy_work_func },
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
	{
		.name = "busy_mod",
		.funcs = funcs2,
		.callbacks = {
			.pre_patch = busy_pre_patch,
			.post_patch = busy_post_patch,
			.pre_unpatch = busy_pre_unpatch,
			.post_unpatch = busy_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init lp_a_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

static void __exit lp_a_exit(void)
{
}

module_init(lp_a_init);
module_exit(lp_a_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
