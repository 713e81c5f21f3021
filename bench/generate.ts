// Generators of realistic large livepatch sources (as klp-ccp / clang-extract produce them:
// many copied structs, static helpers, macros, #ifdef blocks, kernel attributes, then the
// klp tables at the end) and of long series. Deterministic for a given size.

/** A livepatch source of about `lines` lines. */
export function generateLargeSource(lines: number, name = 'lp_big', opts: { funcs?: number; replace?: boolean; stateVersion?: number; firstFunc?: number; changed?: number } = {}): string {
  const out: string[] = [
    `// Generated: a klp-ccp-sized livepatch module (${lines} lines).`,
    '#include <linux/module.h>',
    '#include <linux/kernel.h>',
    '#include <linux/livepatch.h>',
    '#include <linux/slab.h>',
    '',
    '#define BIG_STATE_ID 0x42',
    `#define BIG_STATE_VERSION ${opts.stateVersion ?? 1}`,
    '#define SV_BIG_CTX 7',
    '',
  ];
  const nfuncs = opts.funcs ?? 40;
  let i = 0;
  const tail = 60 + nfuncs * 6;
  while (out.length < lines - tail) {
    const k = i++;
    switch (k % 5) {
      case 0:
        out.push(`struct big_ctx_${k} {`, '\tunsigned long flags;', '\tstruct list_head node;', `\tint counters[${(k % 7) + 1}];`, '\tvoid __rcu *owner;', '};', '');
        break;
      case 1:
        out.push(`static __always_inline int big_helper_${k}(struct big_ctx_${k - 1} *c, int v)`, '{', '\tif (!c)', '\t\treturn -EINVAL;', `\tc->counters[0] += v * ${k};`, '\treturn c->counters[0];', '}', '');
        break;
      case 2:
        out.push('#ifdef CONFIG_SMP', `DEFINE_PER_CPU(int, big_pcpu_${k});`, '#else', `static int big_pcpu_${k};`, '#endif', '');
        break;
      case 3:
        out.push(`static noinline void __cold big_report_${k}(const char *what, unsigned long val)`, '{', `\tpr_debug("%s: %lu (${k})\\n", what, val);`, '}', '');
        break;
      default:
        out.push(`static int big_lookup_${k}(const unsigned long *tbl, int n, unsigned long key)`, '{', '\tint lo = 0, hi = n - 1;', '', '\twhile (lo <= hi) {', '\t\tint mid = lo + (hi - lo) / 2;', '\t\tif (tbl[mid] == key)', '\t\t\treturn mid;', '\t\tif (tbl[mid] < key)', '\t\t\tlo = mid + 1;', '\t\telse', '\t\t\thi = mid - 1;', '\t}', '\treturn -ENOENT;', '}', '');
    }
  }
  // Patched functions big_fn_<first> .. big_fn_<first+funcs-1>; the body of big_fn_<changed>
  // differs from the other versions (a series re-patches one function per patch).
  const first = opts.firstFunc ?? 0;
  for (let f = first; f < first + nfuncs; f++) {
    out.push(`static int livepatch_big_fn_${f}(struct seq_file *m, void *v)`, '{', `\tseq_printf(m, "%d\\n", ${f === opts.changed ? `${f} + ${opts.stateVersion ?? 1}` : f});`, '\treturn 0;', '}', '');
  }
  out.push('static struct klp_func big_funcs[] = {');
  for (let f = first; f < first + nfuncs; f++) out.push(`\t{ .old_name = "big_fn_${f}", .new_func = livepatch_big_fn_${f}, },`);
  out.push('\t{ }', '};', '');
  out.push('static struct klp_object big_objs[] = {', '\t{', '\t\t.funcs = big_funcs,', '\t}, { }', '};', '');
  out.push('static struct klp_state big_states[] = {', '\t{ .id = BIG_STATE_ID, .version = BIG_STATE_VERSION },', '\t{ }', '};', '');
  out.push(`static struct klp_patch big_patch = {`, '\t.mod = THIS_MODULE,', '\t.objs = big_objs,', '\t.states = big_states,', `\t.replace = ${opts.replace === false ? 'false' : 'true'},`, '};', '');
  out.push(`static int __init ${name}_init(void)`, '{', '\treturn klp_enable_patch(&big_patch);', '}', '');
  out.push(`static void __exit ${name}_exit(void)`, '{', '}', '');
  out.push(`module_init(${name}_init);`, `module_exit(${name}_exit);`, 'MODULE_LICENSE("GPL");', 'MODULE_INFO(livepatch, "Y");');
  while (out.length < lines) out.push('');
  return out.join('\n') + '\n';
}

/**
 * A cumulative series of N livepatch modules of about LINES lines each (`lp_001` ...
 * `lp_N`): each replaces the previous one, patches a window of functions that moves by one
 * per patch (so each step adds one function and reverts one by NOP), re-patches one
 * function with a new body, and carries the state at a rising version. Returns file name ->
 * text, `klp.series` included.
 */
export function generateSeries(n: number, lines: number, funcs = 40): Map<string, string> {
  const files = new Map<string, string>();
  const names: string[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `lp_${String(i).padStart(3, '0')}`;
    names.push(name);
    files.set(`${name}.c`, generateLargeSource(lines, name, { funcs, stateVersion: i, firstFunc: i - 1, changed: i - 1 + (i % funcs) }));
  }
  files.set('klp.series', `# Generated: ${n} cumulative patches\n${names.join('\n')}\n`);
  return files;
}
