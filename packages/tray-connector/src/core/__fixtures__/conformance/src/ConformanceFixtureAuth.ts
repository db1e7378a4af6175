import { TokenOperationHandlerAuth } from '@trayio/cdk-dsl/connector/operation/OperationHandler';

export type ConformanceFixtureAuth = TokenOperationHandlerAuth<{ access_token: string }, Record<string, never>>;
