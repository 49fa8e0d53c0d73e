import type { ApiHandler } from '../api.js';
import apiVersions from './18-api-versions.js';

/** Every API the broker serves; ApiVersions advertises exactly these, with these versions. */
export const handlers: ApiHandler<any>[] = [apiVersions];
