// SPDX-License-Identifier: GPL-2.0
/*
 * KLP080 near miss: a generated cumulative module in the form a generator writes it:
 * compound-literal klp_func arrays, names through __stringify(). Read completely.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>

static int klpp_unix_gc(void)
{
	return 0;
}

static int klpp_tcp_ack(struct sock *sk, const struct sk_buff *skb, int flag)
{
	return 0;
}

static struct klp_object objs[] = {
	{
		.name = NULL,
		.funcs = (struct klp_func[]) {
			{ .old_name = __stringify(unix_gc), .new_func = klpp_unix_gc, },
			{ .old_name = "tcp_ack", .new_func = klpp_tcp_ack, },
			{ }
		}
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
