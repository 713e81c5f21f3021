// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_v2: second cumulative livepatch of the acme series. Replaces lp_acme_v1.
 *
 *  - vmlinux: cmdline_proc_show() as in v1; version_proc_show() tags /proc/version.
 *  - acme_cache: acme_cache_lookup() also skips entries older than a minute;
 *    acme_cache_insert() enforces max_entries and records each entry's birth time in a
 *    shadow variable (SV_ACME_BIRTH); acme_cache_shrink() drops the lock every bucket.
 *  - System state ACME_STATE_STATS rises to version 2 (the counter block gained a
 *    field); pre_patch takes the counters over from v1 (klp_get_prev_state) and
 *    post_patch frees v1's block, because v1's post_unpatch never runs once replaced.
 *
 * DELIBERATE MISTAKE (see README.md): SV_ACME_BIRTH is allocated in the replacement of
 * acme_cache_insert() but never freed, neither here nor by v3: every evicted entry
 * leaks its birth time, and so does every cached entry when the patch goes away  [KLP051].
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/livepatch.h>
#include "acme_cache.h"
#include "lp_acme_ids.h"

#define ACME_MAX_AGE		(60 * HZ)

struct acme_stats_v1 {
	atomic_t hits;
	atomic_t misses;
};

struct acme_stats_v2 {
	atomic_t hits;
	atomic_t misses;
	atomic_t rejected;	/* inserts refused because the cache was full */
};

static struct klp_patch patch;

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

static struct acme_stats_v2 *acme_stats(void)
{
	struct klp_state *state = klp_get_state(&patch, ACME_STATE_STATS);

	return state ? state->data : NULL;
}

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_stats_v2 *stats = acme_stats();
	struct acme_entry *e;
	unsigned long *hits, *birth;

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
	struct acme_stats_v2 *stats = acme_stats();
	struct acme_entry *e;
	unsigned long *birth;

	if (READ_ONCE(c->nr_entries) >= c->max_entries) {
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

static int acme_pre_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_state(&patch, ACME_STATE_STATS);
	struct klp_state *prev = klp_get_prev_state(ACME_STATE_STATS);
	struct acme_stats_v2 *stats;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return -ENOMEM;
	if (prev && prev->data) {
		struct acme_stats_v1 *old = prev->data;

		atomic_set(&stats->hits, atomic_read(&old->hits));
		atomic_set(&stats->misses, atomic_read(&old->misses));
	}
	state->data = stats;
	return 0;
}

static void acme_post_patch(struct klp_object *obj)
{
	struct klp_state *prev = klp_get_prev_state(ACME_STATE_STATS);

	/* v1 is being replaced: its post_unpatch will never free its block. */
	if (prev)
		kfree(prev->data);
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
			.pre_patch = acme_pre_patch,
			.post_patch = acme_post_patch,
			.post_unpatch = acme_post_unpatch,
		},
	},
	{ }
};

static struct klp_state states[] = {
	{
		.id = ACME_STATE_STATS,
		.version = 2,
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int lp_acme_v2_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_v2_exit(void)
{
}

module_init(lp_acme_v2_init);
module_exit(lp_acme_v2_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v2");
