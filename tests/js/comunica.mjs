// Run one SPARQL query with Comunica over the given sources; print the answer as JSON on stdout.
// Usage: node comunica.mjs QUERY SOURCE [SOURCE ...]   (a source is "sparql@URL" or a file URL)
import { QueryEngine } from '@comunica/query-sparql';

const [query, ...given] = process.argv.slice(2);
const sources = given.map((source) =>
  source.startsWith('sparql@') ? { type: 'sparql', value: source.slice('sparql@'.length) } : source);
const engine = new QueryEngine();
const result = await engine.query(query, { sources, lenient: false });
if (result.resultType === 'bindings') {
  const rows = await (await result.execute()).toArray();
  console.log(JSON.stringify(rows.map((row) => Object.fromEntries([...row].map(([k, v]) => [k.value, v.value])))));
} else if (result.resultType === 'quads') {
  const quads = await (await result.execute()).toArray();
  console.log(JSON.stringify(quads.map((q) => [q.subject.value, q.predicate.value, q.object.value])));
} else {
  console.log(JSON.stringify(await result.execute()));
}
