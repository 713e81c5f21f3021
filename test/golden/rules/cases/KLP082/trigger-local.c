// SPDX-License-Identifier: GPL-2.0
/*
 * KLP082 trigger: klp_enable_patch() of a local pointer to a patch built by a helper:
 * no static klp_patch at all, and still not "no livepatch module".
 */
#include <linux/module.h>
#include <linux/livepatch.h>

struct klp_patch *lp_build_patch(void);

static int lp_init(void)
{
	struct klp_patch *lpatch = lp_build_patch();

	if (!lpatch)
		return -ENOMEM;
	return klp_enable_patch(lpatch);
}

module_init(lp_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
