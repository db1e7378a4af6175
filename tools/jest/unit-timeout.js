// A deliberate limit for every unit test (setupFilesAfterEnv of the unit projects; testTimeout is a root-only option).
// Many unit tests do real work: HTTP against the emulator, TypeScript programs, git. Jest's default 5 s is a margin
// that load eats (2 cores shared with other work: issue 28's batch deploy test). 60 s only catches a hang; no test
// asserts a wall-clock margin, and a test file or test that needs longer says so itself.
jest.setTimeout(60_000);
