import { describeCommandLogContract } from './command-log-contract.test-support.js';
import { backends } from './counter.test-support.js';

for (const { name, open } of backends) describeCommandLogContract(name, open);
