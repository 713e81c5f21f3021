// SPDX-License-Identifier: GPL-2.0
/* Stand-in for a driver of the workspace whose functions the fixtures patch (written for the tests). */
#include <linux/module.h>
#include <linux/init.h>

static int __init widget_setup(char *str)
{
	return 1;
}

static void __exit widget_cleanup(void)
{
}

static notrace u64 widget_read_clock(void)
{
	return 0;
}

static inline int widget_ready(struct widget *w)
{
	return w->state == 1;
}

static int widget_open(struct inode *inode, struct file *file)
{
	return 0;
}

static noinline int widget_release(struct inode *inode, struct file *file)
{
	return 0;
}
