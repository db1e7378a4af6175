// e2e tests drive npm and nx in fresh workspaces.
jest.setTimeout(15 * 60 * 1000);
