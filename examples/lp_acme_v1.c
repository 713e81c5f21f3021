// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_v1: first cumulative livepatch of the acme series.
 *
 *  - vmlinux: cmdline_proc_show() tags /proc/cmdline so operators see the fix is live.
 *  - acme_cache: acme_cache_lookup() skips entries without a value (half-evicted) and
 *    counts hits per entry in a shadow variable (SV_ACME_HITS).
 *  - System state ACME_STATE_STATS (version 1): a global hit/miss counter block,
 *    allocated by pre_patch and freed by post_unpatch.
 *
 * DELIBERATE MISTAKE (see README.md): the pre_patch callback is declared returning
 * void; the kernel calls it as int (*)(struct klp_object *) and reads garbage  [KLP030].
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/seq_file.h>
#include <linux/livepatch.h>
#include "acme_cache.h"
#include "lp_acme_ids.h"

struct acme_stats_v1 {
	atomic_t hits;
	atomic_t misses;
};

static struct klp_patch patch;

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "acme-fix v1 active; boot command line hidden by policy\n");
	return 0;
}

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct klp_state *state = klp_get_state(&patch, ACME_STATE_STATS);
	struct acme_stats_v1 *stats = state ? state->data : NULL;
	struct acme_entry *e;
	unsigned long *hits;

	hlist_for_each_entry(e, &c->buckets[hash_32(key, 6)], node) {
		if (e->key != key || !e->val)
			continue;
		hits = klp_shadow_get_or_alloc(e, SV_ACME_HITS, sizeof(*hits),
					       GFP_ATOMIC, NULL, NULL);
		if (hits)
			(*hits)++;
		if (stats)
			atomic_inc(&stats->hits);
		return e;
	}
	if (stats)
		atomic_inc(&stats->misses);
	return NULL;
}

/* Mistake: pre_patch must return int (0 or -errno). */
static void acme_pre_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, ACME_STATE_STATS);

	state->data = kzalloc(sizeof(struct acme_stats_v1), GFP_KERNEL);
}

static void acme_post_unpatch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, ACME_STATE_STATS);

	/* A reversed upgrade: the previous patch keeps running and keeps its counts. */
	if (!klp_get_prev_state(ACME_STATE_STATS))
		klp_shadow_free_all(SV_ACME_HITS, NULL);
	kfree(state->data);
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	},
	{ }
};

static struct klp_func acme_funcs[] = {
	{
		.old_name = "acme_cache_lookup",
		.new_func = livepatch_acme_cache_lookup,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		/* name == NULL: vmlinux */
		.funcs = vmlinux_funcs,
	},
	{
		.name = "acme_cache",
		.funcs = acme_funcs,
		.callbacks = {
			.pre_patch = acme_pre_patch,
			.post_unpatch = acme_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = ACME_STATE_STATS,
		.version = 1,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int lp_acme_v1_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_v1_exit(void)
{
}

module_init(lp_acme_v1_init);
module_exit(lp_acme_v1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v1");
