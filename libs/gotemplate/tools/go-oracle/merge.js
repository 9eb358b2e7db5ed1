// node merge.js cases.json results.json > golden.json : attaches Go's output/error to each case.
const fs = require('fs');
const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const out = cases.map((c, i) => ({
  ...c,
  output: results[i].output,
  ...(results[i].error ? { error: results[i].error } : {}),
}));
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
