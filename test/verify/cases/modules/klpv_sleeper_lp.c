// SPDX-License-Identifier: GPL-2.0
// Livepatch for klpv_sleeper: replaces klpv_sleeper_wait() by a version that returns at
// once. Its callbacks print the transcript's callback lines.
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

static const char *const state_names[] = {
	[MODULE_STATE_LIVE] = "[MODULE_STATE_LIVE] Normal state",
	[MODULE_STATE_COMING] = "[MODULE_STATE_COMING] Full formed, running module_init",
	[MODULE_STATE_GOING] = "[MODULE_STATE_GOING] Going away",
	[MODULE_STATE_UNFORMED] = "[MODULE_STATE_UNFORMED] Still setting it up",
};

static void say(const char *callback, struct klp_object *obj)
{
	if (obj->mod)
		pr_info("%s: %s -> %s\n", callback, obj->mod->name, state_names[obj->mod->state]);
	else
		pr_info("%s: vmlinux\n", callback);
}

static int lp_pre_patch(struct klp_object *obj) { say(__func__, obj); return 0; }
static void lp_post_patch(struct klp_object *obj) { say(__func__, obj); }
static void lp_pre_unpatch(struct klp_object *obj) { say(__func__, obj); }
static void lp_post_unpatch(struct klp_object *obj) { say(__func__, obj); }

static void klpv_new_wait(void)
{
}

static struct klp_func funcs[] = {
	{ .old_name = "klpv_sleeper_wait", .new_func = klpv_new_wait },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "klpv_sleeper",
		.funcs = funcs,
		.callbacks = {
			.pre_patch = lp_pre_patch,
			.post_patch = lp_post_patch,
			.pre_unpatch = lp_pre_unpatch,
			.post_unpatch = lp_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klpv_sleeper_lp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klpv_sleeper_lp_exit(void)
{
}

module_init(klpv_sleeper_lp_init);
module_exit(klpv_sleeper_lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
