// Validates a GitHub Actions workflow (YAML on stdin) with GitHub's own parser, @actions/workflow-parser
// (what the Actions service and the VS Code extension use), and prints {"errors":[...]} as JSON.
// Run from a spec with child_process: the parser is ESM-only, the specs are CommonJS.
import { register } from 'node:module';

register('./json-import-hooks.mjs', import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');

let content = '';
for await (const chunk of process.stdin) content += chunk;
const name = process.argv[2] ?? 'workflow.yml';
const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
const errors = parsed.context.errors.getErrors().map((e) => e.message);
if (parsed.value) {
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  process.stdout.write(JSON.stringify({ errors, jobs: (template.jobs ?? []).map((j) => j.id?.value ?? j.id) }));
} else {
  process.stdout.write(JSON.stringify({ errors: errors.length ? errors : ['the parser returned no workflow'], jobs: [] }));
}
