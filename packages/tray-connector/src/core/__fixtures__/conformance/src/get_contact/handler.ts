import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';
import { ConformanceFixtureAuth } from '../ConformanceFixtureAuth';
import { GetContactInput } from './input';
import { GetContactOutput } from './output';

export const getContactHandler = OperationHandlerSetup.configureHandler<ConformanceFixtureAuth, GetContactInput, GetContactOutput>(
  (handler) => handler.usingComposite(async () => { throw new Error('not used'); }),
);
