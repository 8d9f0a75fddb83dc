// Runs async tasks with at most n at a time (downloads to one server: a small number, kind to it).

export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** A task waits for a free slot; a finishing task hands its slot straight to the next waiting one. */
export function limit(n: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
