import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';
import { ConformanceFixtureAuth } from '../ConformanceFixtureAuth';
import { ListFilesInput } from './input';
import { ListFilesOutput } from './output';

export const listFilesHandler = OperationHandlerSetup.configureHandler<ConformanceFixtureAuth, ListFilesInput, ListFilesOutput>(
  (handler) => handler.usingComposite(async () => { throw new Error('not used'); }),
);
