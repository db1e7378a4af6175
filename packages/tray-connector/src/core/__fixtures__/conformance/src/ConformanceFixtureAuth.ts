export type ConformanceFixtureAuth = { access_token: string };
