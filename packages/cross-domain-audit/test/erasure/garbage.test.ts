import { describeMessageGarbage } from '../../../../test-support/message-suites.js';
import { cases, clock } from './message-fixtures.js';

describeMessageGarbage(cases, clock);
