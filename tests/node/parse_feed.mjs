// Parse a podcast feed with podcast-partytime (the Podcasting 2.0 parser Podverse uses) and print the result
// as JSON on stdout, so that sofacast's Python tests can check a feed with an independent parser.
//
//   node parse_feed.mjs FEED.xml [--allow-missing-guid]
//   node parse_feed.mjs --many FEED.xml FEED2.xml ... [--allow-missing-guid]
//
// With --many, it prints one JSON object mapping each path to its result (null where partytime returned null),
// so that many feeds cost one start of node.
//
// The file is decoded as its byte order mark or XML declaration says (partytime itself takes a string);
// without either, as UTF-8. Dates are printed as ISO 8601 strings (an invalid one as null). Nothing but the
// JSON goes to stdout: partytime logs with pino on stdout, so its log level is set to "silent" before it is
// loaded (its console.warn lines go to stderr). Exit codes: 0 parsed, 2 usage, 3 partytime returned null
// (for a single feed).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

process.env.PARTYTIME_LOG = "silent";
const require = createRequire(import.meta.url);
const { parseFeed } = require("podcast-partytime");

function decode(bytes) {
  let label = "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) label = "utf-16be";
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = "utf-16le";
  else if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    const head = bytes.subarray(0, 200).toString("latin1");
    const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    if (declared) label = declared[1];
  }
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes); // an encoding TextDecoder does not know
  }
}

const args = process.argv.slice(2);
const options = { allowMissingGuid: args.includes("--allow-missing-guid") };
const paths = args.filter((a) => !a.startsWith("--"));
const parse = (path) => parseFeed(decode(readFileSync(path)), options);
// JSON.stringify turns each Date into its toISOString() (Date.prototype.toJSON), an invalid Date into null.
if (args.includes("--many")) {
  process.stdout.write(JSON.stringify(Object.fromEntries(paths.map((path) => [path, parse(path)])), null, 2) + "\n");
} else if (paths.length === 1) {
  const feed = parse(paths[0]);
  if (feed === null) {
    process.stderr.write(`partytime could not parse ${paths[0]}\n`);
    process.exit(3);
  }
  process.stdout.write(JSON.stringify(feed, null, 2) + "\n");
} else {
  process.stderr.write("usage: node parse_feed.mjs FEED.xml [--allow-missing-guid]\n" +
                       "       node parse_feed.mjs --many FEED.xml ... [--allow-missing-guid]\n");
  process.exit(2);
}
