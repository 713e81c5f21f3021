// SPDX-License-Identifier: GPL-2.0
/*
 * KLP061 near miss: the kvm replacement reads kvm's key with static_key_enabled(), uses a
 * jump label on a key the livepatch defines itself, and a vmlinux replacement uses a
 * static branch on a vmlinux key.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/jump_label.h>

static DEFINE_STATIC_KEY_FALSE(livepatch_strict_irq);

static int livepatch_kvm_apic_accept_irq(struct kvm_lapic *apic, struct kvm_lapic_irq *irq)
{
	if (static_key_enabled(&kvm_has_noapic_vcpu))
		return -EINVAL;
	if (static_branch_unlikely(&livepatch_strict_irq))
		return -EPERM;
	return 0;
}

static bool livepatch_sched_smt_active(void)
{
	return static_branch_likely(&sched_smt_present);
}

static struct klp_func kvm_funcs[] = {
	{
		.old_name = "kvm_apic_accept_irq",
		.new_func = livepatch_kvm_apic_accept_irq,
	},
	{ }
};

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "sched_smt_active",
		.new_func = livepatch_sched_smt_active,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
	},
	{
		.name = "kvm",
		.funcs = kvm_funcs,
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
