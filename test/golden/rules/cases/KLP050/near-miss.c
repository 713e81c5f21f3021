// SPDX-License-Identifier: GPL-2.0
/*
 * KLP050 near miss: the counter uses klp_shadow_get_or_alloc(), the flags variable is
 * allocated once on a session the function has just created, and every result is checked.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_RETRY_COUNT	0x101
#define SV_FLAGS	0x102
#define SV_TRACE	0x103

struct session;

static int livepatch_session_retry(struct session *s)
{
	int *count = klp_shadow_get_or_alloc(s, SV_RETRY_COUNT, sizeof(*count), GFP_NOWAIT, NULL, NULL);

	if (!count)
		return -ENOMEM;
	return ++*count > 3 ? -EAGAIN : 0;
}

static struct session *livepatch_session_new(unsigned long flags)
{
	struct session *s = kzalloc(64, GFP_KERNEL);
	unsigned long *f;

	if (!s)
		return NULL;
	f = klp_shadow_alloc(s, SV_FLAGS, sizeof(*f), GFP_KERNEL, NULL, NULL);
	if (f)
		*f = flags;
	return s;
}

static void livepatch_session_trace(struct session *s)
{
	struct session *copy = kmemdup(s, 64, GFP_ATOMIC);
	u64 *stamp;

	stamp = klp_shadow_get_or_alloc(copy, SV_TRACE, sizeof(*stamp), GFP_ATOMIC, NULL, NULL);
	if (stamp)
		*stamp = ktime_get_ns();
}

static void livepatch_session_free(struct session *s)
{
	klp_shadow_free(s, SV_RETRY_COUNT, NULL);
	klp_shadow_free(s, SV_FLAGS, NULL);
	klp_shadow_free(s, SV_TRACE, NULL);
	kfree(s);
}

static struct klp_func funcs[] = {
	{ .old_name = "session_retry", .new_func = livepatch_session_retry },
	{ .old_name = "session_new", .new_func = livepatch_session_new },
	{ .old_name = "session_trace", .new_func = livepatch_session_trace },
	{ .old_name = "session_free", .new_func = livepatch_session_free },
	{ }
};

static void session_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_RETRY_COUNT, NULL);
	klp_shadow_free_all(SV_FLAGS, NULL);
	klp_shadow_free_all(SV_TRACE, NULL);
}

static struct klp_object objs[] = {
	{
		.name = "session_mod",
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = session_post_unpatch,
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
