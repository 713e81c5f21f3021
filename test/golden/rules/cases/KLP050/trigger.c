// SPDX-License-Identifier: GPL-2.0
/*
 * KLP050 trigger: the session counter is looked up and then allocated (a race: use
 * get_or_alloc), the flags variable is allocated on a parameter of a function that runs
 * for the same session again, and one allocation's NULL result is used unchecked.
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
	int *count = klp_shadow_get(s, SV_RETRY_COUNT);

	if (!count)
		count = klp_shadow_alloc(s, SV_RETRY_COUNT, sizeof(*count), GFP_NOWAIT, NULL, NULL);
	if (!count)
		return -ENOMEM;
	return ++*count > 3 ? -EAGAIN : 0;
}

static void livepatch_session_mark(struct session *s, unsigned long flags)
{
	unsigned long *f;

	f = klp_shadow_alloc(s, SV_FLAGS, sizeof(*f), GFP_ATOMIC, NULL, NULL);
	if (f)
		*f |= flags;
}

static void livepatch_session_trace(struct session *s)
{
	struct session *copy = kmemdup(s, 64, GFP_ATOMIC);
	u64 *stamp;

	stamp = klp_shadow_get_or_alloc(copy, SV_TRACE, sizeof(*stamp), GFP_ATOMIC, NULL, NULL);
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
	{ .old_name = "session_mark", .new_func = livepatch_session_mark },
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
