export interface BuildExecutorSchema {
  /** Where to write the zip. Relative paths are resolved against the workspace root; {projectRoot} and {workspaceRoot} are replaced. Must end in .zip and not be (or be inside) a source of the connector. Default: {projectRoot}/.tray/connector.zip */
  outputPath?: string;
  /** Type-check the whole connector (tests left out) before zipping; false skips it at your own risk. Default: true */
  typeCheck?: boolean;
  /** Gitignore-style globs, relative to the connector folder, of credential-looking files that truly belong in the zip. Default: [] */
  allowFiles?: string[];
  /** Largest zip the build writes, in bytes: a bigger one fails the build, naming its largest files (Tray documents no limit; the zip goes base64-encoded, a third larger, in the deploy request). Default: 10485760 (10 MiB) */
  maxZipBytes?: number;
}
