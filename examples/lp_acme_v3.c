// SPDX-License-Identifier: GPL-2.0
/*
 * lp_acme_v3: third cumulative livepatch of the acme series. Replaces lp_acme_v2.
 *
 *  - vmlinux: cmdline_proc_show() reworded; version_proc_show() is no longer patched
 *    (the /proc/version tag confused a monitoring tool), so the kernel reverts it to the
 *    original code with a NOP when v3 replaces v2.
 *  - acme_cache: the hit counting is gone (lookup re-implemented without it); insert
 *    re-implemented with a clearer limit check; shrink unchanged from v2;
 *    acme_cache_evict() no longer unlinks an entry twice.
 *
 * DELIBERATE MISTAKES (see README.md):
 *  - the author removed the statistics feature and with it the ACME_STATE_STATS entry:
 *    the kernel refuses a cumulative patch that drops a state an installed patch has
 *    ("not compatible with the already installed livepatches")  [KLP042];
 *  - so nothing takes over what v2's post_unpatch would have done (free the counter
 *    block and the SV_ACME_HITS shadow variables)  [KLP032];
 *  - the vmlinux klp_func array lacks its { } terminator  [KLP003];
 *  - like v2, it allocates SV_ACME_BIRTH and never frees it  [KLP051].
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/livepatch.h>
#include "acme_cache.h"
#include "lp_acme_ids.h"

#define ACME_MAX_AGE		(60 * HZ)

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "acme-fix v3 active; boot command line withheld\n");
	return 0;
}

static struct acme_entry *livepatch_acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_entry *e;
	unsigned long *birth;

	hlist_for_each_entry(e, &c->buckets[hash_32(key, 6)], node) {
		if (e->key != key || !e->val)
			continue;
		birth = klp_shadow_get(e, SV_ACME_BIRTH);
		if (birth && time_after(jiffies, *birth + ACME_MAX_AGE))
			continue;
		return e;
	}
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

/* Mistake: no { } terminator; the kernel walks past the end of the array. */
static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	},
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

/* Mistake: ACME_STATE_STATS (version 2 in lp_acme_v2) is no longer listed. */
static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int lp_acme_v3_init(void)
{
	return klp_enable_patch(&patch);
}

static void lp_acme_v3_exit(void)
{
}

module_init(lp_acme_v3_init);
module_exit(lp_acme_v3_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("acme cache fixes, cumulative v3");
