// SPDX-License-Identifier: GPL-2.0
/*
 * KLP061 trigger: a replacement in the kvm module tests two of kvm's static keys with
 * jump-label sites.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/jump_label.h>

static int livepatch_kvm_apic_accept_irq(struct kvm_lapic *apic, struct kvm_lapic_irq *irq)
{
	if (static_branch_unlikely(&kvm_has_noapic_vcpu))
		return -EINVAL;
	if (static_key_false(&kvm_no_apic_vcpu_key))
		return -EINVAL;
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "kvm_apic_accept_irq",
		.new_func = livepatch_kvm_apic_accept_irq,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "kvm",
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
