// SPDX-License-Identifier: GPL-2.0
/*
 * KLP080 trigger: the template a generator fills in (placeholders for the includes, the
 * objects and the init calls): notes, never an error about the objects it cannot see.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

@@KLP_PATCHES_INCLUDES@@

static struct klp_object objs[] = {
	@@KLP_PATCHES_OBJS@@
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init klp_patch_init(void)
{
	int retval;

	@@KLP_PATCHES_INIT_CALLS@@;
	retval = klp_enable_patch(&patch);
	return retval;
}

module_init(klp_patch_init);
MODULE_LICENSE("GPL");
