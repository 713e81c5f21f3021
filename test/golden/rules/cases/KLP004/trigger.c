// SPDX-License-Identifier: GPL-2.0
/*
 * KLP004 trigger: one entry forgets .new_func, one forgets .old_name, and one names a
 * symbol longer than KSYM_NAME_LEN - 1 (a generated name in a macro).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

/* A generated symbol name. */
#define LONG_SYMBOL \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"__x"

static long livepatch_do_sys_open(int dfd, const char *filename, int flags, umode_t mode)
{
	return -EPERM;
}

static int livepatch_filp_close(struct file *filp, fl_owner_t id)
{
	return 0;
}

static int livepatch_long(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "do_sys_open",
	},
	{
		.new_func = livepatch_filp_close,
	},
	{
		.old_name = LONG_SYMBOL,
		.new_func = livepatch_long,
	},
	{
		.old_name = "do_sys_openat2",
		.new_func = livepatch_do_sys_open,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
