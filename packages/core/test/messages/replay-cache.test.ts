import { MemoryReplayCache } from '@safety-net/core';
import { describeReplayCache } from '../../../../test-support/replay-cache-contract.js';

describeReplayCache('memory', async () => {
  const cache = new MemoryReplayCache();
  return [cache, cache];
});
