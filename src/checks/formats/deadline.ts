/** Bounds a promise by a time limit: rejects with `time limit of N ms reached` (the work itself is abandoned, not cancelled). */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`time limit of ${ms} ms reached`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
