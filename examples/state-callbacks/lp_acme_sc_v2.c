// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_sc_v2: the acme series' v2 (../lp_acme_v2.c) converted to the proposed
 * state-callbacks API (semantics §12, not merged). Replaces lp_acme_sc_v1.
 *
 *  - vmlinux: cmdline_proc_show() as in v1; version_proc_show() tags /proc/version.
 *  - acme_cache: lookup skips entries older than a minute; insert enforces max_entries
 *    and records each entry's birth time (SV_ACME_BIRTH); shrink drops the lock every
 *    bucket.
 *  - States: carries SV_ACME_STATS and SV_ACME_HITS over from v1 (no callbacks run for
 *    them on the upgrade, their shadow variables stay); introduces SV_ACME_BIRTH with
 *    .is_shadow, so the birth times are freed when the state goes away (upstream v2 leaks
 *    them). v2 carries v1's state callbacks too: whichever patch is installed when a state
 *    goes away runs them.
 *
 * DELIBERATE MISTAKES (see README.md):
 *  - the conversion left v2's object callback on acme_cache: the proposal has no object
 *    callbacks, so it never runs  [KLP070];
 *  - and it frees SV_ACME_HITS by hand, which .is_shadow already does  [KLP072];
 *  - the new post_patch of SV_ACME_STATS never runs on the upgrade from v1, which already
 *    has the state  [KLP077, series].
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
#include <linux/utsname.h>

#define ACME_MAX_AGE		(60 * HZ)

struct acme_stats {
	atomic_t hits;
	atomic_t misses;
	atomic_t rejected;
};

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "acme-fix v1 active; boot command line hidden by policy\n");
	return 0;
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [acme-fix v2]\n",
		   utsname()->sysname, utsname()->release, utsname()->version);
	return 0;
}

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_stats *stats;
	struct acme_entry *e;
	unsigned long *hits, *birth;

	stats = klp_shadow_get_or_alloc(c, SV_ACME_STATS, sizeof(*stats), GFP_ATOMIC, NULL, NULL);
	hlist_for_each_entry(e, &c->buckets[hash_32(key, 6)], node) {
		if (e->key != key || !e->val)
			continue;
		birth = klp_shadow_get(e, SV_ACME_BIRTH);
		if (birth && time_after(jiffies, *birth + ACME_MAX_AGE))
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

static int livepatch_acme_cache_insert(struct acme_cache *c, u32 key, const void *val, size_t len)
{
	struct acme_stats *stats;
	struct acme_entry *e;
	unsigned long *birth;

	if (READ_ONCE(c->nr_entries) >= c->max_entries) {
		stats = klp_shadow_get(c, SV_ACME_STATS);
		if (stats)
			atomic_inc(&stats->rejected);
		return -ENOSPC;
	}
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

static void livepatch_acme_cache_shrink(struct acme_cache *c, unsigned int target)
{
	struct acme_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ACME_CACHE_BUCKETS; i++) {
		mutex_lock(&c->lock);
		hlist_for_each_entry_safe(e, tmp, &c->buckets[i], node) {
			if (c->nr_entries <= target)
				break;
			acme_cache_evict(c, e);
		}
		mutex_unlock(&c->lock);
		cond_resched();
	}
}

static int stats_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics on\n");
	return 0;
}

static void stats_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics now count rejected inserts\n");
}

static void stats_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics off; the kernel frees the counters next\n");
}

/* Mistake: left over from the upstream v2; object callbacks no longer exist. */
static void acme_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_ACME_HITS, NULL);
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	},
	{
		.old_name = "version_proc_show",
		.new_func = livepatch_version_proc_show,
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
		.old_name = "acme_cache_shrink",
		.new_func = livepatch_acme_cache_shrink,
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
		.callbacks = {
			.post_unpatch = acme_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = SV_ACME_STATS,
		.is_shadow = true,
		.callbacks = {
			.pre_patch = stats_pre_patch,
			.post_patch = stats_post_patch,
			.post_unpatch = stats_post_unpatch,
		},
	},
	{
		.id = SV_ACME_HITS,
		.is_shadow = true,
	},
	{
		.id = SV_ACME_BIRTH,
		.is_shadow = true,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int lp_acme_sc_v2_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_sc_v2_exit(void)
{
}

module_init(lp_acme_sc_v2_init);
module_exit(lp_acme_sc_v2_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v2 (proposed state-callbacks API)");
