// Turn a JSON-LD document (read from stdin) into N-Quads with jsonld.js; no document is fetched.
import jsonld from 'jsonld';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const refuse = async (url) => { throw new Error(`refused to fetch ${url}`); };
const nquads = await jsonld.toRDF(JSON.parse(Buffer.concat(chunks).toString('utf8')),
  { format: 'application/n-quads', documentLoader: refuse });
process.stdout.write(nquads);
