import { problemCollector, TrayConnectorError, ValidationError } from './errors';

describe('problemCollector', () => {
  it('keeps the message of every failed check and returns the value of passing ones', () => {
    const { problems, collect } = problemCollector();
    expect(collect(() => 42)).toBe(42);
    expect(
      collect(() => {
        throw new TrayConnectorError('first');
      }),
    ).toBeUndefined();
    expect(
      collect(() => {
        throw new ValidationError('connector.json', ['a', 'b']);
      }),
    ).toBeUndefined();
    expect(problems).toEqual(['first', 'connector.json:\n  - a\n  - b']);
  });

  it('lets an unexpected error through', () => {
    const { collect } = problemCollector();
    expect(() =>
      collect(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
