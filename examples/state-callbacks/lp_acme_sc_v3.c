// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_sc_v3: the acme series' v3 (../lp_acme_v3.c) converted to the proposed
 * state-callbacks API (semantics §12, not merged). Replaces lp_acme_sc_v2.
 *
 *  - vmlinux: cmdline_proc_show() reworded; version_proc_show() no longer patched (the
 *    kernel reverts it with a NOP).
 *  - acme_cache: hit counting per entry is gone, so v3 drops the SV_ACME_HITS state.
 *    Upstream, dropping a state fails the cumulative patch (v3 is refused there); under
 *    the proposal it is allowed: v2's callbacks of the dropped state run as a replaced
 *    patch, and the SV_ACME_HITS variables are freed when v3's transition completes.
 *    acme_cache_evict() no longer unlinks an entry twice and now evicts oldest first, a
 *    change of order that must never be undone: ACME_STATE_EVICT_ORDER blocks disabling.
 *
 * NOTE (see README.md): the pre_unpatch of ACME_STATE_EVICT_ORDER never runs  [KLP074].
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/seq_file.h>
#include <linux/livepatch.h>
#include "../acme_cache.h"
#include "lp_acme_sc_ids.h"

#include <linux/jiffies.h>

#define ACME_MAX_AGE		(60 * HZ)

struct acme_stats {
	atomic_t hits;
	atomic_t misses;
	atomic_t rejected;
};

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "acme-fix v3 active; boot command line withheld\n");
	return 0;
}

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_stats *stats;
	struct acme_entry *e;
	unsigned long *birth;

	stats = klp_shadow_get_or_alloc(c, SV_ACME_STATS, sizeof(*stats), GFP_ATOMIC, NULL, NULL);
	hlist_for_each_entry(e, &c->buckets[hash_32(key, 6)], node) {
		if (e->key != key || !e->val)
			continue;
		birth = klp_shadow_get(e, SV_ACME_BIRTH);
		if (birth && time_after(jiffies, *birth + ACME_MAX_AGE))
			continue;
		if (stats)
			atomic_inc(&stats->hits);
		return e;
	}
	if (stats)
		atomic_inc(&stats->misses);
	return NULL;
}

static int livepatch_acme_cache_insert(struct acme_cache *c, u32 key, const void *val, size_t len)
{
	struct acme_entry *e;
	unsigned long *birth;

	if (READ_ONCE(c->nr_entries) >= READ_ONCE(c->max_entries))
		return -ENOSPC;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->val = kmemdup(val, len, GFP_KERNEL);
	if (!e->val) {
		kfree(e);
		return -ENOMEM;
	}
	e->key = key;
	e->len = len;
	birth = klp_shadow_get_or_alloc(e, SV_ACME_BIRTH, sizeof(*birth),
					GFP_KERNEL, NULL, NULL);
	if (birth)
		*birth = jiffies;

	mutex_lock(&c->lock);
	hlist_add_head(&e->node, &c->buckets[hash_32(key, 6)]);
	c->nr_entries++;
	mutex_unlock(&c->lock);
	return 0;
}

static void livepatch_acme_cache_evict(struct acme_cache *c, struct acme_entry *e)
{
	/* Two shrinkers racing on one entry must not unlink it twice. */
	if (hlist_unhashed(&e->node))
		return;
	hlist_del_init(&e->node);
	c->nr_entries--;
	kfree(e->val);
	kfree(e);
}

static int stats_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics on\n");
	return 0;
}

static void stats_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics off; the kernel frees the counters next\n");
}

static int evict_order_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme evicts oldest entries first from now on\n");
	return 0;
}

static void evict_order_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme eviction order about to change back\n");
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
	{
		.old_name = "acme_cache_insert",
		.new_func = livepatch_acme_cache_insert,
	},
	{
		.old_name = "acme_cache_evict",
		.new_func = livepatch_acme_cache_evict,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
	},
	{
		.name = "acme_cache",
		.funcs = acme_funcs,
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = SV_ACME_STATS,
		.is_shadow = true,
		.callbacks = {
			.pre_patch = stats_pre_patch,
			.post_unpatch = stats_post_unpatch,
		},
	},
	{
		.id = SV_ACME_BIRTH,
		.is_shadow = true,
	},
	{
		.id = ACME_STATE_EVICT_ORDER,
		.block_disable = true,
		.callbacks = {
			.pre_patch = evict_order_pre_patch,
			.pre_unpatch = evict_order_pre_unpatch,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int lp_acme_sc_v3_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_sc_v3_exit(void)
{
}

module_init(lp_acme_sc_v3_init);
module_exit(lp_acme_sc_v3_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v3 (proposed state-callbacks API)");
