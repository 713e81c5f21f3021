// Preload (node --require) that CPU-profiles a process started by the benchmarks, e.g. the
// language server: `node --cpu-prof` is not allowed in NODE_OPTIONS, a --require is. The
// profile is written to $KLP_BENCH_PROFILE_DIR/<title>-<pid>.cpuprofile when the process
// exits; summarise it with bench/profile.mjs.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.KLP_BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 250 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // Same-thread inspector sessions answer synchronously, so this works in 'exit'.
    session.post('Profiler.stop', (err, r) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      const name = path.basename(process.argv[1] || 'node').replace(/\.[cm]?js$/, '');
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
    });
  });
}
