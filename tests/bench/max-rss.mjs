// Preloaded by the bench (`node --import`) when /usr/bin/time is missing: writes the process's peak RSS in KiB
// to $EK_BENCH_RSS when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.EK_BENCH_RSS) writeFileSync(process.env.EK_BENCH_RSS, `${process.resourceUsage().maxRSS}\n`);
});
