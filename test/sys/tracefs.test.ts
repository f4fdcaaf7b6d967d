// Naming of the run's tracefs instance: derived from the session id, and never a path out of instances/.
import { describe, expect, it } from 'vitest';
import { instanceName, removeSessionInstance, sessionInstancePath, sessionOfInstance } from '../../src/sys/tracefs.js';

describe('tracefs instance names', () => {
  it('fwtrace-<session> both ways', () => {
    expect(instanceName('123_abcd')).toBe('fwtrace-123_abcd');
    expect(sessionOfInstance('fwtrace-123_abcd')).toBe('123_abcd');
  });

  it('other instances, and names that are not session ids, are not ours', () => {
    expect(sessionOfInstance('fwhc_measure_1')).toBeNull();
    expect(sessionOfInstance('fwtrace-')).toBeNull();
    expect(sessionOfInstance('fwtrace-../x')).toBeNull();
  });

  it('a session id from a state file that would leave instances/ is never looked up or removed', async () => {
    expect(await sessionInstancePath('../../../etc')).toBeNull();
    expect(await removeSessionInstance('x/../../y')).toEqual([]);
  });
});
