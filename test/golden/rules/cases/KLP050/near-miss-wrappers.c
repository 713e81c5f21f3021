// SPDX-License-Identifier: GPL-2.0
/*
 * KLP050 near miss: wrappers that take the id as a parameter and return the pointer to
 * callers that check it, and an allocation that the same function always frees again.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

#define SV_SCRATCH 0x5a1
#define SV_SEEN 0x5a2
#define SV_COUNT 0x5a3

static void *lp_shadow_alloc(void *obj, unsigned long id, size_t size)
{
	void *sv;

	sv = klp_shadow_alloc(obj, id, size, GFP_ATOMIC, NULL, NULL);
	pr_debug("shadow %lu allocated\n", id);
	return sv;
}

static void *lp_shadow_get_or_alloc(void *obj, unsigned long id, size_t size)
{
	void *sv;

	sv = klp_shadow_get_or_alloc(obj, id, size, GFP_ATOMIC, NULL, NULL);
	return sv;
}

static int lp_acme_scan(struct acme_dev *dev)
{
	int *scratch = klp_shadow_alloc(dev, SV_SCRATCH, sizeof(*scratch), GFP_ATOMIC, NULL, NULL);

	if (!scratch)
		return -ENOMEM;
	*scratch = 0;
	klp_shadow_free(dev, SV_SCRATCH, NULL);
	if (!lp_shadow_alloc(dev, SV_SEEN, 8) || !lp_shadow_get_or_alloc(dev, SV_COUNT, 8))
		return -ENOMEM;
	return 0;
}

static void lp_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_SEEN, NULL);
	klp_shadow_free_all(SV_COUNT, NULL);
}

static struct klp_func funcs[] = {
	{
		.old_name = "acme_scan",
		.new_func = lp_acme_scan,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = lp_post_unpatch,
		},
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
