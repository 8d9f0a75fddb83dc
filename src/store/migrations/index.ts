// The schema migrations, in order. Each is frozen once shipped; add a new numbered file to change the schema.

import { sql as initial } from './001-initial.js';
import { sql as historyIndexes } from './002-history-indexes.js';
import { sql as buildFinished } from './003-build-finished.js';
import { sql as agentOs } from './004-agent-os.js';
import { sql as fetchState } from './005-fetch-state.js';
import { sql as maskingAndOwner } from './006-masking-and-owner.js';
import { sql as causes } from './007-causes.js';
import { sql as fingerprintsAndMasking } from './008-fingerprints-and-masking.js';

export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-history-indexes', sql: historyIndexes },
  { version: 3, name: '003-build-finished', sql: buildFinished },
  { version: 4, name: '004-agent-os', sql: agentOs },
  { version: 5, name: '005-fetch-state', sql: fetchState },
  { version: 6, name: '006-masking-and-owner', sql: maskingAndOwner },
  { version: 7, name: '007-causes', sql: causes },
  { version: 8, name: '008-fingerprints-and-masking', sql: fingerprintsAndMasking },
];
