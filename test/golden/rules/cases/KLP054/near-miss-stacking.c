// SPDX-License-Identifier: GPL-2.0
/*
 * KLP054 near miss: a patch that stacks (no .replace) frees its shadow variables from
 * module_exit, checked on its own: rmmod after disable frees them, no successor takes them over.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK	0x501

static void leak_dtor(void *obj, void *shadow_data)
{
	void **leak = shadow_data;

	kfree(*leak);
}

static int leak_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	void **leak = shadow_data;

	*leak = ctor_data;
	return 0;
}

static struct dummy *livepatch_dummy_alloc(void)
{
	struct dummy *d = kzalloc(64, GFP_KERNEL);
	void *leak;

	if (!d)
		return NULL;
	leak = kzalloc(sizeof(int), GFP_KERNEL);
	if (!leak || !klp_shadow_alloc(d, SV_LEAK, sizeof(leak), GFP_KERNEL, leak_ctor, leak)) {
		kfree(leak);
		kfree(d);
		return NULL;
	}
	return d;
}

static void livepatch_dummy_free(struct dummy *d)
{
	klp_shadow_free(d, SV_LEAK, leak_dtor);
	kfree(d);
}

static struct klp_func funcs[] = {
	{ .old_name = "dummy_alloc", .new_func = livepatch_dummy_alloc },
	{ .old_name = "dummy_free", .new_func = livepatch_dummy_free },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "dummy_mod",
		.funcs = funcs,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static void free_leaks(void)
{
	klp_shadow_free_all(SV_LEAK, leak_dtor);
}

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
	free_leaks();
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
