// Test fixture for verify's kernel-fact cases (KLP Studio): patches cmdline_proc_show naming it with old_sympos 0 (unique).
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int klpv_sym0_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", "klpv_sym0");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = klpv_sym0_cmdline_proc_show },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = false,
};

static int __init klpv_sym0_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klpv_sym0_exit(void)
{
}

module_init(klpv_sym0_init);
module_exit(klpv_sym0_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
