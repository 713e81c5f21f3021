// Test fixture for verify's kernel-fact cases (KLP Studio): a cumulative replacement of klpv_sym0 that names cmdline_proc_show with old_sympos 1.
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int klpv_sym1_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", "klpv_sym1");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = klpv_sym1_cmdline_proc_show, .old_sympos = 1 },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init klpv_sym1_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klpv_sym1_exit(void)
{
}

module_init(klpv_sym1_init);
module_exit(klpv_sym1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
