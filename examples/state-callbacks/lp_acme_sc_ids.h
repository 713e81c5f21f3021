/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ids shared by every livepatch of the acme series converted to the proposed
 * state-callbacks API (semantics §12). Under the proposal a state with .is_shadow owns
 * the shadow variables of the same id: each shadow id of the series is also a state id.
 */
#ifndef LP_ACME_SC_IDS_H
#define LP_ACME_SC_IDS_H

/* States whose shadow variables live as long as the state (.is_shadow = true). */
#define SV_ACME_STATS		0x61636d00	/* struct acme_stats, one per cache */
#define SV_ACME_HITS		0x61636d01	/* unsigned long: lookups that hit an entry */
#define SV_ACME_BIRTH		0x61636d02	/* unsigned long: jiffies when inserted */

/* A state that may never go away: v3 changes the eviction order for good. */
#define ACME_STATE_EVICT_ORDER	0x61636d10

#endif /* LP_ACME_SC_IDS_H */
