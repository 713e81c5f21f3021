// SPDX-License-Identifier: GPL-2.0
/*
 * KLP082 trigger: the patch is allocated and filled in by the init code from tables a
 * build tool generated (the form of klp-build's and kpatch's init code): what is assigned
 * is read, and one note says which checks could not run.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/livepatch.h>

extern struct klp_object lp_generated_objs[];

static struct klp_patch *patch;

static int lp_init(void)
{
	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	if (!patch)
		return -ENOMEM;
	patch->mod = THIS_MODULE;
	patch->objs = lp_generated_objs;
#ifdef LP_STACKING
	patch->replace = false;
#else
	patch->replace = true;
#endif
	return klp_enable_patch(patch);
}

static void lp_exit(void)
{
	kfree(patch);
}

module_init(lp_init);
module_exit(lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
