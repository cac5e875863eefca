import { ensureBuilt } from './toolchain.mjs';
ensureBuilt();
