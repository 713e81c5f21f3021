/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acme_cache: a small in-kernel key/value cache (the example target module).
 * Shared by the module and by the livepatches that fix it.
 */
#ifndef ACME_CACHE_H
#define ACME_CACHE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#define ACME_CACHE_BUCKETS	64

struct acme_entry {
	struct hlist_node node;
	u32 key;
	size_t len;
	void *val;
};

struct acme_cache {
	struct mutex lock;
	struct hlist_head buckets[ACME_CACHE_BUCKETS];
	unsigned int nr_entries;
	unsigned int max_entries;
	struct delayed_work flush_work;
};

struct acme_entry *acme_cache_lookup(struct acme_cache *c, u32 key);
int acme_cache_insert(struct acme_cache *c, u32 key, const void *val, size_t len);
void acme_cache_evict(struct acme_cache *c, struct acme_entry *e);
void acme_cache_shrink(struct acme_cache *c, unsigned int target);

#endif /* ACME_CACHE_H */
