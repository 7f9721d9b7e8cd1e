import { describeMessageGarbage } from '../../../../test-support/message-suites.js';
import { cases, clock } from './fixtures.js';

describeMessageGarbage(cases, clock);
