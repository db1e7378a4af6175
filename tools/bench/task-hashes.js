#!/usr/bin/env node
// Prints, as JSON, the hash Nx gives each task of a target and what it is made of (Nx's own hasher,
// the one `nx run-many` uses: project graph, task graph, createTaskHasher: in process with NX_DAEMON=false), for the workspace in
// the current directory: `node tools/bench/task-hashes.js build > hashes.json`. The monorepo bench
// runs it before each build run, so a warm run that is not all cache hits is explained input by input.
// Usage: task-hashes.js <target> [project ...]
const path = require('path');

const fromWorkspace = (id) => require(require.resolve(id, { paths: [process.cwd()] }));

async function taskHashes(target, projectNames) {
  const { createProjectGraphAsync } = fromWorkspace('nx/src/devkit-exports');
  const { readNxJson } = fromWorkspace('nx/src/config/nx-json');
  const { createTaskGraph } = fromWorkspace('nx/src/tasks-runner/create-task-graph');
  const { createTaskHasher } = fromWorkspace('nx/src/hasher/create-task-hasher');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const projects = projectNames.length ? projectNames : Object.keys(graph.nodes).filter((p) => graph.nodes[p].data.targets?.[target]);
  const nxJson = readNxJson();
  const taskGraph = createTaskGraph(graph, {}, projects, [target], undefined, {});
  const tasks = Object.values(taskGraph.tasks);
  const hasher = createTaskHasher(graph, nxJson, {});
  const hashes = await hasher.hashTasks(tasks, taskGraph, process.env);
  const out = {};
  tasks.forEach((task, i) => {
    out[task.id] = { hash: hashes[i].value, details: hashes[i].details };
  });
  return out;
}

/** The inputs whose hash differs between two task-hashes.js results of one task (names of Nx's hash detail nodes). */
function diffDetails(before, after) {
  const changed = [];
  const a = before?.details ?? {};
  const b = after?.details ?? {};
  if (a.command !== b.command) changed.push('command');
  for (const key of new Set([...Object.keys(a.nodes ?? {}), ...Object.keys(b.nodes ?? {})])) {
    if (a.nodes?.[key] !== b.nodes?.[key]) changed.push(key);
  }
  for (const key of new Set([...Object.keys(a.runtime ?? {}), ...Object.keys(b.runtime ?? {})])) {
    if (a.runtime?.[key] !== b.runtime?.[key]) changed.push(`runtime:${key}`);
  }
  if (JSON.stringify(a.implicitDeps ?? {}) !== JSON.stringify(b.implicitDeps ?? {})) changed.push('implicitDeps');
  return changed;
}

module.exports = { diffDetails };

if (require.main === module) {
  const [target = 'build', ...projects] = process.argv.slice(2);
  taskHashes(target, projects)
    .then((out) => process.stdout.write(JSON.stringify(out)))
    .catch((e) => {
      console.error(`${path.basename(__filename)}: ${e?.stack ?? e}`);
      process.exit(1);
    });
}
