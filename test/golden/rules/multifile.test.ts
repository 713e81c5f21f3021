// Rules on a module made of several files (Kbuild `NAME-y := a.o b.o` plus a local header):
// facts from every file count, and each finding points into the file it is about.
import * as assert from 'node:assert/strict';
import { initParser } from '../../../core/src/cparse/parser';
import { extractModule } from '../../../core/src/extract';
import { runModuleRules } from '../../../core/src/rules';

const MAIN = `#include "lp_net.h"
static struct klp_func funcs[] = {
	{ .old_name = "tcp_retransmit_skb", .new_func = lp_tcp_retransmit_skb },
	{ }
};
static struct klp_object objs[] = {
	{ .funcs = funcs, .callbacks = { .pre_patch = lp_pre_patch, .post_unpatch = lp_post_unpatch } },
	{ }
};
static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .replace = true };
static int lp_init(void)
{
	return klp_enable_patch(&patch);
}
module_init(lp_init);
`;
const HEADER = `#define SV_RETRANS 0x601
int lp_tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, int segs);
int lp_pre_patch(struct klp_object *obj);
void lp_post_unpatch(struct klp_object *obj);
`;
const CALLBACKS = `#include "lp_net.h"
int lp_tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, int segs)
{
	u32 *n = klp_shadow_get_or_alloc(sk, SV_RETRANS, sizeof(*n), GFP_ATOMIC, NULL, NULL);

	if (n)
		(*n)++;
	return 0;
}
void lp_pre_patch(struct klp_object *obj)
{
}
void lp_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SV_RETRANS, NULL);
}
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
`;

describe('rules: multi-file module', () => {
  before(() => initParser());

  it('uses facts of every file and reports in the right one', () => {
    const m = extractModule('lp_net', [
      { path: '/w/lp_net_main.c', text: MAIN },
      { path: '/w/lp_net_cb.c', text: CALLBACKS },
      { path: '/w/lp_net.h', text: HEADER },
    ]);
    const found = runModuleRules(m, { lookupFunction: () => [] }).map((f) => `${f.file}:${f.range.start.line + 1} ${f.code}`);
    // MODULE_INFO/MODULE_LICENSE live in the second file; the free of SV_RETRANS too.
    assert.ok(!found.some((f) => / KLP00[78]$| KLP051$/.test(f)), found.join('\n'));
    // The void pre_patch is reported at its definition, in the file that defines it.
    assert.ok(found.includes('/w/lp_net_cb.c:10 KLP030'), found.join('\n'));
    // The replacement is used by the table of the other file, so it has to be global: no KLP013.
    assert.ok(!found.some((f) => f.endsWith(' KLP013')), found.join('\n'));
  });
});
