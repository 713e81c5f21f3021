// SPDX-License-Identifier: GPL-2.0
/*
 * acme_cache: the plain target module the example livepatches fix.
 *
 * A hash table of entries keyed by a u32, with a worker that trims the table every
 * few seconds. It has the bugs the series lp_acme_v1..v3 fixes in place:
 *  - acme_cache_lookup() compares keys of entries that are being evicted;
 *  - acme_cache_insert() never enforces max_entries;
 *  - acme_cache_shrink() holds the lock across the whole walk and can stall callers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include "acme_cache.h"

static struct acme_cache acme_default_cache;

static unsigned int acme_bucket(u32 key)
{
	return hash_32(key, 6);
}

struct acme_entry *acme_cache_lookup(struct acme_cache *c, u32 key)
{
	struct acme_entry *e;

	hlist_for_each_entry(e, &c->buckets[acme_bucket(key)], node) {
		if (e->key == key)
			return e;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(acme_cache_lookup);

int acme_cache_insert(struct acme_cache *c, u32 key, const void *val, size_t len)
{
	struct acme_entry *e;

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

	mutex_lock(&c->lock);
	hlist_add_head(&e->node, &c->buckets[acme_bucket(key)]);
	c->nr_entries++;
	mutex_unlock(&c->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(acme_cache_insert);

void acme_cache_evict(struct acme_cache *c, struct acme_entry *e)
{
	hlist_del(&e->node);
	c->nr_entries--;
	kfree(e->val);
	kfree(e);
}
EXPORT_SYMBOL_GPL(acme_cache_evict);

void acme_cache_shrink(struct acme_cache *c, unsigned int target)
{
	struct acme_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	mutex_lock(&c->lock);
	for (i = 0; i < ACME_CACHE_BUCKETS && c->nr_entries > target; i++) {
		hlist_for_each_entry_safe(e, tmp, &c->buckets[i], node) {
			acme_cache_evict(c, e);
		}
	}
	mutex_unlock(&c->lock);
}
EXPORT_SYMBOL_GPL(acme_cache_shrink);

static void acme_cache_flush_work(struct work_struct *work)
{
	struct acme_cache *c = container_of(to_delayed_work(work), struct acme_cache, flush_work);

	acme_cache_shrink(c, c->max_entries / 2);
	schedule_delayed_work(&c->flush_work, 5 * HZ);
}

static int __init acme_cache_init(void)
{
	unsigned int i;

	mutex_init(&acme_default_cache.lock);
	for (i = 0; i < ACME_CACHE_BUCKETS; i++)
		INIT_HLIST_HEAD(&acme_default_cache.buckets[i]);
	acme_default_cache.max_entries = 4096;
	INIT_DELAYED_WORK(&acme_default_cache.flush_work, acme_cache_flush_work);
	schedule_delayed_work(&acme_default_cache.flush_work, 5 * HZ);
	pr_info("ready\n");
	return 0;
}

static void __exit acme_cache_exit(void)
{
	cancel_delayed_work_sync(&acme_default_cache.flush_work);
	acme_cache_shrink(&acme_default_cache, 0);
}

module_init(acme_cache_init);
module_exit(acme_cache_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Example key/value cache (target of the lp_acme livepatches)");
