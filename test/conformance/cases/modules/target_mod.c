// Test fixture for the simulator's conformance cases: a plain target module.
#include <linux/module.h>
#include <linux/kernel.h>

noinline int target_func(void)
{
	return 0;
}

static int __init target_mod_init(void)
{
	return 0;
}

static void __exit target_mod_exit(void)
{
}

module_init(target_mod_init);
module_exit(target_mod_exit);
MODULE_LICENSE("GPL");
