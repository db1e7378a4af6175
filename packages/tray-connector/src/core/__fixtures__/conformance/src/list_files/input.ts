import { FileReference } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

export type ListFilesInput = {
  folder: FileReference;
  /** @enumLabels Newest first, Oldest first */
  order?: 'desc' | 'asc';
};
