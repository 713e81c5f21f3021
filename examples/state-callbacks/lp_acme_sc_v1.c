// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_sc_v1: the acme series' v1 (../lp_acme_v1.c) converted to the proposed
 * state-callbacks API (semantics §12, not merged; docs/STATE-CALLBACKS.md).
 *
 *  - vmlinux: cmdline_proc_show() tags /proc/cmdline.
 *  - acme_cache: acme_cache_lookup() skips half-evicted entries, counts hits per entry
 *    (SV_ACME_HITS) and per cache (SV_ACME_STATS).
 *  - The object callbacks of v1 are gone: the counters live in shadow variables owned by
 *    states with .is_shadow, which the kernel frees when the state goes away. The state
 *    callbacks only log: the proposal runs them when a state is introduced or removed,
 *    never when a cumulative patch carries the state over.
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

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_stats *stats;
	struct acme_entry *e;
	unsigned long *hits;

	stats = klp_shadow_get_or_alloc(c, SV_ACME_STATS, sizeof(*stats), GFP_ATOMIC, NULL, NULL);
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

static int stats_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics on\n");
	return 0;
}

static void stats_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("acme statistics off; the kernel frees the counters next\n");
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
		.id = SV_ACME_HITS,
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

static int lp_acme_sc_v1_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_sc_v1_exit(void)
{
}

module_init(lp_acme_sc_v1_init);
module_exit(lp_acme_sc_v1_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v1 (proposed state-callbacks API)");
