import { OperationHandlerSetup } from '@trayio/cdk-dsl/connector/operation/OperationHandlerSetup';
import { ConformanceFixtureAuth } from '../ConformanceFixtureAuth';
import { UpdateDealInput } from './input';
import { UpdateDealOutput } from './output';

export const updateDealHandler = OperationHandlerSetup.configureHandler<ConformanceFixtureAuth, UpdateDealInput, UpdateDealOutput>(
  (handler) => handler.usingComposite(async () => { throw new Error('not used'); }),
);
