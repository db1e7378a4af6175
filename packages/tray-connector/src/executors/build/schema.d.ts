export interface BuildExecutorSchema {
  /** Where to write the zip. Relative paths are resolved against the workspace root; {projectRoot} and {workspaceRoot} are replaced. Default: {projectRoot}/.tray/connector.zip */
  outputPath?: string;
}
