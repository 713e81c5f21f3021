// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_sc_v4: a fourth cumulative patch (proposed state-callbacks API, semantics §12).
 * The eviction fix went into the acme_cache module itself, so its author dropped the
 * replacement of acme_cache_evict() and with it the ACME_STATE_EVICT_ORDER state.
 *
 * DELIBERATE MISTAKE (see README.md): v3 installs ACME_STATE_EVICT_ORDER with
 * .block_disable; a cumulative patch must carry such a state, so the kernel refuses v4
 * ("not compatible with the already installed livepatches")  [KLP071, series].
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
	seq_puts(m, "acme-fix v4 active; boot command line withheld\n");
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
		.funcs = vmlinux_funcs,
	},
	{
		.name = "acme_cache",
		.funcs = acme_funcs,
	},
	{ }
};

/* Mistake: ACME_STATE_EVICT_ORDER (block_disable in lp_acme_sc_v3) is no longer listed. */
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
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	.replace = true,
};

static int lp_acme_sc_v4_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_sc_v4_exit(void)
{
}

module_init(lp_acme_sc_v4_init);
module_exit(lp_acme_sc_v4_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v4 (proposed state-callbacks API)");
