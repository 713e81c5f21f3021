// Test fixture for the simulator's conformance cases: a plain target module.
#include <linux/module.h>
#include <linux/kernel.h>

noinline int busy_work_func(void)
{
	return 0;
}

static int __init busy_mod_init(void)
{
	return 0;
}

static void __exit busy_mod_exit(void)
{
}

module_init(busy_mod_init);
module_exit(busy_mod_exit);
MODULE_LICENSE("GPL");
