// SPDX-License-Identifier: GPL-2.0
/*
 * KLP051 near miss: the shadow lock is freed with the pipe, and every remaining one in
 * post_unpatch.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define SV_PIPE_LOCK	0x201

static int pipe_lock_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	spinlock_t *lock = shadow_data;

	spin_lock_init(lock);
	return 0;
}

static struct pipe_inode_info *livepatch_alloc_pipe_info(void)
{
	struct pipe_inode_info *pipe = kzalloc(256, GFP_KERNEL_ACCOUNT);

	if (!pipe)
		return NULL;
	if (!klp_shadow_alloc(pipe, SV_PIPE_LOCK, sizeof(spinlock_t), GFP_KERNEL, pipe_lock_ctor, NULL)) {
		kfree(pipe);
		return NULL;
	}
	return pipe;
}

static void livepatch_free_pipe_info(struct pipe_inode_info *pipe)
{
	klp_shadow_free(pipe, SV_PIPE_LOCK, NULL);
	kfree(pipe);
}

static struct klp_func funcs[] = {
	{
		.old_name = "alloc_pipe_info",
		.new_func = livepatch_alloc_pipe_info,
	},
	{
		.old_name = "free_pipe_info",
		.new_func = livepatch_free_pipe_info,
	},
	{ }
};

static void pipe_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_PIPE_LOCK, NULL);
}

static struct klp_object objs[] = {
	{
		.funcs = funcs,
		.callbacks = {
			.post_unpatch = pipe_post_unpatch,
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
