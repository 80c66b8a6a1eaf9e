import { f as fromEnv } from './index2.js';
export { E as ENV_ACCOUNT_ID, a as ENV_CREDENTIAL_SCOPE, b as ENV_EXPIRATION, c as ENV_KEY, d as ENV_SECRET, e as ENV_SESSION } from './index2.js';
import './node-http-handler.js';
import 'node:fs';
import 'node:stream';
import 'node:crypto';
import 'node:os';
import 'node:process';
import './readFile.js';
import 'node:path';
import 'node:fs/promises';
import 'node:https';
import './EventStreamSerdeConfig.js';
import 'node:zlib';



export { fromEnv };
