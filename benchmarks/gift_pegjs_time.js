// Time gift-pegjs parsing one GIFT file, in-process: median milliseconds over RUNS runs.
// Usage: node gift_pegjs_time.js NODE_MODULES_DIR FILE RUNS -> {"ms": median, "questions": n}
const fs = require('fs');
const path = require('path');
const { parse } = require(path.resolve(process.argv[2], 'gift-pegjs'));
const text = fs.readFileSync(process.argv[3], 'utf8');
const runs = Number(process.argv[4] || 5);
let questions = 0;
parse(text);  // warm-up, as the Python side runs once before timing
const samples = [];
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint();
  const parsed = parse(text);
  samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  questions = parsed.filter((q) => q.type !== 'Category' && q.type !== 'Description').length;
}
samples.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ ms: samples[Math.floor(samples.length / 2)], questions }));
