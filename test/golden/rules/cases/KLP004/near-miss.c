// SPDX-License-Identifier: GPL-2.0
/*
 * KLP004 near miss: names given through macros, the replacement through `&fn`, and a
 * symbol of exactly 511 characters (the longest the kernel accepts).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

/* A generated symbol name. */
#define LONGEST_SYMBOL \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop" \
	"abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmno"

#define OPEN_SYMBOL "do_sys_openat2"

static long livepatch_do_sys_openat2(int dfd, const char *filename, struct open_how *how)
{
	return -EPERM;
}

static int livepatch_longest(void)
{
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = OPEN_SYMBOL,
		.new_func = &livepatch_do_sys_openat2,
	},
	{
		.old_name = LONGEST_SYMBOL,
		.new_func = livepatch_longest,
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
