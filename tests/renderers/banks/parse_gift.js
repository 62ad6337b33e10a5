// Parse GIFT files with gift-pegjs (an independent GIFT reader) and print JSON.
// Usage: node parse_gift.js NODE_MODULES_DIR FILE... -> {"FILE": [questions...], ...}
// A file that fails to parse maps to {"error": message, "location": {line, column}}.
const fs = require('fs');
const path = require('path');
const { parse } = require(path.resolve(process.argv[2], 'gift-pegjs'));
const result = {};
for (const file of process.argv.slice(3)) {
  try {
    result[file] = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    result[file] = { error: e.message, location: e.location && e.location.start };
  }
}
process.stdout.write(JSON.stringify(result));
