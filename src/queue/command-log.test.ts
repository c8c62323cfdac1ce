import { describeCommandLogContract } from 'eventfold/testing';
import { backends } from './counter.test-support.js';

for (const { name, open } of backends) describeCommandLogContract({ name, create: open });
