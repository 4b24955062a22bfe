import { watch as watchFiles } from 'chokidar';
import { build, type BuildOptions } from './run.js';

/**
 * Builds, then rebuilds whenever a file under the sources or templates changes, printing one line per rebuild.
 * An error is shown and the watch goes on; the last good outputs stay (the build keeps going per output).
 */
export async function watch(options: BuildOptions): Promise<number> {
  const rebuild = async (reason: string) => {
    const started = performance.now();
    const result = await build({ ...options, quiet: true });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const time = new Date().toTimeString().slice(0, 8);
    process.stdout.write(`${time} ${reason}: ${result.summary} (${seconds} s)${result.failed.length ? ` — failed: ${result.failed.join(', ')}` : ''}\n`);
  };
  await rebuild('start');
  const watcher = watchFiles([options.paths.sources, options.paths.templates], { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100 } });
  // Saves often come in bursts (editor swap files, several files at once): one rebuild per burst, never two at once.
  let pending: string | undefined;
  let running: Promise<void> | undefined;
  const schedule = (path: string) => {
    pending = path;
    running ??= (async () => {
      while (pending) {
        const reason = `changed ${pending}`;
        pending = undefined;
        await new Promise((resolve) => setTimeout(resolve, 150));
        await rebuild(reason);
      }
      running = undefined;
    })();
  };
  watcher.on('add', schedule).on('change', schedule).on('unlink', schedule);
  // Until chokidar has listed the folders, a save goes unnoticed: say "watching" only once it is true.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  process.stdout.write(`watching ${options.paths.sources}/ and ${options.paths.templates}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await watcher.close();
  await running;
  return 0;
}
