// SPDX-License-Identifier: GPL-2.0
/*
 * KLP053 trigger: the constructor allocates with GFP_KERNEL and takes a mutex (it runs
 * under klp_shadow_lock), and a GFP_KERNEL shadow allocation happens under a spinlock.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define SV_AUDIT_BUF	0x401
#define SV_AUDIT_SEQ	0x402

static DEFINE_MUTEX(audit_buf_mutex);
static DEFINE_SPINLOCK(audit_seq_lock);

struct audit_buf {
	char *text;
};

static int audit_buf_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct audit_buf *buf = shadow_data;

	mutex_lock(&audit_buf_mutex);
	buf->text = kmalloc(256, GFP_KERNEL);
	mutex_unlock(&audit_buf_mutex);
	return buf->text ? 0 : -ENOMEM;
}

static void audit_buf_dtor(void *obj, void *shadow_data)
{
	struct audit_buf *buf = shadow_data;

	kfree(buf->text);
}

static int livepatch_audit_log_start(struct audit_context *ctx)
{
	struct audit_buf *buf;
	u64 *seq;

	buf = klp_shadow_get_or_alloc(ctx, SV_AUDIT_BUF, sizeof(*buf), GFP_ATOMIC, audit_buf_ctor, NULL);
	if (!buf)
		return -ENOMEM;

	spin_lock(&audit_seq_lock);
	seq = klp_shadow_get_or_alloc(ctx, SV_AUDIT_SEQ, sizeof(*seq), GFP_KERNEL, NULL, NULL);
	spin_unlock(&audit_seq_lock);
	if (!seq)
		return -ENOMEM;
	return 0;
}

static void livepatch_audit_free_context(struct audit_context *ctx)
{
	klp_shadow_free(ctx, SV_AUDIT_BUF, audit_buf_dtor);
	klp_shadow_free(ctx, SV_AUDIT_SEQ, NULL);
	kfree(ctx);
}

static struct klp_func funcs[] = {
	{ .old_name = "audit_log_start_ctx", .new_func = livepatch_audit_log_start },
	{ .old_name = "audit_free_context", .new_func = livepatch_audit_free_context },
	{ }
};

static void audit_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_AUDIT_BUF, audit_buf_dtor);
	klp_shadow_free_all(SV_AUDIT_SEQ, NULL);
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = audit_post_unpatch,
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
