// Rewrites the worked example of packages/tray-connector/docs/importing-openapi.md (between
// <!-- import-example --> and <!-- /import-example -->) with what the importer in dist/ writes TODAY for a small
// spec: `npm run build && node tools/docs/import-example.js`. Run it whenever the importer's output changes.
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../..');
const GUIDE = path.join(REPO_ROOT, 'packages/tray-connector/docs/importing-openapi.md');
const GENERATOR = path.join(REPO_ROOT, 'dist/packages/tray-connector/src/generators/import/generator.js');

const SPEC = `openapi: 3.0.3
info:
  title: Petstore
  version: 1.0.0
servers:
  - url: https://petstore.example.com/v1
paths:
  /pets:
    get:
      operationId: listPets
      summary: List all pets
      parameters:
        - name: limit
          in: query
          description: How many items to return at one time (max 100)
          schema: { type: integer, format: int32, maximum: 100 }
      responses:
        '200':
          description: A list of pets
          content:
            application/json:
              schema:
                type: array
                items: { $ref: '#/components/schemas/Pet' }
        default:
          description: An error
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Error' }
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: integer, format: int64 }
        name: { type: string }
        tag: { type: string }
    Error:
      type: object
      required: [message]
      properties:
        message: { type: string }
        code: { type: string }
`;

/** Runs the built import generator on SPEC in a temp workspace; the files it writes and what it logged. */
async function importSpec() {
  if (!fs.existsSync(GENERATOR)) throw new Error(`${GENERATOR} is missing: run npm run build first`);
  const { createTreeWithEmptyWorkspace } = require(require.resolve('@nx/devkit/testing', { paths: [REPO_ROOT] }));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-import-example-'));
  try {
    fs.mkdirSync(path.join(root, 'specs'));
    fs.writeFileSync(path.join(root, 'specs/petstore.yaml'), SPEC);
    const tree = createTreeWithEmptyWorkspace();
    Object.defineProperty(tree, 'root', { value: root });
    tree.write('specs/petstore.yaml', SPEC);
    const logged = [];
    const log = console.log;
    const info = console.info;
    console.log = console.info = (...args) => logged.push(args.join(' '));
    try {
      await require(GENERATOR).importGenerator(tree, {
        spec: 'specs/petstore.yaml',
        name: 'petstore',
        skipInstall: true,
        skipFormat: true,
      });
    } finally {
      console.log = log;
      console.info = info;
    }
    const files = Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content ? c.content.toString() : '']));
    return { files, logged: logged.join('\n').split(root).join('/ws') };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function render({ files, logged }) {
  const file = (name) => {
    const text = files[`connectors/petstore/src/${name}`];
    if (text === undefined) throw new Error(`the importer wrote no connectors/petstore/src/${name}`);
    return text.replace(/\n+$/, '');
  };
  return `<!-- import-example -->
<!-- Written by tools/docs/import-example.js from what the importer writes: do not edit by hand. -->
\`specs/petstore.yaml\`:

\`\`\`yaml
${SPEC.replace(/\n+$/, '')}
\`\`\`

\`npx nx g tray-connector:import --spec=specs/petstore.yaml --name=petstore\` scaffolds the connector with \`new\`
(same files and project, without the sample operation), writes one folder per operation, and prints:

\`\`\`
${logged.replace(/Import took \d+ ms/, 'Import took 285 ms')}
\`\`\`

\`src/list_pets/input.ts\`:

\`\`\`ts
${file('list_pets/input.ts')}
\`\`\`

\`src/list_pets/output.ts\` (Tray operations return an object, so a list is wrapped in \`items\`):

\`\`\`ts
${file('list_pets/output.ts')}
\`\`\`

\`src/list_pets/handler.ts\` (as the importer writes it with \`--skipFormat\`; without it, the workspace's
formatter runs over it): the parameters are data, sent by \`src/http-parameters.ts\`, one file per connector
that every import rewrites:

\`\`\`ts
${file('list_pets/handler.ts')}
\`\`\`

\`src/list_pets/operation.json\`:

\`\`\`json
${file('list_pets/operation.json')}
\`\`\`
<!-- /import-example -->`;
}

async function main() {
  const guide = fs.readFileSync(GUIDE, 'utf8');
  const start = guide.indexOf('<!-- import-example -->');
  const endMarker = '<!-- /import-example -->';
  const end = guide.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`${GUIDE} has no <!-- import-example --> ... ${endMarker} section`);
  const next = guide.slice(0, start) + render(await importSpec()) + guide.slice(end + endMarker.length);
  fs.writeFileSync(GUIDE, next);
  console.log(`wrote the worked example of ${path.relative(REPO_ROOT, GUIDE)}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
