// SPDX-License-Identifier: GPL-2.0
/*
 * KLP081 trigger: a patch built at run time, registered first on kernels without the
 * simple enable API: it is enabled too (not a register-only module).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/livepatch.h>

extern struct klp_object lp_generated_objs[];

static struct klp_patch *lpatch;

static int lp_init(void)
{
	int ret;

	lpatch = kzalloc(sizeof(*lpatch), GFP_KERNEL);
	if (!lpatch)
		return -ENOMEM;
	lpatch->mod = THIS_MODULE;
	lpatch->objs = lp_generated_objs;
#ifndef LP_SIMPLE_ENABLE
	ret = klp_register_patch(lpatch);
	if (ret)
		return ret;
#endif
	return klp_enable_patch(lpatch);
}

module_init(lp_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
