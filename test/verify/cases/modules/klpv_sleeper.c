// SPDX-License-Identifier: GPL-2.0
// Target module for klp-studio's real-kernel tests: a kthread named "klpv_sleeper" waits
// inside klpv_sleeper_wait() until the `release` parameter is set, so a livepatch that
// replaces that function cannot switch the kthread until then.
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>

static bool release;
module_param(release, bool, 0644);
MODULE_PARM_DESC(release, "let the kthread return from klpv_sleeper_wait()");

static struct task_struct *worker;

static noinline void klpv_sleeper_wait(void)
{
	while (!READ_ONCE(release) && !kthread_should_stop())
		msleep_interruptible(50);
}

static int klpv_sleeper_thread(void *unused)
{
	while (!kthread_should_stop()) {
		klpv_sleeper_wait();
		msleep_interruptible(50);
	}
	return 0;
}

static int __init klpv_sleeper_init(void)
{
	worker = kthread_run(klpv_sleeper_thread, NULL, "klpv_sleeper");
	return PTR_ERR_OR_ZERO(worker);
}

static void __exit klpv_sleeper_exit(void)
{
	kthread_stop(worker);
}

module_init(klpv_sleeper_init);
module_exit(klpv_sleeper_exit);
MODULE_LICENSE("GPL");
