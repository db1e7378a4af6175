export interface ImportGeneratorSchema {
  /** Path (relative to the workspace root) or file: URL of an OpenAPI 3.0/3.1 or Swagger 2.0 document, JSON or YAML. */
  spec: string;
  /** kebab-case name of the new connector; default: info.title in kebab-case. */
  name?: string;
  /** Folder of the new connector; default connectors/<name>. */
  directory?: string;
  /** Regions of the new connector (as `new`): us, eu, apac; default ['us']. */
  regions?: string[] | string;
  /** Globs on operationId, operation name or path; comma-separated or an array. */
  operations?: string[] | string;
  /** Globs on the operations' paths (e.g. /repos/**); comma-separated or an array. */
  paths?: string[] | string;
  /** Globs on the operations' tags; comma-separated or an array. */
  tags?: string[] | string;
  /** The security scheme (components.securitySchemes name) a new connector uses, or 'none'; default: the first global requirement, else the first. */
  auth?: string;
  /** The new connector's title; default info.title (also the default name, in kebab-case). */
  title?: string;
  /** Which servers entry is the base URL: an index, a listed URL or description, or an https:// URL; default the first. */
  server?: string;
  /** An existing connector project: add the operations it lacks. */
  connector?: string;
  /** Fetch http(s) $refs (public addresses only); default false: $refs only read files in the spec's folder. */
  allowRemoteRefs?: boolean;
  /** With allowRemoteRefs: one time limit for every remote $ref together, in seconds (0 < x <= 600); default 30. */
  remoteRefsTimeout?: number;
  skipFormat?: boolean;
  skipInstall?: boolean;
}
