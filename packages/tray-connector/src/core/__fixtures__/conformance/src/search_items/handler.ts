import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';
import { ConformanceFixtureAuth } from '../ConformanceFixtureAuth';
import { SearchItemsInput } from './input';
import { SearchItemsOutput } from './output';

export const searchItemsHandler = OperationHandlerSetup.configureHandler<ConformanceFixtureAuth, SearchItemsInput, SearchItemsOutput>(
  (handler) => handler.usingComposite(async () => { throw new Error('not used'); }),
);
