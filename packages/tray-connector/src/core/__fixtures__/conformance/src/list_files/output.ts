import { DDLOperationOutput, FileReference } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

export type ListFilesOutput = DDLOperationOutput<string> & { files: FileReference[] };
