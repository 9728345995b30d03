/**
 * Everything a benchmark must undo (databases, processes, test hosts), run once: at the end
 * of `main` and on SIGINT/SIGTERM, so an interrupted run leaves nothing behind.
 */
const tasks: (() => Promise<void> | void)[] = [];
let running: Promise<void> | null = null;

/** Registers `task`; tasks run newest first. Returns a function that runs it now, once, and forgets it. */
export function onCleanup(task: () => Promise<void> | void): () => Promise<void> {
  let done = false;
  const once = async (): Promise<void> => {
    if (done) return;
    done = true;
    const index = tasks.indexOf(once);
    if (index >= 0) tasks.splice(index, 1);
    await task();
  };
  tasks.push(once);
  return once;
}

/** Runs every registered task, newest first; a failing task does not stop the others. */
export function cleanUpAll(): Promise<void> {
  running ??= (async () => {
    for (const task of [...tasks].reverse()) {
      await Promise.resolve()
        .then(task)
        .catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
    }
  })();
  return running;
}

/** Runs `main`, cleans up whatever happens, and sets the exit code: non-zero on any error. */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanUpAll().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  } finally {
    await cleanUpAll();
  }
  // Lingering handles (a pool, a timer) must not keep a finished benchmark alive.
  process.exit(process.exitCode ?? 0);
}
