import { runPermissionConformance } from '../testing/permission-conformance.js';
import { memoryPermission } from './memory-permission.js';

runPermissionConformance({ name: 'memory', create: () => memoryPermission() });
