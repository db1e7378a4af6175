export interface InitGeneratorSchema {
  /** Register the plugin in nx.json `plugins`; default: yes unless `useInferencePlugins: false` or NX_ADD_PLUGINS=false. */
  addPlugin?: boolean;
  /** Plugin option `defaultRegions`; default ['us']. */
  defaultRegions?: string[] | string;
  /** Accepted for `nx add`; existing versions are always kept. */
  keepExistingVersions?: boolean;
  skipInstall?: boolean;
  skipPackageJson?: boolean;
  skipFormat?: boolean;
}
