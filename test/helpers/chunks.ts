// Cuts bytes into chunks for property tests: where the cuts fall is what fast-check chooses (and shrinks).

import fc from 'fast-check';

/** Up to 20 cut points, each a fraction of the length, so one arbitrary serves inputs of any size. */
export const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 });

/** The bytes cut at the given fractions of their length (anywhere: inside a UTF-8 character too). */
export function chunked(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}
