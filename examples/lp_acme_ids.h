/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ids shared by every livepatch of the acme series. Shadow variable ids and state ids
 * must mean the same thing in every version, so they live in one header.
 */
#ifndef LP_ACME_IDS_H
#define LP_ACME_IDS_H

/* System states (struct klp_state.id). */
#define ACME_STATE_STATS	1	/* global hit/miss counters, in klp_state.data */

/* Shadow variable ids (klp_shadow_*). */
#define SV_ACME_HITS		0x61636d01	/* unsigned long: lookups that hit an entry */
#define SV_ACME_BIRTH		0x61636d02	/* unsigned long: jiffies when inserted */

#endif /* LP_ACME_IDS_H */
