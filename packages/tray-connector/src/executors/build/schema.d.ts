export interface BuildExecutorSchema {
  /** Where to write the zip. Relative paths are resolved against the workspace root; {projectRoot} and {workspaceRoot} are replaced. Must end in .zip and not be (or be inside) a source of the connector. Default: {projectRoot}/.tray/connector.zip */
  outputPath?: string;
  /** Type-check the whole connector (tests left out) before zipping; false skips it at your own risk. Default: true */
  typeCheck?: boolean;
  /** Gitignore-style globs, relative to the connector folder, of credential-looking files that truly belong in the zip. Default: [] */
  allowFiles?: string[];
}
