// readLineBatches against a plain split of the decoded text: random lines (empty, CR-terminated,
// multi-byte, with and without a final newline, a BOM at the start) cut into random stream chunks,
// so lines straddle one, two or many chunks.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readLineBatches } from '../../realtime/json-line-batches.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Lines as the general reader sees them: split on \n, one trailing \r dropped, BOM dropped from the first line. */
function expectedLines(text: string, stripBom: boolean): string[] {
  const body = stripBom && text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

test('line batches equal a plain split whatever the chunking', async () => {
  for (let seed = 1; seed <= 60; seed++) {
    const next = random(seed);
    const lines = Array.from({ length: Math.floor(next() * 40) }, () => {
      const length = Math.floor(next() * (next() < 0.1 ? 3000 : 30));
      let line = Array.from({ length }, () => (next() < 0.05 ? 'é日' : String.fromCharCode(97 + Math.floor(next() * 26)))).join('');
      if (next() < 0.1) line += '\r';
      return line;
    });
    const text = (next() < 0.3 ? '\ufeff' : '') + lines.join('\n') + (next() < 0.5 ? '\n' : '');
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let position = 0; position < bytes.length; ) {
      const size = 1 + Math.floor(next() * (next() < 0.5 ? 8 : 500));
      chunks.push(bytes.subarray(position, position + size));
      position += size;
    }
    const stripBom = next() < 0.8;
    const seen: string[] = [];
    let expectedFirstLine = 1;
    for await (const batch of readLineBatches(Readable.from(chunks), stripBom)) {
      assert.equal(batch.firstLine, expectedFirstLine, `seed ${seed}: batches number lines consecutively`);
      for (let line = 0; line < batch.count; line++) seen.push(batch.bytes.toString('utf8', batch.starts[line]!, batch.ends[line]!));
      expectedFirstLine += batch.count;
    }
    assert.deepEqual(seen, expectedLines(text, stripBom), `seed ${seed}`);
  }
});
