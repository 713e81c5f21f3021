// SPDX-License-Identifier: GPL-2.0
/* Stand-in for the kernel sources of the functions the fixtures patch (written for the tests). */
#include <linux/seq_file.h>
#include <linux/sched.h>

int stats_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "stats\n");
	return 0;
}

void account_task_time(struct task_struct *p, u64 delta, bool user);

static long stats_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

int stats_printf(const char *fmt, ...);
