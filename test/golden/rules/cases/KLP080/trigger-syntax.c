// SPDX-License-Identifier: GPL-2.0
/*
 * KLP080 trigger: a livepatch being typed, with a syntax error in a replacement: a note
 * names the line, instead of a silent "0 errors".
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int lp_acme_lookup(int id)
{
	int found = ;

	return found;
}

static struct klp_func funcs[] = {
	{ .old_name = "acme_lookup", .new_func = lp_acme_lookup, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "acme", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int lp_init(void)
{
	return klp_enable_patch(&patch);
}

module_init(lp_init);
MODULE_LICENSE("GPL");
