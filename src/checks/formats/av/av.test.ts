/** AV inspector on synthetic files (no AV in the corpus): a WAV written here, truncated copies, garbage, MP4 box checks. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inspectAv } from './inspect.ts';

/** 16-bit PCM WAV: a 440 Hz tone. */
function makeWav(seconds: number, sampleRate = 8000, channels = 1): Buffer {
  const frames = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), (i * channels + c) * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const box = (type: string, body: Buffer = Buffer.alloc(0)) => {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
};

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dangan-av-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a tiny PCM WAV: container, codec, duration, rate, channels', async () => {
  const f = join(dir, 'tone.wav');
  await writeFile(f, makeWav(0.5, 8000, 2));
  const r = await inspectAv(f);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.format, 'wav');
  assert.equal(r.container, 'WAVE');
  assert.match(r.codec ?? '', /PCM/);
  assert.equal(r.sampleRate, 8000);
  assert.equal(r.channels, 2);
  assert.equal(r.bitsPerSample, 16);
  assert.ok(Math.abs((r.durationSeconds ?? 0) - 0.5) < 0.01, String(r.durationSeconds));
  assert.equal(r.bitrate, 8000 * 2 * 16);
});

test('truncated WAV, header-only WAV, garbage, empty, missing, MP4 without moov / cut box: ok false', async () => {
  const wav = makeWav(1);
  const cases: [string, Buffer, string][] = [
    ['cut.wav', wav.subarray(0, 3000), 'av-truncated'],
    ['header-only.wav', wav.subarray(0, 30), 'av-truncated'],
    ['garbage.wav', Buffer.from('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk', 'latin1'), 'av-structure'],
    ['noise.mp3', Buffer.from('definitely not audio '.repeat(20)), 'av-format-unsupported'],
    ['empty.wav', Buffer.alloc(0), 'av-format-unsupported'],
    ['no-moov.mp4', Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isomiso2mp41', 'latin1')), box('mdat', Buffer.alloc(64))]), 'av-structure'],
    ['cut-box.mp4', Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isom', 'latin1')), box('moov', Buffer.alloc(200))]).subarray(0, 100), 'av-truncated'],
  ];
  for (const [name, bytes, code] of cases) {
    await writeFile(join(dir, name), bytes);
    const r = await inspectAv(join(dir, name));
    assert.equal(r.ok, false, name);
    assert.ok(r.problems.some((x) => x.code === code), `${name}: ${r.problems.map((x) => x.code).join(',')}`);
  }
  const missing = await inspectAv(join(dir, 'nope.wav'));
  assert.equal(missing.problems[0]?.code, 'av-unreadable');
});
