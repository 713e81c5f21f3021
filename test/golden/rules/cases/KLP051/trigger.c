// SPDX-License-Identifier: GPL-2.0
/*
 * KLP051 trigger: a shadow lock is attached to every new pipe but nothing in the patch
 * ever frees it (neither when the pipe goes away nor when the patch is disabled).
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

static struct klp_func funcs[] = {
	{
		.old_name = "alloc_pipe_info",
		.new_func = livepatch_alloc_pipe_info,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
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
