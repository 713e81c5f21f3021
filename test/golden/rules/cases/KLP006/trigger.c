// SPDX-License-Identifier: GPL-2.0
/*
 * KLP006 trigger: tcp_sendmsg patched twice in the vmlinux object (a copy-paste after a
 * merge), and a static helper patched as sympos 0 and sympos 1, which name the same entry.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <net/sock.h>

static int livepatch_tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	return -EPIPE;
}

static int livepatch_tcp_sendmsg_v2(struct sock *sk, struct msghdr *msg, size_t size)
{
	return -EPIPE;
}

static void livepatch_show_stats(struct seq_file *seq)
{
}

static struct klp_func funcs[] = {
	{
		.old_name = "tcp_sendmsg",
		.new_func = livepatch_tcp_sendmsg,
	},
	{
		.old_name = "show_stats",
		.new_func = livepatch_show_stats,
	},
	{
		.old_name = "show_stats",
		.new_func = livepatch_show_stats,
		.old_sympos = 1,
	},
	{
		.old_name = "tcp_sendmsg",
		.new_func = livepatch_tcp_sendmsg_v2,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
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
