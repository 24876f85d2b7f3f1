// LanceDB peer of the NixHumanity vector benchmark.
// Reads the vectors, metadata, queries and exact ground truth written by NixHumanity.VectorBenchmarks into <dataDir>,
// loads them into a LanceDB table (same batch size as the C# store), runs the same queries (cosine, k = 10, with and
// without the prefilter `success_rate > 0.8`) and prints one JSON object with the figures on stdout.
// Usage: node bench.mjs <dataDir> [--ivf]   (--ivf also builds and measures an IVF_PQ index)
import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import fs from 'node:fs';
import path from 'node:path';

const dataDir = process.argv[2];
const withIvf = process.argv.includes('--ivf');
if (!dataDir) {
  console.error('usage: node bench.mjs <dataDir> [--ivf]');
  process.exit(2);
}

const manifest = JSON.parse(fs.readFileSync(path.join(dataDir, 'manifest.json'), 'utf8'));
const dims = manifest.dimensions;
const k = manifest.k;
const filter = manifest.filter;

function readFloats(file) {
  const buffer = fs.readFileSync(path.join(dataDir, file));
  // Copy into an aligned ArrayBuffer: Buffer's byteOffset need not be a multiple of 4.
  const aligned = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  return new Float32Array(aligned);
}

const vectors = readFloats('vectors.f32');
const queries = readFloats('queries.f32');
const meta = JSON.parse(fs.readFileSync(path.join(dataDir, 'meta.json'), 'utf8'));
const truth = JSON.parse(fs.readFileSync(path.join(dataDir, 'truth.json'), 'utf8'));
const rows = meta.success_rate.length;
const queryCount = queries.length / dims;

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int32(), false),
  new arrow.Field('vector', new arrow.FixedSizeList(dims, new arrow.Field('item', new arrow.Float32(), true)), false),
  new arrow.Field('command', new arrow.Utf8(), false),
  new arrow.Field('text', new arrow.Utf8(), false),
  new arrow.Field('success_rate', new arrow.Float64(), false),
  new arrow.Field('user_satisfaction', new arrow.Float64(), true),
]);

const dbDir = path.join(dataDir, 'lancedb');
fs.rmSync(dbDir, { recursive: true, force: true });
const db = await lancedb.connect(dbDir);
const table = await db.createEmptyTable('command_embeddings', schema);

const batchSize = manifest.batchSize;
const insertStart = process.hrtime.bigint();
for (let start = 0; start < rows; start += batchSize) {
  const end = Math.min(rows, start + batchSize);
  const batch = [];
  for (let i = start; i < end; i++) {
    batch.push({
      id: i,
      vector: Array.from(vectors.subarray(i * dims, (i + 1) * dims)),
      command: meta.command[i],
      text: meta.text[i],
      success_rate: meta.success_rate[i],
      user_satisfaction: meta.user_satisfaction[i],
    });
  }
  await table.add(batch);
}
const insertSeconds = Number(process.hrtime.bigint() - insertStart) / 1e9;

function dirBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

async function measure(name, build, truthSets) {
  const query = (q) => Array.from(queries.subarray(q * dims, (q + 1) * dims));
  for (let q = 0; q < Math.min(20, queryCount); q++) {
    await build(query(q)).toArray();
  }
  const latencies = [];
  let hits = 0;
  for (let pass = 0; pass < manifest.passes; pass++) {
    for (let q = 0; q < queryCount; q++) {
      const vector = query(q);
      const start = process.hrtime.bigint();
      const results = await build(vector).toArray();
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (pass === 0) {
        const expected = new Set(truthSets[q]);
        hits += results.filter((r) => expected.has(r.id)).length;
      }
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    name,
    queries: latencies.length,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    mean_ms: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    recall_at_10: hits / truthSets.reduce((a, t) => a + t.length, 0),
  };
}

const columns = ['id', 'command', 'text', 'success_rate', 'user_satisfaction'];
const results = [];
results.push(await measure('flat filtered',
  (v) => table.vectorSearch(v).distanceType('cosine').where(filter).select(columns).limit(k), truth.filtered));
results.push(await measure('flat unfiltered',
  (v) => table.vectorSearch(v).distanceType('cosine').select(columns).limit(k), truth.unfiltered));

let indexSeconds = null;
if (withIvf) {
  const indexStart = process.hrtime.bigint();
  await table.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: 'cosine' }) });
  indexSeconds = Number(process.hrtime.bigint() - indexStart) / 1e9;
  results.push(await measure('IVF_PQ filtered (defaults)',
    (v) => table.vectorSearch(v).distanceType('cosine').where(filter).select(columns).limit(k), truth.filtered));
  results.push(await measure('IVF_PQ filtered (nprobes 50, refine 10)',
    (v) => table.vectorSearch(v).distanceType('cosine').nprobes(50).refineFactor(10).where(filter).select(columns).limit(k), truth.filtered));
  results.push(await measure('IVF_PQ unfiltered (nprobes 50, refine 10)',
    (v) => table.vectorSearch(v).distanceType('cosine').nprobes(50).refineFactor(10).select(columns).limit(k), truth.unfiltered));
}

console.log(JSON.stringify({
  engine: 'lancedb',
  version: JSON.parse(fs.readFileSync(new URL('./node_modules/@lancedb/lancedb/package.json', import.meta.url), 'utf8')).version,
  rows,
  insert_seconds: insertSeconds,
  insert_rows_per_second: rows / insertSeconds,
  index_seconds: indexSeconds,
  disk_bytes: dirBytes(dbDir),
  table_versions: await table.version(),
  results,
}));
